"""Write canonical Facebook/Instagram tables as Meta's own export files (sample data, round trips).

``write_meta`` writes, for one platform (``facebook`` or ``instagram``):

- one Business Suite per-post CSV per calendar month (``Mar-01-2024_Mar-31-2024_<n>.csv``, UTF-8
  with BOM, Meta's quoting, ``"12,400"`` thousands, blanks for ``<NA>``, ``Publish time`` as local
  ``MM/DD/YYYY HH:MM`` in ``tz``);
- one page-level daily file per metric (``<platform>/<Metric>.csv``: UTF-16 with BOM, ``sep=,``,
  title line, ``"Date","Primary"``, CRLF);
- a "Download your information" zip (``<platform>-<account>-<date>.zip``) with the account's own
  comments (``is_owner``) in Meta's mojibake JSON - the only Meta export that holds comments.

What the formats cannot carry is not written: comments by other people, the account of daily rows,
``impressions`` on new exports (written only when the posts have no ``views``). Output is
deterministic for the same input.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pandas as pd

from ...errors import ParameterError

__all__ = ["write_meta"]

_FB_HEADER = ["Post ID", "Page ID", "Page name", "Title", "Description", "Duration (sec)", "Publish time",
              "Caption type", "Permalink", "Is crosspost", "Is share", "Post type", "Languages",
              "Custom labels", "Funded content status", "Data comment", "Date", "Views", "Reach",
              "Reactions, Comments and Shares", "Reactions", "Comments", "Shares", "Total clicks"]
_IG_HEADER = ["Post ID", "Account ID", "Account username", "Account name", "Description", "Duration (sec)",
              "Publish time", "Permalink", "Post type", "Data comment", "Date", "Views", "Reach", "Likes",
              "Shares", "Follows", "Comments", "Saves"]
_FB_TYPES = {"photo": "Photos", "video": "Videos", "reel": "Reels", "link": "Links", "text": "Status",
             "carousel": "Photos"}
_IG_TYPES = {"photo": "IG image", "carousel": "IG carousel", "reel": "IG reel", "video": "IG video",
             "story": "IG story"}
_ZIP_TIME = (2024, 1, 1, 0, 0, 0)


def _n(v) -> str:
    """Meta's count cell: blank for <NA>, thousands with a comma."""
    return "" if pd.isna(v) else f"{int(v):,}"


def _q(field: str) -> str:
    """Meta's quoting: fields with a space, comma, quote or newline are quoted."""
    if any(c in field for c in ' ,"\n\r'):
        return '"' + field.replace('"', '""') + '"'
    return field


def write_meta(posts: pd.DataFrame, comments: pd.DataFrame | None, daily: pd.DataFrame | None,
               out_dir: str | Path, *, platform: str, account: str, tz: str = "UTC") -> list[Path]:
    """Write one Meta platform's canonical rows as Business Suite CSVs, daily files and a DYI zip.

    Parameters
    ----------
    posts, comments, daily : pandas.DataFrame or None
        Canonical tables; only rows with ``platform == platform`` are written.
    out_dir : path
        Folder to write into (created if needed).
    platform : {"facebook", "instagram"}
    account : str
        Page name (Facebook) or account username (Instagram), written into the files.
    tz : str
        Zone of the written publish times (Meta writes local times without a zone); load them
        with the same ``tz=``.

    Returns
    -------
    list of pathlib.Path
        The files written, in a fixed order.
    """
    if platform not in ("facebook", "instagram"):
        raise ParameterError(f"write_meta(platform={platform!r}): expected 'facebook' or 'instagram'.")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if posts is not None and len(posts):
        p = posts[posts["platform"] == platform].sort_values(["published_at", "post_id"], kind="stable")
        local = p["published_at"].dt.tz_convert(tz)
        for i, (period, grp) in enumerate(p.groupby(local.dt.tz_localize(None).dt.to_period("M"), sort=True), start=1):
            start, end = period.start_time, period.end_time
            name = f"{start:%b-%d-%Y}_{end:%b-%d-%Y}_{i}.csv"
            lines = [",".join(_q(h) for h in (_FB_HEADER if platform == "facebook" else _IG_HEADER))]
            for _, r in grp.iterrows():
                when = r["published_at"].tz_convert(tz).strftime("%m/%d/%Y %H:%M")
                mt = r["media_type"] if pd.notna(r["media_type"]) else ""
                link = r["permalink"] if pd.notna(r["permalink"]) else ""
                text = r["text"] if pd.notna(r["text"]) else ""
                if platform == "facebook":
                    eng = r["engagements"]
                    row = [r["post_id"], "100045700821521", account, text, "", "0", when, "N/A", link, "0", "0",
                           _FB_TYPES.get(mt, mt.capitalize()), "", "", "", "", "Lifetime", _n(r["views"]),
                           _n(r["reach"]), _n(eng), _n(r["likes"]), _n(r["comments"]), _n(r["shares"]),
                           _n(r["clicks"])]
                else:
                    row = [r["post_id"], "17841403398239763", account, account, text, "0", when, link,
                           _IG_TYPES.get(mt, mt), "", "Lifetime", _n(r["views"]), _n(r["reach"]),
                           _n(r["likes"]), _n(r["shares"]), "", _n(r["comments"]), _n(r["saves"])]
                lines.append(",".join(_q(str(v)) for v in row))
            path = out / name
            path.write_bytes(("\ufeff" + "\n".join(lines) + "\n").encode("utf-8"))
            written.append(path)
    if daily is not None and len(daily):
        d = daily[daily["platform"] == platform]
        for metric, grp in sorted(d.groupby("metric"), key=lambda kv: kv[0]):
            title = str(metric).replace("_", " ").capitalize()
            rows = ['sep=,', f'"{title}"', '"Date","Primary"']
            for _, r in grp.sort_values("date").iterrows():
                v = "" if pd.isna(r["value"]) else (f"{int(r['value'])}" if float(r["value"]).is_integer()
                                                    else repr(float(r["value"])))
                rows.append(f'"{r["date"]:%Y-%m-%dT00:00:00}","{v}"')
            path = out / platform / f"{title}.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(("\r\n".join(rows) + "\r\n").encode("utf-16"))
            written.append(path)
    if comments is not None and len(comments):
        c = comments[(comments["platform"] == platform) & comments["is_owner"]]
        if len(c):
            c = c.sort_values(["published_at", "comment_id"], kind="stable")
            path = out / f"{platform}-{account}-{c['published_at'].max():%Y-%m-%d}.zip"
            _write_dyi_comments(c, path, platform=platform, account=account)
            written.append(path)
    return written


def _moji(s: str) -> str:
    """Meta's bug: each UTF-8 byte as its own character (written as ``\\u00XX`` by json.dumps)."""
    return s.encode("utf-8").decode("latin-1")


def _write_dyi_comments(c: pd.DataFrame, path: Path, *, platform: str, account: str) -> None:
    ts = (c["published_at"].astype("int64") // 10**9).astype(int).tolist()
    texts = c["text"].fillna("").tolist()
    if platform == "facebook":
        doc = {"comments_v2": [{"timestamp": t, "data": [{"comment": {"timestamp": t, "comment": _moji(x),
                                                                      "author": _moji(account)}}],
                                "title": _moji(f"{account} commented on a post.")} for t, x in zip(ts, texts)]}
        member = "your_facebook_activity/comments_and_reactions/comments.json"
    else:
        doc = [{"media_list_data": [{"uri": ""}],
                "string_map_data": {"Comment": {"value": _moji(x)}, "Media Owner": {"value": account},
                                    "Time": {"timestamp": t}}} for t, x in zip(ts, texts)]
        member = "your_instagram_activity/comments/post_comments_1.json"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zi = zipfile.ZipInfo(member, date_time=_ZIP_TIME)
        zi.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(zi, json.dumps(doc, indent=2, ensure_ascii=True))
