"""Google Analytics 4: report and exploration CSV downloads, and Data API ``runReport`` JSON.

Formats (format facts: the project's notes on web-analytics exports, GA4 section):

``ga4_csv``
    Reports > ... > Share > Download file > CSV (``Traffic_acquisition_Session_source_medium.csv``)
    and Explore > Export data > CSV/TSV. The file starts with ``#`` lines: a title between dash
    lines, ``# Account:``/``# Property:`` (localized: ``Konto``, ``Compte``, ``Propriété``), the
    segment (``# All Users``, ``# Alle Nutzer``) and the period as ``# Start date: 20260501`` /
    ``# End date: ...`` (``Startdatum``, ``Date de début``, any label: the first 8-digit date is the
    start, the second the end) or, in explorations, ``# 20230101-20230131``. Several CSV sections
    follow, separated by blank lines (the report table, then often ``Date,Sessions`` or
    ``Nth day,...``); each becomes traffic rows with its own ``breakdown``. A totals row (``Grand
    total``/``Gesamtsumme`` or empty dimension cells, under the header or in the last dimension
    column of explorations) is counted as skipped. Headers in English or German, old and new names
    (``Conversions`` before 2024, ``Key events`` after; ``Session default channel group`` and
    ``Session primary channel group (Default Channel Group)``); the first dimension whatever it is
    called if it is a traffic dimension. ``Date`` is ``YYYYMMDD``, ``Nth day`` counts from the start
    date, ``Year month`` is ``YYYYMM``. Rates are not loaded (they are recomputed from counts).
    Numbers re-saved with a decimal comma are read as such.
``ga4_api_json``
    The Data API ``runReport`` response (``dimensionHeaders``, ``metricHeaders``, ``rows`` with
    string values, ``metadata.timeZone``/``currencyCode``), or ``{"reports": [...]}`` of
    ``batchRunReports``. ``rows`` is absent when there is no data: zero rows, noted.

Values ``(not set)``, ``(other)`` and ``Unassigned`` are kept as they are: they are the
unattributed share, not errors. The reporting zone is the property's: the API says it; for CSVs
it is ``tz=`` of :func:`toolkit.load` (noted, with a warning when missing).
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd

from ..errors import ExportFormatError
from ._base import Context, Loader, Parsed, Source, read_csv_records, register
from ._traffic import TOTAL_WORDS, finish_traffic, map_columns, norm_header, traffic_rows

__all__ = ["GA4CSV", "GA4APIJSON", "GA4_COLUMNS", "GA4_API_NAMES", "ReportDownload"]

_TOOL = "ga4"

#: GA4 download headers (English and German, old and new names) -> canonical traffic names.
#: ``:n`` ranks alternatives for one name (lower wins: total users before active users).
GA4_COLUMNS = {norm_header(k): v for k, v in {
    "Date": "date", "Datum": "date", "Nth day": "nth_day", "N-ter Tag": "nth_day", "Year month": "year_month",
    "Jahr und Monat": "year_month",
    "Session primary channel group (Default Channel Group)": "channel",
    "Session primary channel group (Default channel group)": "channel",
    "Session default channel group": "channel", "Session default channel grouping": "channel",
    "Sitzung – primäre Channelgruppe (Standard-Channelgruppe)": "channel",
    "Sitzung – Standardchannelgruppe": "channel", "Sitzung – Standard-Channelgruppe": "channel",
    "Session source / medium": "source_medium", "Sitzung – Quelle/Medium": "source_medium",
    "Session source": "source", "Sitzung – Quelle": "source",
    "Session medium": "medium", "Sitzung – Medium": "medium",
    "Session campaign": "campaign", "Sitzung – Kampagne": "campaign", "Session campaign name": "campaign",
    "Session manual ad content": "content", "Sitzung – manueller Anzeigeninhalt": "content",
    "Landing page": "landing_page", "Landing page + query string": "landing_page",
    "Landingpage": "landing_page", "Landingpage + Abfragestring": "landing_page",
    "Sessions": "sessions", "Sitzungen": "sessions",
    "Engaged sessions": "engaged_sessions", "Sitzungen mit Interaktionen": "engaged_sessions",
    "Total users": "users:0", "Nutzer insgesamt": "users:0", "Users": "users:1", "Nutzer": "users:1",
    "Active users": "users:2", "Aktive Nutzer": "users:2",
    "New users": "new_users", "Neue Nutzer": "new_users",
    "Key events": "conversions:0", "Schlüsselereignisse": "conversions:0",
    "Conversions": "conversions:1", "Konversionen": "conversions:1",
    "Total revenue": "revenue:0", "Gesamtumsatz": "revenue:0", "Purchase revenue": "revenue:1",
    "Umsatz durch Käufe": "revenue:1",
}.items()}
#: Headers that are metrics GA4 computes from others (rates, averages): recognised, not loaded.
_DERIVED = {norm_header(h) for h in (
    "Engagement rate", "Engagement-Rate", "Average engagement time per session",
    "Average engagement time", "Durchschnittliche Interaktionsdauer pro Sitzung",
    "Ø Interaktionsdauer pro Sitzung", "Events per session", "Ereignisse pro Sitzung", "Event count",
    "Ereignisanzahl", "Session key event rate", "Sitzung-Schlüsselereignisrate", "Session conversion rate",
    "Sitzung – Konversionsrate", "Bounce rate", "Absprungrate", "Views", "Aufrufe", "Views per session")}
#: Dimensions of user-scoped reports (User acquisition): first-user attribution, not sessions' source.
_FIRST_USER = re.compile(r"^(first user|erste[rs]? nutzer)")

#: Data API names -> canonical traffic names (``:n`` ranks alternatives as in :data:`GA4_COLUMNS`).
GA4_API_NAMES = {
    "date": "date", "sessionDefaultChannelGroup": "channel:1", "sessionPrimaryChannelGroup": "channel:0",
    "sessionDefaultChannelGrouping": "channel:2",
    "sessionSourceMedium": "source_medium", "sessionSource": "source", "sessionMedium": "medium",
    "sessionCampaignName": "campaign", "sessionManualAdContent": "content",
    "landingPage": "landing_page:1", "landingPagePlusQueryString": "landing_page:0",
    "sessions": "sessions", "engagedSessions": "engaged_sessions", "totalUsers": "users:0",
    "activeUsers": "users:1", "newUsers": "new_users", "keyEvents": "conversions:0", "conversions": "conversions:1",
    "totalRevenue": "revenue:0", "purchaseRevenue": "revenue:1",
}

_DASH = re.compile(r"^#\s*-{5,}\s*$")
_RANGE = re.compile(r"^#\s*(\d{8})\s*-\s*(\d{8})\s*$")
_KEYDATE = re.compile(r"^#\s*[^:]+?\s*:\s*(\d{8})\s*$")
_NUMBER = re.compile(r"-?[\d.,\u00a0\u202f ]*\d[%]?")


def _is_data_row(line: str) -> bool:
    """A line with an empty first field or any number among its fields is a data row, not a header."""
    fields = [f.strip().strip('"') for f in re.split(r"[,\t;]", line)]
    return len(fields) > 1 and (fields[0] == "" or any(_NUMBER.fullmatch(f) for f in fields))


_KEYVAL = re.compile(r"^#\s*(Account|Konto|Compte|Property|Propriété|Eigenschaft|Property-ID)\s*:\s*(.*?)\s*$",
                     re.IGNORECASE)


def preamble_kind(head: str) -> str | None:
    """``"ga4"``, ``"ua"`` or None from the ``#`` lines at the top of a file.

    Universal Analytics puts its date range inside the first dash block (view, report, range);
    GA4 puts it after the block (``# Start date: ...`` or an exploration's ``# YYYYMMDD-YYYYMMDD``).
    """
    lines = head.lstrip("\ufeff").splitlines()
    if not lines or not _DASH.match(lines[0].strip()):
        return None
    dashes = 0
    for line in lines:
        s = line.strip()
        if not s.startswith("#"):
            break
        if _DASH.match(s):
            dashes += 1
        elif _RANGE.match(s):
            return "ua" if dashes == 1 else "ga4"
        elif _KEYDATE.match(s):
            return "ga4"
    return None


def sections(text: str) -> tuple[list[str], list[tuple[list[str], int, int]]]:
    """Split a report download into ``(preamble lines, [(comment lines, first line, end line)])``.

    A section is a run of non-blank, non-``#`` lines; line numbers are 0-based indices into
    ``text.splitlines()``, end exclusive. Comment lines before a section belong to it.
    """
    lines = text.splitlines()
    out, comments, preamble = [], [], []
    i, n = 0, len(lines)
    while i < n:
        s = lines[i].lstrip("\ufeff").strip()
        if s.startswith("#"):
            comments.append(s)
            i += 1
            continue
        if not s:
            i += 1
            continue
        j = i
        while j < n and lines[j].strip() and not lines[j].lstrip().startswith("#"):
            j += 1
        if not out:
            preamble = comments
        if out and not comments and _is_data_row(lines[i]):
            out[-1] = (out[-1][0], out[-1][1], j)  # rows after a stray blank line continue the table above
        else:
            out.append((comments, i, j))
        comments = []
        i = j
    return preamble, out


def preamble_meta(comments: list[str]) -> dict:
    """Title, property, segment and period from GA4's ``#`` lines."""
    meta: dict = {}
    dates: list[str] = []
    texts = []
    for c in comments:
        if _DASH.match(c):
            continue
        m = _RANGE.match(c)
        if m:
            dates += [m.group(1), m.group(2)]
            continue
        m = _KEYDATE.match(c)
        if m:
            dates.append(m.group(1))
            continue
        m = _KEYVAL.match(c)
        if m:
            key = "account" if m.group(1).lower() in ("account", "konto", "compte") else "property"
            meta[key] = m.group(2) or None
            continue
        t = c.lstrip("#").strip()
        if t:
            texts.append(t)
    if texts:
        meta["title"] = texts[0]
    if len(texts) > 1:
        meta["segment"] = texts[-1]
    if dates:
        meta["start"] = pd.Timestamp(dates[0])
        meta["end"] = pd.Timestamp(dates[1] if len(dates) > 1 else dates[0])
    return meta


def read_report_sections(source: Source, ctx: Context, parsed: Parsed, *, tool: str, columns: dict,
                         meta: dict, day_formats: tuple[str, ...], derived: set[str],
                         first_user: re.Pattern | None = None, goal_pattern: re.Pattern | None = None
                         ) -> pd.DataFrame:
    """Every CSV section of a GA4/UA download as traffic rows (the shared reading of both tools)."""
    text = source.text
    _, secs = sections(text)
    if not secs:
        raise ExportFormatError(f"{source.name}: the file has a '#' header block but no table. Was the download "
                                f"cut off? Download the report again.", file=source.name)
    all_lines = text.splitlines()
    frames = []
    for k, (comments, start, end) in enumerate(secs):
        own = dict(meta)
        if k and comments:  # a later section may restate the period or the segment
            own.update({key: v for key, v in preamble_meta(comments).items() if key in ("start", "end", "segment")})
        body = "\n".join(all_lines[:end])
        recs = read_csv_records(body, source=source, skip_lines=start)
        parsed.rejected += [{"table": "traffic", **b} for b in recs.bad]
        parsed.rows_read["traffic"] = parsed.rows_read.get("traffic", 0) + len(recs.bad)
        found, unknown = map_columns(recs.header, columns)
        unknown = [h for h in unknown if norm_header(h) not in derived
                   and not (goal_pattern is not None and goal_pattern.search(norm_header(h)))]
        dims = [h for h in unknown if _is_text(recs.frame[_field(recs, h)])]
        metrics = {"sessions", "engaged_sessions", "users", "new_users", "conversions", "revenue"} & set(found)
        reason = None
        if first_user is not None and any(first_user.match(norm_header(h)) for h in dims):
            reason = (f"user-acquisition report (first-user dimension {dims[0]!r}): sessions are attributed to "
                      f"the user's first source; export Traffic acquisition for sessions by source")
        elif dims:
            reason = (f"report by {dims}, not a traffic-source dimension (channel, source/medium, campaign, "
                      f"ad content, landing page or date)")
        elif not metrics:
            reason = f"no traffic metric (sessions, users, key events) among the columns {recs.header}"
        if reason:
            parsed.rows_read["traffic"] = parsed.rows_read.get("traffic", 0) + len(recs.frame)
            parsed.rejected += [{"table": "traffic", "line": int(ln), "column": recs.header[0], "kind": "skipped",
                                 "reason": reason} for ln in recs.lines]
            parsed.notes.append(f"section at line {recs.header_line} skipped: {reason}")
            continue
        if unknown:
            parsed.notes.append(f"columns not loaded: {unknown}")
        frames.append(traffic_rows(recs.frame, recs.lines, found, source=source, ctx=ctx, parsed=parsed,
                                   tool=tool, meta=own, day_formats=day_formats, goal_pattern=goal_pattern))
    return finish_traffic(frames)


def _field(recs, header_field: str) -> str:
    return recs.frame.columns[recs.header.index(header_field)]


def _is_text(values: pd.Series) -> bool:
    """True when a column holds words (a dimension), not numbers (an unknown metric)."""
    t = values.dropna().astype(str).str.strip()
    t = t[(t != "") & ~t.map(norm_header).isin(TOTAL_WORDS)]
    return bool(len(t)) and not t.str.fullmatch(r"[-+]?[\d.,\s\u00a0\u202f%€$£:]+").all()


class ReportDownload(Loader):
    """A report download with a ``#`` header block (GA4 and Universal Analytics share the reading)."""

    priority = 15
    tool = ""
    label = ""
    columns: dict[str, str] = {}
    derived: set[str] = set()
    day_formats: tuple[str, ...] = ("%Y%m%d",)
    first_user: re.Pattern | None = None
    goal_pattern: re.Pattern | None = None

    def sniff(self, source: Source, ctx: Context) -> bool:
        return source.suffix in (".csv", ".tsv", ".txt") and preamble_kind(source.head(4096)) == self.tool

    def meta(self, preamble: list[str]) -> dict:
        return preamble_meta(preamble)

    def read(self, source: Source, ctx: Context) -> Parsed:
        parsed = Parsed(self.format)
        preamble, _ = sections(source.text)
        meta = self.meta(preamble)
        meta["tz"] = ctx.zone_for(source, parsed.notes)
        if "title" in meta:
            parsed.notes.append(f"{self.label} report '{meta['title']}'")
        parsed.tables["traffic"] = read_report_sections(
            source, ctx, parsed, tool=self.tool, columns=self.columns, meta=meta, day_formats=self.day_formats,
            derived=self.derived, first_user=self.first_user, goal_pattern=self.goal_pattern)
        parsed.rows_read.setdefault("traffic", 0)
        return parsed


@register
class GA4CSV(ReportDownload):
    """GA4 report or exploration download (CSV/TSV with a ``#`` header block) -> traffic."""

    format = "ga4_csv"
    tool = _TOOL
    label = "GA4"
    columns = GA4_COLUMNS
    derived = _DERIVED
    first_user = _FIRST_USER


# --- Data API JSON -----------------------------------------------------------------------------

def _is_run_report(head: str) -> bool:
    h = head.lstrip("\ufeff \r\n\t")
    if not h.startswith("{"):
        return False
    return ('"dimensionHeaders"' in h or '"metricHeaders"' in h) and \
        ('"analyticsData#runReport"' in h or '"metricHeaders"' in h)


@register
class GA4APIJSON(Loader):
    """GA4 Data API ``runReport`` / ``batchRunReports`` response saved as JSON -> traffic."""

    format = "ga4_api_json"
    priority = 15

    def sniff(self, source: Source, ctx: Context) -> bool:
        return source.suffix == ".json" and _is_run_report(source.head(4096))

    def read(self, source: Source, ctx: Context) -> Parsed:
        try:
            data = json.loads(source.text)
        except json.JSONDecodeError as exc:
            raise ExportFormatError(f"{source.name}, line {exc.lineno}: not valid JSON ({exc.msg}). Was the file "
                                    f"cut off? Save the API response again.", file=source.name,
                                    line=exc.lineno) from None
        reports = data.get("reports") if isinstance(data, dict) and "reports" in data else [data]
        parsed = Parsed(self.format)
        parsed.rows_read["traffic"] = 0
        frames = []
        for r, rep in enumerate(reports):
            if not isinstance(rep, dict):
                raise ExportFormatError(f"{source.name}: report {r} is not an object. Save the API response again.",
                                        file=source.name)
            frames.append(self._report(rep, r, source, ctx, parsed))
        parsed.tables["traffic"] = finish_traffic(frames)
        return parsed

    @staticmethod
    def _report(rep: dict, r: int, source: Source, ctx: Context, parsed: Parsed) -> pd.DataFrame:
        dims = [h.get("name", "") for h in rep.get("dimensionHeaders") or []]
        mets = [h.get("name", "") for h in rep.get("metricHeaders") or []]
        meta_json = rep.get("metadata") or {}
        meta = {"tz": meta_json.get("timeZone"), "currency": meta_json.get("currencyCode")}
        if meta["tz"] is None:
            meta["tz"] = ctx.zone_for(source, parsed.notes)
        if "rows" not in rep:
            parsed.notes.append(f"report {r}: no 'rows' (the API leaves them out when there is no data): 0 rows")
            return pd.DataFrame()
        header = dims + mets
        cells = []
        for i, row in enumerate(rep["rows"], start=1):
            dv = [d.get("value") for d in (row.get("dimensionValues") or [])]
            mv = [m.get("value") for m in (row.get("metricValues") or [])]
            if len(dv) != len(dims) or len(mv) != len(mets):
                raise ExportFormatError(f"{source.name}: report {r}, row {i}: {len(dv)} dimension and {len(mv)} "
                                        f"metric values, the headers name {len(dims)} and {len(mets)}. Save the "
                                        f"API response again.", file=source.name, line=i)
            cells.append(dv + mv)
        raw = pd.DataFrame(cells, columns=header, dtype="string") if cells else \
            pd.DataFrame({h: pd.Series(dtype="string") for h in header})
        found, unknown = map_columns(header, {norm_header(k): v for k, v in GA4_API_NAMES.items()})
        unknown_dims = [d for d in unknown if d in dims]
        if unknown_dims:
            parsed.rows_read["traffic"] += len(raw)
            reason = f"report by {unknown_dims}, not a traffic-source dimension"
            parsed.rejected += [{"table": "traffic", "line": i, "column": unknown_dims[0], "kind": "skipped",
                                 "reason": f"report {r}, row {i}: {reason}"} for i in range(1, len(raw) + 1)]
            return pd.DataFrame()
        if unknown:
            parsed.notes.append(f"metrics not loaded: {unknown}")
        if "dateRange" in dims or any(d.startswith("date_range") for d in dims):
            parsed.notes.append("several date ranges: rows are kept apart by the date column only")
        rows = np.arange(1, len(raw) + 1, dtype=np.int64)  # API rows have no lines: the 1-based row stands in
        return traffic_rows(raw, rows, found, source=source, ctx=ctx, parsed=parsed, tool=_TOOL, meta=meta,
                            decimal=".", day_formats=("%Y%m%d",))
