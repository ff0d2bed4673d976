"""Threads (Meta) "Download your information" JSON: own posts and replies.

Format ``threads_dyi_json`` (format facts: the project's notes on Threads and Bluesky):
``your_instagram_activity/threads/threads_and_replies.json`` (any folder; detected by its
``text_post_app_text_posts`` key)::

    {"text_post_app_text_posts": [
       {"media": [{"creation_timestamp": 1717171717, "title": "Neuer Beitrag \\u00c3\\u00bcber ...",
                   "text_app_post": {"is_reply": false}}]}]}

As in every Meta archive, text is UTF-8 written byte by byte as ``\\u00XX`` escapes: repaired with
:func:`toolkit.io.meta_dyi.fix_mojibake`. An entry with several media files has the text and time at
its top level (as Instagram's ``posts_1.json``). Times are Unix seconds (UTC). The archive has no
counts (views, likes, replies received): metrics are ``<NA>``.

Entries with ``is_reply`` false are posts (``platform`` "threads", ``post_id`` the media file number
where there is one, else ``dyi-<unix time>-<hash of text and media>``, as for Instagram); replies are the account's own comments on other
threads (comments table, ``is_owner`` True, ``post_id`` <NA>: the archive does not say which thread).
"""

from __future__ import annotations

import json
import re

import pandas as pd

from ..errors import ExportFormatError
from ._base import Context, Loader, Parsed, Source, register
from ._base import paused_gc
from ._dyi import _comment_frame, _post_frame, _problems, _ts, fixed, uri_name, uri_stem
from ._filebar import tracked

__all__ = ["ThreadsDYIJSON"]

_PLATFORM = "threads"
_VIDEO = (".mp4", ".mov", ".m4v", ".webm")


_COLS = ["ts", "text", "media_type", "is_reply", "post_id", "author", "media_owner", "media", "_record"]
_MEDIA_NUMBER = re.compile(r"\d{6,}")


def _entry(rec: dict) -> tuple[tuple | None, tuple | None]:
    """One entry as a row in the order of ``_COLS`` (without ``_record``), or the problem."""
    media = [m for m in rec.get("media") or [] if isinstance(m, dict)]
    first = media[0] if media else {}
    ts = _ts(rec.get("creation_timestamp", first.get("creation_timestamp")))
    if ts is None:
        return None, ("creation_timestamp", rec.get("creation_timestamp", first.get("creation_timestamp")),
                      "a Unix time in seconds (the entry has no creation_timestamp)")
    title = rec.get("title")
    title = fixed(title if isinstance(title, str) and title else first.get("title"))
    app = rec.get("text_app_post") if isinstance(rec.get("text_app_post"), dict) else first.get("text_app_post")
    is_reply = bool((app or {}).get("is_reply", False))
    uris = [fixed(u) for u in (m.get("uri") for m in media) if isinstance(u, str) and u]
    if uris:
        stem = uri_stem(uris[0])
        mtype = "carousel" if len(uris) > 1 else "video" if uris[0].lower().endswith(_VIDEO) else "photo"
        names = uri_name(uris[0]) if len(uris) == 1 else "|".join(sorted(uri_name(u) for u in uris))
    else:
        stem, mtype, names = "", "text", ""
    return (ts, title if isinstance(title, str) else "", mtype, is_reply,
            stem if _MEDIA_NUMBER.fullmatch(stem) else None, None, None, names), None


@register
class ThreadsDYIJSON(Loader):
    """Threads ``threads_and_replies.json`` from Meta's "Download your information" -> posts and comments."""

    format = "threads_dyi_json"
    priority = 35

    def sniff(self, source: Source, ctx: Context) -> bool:
        return source.suffix == ".json" and \
            re.match(r'\s*\{\s*"text_post_app_', source.head(2048).lstrip("\ufeff")) is not None

    def read(self, source: Source, ctx: Context) -> Parsed:
        # the parsed JSON and the rows made from it are many small dicts, none in reference cycles: the
        # cyclic collector would scan the whole tree again each few thousand rows made (reference counting frees)
        with paused_gc():
            return self._read(source, ctx)

    def _read(self, source: Source, ctx: Context) -> Parsed:
        try:
            with paused_gc():  # many small dicts, none in reference cycles
                data = json.loads(source.text)  # Meta's byte escapes: repaired in the values read (``fixed``)
        except json.JSONDecodeError as exc:
            raise ExportFormatError(f"{source.name}, line {exc.lineno}: not valid JSON ({exc.msg}). Was the download "
                                    f"cut off? Download your information again.", file=source.name,
                                    line=exc.lineno) from None
        records = next((v for k, v in data.items() if fixed(k).startswith("text_post_app_") and isinstance(v, list)),
                       None) if isinstance(data, dict) else None
        if records is None:
            raise ExportFormatError(f"{source.name}: expected a list under 'text_post_app_text_posts'; found "
                                    f"{sorted(fixed(data)) if isinstance(data, dict) else type(data).__name__}.",
                                    file=source.name)
        parsed = Parsed(self.format)
        rows, problems = [], []
        for i, rec in enumerate(tracked(records, source.name), start=1):  # rows as tuples (a dict per row is 5x the memory)
            row, prob = _entry(rec) if isinstance(rec, dict) else (None, (None, rec, "an object ({...})"))
            if prob:
                problems.append((i, prob[0], fixed(prob[1]), prob[2]))
            else:
                rows.append(row + (i,))
        frame = pd.DataFrame.from_records(rows, columns=_COLS, nrows=len(rows)) if rows else \
            pd.DataFrame(rows, columns=_COLS)
        del rows
        replies = frame["is_reply"].astype(bool)
        parsed.rows_read["posts"] = int((~replies).sum())
        parsed.rows_read["comments"] = int(replies.sum())
        if problems:  # an entry without a time cannot be placed in either table: counted with the posts
            parsed.rows_read["posts"] += len(problems)
            _problems(source, ctx, parsed, "posts", problems)
        parsed.tables["posts"] = _post_frame(frame[~replies], _PLATFORM, parsed)
        comments = _comment_frame(frame[replies], _PLATFORM, parsed)
        comments["author"] = comments["author"].astype("string")
        parsed.tables["comments"] = comments
        parsed.notes.append("Threads archive: times are UTC; text repaired from Meta's byte escapes; no metrics; "
                            "replies are the account's own (comments, thread not named)")
        return parsed
