"""YouTube exports: YouTube Studio CSVs and Data API ``commentThreads`` JSON.

Formats (facts and evidence: ``export-formats.md`` section 5):

``youtube_studio_table``
    ``Table data.csv`` of a Studio export (zip ``Content <start>_<end> <Channel>.zip``) -> posts,
    one row per video. The ``Total`` row is skipped and counted as rejected with reason "totals
    row". IDs lose the leading space Studio puts before IDs starting with ``-``. ``text`` is the
    video title. ``Video publish time`` is read as ``Sep 20, 2026``, ``Sep 20 2026``, ``2026-09-20``
    (date only: ``date_only=True``, midnight local) or ``2026-09-20 13:18:00``; it carries no zone,
    so ``tz=`` applies (YouTube Analytics days are US-Pacific - unverified). Metric columns:
    ``Views`` -> views, ``Impressions`` -> impressions, ``Likes`` -> likes, ``Comments added`` ->
    comments, ``Shares`` -> shares; kept as extra columns: ``duration_s``, ``watch_time_hours``,
    ``subscribers`` (net, may be negative), ``estimated_revenue_usd``, ``impressions_ctr_pct``
    (0..100), ``avg_view_duration_s``, ``avg_pct_viewed``, ``engaged_views``. The channel name
    (``account``) and the range end (``exported_at``) come from the zip's name when it has
    Studio's form.
    A re-save by a spreadsheet program (``;``, cp1252, ``1.234``, ``12,5``, ``31.03.2024 18:00``)
    is read too; the number style is decided per file (``toolkit.io._locale``) and noted.
``youtube_studio_totals``
    ``Totals.csv`` (``Date, <metric>...``, channel totals per day) -> daily.
``youtube_studio_chart``
    ``Chart data.csv`` (per video per day): no canonical table holds per-video daily series, so
    its rows are counted and rejected with that reason (use ``Table data.csv`` for per-video
    totals). Without a per-video column it is read like ``Totals.csv``.
``youtube_comment_threads``
    Data API ``commentThreads.list`` responses (one response, or a list of pages or threads) ->
    comments: top-level comments and the replies included in ``replies.comments``. ``text`` is
    ``textOriginal``, else ``textDisplay`` turned from HTML into text; ``is_owner`` is True when
    the author's channel is the video's channel; ``parent_id`` is the thread id for replies;
    ``likes`` = ``likeCount``. ``account`` stays ``<NA>`` (the API gives the channel id, kept as
    ``channel_id``, not its name). Records in rejected rows are 0-based thread indexes.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd

from ..errors import ExportFormatError
from ._base import (CellProblems, Context, Loader, Parsed, Source, _fixed_width_times, localize, paused_gc,
                    read_source_records, register, utc_times)
from ._coerce import to_datetime
from ._daily import _cell_bytes, _constant, _date_style, _plain_counts, _prefixed, _stripped, daily_from_wide
from ._filebar import tracked
from ._html import html_to_text
from ._headers import _head_fields, _map_header, _norm, _require, _unknown_note
from ._locale import DE, EN, NumberStyle, count, number
from ._numbers import float_columns, number_columns

__all__ = ["YouTubeStudioTable", "YouTubeStudioTotals", "YouTubeStudioChart", "YouTubeCommentThreads"]

_PLATFORM = "youtube"

_TABLE_ALIASES = {
    "content": "post_id", "video": "post_id", "video title": "text", "video publish time": "published_at",
    "publish time": "published_at", "views": "views", "impressions": "impressions", "likes": "likes",
    "comments added": "comments", "comments": "comments", "shares": "shares",
    "duration": "duration_s", "watch time (hours)": "watch_time_hours", "subscribers": "subscribers",
    "estimated revenue (usd)": "estimated_revenue_usd",
    "impressions click-through rate (%)": "impressions_ctr_pct",
    "average view duration": "avg_view_duration_s", "average percentage viewed (%)": "avg_pct_viewed",
    "engaged views": "engaged_views", "stayed to watch (%)": "stayed_to_watch_pct",
}
_INTS = ["views", "impressions", "likes", "comments", "shares", "duration_s", "subscribers", "engaged_views"]
_FLOATS = ["watch_time_hours", "estimated_revenue_usd", "impressions_ctr_pct", "avg_pct_viewed",
           "stayed_to_watch_pct"]
#: Studio's publish-time formats seen in the wild; True = the format has a time of day.
_TIME_FORMATS = (("%b %d, %Y", False), ("%b %d %Y", False), ("%Y-%m-%d", False),
                 ("%Y-%m-%d %H:%M:%S", True), ("%Y-%m-%d %H:%M", True))


def _studio_zip(source: Source) -> tuple[str | None, pd.Timestamp | None]:
    """Channel name and range end from ``Content <start>_<end> <Channel>.zip`` in the source name."""
    if "!" not in source.name:
        return None, None
    archive = re.split(r"[/\\]", source.name.split("!")[0])[-1]
    m = re.match(r"^.+? (\S+?)_(\S+?) (.+?)\.zip$", archive, flags=re.I)
    if not m:
        return None, None
    end = _range_day(m.group(2))
    return m.group(3).strip(), (end.tz_localize("UTC") if pd.notna(end) else None)


def _range_day(text: str):
    """``pd.to_datetime(text, errors="coerce")`` of the range end in a zip's name: ``2025-12-31`` (Studio's
    form) read by ``pd.Timestamp`` (a few µs; ``to_datetime`` guesses the format: about 0.4 ms, for each of
    the three files of a zip); anything else, or a day that does not exist, by ``to_datetime`` itself.
    tests/io/test_youtube_speed.py compares both."""
    if _ISO_DAY.match(text):
        try:
            return pd.Timestamp(text)
        except ValueError:
            pass
    return pd.to_datetime(text, errors="coerce")


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def _hms_seconds(s: pd.Series, style: NumberStyle = EN) -> tuple[pd.Series, pd.Series]:
    t = s.fillna("").str.strip()
    parts = t.str.extract(r"^(?:(\d+):)?(\d{1,2}):(\d{2})$")
    secs = parts[0].fillna("0").astype("Int64") * 3600 + parts[1].astype("Int64") * 60 + parts[2].astype("Int64")
    plain, plain_bad = count(s, style)
    out = secs.where(parts[2].notna(), plain)
    bad = parts[2].isna() & plain_bad
    return out.astype("Int64"), bad.astype(bool)


#: The bytes of a video ID (``[A-Za-z0-9_-]``) marked in a table of all 256.
_ID_BYTES = np.zeros(256, dtype=bool)
_ID_BYTES[np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-", dtype=np.uint8)] = True


def _video_ids(ids: pd.Series) -> bool:
    """True when every cell of an Arrow string column fits ``[A-Za-z0-9_-]{6,}`` (what
    ``ids.str.fullmatch`` checks), decided from its bytes and lengths without a regex; False when
    some cell does not or when not known (another dtype, a missing cell). tests/io/test_youtube_speed.py
    compares both."""
    if not (isinstance(ids.dtype, pd.StringDtype) and ids.dtype.storage == "pyarrow") or not len(ids):
        return False
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = ids.array._pa_array
    if arr.null_count or pc.min(pc.binary_length(arr)).as_py() < 6:
        return False
    step = 1 << 16
    for chunk in arr.chunks:
        if not pa.types.is_large_string(chunk.type):
            return False
        b = _cell_bytes(chunk)
        if not all(_ID_BYTES[b[k:k + step]].all() for k in range(0, len(b), step)):
            return False
    return True


#: Formats without a time of day: they cannot read a cell holding ':'.
_DAY_FORMATS = {"%b %d, %Y", "%b %d %Y", "%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"}


def _publish_times(t: pd.Series, formats: tuple, *, quick: bool = True) -> tuple[pd.Series, pd.Series]:
    """Naive times and the date-only mask of stripped cells (no NA), each cell read by the first of
    ``formats`` (``(format, has_time)``) that reads it.

    ``quick``: a format is not tried on cells it cannot read (a day format on a cell with ':', a
    month name on a cell without a letter); ``quick=False`` tries every format on every cell left
    (the same result, tested)."""
    if quick:
        fast = _fixed_width_publish_times(t, formats)
        if fast is not None:
            return fast, pd.Series(False, index=t.index)
    naive = pd.Series(pd.NaT, index=t.index, dtype="datetime64[ns]")
    date_only = pd.Series(False, index=t.index)
    colon = letter = None
    for fmt, has_time in formats:
        todo = naive.isna() & t.ne("")
        if not todo.any():
            break
        if quick and (fmt in _DAY_FORMATS or "%b" in fmt):
            if colon is None:
                colon = t.str.contains(":", regex=False).to_numpy(dtype=bool)
                # a month name needs a letter: anything but ASCII digits, punctuation, space, controls
                letter = t.str.contains("[^\x00-\x40\x5b-\x60\x7b-\x7f]").to_numpy(dtype=bool)
            cand = todo.to_numpy(dtype=bool)
            if fmt in _DAY_FORMATS:
                cand = cand & ~colon
            if "%b" in fmt:
                cand = cand & letter
            if not cand.any():
                continue
            todo = pd.Series(cand, index=t.index)
        got = to_datetime(t[todo], format=fmt)
        ok = got.notna()
        naive.loc[got[ok].index] = got[ok].astype("datetime64[ns]")
        date_only.loc[got[ok].index] = not has_time
    return naive, date_only


def _fixed_width_publish_times(t: pd.Series, formats: tuple) -> pd.Series | None:
    """:func:`_publish_times` of a column whose every cell is a time of day in the fixed width of the
    first format that can read such cells (Studio's ``2026-09-20 13:18:00``), read from its digits
    (:func:`toolkit.io._base._fixed_width_times`, equal to ``pd.to_datetime`` with that format); None
    when a cell does not fit or is out of range, for the format-by-format reading to decide.

    The formats before it read no such cell, by the rules the quick reading itself skips them by:
    a day format reads no cell holding ':' (each fitting cell has one) and a month name needs a
    letter (no fitting cell has one)."""
    for fmt, has_time in formats:
        if fmt in _DAY_FORMATS or "%b" in fmt:
            continue
        if not has_time or ":" not in fmt or re.search(r"[A-Za-z]", re.sub(r"%[YmdHMS]", "", fmt)):
            return None  # (its cells could lack a ':' or hold a letter: the rules above would not hold)
        return _fixed_width_times(t, fmt, False)
    return None


@register
class YouTubeStudioTable(Loader):
    """YouTube Studio ``Table data.csv`` -> posts (one row per video)."""

    format = "youtube_studio_table"
    priority = 20

    def sniff(self, source: Source, ctx: Context) -> bool:
        fields = _head_fields(source)
        return bool(fields) and fields[0] in ("content", "video") and \
            ("video title" in fields or "video publish time" in fields)

    def read(self, source: Source, ctx: Context) -> Parsed:
        recs = read_source_records(source)
        parsed = Parsed(self.format)
        found, unknown = _map_header(recs, _TABLE_ALIASES, parsed.notes)
        _require(source, recs, found, {"post_id": "Content", "published_at": "Video publish time"},
                 "a YouTube Studio 'Table data.csv'")
        account, parsed.exported_at = _studio_zip(source)
        parsed.rejected += [{"table": "posts", **b} for b in recs.bad]
        parsed.rows_read["posts"] = len(recs.frame) + len(recs.bad)
        _unknown_note(parsed, unknown)
        raw = recs.frame
        ids = _stripped(raw[found["post_id"]])
        total = ids.str.lower().eq("total")
        for line in recs.lines[total.to_numpy()]:
            parsed.rejected.append({"table": "posts", "line": int(line), "column": found["post_id"],
                                    "kind": "skipped", "reason": "totals row"})
        keep = ~total.to_numpy()
        ints = [found[n] for n in _INTS if n in found and n != "duration_s"]
        # Studio's own counts (digits only; no decimal column): read at once (toolkit.io._daily._plain_counts)
        counts = None if any(n in found for n in _FLOATS) else _plain_counts(raw, ints, None, recs.delimiter)
        if counts is None:
            style, numbers = number_columns(recs, {c: "int" for c in ints}
                                             | {found[n]: "float" for n in _FLOATS if n in found}, parsed.notes)
        else:
            style = EN
        first = len(keep) > 1 and not keep[0] and keep[1:].all()  # (the usual file: the Total row first)
        raw = (raw.iloc[1:] if first else raw.loc[keep]).reset_index(drop=True)
        if counts is None:
            numbers = numbers.rows(keep, raw)
        else:
            counts = {c: v[1:] if first else v[keep] for c, v in counts.items()}
        ids = (ids.iloc[1:] if first else ids[keep]).reset_index(drop=True)
        lines = recs.lines[keep]
        probs = CellProblems(source, lines, "posts")
        out: dict = {}  # the columns in order, made a frame at once (an insert per column costs as much as a cast)
        out["platform"] = _constant(_PLATFORM, raw.index)  # (in its canonical dtype: no cast)
        out["account"] = _constant(account if account else pd.NA, raw.index)
        if not _video_ids(ids):  # (else every id fits: no bad cell)
            probs.add(~ids.str.fullmatch(r"[A-Za-z0-9_-]{6,}"), found["post_id"], raw[found["post_id"]],
                      "a video ID like 'dQw4w9WgXcQ'")
        out["post_id"] = ids
        tcol = found["published_at"]
        t = _stripped(raw[tcol])
        dates = _date_style(t, (), column=tcol, allow_german=recs.delimiter == ";" or style is DE)
        if dates.note:
            parsed.notes.append(dates.note)
        formats = tuple((f, ":" in f) for f in dates.formats if f) + _TIME_FORMATS
        naive, date_only = _publish_times(t, formats)
        probs.add(naive.isna(), tcol, raw[tcol], "a publish time like 'Sep 20, 2026' or '2026-09-20 13:18:00'")
        zone = ctx.zone_for(source, parsed.notes) if naive.notna().any() else "UTC"
        known = naive.notna()
        if known.all() and len(naive):  # (every time read: localized as they are)
            when = localize(naive, zone)
        else:
            when = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns, UTC]")
            if known.any():
                when.loc[known] = localize(naive[known], zone)
        out["published_at"] = when
        out["date_only"] = date_only.astype(bool)
        out["text"] = raw[found["text"]].fillna("") if "text" in found else ""
        out["media_type"] = _constant("video", raw.index)
        out["permalink"] = _prefixed("https://www.youtube.com/watch?v=", ids)
        for name in _INTS:
            if name not in found:
                continue
            col = found[name]
            if name == "duration_s":
                vals, bad = _hms_seconds(raw[col], style)
            elif counts is not None:  # (digits only: a net change or not, the same counts, no bad cell)
                out[name] = counts[col]
                continue
            else:  # subscribers is a net change: it can be negative
                vals, bad = numbers.count(col, style, negative=name == "subscribers")
            probs.add(bad, col, raw[col], f"a whole number in {style.name} format (blank = not reported)")
            out[name] = vals
        if "avg_view_duration_s" in found:
            col = found["avg_view_duration_s"]
            vals, bad = _hms_seconds(raw[col], style)
            probs.add(bad, col, raw[col], "a duration like '0:03:41'")
            out["avg_view_duration_s"] = vals
        if counts is None:  # (with counts read at once there is no decimal column)
            float_columns(out, numbers, found, _FLOATS, probs, style=style)
        out = probs.finish(pd.DataFrame(out, index=raw.index), ctx, parsed)
        parsed.tables["posts"] = out
        return parsed


def _first_is_date(source: Source) -> bool:
    fields = _head_fields(source)
    return bool(fields) and fields[0] == "date"


def _studio_day(s: pd.Series, *, german: bool = False) -> pd.Series:
    """Studio's day (ISO or ``Sep 20, 2026``; re-saved ``20.09.2026`` when ``german`` and most of
    the column is written so)."""
    days = _iso_days(s)
    if days is not None:  # (Studio's own writing)
        return days
    t = s.fillna("").str.strip()
    out = to_datetime(t, format="ISO8601")
    formats = ("%b %d, %Y",)
    if out.isna().any():  # (the column's style is only needed when cells are left)
        formats += _date_style(t, (), column="Date", allow_german=german).formats
    for fmt in formats:
        todo = out.isna()
        if not todo.any():
            break
        out = out.fillna(to_datetime(t.where(todo, ""), format=fmt))
    return out.astype("datetime64[ns]").dt.normalize()


#: The days a ``datetime64[ns]`` column holds whole (pandas' bounds are 1677-09-21 and 2262-04-11).
_NS_DAYS = (np.datetime64("1678-01-01"), np.datetime64("2262-01-01"))


def _iso_days(s: pd.Series) -> pd.Series | None:
    """:func:`_studio_day` of an Arrow string column whose every cell is a day ``YYYY-MM-DD`` (what
    Arrow's cast to ``date32`` accepts: exactly that form, real days only), read by that cast: the
    same midnights, without pandas' parsing and ``normalize`` (most of the time of the 30 days of a
    Totals.csv). None for any other column (a missing cell, a blank, another form, a day outside
    ``_NS_DAYS``), for the general reading. tests/io/test_youtube_speed.py compares both."""
    if not (isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow") or not len(s):
        return None
    import pyarrow as pa

    arr = s.array._pa_array
    if arr.null_count:
        return None
    try:
        days = arr.cast(pa.date32()).combine_chunks().to_numpy(zero_copy_only=False).astype("datetime64[D]")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if days.min() < _NS_DAYS[0] or days.max() >= _NS_DAYS[1]:
        return None
    return pd.Series(days.astype("datetime64[ns]"), index=s.index, name=s.name)


def _metric_kind(name: str) -> str:
    """Counts among Studio's metrics (their ``18.450`` decides a German file); the rest are decimals."""
    return "int" if name in ("views", "impressions", "likes", "comments_added", "shares", "subscribers",
                             "engaged_views", "duration") else "float"


@register
class YouTubeStudioTotals(Loader):
    """YouTube Studio ``Totals.csv`` (``Date`` + metric columns) -> daily."""

    format = "youtube_studio_totals"
    priority = 40

    def sniff(self, source: Source, ctx: Context) -> bool:
        return source.basename.lower() == "totals.csv" and _first_is_date(source)

    def read(self, source: Source, ctx: Context) -> Parsed:
        recs = read_source_records(source)
        account, exported = _studio_zip(source)
        parsed = Parsed(self.format, exported_at=exported)
        return daily_from_wide(recs, source, ctx, parsed, platform=_PLATFORM,
                               account=account if account else pd.NA,
                               dates=_studio_day(recs.frame[recs.frame.columns[0]], german=recs.delimiter == ";"),
                               date_hint="a date like '2026-09-20'", kind=_metric_kind)


@register
class YouTubeStudioChart(Loader):
    """YouTube Studio ``Chart data.csv``: per-video daily rows are counted and rejected (no table)."""

    format = "youtube_studio_chart"
    priority = 40

    def sniff(self, source: Source, ctx: Context) -> bool:
        return source.basename.lower() == "chart data.csv" and _first_is_date(source)

    def read(self, source: Source, ctx: Context) -> Parsed:
        recs = read_source_records(source)
        account, exported = _studio_zip(source)
        parsed = Parsed(self.format, exported_at=exported)
        per_video = [h for h in recs.header if _norm(h) in ("content", "video", "video title")]
        if not per_video:
            return daily_from_wide(recs, source, ctx, parsed, platform=_PLATFORM,
                                   account=account if account else pd.NA,
                                   dates=_studio_day(recs.frame[recs.frame.columns[0]],
                                                     german=recs.delimiter == ";"),
                                   date_hint="a date like '2026-09-20'", kind=_metric_kind)
        n = len(recs.frame) + len(recs.bad)
        parsed.rows_read["daily"] = n
        reason = ("per-video daily series (Chart data.csv): no canonical table holds it; "
                  "Table data.csv has the per-video totals")
        lines = list(recs.lines) + [b["line"] for b in recs.bad]
        parsed.rejected += [{"table": "daily", "line": int(line), "column": per_video[0], "kind": "skipped", "reason": reason}
                            for line in sorted(lines)]
        parsed.notes.append(f"{n} per-video daily row(s) not loaded: {reason}")
        parsed.tables["daily"] = pd.DataFrame(columns=["platform", "account", "date", "metric", "value"])
        return parsed


@register
class YouTubeCommentThreads(Loader):
    """YouTube Data API ``commentThreads`` JSON -> comments (top level and replies)."""

    format = "youtube_comment_threads"
    priority = 20

    def sniff(self, source: Source, ctx: Context) -> bool:
        if source.suffix != ".json":
            return False
        head = source.head(4096)
        return "youtube#commentThread" in head

    def read(self, source: Source, ctx: Context) -> Parsed:
        try:
            with paused_gc():
                data = json.loads(source.text)
        except json.JSONDecodeError as exc:
            raise ExportFormatError(f"{source.name}, line {exc.lineno}: not valid JSON ({exc.msg}). Save the "
                                    f"API response again.", file=source.name, line=exc.lineno) from None
        threads = []
        pages = data if isinstance(data, list) else [data]
        for page in pages:
            if isinstance(page, dict) and isinstance(page.get("items"), list):
                threads += page["items"]
            else:
                threads.append(page)
        parsed = Parsed(self.format)
        # One pass over the threads collects each field into a list (no pandas call per comment);
        # dates are parsed once per column below. A comment's problems are checked in the order
        # snippet, id, publishedAt, likeCount, and reported in thread order.
        cols: dict[str, list] = {c: [] for c in ("post_id", "comment_id", "parent_id", "author", "is_owner",
                                                 "published_at", "text", "likes", "channel_id", "_thread",
                                                 "_pos", "_likes_bad")}
        problems: list[tuple[int, int, str, str, int]] = []  # (thread, order, column, what, n rows)
        n_read = 0
        with paused_gc():  # the loop makes a few objects per comment, none in cycles
            for i, th in enumerate(tracked(threads, source.name)):
                snip = th.get("snippet") if isinstance(th, dict) else None
                top = snip.get("topLevelComment") if isinstance(snip, dict) else None
                replies = th.get("replies") if isinstance(th, dict) else None
                replies = replies.get("comments") if isinstance(replies, dict) else None
                replies = replies if isinstance(replies, list) else []
                n_read += 1 + len(replies)
                if not isinstance(top, dict):
                    problems.append((i, -1, "topLevelComment", "has no topLevelComment", 1 + len(replies)))
                    continue
                channel = snip.get("channelId")
                thread_id = th.get("id") or top.get("id")
                video = snip.get("videoId")
                for k, (c, parent) in enumerate([(top, None)] + [(r, thread_id) for r in replies]):
                    bad = self._comment(c, parent, video, channel, cols, i, k)
                    if bad:
                        problems.append((i, k, bad, f"has a comment without a readable {bad}", 1))
        parsed.rows_read["comments"] = n_read
        out = pd.DataFrame({c: v for c, v in cols.items() if not c.startswith("_")})
        when = pd.Series(utc_times(out["published_at"]), index=out.index).dt.tz_localize("UTC")
        no_time = when.isna().to_numpy()
        likes_bad = np.asarray(cols["_likes_bad"], dtype=bool)
        if no_time.any() or likes_bad.any():
            thread = np.asarray(cols["_thread"], dtype=np.int64)
            order = np.asarray(cols["_pos"], dtype=np.int64)
            for j in np.flatnonzero(no_time | likes_bad):
                what = "publishedAt" if no_time[j] else "likeCount"  # the date is checked first
                problems.append((int(thread[j]), int(order[j]), what,
                                 f"has a comment without a readable {what}", 1))
            keep = ~(no_time | likes_bad)
            out, when = out.loc[keep].reset_index(drop=True), when[keep].reset_index(drop=True)
        for i, _k, column, what, n in sorted(problems, key=lambda p: (p[0], p[1])):
            self._bad(ctx, source, parsed, i, column, what, n)
        out.insert(0, "platform", _PLATFORM)
        out.insert(1, "account", pd.Series(pd.NA, index=out.index, dtype="string"))
        out["published_at"] = when
        out["is_owner"] = out["is_owner"].astype(bool)
        out["likes"] = pd.array(out["likes"].tolist(), dtype="Int64") if len(out) else out["likes"].astype("Int64")
        for c in ("post_id", "comment_id", "parent_id", "author", "channel_id"):
            out[c] = out[c].astype("string")
        parsed.tables["comments"] = out
        return parsed

    @staticmethod
    def _comment(c: dict, parent, video, channel, cols: dict[str, list], thread: int, pos: int) -> str:
        """Append one comment's fields to ``cols``; return the field that makes it unreadable, or ""."""
        s = c.get("snippet") if isinstance(c, dict) else None
        if not isinstance(s, dict):
            return "snippet"
        cid = c.get("id")
        if not cid:
            return "id"
        text = s.get("textOriginal")
        if text is None:
            text = html_to_text(s.get("textDisplay"), drop_invisible=False)
        chan = s.get("channelId") or channel
        author_chan = s.get("authorChannelId")
        if isinstance(author_chan, dict):
            author_chan = author_chan.get("value")
        likes = s.get("likeCount")
        likes = int(likes) if isinstance(likes, str) and likes.isdigit() else likes
        likes_bad = likes is not None and not (isinstance(likes, (int, float)) and not isinstance(likes, bool)
                                               and 0 <= likes < 2**53 and likes % 1 == 0)
        cols["post_id"].append(s.get("videoId") or video)
        cols["comment_id"].append(str(cid))
        cols["parent_id"].append(s.get("parentId") or parent)
        cols["author"].append(s.get("authorDisplayName"))
        cols["is_owner"].append(bool(chan) and author_chan == chan)
        cols["published_at"].append(s.get("publishedAt"))
        cols["text"].append(str(text))
        # negative, fractional, infinite or larger than any real count: rejected as likeCount
        cols["likes"].append(None if likes is None or likes_bad else int(likes))
        cols["channel_id"].append(chan)
        cols["_thread"].append(thread)
        cols["_pos"].append(pos)
        cols["_likes_bad"].append(likes_bad)
        return ""

    @staticmethod
    def _bad(ctx: Context, source: Source, parsed: Parsed, i: int, column: str, what: str, n: int) -> None:
        if ctx.errors == "raise":
            raise ExportFormatError(f"{source.name}, record {i} (0-based index of the comment thread): {what}. "
                                    f"Save the API response again; or pass errors='reject' to load().",
                                    file=source.name, column=column)
        parsed.rejected += [{"table": "comments", "line": i, "column": column,
                             "reason": f"record {i} (thread index): {what}"} for _ in range(n)]

