"""Reading of Google Analytics report downloads with a ``#`` header block, shared by the GA4
(:mod:`toolkit.io.ga4`) and Universal Analytics (:mod:`toolkit.io.ua`) loaders: the preamble
(title, property, segment, period), the CSV sections and the :class:`ReportDownload` base loader.
"""

from __future__ import annotations

import bisect
import re

import pandas as pd

from ..errors import ExportFormatError
from ._base import Context, Loader, Parsed, Source, read_csv_records
from ._traffic import TOTAL_WORDS, finish_traffic, map_columns, norm_header, traffic_rows

__all__ = ["ReportDownload", "preamble_kind", "preamble_meta", "read_report_sections", "sections"]

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


def _lines(text: str) -> list[str]:
    """The text's lines, split at CR LF, CR or LF only, as a CSV reader counts them.

    ``str.splitlines`` also splits at U+2028, U+2029, ``\x85``, ``\x0b``, ``\x0c`` and ``\x1c``-``\x1e``,
    which a quoted cell may hold (a page title pasted from a web page): the sections are joined again
    with newlines, so such a character became a newline in the cell and moved every later line
    number by one."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def preamble_kind(head: str) -> str | None:
    """``"ga4"``, ``"ua"`` or None from the ``#`` lines at the top of a file.

    Universal Analytics puts its date range inside the first dash block (view, report, range);
    GA4 puts it after the block (``# Start date: ...`` or an exploration's ``# YYYYMMDD-YYYYMMDD``).
    """
    lines = _lines(head.lstrip("\ufeff"))
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

    A section is a run of non-blank, non-``#`` lines; line numbers are 0-based indices into the
    text's lines (:func:`_lines`), end exclusive. Comment lines before a section belong to it.
    """
    return _sections(_lines(text))


#: First characters of a line that may be a comment, blank or a table's end: ``#``, a BOM, whitespace.
_ODD_FIRST = frozenset("#\ufeff" + "".join(c for c in map(chr, range(0x3000 + 1)) if c.isspace()))


def _sections(lines: list[str]) -> tuple[list[str], list[tuple[list[str], int, int]]]:
    """:func:`sections` of the text's lines.

    Only lines that are empty or start with ``#``, a BOM or whitespace can be a comment, blank or the
    end of a table; every other line is a table row. Those few lines are found in one pass, the
    rows between them are skipped over, and each of the few is judged as a line-by-line walk would.
    """
    n = len(lines)
    special = [k for k, line in enumerate(lines) if not line or line[0] in _ODD_FIRST]
    is_special = set(special)
    out, comments, preamble = [], [], []
    i = 0
    while i < n:
        if i in is_special:
            s = lines[i].lstrip("\ufeff").strip()
            if s.startswith("#"):
                comments.append(s)
                i += 1
                continue
            if not s:
                i += 1
                continue
        j = i
        while j < n:
            if j in is_special:
                if lines[j].strip() and not lines[j].lstrip().startswith("#"):
                    j += 1
                    continue
                break
            k = bisect.bisect_left(special, j)  # rows up to the next line that may end the table
            j = special[k] if k < len(special) else n
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
    all_lines = _lines(source.text)
    secs = _sections(all_lines)[1]
    bodies = _bodies(all_lines, secs)
    del all_lines
    return _read_sections(source, ctx, parsed, bodies, secs, tool=tool, columns=columns,
                          meta=meta, day_formats=day_formats, derived=derived, first_user=first_user,
                          goal_pattern=goal_pattern)


def _bodies(all_lines: list[str], secs: list[tuple[list[str], int, int]]) -> list[str]:
    """The text each section is read from: the file's lines up to the section's end, joined by newlines."""
    return ["\n".join(all_lines[:end]) for _, _, end in secs]


def _read_sections(source: Source, ctx: Context, parsed: Parsed, bodies: list[str],
                   secs: list[tuple[list[str], int, int]], *, tool: str, columns: dict, meta: dict,
                   day_formats: tuple[str, ...], derived: set[str], first_user: re.Pattern | None = None,
                   goal_pattern: re.Pattern | None = None) -> pd.DataFrame:
    """:func:`read_report_sections` of the file's lines and sections, split once by the caller."""
    if not secs:
        raise ExportFormatError(f"{source.name}: the file has a '#' header block but no table. Was the download "
                                f"cut off? Download the report again.", file=source.name)
    frames = []
    for k, (comments, start, end) in enumerate(secs):
        own = dict(meta)
        if k and comments:  # a later section may restate the period or the segment
            own.update({key: v for key, v in preamble_meta(comments).items() if key in ("start", "end", "segment")})
        body, bodies[k] = bodies[k], ""  # the section's text is freed once read
        recs = read_csv_records(body, source=source, skip_lines=start)
        del body
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
                                   tool=tool, meta=own, day_formats=day_formats, goal_pattern=goal_pattern,
                                   canonical=True))
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
        lines = _lines(source.text)
        preamble, secs = _sections(lines)
        bodies = _bodies(lines, secs)
        del lines  # the lines (a string object each) are not needed once the sections' texts are joined
        meta = self.meta(preamble)
        meta["tz"] = ctx.zone_for(source, parsed.notes)
        if "title" in meta:
            parsed.notes.append(f"{self.label} report '{meta['title']}'")
        parsed.tables["traffic"] = _read_sections(
            source, ctx, parsed, bodies, secs, tool=self.tool, columns=self.columns, meta=meta,
            day_formats=self.day_formats, derived=self.derived, first_user=self.first_user,
            goal_pattern=self.goal_pattern)
        parsed.rows_read.setdefault("traffic", 0)
        return parsed
