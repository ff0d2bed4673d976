"""Bluesky (AT Protocol) account repository export: the CAR file -> posts and the account's replies.

Format ``bluesky_car`` (format facts: the project's notes on Threads and Bluesky). Settings >
Account > Export my data gives a CAR v1 file (``.car``; also saved as ``….getRepo``): a header naming
the signed commit, the nodes of the repository's Merkle Search Tree and the records, all DAG-CBOR.
The file is decoded with ``libipld`` (the AT Protocol Python SDK's own Rust decoder); the tree is
walked from the commit's ``data`` link to get every record's key (``app.bsky.feed.post/<rkey>``).

- ``app.bsky.feed.post`` without ``reply`` -> posts: ``post_id`` the rkey, ``published_at`` its
  ``createdAt`` (set by the client, UTC), ``account`` the repository's DID, ``permalink``
  ``https://bsky.app/profile/<did>/post/<rkey>``, ``media_type`` from the embed (photo, carousel,
  video, link, quote, text), ``links`` (extra) the full link URIs of facets and link cards
  (the text shows shortened links), ``langs`` (extra).
- Posts with ``reply`` are the account's replies -> comments (``is_owner`` True, ``comment_id`` the
  rkey, ``post_id`` the thread root's rkey when the root is the account's own post, else its
  ``at://`` URI; ``parent_id`` likewise, <NA> when the parent is the root).
- Likes, reposts, follows, the profile and other records are not posts: each is counted as
  skipped with its collection as reason (likes and reposts name only the subject's URI).

The repository holds no counts (likes and replies received are records in other people's
repositories): metrics are ``<NA>``. Blobs (images) are not in the file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ExportFormatError
from ._base import Context, Loader, Parsed, Source, paused_gc, register, utc_times
from ._filebar import tracked

__all__ = ["BlueskyCAR", "repo_records"]

_PLATFORM = "bluesky"
_POST = "app.bsky.feed.post"
_SKIP_REASONS = {
    "app.bsky.feed.like": "like given by the account (names only the liked post's URI)",
    "app.bsky.feed.repost": "repost of a post (names only its URI), not own content",
    "app.bsky.graph.follow": "follow of another account",
    "app.bsky.actor.profile": "the account's profile",
}
_MEDIA = {"app.bsky.embed.images": "photo", "app.bsky.embed.video": "video", "app.bsky.embed.external": "link",
          "app.bsky.embed.record": "quote"}


_POST_COLS = ("rkey", "when", "text", "links", "langs", "media_type")


def _looks_like_car(data: bytes) -> bool:
    head = data[:80]
    return len(head) > 10 and head[0] < 0x80 and b"roots" in head and b"version" in head


def repo_records(data: bytes, *, name: str = "repo.car") -> tuple[str | None, list[tuple[str, dict]]]:
    """Decode a repository CAR: ``(did, [(record key, record), ...])`` in key order.

    Keys come from walking the Merkle Search Tree (left subtree ``l``, then each entry followed by
    its subtree ``t``; keys rebuilt from the shared-prefix length ``p`` and suffix ``k``). Records
    whose block is missing from the file are left out; blocks that the tree does not reach are
    returned with the key ``"?/<n>"`` when they carry a ``$type``.
    """
    import libipld

    try:
        header, blocks = libipld.decode_car(data)
    except Exception as exc:  # libipld raises ValueError/OSError subclasses of its own
        raise ExportFormatError(f"{name}: not a readable CAR file ({exc}). Was the download cut off? Export the "
                                f"repository again (Settings > Account > Export my data).", file=name) from None
    roots = header.get("roots") if isinstance(header, dict) else None
    commit = blocks.get(roots[0]) if roots else None
    if not isinstance(commit, dict) or "data" not in commit:
        raise ExportFormatError(f"{name}: the CAR file has no repository commit at its root (found "
                                f"{type(commit).__name__}). Is this a Bluesky repository export?", file=name)
    out: list[tuple[str, dict]] = []
    reached: set = set()
    walked: set = set()
    get = blocks.get
    # iterative in-order walk (deep trees do not hit the recursion limit); a tuple on the stack is
    # a record (key, CID), anything else a node's CID. A node's records that come before its first
    # subtree are taken at once (what pushing and popping them gave, without the stack).
    stack: list = [commit["data"]]
    while stack:
        item = stack.pop()
        if type(item) is tuple:
            key, cid = item
            reached.add(cid)
            rec = get(cid)
            if isinstance(rec, dict):
                out.append((key, rec))
            continue
        node = get(item) if item is not None else None
        if not isinstance(node, dict):
            continue
        if item in walked:  # a tree node reached twice: a hand-made or damaged file would be walked forever
            raise ExportFormatError(f"{name}: the repository tree refers back to a node it already passed, so it "
                                    f"is damaged (or not written by Bluesky). Export the repository again "
                                    f"(Settings > Account > Export my data).", file=name)
        walked.add(item)
        left = node.get("l")
        now = left is None        # nothing to walk before the next record: take it at once
        todo: list = [] if now else [left]
        prev = b""
        for e in node.get("e") or []:
            key = prev[: e.get("p", 0)] + bytes(e.get("k", b""))
            prev = key
            cid = e.get("v")
            if now:
                reached.add(cid)
                rec = get(cid)
                if isinstance(rec, dict):
                    out.append((key.decode("utf-8", "replace"), rec))
            else:
                todo.append((key.decode("utf-8", "replace"), cid))
            sub = e.get("t")
            if sub is not None:
                now = False
                todo.append(sub)
        if todo:
            todo.reverse()
            stack += todo
    # blocks the tree does not reach (set difference in C; the file's order kept for the few found)
    rest = blocks.keys() - reached
    if any(isinstance(blocks[c], dict) and "$type" in blocks[c] for c in rest):
        n = 0
        for cid, block in blocks.items():
            if cid in rest and isinstance(block, dict) and "$type" in block and block is not commit:
                n += 1
                out.append((f"?/{n}", block))
    return commit.get("did"), out


def _ref(uri, did: str | None) -> str | None:
    """rkey of an own post, else the at:// URI as given."""
    if not isinstance(uri, str):
        return None
    parts = uri.removeprefix("at://").split("/")
    if len(parts) == 3 and parts[0] == did and parts[1] == _POST:
        return parts[2]
    return uri


def _links(rec: dict) -> str:
    uris = []
    for f in rec.get("facets") or []:
        for feat in (f.get("features") or []) if isinstance(f, dict) else []:
            if isinstance(feat, dict) and isinstance(feat.get("uri"), str):
                uris.append(feat["uri"])
    emb = rec.get("embed") if isinstance(rec.get("embed"), dict) else {}
    for e in (emb, emb.get("media") if isinstance(emb.get("media"), dict) else {}):
        ext = e.get("external") if isinstance(e, dict) else None
        if isinstance(ext, dict) and isinstance(ext.get("uri"), str):
            uris.append(ext["uri"])
    return " ".join(dict.fromkeys(uris))


def _media(rec: dict) -> str:
    emb = rec.get("embed") if isinstance(rec.get("embed"), dict) else None
    if not emb:
        return "text"
    t = str(emb.get("$type", ""))
    if t == "app.bsky.embed.recordWithMedia" and isinstance(emb.get("media"), dict):
        emb, t = emb["media"], str(emb["media"].get("$type", ""))
    if t == "app.bsky.embed.images" and len(emb.get("images") or []) > 1:
        return "carousel"
    return _MEDIA.get(t, "other")


@register
class BlueskyCAR(Loader):
    """Bluesky repository export (``.car`` / ``.getRepo``) -> posts and the account's replies."""

    format = "bluesky_car"
    priority = 30

    def sniff(self, source: Source, ctx: Context) -> bool:
        return source.suffix in (".car", ".getrepo") or \
            (source.suffix in ("", ".bin") and _looks_like_car(source.data))

    def read(self, source: Source, ctx: Context) -> Parsed:
        # a repository is millions of small dicts and tuples, none in reference cycles: the cyclic
        # collector would scan them all again and again while they are made (a third of the time)
        with paused_gc():
            return self._read(source, ctx)

    def _read(self, source: Source, ctx: Context) -> Parsed:
        did, records = repo_records(source.data, name=source.name)
        parsed = Parsed(self.format)
        # one pass collects each field into per-table column lists (no dict per record)
        posts = {c: [] for c in _POST_COLS}
        replies = {c: [] for c in _POST_COLS + ("root", "parent")}
        bad = []
        other = 0
        # first pass: other records are counted as skipped; posts are kept with their place in the file
        cand: list[tuple[int, str, dict]] = []
        rejected = parsed.rejected
        reasons = _SKIP_REASONS
        for i, (key, rec) in enumerate(tracked(records, source.name), start=1):
            rtype = rec.get("$type") or key.rpartition("/")[0]
            if rtype == _POST:
                cand.append((i, key, rec))
                continue
            other += 1
            reason = reasons.get(rtype)
            rejected.append({"table": "", "line": i, "column": None, "kind": "skipped",
                             "reason": f"record {key}: {reason or f'{rtype} record (not a post)'}"})
        # every post's createdAt parsed in one call; the loop looks its record's up
        times = utc_times([rec.get("createdAt") for _, _, rec in cand])
        nat = np.isnat(times)
        for (i, key, rec), when, no_time in zip(cand, times, nat):
            rkey = key.rpartition("/")[2]
            table = "comments" if isinstance(rec.get("reply"), dict) else "posts"
            if no_time or not rkey or rkey.startswith("?"):
                what = f"cannot read createdAt {rec.get('createdAt')!r} as an ISO time" if no_time else \
                    "the record is not reachable from the repository's tree (no key)"
                bad.append((i, key, table, what))
                continue
            cols = replies if table == "comments" else posts
            cols["rkey"].append(rkey)
            cols["when"].append(when)
            cols["text"].append(str(rec.get("text") or ""))
            cols["links"].append(_links(rec) if "facets" in rec or "embed" in rec else "")
            cols["langs"].append(" ".join(rec.get("langs") or []))
            cols["media_type"].append(_media(rec) if "embed" in rec else "text")
            if table == "comments":
                reply = rec["reply"]
                root = _ref((reply.get("root") or {}).get("uri"), did)
                parent = _ref((reply.get("parent") or {}).get("uri"), did)
                cols["root"].append(root)
                cols["parent"].append(parent if parent != root else None)
        for i, key, table, what in bad:
            if ctx.errors == "raise":
                raise ExportFormatError(f"{source.name}, record {key}: {what}. Export the repository again; or pass "
                                        f"errors='reject' to load() to skip it.", file=source.name, column="createdAt")
            parsed.rejected.append({"table": table, "line": i, "column": "createdAt", "reason": f"record {key}: {what}"})
        n_posts, n_replies = len(posts["rkey"]), len(replies["rkey"])
        parsed.rows_read["posts"] = n_posts + sum(1 for b in bad if b[2] == "posts")
        parsed.rows_read["comments"] = n_replies + sum(1 for b in bad if b[2] == "comments")
        parsed.tables["posts"] = self._posts(posts, did)
        parsed.tables["comments"] = self._comments(replies, did)
        parsed.notes.append(f"Bluesky repository of {did}: {n_posts} post(s), {n_replies} repl(ies), {other} "
                            f"other record(s) skipped; the file holds no like/repost/reply counts")
        return parsed

    @staticmethod
    def _posts(rows: dict[str, list], did: str | None) -> pd.DataFrame:
        f = pd.DataFrame(rows, columns=list(_POST_COLS))
        return pd.DataFrame({
            "platform": _PLATFORM, "account": pd.Series(did, index=f.index, dtype="string"),
            "post_id": f["rkey"].astype("string"), "published_at": pd.to_datetime(f["when"], utc=True),
            "date_only": False, "text": f["text"].astype("string"), "media_type": f["media_type"].astype("string"),
            "permalink": ("https://bsky.app/profile/" + str(did) + "/post/" + f["rkey"]).astype("string"),
            "links": f["links"].astype("string").replace("", pd.NA), "langs": f["langs"].astype("string").replace("", pd.NA),
        })

    @staticmethod
    def _comments(rows: dict[str, list], did: str | None) -> pd.DataFrame:
        f = pd.DataFrame(rows, columns=list(_POST_COLS) + ["root", "parent"])
        return pd.DataFrame({
            "platform": _PLATFORM, "account": pd.Series(did, index=f.index, dtype="string"),
            "post_id": f["root"].astype("string"), "comment_id": f["rkey"].astype("string"),
            "parent_id": f["parent"].astype("string"), "author": pd.Series(did, index=f.index, dtype="string"),
            "is_owner": True, "published_at": pd.to_datetime(f["when"], utc=True), "text": f["text"].astype("string"),
            "likes": pd.Series(pd.NA, index=f.index, dtype="Int64"),
            "links": f["links"].astype("string").replace("", pd.NA),
        })
