"""Matomo (formerly Piwik): report exports, API output and the Visits Log.

Formats (format facts: the project's notes on web-analytics exports, Matomo section):

``matomo_csv``
    A report exported from the UI (export icon under a table) or the API as CSV or TSV. UI
    exports are UTF-16LE with a BOM (also TSV files, which end in ``.csv`` too), headers translated
    to the UI language (``Bezeichnung, Eindeutige Besucher, Besuche, ...``), percentages as text
    (``"66,67 %"`` with U+00A0), numbers raw with a decimal point; API calls without
    ``translateColumnNames`` give raw names (``label, nb_visits, ...``; ``convertToUnicode=0``: UTF-8).
    A multi-period export has a ``Datum``/``date`` column first (``2024-03-12``; weeks as
    ``2024-03-11,2024-03-17``). A single-period export does not say its period: it is taken from the
    file name as the browser saved it (``Export _ Kampagnen _ März 2024.csv``), else ``date`` is
    ``<NA>``. The body ``No data available`` is a report with no rows.
``matomo_api_json``
    ``format=JSON`` of the reporting API: a list of row objects, or an object keyed by date for
    several periods (``[]`` for empty days). Numbers may be strings; ``goals`` nested objects are
    left out (the row's ``nb_conversions`` and ``revenue`` are its totals).
``matomo_visits_log``
    ``Live.getLastVisitsDetails`` (Visits Log) as CSV or JSON: one row per visit. Visits are added
    up into traffic rows per local day (``firstActionTimestamp`` in ``tz=``) x referrer type x
    source x medium x campaign x content (x landing page, from the JSON's first action):
    ``sessions`` = visits, ``users`` = distinct ``visitorId``, ``bounces`` = visits with one action,
    ``conversions`` = ``goalConversions``, ``revenue`` = ``totalEcommerceRevenue``. The campaign
    fields of the MarketingCampaignsReporting plugin (``campaignSource``, ``campaignMedium``,
    ``campaignName``, ``campaignContent``) are used where present; otherwise the source is
    ``referrerName`` and, for campaign visits, the campaign too. ``rows_read`` counts the traffic
    rows plus rejected visits; the note says how many visits were added up. A log in several files
    (pages of ``filter_limit``/``filter_offset``, or overlapping exports) is added up over all its
    visits at once, each ``idVisit`` counted once and ``users`` distinct across the files
    (:func:`merge_visits_logs`).

Which dimension the ``label`` of a report is follows from the ``segment`` metadata when exported
(``referrerType==campaign`` -> campaign, ``referrerType==social``/``website`` -> source,
``campaignSource==...;campaignMedium==...`` -> source/medium), else from the report name in the
file name (Kampagnen/Campaigns, Kanaltyp/Channel Type, Webseiten/Websites, Soziale
Netzwerke/Social Networks, Kampagne Herkunftsseite - Medium, Einstiegsseiten/Entry pages, ...),
else from the labels (channel types such as ``Direkte Zugriffe``). A report whose label cannot be
placed is counted as skipped with that reason. Matomo lower-cases campaign names and keywords.
There are no engaged sessions in Matomo: ``engaged_sessions`` is ``<NA>`` (``bounces`` is loaded).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ExportFormatError
from ._base import Context, Loader, Parsed, Source, per_distinct, read_csv_records, read_source_records, register
from ._traffic import finish_traffic, map_columns, norm_header, to_count, traffic_rows

__all__ = ["MatomoCSV", "MatomoAPIJSON", "MatomoVisitsLog", "MATOMO_COLUMNS", "CHANNEL_LABELS"]

_TOOL = "matomo"

#: Raw API names and their English/German translations -> canonical traffic names.
MATOMO_COLUMNS = {norm_header(k): v for k, v in {
    "label": "label", "Label": "label", "Bezeichnung": "label", "date": "date", "Datum": "date",
    "nb_visits": "sessions", "Visits": "sessions", "Besuche": "sessions",
    "nb_uniq_visitors": "users:0", "Unique visitors": "users:0", "Eindeutige Besucher": "users:0",
    "sum_daily_nb_uniq_visitors": "users:1", "Unique visitors (daily sum)": "users:1",
    "Eindeutige Besucher (Tagessumme)": "users:1",
    "bounce_count": "bounces", "Bounces": "bounces", "Absprünge": "bounces",
    "nb_conversions": "conversions", "Conversions": "conversions", "Konversionen": "conversions",
    "revenue": "revenue", "Revenue": "revenue", "Umsatz": "revenue",
}.items()}
#: Metadata columns that say which report a file is.
_SEGMENT = {norm_header(h) for h in ("metadata_segment", "Metadaten: segment", "Metadata: segment", "segment")}
#: Per-goal conversion columns, summed only when the total is missing.
_GOAL = re.compile(r"^goals_idgoal=[^_]+_nb_conversions$|^(konversionen|conversions) \((ziel|goal) ")
#: Channel types (Referrers.getReferrerType) in English and German.
CHANNEL_LABELS = {"direct entry": "direct", "direkte zugriffe": "direct", "search engines": "search",
                  "suchmaschinen": "search", "websites": "website", "webseiten": "website",
                  "campaigns": "campaign", "kampagnen": "campaign", "social networks": "social",
                  "soziale netzwerke": "social", "ai assistants": "ai", "ki-assistenten": "ai"}
#: Report names (as in the exported file name) -> the dimension the label holds.
_REPORT_NAMES = [
    (r"herkunftsseite ?- ?medium|source ?- ?medium", "source_medium"),
    (r"kampagnen herkunftsseiten|campaign sources", "source"),
    (r"kampagne medien|campaign mediums", "medium"),
    (r"kampagneninhalte|campaign contents", "content"),
    (r"kampagnennamen|campaign names|kampagnen|campaigns", "campaign"),
    (r"kanaltyp|channel type|alle kanäle|all channels", "channel"),
    (r"soziale netzwerke|social networks", "source"),
    (r"webseiten|websites", "source"),
    (r"einstiegsseiten|entry pages", "landing_page"),
]
_MONTHS = {m: i + 1 for i, names in enumerate([
    ("januar", "january", "jänner"), ("februar", "february"), ("märz", "march", "maerz"), ("april",),
    ("mai", "may"), ("juni", "june"), ("juli", "july"), ("august",), ("september",),
    ("oktober", "october"), ("november",), ("dezember", "december")]) for m in names}


def _report_dimension(name: str, segments: pd.Series | None, labels: pd.Series | None) -> str | None:
    """What the label column holds: from segment metadata, the file name, or channel-type labels."""
    if segments is not None:
        seg = segments.dropna().astype(str)
        if len(seg):
            s = seg.iloc[0]
            if "campaignSource==" in s and "campaignMedium==" in s:
                return "source_medium"
            for key, dim in (("campaignSource==", "source"), ("campaignMedium==", "medium"),
                             ("campaignContent==", "content"), ("campaignName==", "campaign"),
                             ("referrerType==campaign", "campaign"), ("referrerType==social", "source"),
                             ("referrerType==website", "source"), ("entryPageUrl==", "landing_page")):
                if key in s:
                    return dim
            if re.fullmatch(r"referrerType==[a-z]+", s):
                return "channel"
    low = name.lower()
    for pattern, dim in _REPORT_NAMES:
        if re.search(pattern, low):
            return dim
    if labels is not None:
        lab = labels.dropna().map(norm_header)
        if len(lab) and lab.isin(CHANNEL_LABELS).all():
            return "channel"
    return None


def period_from_name(name: str) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """The period in a Matomo export's file name: ``... _ März 2024.csv`` (month), ``... _ 2024.csv``
    (year), ``12. März 2024`` / ``March 12, 2024`` / ``2024-03-12`` (day), ``2024-03-01,2024-03-31`` (range)."""
    low = name.lower()
    m = re.search(r"(\d{4}-\d{2}-\d{2})\s*(?:,|bis|to|–|-)\s*(\d{4}-\d{2}-\d{2})", low)
    if m:
        return pd.Timestamp(m.group(1)), pd.Timestamp(m.group(2))
    m = re.search(r"(\d{4})-(\d{2})-(\d{2})", low)
    if m:
        d = pd.Timestamp(m.group(0))
        return d, d
    words = "|".join(sorted(_MONTHS, key=len, reverse=True))
    m = re.search(rf"(\d{{1,2}})\.?\s+({words})\s+(\d{{4}})", low) or \
        re.search(rf"({words})\s+(\d{{1,2}}),?\s+(\d{{4}})", low)
    if m:
        g = m.groups()
        day, month = (g[0], g[1]) if g[0].isdigit() else (g[1], g[0])
        d = pd.Timestamp(int(g[2]), _MONTHS[month], int(day))
        return d, d
    m = re.search(rf"({words})\s+(\d{{4}})", low)
    if m:
        d = pd.Timestamp(int(m.group(2)), _MONTHS[m.group(1)], 1)
        return d, d + pd.offsets.MonthEnd(0)
    m = re.search(r"_\s*(\d{4})\s*(?:\(\d+\))?\.\w+$", low)
    if m:
        return pd.Timestamp(int(m.group(1)), 1, 1), pd.Timestamp(int(m.group(1)), 12, 31)
    return None, None


def _report_frame(raw: pd.DataFrame, lines: np.ndarray, header: list[str], source: Source, ctx: Context,
                  parsed: Parsed) -> pd.DataFrame:
    """Rows of a Matomo report (string cells, original header names) -> traffic rows."""
    found, unknown = map_columns(header, MATOMO_COLUMNS)
    seg_field = next((h for h in header if norm_header(h) in _SEGMENT), None)
    seg = raw[_col(raw, header, seg_field)] if seg_field else None
    label_col = _col(raw, header, found["label"]) if "label" in found else None
    dim = None
    if label_col is not None:
        dim = _report_dimension(source.basename, seg, raw[label_col])
        if dim is None:
            parsed.rows_read["traffic"] = parsed.rows_read.get("traffic", 0) + len(raw)
            reason = ("cannot tell which Matomo report this is (campaigns, channel types, websites, social "
                      "networks, ...): keep the report name in the file name as Matomo names the download "
                      "('Export _ Kampagnen _ März 2024.csv') or export with the segment metadata")
            parsed.rejected += [{"table": "traffic", "line": int(ln), "column": found["label"], "kind": "skipped",
                                 "reason": reason} for ln in lines]
            parsed.notes.append(reason)
            return pd.DataFrame()
    mapped = {k: _col(raw, header, v) for k, v in found.items() if k != "label"}
    if dim is not None:
        mapped[dim] = label_col
    if dim == "channel":
        parsed.notes.append("channel = Matomo's channel type as exported (language of the UI)")
    start, end = period_from_name(source.basename)
    meta = {"start": start, "end": end, "tz": ctx.zone_for(source, parsed.notes)}
    if "date" in mapped:
        week = raw[mapped["date"]].astype("string").str.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*,\s*\d{4}-\d{2}-\d{2}\s*")
        if week.fillna(False).any():
            parts = raw[mapped["date"]].astype("string").str.split(",", n=1, expand=True)
            raw = raw.assign(_from=parts[0].str.strip(), _to=parts[1].str.strip().fillna(parts[0].str.strip()))
            mapped["date"], mapped["date_to"] = "_from", "_to"
    conv_missing = "conversions" not in found
    if unknown:
        parsed.notes.append(f"columns not loaded (rates, averages, per-goal and metadata columns): "
                            f"{[u for u in unknown if not (_GOAL.search(norm_header(u)) and conv_missing)]}")
    out = traffic_rows(raw, lines, mapped, source=source, ctx=ctx, parsed=parsed, tool=_TOOL, meta=meta,
                       decimal=".", day_formats=("%Y-%m-%d", "%Y-%m"), lower_campaign=True,
                       goal_pattern=_GOAL)
    return out


def _col(raw: pd.DataFrame, header: list[str], field: str) -> str:
    """Frame column of a header field (``read_csv_records`` renames repeated names)."""
    return raw.columns[header.index(field)]


def _is_report_header(first_line: str) -> bool:
    fields = [norm_header(f) for f in re.split(r"[,\t]", first_line)]
    if "idvisit" in fields:
        return False
    has_visits = any(MATOMO_COLUMNS.get(f, "").startswith("sessions") for f in fields)
    has_matomo = any(f in ("label", "bezeichnung", "nb_uniq_visitors", "eindeutige besucher", "nb_actions",
                           "aktionen", "metadaten: segment", "metadata_segment") for f in fields)
    return has_visits and has_matomo


@register
class MatomoCSV(Loader):
    """Matomo report export (CSV/TSV, UTF-16LE with BOM by default; translated or raw headers) -> traffic."""

    format = "matomo_csv"
    priority = 16

    def sniff(self, source: Source, ctx: Context) -> bool:
        if source.suffix not in (".csv", ".tsv", ".txt"):
            return False
        head = source.head(4096).lstrip("\ufeff")
        first = head.splitlines()[0] if head.strip() else ""
        if first.strip() == "No data available":
            return source.data.startswith(b"\xff\xfe") or "export" in source.basename.lower()
        return _is_report_header(first)

    def read(self, source: Source, ctx: Context) -> Parsed:
        parsed = Parsed(self.format)
        parsed.rows_read["traffic"] = 0
        text = source.text.lstrip("\ufeff")
        if text.strip() == "No data available":
            parsed.notes.append("Matomo: 'No data available' (the report has no rows)")
            parsed.tables["traffic"] = finish_traffic([])
            return parsed
        if source.encoding == "utf-16":
            parsed.notes.append("UTF-16 (Matomo's default export encoding)")
        recs = read_csv_records(text, source=source)
        parsed.rejected += [{"table": "traffic", **b} for b in recs.bad]
        parsed.rows_read["traffic"] += len(recs.bad)
        frame = _report_frame(recs.frame, recs.lines, recs.header, source, ctx, parsed)
        parsed.tables["traffic"] = finish_traffic([frame])
        return parsed


def _json(source: Source):
    try:
        return json.loads(source.text)
    except json.JSONDecodeError as exc:
        raise ExportFormatError(f"{source.name}, line {exc.lineno}: not valid JSON ({exc.msg}). Was the file cut "
                                f"off? Export it again.", file=source.name, line=exc.lineno) from None


def _flat_rows(rows: list, date: str | None) -> list[dict]:
    out = []
    for r in rows:
        if isinstance(r, dict):
            flat = {k: ("" if v is None else str(v)) for k, v in r.items() if not isinstance(v, (dict, list))}
            if date is not None:
                flat["date"] = date
            out.append(flat)
        else:
            out.append({"_bad": repr(r)})
    return out


@register
class MatomoAPIJSON(Loader):
    """Matomo reporting API ``format=JSON`` (report rows, or rows per date) -> traffic."""

    format = "matomo_api_json"
    priority = 16

    def sniff(self, source: Source, ctx: Context) -> bool:
        if source.suffix != ".json":
            return False
        h = source.head(4096).lstrip("\ufeff \r\n\t")
        if '"idVisit"' in h:
            return False
        return bool(re.match(r'[\[{]', h)) and '"nb_visits"' in h and ('"label"' in h or '"nb_uniq_visitors"' in h)

    def read(self, source: Source, ctx: Context) -> Parsed:
        data = _json(source)
        if isinstance(data, list):
            rows = _flat_rows(data, None)
        elif isinstance(data, dict) and all(isinstance(v, list) for v in data.values()):
            rows = [r for d, v in data.items() for r in _flat_rows(v, d)]
        else:
            raise ExportFormatError(f"{source.name}: expected a list of report rows or an object of lists keyed "
                                    f"by date; found {type(data).__name__}. Export the report again with "
                                    f"format=JSON.", file=source.name)
        parsed = Parsed(self.format)
        parsed.rows_read["traffic"] = 0
        bad = [i for i, r in enumerate(rows, start=1) if "_bad" in r]
        if bad:
            raise ExportFormatError(f"{source.name}: row {bad[0]} is not an object ({rows[bad[0] - 1]['_bad'][:60]}). "
                                    f"Export the report again.", file=source.name, line=bad[0])
        header = list(dict.fromkeys(k for r in rows for k in r))
        raw = pd.DataFrame(rows, columns=header).astype("string") if rows else pd.DataFrame()
        if raw.empty:
            parsed.notes.append("no rows")
            parsed.tables["traffic"] = finish_traffic([])
            return parsed
        frame = _report_frame(raw, np.arange(1, len(raw) + 1), header, source, ctx, parsed)
        parsed.tables["traffic"] = finish_traffic([frame])
        return parsed


# --- Visits Log ----------------------------------------------------------------------------------

_VISIT_FIELDS = ("idVisit", "firstActionTimestamp", "referrerType")


def _visits_frame(records: pd.DataFrame, lines: np.ndarray, source: Source, ctx: Context,
                  parsed: Parsed, landing: pd.Series | None) -> pd.DataFrame:
    """A Visits Log's visits (string cells) -> traffic rows, one per local day and referrer.

    The referrer fields repeat: a few hundred distinct combinations in 100,000 visits. Each visit's
    combination of raw cells is found from integer codes, the keys (stripped, blank -> missing, the
    source / campaign rules) are worked out once per combination, and the visits are added up by
    integer group codes (``np.bincount``; pandas' own sums where the result must be its), so no
    string column is grouped or cast per visit."""
    missing = [c for c in _VISIT_FIELDS if c not in records.columns]
    if missing:
        raise ExportFormatError(f"{source.name}: this looks like a Matomo Visits Log but the column(s) {missing} "
                                f"are missing; found {list(records.columns)[:12]}... Export "
                                f"Live.getLastVisitsDetails again without removing columns.", file=source.name)
    tz = ctx.zone_for(source, parsed.notes)
    ts = _numeric(records["firstActionTimestamp"])
    bad = ts.isna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        if ctx.errors == "raise":
            raise ExportFormatError(
                f"{source.name}, line {lines[i]}, column 'firstActionTimestamp': cannot read "
                f"{records['firstActionTimestamp'].iloc[i]!r} as a Unix time ({int(bad.sum())} bad visit(s) in "
                f"all). Export the Visits Log again; or pass errors='reject' to load().",
                file=source.name, line=int(lines[i]), column="firstActionTimestamp")
        for j in np.flatnonzero(bad.to_numpy()):
            parsed.rejected.append({"table": "traffic", "line": int(lines[j]), "column": "firstActionTimestamp",
                                    "reason": f"cannot read {records['firstActionTimestamp'].iloc[j]!r} as a Unix time"})
    v = records.loc[~bad.to_numpy()] if bad.any() else records  # read only below: no copy
    when = pd.to_datetime(ts[~bad].astype("int64"), unit="s", utc=True)
    day = when.dt.tz_convert(tz).dt.tz_localize(None).dt.normalize().to_numpy()
    n = len(v)

    # each visit's combination of raw referrer and site cells (and landing page), as one integer
    raw = [c for c in _VISIT_RAW if c in v.columns]
    parts = [_factorize(v[c]) for c in raw]
    if landing is not None:
        parts.append(pd.factorize(landing.loc[v.index].array))
    combo, _ = pd.factorize(_combined([c for c, _ in parts], [len(u) for _, u in parts], n))
    firsts = _first_rows(combo)  # the first visit of each combination (in the order they first occur)
    few = v[raw].iloc[firsts]
    combos = _visit_keys(few, landing.loc[v.index].iloc[firsts] if landing is not None else None)
    # the distinct keys in traffic row order; each combination's and each visit's row
    key_of = combos.groupby(_DIMS, dropna=False, sort=True).ngroup().to_numpy()
    keys = combos.iloc[np.unique(key_of, return_index=True)[1]].reset_index(drop=True)
    days = day.astype("datetime64[D]").astype(np.int64)
    gkey = (days - (days.min() if n else 0)) * len(keys) + key_of[combo]
    gcodes, guniq = pd.factorize(gkey)
    rank = np.empty(len(guniq), dtype=np.intp)
    by_key = np.argsort(guniq, kind="stable")
    rank[by_key] = np.arange(len(guniq))
    group = rank[gcodes]  # each visit's traffic row (rows sorted by day and keys)
    gfirst = _first_rows(gcodes)[by_key]  # each row's first visit
    group_key = key_of[combo[gfirst]]
    n_groups = len(guniq)

    visitor_names = pd.Series([], dtype="string")
    visitors = np.full(n, -1, dtype=np.int64)
    if "visitorId" in v.columns:
        visitors, visitor_names = _visitor_codes(v["visitorId"])
    # (a visit without a number of actions is no bounce: <NA> == 1 is False here, not an error)
    bounce = (_numeric(v.get("actions", pd.Series(np.nan, index=v.index))) == 1).to_numpy(dtype=bool, na_value=False)
    conv = _values_of(_numeric(v.get("goalConversions", pd.Series(np.nan, index=v.index))))
    rev = _values_of(_numeric(v.get("totalEcommerceRevenue", pd.Series(np.nan, index=v.index))))
    # sums that stay NaN when no visit of the group reports a value: pandas' sums (compensated: the same
    # floats as a groupby on the keys), by the codes in the order the rows first occur, put in row order
    conversions = _int_sums(conv, group, n_groups)
    if conversions is None:
        conversions = pd.Series(conv).groupby(gcodes, sort=False).sum(min_count=1).to_numpy()[by_key]
    revenue = pd.Series(rev).groupby(gcodes, sort=False).sum(min_count=1).to_numpy()[by_key]
    # each site's currency (its first visit that names one), where the site's rows report revenue
    # (the first visit of a site naming a currency is the first of a combination that names it)
    cur = combos["currency"].groupby(combos["property"], dropna=False).first()
    site = pd.factorize(keys["property"], use_na_sentinel=False)[0]
    with_rev = np.bincount(site[group_key][~pd.isna(revenue)], minlength=int(site.max()) + 1 if len(site) else 0)
    keys["currency"] = keys["property"].map(cur).where(with_rev[site] > 0)
    keys = keys.astype("string")  # (as the table holds them: the cast conform would make of each row)
    dims = ["date", "channel", "source", "medium", "campaign", "content"] + (["landing_page"] if landing is not None
                                                                             else [])
    breakdown = ",".join(dims)
    date = _days_ns(day[gfirst])
    agg = pd.DataFrame({
        "date": date, **{c: keys[c].array.take(group_key) for c in _DIMS},
        "sessions": pd.array(np.bincount(group, minlength=n_groups), dtype="Int64"),
        "users": _counts(_users(group, visitors, n_groups), "visitorId" in v.columns),
        "bounces": _counts(np.bincount(group[bounce], minlength=n_groups), "actions" in v.columns),
        "conversions": to_count(pd.Series(conversions).astype("Float64"))[0].array,
        "revenue": pd.Series(revenue).astype("Float64").array,
        "tool": _repeat(_TOOL, n_groups), "currency": keys["currency"].array.take(group_key),
        "date_to": date, "tz": _repeat(tz, n_groups), "breakdown": _repeat(breakdown, n_groups),
        "source_file": _repeat(source.name, n_groups)})
    # what load() needs to add up the visits of several files once (merge_visits_logs): codes and
    # numbers of their own, 17-33 bytes per visit (and 8 per distinct visitor: Matomo's hex ids as uint64)
    parsed.visits = Visits(
        keys, date, group_key.astype(np.int32), str(tz), breakdown,
        group.astype(np.int32), _visit_ids(v["idVisit"] if _plain_digits(v["idVisit"]) else _stripped(v["idVisit"])),
        visitors.astype(np.int32),
        visitor_names, bounce, _values(pd.Series(conv)), _values(pd.Series(rev)),
        "visitorId" in v.columns, "actions" in v.columns)
    parsed.rows_read["traffic"] = parsed.rows_read.get("traffic", 0) + len(agg)
    has_campaign_fields = any(c in v.columns for c in ("campaignSource", "campaignName", "campaignMedium"))
    parsed.notes.append(f"Visits Log: {len(v):,} visit(s) added up into {len(agg):,} traffic row(s) per local day "
                        f"({tz}) and referrer" + ("" if has_campaign_fields else
                                                  "; no campaign source/medium fields (plugin not installed)"))
    return agg


#: The Visits Log fields a traffic row's keys come from (and the site's currency).
_VISIT_RAW = ("referrerType", "referrerName", "campaignSource", "campaignMedium", "campaignName", "campaignContent",
              "siteName", "idSite", "siteCurrency")
_DIMS = ["channel", "source", "medium", "campaign", "content", "landing_page", "property"]


def _values_of(s: pd.Series) -> np.ndarray:
    """A numeric column as a NumPy array: as it is (int64, float64), or float64 with NaN for pandas' nullable
    Int64/Float64 (a JSON log's null cells)."""
    if isinstance(s.dtype, np.dtype):
        return s.to_numpy()
    return s.to_numpy(dtype="float64", na_value=np.nan)


def _int_sums(values: np.ndarray, group: np.ndarray, n: int) -> np.ndarray | None:
    """Each group's sum of small whole numbers (an int64 array, no value missing), exactly (every partial sum
    below 2**53); None for other values (pandas sums them)."""
    if values.dtype != np.int64 or not len(values) or \
            max(-int(values.min()), int(values.max())) * len(values) >= 2 ** 53:
        return None
    return np.bincount(group, weights=values, minlength=n).astype(np.int64)


def _days_ns(days: np.ndarray) -> np.ndarray:
    """Days as ``datetime64[ns]`` (the table's unit); a day beyond its range stays as it is (the table's
    cast then says so, as it always did)."""
    try:
        return pd.Series(days).astype("datetime64[ns]").to_numpy()
    except (ValueError, OverflowError):
        return days


def _counts(values: np.ndarray, reported: bool):
    """Counts as the table's Int64; all <NA> when the export lacks the column."""
    if reported:
        return pd.array(values, dtype="Int64")
    return pd.arrays.IntegerArray(np.zeros(len(values), dtype=np.int64), np.ones(len(values), dtype=bool))


def _repeat(value: str | None, n: int):
    """A text column of ``n`` times ``value`` in the table's string dtype (one cell, taken n times)."""
    return pd.array([value], dtype="string").take(np.zeros(n, dtype=np.intp))


def _visit_keys(v: pd.DataFrame, landing: pd.Series | None) -> pd.DataFrame:
    """The traffic keys (and currency) of visits: cells stripped, blank -> missing; the source is the campaign
    source, else the referrer name of a visit that is no campaign; the campaign (lower case) is the campaign
    name, else the referrer name of a campaign visit; the property is the site name, else its id."""
    cols: dict[str, pd.Series] = {}

    def col(name):
        if name not in v.columns:
            return pd.Series(pd.NA, index=v.index, dtype="string")
        if name not in cols:
            cols[name] = _stripped(v[name])
        return cols[name]
    rtype = col("referrerType")
    source_ = col("campaignSource").fillna(col("referrerName").where(rtype != "campaign"))
    campaign = col("campaignName").fillna(col("referrerName").where(rtype == "campaign")).str.lower()

    def strings(s: pd.Series):
        # the values as the object array DataFrame() used to infer its column from: pandas' "str" dtype
        # (NaN for missing), built from the Arrow array without a round trip through Python objects
        return pd.array(s.array, dtype=pd.StringDtype(na_value=np.nan)) if _arrow(s) else s.to_numpy()

    return pd.DataFrame({
        "channel": strings(rtype), "source": strings(source_),
        "medium": strings(col("campaignMedium")), "campaign": strings(campaign),
        "content": strings(col("campaignContent")),
        "landing_page": (landing.set_axis(v.index) if landing is not None else
                         pd.Series(pd.NA, index=v.index, dtype="string")).to_numpy(),
        "property": strings(col("siteName").fillna(col("idSite"))),  # a log of several sites (idSite=all)
        "currency": strings(col("siteCurrency")),
    })


def _stripped(s: pd.Series) -> pd.Series:
    """The cells stripped, blank -> <NA> (in Arrow when the column is: one pass, no pandas mask)."""
    s = s.astype("string")
    if _arrow(s):
        import pyarrow as pa
        import pyarrow.compute as pc
        t = pc.utf8_trim_whitespace(s.array._pa_array)  # what Series.str.strip() runs
        t = pc.if_else(pc.equal(t, ""), pa.scalar(None, t.type), t)
        return pd.Series(pd.array(t, dtype=s.dtype), index=s.index, name=s.name)
    s = s.str.strip()
    return s.mask(s == "")


def _factorize(s: pd.Series) -> tuple[np.ndarray, object]:
    """``pd.factorize(s.array)``; a column of one value throughout (the site's name, id and currency, as a
    rule) is seen by one comparison instead of a hash table."""
    if _arrow(s) and len(s) and s.array._pa_array.null_count == 0:
        import pyarrow.compute as pc
        arr = s.array._pa_array
        if pc.all(pc.equal(arr, arr[0])).as_py():
            return np.zeros(len(s), dtype=np.intp), s.array[:1]
    return pd.factorize(s.array)


def _visitor_codes(ids: pd.Series) -> tuple[np.ndarray, pd.Series | np.ndarray]:
    """Each visit's code into the distinct visitorIds (stripped, blank -> none: -1), and those ids (as
    uint64 when every cell is Matomo's 16 hex digits: :func:`_hex_ids`)."""
    hexed = _hex_ids(ids)
    if hexed is not None:
        codes, uniques = pd.factorize(hexed)
        return codes.astype(np.int64), uniques
    codes, uniques = pd.factorize(ids.array)
    names = _stripped(pd.Series(uniques, dtype=ids.dtype))
    if names.isna().any() or not names.equals(pd.Series(uniques, dtype=ids.dtype)):
        # cells that differ only in blanks around them are one visitor; a blank cell is none
        again, names = pd.factorize(names.array)
        codes = np.where(codes >= 0, again[np.maximum(codes, 0)], -1) if len(again) else codes
    return codes.astype(np.int64), pd.Series(names)


def _combined(codes: list[np.ndarray], sizes: list[int], n: int) -> np.ndarray:
    """One int64 per row, equal for two rows exactly when each of ``codes`` (-1: missing) is."""
    key = np.zeros(n, dtype=np.int64)
    span = 1
    for c, m in zip(codes, sizes):
        if span * (m + 1) >= 2 ** 62:  # renumber the combinations so far (they fit in n codes)
            key = pd.factorize(key)[0].astype(np.int64)
            span = int(key.max()) + 1 if n else 1
        key *= m + 1  # (in place: no temporary arrays)
        key += c
        key += 1
        span *= m + 1
    return key


def _first_rows(codes: np.ndarray) -> np.ndarray:
    """The first position of each code of ``pd.factorize`` (codes 0, 1, ... in the order they first occur)."""
    if not len(codes):
        return np.zeros(0, dtype=np.intp)
    top = np.maximum.accumulate(codes)
    return np.flatnonzero(np.diff(top, prepend=-1) > 0)


def _arrow(s: pd.Series) -> bool:
    return isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow"


def _numeric(s: pd.Series) -> pd.Series:
    """``pd.to_numeric(s, errors="coerce")``, once per distinct cell (``per_distinct``: revenues, action and
    conversion counts repeat; the type pandas infers depends on which values occur, the same either way).
    A column of plain digits is cast at once (what :func:`_numeric_cells` does with it, without finding
    the distinct cells first)."""
    if _plain_digits(s):
        return _digits(s)
    return _numeric_cells(s).rename(s.name)


def _plain_digits(s: pd.Series) -> bool:
    """Whether ``s`` is Arrow strings, none missing, each ``[0-9]{1,18}`` (what Arrow casts as pandas reads it)."""
    return _arrow(s) and len(s) > 0 and s.array._pa_array.null_count == 0 and _all_plain_digits(s.array._pa_array)


def _digits(s: pd.Series) -> pd.Series:
    """A column of plain digits (:func:`_plain_digits`) as ``pd.to_numeric`` gives it: int64, or Int64 for
    pandas' ``string`` dtype (missing value <NA>)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    ints = pc.cast(s.array._pa_array, pa.int64()).to_numpy()
    return pd.Series(ints if s.dtype.na_value is np.nan else pd.array(ints, dtype="Int64"), index=s.index, name=s.name)


@per_distinct
def _numeric_cells(s: pd.Series) -> pd.Series:
    """``pd.to_numeric(s, errors="coerce")``; a column of plain digits only (no sign, space or missing cell,
    at most 18 digits: what the Visits Log writes for times and counts) is cast by Arrow, to the same values."""
    if _plain_digits(s):
        return _digits(s)
    return pd.to_numeric(s, errors="coerce")


def _all_plain_digits(arr) -> bool:
    """Whether every cell of an Arrow string array matches ``[0-9]{1,18}`` (ASCII digits only: no sign, space,
    NBSP or other script's digit), without a regex: an ASCII-digit test and a length test, ~10x cheaper."""
    import pyarrow.compute as pc
    return bool(pc.all(pc.and_(pc.ascii_is_decimal(arr), pc.less_equal(pc.binary_length(arr), 18))).as_py())


def _hex_ids(s: pd.Series) -> np.ndarray | None:
    """Matomo's visitorIds (16 lower-case hex digits each) as the uint64 they spell, one to one; None when a
    cell is anything else (missing, blank, padded, upper case, another length): those go by their text."""
    if not _arrow(s) or not len(s):
        return None
    import pyarrow as pa
    arr = s.array._pa_array
    arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    if arr.null_count or arr.type not in (pa.string(), pa.large_string()):
        return None
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], dtype=np.int64 if arr.type == pa.large_string() else np.int32)
    offsets = offsets[arr.offset:arr.offset + len(arr) + 1]
    if offsets[-1] - offsets[0] != 16 * len(arr) or not (np.diff(offsets) == 16).all():
        return None
    text = bufs[2].to_pybytes()[offsets[0]:offsets[-1]]  # all the ids back to back
    if text != text.lower():  # (an id with upper-case letters is another id, as text)
        return None
    try:  # C speed; a character that is no hex digit raises, ASCII blanks (skipped by fromhex) shorten it
        raw = bytes.fromhex(text.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return None
    if len(raw) != 8 * len(arr):
        return None
    return np.frombuffer(raw, dtype=">u8").astype(np.uint64)


def _hex_text(ids: np.ndarray) -> pd.Series:
    """The visitorIds that :func:`_hex_ids` read, as text again (16 lower-case hex digits each)."""
    import pyarrow as pa
    digits = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    b = ids.astype(">u8").view(np.uint8).reshape(-1, 8)
    chars = digits[np.stack([b >> 4, b & 15], axis=2)].reshape(-1)
    offsets = np.arange(len(ids) + 1, dtype=np.int32) * 16
    arr = pa.StringArray.from_buffers(len(ids), pa.py_buffer(offsets.tobytes()), pa.py_buffer(chars.tobytes()))
    return pd.Series(pd.array(arr, dtype=pd.StringDtype("pyarrow")))


@register
class MatomoVisitsLog(Loader):
    """Matomo Visits Log (``Live.getLastVisitsDetails``) as CSV or JSON -> traffic (visits added up)."""

    format = "matomo_visits_log"
    priority = 16

    def sniff(self, source: Source, ctx: Context) -> bool:
        head = source.head(4096).lstrip("\ufeff \r\n\t")
        if source.suffix == ".json":
            return head.startswith("[") and '"idVisit"' in head and '"referrerType"' in head
        if source.suffix in (".csv", ".tsv", ".txt"):
            fields = [norm_header(f) for f in re.split(r"[,\t]", head.splitlines()[0] if head else "")]
            return "idvisit" in fields and "referrertype" in fields
        return False

    def read(self, source: Source, ctx: Context) -> Parsed:
        parsed = Parsed(self.format)
        landing = None
        if source.suffix == ".json":
            data = _json(source)
            if not isinstance(data, list):
                raise ExportFormatError(f"{source.name}: expected a list of visits, found {type(data).__name__}.",
                                        file=source.name)
            rows = _flat_rows(data, None)
            firsts = [next((a.get("url") for a in (r.get("actionDetails") or []) if isinstance(a, dict)
                            and a.get("url")), None) if isinstance(r, dict) else None for r in data]
            records = pd.DataFrame(rows).astype("string")
            landing = pd.Series(firsts, index=records.index, dtype="string")
            lines = np.arange(1, len(records) + 1)
        else:
            recs = _visit_records(source)
            parsed.rejected += [{"table": "traffic", **b} for b in recs.bad]
            parsed.rows_read["traffic"] = len(recs.bad)
            records, lines = recs.frame, recs.lines
        agg = _visits_frame(records, lines, source, ctx, parsed, landing)
        parsed.rows_read["traffic"] = parsed.rows_read.get("traffic", 0) + \
            sum(1 for r in parsed.rejected if r.get("column") == "firstActionTimestamp")
        parsed.tables["traffic"] = finish_traffic([agg])
        return parsed



def _visit_records(source: Source):
    """The CSV records of a Visits Log. Matomo writes UTF-16 with a BOM; when every character is ASCII (ids,
    times, numbers, referrer names as a rule), the text's UTF-8 bytes are the low bytes of its UTF-16 units,
    and those are parsed (``read_source_records``: the same records, lines and notes) without decoding the
    file into a Python string and encoding it again. Any other file is read from its text as always."""
    data = source.data
    if source._text is None and len(data) >= _UTF16_MIN_BYTES and data.startswith(b"\xff\xfe") and not len(data) % 2:
        units = np.frombuffer(data, dtype="<u2", offset=2)
        if int(units.max()) < 128:
            plain = Source(source.name, units.astype(np.uint8).tobytes(), modified=source.modified)
            recs = read_source_records(plain)
            source.notes.extend(plain.notes)
            return recs
    return read_csv_records(source.text.lstrip("\ufeff"), source=source)


#: UTF-16 files at least this large are read from their low bytes (:func:`_visit_records`).
_UTF16_MIN_BYTES = 1 << 20


# --- Visits Log in several files ------------------------------------------------------------------

@dataclass
class Visits:
    """The visits of one Visits Log file, kept small (codes and numbers, no strings per visit), so that
    :func:`merge_visits_logs` can add up the visits of several files at once."""

    keys: pd.DataFrame  # the file's distinct traffic keys (``_DIMS``) and the currency its rows give, sorted
    day: np.ndarray  # each traffic row's day (the file's rows in order: by day, then keys)
    key: np.ndarray  # each traffic row's keys (row of ``keys``)
    tz: str
    breakdown: str
    group: np.ndarray  # each visit's traffic row
    ids: pd.Series  # idVisit (int64 when all digits, else strings)
    visitor: np.ndarray  # each visit's code into ``visitor_names`` (-1: none)
    visitor_names: pd.Series | np.ndarray  # (uint64: hex ids, :func:`_hex_ids`)
    bounce: np.ndarray
    conversions: np.ndarray | None  # NaN where the visit reports none; None: no visit reports one
    revenue: np.ndarray | None
    has_visitors: bool
    has_actions: bool


def _values(s: pd.Series) -> np.ndarray | None:
    """A float column's values as an array of their own; None when every one is missing."""
    return np.array(s, dtype=np.float64) if s.notna().any() else None


def _visit_ids(ids: pd.Series) -> pd.Series:
    """idVisit as int64 when every cell is plain digits (the usual export), else as text."""
    num = _numeric(ids) if ids.notna().all() else None
    if num is not None and num.notna().all() and pd.api.types.is_integer_dtype(num.dtype):
        return num.astype("int64").reset_index(drop=True)
    return ids.astype("string").reset_index(drop=True)


def merge_visits_logs(parts: list) -> None:
    """Add up the visits of several Visits Log files of one load together (``load()`` calls this).

    A Visits Log comes in pages (``filter_limit``/``filter_offset``) or overlapping exports, so one
    day's visits of one referrer are often in several files. Each file's own sums would be
    duplicates of one another to ``load()`` (the same traffic key), and only one file's would be
    kept. Here the visits of all files of the same site, zone and breakdown are added up at once: a
    visit in more than one file (same site and ``idVisit``) counts once, the last file read holding
    it; ``users`` are the distinct visitors over all files. Each traffic row is attributed to the last
    file holding one of its visits (its ``source_file``); the file's other rows, merged into rows of
    later files, are counted as duplicates in the load report (``Parsed.merged``), so the report still
    adds up. ``parts`` is ``[(name, Parsed), ...]``, changed in place.
    """
    groups: dict[tuple, list] = {}
    for order, (name, parsed) in enumerate(parts):
        v = getattr(parsed, "visits", None)
        if v is not None and "traffic" in parsed.tables and len(v.key):
            key = (v.tz, v.breakdown, v.has_visitors, v.has_actions)
            groups.setdefault(key, []).append((order, name, parsed))
    for members in groups.values():
        if len(members) > 1:
            _merge(members)


def _merge(members: list) -> None:
    visits = [p.visits for _, _, p in members]
    # the files' traffic rows -> the rows of all files (by day and keys, in that order), with integer codes
    keys = pd.concat([v.keys for v in visits], ignore_index=True)
    key_of = keys.groupby(_DIMS, dropna=False, sort=True).ngroup().to_numpy()
    kstarts = np.cumsum([0] + [len(v.keys) for v in visits])
    key_row = np.concatenate([v.key.astype(np.int64) + kstarts[i] for i, v in enumerate(visits)])  # row of keys
    day = np.concatenate([v.day for v in visits])
    days = day.astype("datetime64[D]").astype(np.int64)
    codes, uniq = pd.factorize((days - days.min()) * (int(key_of.max()) + 1) + key_of[key_row])
    by_key = np.argsort(uniq, kind="stable")
    rank = np.empty(len(uniq), dtype=np.intp)
    rank[by_key] = np.arange(len(uniq))
    gid_of_row = rank[codes]
    first = _first_rows(codes)[by_key]  # each merged row's first file row (the first file holding it)
    n = len(uniq)
    row_key = key_row[first]  # each merged row's keys (and currency) as its first file gives them
    starts = np.cumsum([0] + [len(v.key) for v in visits])
    gid = np.concatenate([gid_of_row[starts[i]:starts[i + 1]][v.group] for i, v in enumerate(visits)])
    sizes = [len(v.group) for v in visits]
    site_of_key = pd.factorize(keys["property"], use_na_sentinel=False)[0]
    site = np.concatenate([site_of_key[key_row[starts[i]:starts[i + 1]]][v.group] for i, v in enumerate(visits)])
    ids = pd.concat([v.ids.astype("string") if any(w.ids.dtype != v.ids.dtype for w in visits) else v.ids
                     for v in visits], ignore_index=True)
    # a visit in several files counts once: the last file read that holds it (files are read in order)
    dup = _duplicated_visits(site, ids, sizes)
    del site, ids
    keep = ~dup
    visitor = _global_visitors(visits)[1]
    gid, visitor = gid[keep], visitor[keep]
    sums = {}
    for col in ("conversions", "revenue"):
        vals = np.concatenate([getattr(v, col) if getattr(v, col) is not None else np.full(len(v.group), np.nan)
                               for v in visits])[keep]
        has = ~np.isnan(vals)
        total = np.bincount(gid[has], weights=vals[has], minlength=n)
        sums[col] = np.where(np.bincount(gid[has], minlength=n) > 0, total, np.nan)
    # each site's currency: the first a row of the site names (rows in order), where the site's rows report revenue
    site = site_of_key[row_key]
    named = np.flatnonzero(keys["currency"].notna().to_numpy()[row_key])
    first_named = np.full(int(site_of_key.max()) + 1, -1)
    named_sites, at_first = np.unique(site[named], return_index=True)
    first_named[named_sites] = row_key[named[at_first]]  # (its row of keys)
    with_rev = np.bincount(site[~np.isnan(sums["revenue"])], minlength=len(first_named)) > 0
    currency_key = np.where(with_rev[site], first_named[site], -1)
    # each row's last file holding one of its (counted) visits; the visits are in file order
    last = np.full(n, -1, dtype=np.int64)
    bounds = np.cumsum([0] + [int(keep[a:a + s].sum()) for a, s in zip(np.cumsum([0] + sizes), sizes)])
    for k in range(len(visits)):
        last[np.bincount(gid[bounds[k]:bounds[k + 1]], minlength=n) > 0] = k
    by_file = np.argsort(last, kind="stable")  # each file's rows together, in row order: the frame is made so
    day_of_row = day[first][by_file]
    out = pd.DataFrame({
        "date": day_of_row, **{c: keys[c].array.take(row_key[by_file]) for c in _DIMS},
        "sessions": pd.array(np.bincount(gid, minlength=n)[by_file], dtype="Int64"),
        "users": _counts(_users(gid, visitor, n)[by_file], visits[0].has_visitors),
        "bounces": _counts(np.bincount(gid[np.concatenate([v.bounce for v in visits])[keep]], minlength=n)[by_file],
                           visits[0].has_actions),
        "conversions": to_count(pd.Series(sums["conversions"][by_file]).astype("Float64"))[0].array,
        "revenue": pd.Series(sums["revenue"][by_file]).astype("Float64").array,
        "tool": _repeat(_TOOL, n), "currency": keys["currency"].array.take(currency_key[by_file], allow_fill=True),
        "date_to": day_of_row, "tz": _repeat(visits[0].tz, n), "breakdown": _repeat(visits[0].breakdown, n)})
    edges = np.searchsorted(last[by_file], np.arange(len(visits) + 1))
    n_dup = int(dup.sum())
    for k, (_, name, parsed) in enumerate(members):
        mine = out.iloc[edges[k]:edges[k + 1]]
        mine = mine.assign(source_file=_repeat(name, len(mine)))
        before = len(parsed.tables["traffic"])
        parsed.tables["traffic"] = finish_traffic([mine])
        parsed.merged = max(before - len(mine), 0)
        parsed.notes.append(f"Visits Log: the visits of {len(members)} files of this load added up together"
                            + (f" ({n_dup:,} visit(s) in more than one file counted once)" if n_dup else "")
                            + (f"; {parsed.merged:,} row(s) merged into the rows of later files"
                               if parsed.merged else ""))
        parsed.visits = None


def _users(group: np.ndarray, visitor: np.ndarray, n: int) -> np.ndarray:
    """Distinct visitors (codes; -1: none) per row: a visitor of one visit counts 1 where it is, the others
    once per (row, visitor) pair (a hash table: ``pd.unique``)."""
    has = visitor >= 0
    group, visitor = group[has], visitor[has]
    if not len(visitor):
        return np.zeros(n, dtype=np.int64)
    seen = np.bincount(visitor)
    once = seen[visitor] == 1
    users = np.bincount(group[once], minlength=n)
    if not once.all():
        span = len(seen)
        pairs = pd.unique(group[~once].astype(np.int64) * span + visitor[~once])
        users += np.bincount(pairs // span, minlength=n)
    return users


def _duplicated_visits(site: np.ndarray, ids: pd.Series, sizes: list[int]) -> np.ndarray:
    """Visits (site code, idVisit) that a later visit repeats; a visit without an id repeats none."""
    if ids.dtype == np.int64 and len(ids):
        nums = ids.to_numpy()
        if _apart(nums, sizes):
            return np.zeros(len(nums), dtype=bool)
        sites = int(site.max()) + 1
        if nums.min() >= 0 and int(nums.max()) < 2 ** 62 // sites:  # one int64 per (site, id)
            return pd.Series(nums * sites + site).duplicated(keep="last").to_numpy()
    return pd.DataFrame({"site": site, "id": ids}).duplicated(keep="last").to_numpy() & ids.notna().to_numpy()


def _apart(ids: np.ndarray, sizes: list[int]) -> bool:
    """Whether no id occurs twice, seen without a hash table: each file's ids rise (or fall) strictly and the
    files' ranges do not overlap (pages of one export, as Matomo writes them)."""
    ranges = []
    for end, size in zip(np.cumsum(sizes), sizes):
        part = ids[end - size:end]
        if not size:
            continue
        step = np.diff(part)
        if not ((step > 0).all() or (step < 0).all()):
            return False
        ranges.append((min(part[0], part[-1]), max(part[0], part[-1])))
    ranges.sort()
    return all(lo > prev_hi for (_, prev_hi), (lo, _) in zip(ranges, ranges[1:]))


def _global_visitors(visits: list) -> tuple[object, np.ndarray]:
    """One code per distinct visitorId over all files (-1 for none), for each visit."""
    if all(isinstance(v.visitor_names, np.ndarray) for v in visits):  # Matomo's hex ids: as numbers
        codes, uniq = pd.factorize(np.concatenate([v.visitor_names for v in visits]))
    else:
        codes, uniq = pd.factorize(pd.concat([_hex_text(v.visitor_names) if isinstance(v.visitor_names, np.ndarray)
                                              else v.visitor_names for v in visits], ignore_index=True))
    starts = np.cumsum([0] + [len(v.visitor_names) for v in visits])
    out = []
    for i, v in enumerate(visits):
        m = codes[starts[i]:starts[i + 1]]
        out.append(np.where(v.visitor >= 0, m[np.maximum(v.visitor, 0)] if len(m) else -1, -1))
    return uniq, np.concatenate(out).astype(np.int64)
