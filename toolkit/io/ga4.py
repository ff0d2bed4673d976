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
from ._base import Context, Loader, Parsed, Source, register
from ._filebar import tracked
from ._report_download import ReportDownload, preamble_kind, preamble_meta, read_report_sections, sections  # noqa: F401
from ._traffic import finish_traffic, map_columns, norm_header, traffic_rows

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
        def refuse(where: str, found, expected: str):
            raise ExportFormatError(f"{source.name}: report {r}, {where}: expected {expected}, found "
                                    f"{str(found)[:60]!r}. Save the API response again (the unchanged JSON of "
                                    f"runReport).", file=source.name)

        for key in ("dimensionHeaders", "metricHeaders"):
            heads = rep.get(key) or []
            if not isinstance(heads, list):
                refuse(key, heads, "a list of headers")
            for i, h in enumerate(heads):
                if not isinstance(h, dict) or not isinstance(h.get("name", ""), str):
                    refuse(f"{key}[{i}]", h, 'a header like {"name": "sessionSource"}')
        dims = [h.get("name", "") for h in rep.get("dimensionHeaders") or []]
        mets = [h.get("name", "") for h in rep.get("metricHeaders") or []]
        meta_json = rep.get("metadata") or {}
        if not isinstance(meta_json, dict):
            refuse("metadata", meta_json, 'an object like {"timeZone": "Europe/Berlin"}')
        meta = {"tz": meta_json.get("timeZone"), "currency": meta_json.get("currencyCode")}
        if meta["tz"] is None:
            meta["tz"] = ctx.zone_for(source, parsed.notes)
        if "rows" not in rep:
            parsed.notes.append(f"report {r}: no 'rows' (the API leaves them out when there is no data): 0 rows")
            return pd.DataFrame()
        header = dims + mets
        cells = []
        rows = rep["rows"]
        if not isinstance(rows, list):
            refuse("rows", rows, "a list of rows")
        nd, nm = len(dims), len(mets)
        for i, row in enumerate(tracked(rows, source.name), start=1):
            if type(row) is dict:  # fast path: a well-formed row, read without per-cell checks
                dv, mv = row.get("dimensionValues") or [], row.get("metricValues") or []
                if type(dv) is list and type(mv) is list and len(dv) == nd and len(mv) == nm and \
                        all(type(c) is dict for c in dv) and all(type(c) is dict for c in mv):
                    vals = [c.get("value") for c in dv] + [c.get("value") for c in mv]
                    cells.append(vals if all(type(v) is str for v in vals) else
                                 [None if v is None else str(v) for v in vals])
                    continue
            values = [(row.get(k) or []) if isinstance(row, dict) else None for k in ("dimensionValues", "metricValues")]
            if not all(isinstance(v, list) and all(isinstance(c, dict) for c in v) for v in values):
                refuse(f"row {i}", row, 'a row like {"dimensionValues": [{"value": ...}], "metricValues": [...]}')
            dv, mv = ([None if c.get("value") is None else str(c.get("value")) for c in v] for v in values)
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
