"""Meta "Download your information" JSON (Facebook and Instagram): posts and comments.

Files and key layouts (facts: ``export-formats.md`` section 3) - matched by content, any folder:

=====================================================  ==========================================
file                                                   content
=====================================================  ==========================================
``posts_1.json`` (Instagram, any year)                 list of ``{"media": [...], "title"?,
                                                       "creation_timestamp"?}``
``reels.json`` / ``stories.json`` (Instagram)          ``{"ig_reels_media": [...]}`` /
                                                       ``{"ig_stories": [...]}``, same entries
``post_comments_1.json`` (Instagram 2024+)             list of ``{"string_map_data": {...}}``
``post_comments.json`` / ``reels_comments.json``       ``{"comments_media_comments": [...]}`` /
                                                       ``{"comments_reels_comments": [...]}``
``your_posts_1.json`` / ``your_posts__check_ins...``   list of ``{"timestamp", "data": [{"post"}],
(Facebook)                                             "attachments", "title"}``
``comments.json`` (Facebook)                           ``{"comments_v2": [...]}`` (older
                                                       ``{"comments": [...]}``)
=====================================================  ==========================================

What the archive does and does not carry, and what the loader makes of it:

- Times are Unix seconds, UTC.
- Text: Meta writes every UTF-8 byte of non-ASCII text as its own ``\\u00XX`` escape
  (``"M\\u00c3\\u00bcller"``). Every string (and key) is repaired by re-encoding as latin-1 and
  decoding as UTF-8, repeated while that round trip succeeds and changes the string; strings
  for which it fails are already correct and stay as they are.
- No post IDs, no comment IDs and no metrics. ``post_id`` is derived: the media file number of
  the first photo/video for Instagram (``media/posts/202504/17904019260137620.jpg`` ->
  ``17904019260137620``), else ``dyi-<unix time>-<8 hex>``, the hex being a hash of the text
  (whitespace runs as one space), the media file names (not their folders, which moved between
  archive layouts) and the linked URLs. ``comment_id`` is ``dyi-`` plus a hash of time, author,
  text and post owner. The IDs depend only on content, never on file order or file names: the
  same post or comment gets the same id in every re-download, so overlapping archives dedupe,
  and **identical entries** (same time, text and media; Meta repeats some) are one row, the
  repeats counted as duplicates in the load report. Two different posts in the same second get
  different ids. The IDs do not match those of Business Suite exports. Metrics are ``<NA>``.
- Comments in these archives are the ones the account holder **wrote** (on any post):
  ``is_owner`` is True, ``author`` is the name the file gives (Facebook) or ``<NA>``
  (Instagram), ``account`` is ``<NA>`` and ``post_id`` is ``<NA>`` (the archive does not link
  them). Instagram's "Media Owner" is kept in an extra column ``media_owner``.

Records that cannot be read (no timestamp) raise :class:`~toolkit.errors.ExportFormatError`
naming the record (1-based position in the file's list), or are rejected with ``errors="reject"``
(the load report's ``line`` then holds the record number, as its reason says).
"""

from __future__ import annotations

import functools
import json
import re

import pandas as pd

from ..errors import ExportFormatError
from ._base import Context, Loader, Parsed, Source, register
from ._base import paused_gc
from ._dyi import _comment_frame, _post_frame, _problems, _ts, fix_mojibake, fixed, uri_name, uri_stem
from ._filebar import tracked

__all__ = ["MetaDYIJSON", "fix_mojibake"]

_VIDEO = (".mp4", ".mov", ".m4v", ".webm")
_COMMENT_KEYS = ("comment", "opmerking", "kommentar", "commentaire", "comentario", "commento", "댓글")
_OWNER_KEYS = ("media owner", "media-eigenaar", "medieninhaber", "medieninhaber*in", "propriétaire du média",
               "propietario del contenido")


def _kind(head: str, basename: str) -> str | None:
    h = head.lstrip("\ufeff \r\n\t")
    name = basename.lower()
    if not name.endswith(".json"):
        return None
    if h.startswith("{"):
        if re.match(r'\{\s*"comments_v2"\s*:', h) or (re.match(r'\{\s*"comments"\s*:', h) and '"comment"' in h):
            return "fb_comments"
        if re.match(r'\{\s*"comments_(media|reels)_comments"\s*:', h):
            return "ig_comments"
        if re.match(r'\{\s*"ig_(reels_media|stories)"\s*:', h) and '"media"' in h:
            return "ig_posts"
        return None
    if not h.startswith("["):
        return None
    if re.match(r'\[\s*\{\s*"media"\s*:', h) and "creation_timestamp" in h:
        return "ig_posts"
    if re.match(r'\[\s*\{\s*"(media_list_data|string_map_data|label_values)"\s*:', h) and \
            ("comment" in name or '"Comment"' in h):
        return "ig_comments"
    if re.match(r'\[\s*\{\s*"timestamp"\s*:', h) and re.search(r'"(data|attachments|title)"\s*:', h):
        return "fb_posts"
    if re.match(r'\[\s*\]\s*$', h) and re.search(r"(your_posts|posts_\d|comments)", name):
        return "empty"
    return None


@register
class MetaDYIJSON(Loader):
    """Facebook/Instagram "Download your information" JSON files (posts and comments)."""

    format = "meta_dyi_json"
    priority = 40

    def sniff(self, source: Source, ctx: Context) -> bool:
        return _kind(source.head(4096), source.basename) is not None

    def read(self, source: Source, ctx: Context) -> Parsed:
        # the parsed JSON and the rows made from it are many small dicts, none in reference cycles: the
        # cyclic collector would scan the whole tree again each few thousand rows made (reference counting frees)
        with paused_gc():
            return self._read(source, ctx)

    def _read(self, source: Source, ctx: Context) -> Parsed:
        kind = _kind(source.head(4096), source.basename)
        try:
            with paused_gc():  # many small dicts, none in reference cycles
                data = json.loads(source.text)
        except json.JSONDecodeError as exc:
            raise ExportFormatError(f"{source.name}, line {exc.lineno}: not valid JSON ({exc.msg}). Was the "
                                    f"download cut off? Download the archive again.",
                                    file=source.name, line=exc.lineno) from None
        # Meta's byte escapes are repaired in the values read (``fixed``), not in the whole file first.
        parsed = Parsed(f"meta_dyi_{kind}" if kind != "empty" else self.format)
        if kind == "empty":
            parsed.rows_read["posts"] = 0
            return parsed
        records, sub = _records(data, kind)
        if records is None:
            raise ExportFormatError(f"{source.name}: expected a list of records for this Meta archive file, "
                                    f"found {type(data).__name__}. Download the archive again.",
                                    file=source.name)
        table = "posts" if kind.endswith("posts") else "comments"
        parsed.rows_read[table] = len(records)
        rows, problems = [], []
        fn = {"ig_posts": _ig_post, "fb_posts": _fb_post, "ig_comments": _ig_comment,
              "fb_comments": _fb_comment}[kind]
        for i, rec in enumerate(tracked(records, source.name), start=1):
            if not isinstance(rec, dict):
                problems.append((i, None, fixed(rec), "an object ({...})"))
                continue
            row, prob = fn(rec, sub)
            if prob:
                problems.append((i, prob[0], fixed(prob[1]), prob[2]))
            else:
                row["_record"] = i
                rows.append(row)
        if problems:
            _problems(source, ctx, parsed, table, problems)
        frame = pd.DataFrame(rows)
        if kind.endswith("posts"):
            frame = _post_frame(frame, "instagram" if kind == "ig_posts" else "facebook", parsed)
        else:
            frame = _comment_frame(frame, "instagram" if kind == "ig_comments" else "facebook", parsed)
        parsed.tables[table] = frame
        parsed.notes.append(f"Meta archive ({kind.replace('_', ' ')}): times are UTC; IDs derived, no metrics")
        return parsed


def _records(data, kind: str) -> tuple[list | None, str]:
    if isinstance(data, list):
        return data, ""
    if isinstance(data, dict):
        for key, val in data.items():
            if isinstance(val, list):
                return val, key
    return None, ""








def _ig_post(rec: dict, sub: str):
    media = rec.get("media") if isinstance(rec.get("media"), list) else []
    first = media[0] if media and isinstance(media[0], dict) else {}
    ts = _ts(rec.get("creation_timestamp", first.get("creation_timestamp")))
    if ts is None:
        return None, ("creation_timestamp", rec.get("creation_timestamp", first.get("creation_timestamp")),
                      "a Unix time in seconds (the post has no creation_timestamp)")
    title = rec.get("title")
    text = fixed(title) if isinstance(title, str) else fixed(first.get("title")) if isinstance(first.get("title"), str) \
        else ""
    uri = fixed(first.get("uri")) if isinstance(first.get("uri"), str) else ""
    names = sorted(uri_name(fixed(m["uri"])) for m in media
                   if isinstance(m, dict) and isinstance(m.get("uri"), str))
    stem = uri_stem(uri) if uri else ""
    if "reels" in sub:
        mtype = "reel"
    elif "stories" in sub:
        mtype = "story"
    elif len(media) > 1:
        mtype = "carousel"
    elif uri.lower().endswith(_VIDEO):
        mtype = "video"
    elif uri:
        mtype = "photo"
    else:
        mtype = None
    pid = stem if re.fullmatch(r"\d{6,}", stem or "") else None
    return {"ts": ts, "text": text, "media_type": mtype, "post_id": pid, "media": "|".join(names)}, None


def _fb_post(rec: dict, sub: str):
    ts = _ts(rec.get("timestamp"))
    if ts is None:
        return None, ("timestamp", rec.get("timestamp"), "a Unix time in seconds")
    text = ""
    for d in rec.get("data") if isinstance(rec.get("data"), list) else []:
        if isinstance(d, dict) and isinstance(d.get("post"), str):
            text = fixed(d["post"])
            break
    mtype = "text"
    names = []
    atts = rec.get("attachments") if isinstance(rec.get("attachments"), list) else []
    for att in atts:
        for item in att["data"] if isinstance(att, dict) and isinstance(att.get("data"), list) else []:
            if isinstance(item, dict) and isinstance(item.get("media"), dict):
                names.append(uri_name(str(fixed(item["media"].get("uri", "")))))
            elif isinstance(item, dict) and isinstance(item.get("external_context"), dict):
                names.append(str(fixed(item["external_context"].get("url", ""))))
            elif isinstance(item, dict) and isinstance(item.get("place"), dict):
                names.append(str(fixed(item["place"].get("name", ""))))
    for att in atts:
        for item in att["data"] if isinstance(att, dict) and isinstance(att.get("data"), list) else []:
            if not isinstance(item, dict):
                continue
            if isinstance(item.get("media"), dict):
                uri = str(fixed(item["media"].get("uri", "")))
                mtype = "video" if uri.lower().endswith(_VIDEO) else "photo"
            elif "external_context" in item:
                mtype = "link"
            elif "place" in item:
                mtype = "checkin"
            break
        break
    return {"ts": ts, "text": text, "media_type": mtype, "post_id": None, "media": "|".join(sorted(names))}, None








@functools.lru_cache(maxsize=4096)
def _label_str(k: str) -> str:
    return str(fixed(k)).strip().lower()


def _label(k) -> str:
    """A ``string_map_data`` key or ``label`` as compared (repaired, stripped, lower case): once per distinct key."""
    return _label_str(k) if type(k) is str else str(fixed(k)).strip().lower()


def _smd(rec: dict) -> dict:
    """``string_map_data`` or ``label_values`` as {normalised key: {value/timestamp}}."""
    out = {}
    smd = rec.get("string_map_data")
    if isinstance(smd, dict):
        for k, v in smd.items():
            if isinstance(v, dict):
                out[_label(k)] = v
    for lv in rec.get("label_values") or []:
        if isinstance(lv, dict) and "label" in lv:
            v = {"value": lv.get("value")}
            if "timestamp_value" in lv or "timestamp" in lv:
                v["timestamp"] = lv.get("timestamp_value", lv.get("timestamp"))
            out[_label(lv["label"])] = v
    return out


def _ig_comment(rec: dict, sub: str):
    smd = _smd(rec)
    text = fixed(next((smd[k].get("value") for k in _COMMENT_KEYS if k in smd), None))
    owner = fixed(next((smd[k].get("value") for k in _OWNER_KEYS if k in smd), None))
    ts = None
    for v in smd.values():  # the first value with a readable time
        ts = _ts(v.get("timestamp"))
        if ts is not None:
            break
    if ts is None:
        ts = _ts(rec.get("timestamp"))
    if ts is None:
        return None, ("Time", rec, "a comment with a Unix time (no 'timestamp' found)")
    if text is None:  # localized label we do not know: the one string value that is not the owner
        cands = [fixed(v.get("value")) for k, v in smd.items() if isinstance(v.get("value"), str)
                 and k not in _OWNER_KEYS and "timestamp" not in v]
        text = cands[0] if len(cands) == 1 else ""
    return {"ts": ts, "text": text if isinstance(text, str) else "", "author": None,
            "media_owner": owner}, None


def _fb_comment(rec: dict, sub: str):
    c = {}
    for d in rec.get("data") or []:
        if isinstance(d, dict) and isinstance(d.get("comment"), dict):
            c = d["comment"]
            break
    ts = _ts(c.get("timestamp", rec.get("timestamp")))
    if ts is None:
        return None, ("timestamp", rec.get("timestamp"), "a Unix time in seconds")
    text = fixed(c.get("comment")) if isinstance(c.get("comment"), str) else ""
    author = fixed(c.get("author")) if isinstance(c.get("author"), str) else None
    return {"ts": ts, "text": text, "author": author, "media_owner": None}, None
