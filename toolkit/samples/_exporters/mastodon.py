"""Write canonical Mastodon posts as a Mastodon account archive (``archive-<UTC>-<hex>.tar.gz``).

The archive holds ``actor.json`` and ``outbox.json`` (one ``Create``/``Note`` per post, text as
``<p>`` paragraphs with ``<br>`` line breaks, HTML-escaped). Mastodon archives carry no counts, so
metrics are not written. Output is deterministic for the same input.
"""

from __future__ import annotations

import html
import io
import json
import gzip
import tarfile
from pathlib import Path

import pandas as pd

__all__ = ["write_mastodon"]


def _content(text: str) -> str:
    paras = text.split("\n\n")
    return "".join("<p>" + "<br />".join(html.escape(line, quote=False) for line in p.split("\n")) + "</p>"
                   for p in paras)


def write_mastodon(posts: pd.DataFrame, comments: pd.DataFrame | None, daily: pd.DataFrame | None,
                   out_dir: str | Path, *, account: str, host: str = "mastodon.social") -> list[Path]:
    """Write the ``platform == "mastodon"`` posts as an archive ``.tar.gz`` in ``out_dir``.

    Carries post id, publish time (seconds), text and reply flag (column ``is_reply`` when present).
    Returns the paths written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    p = posts[posts["platform"] == "mastodon"]
    if not len(p):
        return []
    base = f"https://{host}/users/{account}"
    items = []
    for r in p.itertuples(index=False):
        when = r.published_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        reply = "https://example.social/users/other/statuses/1" if getattr(r, "is_reply", False) is True else None
        items.append({"id": f"{base}/statuses/{r.post_id}/activity", "type": "Create", "actor": base,
                      "published": when, "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": [],
                      "object": {"id": f"{base}/statuses/{r.post_id}", "type": "Note", "summary": None,
                                 "inReplyTo": reply, "published": when,
                                 "url": f"https://{host}/@{account}/{r.post_id}", "attributedTo": base,
                                 "to": [], "cc": [], "sensitive": False, "content": _content(r.text),
                                 "attachment": [], "tag": []}})
    outbox = {"@context": "https://www.w3.org/ns/activitystreams", "id": "outbox.json",
              "type": "OrderedCollection", "totalItems": len(items), "orderedItems": items}
    actor = {"id": base, "type": "Person", "preferredUsername": account, "outbox": "outbox.json",
             "likes": "likes.json", "bookmarks": "bookmarks.json"}
    stamp = p["published_at"].max() + pd.Timedelta(days=1)
    path = out / f"archive-{stamp:%Y%m%d%H%M%S}-{'0' * 32}.tar.gz"
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for name, obj in (("actor.json", actor), ("outbox.json", outbox)):
            data = json.dumps(obj, ensure_ascii=False).encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), int(stamp.timestamp())
            tf.addfile(info, io.BytesIO(data))
    path.write_bytes(gzip.compress(raw.getvalue(), mtime=0))
    return [path]
