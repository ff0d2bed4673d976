"""Write canonical LinkedIn tables as LinkedIn's company-page workbooks (sample data, round trips).

``write_linkedin`` writes ``<account>_content_<n>.xlsx`` (sheets ``Metrics`` and ``All posts``, each
with LinkedIn's one-cell description row above the header; dates ``MM/DD/YYYY`` in ``tz``) and
``<account>_followers_<n>.xlsx`` (sheet ``New followers``). LinkedIn's exports give only the date of
a post, so the time of day is lost; the followers workbook holds new followers per day, so a
``followers`` series is written as its day-to-day difference (``Total followers``; the first day is
blank) and loads back as ``new_followers_total``. Daily metrics whose names come from the Metrics
sheet (``impressions_organic``, ``reposts_total``, ...) go to that sheet; others (``page_views``)
have no place in these workbooks and are not written. Output is deterministic (fixed workbook
timestamps).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

__all__ = ["write_linkedin"]

_POSTS_HEADER = ["Post title", "Post link", "Post type", "Campaign name", "Posted by", "Created date",
                 "Campaign start date", "Campaign end date", "Audience", "Impressions",
                 "Views (excluding off-site video views)", "Off-site views", "Clicks", "Click through rate (CTR)",
                 "Likes", "Comments", "Reposts", "Follows", "Engagement rate", "Content Type"]
_METRIC_PREFIXES = ("impressions_", "unique_impressions_", "clicks_", "reactions_", "comments_", "reposts_",
                    "engagement_rate_")
_FIXED_TIME = dt.datetime(2024, 1, 1)


def _v(x):
    return None if pd.isna(x) else int(x)


def _metric_header(metric: str) -> str:
    for p in _METRIC_PREFIXES:
        if metric.startswith(p):
            kind = metric[len(p):]
            return f"{p[:-1].replace('_', ' ').capitalize()} ({kind})"
    return metric


def _save(wb, path: Path) -> None:
    """Save deterministically: openpyxl stamps the save time into docProps/core.xml and the zip."""
    import io
    import re
    import zipfile

    wb.properties.created = _FIXED_TIME
    wb.properties.modified = _FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    stamp = _FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", lambda m: m.group(1) + stamp.encode(), data)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME.timetuple()[:6]), data,
                         compress_type=zipfile.ZIP_DEFLATED)


def write_linkedin(posts: pd.DataFrame, comments: pd.DataFrame | None, daily: pd.DataFrame | None,
                   out_dir: str | Path, *, account: str, tz: str = "UTC") -> list[Path]:
    """Write the ``platform == "linkedin"`` rows as a content and a followers workbook.

    Parameters
    ----------
    posts, comments, daily : pandas.DataFrame or None
        Canonical tables (comments are not written: LinkedIn exports none).
    out_dir : path
        Folder to write into (created if needed).
    account : str
        Company name used in the file names (``<account>_content_1.xlsx``); the loader reads the
        account back from it.
    tz : str
        Zone in which the post dates are taken.

    Returns
    -------
    list of pathlib.Path
    """
    import openpyxl
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    p = posts[posts["platform"] == "linkedin"].sort_values(["published_at", "post_id"], kind="stable") \
        if posts is not None else posts
    d = daily[daily["platform"] == "linkedin"] if daily is not None else None
    if p is not None and len(p):
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        ws = wb.create_sheet("Metrics")
        ws.append(["Aggregated metrics for all posts by date"])
        metrics = sorted(m for m in (d["metric"].unique() if d is not None else [])
                         if str(m).startswith(_METRIC_PREFIXES))
        ws.append(["Date", *(_metric_header(m) for m in metrics)])
        if metrics:
            wide = d[d["metric"].isin(metrics)].pivot_table(index="date", columns="metric", values="value",
                                                            aggfunc="first")
            for day, r in wide.sort_index().iterrows():
                ws.append([f"{day:%m/%d/%Y}", *(None if pd.isna(r.get(m)) else float(r[m]) for m in metrics)])
        ws = wb.create_sheet("All posts")
        ws.append(["Engagement metrics for individual posts. Data for sponsored posts also includes paid metrics."])
        ws.append(_POSTS_HEADER)
        for _, r in p.iterrows():
            link = r["permalink"] if pd.notna(r["permalink"]) else \
                f"https://www.linkedin.com/feed/update/{r['post_id']}/"
            day = r["published_at"].tz_convert(tz).strftime("%m/%d/%Y")
            imp = _v(r["impressions"])
            inter = sum(_v(r[c]) or 0 for c in ("clicks", "likes", "comments", "shares"))
            rate = round(inter / imp, 4) if imp else None
            ctr = round((_v(r["clicks"]) or 0) / imp, 4) if imp else None
            mt = r["media_type"] if pd.notna(r["media_type"]) else None
            ws.append([r["text"], link, "Organic", None, account, day, None, None, "All followers", imp,
                       _v(r["views"]), None, _v(r["clicks"]), ctr, _v(r["likes"]), _v(r["comments"]),
                       _v(r["shares"]), None, rate, mt.capitalize() if mt else None])
        path = out / f"{account}_content_1.xlsx"
        _save(wb, path)
        written.append(path)
    if d is not None and (d["metric"] == "followers").any():
        f = d[d["metric"] == "followers"].sort_values("date")
        gain = f["value"].astype("Float64").diff()
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "New followers"
        # only the total is known; the split by source (sponsored/organic/auto-invited) is left out
        ws.append(["Date", "Total followers"])
        for day, g in zip(f["date"], gain):
            ws.append([f"{day:%m/%d/%Y}", None if pd.isna(g) else float(g)])
        path = out / f"{account}_followers_1.xlsx"
        _save(wb, path)
        written.append(path)
    return written
