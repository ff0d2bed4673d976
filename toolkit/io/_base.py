"""Building blocks shared by every loader: sources, decoding, CSV records with line numbers,
value parsers that report bad cells, and the loader registry.

A loader is a class with a ``format`` name and two methods::

    class MyLoader(Loader):
        format = "x_analytics_csv"
        def sniff(self, source: Source, ctx: Context) -> bool: ...  # cheap, content-based
        def read(self, source: Source, ctx: Context) -> Parsed: ...

registered with :func:`register`. ``sniff`` looks at content (header line, JSON keys, prefix), not
only at the file name. ``read`` returns canonical-column frames plus the rows it rejected, each
with a line, column and reason; :func:`toolkit.io.load` does the rest (casting, deduplication,
the load report).
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from ..errors import ExportFormatError, ParameterError

__all__ = [
    "DEFAULT_TZ",
    "Source",
    "Context",
    "Parsed",
    "Loader",
    "register",
    "loaders",
    "Records",
    "read_csv_records",
    "decode",
    "sniff_delimiter",
    "check_tz",
]

#: Time zone assumed for exports that carry no zone when ``tz=`` is not given (with a warning).
DEFAULT_TZ = "UTC"

_NA_TOKENS = {"", "-", "--", "n/a", "N/A", "NA", "null", "None", "nan", "NaN", "undefined"}


@dataclass
class Source:
    """One input file: a file on disk or a member of a zip/tar archive, read into memory.

    Attributes
    ----------
    name : str
        Display name used in messages and in ``source_file`` (``"dl.zip!data/tweets.js"``).
    data : bytes
        Raw content.
    """

    name: str
    data: bytes
    _text: str | None = field(default=None, repr=False)
    _encoding: str | None = field(default=None, repr=False)
    #: Modification time an archive records for the member (naive, as stored), else None:
    #: evidence of when the export was made (used for TikTok's year-less dates).
    modified: pd.Timestamp | None = field(default=None, repr=False)

    @property
    def basename(self) -> str:
        """File name without folders or archive prefix."""
        return re.split(r"[/\\!]", self.name)[-1]

    @property
    def suffix(self) -> str:
        """Lower-case extension with dot, e.g. ``".csv"``."""
        base = self.basename.lower()
        return base[base.rfind("."):] if "." in base else ""

    @property
    def encoding(self) -> str:
        """Encoding found by :func:`decode`."""
        if self._encoding is None:
            self.text  # noqa: B018 - decodes and caches
        return self._encoding  # type: ignore[return-value]

    @property
    def text(self) -> str:
        """Content decoded by BOM sniffing (UTF-16, UTF-8-sig, UTF-8, else cp1252)."""
        if self._text is None:
            self._text, self._encoding = decode(self.data)
        return self._text

    def head(self, n: int = 4096) -> str:
        """The first ``n`` characters of the decoded text (cheap; for sniffing)."""
        if self._text is not None:
            return self._text[:n]
        raw = self.data[: n * 4]
        try:
            return decode(raw, partial=True)[0][:n]
        except ExportFormatError:
            return ""


def decode(data: bytes, *, partial: bool = False) -> tuple[str, str]:
    """Decode bytes the way platform exports need: BOM first, then UTF-8, then cp1252.

    Returns ``(text, encoding)``. ``partial=True`` tolerates a multi-byte character cut at the end.
    """
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        raw = data[: len(data) - (len(data) % 2)] if partial else data
        return raw.decode("utf-16", errors="replace" if partial else "strict"), "utf-16"
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="ignore" if partial else "strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if partial and exc.start >= len(data) - 3:
            return data[: exc.start].decode("utf-8"), "utf-8"
    return data.decode("cp1252", errors="replace"), "cp1252"


def check_tz(tz: str | None, *, parameter: str = "tz") -> str | None:
    """Return ``tz`` if it names an IANA zone (or is None), else raise :class:`ParameterError`."""
    if tz is None:
        return None
    try:
        ZoneInfo(str(tz))
    except (ZoneInfoNotFoundError, ValueError):
        raise ParameterError(f"{parameter}={tz!r} is not an IANA time zone name; use e.g. "
                             f"'Europe/Berlin', 'America/New_York' or 'UTC'.") from None
    return str(tz)


@dataclass
class Context:
    """Options of one :func:`toolkit.io.load` call, shared by the loaders it runs.

    Attributes
    ----------
    tz : str or None
        Zone for exports without one (``tz=`` of :func:`load`).
    errors : {"raise", "reject"}
        What to do with a bad row: stop with an error, or reject the row with its reason.
    columns : dict
        User mapping of column names onto canonical names (generic CSV).
    year : int or None
        Year for exports whose dates have none (TikTok overview).
    """

    tz: str | None = None
    errors: str = "raise"
    columns: dict[str, str] = field(default_factory=dict)
    year: int | None = None
    _warned_tz: bool = field(default=False, repr=False)

    def zone_for(self, source: Source, notes: list[str]) -> str:
        """The zone to assume for a zone-less export, noting the assumption (warns once per load)."""
        if self.tz is not None:
            notes.append(f"times had no zone: assumed {self.tz} (tz=)")
            return self.tz
        notes.append(f"times had no zone and no tz= was given: assumed {DEFAULT_TZ}")
        if not self._warned_tz:
            self._warned_tz = True
            warnings.warn(f"{source.name}: the export's times carry no time zone and load() got no tz=; "
                          f"assuming {DEFAULT_TZ}. Pass tz='Europe/Berlin' (the zone your account's "
                          f"insights use) to fix.", stacklevel=4)
        return DEFAULT_TZ


@dataclass
class Parsed:
    """What a loader read from one source.

    Attributes
    ----------
    format : str
        Format id of the loader.
    tables : dict[str, DataFrame]
        Canonical-column frames by table name ("posts", "comments", "daily"); may hold extra columns.
    rows_read : dict[str, int]
        Input rows per table (data rows; header and description lines are not rows).
    rejected : list[dict]
        One dict per rejected input row: table, line, column, reason.
    notes : list[str]
        What the loader noticed (assumed zone, unknown columns kept out, ...).
    exported_at : pandas.Timestamp or None
        When the export was made, if the file says; newer exports win when rows are duplicated.
    """

    format: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    rows_read: dict[str, int] = field(default_factory=dict)
    rejected: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    exported_at: pd.Timestamp | None = None


class Loader:
    """Base class of format loaders; see the module docstring."""

    format: str = ""
    #: Lower numbers are tried first; generic fallbacks use high numbers.
    priority: int = 50

    def sniff(self, source: Source, ctx: Context) -> bool:  # pragma: no cover - interface
        raise NotImplementedError

    def read(self, source: Source, ctx: Context) -> Parsed:  # pragma: no cover - interface
        raise NotImplementedError


_REGISTRY: list[Loader] = []


def register(cls: type[Loader]) -> type[Loader]:
    """Class decorator adding a loader to the registry (idempotent)."""
    if not any(type(l) is cls for l in _REGISTRY):
        _REGISTRY.append(cls())
        _REGISTRY.sort(key=lambda l: (l.priority, l.format))
    return cls


def loaders() -> list[Loader]:
    """Registered loaders in the order they are tried."""
    return list(_REGISTRY)


def sniff_delimiter(header_line: str) -> str:
    """The delimiter among ``,``, ``;`` and tab that splits the header line into most fields."""
    counts = {d: _count_outside_quotes(header_line, d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def _count_outside_quotes(line: str, ch: str) -> int:
    n, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == ch and not quoted:
            n += 1
    return n


@dataclass
class Records:
    """CSV data rows as a string frame plus the physical line where each row starts.

    ``frame`` has one string column per header field (original header text, stripped);
    ``lines[i]`` is the 1-based line of row ``i``; ``bad`` lists rows with the wrong number of
    fields (dicts with line, column, reason), which are not in ``frame``.
    """

    frame: pd.DataFrame
    lines: np.ndarray
    header: list[str]
    header_line: int
    bad: list[dict]
    delimiter: str

    def line_of(self, mask) -> np.ndarray:
        """Physical lines of the rows selected by a boolean mask."""
        return self.lines[np.asarray(mask, dtype=bool)]


def read_csv_records(text: str, *, source: Source, delimiter: str | None = None,
                     skip_lines: int = 0) -> Records:
    """Parse CSV text with a real CSV parser, keeping the line number of every record.

    Quoted fields may hold delimiters, ``""`` escapes and raw newlines. Blank lines are not rows.
    ``skip_lines`` physical lines (title or ``sep=`` lines) are skipped before the header.
    """
    buf = io.StringIO(text, newline="")
    for _ in range(skip_lines):
        buf.readline()
    start = buf.tell()
    first = buf.readline()
    if not first.strip():
        raise ExportFormatError(f"{source.name}, line {skip_lines + 1}: expected a header line, found "
                                f"an empty line. Is the file empty or cut off? Export it again.",
                                file=source.name, line=skip_lines + 1)
    delim = delimiter or sniff_delimiter(first)
    buf.seek(start)
    reader = csv.reader(buf, delimiter=delim)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise ExportFormatError(f"{source.name}, line {skip_lines + 1}: cannot read the header ({exc}).",
                                file=source.name, line=skip_lines + 1) from None
    header = [h.strip().lstrip("\ufeff") for h in header]
    header_line = skip_lines + 1
    rows: list[list[str]] = []
    lines: list[int] = []
    bad: list[dict] = []
    prev = reader.line_num + skip_lines
    ncol = len(header)
    while True:
        try:
            rec = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            line = prev + 1
            raise ExportFormatError(f"{source.name}, line {line}: broken CSV quoting ({exc}). Was the file "
                                    f"edited by hand or cut off? Export it again.",
                                    file=source.name, line=line) from None
        line = prev + 1
        prev = reader.line_num + skip_lines
        if not rec or (len(rec) == 1 and not rec[0].strip()):
            continue
        if len(rec) != ncol:
            if len(rec) > ncol and not any(f.strip() for f in rec[ncol:]):
                rec = rec[:ncol]
            else:
                bad.append({"line": line, "column": None,
                            "reason": f"has {len(rec)} fields, the header has {ncol}"})
                continue
        rows.append(rec)
        lines.append(line)
    frame = pd.DataFrame(rows, columns=_dedupe_names(header), dtype="string") if rows else \
        pd.DataFrame({h: pd.Series(dtype="string") for h in _dedupe_names(header)})
    return Records(frame, np.asarray(lines, dtype=np.int64), header, header_line, bad, delim)


def _dedupe_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        k = seen.get(n, 0)
        out.append(n if k == 0 else f"{n}.{k}")
        seen[n] = k + 1
    return out


# --- value parsers -------------------------------------------------------------------------------
# Each returns (values, bad_mask). Callers turn bad cells into errors or rejected rows with
# ``CellProblems``.


def is_na_token(s: pd.Series) -> pd.Series:
    """True where a cell means "not reported" (blank, ``-``, ``N/A``, ...)."""
    return s.isna() | s.str.strip().isin(_NA_TOKENS)


def parse_int(s: pd.Series, *, thousands: str | None = ",", decimal: str = ".") -> tuple[pd.Series, pd.Series]:
    """Parse counts: ``"12,400"``, ``"424.0"``, ``"1.234"`` (with ``thousands="."``); NA tokens -> <NA>.

    Returns ``(Int64 series, bad mask)``. A value with a fractional part is bad.
    """
    na = is_na_token(s)
    t = s.fillna("").str.strip()
    if thousands:
        t = t.str.replace(thousands, "", regex=False)
    t = t.str.replace("\u202f", "", regex=False).str.replace("\xa0", "", regex=False)
    if decimal != ".":
        t = t.str.replace(decimal, ".", regex=False)
    num = pd.to_numeric(t.where(~na), errors="coerce")
    bad = (num.isna() & ~na) | (num.notna() & (num % 1 != 0))
    out = num.where(~bad).astype("Float64").round().astype("Int64")
    return out, bad.fillna(False).astype(bool)


def parse_float(s: pd.Series, *, thousands: str | None = ",", decimal: str = ".") -> tuple[pd.Series, pd.Series]:
    """Parse decimals (percent strings like ``"6.14%"`` become 0.0614). Returns (Float64, bad mask)."""
    na = is_na_token(s)
    t = s.fillna("").str.strip()
    pct = t.str.endswith("%")
    t = t.str.rstrip("%").str.strip()
    if thousands:
        t = t.str.replace(thousands, "", regex=False)
    if decimal != ".":
        t = t.str.replace(decimal, ".", regex=False)
    num = pd.to_numeric(t.where(~na), errors="coerce")
    num = num.where(~pct, num / 100)
    bad = num.isna() & ~na
    return num.astype("Float64"), bad.fillna(False).astype(bool)


_TRUE = {"true", "1", "yes", "y", "ja", "wahr", "x"}
_FALSE = {"false", "0", "no", "n", "nein", "falsch", ""}


def parse_bool(s: pd.Series, *, default: bool = False) -> tuple[pd.Series, pd.Series]:
    """Parse true/false, 1/0, yes/no (ja/nein). Blank -> ``default``. Returns (bool series, bad mask)."""
    t = s.fillna("").str.strip().str.lower()
    out = t.isin(_TRUE)
    bad = ~(t.isin(_TRUE) | t.isin(_FALSE))
    out = out.where(t != "", default)
    return out.astype(bool), bad.astype(bool)


_DATE_ONLY_RE = r"^\s*\d{4}-\d{2}-\d{2}\s*$"
_OFFSET_RE = r"\d:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[zZ]|UTC|GMT|[+-]\d{2}(?::?\d{2})?)\s*$"


def parse_datetime(s: pd.Series, *, tz: str | None, formats: tuple[str | None, ...] = (None,),
                   dayfirst: bool = False) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse timestamps to UTC.

    Values with an offset (``2024-03-31T18:00:00+02:00``, ``Z``, ``+0000``) are converted; values
    without one are local time in ``tz`` (DST-aware: a nonexistent local time moves forward, an
    ambiguous one takes the first, summer-time occurrence). Values with a date only
    (``2024-03-31``) are midnight in ``tz`` and flagged in the ``date_only`` mask.

    ``formats`` are tried in order (``None`` = ISO 8601, or day-first when ``dayfirst``).

    Returns ``(UTC series, date_only mask, bad mask)``.
    """
    na = is_na_token(s)
    t = s.fillna("").str.strip()
    date_only = (t.str.match(_DATE_ONLY_RE) & ~na).astype(bool)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns, UTC]")
    todo = ~na
    aware = t.str.contains(_OFFSET_RE, regex=True)
    for fmt in formats:
        for is_aware in (True, False):
            sel = todo & (aware == is_aware)
            if not sel.any():
                continue
            vals = t[sel]
            if fmt is None and not dayfirst:
                parsed = pd.to_datetime(vals, errors="coerce", format="ISO8601", utc=is_aware)
            elif fmt is None:
                parsed = pd.to_datetime(vals, errors="coerce", dayfirst=True, utc=is_aware)
            else:
                parsed = pd.to_datetime(vals, errors="coerce", format=fmt, utc=is_aware)
            ok = parsed.notna()
            if not ok.any():
                continue
            got = parsed[ok]
            if not is_aware:
                got = localize(got, tz or DEFAULT_TZ)
            out.loc[got.index] = got.dt.tz_convert("UTC")
            todo = todo & out.isna()
    bad = (todo & ~na).astype(bool)
    return out, date_only, bad


def localize(naive: pd.Series, tz: str) -> pd.Series:
    """Attach ``tz`` to naive local times and convert to UTC, across daylight-saving changes.

    A local time that does not exist (the spring-forward hour) moves forward; an ambiguous one
    (the repeated autumn hour) is read as the first, daylight-saving occurrence.
    """
    if tz == "UTC":
        return naive.dt.tz_localize("UTC")
    flags = np.ones(len(naive), dtype=bool)
    return naive.dt.tz_localize(tz, nonexistent="shift_forward", ambiguous=flags).dt.tz_convert("UTC")


class CellProblems:
    """Collects bad cells of one source and turns them into an error or rejected rows.

    With ``errors="raise"`` :meth:`finish` raises one :class:`ExportFormatError` naming the file,
    the first bad lines and columns, the values found and what was expected, and the count.
    With ``errors="reject"`` the rows are dropped from the frame and listed with their reasons.
    """

    def __init__(self, source: Source, records_lines: np.ndarray, table: str) -> None:
        self.source = source
        self.lines = records_lines
        self.table = table
        self.items: list[tuple[np.ndarray, str, pd.Series, str]] = []

    def add(self, mask: pd.Series, column: str, values: pd.Series, expected: str) -> None:
        """Record that the cells of ``column`` selected by ``mask`` did not parse as ``expected``."""
        m = np.asarray(mask, dtype=bool)
        if m.any():
            self.items.append((m, column, values, expected))

    def finish(self, frame: pd.DataFrame, ctx: Context, parsed: Parsed, *, hint: str = "") -> pd.DataFrame:
        """Raise (``errors="raise"``) or drop and record the bad rows (``errors="reject"``)."""
        if not self.items:
            return frame
        if ctx.errors == "raise":
            first = []
            total = 0
            for m, col, vals, expected in self.items:
                idx = np.flatnonzero(m)
                total += len(idx)
                for i in idx[:3]:
                    first.append((int(self.lines[i]), col, vals.iloc[i], expected))
            first.sort()
            line, col, val, expected = first[0]
            more = f" ({total} bad cell(s) in all; first at lines {sorted({f[0] for f in first})[:5]})" \
                if total > 1 else ""
            raise ExportFormatError(
                f"{self.source.name}, line {line}, column '{col}': cannot read {val!r} as {expected}{more}. "
                f"{hint or 'Fix the cell or export the file again'}; or pass errors='reject' to load() to "
                f"skip bad rows and list them in the load report.",
                file=self.source.name, line=line, column=col)
        drop = np.zeros(len(frame), dtype=bool)
        for m, col, vals, expected in self.items:
            for i in np.flatnonzero(m & ~drop):
                parsed.rejected.append({"table": self.table, "line": int(self.lines[i]), "column": col,
                                        "reason": f"cannot read {vals.iloc[i]!r} as {expected}"})
            drop |= m
        return frame.loc[~drop].reset_index(drop=True)
