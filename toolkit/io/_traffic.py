"""Helpers shared by the web-analytics loaders (GA4, Universal Analytics, Matomo).

A report arrives as a table of strings (one CSV section, or API rows turned into strings), with
the tool's own, often localized, column names. :func:`traffic_rows` turns it into rows of the
canonical traffic table (:data:`toolkit.schema.TRAFFIC`): it maps header names through alias
tables, parses days and localized numbers (``1.234``, ``"66,67 %"`` with a no-break space,
``£0.00``), counts totals rows as skipped, and records every unreadable cell with its line.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..schema import TRAFFIC, _missing
from ._base import _NA_TOKENS, _WS, CellProblems, Context, Parsed, Source, extract, is_na_token, per_distinct
from ._coerce import to_datetime
from ._digits import cell_bytes

__all__: list[str] = []  # package-internal

#: Words tools write into the dimension cell of a totals row (English, German, French, Dutch).
TOTAL_WORDS = {"grand total", "gesamtsumme", "gesamt", "insgesamt", "summe", "total", "totals", "totaux",
               "total général", "totaal", "eindtotaal"}
#: Canonical dimension names that can make up a report's breakdown, in the order used for ``breakdown``.
DIMENSIONS = ("date", "channel", "source", "medium", "campaign", "content", "landing_page")
_METRICS_INT = ("sessions", "engaged_sessions", "bounces", "users", "new_users", "conversions")
_CURRENCY_RE = re.compile(r"[€$£¥]|US\$|EUR|USD|GBP|CHF|Fr\.", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
# The same two patterns spelled for pandas to run in Arrow (RE2) rather than Python's re cell by cell:
# case variants written out (Python's IGNORECASE also lets 'ſ' match 's'), whitespace as the
# characters of Python's \s (U+00A0, U+202F and U+2009 are among them).
_CURRENCY = "[€$£¥]|[Uu][Ssſ]\\$|[Ee][Uu][Rr]|[Uu][Ssſ][Dd]|[Gg][Bb][Pp]|[Cc][Hh][Ff]|[Ff][Rr]\\."
_SPACES_TEXT = _WS + "+"


def norm_header(name: str) -> str:
    """Normalise a header for alias lookup: lower case, BOM/quotes/formula guard removed, dashes unified,
    spaces collapsed and dropped around ``/`` and ``-`` (``"Sitzung – Quelle / Medium"`` ->
    ``"sitzung-quelle/medium"``)."""
    s = str(name).replace("\ufeff", "").strip().strip('"').lstrip("'").lower()
    s = re.sub(r"[\u2013\u2014\u2212]", "-", s)
    s = _SPACES.sub(" ", s).strip()
    return re.sub(r"\s*([/-])\s*", r"\1", s)


def map_columns(header: list[str], aliases: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Map header fields onto canonical names; the first field found for a name wins.

    ``aliases`` keys are normalised names (:func:`norm_header`); values are canonical names, or
    ``"name:rank"`` where a lower rank wins over a field found earlier (``users:0`` for "Total users"
    beats ``users:2`` for "Active users"). Returns ``({canonical: field}, unknown fields)``.
    """
    best: dict[str, tuple[int, str]] = {}
    unknown = []
    for h in header:
        target = aliases.get(norm_header(h))
        if target is None:
            unknown.append(h)
            continue
        name, _, rank = target.partition(":")
        r = int(rank or 0)
        if name not in best or r < best[name][0]:
            best[name] = (r, h)
    return {k: v[1] for k, v in best.items()}, unknown


_DECIMAL_COMMA = r"-?\d+,\d+|-?\d{1,3}(?:\.\d{3})+(?:,\d+)?"
_DECIMAL_POINT = r"-?\d+\.\d{1,2}|-?\d+\.\d{4,}|-?\d{1,3}(?:,\d{3})+(?:\.\d+)?"
_DECIMAL_POINT_RE = re.compile(_DECIMAL_POINT)


def decimal_mark(values: list[pd.Series]) -> str:
    """``","`` when the number cells look German/Dutch/French (``1.234``, ``"66,67 %"``, ``3,5``) and
    none look English (``1,234``, ``0.5``), else ``"."``."""
    de = en = 0
    for s in values:
        counts = s.dropna().astype(str).value_counts()  # each distinct cell once, weighted by its count
        t = pd.Series(counts.index, dtype="string").str.replace(_CURRENCY, "", regex=True)
        t = t.str.replace("%", "", regex=False).str.replace(_SPACES_TEXT, "", regex=True)
        weight = counts.to_numpy()
        de += int(weight[t.str.fullmatch(_DECIMAL_COMMA).to_numpy(dtype=bool)].sum())
        en += int(weight[t.str.fullmatch(_DECIMAL_POINT).to_numpy(dtype=bool)].sum())
    return "," if de > 0 and en == 0 else "."


@per_distinct
def parse_number(s: pd.Series, *, decimal: str = ".") -> tuple[pd.Series, pd.Series]:
    """Parse localized numbers, percents (to fractions) and currency amounts.

    ``"3,215"`` (English thousands), ``"1.234"`` / ``"66,67 %"`` (with ``decimal=","``), ``"25 %"``
    with U+00A0, ``"£0.00"``, ``"US$ 0,00"``, ``"1 200"``. Blank/``-`` -> <NA>. Returns
    ``(Float64 values, bad mask)``.
    """
    if _arrow(s.astype("string")):
        return _parse_number_arrow(s.astype("string"), decimal)
    return _parse_number_pandas(s, decimal)


def _parse_number_pandas(s: pd.Series, decimal: str) -> tuple[pd.Series, pd.Series]:
    """:func:`parse_number` by pandas' string methods (any string storage)."""
    na = is_na_token(s.astype("string"))
    t = s.astype("string").fillna("").str.strip()
    pct = t.str.endswith("%")
    t = t.str.replace("%", "", regex=False).str.replace(_CURRENCY, "", regex=True)
    t = t.str.replace(_SPACES_TEXT, "", regex=True)
    thousands = "." if decimal == "," else ","
    t = t.str.replace(thousands, "", regex=False)
    if decimal == ",":
        t = t.str.replace(",", ".", regex=False)
    num = pd.to_numeric(t.where(~na), errors="coerce").astype("Float64")  # "50%" alone: whole numbers, then 0.5
    num = num.where(~pct, num / 100)
    bad = (num.isna() & ~na).fillna(False).astype(bool)
    return num.astype("Float64"), bad


#: Distinct cells :meth:`_Distinct.decimal_mark` matches first: one looking English answers ".".
_FIRST_LOOK = 64


class _Distinct:
    """The distinct cells of several columns as one ``string`` Series (and a last ``<NA>``), with each
    column's position of its cells in it.

    :func:`parse_number` reads a cell by the cell alone and :func:`decimal_mark` answers from which
    distinct cells occur (a count only adds weight to a match), so both can run once over the distinct
    cells of all of a report's metric columns instead of once per column: the same results with a
    fifth of the string operations for a report of five metrics. The decimal mark of some of the
    columns, or of some rows only (without a totals row), is answered from the same per-cell matches;
    the parsed values of each decimal mark are kept, so no cell is read twice.

    Arrow strings: the cells of all columns are dictionary-encoded at once (a cell in two columns is one
    distinct cell; every column's codes point into the one dictionary, offset 0); the Series of the cells
    is made only when asked for, the steps run on the Arrow arrays. The decimal mark is first answered
    from a few cells in use (one that looks English decides), the marks of every cell only when needed.
    """

    def __init__(self, columns: list[pd.Series]) -> None:
        self.index = [s.index for s in columns]
        self._marks: tuple[np.ndarray, np.ndarray] | None = None
        self._parsed: dict[str, tuple] = {}
        self._bytes: np.ndarray | None = None
        self._series: pd.Series | None = None
        self._pa = None
        self._english: int | None = None  # position of a distinct cell seen looking English
        if columns and all(_arrow_values(s.array) for s in columns):
            # Arrow strings: the cells of all columns encoded at once (one dictionary, shared: a cell in
            # two columns is read once); every column's codes point into it
            import pyarrow as pa
            import pyarrow.compute as pc
            chunks = [c if c.type == pa.large_string() else c.cast(pa.large_string())
                      for s in columns for c in s.array._pa_array.chunks]
            enc = pc.dictionary_encode(pa.concat_arrays(chunks) if chunks else pa.array([], pa.large_string()))
            codes = pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False)
            ends = np.cumsum([len(s) for s in columns])
            self.missing = len(enc.dictionary)  # position of the <NA> cell
            self.codes = [(c, 0) for c in np.split(codes, ends[:-1])]
            self.sizes = [self.missing] * len(columns)
            self._pa = pa.chunked_array([enc.dictionary, pa.nulls(1, pa.large_string())])
            return
        parts, self.codes, self.sizes, offset = [], [], [], 0
        for s in columns:
            codes, uniques = s.astype("string").array.factorize()
            parts.append(pd.Series(uniques, dtype="string"))
            self.codes.append((codes, offset))
            self.sizes.append(len(uniques))
            offset += len(uniques)
        self.missing = offset  # position of the <NA> cell
        self._series = pd.concat(parts + [pd.Series([None], dtype="string")], ignore_index=True)

    @property
    def cells(self) -> pd.Series:
        """The distinct cells and a last <NA>, a ``string`` Series."""
        if self._series is None:
            self._series = pd.Series(pd.array(self._pa, dtype="string"))
        return self._series

    def _cell_marks(self) -> tuple[np.ndarray, np.ndarray]:
        """Per distinct cell (without the last <NA>): (looks German, looks English), matched as
        :func:`decimal_mark` matches them."""
        if self._marks is not None:
            return self._marks
        if self._pa is not None:
            import pyarrow.compute as pc
            arr, norm = self._pa.slice(0, self.missing), self._normalized()[0].slice(0, self.missing)
            t = _dm_text(arr, norm, letters=self._letters())
            if pc.all(pc.string_is_ascii(t)).as_py() is not False:
                # ASCII cells: pandas' str.fullmatch runs this RE2 pattern itself (\d needs Python only
                # beyond ASCII)
                marks = tuple(pc.match_substring_regex(t, f"^(({p})$)").to_numpy(zero_copy_only=False)
                              for p in (_DECIMAL_COMMA, _DECIMAL_POINT))
            else:
                t = pd.Series(pd.array(t, dtype="string"))
                marks = tuple(t.str.fullmatch(p).to_numpy(dtype=bool, na_value=False)
                              for p in (_DECIMAL_COMMA, _DECIMAL_POINT))
        else:
            cells = self.cells[:self.missing]
            t = cells.str.replace(_CURRENCY, "", regex=True)
            t = t.str.replace("%", "", regex=False).str.replace(_SPACES_TEXT, "", regex=True)
            marks = tuple(t.str.fullmatch(p).to_numpy(dtype=bool, na_value=False)
                          for p in (_DECIMAL_COMMA, _DECIMAL_POINT))
        self._marks = marks
        return marks

    def _looks_english(self, at: np.ndarray) -> bool:
        """Whether one of the Arrow cells at positions ``at`` (a few) looks English, matched by Python's ``re``
        as :func:`decimal_mark` matches it (``str.fullmatch``; Arrow's RE2 matches ASCII cells the same way,
        but compiles its pattern on every call)."""
        texts = _dm_text(self._pa.slice(0, self.missing).take(at),
                         self._normalized()[0].slice(0, self.missing).take(at), letters=self._letters())
        for pos, t in zip(at, texts.to_pylist()):
            if t is not None and _DECIMAL_POINT_RE.fullmatch(t) is not None:
                self._english = int(pos)
                return True
        return False

    def _letters(self) -> bool:
        """Whether a cell may hold a letter (any byte beyond ASCII counts as one): see :func:`_cell_bytes`."""
        b = self._cell_bytes()
        return bool(b[0x80:].any() or b[ord("A"):ord("Z") + 1].any() or b[ord("a"):ord("z") + 1].any())

    def _cell_bytes(self) -> np.ndarray:
        """:func:`_cell_bytes` of the Arrow cells, once."""
        if self._bytes is None:
            self._bytes = _cell_bytes(self._pa)
        return self._bytes

    def _normalized(self):
        """(cells without %, currency and spaces, not-reported mask, percent mask) of the Arrow cells."""
        if "_norm" not in self._parsed:
            self._parsed["_norm"] = _arrow_text(self._pa, present=self._cell_bytes())
        return self._parsed["_norm"]

    def _used(self, columns: list[int] | None, rows: np.ndarray | None) -> np.ndarray:
        """Positions of the distinct cells (not <NA>) that occur in these columns (and rows)."""
        used = np.zeros(self.missing, dtype=bool)
        for k, (codes, offset) in enumerate(self.codes):
            if columns is not None and k not in columns:
                continue
            c = codes if rows is None else codes[rows]
            used[c[c >= 0] + offset] = True
        return used

    def decimal_mark(self, columns: list[int] | None = None, rows: np.ndarray | None = None) -> str:
        """:func:`decimal_mark` of the columns (those at ``columns`` and the ``rows`` selected by a boolean
        mask, else all): ``","`` when some cell looks German and none English."""
        used = self._used(columns, rows)
        if self._marks is None and self._pa is not None:
            # a first look at a few of the cells in use: one that looks English answers (usually the first)
            if self._english is not None and used[self._english]:  # a cell already seen looking English
                return "."
            first = np.flatnonzero(used)[:_FIRST_LOOK]
            if len(first) and self._looks_english(first):
                return "."
        de, en = self._cell_marks()
        return "," if de[used].any() and not en[used].any() else "."

    def _numbers(self, decimal: str) -> tuple[pd.arrays.FloatingArray, np.ndarray]:
        """:func:`parse_number` of every distinct cell, computed once per decimal mark."""
        if decimal not in self._parsed:
            if self._pa is not None:
                self._parsed[decimal] = _numbers_arrow(self._pa, decimal, normalized=self._normalized(),
                                                       dtype=pd.StringDtype("pyarrow"))
                return self._parsed[decimal]
            num, bad = parse_number.__wrapped__(self.cells, decimal=decimal)
            self._parsed[decimal] = (num.array, bad.to_numpy(dtype=bool))
        return self._parsed[decimal]

    def column(self, k: int, decimal: str, rows: np.ndarray | None = None,
               index: pd.Index | None = None) -> tuple[pd.Series, pd.Series]:
        """:func:`parse_number` of column ``k`` (of its ``rows`` only, on ``index``, when given)."""
        num, bad = self._numbers(decimal)
        return self._spread(num, bad, k, rows, index)

    def column_arrays(self, k: int, decimal: str, rows: np.ndarray | None = None):
        """:meth:`column` as arrays: (Float64 values, bad cells)."""
        num, bad = self._numbers(decimal)
        return self._spread_arrays(num, bad, k, rows)

    def _spread(self, values, flags: np.ndarray, k: int, rows: np.ndarray | None, index: pd.Index | None
                ) -> tuple[pd.Series, pd.Series]:
        """Per-distinct-cell ``values`` and ``flags`` spread to the cells of column ``k`` (its ``rows``)."""
        values, flags = self._spread_arrays(values, flags, k, rows)
        index = self.index[k] if index is None else index
        return pd.Series(values, index=index, copy=False), pd.Series(flags, index=index, copy=False)

    def _spread_arrays(self, values, flags: np.ndarray, k: int, rows: np.ndarray | None):
        """:meth:`_spread` as arrays."""
        codes, offset = self.codes[k]
        at = np.where(codes < 0, self.missing, codes + offset)
        if rows is not None:
            at = at[rows]
        return values.take(at), flags[at]

    def count_column(self, k: int, decimal: str, rows: np.ndarray | None = None,
                     index: pd.Index | None = None) -> tuple[pd.Series, pd.Series]:
        """:func:`to_count` of :meth:`column` (a cell's count depends on the cell alone: once per cell)."""
        counts, frac = self._counts(decimal)
        return self._spread(counts, frac, k, rows, index)

    def count_arrays(self, k: int, decimal: str, rows: np.ndarray | None = None):
        """:meth:`count_column` as arrays: (Int64 counts, not whole)."""
        counts, frac = self._counts(decimal)
        return self._spread_arrays(counts, frac, k, rows)

    def _counts(self, decimal: str):
        """:func:`to_count` of every distinct cell's number, once per decimal mark."""
        key = decimal + "count"
        if key not in self._parsed:
            num = self._numbers(decimal)[0]
            got = _count_array(num) if isinstance(num, pd.arrays.FloatingArray) else None
            if got is None:
                counts, frac = to_count(pd.Series(num))
                got = (counts.array, frac.to_numpy(dtype=bool))
            self._parsed[key] = got
        return self._parsed[key]

    def first_currency(self, k: int, rows: np.ndarray | None = None) -> str | None:
        """:func:`_first_currency` of column ``k`` (of its ``rows``), matched once per distinct cell."""
        codes, offset = self.codes[k]
        if rows is not None:
            codes = codes[rows]
        own = self.cells[offset:offset + self.sizes[k]] if self._pa is None else None
        if own is not None:
            return _first_currency(pd.Series(own.array.take(codes, allow_fill=True), dtype="string"))
        import pyarrow.compute as pc
        # the first cells by Python's re (usually the first holds the symbol), then Arrow over all of them
        head = codes[:_FIRST_LOOK]
        head = head[head >= 0]
        own = self._pa.slice(0, self.missing)
        for cell in own.take(head).to_pylist():
            m = _CURRENCY_RE.search(cell)
            if m is not None:
                return m.group(0)
        hit = pc.fill_null(pc.match_substring_regex(own, _CURRENCY), False).to_numpy(zero_copy_only=False)
        where = np.flatnonzero((codes >= 0) & hit[np.maximum(codes, 0)] if len(hit) else np.zeros(0, dtype=bool))
        if not len(where):
            return None
        return _CURRENCY_RE.search(own[int(codes[where[0]])].as_py()).group(0)

    def parse(self, decimal: str) -> list[tuple[pd.Series, pd.Series]]:
        """:func:`parse_number` of each column, in the order given."""
        return [self.column(k, decimal) for k in range(len(self.codes))]


def _arrow(s: pd.Series) -> bool:
    return isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow"


def _cell_bytes(arr) -> np.ndarray:
    """Which of the 256 byte values occur in the UTF-8 text of an Arrow string array's cells (or more:
    the bytes of a sliced array's whole value range may be counted). Any byte from 0x80 is a character
    beyond ASCII."""
    import pyarrow as pa
    present = np.zeros(256, dtype=bool)
    for chunk in (arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]):
        data = cell_bytes(chunk)[1] if len(chunk) else None
        if data is not None and len(data):
            present |= np.bincount(data, minlength=256).astype(bool)
    return present


#: Bytes that can start a match of ``_CURRENCY`` (``[€$£¥]``, ``US$``, ``EUR`` ... are ASCII letters, ``$``
#: or beyond ASCII) and bytes of ``_WS`` (its ASCII characters; the others are beyond ASCII).
_CURRENCY_FIRST = np.zeros(256, dtype=bool)
_CURRENCY_FIRST[[ord(c) for c in "UuEeGgCcFf$"]] = True
_CURRENCY_FIRST[0x80:] = True
_WS_BYTES = np.zeros(256, dtype=bool)
_WS_BYTES[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True
_WS_BYTES[0x80:] = True


_NA_SETS: dict = {}  # _NA_TOKENS as an Arrow array, per string type


def _arrow_text(arr, *, present: np.ndarray | None = None):
    """The steps of :func:`parse_number` before the decimal mark matters, on an Arrow array: the cells
    stripped (``str.strip``: ``utf8_trim_whitespace``), without ``%``, currency and spaces (``str.replace``:
    ``replace_substring(_regex)``); the not-reported mask (``isin``: ``is_in``) and the percent mask.

    ``present``: :func:`_cell_bytes` of ``arr``, when known. A pattern whose every match starts with a
    byte that occurs in no cell is not run (it would change nothing); cells of ASCII without a letter
    can hold ``$`` as their only currency symbol, removed as plain text."""
    import pyarrow as pa
    import pyarrow.compute as pc
    if present is None:
        present = _cell_bytes(arr)
    stripped = pc.utf8_trim_whitespace(arr)
    if stripped.type not in _NA_SETS:
        _NA_SETS[stripped.type] = pa.array(sorted(_NA_TOKENS), type=stripped.type)
    tokens = pc.is_in(stripped, value_set=_NA_SETS[stripped.type])
    na = arr.is_null().to_numpy(zero_copy_only=False) | pc.fill_null(tokens, False).to_numpy(zero_copy_only=False)
    t = pc.fill_null(stripped, "")
    pct = pc.ends_with(t, "%").to_numpy(zero_copy_only=False)
    currency = (present & _CURRENCY_FIRST & ~_DOLLAR).any()
    # "%" removed, then "$" when it is the only character of a match (the pattern's matches are the "$"s)
    t = _drop_ascii(t, ("%" if present[ord("%")] else "") + ("$" if present[ord("$")] and not currency else ""))
    if currency:
        t = pc.replace_substring_regex(t, _CURRENCY, "")
    if (present & _WS_BYTES).any():
        t = pc.replace_substring_regex(t, _SPACES_TEXT, "")
    return t, na, pct


def _drop_ascii(arr, chars: str):
    """``replace_substring(arr, c, "")`` for each ASCII character ``c`` of ``chars``, in one pass over the bytes
    (an ASCII byte is never part of a longer UTF-8 character, so dropping the bytes drops the characters)."""
    import pyarrow as pa
    if not chars:
        return arr
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    n = len(arr)
    kind = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    off = np.frombuffer(arr.buffers()[1], dtype=kind)[arr.offset:arr.offset + n + 1].astype(np.int64)
    if not n or off[-1] == off[0]:
        return arr
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)[off[0]:off[-1]]
    drop = data == ord(chars[0])
    for c in chars[1:]:
        drop |= data == ord(c)
    if not drop.any():
        return arr
    dropped = np.concatenate(([0], np.cumsum(drop, dtype=np.int64)))
    off = off - off[0]
    offsets = (off - dropped[off]).astype(kind)
    valid = None if not arr.null_count else pa.array(arr.is_valid()).buffers()[1]
    return type(arr).from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data[~drop]), valid,
                                  null_count=arr.null_count)


_DOLLAR = np.zeros(256, dtype=bool)
_DOLLAR[ord("$")] = True


def _dm_text(arr, normalized, *, letters: bool = True):
    """The cells as :func:`decimal_mark` matches them (currency, then ``%``, then spaces removed), taken
    from :func:`_arrow_text`'s cells (``%``, then currency, then spaces) where that is the same text.

    Stripping changes nothing once every space is removed (``utf8_trim_whitespace`` trims only characters
    of ``_WS``), and removing ``%`` before or after the currency gives the same text unless a cell holds
    both a ``%`` and a letter (every currency word has one: ``E%UR``). Such cells are redone in
    :func:`decimal_mark`'s order. ``letters=False``: the caller knows that no cell holds a letter (nor a
    character beyond ASCII)."""
    import pyarrow.compute as pc
    if not letters:
        return normalized
    odd = pc.and_(pc.match_substring(arr, "%"), pc.match_substring_regex(arr, "[A-Za-zſ]"))
    odd = pc.fill_null(odd, False)
    if pc.any(odd).as_py():
        own = pc.replace_substring_regex(arr, _CURRENCY, "")
        own = pc.replace_substring_regex(pc.replace_substring(own, "%", ""), _SPACES_TEXT, "")
        t = pc.if_else(odd, own, normalized)
    else:
        t = normalized
    return t


#: Cells pandas' ``to_numeric`` and Arrow's cast read to the same float: plain digits (at most 15, so
#: the float is exact), or digits with a decimal point and at most 15 characters (15 significant
#: digits: every correctly rounding reader gives the same float).
_PLAIN_INT = "^[0-9]{1,15}$"
_PLAIN_DECIMAL = r"^[0-9]+\.[0-9]+$"


def _to_float(t, dtype) -> pd.Series:
    """``pd.to_numeric(t, errors="coerce").astype("Float64")`` of an Arrow string array whose missing
    cells are null. When every cell is plain (``_PLAIN_INT``/``_PLAIN_DECIMAL``), Arrow casts it:
    the same values without a Python object per cell."""
    return pd.Series(_to_float_array(t, dtype))


def _to_float_array(t, dtype) -> pd.arrays.FloatingArray:
    """:func:`_to_float` as an array."""
    import pyarrow as pa
    import pyarrow.compute as pc
    plain = _all_plain(t)
    if plain is None:  # the patterns decide
        ints = pc.match_substring_regex(t, _PLAIN_INT)
        if pc.all(ints).as_py() is not False:  # all plain integers (or all missing)
            return pd.array(pc.cast(pc.cast(t, pa.int64()), pa.float64()), dtype="Float64")
        decs = pc.and_(pc.match_substring_regex(t, _PLAIN_DECIMAL), pc.less_equal(pc.utf8_length(t), 15))
        plain = pc.all(pc.or_(ints, decs)).as_py() is not False
    if plain:
        # an integer cell read as an integer first or as a float: "-0" cannot occur (no sign), integers of
        # at most 15 digits are exact either way, so the floats are equal
        return pd.array(pc.cast(t, pa.float64()), dtype="Float64")
    return pd.to_numeric(pd.Series(pd.array(t, dtype=dtype)), errors="coerce").astype("Float64").array


_DIGITS_DOT = np.zeros(256, dtype=bool)
_DIGITS_DOT[[ord(c) for c in "0123456789."]] = True


def _all_plain(t) -> bool | None:
    """Whether every cell of an Arrow string array (nulls aside) is ``_PLAIN_INT`` or a ``_PLAIN_DECIMAL`` of
    at most 15 characters, answered from the cells' bytes when they are all digits and dots (a cell is
    plain when it is 1 to 15 bytes long and holds no dot, or one dot that neither starts nor ends it);
    None when another byte occurs."""
    import pyarrow as pa
    arr = t.combine_chunks() if isinstance(t, pa.ChunkedArray) else t
    if (_cell_bytes(arr) & ~_DIGITS_DOT).any():
        return None
    if not len(arr):
        return True
    kind = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    off = np.frombuffer(arr.buffers()[1], dtype=kind)[arr.offset:arr.offset + len(arr) + 1].astype(np.int64)
    base = off[0]
    length = np.diff(off)
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)[base:off[-1]] if off[-1] > base else np.zeros(1, np.uint8)
    dot = data == ord(".")
    dots = np.concatenate(([0], np.cumsum(dot)))
    dots = dots[off[1:] - base] - dots[off[:-1] - base]
    last = len(data) - 1
    first_dot = dot[np.minimum(off[:-1] - base, last)] & (length > 0)
    last_dot = dot[np.clip(off[1:] - base - 1, 0, last)] & (length > 0)
    plain = (length >= 1) & (length <= 15) & ((dots == 0) | ((dots == 1) & ~first_dot & ~last_dot))
    if arr.null_count:
        plain |= ~arr.is_valid().to_numpy(zero_copy_only=False)
    return bool(plain.all())


def _parse_number_arrow(s: pd.Series, decimal: str, *, normalized=None) -> tuple[pd.Series, pd.Series]:
    """:func:`parse_number` of Arrow strings: the Arrow functions pandas' string methods call for these
    patterns (``str.strip``: ``utf8_trim_whitespace``, ``isin``: ``is_in``, ``str.replace``:
    ``replace_substring(_regex)``), called on the array directly, without a Series per step.
    ``normalized``: :func:`_arrow_text` of the array when already computed."""
    num, bad = _numbers_arrow(s.array._pa_array, decimal, normalized=normalized, dtype=s.dtype)
    return pd.Series(num, index=s.index, name=s.name), pd.Series(bad, index=s.index, name=s.name)


def _numbers_arrow(arr, decimal: str, *, normalized=None, dtype=None) -> tuple[pd.arrays.FloatingArray, np.ndarray]:
    """:func:`_parse_number_arrow` of an Arrow array: (Float64 values, bad cells)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    t, na, pct = normalized if normalized is not None else _arrow_text(arr)
    t = _drop_ascii(t, "." if decimal == "," else ",")
    if decimal == ",":
        t = pc.replace_substring(t, ",", ".")
    if na.any():
        t = pc.if_else(pa.array(na), pa.scalar(None, t.type), t)
    num = _to_float_array(t, dtype if dtype is not None else pd.StringDtype("pyarrow"))
    missing = num.isna()
    if pct.any():  # (Series.where(~pct, num / 100): the values of percent cells divided, the missing kept)
        values = num.to_numpy(dtype="float64", na_value=np.nan)
        num = pd.arrays.FloatingArray(np.where(pct, values / 100, values), missing.copy())
    return num, missing & ~na


#: Counts the tables hold exactly (the float64 of a number read from text is whole up to here).
_MAX_COUNT = 2 ** 53


def to_count(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Float64 -> Int64; a value more than 0.001 away from a whole number, infinite, or 2**53 and beyond
    (too large to hold exactly; it used to overflow) is bad."""
    v = values.to_numpy(dtype="float64", na_value=np.nan)  # a missing value is not bad (NaN compares False)
    with np.errstate(invalid="ignore"):
        bad = pd.Series((np.abs(v - np.round(v)) > 1e-3) | np.isinf(v) | (np.abs(v) >= _MAX_COUNT),
                        index=values.index)
    return values.where(~bad).round().astype("Int64"), bad


def _count_array(num: pd.arrays.FloatingArray) -> tuple[pd.arrays.IntegerArray, np.ndarray] | None:
    """:func:`to_count` of a Float64 array in numpy: (Int64 counts, bad); None when a value is NaN without
    being missing (then :func:`to_count` decides)."""
    v = num.to_numpy(dtype="float64", na_value=np.nan)
    missing = num.isna()
    if np.isnan(v[~missing]).any():
        return None
    with np.errstate(invalid="ignore"):
        rounded = np.round(v)
        bad = (np.abs(v - rounded) > 1e-3) | np.isinf(v) | (np.abs(v) >= _MAX_COUNT)
    hidden = missing | bad
    return pd.arrays.IntegerArray(np.where(hidden, 0, rounded).astype(np.int64), hidden), bad


@per_distinct
def parse_day(s: pd.Series, formats: tuple[str, ...], *, start=None, end=None) -> tuple[pd.Series, pd.Series]:
    """Parse calendar days. Returns ``(datetime64 days, bad mask)``.

    The first format that reads every value (inside ``start``..``end`` when given) is used for all of
    them, so ``04/05/2015`` is read the same way as ``16/04/2015`` in the same column; when no single
    format fits, each value takes the first format that reads it. (The answer for a cell depends on
    the cell and the set of distinct values only, so it is computed once per distinct value.)
    """
    t = s.astype("string").fillna("").str.strip()
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    todo = t != ""
    lo = pd.Timestamp(start) if start is not None else None
    hi = pd.Timestamp(end) if end is not None else None
    for fmt in formats:
        got = to_datetime(t[todo], format=fmt)
        if len(got) and got.notna().all() and (lo is None or got.min() >= lo) and (hi is None or got.max() <= hi):
            out.loc[got.index] = got
            return out, pd.Series(False, index=s.index)
    for fmt in formats:
        if not todo.any():
            break
        got = to_datetime(t[todo], format=fmt)
        out.loc[got.index[got.notna()]] = got[got.notna()]
        todo = todo & out.isna()
    return out, todo.astype(bool)


def totals_mask(raw: pd.DataFrame, dim_fields: list[str], *, factors: dict | None = None) -> pd.Series:
    """Rows whose dimension cells are all empty or a totals word (``Grand total``, ``Gesamtsumme``,
    ...) in any of them: GA4 and UA write such rows under the header or at the end of a section.
    ``factors``: ``{field: (codes, uniques)}`` of the columns' ``factorize()`` when already made."""
    return pd.Series(_totals(raw, dim_fields, factors), index=raw.index)


def _totals(raw: pd.DataFrame, dim_fields: list[str], factors: dict | None) -> np.ndarray:
    """:func:`totals_mask` as a numpy array."""
    if not dim_fields or raw.empty:
        return np.zeros(len(raw), dtype=bool)
    empty = np.ones(len(raw), dtype=bool)
    word = np.zeros(len(raw), dtype=bool)
    rest_empty = np.ones(len(raw), dtype=bool)
    for f in dim_fields:  # each distinct cell is normalised once, and only if it could be a totals word
        codes, uniques = factors[f] if factors and f in factors else raw[f].astype("string").array.factorize()
        if _arrow_values(uniques):  # the same Arrow functions as the pandas steps below, without a Series each
            blank, total = _totals_arrow(codes, uniques)
            empty &= blank
            word |= total
            rest_empty &= blank | total
            continue
        # (a missing cell counts as blank)
        uniq = pd.concat([pd.Series(uniques, dtype="string"), pd.Series([""], dtype="string")],
                         ignore_index=True).str.strip()  # each distinct cell stripped once
        codes = np.where(codes < 0, len(uniq) - 1, codes)
        blank = uniq.eq("").to_numpy(dtype=bool)[codes]
        # every totals word holds 'tot', 'gesamt' or 'summe', whatever case and BOM the cell has
        maybe = uniq.str.replace("\ufeff", "", regex=False).str.contains("tot|gesamt|summe", case=False)
        hits = np.zeros(len(uniq), dtype=bool)
        for i in np.flatnonzero(maybe.fillna(False).to_numpy(dtype=bool)):
            hits[i] = norm_header(uniq.iloc[i]) in TOTAL_WORDS
        total = hits[codes]
        empty &= blank
        word |= total
        rest_empty &= blank | total
    return empty | (word & rest_empty)


def _arrow_values(values) -> bool:
    """Whether ``values`` (an array of a Series) holds Arrow strings."""
    return isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow"


def _no_total_word(arr) -> bool:
    """Whether no cell of an Arrow string array can hold ``tot``, ``gesamt`` or ``summe`` in any case: its cells
    are ASCII (no BOM, and none of the characters beyond ASCII that Unicode case folding matches to a letter
    of these words, such as ``ſ``) and their bytes, joined and lower-cased, hold none of the three."""
    import pyarrow as pa
    for chunk in (arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]):
        if not len(chunk):
            continue
        kind = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        off = np.frombuffer(chunk.buffers()[1], dtype=kind)[chunk.offset:chunk.offset + len(chunk) + 1]
        if chunk.buffers()[2] is None or off[-1] == off[0]:
            continue
        data = bytes(memoryview(chunk.buffers()[2])[off[0]:off[-1]])
        if not data.isascii():
            return False
        low = data.lower()
        if b"tot" in low or b"gesamt" in low or b"summe" in low:
            return False
    return True


def _totals_arrow(codes: np.ndarray, uniques) -> tuple[np.ndarray, np.ndarray]:
    """(blank, totals word) of each cell of a column given as ``factorize()`` of Arrow strings: the steps of
    :func:`totals_mask` (``str.strip``: ``utf8_trim_whitespace``, ``str.replace``: ``replace_substring``,
    ``str.contains(case=False)``: ``match_substring_regex(ignore_case=True)``) on the distinct cells."""
    import pyarrow.compute as pc
    uniq = pc.utf8_trim_whitespace(uniques._pa_array)
    blank = np.append(pc.equal(uniq, "").to_numpy(zero_copy_only=False), True)  # (last: a missing cell)
    hits = np.zeros(len(uniq) + 1, dtype=bool)
    if _no_total_word(uniq):
        where = []
    else:
        maybe = pc.match_substring_regex(pc.replace_substring(uniq, "\ufeff", ""), "tot|gesamt|summe",
                                         ignore_case=True)
        where = np.flatnonzero(maybe.to_numpy(zero_copy_only=False))
    if len(where):
        for i, cell in zip(where, uniq.take(where).to_pylist()):
            hits[i] = norm_header(cell) in TOTAL_WORDS
    codes = np.where(codes < 0, len(uniq), codes)
    return blank[codes], hits[codes]


def traffic_rows(raw: pd.DataFrame, lines: np.ndarray, found: dict[str, str], *, source: Source,
                 ctx: Context, parsed: Parsed, tool: str, meta: dict, decimal: str | None = None,
                 day_formats: tuple[str, ...] = ("%Y%m%d", "%Y-%m-%d"),
                 lower_campaign: bool = False, goal_pattern: re.Pattern | None = None,
                 canonical: bool = False) -> pd.DataFrame:
    """Turn a report table (strings, one column per header field) into canonical traffic rows.

    ``found`` maps canonical names (dimensions ``date`` (+ ``date_to``), ``nth_day``, ``year_month``, ``channel``,
    ``source_medium``, ``source``, ``medium``, ``campaign``, ``content``, ``landing_page``; metrics
    ``sessions``, ``engaged_sessions``, ``bounces``, ``bounce_rate``, ``users``, ``new_users``,
    ``conversions``, ``revenue``) to header fields. ``meta`` carries ``property``, ``segment``,
    ``start``/``end`` (the report's period as Timestamps), ``tz`` and ``currency``. Totals rows are
    counted as skipped (with a note when they do not match the sum of the other rows); bad cells
    raise or are rejected (``ctx.errors``). Without a total conversions column, the per-goal columns
    matching ``goal_pattern`` are added up. ``parsed.rows_read`` is increased by the rows of this table.
    With ``canonical``, the frame holds every column of the traffic table in its order (those the report
    does not give all <NA>, as :func:`finish_traffic` adds them) and no ``_line`` column: the frames
    :func:`finish_traffic` would only reorder.
    """
    dims_present = [k for k in ("date", "nth_day", "year_month", "channel", "source_medium", "source", "medium",
                                "campaign", "content", "landing_page") if k in found]
    dim_fields = [found[k] for k in dims_present]
    parsed.rows_read["traffic"] = parsed.rows_read.get("traffic", 0) + len(raw)
    # each dimension column's distinct cells, found once for the totals rows and the labels
    factors = {f: raw[f].astype("string").array.factorize() for f in dict.fromkeys(dim_fields)}
    tot = _totals(raw, dim_fields, factors)
    goals = [c for c in raw.columns if goal_pattern is not None and "conversions" not in found
             and goal_pattern.search(norm_header(c))]
    metric_fields = [found[m] for m in (*_METRICS_INT, "bounce_rate", "revenue") if m in found] + goals
    # every metric column's distinct cells (the totals rows' too), matched and parsed once for both the
    # totals check (the sessions column, all rows) and the rows kept
    cells = _Distinct([raw[f] for f in metric_fields])
    if tot.sum() == 1 and "sessions" in found and not tot.all():
        k = metric_fields.index(found["sessions"])
        v, _ = cells.column_arrays(k, decimal or cells.decimal_mark([k]))
        total, rest = v[np.flatnonzero(tot)[0]], v[~tot].sum()
        if pd.notna(total) and abs(total - rest) > max(1.0, 0.005 * total):
            parsed.notes.append(f"the totals row says {total:,.0f} sessions, the rows add up to {rest:,.0f} "
                                f"(rows below the tool's row limit or thresholds are missing)")
    for ln in lines[tot]:
        parsed.rejected.append({"table": "traffic", "line": int(ln), "column": dim_fields[0] if dim_fields else None,
                                "kind": "skipped", "reason": "totals row (the sum of the other rows)"})
    keep = ~tot
    at = np.flatnonzero(keep)
    if len(at) and at[-1] - at[0] + 1 == len(at):  # totals rows only above and below: a slice, not a copy
        raw = raw.iloc[at[0]:at[-1] + 1].reset_index(drop=True)
    else:
        raw = raw.loc[keep].reset_index(drop=True)
    lines = lines[keep]
    probs = CellProblems(source, lines, "traffic")

    def labels(field: str, split: bool = False) -> tuple[pd.Series, ...]:
        """:func:`_label` of a dimension column's kept rows (and :func:`_source_medium` of it with ``split``),
        once per distinct cell of the column: both read a cell by the cell alone."""
        codes, uniques = factors[field]
        at = np.where(codes < 0, len(uniques), codes)[keep]
        if _arrow_values(uniques):  # the same steps on the Arrow array, without a Series each
            import pyarrow as pa
            got = _label_arrow(pa.concat_arrays(uniques._pa_array.chunks + [pa.nulls(1, uniques._pa_array.type)]))
            got = _source_medium_arrow(got) if split and got is not None else [got]
            if got is not None and got[0] is not None:
                return tuple(pd.Series(pd.array(r.take(at), dtype="string"), index=raw.index) for r in got)
        cells = pd.concat([pd.Series(uniques, dtype="string"), pd.Series([None], dtype="string")],
                          ignore_index=True)
        got = _label.__wrapped__(cells)
        got = _source_medium.__wrapped__(got) if split else (got,)
        return tuple(pd.Series(r.array.take(at), index=raw.index) for r in got)
    n = len(raw)
    out: dict[str, object] = {}  # the columns, made into one frame at once (a column at a time costs more)
    start, end = meta.get("start"), meta.get("end")
    if "date" in found:
        day, bad = parse_day(raw[found["date"]], day_formats, start=start, end=end)
        probs.add(bad, found["date"], raw[found["date"]], f"a day like {_example(day_formats[0])}")
        out["date"], out["date_to"] = day, day
        if "date_to" in found:  # a week or range written as one cell, split by the caller
            out["date_to"] = parse_day(raw[found["date_to"]], day_formats)[0].fillna(day)
    elif "nth_day" in found:
        k, bad = parse_number(raw[found["nth_day"]])
        bad = bad | (k.notna() & (start is None))
        probs.add(bad, found["nth_day"], raw[found["nth_day"]], "a day number (0000, 0001, ...) after a "
                  "'Start date' line in the header")
        day = (pd.Timestamp(start) + pd.to_timedelta(k.fillna(0).astype("int64"), unit="D")) \
            if start is not None else pd.Series(pd.NaT, index=raw.index)
        out["date"], out["date_to"] = day, day
    elif "year_month" in found:
        day, bad = parse_day(raw[found["year_month"]], ("%Y%m", "%Y-%m"))
        probs.add(bad, found["year_month"], raw[found["year_month"]], "a month like 202504")
        out["date"], out["date_to"] = day, day + pd.offsets.MonthEnd(0)
    else:
        out["date"] = _ns(start)
        out["date_to"] = _ns(end)
    for name in ("channel", "source", "medium", "campaign", "content", "landing_page"):
        if name in found:
            out[name] = labels(found[name])[0]
    if "source_medium" in found:
        col = found["source_medium"]
        out["source"], out["medium"] = labels(col, split=True)
    if lower_campaign and "campaign" in out:
        out["campaign"] = out["campaign"].str.lower()
    rows = None if keep.all() else keep
    dec = decimal or cells.decimal_mark(rows=rows)
    # (arrays here, a Series only for a column of the table; a problem's cells are looked up only if it has any)
    numbers = {f: cells.column_arrays(k, dec, rows) for k, f in enumerate(metric_fields)}
    values: dict[str, pd.Series] = {}
    for m in (*_METRICS_INT, "bounce_rate", "revenue"):
        if m not in found:
            continue
        k = metric_fields.index(found[m])
        v, bad = numbers[found[m]]
        if bad.any():
            probs.add(bad, found[m], raw[found[m]], "a number" + (" (decimal comma)" if dec == "," else ""))
        if m in _METRICS_INT:
            v, frac = cells.count_arrays(k, dec, rows)  # to_count(v), per distinct cell
            frac = frac & ~bad
            if frac.any():
                probs.add(frac, found[m], raw[found[m]], "a whole number")
        values[m] = pd.Series(v, index=raw.index, copy=False)
    for m in _METRICS_INT:
        if m in values:
            out[m] = values[m]
    if goals:
        total = pd.Series(0, index=raw.index, dtype="Int64")
        for g in goals:
            v, bad = numbers[g]
            if bad.any():
                probs.add(bad, g, raw[g], "a number")
            total = total + to_count(pd.Series(v, index=raw.index, copy=False))[0]
        out["conversions"] = total
        parsed.notes.append(f"conversions = the sum of the goal columns {goals}")
    if "bounces" not in values and "bounce_rate" in values and "sessions" in values:
        out["bounces"] = _bounces(values["bounce_rate"], values["sessions"])
        parsed.notes.append("bounces = bounce rate x sessions (rounded): the export gives the rate only")
    if "revenue" in values:
        out["revenue"] = values["revenue"]
        cur = meta.get("currency")
        if cur is None:
            cur = cells.first_currency(metric_fields.index(found["revenue"]), rows)
    breakdown = [d for d in DIMENSIONS if d in found or (d == "date" and ({"nth_day", "year_month"} & set(found)))
                 or (d in ("source", "medium") and "source_medium" in found)]
    if canonical and not probs.items:  # no bad cell: the columns go into the one frame made below
        cols, index = out, raw.index
        day = out["date"]
        no_date = len(index) == 0 or (day.isna().all() if isinstance(day, pd.Series) else pd.isna(day))
    else:
        out["_line"] = lines
        frame = probs.finish(pd.DataFrame(out, index=raw.index, copy=False), ctx, parsed)
        cols, index = {c: frame[c] for c in frame.columns if not (canonical and c == "_line")}, frame.index
        no_date = bool(frame["date"].isna().all())
    # Columns with one value for the whole section (and the dimensions it is not broken down by) are
    # added after the bad rows are dropped, each as one shared block of strings (``constant``).
    m = len(index)
    const = {"tool": tool, "property": meta.get("property"), "segment": meta.get("segment"),
             "tz": meta.get("tz"), "breakdown": ",".join(breakdown) if breakdown else "total",
             "source_file": source.name}
    if "revenue" in values:
        const["currency"] = cur
    for name in ("channel", "source", "medium", "campaign", "content", "landing_page", "currency"):
        if name not in cols and name not in const:
            const[name] = None
    columns = {**cols, **{name: constant(value, m, index) for name, value in const.items()}}
    if canonical:  # the table's columns in its order (absent ones as finish_traffic adds them), then the others
        columns = {**{c.name: columns[c.name] if c.name in columns else _missing(index, c) for c in TRAFFIC.columns},
                   **{k: v for k, v in columns.items() if k not in TRAFFIC.names}}
    out = pd.DataFrame(columns, index=index, copy=False)
    if n and no_date and "date" not in breakdown:
        parsed.notes.append("the export does not say which period it covers: date is <NA>")
    return out


def _bounces(rate: pd.Series, sessions: pd.Series) -> pd.Series:
    """``(rate * sessions.astype("Float64")).round().astype("Int64")`` (Float64 rates, Int64 sessions), in numpy
    when every product is finite and below 2**53 (else by pandas, which decides)."""
    r, ra = rate.to_numpy(dtype="float64", na_value=np.nan), rate.array
    c, ca = sessions.to_numpy(dtype="float64", na_value=np.nan), sessions.array
    if isinstance(ra, pd.arrays.FloatingArray) and isinstance(ca, pd.arrays.IntegerArray):
        hidden = ra.isna() | ca.isna()
        with np.errstate(all="ignore"):  # (as pandas' own operations)
            product = r * c
            shown = product[~hidden]
            if np.isfinite(shown).all() and (np.abs(shown) < _MAX_COUNT).all():
                whole = np.where(hidden, 0, np.round(product)).astype(np.int64)
                return pd.Series(pd.arrays.IntegerArray(whole, hidden), index=rate.index, copy=False)
    return (rate * sessions.astype("Float64")).round().astype("Int64")


def _ns(day) -> pd.Timestamp:
    """``pd.Timestamp(day)`` (NaT for None) in nanoseconds, the unit of the table's dates, when it fits:
    a column of it needs no cast in :func:`finish_traffic`."""
    if day is None:
        return pd.NaT
    t = pd.Timestamp(day)
    try:
        return t.as_unit("ns")
    except (OverflowError, ValueError):  # outside nanoseconds' years: left to conform, as before
        return t


#: Rows per block of a :func:`constant` column: every block is the same Arrow array.
_BLOCK = 8192


def constant(value: str | None, n: int, index: pd.Index | None = None) -> pd.Series:
    """A ``string`` column holding ``value`` (None: ``<NA>``) in each of ``n`` rows.

    Arrow keeps a string per row (8 bytes of offset plus the characters), so a file name repeated on
    1,000,000 rows costs about 60 MB. Here the column is a chunked array whose chunks are one block
    of ``_BLOCK`` rows, repeated: the dtype and values are those of ``pd.Series(value, dtype="string")``
    and the memory is one block's. Without Arrow storage: the plain column.
    """
    dtype = pd.api.types.pandas_dtype("string")
    if getattr(dtype, "storage", None) != "pyarrow" or n == 0:
        return pd.Series(pd.NA if value is None else value, index=index if index is not None else range(n),
                         dtype="string")
    import pyarrow as pa
    k = min(n, _BLOCK)
    block = pa.repeat(pa.scalar(value, type=pa.large_string()), k)
    chunks = [block] * (n // k) + ([block.slice(0, n % k)] if n % k else [])
    arr = pd.arrays.ArrowStringArray(pa.chunked_array(chunks, type=pa.large_string()))
    return pd.Series(arr, index=index if index is not None else range(n), copy=False)


def _first_currency(s: pd.Series) -> str | None:
    """The currency symbol in the first cell that holds one (``_CURRENCY_RE``), or None.

    Arrow (RE2, ``_CURRENCY``: the same pattern with its case variants spelled out) finds the cell;
    Python's ``re`` reads the symbol from that one cell, as ``str.extract(..., flags=re.I)`` did."""
    t = s.astype("string")
    if isinstance(t.dtype, pd.StringDtype) and t.dtype.storage == "pyarrow":
        import pyarrow.compute as pc
        hit = pc.fill_null(pc.match_substring_regex(t.array._pa_array, _CURRENCY), False)  # missing: no symbol
        where = np.flatnonzero(hit.to_numpy())
        if not len(where):
            return None
        return _CURRENCY_RE.search(t.iloc[int(where[0])]).group(0)
    sym = t.str.extract(f"({_CURRENCY_RE.pattern})", flags=re.I)[0]
    return sym.dropna().iloc[0] if sym.notna().any() else None


@per_distinct
def _label(s: pd.Series) -> pd.Series:
    """Dimension values: stripped, Matomo's formula guard (a leading ' before = + - @) removed, blank -> <NA>."""
    t = s.astype("string").str.strip()
    guarded = t.str.startswith("'").fillna(False).to_numpy(dtype=bool)
    if guarded.any():  # the lookahead runs in Python cell by cell: only on the cells it can change
        t = t.copy()
        t[guarded] = t[guarded].str.replace(r"^'(?=[=+\-@])", "", regex=True)
    return t.mask(t == "")


_SOURCE_MEDIUM = r"^(.*?)\s*(/|\s-\s)\s*([^/]*)$"


#: A cell ``source / medium`` whose two parts hold no ``/`` and no space (``_WS``): split at the `` / ``
#: it is what ``_SOURCE_MEDIUM`` finds (no shorter source can end before a space or ``/``, the medium
#: has no ``/``). Most cells of GA4 and UA exports are like this.
_PLAIN_SOURCE_MEDIUM = "^[^/" + _WS[1:] + "+ / [^/" + _WS[1:] + "+$"


@per_distinct
def _source_medium(sm: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``"google / organic"`` -> (source, medium); ``"(not set)"`` alone is both."""
    if _arrow(sm) and len(sm):
        import pyarrow as pa
        parts = _source_medium_arrow(pa.chunked_array(sm.array._pa_array).combine_chunks())
        if parts is not None:
            return tuple(pd.Series(pd.array(p, dtype=sm.dtype), index=sm.index, name=i) for i, p in enumerate(parts))
    return _source_medium_regex(sm)


def _source_medium_arrow(arr) -> list | None:
    """:func:`_source_medium` of an Arrow string array: the two Arrow arrays (stripped), or None when no cell is
    plain (``_PLAIN_SOURCE_MEDIUM``; then the pattern reads every cell)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    plain = pc.fill_null(pc.match_substring_regex(arr, _PLAIN_SOURCE_MEDIUM), False)
    if not pc.any(plain).as_py():
        return None
    # plain cells split at " / " (no regex groups), the others by the pattern
    pair = pc.split_pattern(pc.if_else(plain, arr, pa.scalar(None, arr.type)), " / ", max_splits=1)
    parts = [pc.list_element(pair, i) for i in (0, 1)]
    other = pc.and_(pc.invert(plain), pc.is_valid(arr))
    if pc.any(other).as_py():  # the pattern's parts put in place of those cells' nulls (stripped below)
        odd = other.to_numpy(zero_copy_only=False)
        if odd.sum() <= _FEW_CELLS:
            rest = [pa.array(r, type=arr.type) for r in _source_medium_few(arr.filter(other).to_pylist())]
        else:
            rest = [pa.chunked_array(r.array._pa_array).combine_chunks()
                    for r in _source_medium_regex(pd.Series(pd.array(arr.filter(other), dtype="string")))]
        parts = [pc.replace_with_mask(p, other, r.cast(p.type)) for p, r in zip(parts, rest)]
    return [pc.utf8_trim_whitespace(p) for p in parts]


def _label_arrow(arr):
    """:func:`_label` of an Arrow string array (``str.strip``: ``utf8_trim_whitespace``, ``mask``: ``if_else``),
    or None when a cell starts with ``'`` (the formula guard: then :func:`_label` reads the cells)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    t = pc.utf8_trim_whitespace(arr)
    if pc.any(pc.starts_with(t, "'")).as_py():
        return None
    return pc.if_else(pc.equal(t, ""), pa.scalar(None, t.type), t)


#: ``_SOURCE_MEDIUM`` for Python's ``re``: what pandas' ``str.extract`` runs cell by cell (the tests' oracle).
_SOURCE_MEDIUM_RE = re.compile(_SOURCE_MEDIUM)
#: Up to this many cells, :func:`_source_medium_regex` runs ``_SOURCE_MEDIUM_RE`` cell by cell: Arrow's
#: ``extract_regex`` costs about 1 ms a call whatever the cells (mostly compiling ``_WS`` and ``\p{Nd}``),
#: Python's ``re`` about 1 µs a cell.
_FEW_CELLS = 64


def _source_medium_few(cells: list) -> tuple[list, list]:
    """(source, medium) of each cell by ``_SOURCE_MEDIUM_RE`` (not stripped); a cell it does not match
    (``"(not set)"`` alone) is both, a missing cell stays missing."""
    src, med = [], []
    for c in cells:
        m = None if c is None else _SOURCE_MEDIUM_RE.search(c)
        src.append(c if m is None else m.group(1))
        med.append(c if m is None else m.group(3))
    return src, med


def _source_medium_regex(sm: pd.Series) -> tuple[pd.Series, pd.Series]:
    """:func:`_source_medium` of any cells, by ``_SOURCE_MEDIUM``."""
    if len(sm) <= _FEW_CELLS:
        vals = [v if isinstance(v, str) else None for v in sm.array.tolist()]
        return tuple(pd.Series(part, index=sm.index, dtype="string", name=i).str.strip()
                     for i, part in enumerate(_source_medium_few(vals)))
    # the separator as a group of its own (not "(?:...)"), so that ``extract`` lets Arrow's RE2 run it
    parts = extract(sm, _SOURCE_MEDIUM)[[0, 2]].set_axis([0, 1], axis=1)
    odd = sm.notna() & parts[0].isna()
    if odd.any():  # "(not set)" alone: the source and the medium are unknown
        parts.loc[odd, 0] = sm[odd]
        parts.loc[odd, 1] = sm[odd]
    return parts[0].astype("string").str.strip(), parts[1].astype("string").str.strip()


def _example(fmt: str) -> str:
    return pd.Timestamp("2024-03-12").strftime(fmt)


def finish_traffic(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate traffic row frames and cast them to the canonical table (helper columns dropped)."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return TRAFFIC.empty()
    if len(frames) == 1 and "_line" not in frames[0].columns:  # (what concatenating one frame gives)
        out = frames[0]
    else:
        out = pd.concat(frames, ignore_index=True).drop(columns=["_line"], errors="ignore")
    if _canonical(out):  # what conform would return: its casts would leave every column as it is
        missing = {c.name: _missing(out.index, c) for c in TRAFFIC.columns if c.name not in out.columns}
        if missing:  # added as conform adds them (all <NA> in the column's dtype)
            out = pd.concat([out, pd.DataFrame(missing, index=out.index)], axis=1)
        extra = [c for c in out.columns if c not in TRAFFIC.names]
        if list(out.columns) != TRAFFIC.names + extra:  # (traffic_rows(canonical=True) made them in order)
            out = out[TRAFFIC.names + extra]
        index = out.index
        if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
            return out  # (what reset_index(drop=True) would give)
        return out.reset_index(drop=True)
    return TRAFFIC.conform(out)


_DAY_NS = 86_400 * 10**9
_DTYPE_NAMES: dict = {}


def _dtype_name(spec) -> str:
    """``str(pd.api.types.pandas_dtype(spec))``, once per spec."""
    if spec not in _DTYPE_NAMES:
        _DTYPE_NAMES[spec] = str(pd.api.types.pandas_dtype(spec))
    return _DTYPE_NAMES[spec]


def _canonical(frame: pd.DataFrame) -> bool:
    """Whether :meth:`TRAFFIC.conform <toolkit.schema.Table.conform>` would only reorder ``frame`` and add the
    missing columns: every canonical column present has its dtype (compared by name, as conform does), and
    the ``date`` columns, which conform always casts, are naive ``datetime64[ns]`` midnights (cast: the same
    values)."""
    dtypes = dict(zip(frame.columns, frame.dtypes))
    for c in TRAFFIC.columns:
        if c.name not in dtypes:
            continue
        if str(dtypes[c.name]) != _dtype_name(c.pandas_dtype):
            return False
        if c.dtype == "date":
            ns = frame[c.name].to_numpy(dtype="datetime64[ns]").view("int64")
            if ((ns[ns != np.iinfo(np.int64).min] % _DAY_NS) != 0).any():
                return False
    return True
