"""TikTok exports: TikTok Studio analytics CSVs and the "Download your data" JSON.

Formats (facts and evidence: ``export-formats.md`` section 6):

``tiktok_daily_csv``
    Studio's ``Overview.csv`` (``Date, Video Views, Profile Views, Likes, Comments, Shares``),
    ``FollowerHistory.csv`` (``Date, Followers, Difference in followers from previous day``) and
    ``Viewers.csv`` -> daily, one row per day and metric (``video_views``, ``profile_views``,
    ``likes``, ``comments``, ``shares``, ``followers``, ``followers_change``, ``total_viewers``,
    ...). ``rows_read`` counts (day, metric) cells. Dates are ``Month D`` **without a year**; the
    year of the file's last day comes from the first of these that gives one, without asking:

    1. ``year=`` of :func:`toolkit.load`;
    2. a full date in the file, folder or zip name (``..._2025-01-31/``): the last day is on or
       before it;
    3. the date the zip/tar records for the file (the download day): the last day is on or
       before it;
    4. sibling files of the same download (same folder or archive) with dated rows, such as the
       content CSV: the year whose days hold clearly the most of their dates;
    5. a year alone in the path (``tiktok-2024/``);
    6. the TikTok rows of the rest of the load, then all its rows, the same way (or, when no row
       falls in the file's days, the nearest year within half a year).

    Steps 4-6 need the whole load (``toolkit.io._resolve``). A range crossing New Year (December
    then January, oldest or newest first) puts the earlier days in the year before. The load
    report says which year was used and where it came from; when nothing gives it, the error
    lists what was tried and asks for ``year=``. ``undefined``/blank = not reported. Re-saves by
    a spreadsheet (``;``, ``1.441``) are read too.
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

import dataclasses
import hashlib
import json
import re

import numpy as np
import pandas as pd

from ..errors import ExportFormatError
from ._base import (CellProblems, Context, Loader, Parsed, Records, Source, extract, link_segments, parse_datetime,
                    read_source_records, register)
from ._coerce import to_datetime
from ._daily import _ascii_visible, _cut_links, _date_style, _plain_counts, daily_from_wide
from ._headers import _head_fields, _map_header, _require, _unknown_note, first_data_cell
from ._locale import DE, EN
from ._numbers import date_style, number_columns
from ._resolve import dated_rows, defer

__all__ = ["TikTokDailyCSV", "TikTokDistributionCSV", "TikTokContentCSV", "TikTokDataJSON", "infer_years",
           "comment_id"]

_PLATFORM = "tiktok"
_DAILY_HEADERS = {"video views", "profile views", "followers", "difference in followers from previous day",
                  "total viewers", "new viewers", "returning viewers"}
_NO_YEAR_RE = r"^[A-Za-z]{3,9}\.? \d{1,2}$"


def infer_years(days: pd.Series, *, end_year: int) -> pd.Series:
    """Dates for ``Month D`` strings without a year, the last (most recent) day falling in ``end_year``.

    Rows may be oldest-first or newest-first; whenever the calendar wraps (December -> January
    in time order) the days before the wrap belong to the year before. Unreadable strings (and
    February 29 in a non-leap year) give ``NaT``.
    """
    month, day, ok = _month_day(days)
    out = pd.Series(pd.NaT, index=days.index, dtype="datetime64[ns]")
    if not ok.any():
        return out
    years = end_year - _years_back(month[ok], day[ok])
    parts = pd.DataFrame({"year": years, "month": month[ok], "day": day[ok]})
    out.loc[out.index[ok]] = pd.to_datetime(parts, errors="coerce").to_numpy()
    return out


def _month_day(days: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    t = days.fillna("").astype(str).str.strip().str.replace(".", "", regex=False)
    md = to_datetime("2000 " + t, format="%Y %B %d")
    md = md.fillna(to_datetime("2000 " + t, format="%Y %b %d"))
    ok = md.notna().to_numpy()
    return md.dt.month.fillna(0).to_numpy(dtype=int), md.dt.day.fillna(0).to_numpy(dtype=int), ok


def _years_back(month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """How many years before the last day's year each row falls (0 or more), from the wraps."""
    ordinal = month * 100 + day
    diffs = np.diff(ordinal)
    # Small steps show the direction; a wrap (Dec -> Jan) is one big step the other way.
    small = diffs[np.abs(diffs) < 600]
    forward = (small > 0).sum() >= (small < 0).sum()
    seq = ordinal if forward else ordinal[::-1]
    wraps = np.concatenate([[0], np.cumsum(np.diff(seq) < 0)])
    back = wraps[-1] - wraps
    return back if forward else back[::-1]


def _last_md(days: pd.Series) -> tuple[int, int] | None:
    """(month, day) of the most recent row of a year-less column."""
    month, day, ok = _month_day(days)
    if not ok.any():
        return None
    back = _years_back(month[ok], day[ok])
    last = np.flatnonzero(back == 0)
    key = month[ok][last] * 100 + day[ok][last]
    i = last[int(np.argmax(key))]
    return int(month[ok][i]), int(day[ok][i])


def _year_for_bound(last: tuple[int, int], bound: pd.Timestamp) -> int:
    """Year of the last day given a date it cannot be after (export day or range end, +1 day)."""
    bound = bound + pd.Timedelta(days=1)
    return bound.year if last <= (bound.month, bound.day) else bound.year - 1


_NAME_DATE = re.compile(r"(?<!\d)(20\d\d)-?([01]\d)-?([0-3]\d)(?!\d)|(?<!\d)([0-3]?\d)\.([01]?\d)\.(20\d\d)(?!\d)")


def _own_year(source: Source, ctx: Context, days: pd.Series) -> tuple[int | None, str]:
    """The year of the file's last day from the load's ``year=``, the path, or the archive's date."""
    if ctx.year is not None:
        return int(ctx.year), f"year={int(ctx.year)} of load()"
    last = _last_md(days)
    dates = []
    for m in _NAME_DATE.finditer(source.name):
        y, mo, d = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(6), m.group(5), m.group(4))
        try:
            dates.append(pd.Timestamp(int(y), int(mo), int(d)))
        except ValueError:
            pass
    if dates and last:
        bound = max(dates)
        return _year_for_bound(last, bound), f"the date {bound:%Y-%m-%d} in the file/folder name {source.name!r}"
    if source.modified is not None and last:
        return (_year_for_bound(last, source.modified),
                f"the date the archive records for the file ({source.modified:%Y-%m-%d})")
    return None, ""


def _bare_year(source: Source) -> int | None:
    """A year alone in the path (``tiktok-2024/``): weaker than dated sibling files."""
    years = [int(y) for y in re.findall(r"(?<!\d)(20\d\d)(?!\d)", source.name)]
    return max(years) if years else None


def _folder(name: str) -> str:
    """The folder or archive a source sits in (``a/b.zip!x/Overview.csv`` -> ``a/b.zip!x``)."""
    cut = max(name.rfind("/"), name.rfind("!"), name.rfind("\\"))
    return name[:cut] if cut > 0 else ""


def _year_from_rows(days: pd.Series, points: pd.Series) -> tuple[int | None, str]:
    """The end year whose window of days holds clearly the most ``points`` (dated rows), else the
    nearest window within half a year; ``(None, why)`` when the rows do not decide."""
    points = points.dropna()
    if not len(points):
        return None, "no dated rows"
    month, day, ok = _month_day(days)
    if not ok.any():
        return None, "no readable day"
    years = sorted(set(points.dt.year) | set(points.dt.year + 1))
    scores, gaps = {}, {}
    lo_p, hi_p = points.min(), points.max()
    for y in years:
        got = infer_years(days, end_year=y).dropna()
        if not len(got):
            continue
        lo, hi = got.min(), got.max()
        scores[y] = int(points.between(lo - pd.Timedelta(days=1), hi + pd.Timedelta(days=1)).sum())
        gaps[y] = max((lo - hi_p).days, (lo_p - hi).days, 0)
    if not scores:
        return None, "no readable day"
    ranked = sorted(scores, key=lambda y: -scores[y])
    best = ranked[0]
    second = scores[ranked[1]] if len(ranked) > 1 else 0
    if scores[best] > 0 and scores[best] >= 2 * second:
        return best, f"{scores[best]} dated row(s) fall in those days (other years: at most {second})"
    if scores[best] > 0:
        return None, f"dated rows fall in several years' days ({scores[best]} vs {second})"
    near = sorted(gaps, key=lambda y: gaps[y])
    if gaps[near[0]] <= 183 and (len(near) == 1 or gaps[near[1]] > gaps[near[0]]):
        return near[0], (f"no dated row falls in those days; the nearest period to the dated rows "
                         f"({lo_p:%Y-%m-%d}..{hi_p:%Y-%m-%d}, {gaps[near[0]]} days away)")
    return None, f"no dated row falls in those days ({lo_p:%Y-%m-%d}..{hi_p:%Y-%m-%d})"


def _no_year_error(source: Source, tried: str) -> ExportFormatError:
    return ExportFormatError(
        f"{source.name}, line 2, column 'Date': the dates have no year (like 'August 31') and nothing in the "
        f"load gives it (tried: load(year=...), dates in the file/folder/zip name, the date the zip records, "
        f"sibling files of the same download, the period of the other loaded data{tried}). Pass year=2024 "
        f"(the year of the file's last day) to load(), or put the year in the folder name (e.g. "
        f"'tiktok-2024/').", file=source.name, line=2, column="Date")


@register
class TikTokDailyCSV(Loader):
    """TikTok Studio daily CSVs (Overview, FollowerHistory, Viewers) -> daily."""

    format = "tiktok_daily_csv"
    priority = 30

    def sniff(self, source: Source, ctx: Context) -> bool:
        fields = _head_fields(source)
        if not fields or fields[0] != "date" or not (set(fields) & _DAILY_HEADERS):
            return False
        first = first_data_cell(source)
        return bool(re.match(_NO_YEAR_RE, first)) or bool(re.match(r"^\d{4}-\d{2}-\d{2}$", first)) or \
            source.basename.lower() in ("overview.csv", "followerhistory.csv", "viewers.csv")

    def read(self, source: Source, ctx: Context) -> Parsed:
        recs = read_source_records(source)
        parsed = Parsed(self.format)
        col = recs.frame[recs.frame.columns[0]].fillna("").str.strip()
        full = _full_dates(col, german=recs.delimiter == ";")
        if full.notna().all() and len(col):
            return self._finish(recs, source, ctx, parsed, full)
        year, how = _own_year(source, ctx, col)
        if year is not None:
            parsed.notes.append(f"dates had no year: {year} (from {how}) used as the year of the last day")
            return self._finish(recs, source, ctx, parsed, infer_years(col, end_year=year))
        # The year must come from the rest of the load: decided once every file is read.
        defer(ctx, source, lambda parts: self._resolve(recs, source, ctx, parsed, col, parts))
        return parsed

    def _resolve(self, recs: Records, source: Source, ctx: Context, parsed: Parsed, col: pd.Series,
                 parts: list) -> None:
        """The year from, in order: dated sibling files (same folder or archive), a year alone in the
        path, the TikTok data of the load, all data of the load; else the error that asks for year=."""
        here = _folder(source.name)
        others = [(s, p) for s, p in parts if p is not parsed]
        siblings = [p for s, p in others if _folder(s) == here]
        bare = _bare_year(source)
        tried = []
        for label, group, platform in (("sibling files of the same download", siblings, None),
                                       ("name", None, None),
                                       ("the TikTok data of this load", [p for _, p in others], _PLATFORM),
                                       ("the period of all data of this load", [p for _, p in others], None)):
            if group is None:
                if bare is not None:
                    parsed.notes.append(f"dates had no year: {bare} (from the file/folder name {source.name!r}) "
                                        f"used as the year of the last day")
                    self._finish(recs, source, ctx, parsed, infer_years(col, end_year=bare))
                    return
                continue
            points = [dated_rows(p, platform=platform) for p in group]
            points = pd.concat(points, ignore_index=True) if points else pd.Series(dtype="datetime64[ns]")
            year, why = _year_from_rows(col, points)
            if year is not None:
                other = f" (rather than {bare} from the file/folder name)" if bare not in (None, year) else ""
                parsed.notes.append(f"dates had no year: {year} used as the year of the last day, from {label}: "
                                    f"{why}{other}")
                self._finish(recs, source, ctx, parsed, infer_years(col, end_year=year))
                return
            tried.append(f"{label}: {why}")
        raise _no_year_error(source, "; " + "; ".join(tried))

    def _finish(self, recs: Records, source: Source, ctx: Context, parsed: Parsed, dates: pd.Series) -> Parsed:
        if dates.notna().any():
            parsed.notes.append(f"days read as {dates.min():%Y-%m-%d} .. {dates.max():%Y-%m-%d}")
        recs = _rename_headers(recs, {"difference in followers from previous day": "followers_change"})
        return daily_from_wide(recs, source, ctx, parsed, platform=_PLATFORM, account=pd.NA, dates=dates,
                               date_hint="a day like 'August 31'", kind=lambda name: "int")


def _full_dates(col: pd.Series, *, german: bool) -> pd.Series:
    """Days with a year (ISO ``2024-12-31``, or ``31.12.2024`` in a German re-save)."""
    out = pd.to_datetime(col, format="%Y-%m-%d", errors="coerce")
    for fmt in date_style(col, (), column="Date", allow_german=german).formats:
        out = out.fillna(to_datetime(col.where(out.isna(), ""), format=fmt))
    return out.astype("datetime64[ns]").dt.normalize()


def _rename_headers(recs: Records, names: dict[str, str]) -> Records:
    new = [names.get(h.strip().lower(), h) for h in recs.header]
    frame = recs.frame.copy()
    frame.columns = [names.get(c.strip().lower(), c) for c in frame.columns]
    return dataclasses.replace(recs, frame=frame, header=new)


@register
class TikTokDistributionCSV(Loader):
    """``FollowerGender.csv`` / ``FollowerTopTerritories.csv``: counted and rejected (no date, no table)."""

    format = "tiktok_distribution_csv"
    priority = 30

    def sniff(self, source: Source, ctx: Context) -> bool:
        fields = _head_fields(source)
        return len(fields) == 2 and fields[1] == "distribution" and fields[0] in ("gender", "top territories")

    def read(self, source: Source, ctx: Context) -> Parsed:
        recs = read_source_records(source)
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


#: A link of TikTok Studio's own form: in it ``/video/(\d+)`` finds segment 5 and
#: ``tiktok\.com/@([^/?]+)`` segment 3 without its ``@`` (neither ``/video/`` nor ``tiktok.com/@``
#: can occur elsewhere in it, the account holds no ``/`` and the digits run to the end).
_STUDIO_LINK = r"^https://www\.tiktok\.com/@[^/?]+/video/[0-9]+$"


def _video_ids_and_accounts(link: pd.Series) -> tuple[pd.Series, pd.Series]:
    r"""``extract(link, r"/video/(\d+)")`` and ``extract(link, r"tiktok\.com/@([^/?]+)")`` (first group,
    as "string"); when every link has Studio's own form (:data:`_STUDIO_LINK`), cut from its segments."""
    parts = _studio_link_parts(link)
    if parts is not None:
        return parts
    segments = link_segments(link, _STUDIO_LINK, (5, 3))
    if segments is not None:
        ids, at_account = segments
        # (named 0, as extract names its first group)
        return ids.astype("string").rename(0), at_account.str.slice(1).astype("string").rename(0)
    return (extract(link, r"/video/(\d+)")[0].astype("string"),
            extract(link, r"tiktok\.com/@([^/?]+)")[0].astype("string"))


_STUDIO_PREFIX = "https://www.tiktok.com/@"


def _studio_link_parts(link: pd.Series) -> tuple[pd.Series, pd.Series] | None:
    """(video ids, accounts) of an Arrow string column whose every link has Studio's own form
    (:data:`_STUDIO_LINK`), as :func:`_video_ids_and_accounts` gives them, cut from the links' bytes
    without a regex (:func:`toolkit.io._daily._cut_links`; ``[^/?]+``: no ``?`` in the account).
    None when a link does not fit or when not known. tests/io/test_tiktok_speed.py compares both."""
    parts = _cut_links(link, (_STUDIO_PREFIX,), "/video/", forbid="?")
    if parts is None:
        return None
    accounts, ids = parts
    dtype = pd.StringDtype()
    return (pd.Series(dtype.__from_arrow__(ids), index=link.index, name=0),
            pd.Series(dtype.__from_arrow__(accounts), index=link.index, name=0))


def _no_blank(s: pd.Series) -> bool:
    """True when no cell of an Arrow string column is missing or empty (``s.where(s != "", pd.NA)`` is ``s``)."""
    if not (isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow") or not len(s):
        return False
    import pyarrow.compute as pc

    arr = s.array._pa_array
    return not arr.null_count and pc.min(pc.binary_length(arr)).as_py() > 0


@register
class TikTokContentCSV(Loader):
    """TikTok Studio per-video content CSV (header variants mapped by alias) -> posts."""

    format = "tiktok_content_csv"
    priority = 30

    def sniff(self, source: Source, ctx: Context) -> bool:
        fields = set(_head_fields(source))
        return "video link" in fields or ("título del video" in fields and "hora de publicación" in fields)

    def read(self, source: Source, ctx: Context) -> Parsed:
        recs = read_source_records(source)
        parsed = Parsed(self.format)
        found, unknown = _map_header(recs, _CONTENT_ALIASES, parsed.notes)
        _require(source, recs, found, {"permalink": "Video link", "published_at": "Post time"},
                 "a TikTok content CSV")
        parsed.rejected += [{"table": "posts", **b} for b in recs.bad]
        parsed.rows_read["posts"] = len(recs.frame) + len(recs.bad)
        _unknown_note(parsed, unknown)
        raw = recs.frame
        probs = CellProblems(source, recs.lines, "posts")
        out: dict = {}  # the columns in order, made a frame at once (an insert per column costs as much as a cast)
        out["platform"] = _PLATFORM
        link = raw[found["permalink"]]
        if not _ascii_visible(link):  # (else nothing to fill or strip)
            link = link.fillna("").str.strip()
        out["post_id"], account = _video_ids_and_accounts(link)
        probs.add(out["post_id"].isna(), found["permalink"], raw[found["permalink"]],
                  "a video link like 'https://www.tiktok.com/@user/video/7300000000000000000'")
        out["account"] = account
        counts = ("views", "likes", "comments", "shares", "saves", "reach")
        # Studio's own counts (digits only): read at once (toolkit.io._daily._plain_counts)
        plain = _plain_counts(raw, [found[n] for n in counts if n in found], None, recs.delimiter)
        if plain is None:
            style, numbers = number_columns(recs, {found[n]: "int" for n in counts if n in found}, parsed.notes)
        else:
            style = EN
        zone = ctx.zone_for(source, parsed.notes)
        tcol = found["published_at"]
        dates = _date_style(raw[tcol], (None,), column=tcol, allow_german=recs.delimiter == ";" or style is DE)
        if dates.note:
            parsed.notes.append(dates.note)
        when, date_only, bad = parse_datetime(raw[tcol], tz=zone, formats=dates.formats)
        probs.add(bad | when.isna(), tcol, raw[tcol], "a time like '2026-09-10 18:30:00'")
        out["published_at"] = when
        out["date_only"] = date_only
        out["text"] = raw[found["text"]].fillna("") if "text" in found else ""
        out["media_type"] = "video"
        out["permalink"] = link if _no_blank(link) else link.where(link != "", pd.NA)
        for name in counts:
            if name in found and plain is not None:
                out[name] = plain[found[name]]
            elif name in found:
                vals, badn = numbers.count(found[name], style)
                probs.add(badn, found[name], raw[found[name]],
                          f"a whole number in {style.name} format (blank = not reported)")
                out[name] = vals
        for name in ("total_play_time", "average_watch_time", "watched_full_video"):
            if name in found:
                out[name] = raw[found[name]]
        out = probs.finish(pd.DataFrame(out, index=raw.index), ctx, parsed)
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
        # every date parsed in one call; the loop looks its record's up
        times = _naive_all([(v.get("Date") or v.get("date")) if isinstance(v, dict) else None for _, _, v in videos])
        for k, (p, i, v) in enumerate(videos):
            where = f"record {i} of {'/'.join(map(str, p))}"
            v = v if isinstance(v, dict) else {}
            link = str(v.get("Link") or v.get("link") or "")
            m = re.search(r"/video/(\d+)", link)
            when = times[k]
            if not m or np.isnat(when):
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
        times = _naive_all([(c.get("date") or c.get("Date")) if isinstance(c, dict) else None for _, _, c in comments])
        for k, (p, i, c) in enumerate(comments):
            c = c if isinstance(c, dict) else {}
            date, text = c.get("date") or c.get("Date"), c.get("comment") or c.get("Comment") or ""
            when = times[k]
            if np.isnat(when):
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


def _naive_all(values: list) -> np.ndarray:
    """TikTok's ``2024-05-01 18:30:00`` (local, no zone) for a whole list of JSON values at once:
    naive ``datetime64[ns]``, NaT where a value is missing or not such a time."""
    text = pd.Series([None if v is None else str(v).strip() for v in values], dtype=object)
    got = pd.to_datetime(text, format="%Y-%m-%d %H:%M:%S", errors="coerce")
    return got.astype("datetime64[ns]").to_numpy()


def _utc(local: pd.Series, zone: str) -> pd.Series:
    from ._base import localize
    if not len(local):
        return pd.Series(pd.NaT, index=local.index, dtype="datetime64[ns, UTC]")
    return localize(pd.to_datetime(local).astype("datetime64[ns]"), zone)


def _count(v):
    s = str(v).strip().replace(",", "") if v is not None else ""
    return int(s) if s.isdigit() else pd.NA
