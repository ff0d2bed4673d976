"""LinkedIn company page exports: the content workbook and the followers workbook.

Facts and evidence: ``export-formats.md`` section 4. Both come as Excel workbooks, legacy
``.xls`` (read with xlrd) or ``.xlsx`` (openpyxl); they are recognised by their bytes (OLE2 or a
zip holding ``xl/workbook.xml``) and their sheet names, also inside a downloaded ``.zip``.

Content workbook (``<company>_content_<...>.xls``)
    ``All posts`` -> ``posts``; ``Metrics`` -> ``daily``. Each sheet may start with a one-cell
    description row above the header (detected, not counted as data). Names match ignoring case.

    ==================================================  ================
    LinkedIn column                                     canonical
    ==================================================  ================
    Post link (``.../urn:li:activity:<id>``)            post_id (``urn:li:activity:<id>``),
                                                        permalink
    Post title                                          text
    Created date (``MM/DD/YYYY``, date only)            published_at (midnight in ``tz=``),
                                                        date_only = True
    Content type                                        media_type (lower case)
    Impressions                                         impressions
    Views (excluding off-site video views)              views
    Clicks                                              clicks
    Likes / Reactions                                   likes
    Comments                                            comments
    Reposts (older: Shares)                             shares
    Engagement rate, Click through rate (CTR)           engagement_rate, click_through_rate
                                                        (extra Float64 columns, 0..1; ``"6.14%"``
                                                        and ``0.0614`` both read as 0.0614)
    Post type (Organic / Sponsored)                     sponsored (extra boolean column)
    ==================================================  ================

    ``Metrics`` columns become snake_case metric names (``Impressions (organic)`` ->
    ``impressions_organic``; ``Shares (...)`` of older exports are renamed ``reposts_...`` so the
    series continues across LinkedIn's rename; rates are fractions). Negative daily values occur
    in real exports and are kept.

Followers workbook (``<company>_followers_<...>.xls``)
    ``New followers`` -> ``daily`` with metrics ``new_followers_sponsored``,
    ``new_followers_organic``, ``new_followers_auto_invited``, ``new_followers_total`` (new
    followers gained that day, not the follower count). Demographic sheets are not read (noted).

A sheet saved as CSV (``All posts``, ``Metrics`` or ``New followers``, with or without its
description line; also by German Excel: ``;``, cp1252, ``1.234``, ``0,0454``, ``6,56%``,
``15.09.2024``) is read the same way (format ``linkedin_csv``); the number style is decided per
file from whole columns and noted (``toolkit.io._locale``). A header named twice: the first
column is read, the other named in the notes.

``account`` is the company part of the file name (``acme_content_30D.xls`` -> ``acme``) when the
name has that shape, else ``<NA>``. Row numbers in messages are the spreadsheet's row numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile

import numpy as np
import pandas as pd

from ..errors import ExportFormatError
from ._base import CellProblems, Context, Loader, Parsed, Source, parse_datetime, register, sniff_delimiter
from ._daily import daily_values as _daily_values, melt_wide as _melt
from ._headers import line_fields
from ._locale import DE, count, number, number_style
from ._numbers import date_style

__all__ = ["LinkedInWorkbook", "LinkedInCSV", "POST_COLUMNS"]

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

#: ``All posts`` column (lower case) -> canonical column.
POST_COLUMNS = {
    "post title": "text", "post link": "permalink", "created date": "published_at",
    "content type": "media_type", "impressions": "impressions",
    "views (excluding off-site video views)": "views", "views": "views", "clicks": "clicks",
    "likes": "likes", "reactions": "likes", "comments": "comments", "reposts": "shares",
    "shares": "shares", "engagement rate": "engagement_rate",
    "click through rate (ctr)": "click_through_rate", "post type": "sponsored",
}
_KNOWN_UNUSED = {"campaign name", "posted by", "campaign start date", "campaign end date", "audience",
                 "off-site views", "follows"}
_FOLLOWER_METRICS = {"sponsored followers": "new_followers_sponsored",
                     "organic followers": "new_followers_organic",
                     "auto-invited followers": "new_followers_auto_invited",
                     "total followers": "new_followers_total"}
_SHEETS = ("all posts", "metrics", "new followers")
_COUNTS = ("impressions", "views", "clicks", "likes", "comments", "shares")
_RATES = ("engagement_rate", "click_through_rate")


def _kind(data: bytes) -> str | None:
    if data.startswith(_OLE2):
        return "xls"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                return "xlsx" if "xl/workbook.xml" in zf.namelist() else None
        except zipfile.BadZipFile:
            return None
    return None


def _sheet_names(data: bytes, kind: str) -> list[str]:
    if kind == "xls":
        import xlrd
        book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
        try:
            return book.sheet_names()
        finally:
            book.release_resources()
    import openpyxl
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def _open_xlsx(data: bytes):
    """The workbook opened with the options ``pd.read_excel(engine="openpyxl")`` uses, so that
    ``read_excel`` can read it as it is (the same cells as from the bytes)."""
    import openpyxl
    return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)


@register
class LinkedInWorkbook(Loader):
    """LinkedIn content (``All posts``/``Metrics``) or followers (``New followers``) workbook."""

    format = "linkedin_xls"
    priority = 30

    def sniff(self, source: Source, ctx: Context) -> bool:
        kind = _kind(source.data) if source.data[:4] in (b"PK\x03\x04", _OLE2[:4]) else None
        if kind is None:
            return False
        book = None
        try:
            if kind == "xls":
                names = {n.strip().lower() for n in _sheet_names(source.data, kind)}
            else:  # opened as read_excel opens it, and kept for read(): opening costs as much as reading
                book = _open_xlsx(source.data)
                names = {n.strip().lower() for n in book.sheetnames}
        except Exception:  # noqa: BLE001 - a broken workbook is simply not ours
            return False
        ours = bool(names & set(_SHEETS))
        if book is not None:
            if ours:
                ctx.__dict__["_linkedin_book"] = (source, book)
            else:
                book.close()
        return ours

    def read(self, source: Source, ctx: Context) -> Parsed:
        kind = _kind(source.data)
        kept = ctx.__dict__.pop("_linkedin_book", None)
        book = kept[1] if kept is not None and kept[0] is source else io.BytesIO(source.data)
        try:
            sheets = _read_xls(source.data) if kind == "xls" else \
                pd.read_excel(book, sheet_name=None, header=None, dtype=object, engine="openpyxl")
        except Exception as exc:  # noqa: BLE001 - xlrd/openpyxl raise many types
            raise ExportFormatError(f"{source.name}: cannot open the workbook ({exc}). Download it again "
                                    f"from LinkedIn.", file=source.name) from None
        parsed = Parsed(f"linkedin_{kind}")
        m = re.match(r"(.+?)_(content|followers|visitors)_", source.basename, flags=re.I)
        account = m.group(1) if m else pd.NA
        by_name = {k.strip().lower(): (k, v) for k, v in sheets.items()}
        other = [k for k in sheets if k.strip().lower() not in _SHEETS]
        if other:
            parsed.notes.append(f"sheets not read: {other}")
        daily = []
        if "all posts" in by_name:
            name, raw = by_name["all posts"]
            parsed.tables["posts"] = self._posts(source, name, raw, ctx, parsed, account)
        if "metrics" in by_name:
            name, raw = by_name["metrics"]
            daily.append(self._daily(source, name, raw, ctx, parsed, account, followers=False))
        if "new followers" in by_name:
            name, raw = by_name["new followers"]
            daily.append(self._daily(source, name, raw, ctx, parsed, account, followers=True))
        if daily:
            parsed.tables["daily"] = pd.concat(daily, ignore_index=True)
        return parsed

    def _posts(self, source, sheet, raw, ctx, parsed, account, *, line_map=None, delimiter=",") -> pd.DataFrame:
        sub = Source(f"{source.name}, sheet '{sheet}'", b"") if sheet else source
        frame, header, lines, header_row = _table(raw, sub, required=("post link", "created date"),
                                                  expected=list(POST_COLUMNS), line_map=line_map,
                                                  notes=parsed.notes)
        parsed.rows_read["posts"] = len(frame)
        cols = {h.lower(): h for h in header}
        unknown = [h for h in header if h.lower() not in POST_COLUMNS and h.lower() not in _KNOWN_UNUSED]
        where = f"sheet '{sheet}': " if sheet else ""
        if unknown:
            parsed.notes.append(f"{where}columns not read (unknown): {unknown}")
        probs = CellProblems(sub, lines, "posts")
        out = pd.DataFrame(index=frame.index)
        out["platform"] = "linkedin"
        out["account"] = account
        link = frame[cols["post link"]].fillna("").str.strip()
        pid = link.str.extract(r"(urn:li:(?:activity|share|ugcPost):\d+)", expand=False)
        probs.add(pid.isna(), cols["post link"], frame[cols["post link"]],
                  "a post link (expected like 'https://www.linkedin.com/feed/update/urn:li:activity:7100000000000000000')")
        out["post_id"] = pid.astype("string")
        kinds = {cols[low]: ("float" if canon in ("engagement_rate", "click_through_rate") else "int")
                 for low, canon in POST_COLUMNS.items() if low in cols and canon in _COUNTS + _RATES}
        style, note = number_style({c: (frame[c], k) for c, k in kinds.items()}, delimiter=delimiter)
        if note:
            parsed.notes.append(where + note)
        zone = ctx.zone_for(sub, parsed.notes)
        c = cols["created date"]
        dates = date_style(frame[c], ("%m/%d/%Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S"), column=c,
                           allow_german=delimiter == ";" or style is DE)
        if dates.note:
            parsed.notes.append(where + dates.note)
        when, _, bad = parse_datetime(frame[c], tz=zone, formats=dates.formats)
        probs.add(bad | (when.isna() & ~bad), c, frame[c], "a date (expected like '09/15/2026')")
        out["published_at"] = when
        out["date_only"] = True
        out["text"] = frame[cols["post title"]].fillna("") if "post title" in cols else ""
        out["media_type"] = frame[cols["content type"]].str.strip().str.lower() if "content type" in cols \
            else pd.NA
        out["permalink"] = link.where(link != "", pd.NA)
        for low, canon in POST_COLUMNS.items():
            if low not in cols or canon in ("text", "permalink", "published_at", "media_type") or \
                    (canon in out.columns and canon not in ("platform",)):
                continue
            s = frame[cols[low]]
            if canon in _RATES:
                vals, badm = number(s, style)
                probs.add(badm, cols[low], s, "a rate (like 0.0614 or '6.14%')")
            elif canon == "sponsored":
                t = s.fillna("").str.strip().str.lower()
                vals = t.map({"sponsored": True, "organic": False}).astype("boolean")
            else:
                vals, badm = count(s, style)
                probs.add(badm, cols[low], s, f"a whole number in {style.name} format (blank = not reported)")
            out[canon] = vals
        parsed.notes.append("LinkedIn gives dates without time: date_only=True, midnight local time")
        return probs.finish(out, ctx, parsed)

    def _daily(self, source, sheet, raw, ctx, parsed, account, *, followers: bool, line_map=None,
               delimiter=",") -> pd.DataFrame:
        sub = Source(f"{source.name}, sheet '{sheet}'", b"") if sheet else source
        frame, header, lines, _ = _table(raw, sub, required=("date",),
                                         expected=["Date", "Impressions (organic)", "..."] if not followers
                                         else ["Date", *(k.title() for k in _FOLLOWER_METRICS)], line_map=line_map,
                                         notes=parsed.notes)
        values = header[1:] if header[0].lower() == "date" else [h for h in header if h.lower() != "date"]
        date_col = next(h for h in header if h.lower() == "date")
        names = {v: _metric(v, followers) for v in values}
        style, note = number_style({v: (frame[v], "float" if "rate" in v.lower() else "int") for v in values},
                                   delimiter=delimiter)
        if note:
            parsed.notes.append((f"sheet '{sheet}': " if sheet else "") + note)
        dates = date_style(frame[date_col], ("%m/%d/%Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S"), column=date_col,
                           allow_german=delimiter == ";" or style is DE)
        long = _melt(frame, date_col, values, lines)
        parsed.rows_read["daily"] = parsed.rows_read.get("daily", 0) + len(long)
        return _daily_values(long, sub, ctx, parsed, date_col=date_col, names=names, platform="linkedin",
                             account=account, date_formats=dates.formats, style=style)


#: What the CSV form of each sheet is recognised by (header names, lower case).
_CSV_SHEETS = {
    "All posts": ({"post link", "created date"}, "posts"),
    "New followers": ({"date", "total followers"}, "followers"),
    "Metrics": ({"date", "impressions (organic)"}, "metrics"),
}


def _csv_sheet(source: Source) -> tuple[str, str] | None:
    """Which LinkedIn sheet a CSV holds (a sheet saved as CSV, with or without its description line)."""
    for line in source.head(8192).splitlines()[:3]:
        fields = {f.strip().lower() for f in line_fields(line)}
        for sheet, (needed, kind) in _CSV_SHEETS.items():
            if needed <= fields:
                return sheet, kind
    return None


@register
class LinkedInCSV(LinkedInWorkbook):
    """A sheet of a LinkedIn workbook saved as CSV (``All posts``, ``Metrics``, ``New followers``),
    also by a German spreadsheet program (``;``, cp1252, ``1.234``, ``15.09.2026``)."""

    format = "linkedin_csv"
    priority = 30

    def sniff(self, source: Source, ctx: Context) -> bool:
        return source.suffix in (".csv", ".txt", "") and _csv_sheet(source) is not None

    def read(self, source: Source, ctx: Context) -> Parsed:
        sheet, kind = _csv_sheet(source)  # type: ignore[misc]
        raw, line_map, delimiter = _csv_grid(source)
        parsed = Parsed(self.format)
        parsed.notes.append(f"LinkedIn '{sheet}' sheet saved as CSV")
        m = re.match(r"(.+?)_(content|followers|visitors)_", source.basename, flags=re.I)
        account = m.group(1) if m else pd.NA
        if kind == "posts":
            parsed.tables["posts"] = self._posts(source, "", raw, ctx, parsed, account, line_map=line_map,
                                                 delimiter=delimiter)
        else:
            parsed.tables["daily"] = self._daily(source, "", raw, ctx, parsed, account,
                                                 followers=kind == "followers", line_map=line_map,
                                                 delimiter=delimiter)
        return parsed


def _csv_grid(source: Source) -> tuple[pd.DataFrame, np.ndarray, str]:
    """Every CSV record as a row of cells (ragged rows padded), the physical line each starts on,
    and the delimiter (sniffed on the first line with more than one field)."""
    text = source.text
    lines = text.splitlines()
    head = next((ln for ln in lines[:3] if len(line_fields(ln)) > 1), lines[0] if lines else "")
    delimiter = sniff_delimiter(head)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, starts, prev = [], [], 0
    try:
        for rec in reader:
            starts.append(prev + 1)
            prev = reader.line_num
            rows.append([c if c.strip() else None for c in rec])
    except csv.Error as exc:
        raise ExportFormatError(f"{source.name}, line {prev + 1}: broken CSV quoting ({exc}). Export the sheet "
                                f"again.", file=source.name, line=prev + 1) from None
    width = max((len(r) for r in rows), default=0)
    grid = pd.DataFrame([r + [None] * (width - len(r)) for r in rows], dtype=object)
    return grid, np.asarray(starts, dtype=np.int64), delimiter


def _read_xls(data: bytes) -> dict[str, pd.DataFrame]:
    """All sheets of a legacy .xls as object frames (xlrd directly; pandas' xlrd engine is deprecated)."""
    import xlrd
    book = xlrd.open_workbook(file_contents=data, logfile=io.StringIO())  # no prints
    out = {}
    for sheet in book.sheets():
        rows = []
        for r in range(sheet.nrows):
            row = []
            for cell in sheet.row(r):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    row.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    row.append(None)
                else:
                    row.append(cell.value)
            rows.append(row)
        out[sheet.name] = pd.DataFrame(rows, dtype=object)
    return out


def _metric(header: str, followers: bool) -> str:
    low = header.strip().lower()
    if followers and low in _FOLLOWER_METRICS:
        return _FOLLOWER_METRICS[low]
    s = re.sub(r"[^a-z0-9]+", "_", low).strip("_")
    return re.sub(r"^shares(?=_|$)", "reposts", s)


def _cell_text(v) -> object:
    """A spreadsheet cell as the text the export meant (IDs/counts without ``.0``, dates ISO)."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return pd.NA
    if isinstance(v, (pd.Timestamp, dt.datetime)):
        return pd.Timestamp(v).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _blank(x) -> bool:
    return x is None or (not isinstance(x, str) and pd.isna(x)) or (isinstance(x, str) and not x.strip())


def _table(raw: pd.DataFrame, sub: Source, *, required: tuple[str, ...], expected: list[str],
           line_map: np.ndarray | None = None, notes: list[str] | None = None):
    """Find the header row (below an optional description row) and return the data as strings.

    Returns ``(frame, header, lines, header_row)``; ``lines`` are 1-based spreadsheet rows, or the
    physical lines of ``line_map`` (one per row of ``raw``, for CSV text with multi-line cells).
    """
    cells = raw.map(_cell_text).astype(object) if len(raw) else raw
    header_row = None
    for i in range(min(5, len(cells))):  # the description row above the header has one cell
        row = [str(x).strip().lower() for x in cells.iloc[i] if not _blank(x)]
        if len(row) >= 2 or any(r in row for r in required):
            header_row = i
            break
    found = [str(x).strip() for x in cells.iloc[header_row] if not _blank(x)] \
        if header_row is not None else []
    missing = [r for r in required if r not in {f.lower() for f in found}]
    if missing:
        shown = None if header_row is None else (header_row + 1 if line_map is None else int(line_map[header_row]))
        line = f", line {shown}" if shown is not None else ""
        raise ExportFormatError(f"{sub.name}{line}: the header misses column(s) {missing}; expected columns "
                                f"like {expected[:8]}, found {found}. Export the workbook again from the "
                                f"page's Analytics tab.", file=sub.name, line=shown)
    header_cells = cells.iloc[header_row]
    keep = [j for j, h in enumerate(header_cells) if not _blank(h)]
    header = [str(header_cells.iloc[j]).strip() for j in keep]
    seen: dict[str, int] = {}
    for i, h in enumerate(header):  # a repeated name: the first column is read, the others renamed and noted
        k = h.lower()
        if k in seen:
            if notes is not None:
                notes.append(f"{sub.name}: column '{h}' appears twice (columns {seen[k] + 1} and {keep[i] + 1}): "
                             f"read column {seen[k] + 1}, column {keep[i] + 1} not read")
            header[i] = f"{h} (column {keep[i] + 1})"
        else:
            seen[k] = keep[i]
    body = cells.iloc[header_row + 1:, keep]
    body.columns = header
    lines = np.arange(header_row + 2, header_row + 2 + len(body), dtype=np.int64) if line_map is None \
        else np.asarray(line_map[header_row + 1:header_row + 1 + len(body)], dtype=np.int64)
    filled = body.notna().any(axis=1).to_numpy()
    body, lines = body.loc[filled], lines[filled]
    body = body.astype("string").reset_index(drop=True)
    return body, header, lines, header_row + 1
