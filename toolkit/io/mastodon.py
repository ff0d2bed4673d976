"""Mastodon account archive (``archive-<UTC time>-<hex>.tar.gz`` or ``.zip``).

Formats (facts and evidence: ``export-formats.md`` section 7):

``mastodon_outbox``
    ``outbox.json``: an ActivityStreams ``OrderedCollection`` of ``Create`` activities (own posts,
    ``Note`` or ``Question`` objects) and ``Announce`` activities (boosts). Posts -> ``posts``:
    ``post_id`` is the status id (last segment of the object id), ``text`` is the HTML ``content``
    turned into text (paragraphs -> blank line, ``<br>`` -> newline, the invisible parts of
    shortened links dropped and an ellipsis added where Mastodon shows one, entities unescaped),
    ``hashtags`` (extra column) lists the ``Hashtag`` tags space-separated, ``content_warning``
    (extra) holds ``summary``, ``is_reply`` (extra) is True when ``inReplyTo`` is set. Replies are
    kept. Boosts (``Announce``) are other people's posts: they are skipped and counted as rejected
    with the reason. The archive holds **no counts** (no favourites, boosts or replies: mastodon
    issue #14605), so every metric is ``<NA>`` (not reported), never 0.
``mastodon_collection_uris``
    ``likes.json`` / ``bookmarks.json``: status URIs only, no time and no content. No canonical
    table fits; every URI is counted as read and rejected with the reason "likes.json lists liked
    status URIs only" so the load report accounts for it.
``mastodon_actor``
    ``actor.json``: the profile. Holds no rows; ``account`` of the posts comes from each Note's
    ``attributedTo`` as ``user@host`` (the same for every post of the archive).

Times are ISO 8601 with ``Z`` (UTC). The archive's file name carries its creation time (UTC), used
as ``exported_at`` so a newer archive wins when two overlap.
"""

from __future__ import annotations

import functools
import json
import re
from urllib.parse import urlparse

import numpy as np
import pandas as pd

from ..errors import ExportFormatError
from ._base import Context, Loader, Parsed, Source, paused_gc, register, utc_times
from ._filebar import tracked
from ._html import html_to_text  # noqa: F401  (public here since it was first written for Mastodon)

__all__ = ["MastodonOutbox", "MastodonURIList", "MastodonActor", "html_to_text"]

_PLATFORM = "mastodon"


def _is_collection(source: Source) -> bool:
    if source.suffix != ".json":
        return False
    head = source.head(2048)
    return '"OrderedCollection"' in head or '"orderedItems"' in head


def _load_json(source: Source):
    try:
        return json.loads(source.text)
    except json.JSONDecodeError as exc:
        raise ExportFormatError(f"{source.name}, line {exc.lineno}: not valid JSON ({exc.msg}). Was the file "
                                f"cut off? Download the archive again.", file=source.name, line=exc.lineno) from None


def _exported_at(source: Source) -> pd.Timestamp | None:
    m = re.search(r"archive-(\d{14})-", source.name)
    if not m:
        return None
    try:
        return pd.to_datetime(m.group(1), format="%Y%m%d%H%M%S").tz_localize("UTC")
    except ValueError:
        return None


def _account_of(uri) -> str | None:
    return _account_of_str(uri) if isinstance(uri, str) else None


@functools.lru_cache(maxsize=1024)  # the same actor on every post of an archive: parsed once
def _account_of_str(uri: str) -> str | None:
    u = urlparse(uri)
    m = re.search(r"/(?:users/|@)([^/]+)/?$", u.path)
    return f"{m.group(1)}@{u.hostname}" if m and u.hostname else None


@register
class MastodonOutbox(Loader):
    """Mastodon ``outbox.json`` -> posts (own posts and replies; boosts skipped and counted)."""

    format = "mastodon_outbox"
    priority = 20

    def sniff(self, source: Source, ctx: Context) -> bool:
        if not _is_collection(source):
            return False
        head = source.head(4096)
        return '"Create"' in head or '"Announce"' in head or \
            (source.basename.lower() == "outbox.json" and '"orderedItems"' in head)

    def read(self, source: Source, ctx: Context) -> Parsed:
        # the parsed JSON and the rows made from it are many small dicts, none in reference cycles: the
        # cyclic collector would scan the whole tree again each few thousand rows made (reference counting frees)
        with paused_gc():
            return self._read(source, ctx)

    def _read(self, source: Source, ctx: Context) -> Parsed:
        data = _load_json(source)
        items = data.get("orderedItems") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise ExportFormatError(f"{source.name}: expected an OrderedCollection with 'orderedItems' (a list); "
                                    f"found keys {sorted(data) if isinstance(data, dict) else type(data).__name__}.",
                                    file=source.name)
        parsed = Parsed(self.format, exported_at=_exported_at(source))
        parsed.rows_read["posts"] = len(items)
        rows = []
        # every publish time parsed in one call; the loop looks its record's up
        times = utc_times([act["object"].get("published") if isinstance(act, dict) and isinstance(
            act.get("object"), dict) else None for act in items])
        for i, act in enumerate(tracked(items, source.name)):
            kind = act.get("type") if isinstance(act, dict) else None
            if kind == "Announce":
                parsed.rejected.append({"table": "posts", "line": i, "column": "type",
                                        "kind": "skipped", "reason": f"record {i}: boost (Announce) of another account's post, "
                                                  f"not own content"})
                continue
            obj = act.get("object") if isinstance(act, dict) else None
            if kind != "Create" or not isinstance(obj, dict):
                self._bad(ctx, source, parsed, i, "type", f"is a {kind!r} activity, expected Create or Announce")
                continue
            oid = str(obj.get("id") or "")
            pid = oid.rstrip("/").rsplit("/", 1)[-1]
            when = times[i]
            if not pid or np.isnat(when):
                col = "id" if not pid else "published"
                self._bad(ctx, source, parsed, i, col, f"has no readable {col} (found {obj.get(col)!r})")
                continue
            tags = [t.get("name", "") for t in obj.get("tag") or [] if isinstance(t, dict) and
                    t.get("type") == "Hashtag"]
            attach = [a for a in obj.get("attachment") or [] if isinstance(a, dict)]
            rows.append({
                "account": _account_of(obj.get("attributedTo") or act.get("actor")),
                "post_id": pid, "published_at": when,
                "text": html_to_text(obj.get("content")),
                "media_type": _media(attach, obj.get("type")),
                "permalink": obj.get("url") or oid,
                "is_reply": bool(obj.get("inReplyTo")),
                "hashtags": " ".join(tags),
                "content_warning": obj.get("summary") or pd.NA,
                "object_id": oid,
            })
        cols = ["account", "post_id", "published_at", "text", "media_type", "permalink", "is_reply",
                "hashtags", "content_warning", "object_id"]
        out = pd.DataFrame(rows, columns=cols)
        out.insert(0, "platform", _PLATFORM)
        out["published_at"] = pd.to_datetime(out["published_at"], utc=True)
        out["date_only"] = False
        out["is_reply"] = out["is_reply"].astype(bool)
        for c in ("account", "hashtags", "content_warning", "object_id"):
            out[c] = out[c].astype("string")
        parsed.notes.append("the archive has no favourite/boost/reply counts: metrics are not reported")
        parsed.tables["posts"] = out
        return parsed

    @staticmethod
    def _bad(ctx: Context, source: Source, parsed: Parsed, i: int, column: str, what: str) -> None:
        if ctx.errors == "raise":
            raise ExportFormatError(f"{source.name}, record {i} of orderedItems (0-based): {what}. Download the "
                                    f"archive again; or pass errors='reject' to load().",
                                    file=source.name, column=column)
        parsed.rejected.append({"table": "posts", "line": i, "column": column, "reason": f"record {i}: {what}"})


def _media(attach: list[dict], obj_type) -> str:
    if obj_type == "Question":
        return "poll"
    if not attach:
        return "text"
    mt = str(attach[0].get("mediaType") or "")
    return "video" if mt.startswith("video") else "audio" if mt.startswith("audio") else "photo"


@register
class MastodonURIList(Loader):
    """``likes.json`` / ``bookmarks.json``: URIs only; counted as read and rejected with the reason."""

    format = "mastodon_collection_uris"
    priority = 21

    def sniff(self, source: Source, ctx: Context) -> bool:
        if not _is_collection(source):
            return False
        head = source.head(4096)
        return not ('"Create"' in head or '"Announce"' in head) and \
            re.search(r'"orderedItems"\s*:\s*\[\s*(?:"|\])', head) is not None

    def read(self, source: Source, ctx: Context) -> Parsed:
        data = _load_json(source)
        items = data.get("orderedItems") if isinstance(data, dict) else None
        items = items if isinstance(items, list) else []
        name = source.basename
        parsed = Parsed(self.format, exported_at=_exported_at(source))
        reason = f"{name} lists {'liked' if 'like' in name.lower() else 'bookmarked'} status URIs only"
        parsed.rejected += [{"table": "", "line": i, "column": None, "kind": "skipped", "reason": f"record {i}: {reason}"}
                            for i in range(len(items))]
        parsed.notes.append(f"{reason} (no time, no content): {len(items)} URI(s) not loaded")
        return parsed


@register
class MastodonActor(Loader):
    """``actor.json`` of a Mastodon archive: recognised so it is not reported as unknown; no rows."""

    format = "mastodon_actor"
    priority = 21

    def sniff(self, source: Source, ctx: Context) -> bool:
        if source.suffix != ".json":
            return False
        head = source.head(4096)
        return '"preferredUsername"' in head and '"outbox"' in head

    def read(self, source: Source, ctx: Context) -> Parsed:
        data = _load_json(source)
        parsed = Parsed(self.format)
        if isinstance(data, dict) and data.get("preferredUsername"):
            parsed.notes.append(f"account: {data['preferredUsername']}")
        return parsed
