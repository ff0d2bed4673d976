"""TikTok exports: TikTok Studio analytics CSVs and the "Download your data" JSON.

Formats (see ``/work/shared/export-formats.md`` section 6):

``tiktok_daily_csv``
    Studio's ``Overview.csv`` (``Date, Video Views, Profile Views, Likes, Comments, Shares``),
    ``FollowerHistory.csv`` (``Date, Followers, Difference in followers from previous day``) and
    ``Viewers.csv`` -> daily, one row per day and metric (``video_views``, ``profile_views``,
    ``likes``, ``comments``, ``shares``, ``followers``, ``followers_change``, ``total_viewers``,
    ...). ``rows_read`` counts (day, metric) cells. Dates are ``Month D`` **without a year**: the
    year is ``year=`` of :func:`toolkit.load`, else the latest year (``20YY``) in the file or folder
    names, and it is the year of the **last** day in the file; a range crossing New Year (December
    then January) puts the earlier days in the year before. The load report says which year was
    used and where it came from. ``undefined``/blank = not reported.
``tiktok_distribution_csv``
    ``FollowerGender.csv`` / ``FollowerTopTerritories.csv``: shares without a date; no canonical
    table holds them, so each row is counted and rejected with that reason.
``tiktok_content_csv``
    Per-video content export (header variants differ between sources, mapped by alias: title ->
    ``text``, link -> ``permalink`` plus ``post_id`` and ``account`` from the link, post/publish
    time -> ``published_at`` (no zone: ``tz=``), views/likes/comments/shares, ``Add to favorites``
    -> saves, ``Reach`` -> reach).
``tiktok_dyi_json``
    ``user_data_tiktok.json`` / ``user_data.json``: posts from every ``VideoList`` at any depth
    (``Date``, ``Link``, ``Likes``), the user's own comments from ``CommentsList`` -> comments with
    ``is_owner=True`` and ``post_id`` from the comment's ``url`` when it names a video, else
    ``<NA>``. The export has no comment id: ``comment_id`` is ``"dyi-"`` + the first 16 hex digits
    of SHA-1 over ``date + "\\n" + comment``, so the same comment in two exports is one row.
    Recently deleted posts (``PostList``) are counted and rejected with the reason. Times carry no
    zone (believed UTC, unverified): ``tz=`` applies. ``account`` = ``ProfileMap.userName``.
"""

from __future__ import annotations

import hashlib
import json
import re

import numpy as np
import pandas as pd

from ..errors import ExportFormatError
from ._base import (CellProblems, Context, Loader, Parsed, Records, Source, parse_datetime, parse_int,
                    read_csv_records, register)
from ._headers import _head_fields, _map_header, _require, _unknown_note
from .x import daily_from_wide

__all__ = ["TikTokDailyCSV", "TikTokDistributionCSV", "TikTokContentCSV", "TikTokDataJSON", "infer_years",
           "comment_id"]

_PLATFORM = "tiktok"
_DAILY_HEADERS = {"video views", "profile views", "followers", "difference in followers from previous day",
                  "total viewers", "new viewers", "returning viewers"}
_NO_YEAR_RE = r"^[A-Za-z]{3,9}\.? \d{1,2}$"


def _first_data_cell(source: Source) -> str:
    lines = source.head(4096).splitlines()
    return lines[1].split(",")[0].strip().strip('"') if len(lines) > 1 else ""


def infer_years(days: pd.Series, *, end_year: int) -> pd.Series:
    """Dates for ``Month D`` strings without a year, the last (most recent) day falling in ``end_year``.

    Rows may be oldest-first or newest-first; whenever the calendar wraps (December -> January
    in time order) the days before the wrap belong to the year before. Unreadable strings (and
    February 29 in a non-leap year) give ``NaT``.
    """
    t = days.fillna("").str.strip().str.replace(".", "", regex=False)
    md = pd.to_datetime("2000 " + t, format="%Y %B %d", errors="coerce")
    md = md.fillna(pd.to_datetime("2000 " + t, format="%Y %b %d", errors="coerce"))
    ok = md.notna().to_numpy()
    out = pd.Series(pd.NaT, index=days.index, dtype="datetime64[ns]")
    if not ok.any():
        return out
    month = md.dt.month.to_numpy()[ok]
    day = md.dt.day.to_numpy()[ok]
    ordinal = month * 100 + day
    diffs = np.diff(ordinal)
    # Small steps show the direction; a wrap (Dec -> Jan) is one big step the other way.
    forward = (diffs[np.abs(diffs) < 600] > 0).sum() >= (diffs[np.abs(diffs) < 600] < 0).sum()
    seq = ordinal if forward else ordinal[::-1]
    wraps = np.concatenate([[0], np.cumsum(np.diff(seq) < 0)])
    years = end_year - (wraps[-1] - wraps)
    if not forward:
        years = years[::-1]
    dates = []
    for y, m, d in zip(years, month, day):
        try:
            dates.append(pd.Timestamp(int(y), int(m), int(d)))
        except ValueError:
            dates.append(pd.NaT)
    out.loc[out.index[ok]] = pd.to_datetime(pd.Series(dates)).to_numpy()
    return out


def _end_year(source: Source, ctx: Context, notes: list[str]) -> int:
    if ctx.year is not None:
        notes.append(f"dates had no year: year={ctx.year} (load(year=)) used as the year of the last day")
        return int(ctx.year)
    years = [int(y) for y in re.findall(r"(?<!\d)(20\d\d)(?!\d)", source.name)]
    if years:
        notes.append(f"dates had no year: {max(years)} (from the file/folder name {source.name!r}) used as "
                     f"the year of the last day")
        return max(years)
    raise ExportFormatError(
        f"{source.name}: the dates have no year (like 'August 31') and neither load(year=...) nor the file "
        f"or folder name gives one. Pass year=2024 (the year of the file's last day) to load(), or put the "
        f"year in the folder name (e.g. 'tiktok-2024/').", file=source.name, line=2, column="Date")


@register
class TikTokDailyCSV(Loader):
    """TikTok Studio daily CSVs (Overview, FollowerHistory, Viewers) -> daily."""

    format = "tiktok_daily_csv"
    priority = 30

    def sniff(self, source: Source, ctx: Context) -> bool:
        fields = _head_fields(source)
        if not fields or fields[0] != "date" or not (set(fields) & _DAILY_HEADERS):
            return False
        first = _first_data_cell(source)
        return bool(re.match(_NO_YEAR_RE, first)) or bool(re.match(r"^\d{4}-\d{2}-\d{2}$", first)) or \
            source.basename.lower() in ("overview.csv", "followerhistory.csv", "viewers.csv")

    def read(self, source: Source, ctx: Context) -> Parsed:
        recs = read_csv_records(source.text, source=source)
        parsed = Parsed(self.format)
        col = recs.frame[recs.header[0]].fillna("").str.strip()
        iso = pd.to_datetime(col, format="%Y-%m-%d", errors="coerce")
        if iso.notna().all() and len(col):
            dates = iso.astype("datetime64[ns]")
        else:
            dates = infer_years(col, end_year=_end_year(source, ctx, parsed.notes))
            if dates.notna().any():
                parsed.notes.append(f"days read as {dates.min():%Y-%m-%d} .. {dates.max():%Y-%m-%d}")
        recs = _rename_headers(recs, {"difference in followers from previous day": "followers_change"})
        return daily_from_wide(recs, source, ctx, parsed, platform=_PLATFORM, account=pd.NA, dates=dates,
                               date_hint="a day like 'August 31'")


def _rename_headers(recs: Records, names: dict[str, str]) -> Records:
    new = [names.get(h.strip().lower(), h) for h in recs.header]
    frame = recs.frame.copy()
    frame.columns = new
    return Records(frame, recs.lines, new, recs.header_line, recs.bad, recs.delimiter)


@register
class TikTokDistributionCSV(Loader):
    """``FollowerGender.csv`` / ``FollowerTopTerritories.csv``: counted and rejected (no date, no table)."""

    format = "tiktok_distribution_csv"
    priority = 30

    def sniff(self, source: Source, ctx: Context) -> bool:
        fields = _head_fields(source)
        return len(fields) == 2 and fields[1] == "distribution" and fields[0] in ("gender", "top territories")

    def read(self, source: Source, ctx: Context) -> Parsed:
        recs = read_csv_records(source.text, source=source)
        parsed = Parsed(self.format)
        reason = (f"follower distribution by {recs.header[0].lower()} without a date: no canonical table holds "
                  f"it")
        lines = sorted([int(x) for x in recs.lines] + [b["line"] for b in recs.bad])
        parsed.rows_read["daily"] = len(lines)
        parsed.rejected += [{"table": "daily", "line": line, "column": None, "kind": "skipped", "reason": reason} for line in lines]
        parsed.notes.append(f"{len(lines)} row(s) not loaded: {reason}")
        parsed.tables["daily"] = pd.DataFrame(columns=["platform", "account", "date", "metric", "value"])
        return parsed


_CONTENT_ALIASES = {
    "video title": "text", "title": "text", "título del video": "text",
    "video link": "permalink", "link": "permalink",
    "post time": "published_at", "video publish time": "published_at", "hora de publicación": "published_at",
    "total views": "views", "video views": "views", "views": "views",
    "total likes": "likes", "likes": "likes", "total comments": "comments", "comments": "comments",
    "total shares": "shares", "shares": "shares", "add to favorites": "saves", "reach": "reach",
    "total play time": "total_play_time", "average watch time": "average_watch_time",
    "watched full video": "watched_full_video",
}


@register
class TikTokContentCSV(Loader):
    """TikTok Studio per-video content CSV (header variants mapped by alias) -> posts."""

    format = "tiktok_content_csv"
    priority = 30

    def sniff(self, source: Source, ctx: Context) -> bool:
        fields = set(_head_fields(source))
        return "video link" in fields or ("título del video" in fields and "hora de publicación" in fields)

    def read(self, source: Source, ctx: Context) -> Parsed:
        recs = read_csv_records(source.text, source=source)
        found, unknown = _map_header(recs.header, _CONTENT_ALIASES)
        _require(source, recs, found, {"permalink": "Video link", "published_at": "Post time"},
                 "a TikTok content CSV")
        parsed = Parsed(self.format)
        parsed.rejected += [{"table": "posts", **b} for b in recs.bad]
        parsed.rows_read["posts"] = len(recs.frame) + len(recs.bad)
        _unknown_note(parsed, unknown)
        raw = recs.frame
        probs = CellProblems(source, recs.lines, "posts")
        out = pd.DataFrame(index=raw.index)
        out["platform"] = _PLATFORM
        link = raw[found["permalink"]].fillna("").str.strip()
        out["post_id"] = link.str.extract(r"/video/(\d+)", expand=False).astype("string")
        probs.add(out["post_id"].isna(), found["permalink"], raw[found["permalink"]],
                  "a video link like 'https://www.tiktok.com/@user/video/7300000000000000000'")
        out["account"] = link.str.extract(r"tiktok\.com/@([^/?]+)", expand=False).astype("string")
        zone = ctx.zone_for(source, parsed.notes)
        when, date_only, bad = parse_datetime(raw[found["published_at"]], tz=zone)
        probs.add(bad | when.isna(), found["published_at"], raw[found["published_at"]],
                  "a time like '2026-09-10 18:30:00'")
        out["published_at"] = when
        out["date_only"] = date_only
        out["text"] = raw[found["text"]].fillna("") if "text" in found else ""
        out["media_type"] = "video"
        out["permalink"] = link.where(link != "", pd.NA)
        for name in ("views", "likes", "comments", "shares", "saves", "reach"):
            if name in found:
                vals, badn = parse_int(raw[found[name]])
                probs.add(badn, found[name], raw[found[name]], "a whole number (blank = not reported)")
                out[name] = vals
        for name in ("total_play_time", "average_watch_time", "watched_full_video"):
            if name in found:
                out[name] = raw[found[name]]
        out = probs.finish(out, ctx, parsed)
        parsed.tables["posts"] = out
        return parsed


def _walk(node, key: str, path=()):
    """Yield (path, value) for every dict entry called ``key`` at any depth."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                yield path + (k,), v
            yield from _walk(v, key, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, key, path + (i,))


def comment_id(date: str, text: str) -> str:
    """Stable id for a "Download your data" comment: ``"dyi-"`` + SHA-1(date + newline + text)[:16]."""
    return "dyi-" + hashlib.sha1(f"{date}\n{text}".encode("utf-8")).hexdigest()[:16]


@register
class TikTokDataJSON(Loader):
    """TikTok "Download your data" JSON -> posts (VideoList) and the user's own comments."""

    format = "tiktok_dyi_json"
    priority = 30

    def sniff(self, source: Source, ctx: Context) -> bool:
        if source.suffix != ".json":
            return False
        head = source.head(4096)
        if not head.lstrip().startswith("{"):
            return False
        if '"VideoList"' in head or '"ProfileMap"' in head:
            return True
        return source.basename.lower() in ("user_data_tiktok.json", "user_data.json") and \
            any(k in head for k in ('"Activity"', '"Profile"', '"Post"', '"Comment"', '"Profile And Settings"'))

    def read(self, source: Source, ctx: Context) -> Parsed:
        try:
            data = json.loads(source.text)
        except json.JSONDecodeError as exc:
            raise ExportFormatError(f"{source.name}, line {exc.lineno}: not valid JSON ({exc.msg}). Download "
                                    f"your data again.", file=source.name, line=exc.lineno) from None
        parsed = Parsed(self.format)
        account = next((v.get("userName") for _, v in _walk(data, "ProfileMap") if isinstance(v, dict)), None)
        account = account if account and account != "N/A" else pd.NA
        videos = [(p, i, v) for p, lst in _walk(data, "VideoList") if isinstance(lst, list)
                  for i, v in enumerate(lst)]
        deleted = [(p, i, v) for p, lst in _walk(data, "PostList") if isinstance(lst, list)
                   for i, v in enumerate(lst)]
        comments = [(p, i, v) for p, lst in _walk(data, "CommentsList") if isinstance(lst, list)
                    for i, v in enumerate(lst)]
        zone = ctx.zone_for(source, parsed.notes) if videos or comments else "UTC"
        parsed.rows_read["posts"] = len(videos) + len(deleted)
        for p, i, _ in deleted:
            parsed.rejected.append({"table": "posts", "line": i, "column": None,
                                    "kind": "skipped", "reason": f"record {i} of {'/'.join(map(str, p))}: recently deleted post"})
        rows = []
        for p, i, v in videos:
            where = f"record {i} of {'/'.join(map(str, p))}"
            v = v if isinstance(v, dict) else {}
            link = str(v.get("Link") or v.get("link") or "")
            m = re.search(r"/video/(\d+)", link)
            when = _naive(v.get("Date") or v.get("date"))
            if not m or when is None:
                col, what = ("Link", f"has no video id in Link {link!r}") if not m else \
                    ("Date", f"cannot read {v.get('Date')!r} as a time like '2024-05-01 18:30:00'")
                self._bad(ctx, source, parsed, "posts", i, col, f"{where} {what}")
                continue
            rows.append({"post_id": m.group(1), "_local": when, "permalink": link,
                         "likes": _count(v.get("Likes")), "who_can_view": v.get("WhoCanView")})
        posts = pd.DataFrame(rows, columns=["post_id", "_local", "permalink", "likes", "who_can_view"])
        posts.insert(0, "platform", _PLATFORM)
        posts.insert(1, "account", pd.Series(account, index=posts.index, dtype="string"))
        posts["published_at"] = _utc(posts["_local"], zone)
        posts = posts.drop(columns="_local")
        posts["date_only"] = False
        posts["text"] = ""
        posts["media_type"] = "video"
        posts["likes"] = posts["likes"].astype("Int64")
        posts["who_can_view"] = posts["who_can_view"].astype("string")
        parsed.tables["posts"] = posts
        crow = []
        parsed.rows_read["comments"] = len(comments)
        for p, i, c in comments:
            c = c if isinstance(c, dict) else {}
            date, text = c.get("date") or c.get("Date"), c.get("comment") or c.get("Comment") or ""
            when = _naive(date)
            if when is None:
                self._bad(ctx, source, parsed, "comments", i, "date",
                          f"record {i} of {'/'.join(map(str, p))} cannot read {date!r} as a time")
                continue
            m = re.search(r"/video/(\d+)", str(c.get("url") or ""))
            crow.append({"post_id": m.group(1) if m else pd.NA, "comment_id": comment_id(str(date), str(text)),
                         "_local": when, "text": str(text)})
        com = pd.DataFrame(crow, columns=["post_id", "comment_id", "_local", "text"])
        com.insert(0, "platform", _PLATFORM)
        com.insert(1, "account", pd.Series(pd.NA, index=com.index, dtype="string"))
        com["author"] = pd.Series(account, index=com.index, dtype="string")
        com["is_owner"] = True
        com["published_at"] = _utc(com["_local"], zone)
        com = com.drop(columns="_local")
        com["post_id"] = com["post_id"].astype("string")
        parsed.tables["comments"] = com
        parsed.notes.append("comments are the ones this user wrote (is_owner=True); comment_id derived from "
                            "date and text")
        return parsed

    @staticmethod
    def _bad(ctx: Context, source: Source, parsed: Parsed, table: str, i: int, column: str, what: str) -> None:
        if ctx.errors == "raise":
            raise ExportFormatError(f"{source.name}, {what}. Download your data again; or pass errors='reject' "
                                    f"to load().", file=source.name, column=column)
        parsed.rejected.append({"table": table, "line": i, "column": column, "reason": what})


def _naive(v) -> pd.Timestamp | None:
    if v is None:
        return None
    t = pd.to_datetime(str(v).strip(), format="%Y-%m-%d %H:%M:%S", errors="coerce")
    return None if pd.isna(t) else t


def _utc(local: pd.Series, zone: str) -> pd.Series:
    from ._base import localize
    if not len(local):
        return pd.Series(pd.NaT, index=local.index, dtype="datetime64[ns, UTC]")
    return localize(pd.to_datetime(local).astype("datetime64[ns]"), zone)


def _count(v):
    s = str(v).strip().replace(",", "") if v is not None else ""
    return int(s) if s.isdigit() else pd.NA
