"""X (Twitter) exports: analytics CSVs and the account archive.

Formats (facts and evidence: ``export-formats.md`` section 1):

``x_activity_csv``
    Legacy ``tweet_activity_metrics_<user>_<YYYYMMDD>_<YYYYMMDD>_en.csv`` (analytics.twitter.com,
    retired 2023/24). ``time`` is UTC. 2015 files say ``favorites`` instead of ``likes``.
``x_content_csv``
    ``account_analytics_content_<from>_<to>.csv`` (x.com analytics). ``Date`` has no time: the UTC
    time is recovered from the post id (a snowflake: ``utc_ms = (id >> 22) + 1288834974657``) and
    ``date_only`` is False. When the snowflake's day differs from ``Date`` by more than one day the
    id is not a snowflake: the row keeps ``date_only=True`` (midnight of ``Date`` in ``tz=``) and
    the load report says so.
``x_overview_csv``
    ``account_overview_analytics.csv``: account-level days -> ``daily`` (one row per day and metric;
    ``rows_read`` counts those day-metric cells).
``x_archive_js``
    ``data/tweets.js`` / ``tweet.js`` / ``tweets-partN.js`` of the account archive: the
    ``window.YTD.<name>.partN =`` prefix is stripped and the rest parsed with :func:`json.loads`
    (never evaluated). ``account.js`` of the same archive, when read before the tweets (it sorts
    first in X's zips), names the account.

The three CSVs are also read when re-saved by a spreadsheet program (German Excel: ``;``,
cp1252, ``12.040``, ``0,0257``): the number style is decided per file from whole columns and
noted (``toolkit.io._locale``). Ids turned into scientific notation (``1,73784E+18``) are never
stored: the real id comes back from the permalink (``/status/<id>``, digits checked against the
mantissa), else the post gets a ``link-``/``key-`` key (noted; its time is then the date only).

Mapping decisions
-----------------
- ``shares`` = retweets/reposts (legacy ``retweets``, new ``Reposts``); X's newer ``Shares``
  (sent by DM / copied link) is kept as the extra column ``share_actions``.
- ``comments`` = replies; ``likes`` = likes (``favorites`` before Nov 2015).
- ``clicks`` = **URL clicks only** (link clicks, the same meaning as Meta's link clicks). Profile,
  hashtag, detail-expand and permalink clicks are kept as extra columns (``user_profile_clicks``,
  ``hashtag_clicks``, ``detail_expands``, ``permalink_clicks``) and are part of ``engagements``.
- ``views`` stays ``<NA>``: legacy ``media views`` counts plays of attached media (and is 0 for
  tweets without media), which is not a view of the post; it is kept as ``media_views``. (Since
  2023 X calls impressions "views"; those are in ``impressions``.)
- ``saves`` = ``Bookmarks``.
- Archive retweets (``RT @user: ...`` or ``retweeted``) are other people's posts: they are not
  loaded. Each is counted in the load report as rejected with kind ``"skipped"`` (not an error,
  no warning) and the note gives their number (the same rule as Mastodon boosts). Why skipped
  rather than kept as rows marked as reposts: the archive gives a retweet the original post's
  ``favorite_count``/``retweet_count``, which measure someone else's content; kept as rows they
  would need excluding from every performance, timing and content analysis. Quote tweets (own
  text around a link to another post) are own content and are kept.
  Replies are kept, with ``is_reply=True``. The archive has no impressions: only ``likes``
  (``favorite_count``) and ``shares`` (``retweet_count``) are filled.
"""

from __future__ import annotations

import html
import json
import re

import numpy as np
import pandas as pd

from ..errors import ExportFormatError
from ._base import (CellProblems, Context, Loader, Parsed, Source, extract, link_segments, parse_datetime, paused_gc,
                    read_source_records, register, utc_times)
from ._coerce import to_datetime
from ._daily import (_byte_count, _bytes_between, _cell_bytes, _cut_links, _date_style, _no_byte, _plain_counts,  # noqa: F401
                     daily_from_wide, metric_name)  # (metric_name: public here before)
from ._filebar import tracked
from ._headers import _head_fields, _map_header, _norm, _require, _unknown_note
from ._locale import DE, DERIVED_KEY, EN, repair_ids
from ._numbers import int_columns, number_columns

__all__ = ["XActivityCSV", "XContentCSV", "XOverviewCSV", "XArchiveJS", "XAccountJS",
           "snowflake_time", "SNOWFLAKE_EPOCH_MS", "daily_from_wide", "metric_name"]

#: Twitter's snowflake epoch (2010-11-04T01:42:54.657Z) in Unix milliseconds.
SNOWFLAKE_EPOCH_MS = 1288834974657

_PLATFORM = "x"


def snowflake_time(ids: pd.Series) -> pd.Series:
    """UTC creation time encoded in X post ids: ``utc_ms = (int(id) >> 22) + 1288834974657``.

    Ids that are not whole numbers give ``NaT``.
    """
    # Python ints per id (what int() accepts), one conversion of the milliseconds for all of them;
    # an id beyond the range of times still raises as pd.Timestamp does.
    ms = np.zeros(len(ids), dtype=np.int64)
    ok = np.zeros(len(ids), dtype=bool)
    for i, v in enumerate(ids.tolist()):
        try:
            n = int(str(v).strip())
        except (TypeError, ValueError):
            continue
        if n <= 0:
            continue
        m = (n >> 22) + SNOWFLAKE_EPOCH_MS
        if m >= _MAX_MS:
            pd.Timestamp(m, unit="ms", tz="UTC")  # raises OutOfBoundsDatetime, as before
        ms[i], ok[i] = m, True
    out = pd.to_datetime(ms, unit="ms", utc=True).astype("datetime64[ns, UTC]")
    return pd.Series(out, index=ids.index).where(ok)


#: Milliseconds from which pd.Timestamp(..., unit="ms") may be out of bounds (2262-04-11).
_MAX_MS = pd.Timestamp.max.value // 1_000_000


_STATUS_LINK = r"(?:twitter|x)\.com/([^/]+)/status/"


#: A permalink of X's own form: in it ``_STATUS_LINK`` finds segment 3 (its match can only start
#: at the host; the account holds no ``/``).
_OWN_STATUS_LINK = r"^https://(?:twitter|x)\.com/[^/]+/status/[0-9]+$"


def _account_from_link(links: pd.Series, pattern: str) -> pd.Series:
    t = links.fillna("")
    if pattern == _STATUS_LINK:
        parts = _cut_links(t, ("https://twitter.com/", "https://x.com/"), "/status/")  # (_OWN_STATUS_LINK, no regex)
        if parts is not None:
            return pd.Series(pd.StringDtype().__from_arrow__(parts[0]), index=t.index, name=1)
        segments = link_segments(t, _OWN_STATUS_LINK, (3,))  # every link of X's own form: cut, not searched
        if segments is not None:
            return segments[0].astype("string").rename(1)  # (as extract names it)
        # the same groups in Arrow (RE2) without the non-capturing group
        return extract(t, r"(twitter|x)\.com/([^/]+)/status/")[1].astype("string")
    return t.str.extract(pattern, expand=False).astype("string")


def _json_payload(source: Source) -> str:
    """The JSON part of an X archive file (``window.YTD.tweets.part0 = [...]``)."""
    text = source.text
    eq = text.find("=")
    if eq < 0:
        raise ExportFormatError(f"{source.name}, line 1: expected 'window.YTD.<name>.partN = [...]' but "
                                f"found no '='. Is this an X archive file?", file=source.name, line=1)
    body = text[eq + 1:].strip()
    if body.endswith(";"):
        body = body[:-1]
    return body


def _loads(source: Source, body: str):
    try:
        return json.loads(body)
    except json.JSONDecodeError as exc:
        # JSON positions are relative to ``body``; report the line in the file.
        offset = source.text.find(body[:50]) if body else 0
        line = source.text.count("\n", 0, max(offset, 0) + exc.pos) + 1
        raise ExportFormatError(f"{source.name}, line {line}: not valid JSON ({exc.msg}). Was the file cut "
                                f"off or edited? Download the archive again.", file=source.name,
                                line=line) from None


def _load_payload(source: Source):
    """``json.loads`` of the JSON part of an archive file, decoded in place (no copy of a text that
    can be hundreds of MB); the same result and the same errors as ``_loads(source, _json_payload(source))``."""
    text = source.text
    eq = text.find("=")
    if eq < 0:
        _json_payload(source)  # raises the error naming the missing '='
    start = eq + 1
    while start < len(text) and text[start].isspace():
        start += 1
    try:
        data, end = _DECODER.raw_decode(text, start)
    except json.JSONDecodeError:
        data, end = None, -1
    rest = text[end:].strip() if end >= 0 else ";;"
    if rest.endswith(";"):
        rest = rest[:-1]
    if rest.strip():  # not valid JSON, or more after it: the slower path raises the error naming the line
        return _loads(source, _json_payload(source))
    return data


_DECODER = json.JSONDecoder()


def _range_end(name: str) -> pd.Timestamp | None:
    """Export time proxy: the last date of a range in the file name (YYYYMMDD or YYYY-MM-DD)."""
    dates = re.findall(r"(?<!\d)(20\d\d)-?([01]\d)-?([0-3]\d)(?!\d)", name)
    if not dates:
        return None
    try:
        return max(pd.Timestamp(int(y), int(m), int(d), tz="UTC") for y, m, d in dates)
    except ValueError:
        return None


def _basename(source: Source) -> str:
    return source.basename.lower()


# --- legacy analytics CSV -------------------------------------------------------------------------

_ACTIVITY_ALIASES = {
    "tweet id": "post_id", "tweet permalink": "permalink", "tweet text": "text", "time": "published_at",
    "impressions": "impressions", "engagements": "engagements", "engagement rate": "_engagement_rate",
    "retweets": "shares", "replies": "comments", "likes": "likes", "favorites": "likes",
    "user profile clicks": "user_profile_clicks", "url clicks": "clicks", "hashtag clicks": "hashtag_clicks",
    "detail expands": "detail_expands", "permalink clicks": "permalink_clicks", "app opens": "app_opens",
    "app installs": "app_installs", "follows": "follows", "email tweet": "email_tweet",
    "dial phone": "dial_phone", "media views": "media_views", "media engagements": "media_engagements",
    "promoted impressions": "promoted_impressions", "promoted engagements": "promoted_engagements",
}
_ACTIVITY_INTS = ["impressions", "engagements", "shares", "comments", "likes", "clicks",
                  "user_profile_clicks", "hashtag_clicks", "detail_expands", "permalink_clicks", "app_opens",
                  "app_installs", "follows", "email_tweet", "dial_phone", "media_views", "media_engagements",
                  "promoted_impressions", "promoted_engagements"]



def _unescape(texts: pd.Series) -> pd.Series:
    """HTML entities (``&amp;``) decoded, as ``texts.fillna("").map(html.unescape)`` does, but only in
    the cells that hold an ``&`` (``html.unescape`` returns every other cell unchanged)."""
    t = texts.fillna("")
    if _no_byte(t, 38):  # (no '&' in the column's bytes: the usual file, no pass per cell)
        return t
    has = t.str.contains("&", regex=False).to_numpy(dtype=bool)
    if not has.any():
        return t
    dtype = t.dtype
    t = t.astype(object)
    t[has] = t[has].map(html.unescape)
    return t.astype(dtype)

@register
class XActivityCSV(Loader):
    """Legacy X/Twitter analytics CSV (``tweet_activity_metrics_*.csv``) -> posts."""

    format = "x_activity_csv"
    priority = 20

    def sniff(self, source: Source, ctx: Context) -> bool:
        fields = _head_fields(source)
        return "tweet id" in fields and ("time" in fields or "tweet permalink" in fields)

    def read(self, source: Source, ctx: Context) -> Parsed:
        recs = read_source_records(source)
        parsed = Parsed(self.format)
        found, unknown = _map_header(recs, _ACTIVITY_ALIASES, parsed.notes)
        promoted = [u for u in unknown if _norm(u).startswith("promoted ")]
        unknown = [u for u in unknown if u not in promoted]
        _require(source, recs, found, {"post_id": "Tweet id", "published_at": "time"},
                 "an X tweet activity CSV")
        parsed.rejected += [{"table": "posts", **b} for b in recs.bad]
        parsed.rows_read["posts"] = len(recs.frame) + len(recs.bad)
        _unknown_note(parsed, unknown)
        if promoted:
            parsed.notes.append(f"{len(promoted)} promoted-only columns not loaded (promoted impressions "
                                f"and engagements are kept)")
        parsed.notes.append("clicks = url clicks; other clicks are extra columns")
        raw = recs.frame
        probs = CellProblems(source, recs.lines, "posts")
        out: dict = {}  # the columns in order, made a frame at once (an insert per column costs as much as a cast)
        out["platform"] = pd.Series(_PLATFORM, index=raw.index, dtype="string")  # (in its canonical dtype: no cast)
        counts = _plain_counts(raw, [found[n] for n in _ACTIVITY_INTS if n in found], found.get("_engagement_rate"),
                               recs.delimiter)
        if counts is None:  # (anything but X's own writing: the style decided and the cells read in general)
            style, numbers = number_columns(recs, {found[n]: "int" for n in _ACTIVITY_INTS if n in found}
                                             | ({found["_engagement_rate"]: "float"} if "_engagement_rate" in found
                                                else {}), parsed.notes)
        else:
            style = EN
        tcol = found["published_at"]
        dates = _date_style(raw[tcol], ("%Y-%m-%d %H:%M %z", None), column=tcol,
                            allow_german=recs.delimiter == ";" or style is DE)
        when, _, bad = parse_datetime(raw[tcol], tz="UTC", formats=dates.formats)
        probs.add(bad | when.isna(), tcol, raw[tcol], "a time like '2021-12-21 18:00 +0000'")
        if dates.note:
            parsed.notes.append(dates.note + " (times are UTC)")
        out["published_at"] = when
        out["date_only"] = False
        out["text"] = _unescape(raw[found["text"]]) if "text" in found else pd.Series("", index=raw.index)
        link = raw[found["permalink"]].str.strip() if "permalink" in found else \
            pd.Series(pd.NA, index=raw.index, dtype="string")
        out["permalink"] = link.where(link != "", pd.NA)
        ids = _post_ids(raw[found["post_id"]], found["post_id"], out, probs, parsed)
        out["post_id"] = ids
        acc = _account_from_link(out["permalink"], _STATUS_LINK)
        m = re.match(r"tweet_activity_metrics_(.+?)_\d{8}_\d{8}", source.basename)
        out["account"] = acc.fillna(m.group(1)) if m else acc
        if counts is None:
            int_columns(out, numbers, found, _ACTIVITY_INTS, probs, style=style)
        else:
            out.update((n, counts[found[n]]) for n in _ACTIVITY_INTS if n in found)
        out = probs.finish(pd.DataFrame(out, index=raw.index), ctx, parsed,
                           hint="Fix the cell or export the file again")
        parsed.tables["posts"] = out
        parsed.exported_at = _range_end(source.basename)
        return parsed


def _intact_ids(ids: pd.Series) -> bool:
    """``_locale._intact_digits(ids)`` (ASCII digits only, no id cut to 15 digits and zeros) from the
    bytes, without a regex: every byte a digit and no cell empty is Arrow's ``ascii_is_decimal`` of
    every cell; the tails after 15 digits of the long ids are all zeros when their bytes are.
    tests/io/test_x_speed.py compares both."""
    if not len(ids) or not _bytes_between(ids, 48, 57):  # digits only, no cell missing
        return False
    import pyarrow.compute as pc

    arr = ids.array._pa_array
    size = pc.binary_length(arr)  # (ASCII: bytes = characters)
    if pc.min(size).as_py() == 0:
        return False
    long = pc.greater_equal(size, 16)
    if not pc.any(long).as_py():
        return True
    tails = _cell_bytes(pc.utf8_slice_codeunits(arr.filter(long), 15).combine_chunks())
    return not (tails.min() == tails.max() == 48 and len(tails) >= 3)


def _post_ids(raw_ids: pd.Series, column: str, out: dict | pd.DataFrame, probs: CellProblems, parsed: Parsed
              ) -> pd.Series:
    """Post ids as text; ids a spreadsheet turned into scientific notation are recovered from the
    permalink (``/status/<id>``) or replaced by a derived key (noted); other non-digit ids are bad cells."""
    ids = raw_ids.fillna("").str.strip()
    if _intact_ids(ids):  # what repair_ids returns for them (unchanged, no note), and no bad cell below
        return ids
    ids, unresolved, note = repair_ids(ids, platform=_PLATFORM, column=column, permalink=out.get("permalink"),
                                       published_at=out.get("published_at"), text=out.get("text"))
    if note:
        parsed.notes.append(note)
    probs.add(unresolved, column, raw_ids, "a post id (destroyed by a spreadsheet, and no permalink or time "
                                           "to derive a key from)")
    probs.add(~unresolved & ~ids.fillna("").str.fullmatch(r"\d+") & ~ids.fillna("").str.match(DERIVED_KEY),
              column, raw_ids, "a post id (digits)")
    return ids


# --- new content CSV ------------------------------------------------------------------------------

_CONTENT_ALIASES = {
    "post id": "post_id", "date": "date", "post text": "text", "post link": "permalink",
    "impressions": "impressions", "views": "impressions", "likes": "likes", "engagements": "engagements",
    "bookmarks": "saves", "bookmark": "saves", "shares": "share_actions", "share": "share_actions",
    "new follows": "follows", "follows": "follows", "replies": "comments", "reposts": "shares",
    "retweets": "shares", "profile visits": "profile_visits", "detail expands": "detail_expands",
    "url clicks": "clicks", "hashtag clicks": "hashtag_clicks", "permalink clicks": "permalink_clicks",
}
#: Column order of X's own CSV writer (bundle.AccountAnalytics): used when the header is localized.
_CONTENT_ORDER = ["post_id", "date", "text", "permalink", "impressions", "likes", "engagements", "saves",
                  "share_actions", "follows", "comments", "shares", "profile_visits", "detail_expands",
                  "clicks", "hashtag_clicks", "permalink_clicks"]
_CONTENT_INTS = ["impressions", "likes", "engagements", "saves", "share_actions", "follows", "comments",
                 "shares", "profile_visits", "detail_expands", "clicks", "hashtag_clicks", "permalink_clicks"]


@register
class XContentCSV(Loader):
    """X analytics content export (``account_analytics_content_*.csv``) -> posts."""

    format = "x_content_csv"
    priority = 20

    def sniff(self, source: Source, ctx: Context) -> bool:
        fields = _head_fields(source)
        if "post id" in fields and "date" in fields and ("post link" in fields or "post text" in fields):
            return True
        # Localized header: X's fixed column order, recognised by the file name as tie-breaker.
        return _basename(source).startswith("account_analytics_content") and len(fields) == 17

    def read(self, source: Source, ctx: Context) -> Parsed:
        recs = read_source_records(source)
        parsed = Parsed(self.format)
        found, unknown = _map_header(recs, _CONTENT_ALIASES, parsed.notes)
        if "post_id" not in found and len(recs.header) == 17:
            found = dict(zip(_CONTENT_ORDER, recs.frame.columns))
            unknown = []
            parsed.notes.append(f"header not recognised (localized?): columns mapped by X's fixed order "
                                f"{_CONTENT_ORDER}")
        _require(source, recs, found, {"post_id": "Post id", "date": "Date"}, "an X content analytics CSV")
        parsed.rejected += [{"table": "posts", **b} for b in recs.bad]
        parsed.rows_read["posts"] = len(recs.frame) + len(recs.bad)
        _unknown_note(parsed, unknown)
        raw = recs.frame
        probs = CellProblems(source, recs.lines, "posts")
        out = pd.DataFrame(index=raw.index)
        out["platform"] = _PLATFORM
        style, numbers = number_columns(recs, {found[n]: "int" for n in _CONTENT_INTS if n in found}, parsed.notes)
        dcol = found["date"]
        day = _parse_x_day(raw[dcol], german=recs.delimiter == ";" or style is DE)
        probs.add(day.isna(), dcol, raw[dcol], "a date like 'Tue, Jul 14, 2026'")
        out["text"] = _unescape(raw[found["text"]]) if "text" in found else ""
        link = raw[found["permalink"]].str.strip() if "permalink" in found else \
            pd.Series(pd.NA, index=raw.index, dtype="string")
        out["permalink"] = link.where(link != "", pd.NA)
        out["published_at"] = day.dt.tz_localize("UTC")  # only for keys of destroyed ids; replaced below
        ids = _post_ids(raw[found["post_id"]], found["post_id"], out, probs, parsed)
        out["post_id"] = ids
        sf = snowflake_time(ids)
        gap = (sf.dt.tz_localize(None).dt.normalize() - day.astype("datetime64[ns]")).abs()
        ok = sf.notna() & day.notna() & (gap <= pd.Timedelta(days=1))
        when = sf.where(ok)
        fallback = ~ok & day.notna()
        if fallback.any():
            zone = ctx.zone_for(source, parsed.notes)
            local = pd.to_datetime(day[fallback]).dt.tz_localize(zone, nonexistent="shift_forward",
                                                                  ambiguous=True).dt.tz_convert("UTC")
            when = when.copy()
            when.loc[fallback] = local
            parsed.notes.append(f"{int(fallback.sum())} post(s): id is not a snowflake matching the Date "
                                f"(more than a day apart); kept the date only (date_only=True)")
        parsed.notes.append("time of day recovered from the post id (snowflake), UTC")
        out["published_at"] = when
        out["date_only"] = fallback.astype(bool)
        out["account"] = _account_from_link(out["permalink"], _STATUS_LINK)
        int_columns(out, numbers, found, _CONTENT_INTS, probs, style=style)
        out = probs.finish(out, ctx, parsed)
        parsed.tables["posts"] = out
        parsed.exported_at = _range_end(source.basename)
        return parsed


# --- account overview (daily) ---------------------------------------------------------------------


@register
class XOverviewCSV(Loader):
    """X ``account_overview_analytics.csv`` -> daily (one row per day and metric)."""

    format = "x_overview_csv"
    priority = 20

    def sniff(self, source: Source, ctx: Context) -> bool:
        fields = _head_fields(source)
        return bool(fields) and fields[0] == "date" and "impressions" in fields and \
            ("create post" in fields or "new follows" in fields or "profile visits" in fields)

    def read(self, source: Source, ctx: Context) -> Parsed:
        recs = read_source_records(source)
        return daily_from_wide(recs, source, ctx, Parsed(self.format), platform=_PLATFORM, account=pd.NA,
                               dates=_parse_x_day(recs.frame[recs.frame.columns[0]],
                                                  german=recs.delimiter == ";"),
                               date_hint="a date like 'Fri, Apr 26, 2024'", kind=lambda name: "int")


def _parse_x_day(s: pd.Series, *, german: bool = False) -> pd.Series:
    """X's ``Tue, Jul 14, 2026`` (also without weekday, or ISO); re-saved ``14.07.2026`` too when
    ``german`` (the file is ';'-separated or has German numbers) and most of the column is so."""
    t = s.fillna("").str.strip()
    out = to_datetime(t, format="%a, %b %d, %Y")
    # (the column's style is only needed when cells are left)
    extra = _date_style(t, (), column="Date", allow_german=german).formats if out.isna().any() else ()
    for fmt in ("%b %d, %Y", "ISO8601") + extra:
        todo = out.isna()
        if not todo.any():
            break
        out = out.fillna(to_datetime(t.where(todo, ""), format=fmt))
    return out.astype("datetime64[ns]").dt.normalize()


# --- account archive ------------------------------------------------------------------------------

_YTD_RE = re.compile(r"^\s*window\.YTD\.([A-Za-z_]+)\.part\d+\s*=")


def _ytd_name(source: Source) -> str | None:
    m = _YTD_RE.match(source.head(200))
    return m.group(1) if m else None


def _archive_key(source: Source) -> str:
    return source.name.split("!")[0] if "!" in source.name else ""


@register
class XAccountJS(Loader):
    """``data/account.js`` of an X archive: remembers the username for the archive's tweets.

    It holds no posts; it is recognised so it is not reported as an unknown file.
    """

    format = "x_archive_account"
    priority = 20

    def sniff(self, source: Source, ctx: Context) -> bool:
        return _ytd_name(source) == "account"

    def read(self, source: Source, ctx: Context) -> Parsed:
        data = _loads(source, _json_payload(source))
        parsed = Parsed(self.format)
        try:
            acc = data[0]["account"]
            name = acc.get("username") or acc.get("accountDisplayName")
        except (KeyError, IndexError, TypeError, AttributeError):
            name = None
        if name:
            _accounts(ctx)[_archive_key(source)] = str(name)
            parsed.notes.append(f"account: {name}")
        return parsed


def _accounts(ctx: Context) -> dict:
    # Per-load memory (account.js -> tweets.js of the same archive); lives on the load's Context.
    store = ctx.__dict__.get("_x_accounts")
    if store is None:
        store = {}
        ctx.__dict__["_x_accounts"] = store
    return store


@register
class XArchiveJS(Loader):
    """``tweets.js`` / ``tweet.js`` / ``tweets-partN.js`` of an X account archive -> posts."""

    format = "x_archive_js"
    priority = 20

    def sniff(self, source: Source, ctx: Context) -> bool:
        return _ytd_name(source) in ("tweets", "tweet")

    def read(self, source: Source, ctx: Context) -> Parsed:
        with paused_gc():  # a million tweet dicts, none in reference cycles
            data = _load_payload(source)
        if not isinstance(data, list):
            raise ExportFormatError(f"{source.name}: expected a list of tweets after 'window.YTD...=', found "
                                    f"{type(data).__name__}. Download the archive again.", file=source.name)
        parsed = Parsed(self.format)
        parsed.rows_read["posts"] = len(data)
        account = _accounts(ctx).get(_archive_key(source))
        m = re.match(r"twitter-(\d{4}-\d{2}-\d{2})-", source.name.split("!")[0].split("/")[-1])
        if m:
            parsed.exported_at = pd.Timestamp(m.group(1), tz="UTC")
        retweets = 0
        # every created_at parsed in one call; the loop looks its tweet's up
        tweets = [item.get("tweet", item) if isinstance(item, dict) else None for item in data]
        times = utc_times([str(tw.get("created_at", "")) if isinstance(tw, dict) else "" for tw in tweets],
                          format="%a %b %d %H:%M:%S %z %Y")
        # One pass collects each field into a list (no pandas call per tweet); columns are typed below.
        keep: list[int] = []
        cols: dict[str, list] = {c: [] for c in ("post_id", "text", "likes", "shares", "media_type", "is_reply",
                                                 "in_reply_to_screen_name", "lang")}
        ids, texts, likes, shares, media_types, replies, reply_names, langs = cols.values()
        unescape = html.unescape
        with paused_gc():
            for i, tw in enumerate(tracked(tweets, source.name)):
                if not isinstance(tw, dict):
                    self._bad(source, ctx, parsed, i, None, "is not a tweet object")
                    continue
                tid = str(tw.get("id_str") or tw.get("id") or "").strip()
                if not tid.isdigit():
                    self._bad(source, ctx, parsed, i, "id_str", f"has no tweet id (found {tid!r})")
                    continue
                text = str(tw.get("full_text", tw.get("text", "")) or "")
                if tw.get("retweeted") is True or text.startswith("RT @"):
                    retweets += 1
                    parsed.rejected.append({"table": "posts", "line": i, "column": None, "kind": "skipped",
                                            "reason": f"record {i}: retweet of another account's post (not own "
                                                      f"content; retweets are skipped)"})
                    continue
                if np.isnat(times[i]):
                    self._bad(source, ctx, parsed, i, "created_at",
                              f"cannot read {tw.get('created_at')!r} as a time like 'Sat Oct 11 15:50:20 +0000 2025'")
                    continue
                entities = tw.get("entities")
                media = (tw.get("extended_entities") or entities or {}).get("media") or []
                keep.append(i)
                ids.append(tid)
                texts.append(unescape(text))
                v = tw.get("favorite_count")
                likes.append(int(v) if type(v) is str and v.isdigit() else _num(v))
                v = tw.get("retweet_count")
                shares.append(int(v) if type(v) is str and v.isdigit() else _num(v))
                media_types.append(_media_type(media, bool((entities or {}).get("urls"))) if media else
                                   "link" if (entities or {}).get("urls") else "text")
                replies.append(bool(tw.get("in_reply_to_status_id_str") or tw.get("in_reply_to_status_id")))
                reply_names.append(tw.get("in_reply_to_screen_name"))
                langs.append(tw.get("lang"))
        del data, tweets
        n = len(keep)
        out = pd.DataFrame({
            "platform": _PLATFORM,
            "account": pd.array([account if account else pd.NA] * n, dtype="string"),
            "post_id": ids,
            "published_at": pd.Series(times[np.asarray(keep, dtype=np.int64)]).dt.tz_localize("UTC"),
            "text": texts,
            "likes": pd.array(likes, dtype="Int64"),
            "shares": pd.array(shares, dtype="Int64"),
            "media_type": media_types,
            "is_reply": np.asarray(replies, dtype=bool),
            "in_reply_to_screen_name": pd.Series(reply_names, dtype=object).astype("string"),
            "lang": pd.Series(langs, dtype=object).astype("string"),
        }, index=pd.RangeIndex(n))
        out["date_only"] = False
        user = account or "i/web"
        out["permalink"] = "https://x.com/" + user + "/status/" + out["post_id"].astype(str)
        if not account:
            parsed.notes.append("account unknown (no account.js read before this file): account left empty")
        parsed.notes.append("the archive has no impressions: only likes and shares (retweets) are filled")
        if retweets:
            parsed.notes.append(f"{retweets} retweet(s) of other accounts' posts skipped (counted as rejected, "
                                f"kind 'skipped'): their likes and retweets belong to the original post")
        parsed.tables["posts"] = out
        return parsed

    @staticmethod
    def _bad(source: Source, ctx: Context, parsed: Parsed, i: int, column, what: str) -> None:
        if ctx.errors == "raise":
            field = f", field '{column}'" if column else ""
            raise ExportFormatError(f"{source.name}, record {i} (0-based index in the list){field}: {what}. Download "
                                    f"the archive again; or pass errors='reject' to load().",
                                    file=source.name, column=column)
        parsed.rejected.append({"table": "posts", "line": i, "column": column,
                                "reason": f"record {i}: {what}"})


def _num(v):
    if v is None:
        return pd.NA
    s = str(v).strip()
    return int(s) if s.isdigit() else pd.NA


def _media_type(media: list, has_link: bool = False) -> str:
    """The archive's first media entity type; without media: "link" when the tweet links out, else "text"."""
    if not media:
        return "link" if has_link else "text"
    kind = str(media[0].get("type", "photo")) if isinstance(media[0], dict) else "photo"
    return {"animated_gif": "gif"}.get(kind, kind)

