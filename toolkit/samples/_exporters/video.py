"""Write canonical YouTube and TikTok posts as those platforms' own export files.

``write_youtube`` writes a YouTube Studio zip ``Content <from>_<to> <Channel>.zip`` with
``Table data.csv`` (``Total`` row first; publish time as ``YYYY-MM-DD HH:MM:SS`` in ``tz``) and
``Totals.csv`` (daily ``views`` of the channel, when ``daily`` has them). ``write_tiktok``
writes TikTok Studio's content CSV (``Video title, Video link, Post time, ...``; times in ``tz``).
Output is deterministic for the same input.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pandas as pd

__all__ = ["write_youtube", "write_tiktok"]

_ZIP_TIME = (2024, 1, 1, 0, 0, 0)


def _n(v) -> str:
    return "" if pd.isna(v) else str(int(v))


def _csv(rows: list[list]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def write_youtube(posts: pd.DataFrame, comments: pd.DataFrame | None, daily: pd.DataFrame | None,
                  out_dir: str | Path, *, account: str, tz: str = "UTC") -> list[Path]:
    """Write ``platform == "youtube"`` posts (and daily ``views``) as a Studio zip in ``out_dir``.

    Carries video id, title (``text``), publish time (seconds, local time in ``tz``: load with the
    same ``tz=``), views, impressions, likes, comments and shares. Returns the paths written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    p = posts[posts["platform"] == "youtube"]
    if not len(p):
        return []
    cols = ["views", "impressions", "likes", "comments", "shares"]
    rows = [["Content", "Video title", "Video publish time", "Views", "Impressions", "Likes", "Comments added",
             "Shares"],
            ["Total", "", ""] + [str(int(p[c].sum())) for c in cols]]
    for r in p.itertuples(index=False):
        local = r.published_at.tz_convert(tz).strftime("%Y-%m-%d %H:%M:%S")
        pid = (" " + r.post_id) if r.post_id.startswith("-") else r.post_id
        rows.append([pid, r.text, local] + [_n(getattr(r, c)) for c in cols])
    start, end = p["published_at"].min(), p["published_at"].max()
    path = out / f"Content {start:%Y-%m-%d}_{end:%Y-%m-%d} {account}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("Table data.csv", _ZIP_TIME), _csv(rows))
        if daily is not None and len(daily):
            d = daily[(daily["platform"] == "youtube") & (daily["metric"] == "views")].sort_values("date")
            if len(d):
                trows = [["Date", "Views"]] + [[f"{x.date:%Y-%m-%d}", _n(x.value)] for x in d.itertuples()]
                zf.writestr(zipfile.ZipInfo("Totals.csv", _ZIP_TIME), _csv(trows))
    return [path]


def write_tiktok(posts: pd.DataFrame, comments: pd.DataFrame | None, daily: pd.DataFrame | None,
                 out_dir: str | Path, *, account: str, tz: str = "UTC") -> list[Path]:
    """Write ``platform == "tiktok"`` posts as TikTok Studio's content CSV in ``out_dir``.

    Carries video id and account (in the link), title (``text``), post time (seconds, local in
    ``tz``), views, likes, comments, shares and saves (``Add to favorites``). Returns the paths.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    p = posts[posts["platform"] == "tiktok"]
    if not len(p):
        return []
    rows = [["Video title", "Video link", "Post time", "Total likes", "Total comments", "Total shares",
             "Total views", "Add to favorites"]]
    for r in p.itertuples(index=False):
        rows.append([r.text, f"https://www.tiktok.com/@{account}/video/{r.post_id}",
                     r.published_at.tz_convert(tz).strftime("%Y-%m-%d %H:%M:%S"), _n(r.likes), _n(r.comments),
                     _n(r.shares), _n(r.views), _n(r.saves)])
    path = out / "tiktok_content.csv"
    path.write_text(_csv(rows), encoding="utf-8", newline="")
    return [path]


_CHANNEL_ID = "UCbergkaffee0000000000000"


def write_youtube_comments(comments: pd.DataFrame, out_dir: str | Path, *,
                           channel_id: str = _CHANNEL_ID) -> list[Path]:
    """Write ``platform == "youtube"`` comments as a YouTube Data API ``commentThreads`` response.

    Top-level comments become threads; replies go into the thread of their top-level comment
    (YouTube threads are one level deep). The channel's own comments carry ``channel_id`` as
    author channel, which is how the loader recognises them. ``textDisplay`` is the HTML-escaped
    text, as the API sends it. Returns the paths written.
    """
    import hashlib
    import html
    import json

    c = comments[comments["platform"] == "youtube"].sort_values(["published_at", "comment_id"], kind="stable")
    if not len(c):
        return []
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    parent = dict(zip(c["comment_id"], c["parent_id"]))

    def root(cid: str) -> str:
        seen = 0
        while isinstance(parent.get(cid), str) and seen < 50:
            cid, seen = parent[cid], seen + 1
        return cid

    def snippet(r, thread: str | None) -> dict:
        digest = hashlib.sha1(str(r["author"]).encode("utf-8")).hexdigest()[:22]
        author_channel = channel_id if r["is_owner"] else "UC" + digest
        s = {"channelId": channel_id, "videoId": r["post_id"],
             "textDisplay": html.escape(r["text"]).replace("\n", "<br>"), "textOriginal": r["text"],
             "authorDisplayName": r["author"],
             "authorChannelId": {"value": author_channel}, "canRate": True, "viewerRating": "none",
             "likeCount": 0 if pd.isna(r["likes"]) else int(r["likes"]),
             "publishedAt": r["published_at"].strftime("%Y-%m-%dT%H:%M:%SZ"),
             "updatedAt": r["published_at"].strftime("%Y-%m-%dT%H:%M:%SZ")}
        if thread is not None:
            s["parentId"] = thread
        return {"kind": "youtube#comment", "id": r["comment_id"], "snippet": s}

    threads: dict[str, dict] = {}
    for _, r in c.iterrows():
        if pd.isna(r["parent_id"]):
            threads[r["comment_id"]] = {"kind": "youtube#commentThread", "id": r["comment_id"],
                                        "snippet": {"channelId": channel_id, "videoId": r["post_id"],
                                                    "topLevelComment": snippet(r, None), "canReply": True,
                                                    "totalReplyCount": 0, "isPublic": True},
                                        "replies": {"comments": []}}
    for _, r in c.iterrows():
        if pd.notna(r["parent_id"]):
            top = root(r["comment_id"])
            if top in threads:
                threads[top]["replies"]["comments"].append(snippet(r, top))
                threads[top]["snippet"]["totalReplyCount"] += 1
    body = {"kind": "youtube#commentThreadListResponse", "pageInfo": {"totalResults": len(threads),
                                                                     "resultsPerPage": len(threads)},
            "items": list(threads.values())}
    path = out / "commentThreads.json"
    path.write_text(json.dumps(body, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return [path]
