"""The number (and date) columns of one CSV file read together (platform CSV loaders, issue #14.1).

A platform export has many count columns (X's tweet activity CSV: 19) whose cells repeat within
and across columns (``0``, ``1.0``, ``12``). :func:`toolkit.io._locale.number_style` and
:func:`~toolkit.io._locale.count` look at each column on its own, each time with a handful of
pandas and regex calls, which is most of the time of a file of 10,000 rows. :class:`NumberColumns`
finds the distinct cells of all the file's number columns once, decides the number style from
them and parses each distinct cell once, then spreads the results back to every column.

The results are those of ``style_for`` / ``count`` / ``number`` column by column (the same
functions run on the distinct cells; every answer depends on the cell alone, as
:func:`toolkit.io._base.per_distinct` already relies on); a style decision that needs a note with
examples is left to ``number_style`` itself. tests/io/test_numbers.py compares both ways.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._base import Records, is_na_token
from ._locale import _STYLE_PAIR, EN, DateStyle, NumberStyle, count, number, number_style
from ._locale import _SLASH_DATE
from ._locale import date_style as _date_style

__all__: list[str] = []  # package-internal


def _arrow_backed(s: pd.Series) -> bool:
    return isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow"


class NumberColumns:
    """Number columns of one frame: their distinct cells (over all of them) and each column's
    codes into that set; style and parsed values computed once per distinct cell."""

    def __init__(self, frame: pd.DataFrame, kinds: dict[str, str]):
        self.frame = frame
        self.kinds = {c: k for c, k in kinds.items() if c in frame.columns}
        cols = list(dict.fromkeys(self.kinds))
        series = [frame[c] for c in cols]
        self.ok = bool(cols) and all(_arrow_backed(s) for s in series) and len({s.dtype for s in series}) == 1
        self.codes: dict[str, np.ndarray] = {}
        self._parsed: dict[tuple, tuple[pd.Series, pd.Series]] = {}
        self._subsets: dict[str | None, tuple[np.ndarray, np.ndarray]] = {}
        if not self.ok:
            return
        self.dtype = series[0].dtype
        if self._all_at_once(cols, series):
            return
        local = [frame[c].array.factorize() for c in cols]
        uniq = pd.concat([pd.Series(u, dtype=self.dtype) for _, u in local], ignore_index=True)
        gcodes, guniq = uniq.array.factorize()
        distinct = pd.Series(guniq, dtype=self.dtype)
        has_na = any((codes < 0).any() for codes, _ in local)
        if has_na:  # the missing value is one more distinct cell, at the end (as per_distinct does)
            distinct = pd.concat([distinct, pd.Series([None], dtype=self.dtype)], ignore_index=True)
        na = len(distinct) - 1
        offset = 0
        for c, (codes, u) in zip(cols, local):
            g = gcodes[offset:offset + len(u)].astype(np.int64)
            offset += len(u)
            self.codes[c] = np.where(codes < 0, na, g[np.maximum(codes, 0)]) if has_na else g[codes]
        self.distinct = distinct
        self.has_na = has_na

    def _all_at_once(self, cols: list[str], series: list[pd.Series]) -> bool:
        """Distinct cells and codes of all the columns in one Arrow pass (dictionary_encode) over
        their chunks joined into one array; False when their Arrow types differ (then column by column).

        The distinct cells in the order they first occur, the missing value (if any) one more at the
        end: what ``unique`` then ``index_in`` of that set gave, in one pass instead of two."""
        import pyarrow as pa

        arrays = [s.array._pa_array for s in series]
        if len({a.type for a in arrays}) != 1:
            return False
        chunks = [ch for a in arrays for ch in a.chunks]
        whole = pa.concat_arrays(chunks) if len(chunks) > 1 else chunks[0] if chunks else \
            pa.array([], type=arrays[0].type)
        encoded = whole.dictionary_encode()  # (missing cells: null codes)
        uniq, codes = encoded.dictionary, encoded.indices
        has_na = codes.null_count > 0
        if has_na:  # the missing value is one more distinct cell, at the end (as per_distinct does)
            codes = codes.fill_null(len(uniq))
            uniq = pa.concat_arrays([uniq, pa.nulls(1, type=uniq.type)])
        codes = codes.to_numpy().astype(np.int64)
        offset = 0
        for c, a in zip(cols, arrays):
            self.codes[c] = codes[offset:offset + len(a)]
            offset += len(a)
        self.distinct = pd.Series(pd.array(uniq, dtype=self.dtype))
        self.has_na = has_na
        return True

    def style(self, *, delimiter: str, german_dates: bool = False) -> tuple[NumberStyle, str | None]:
        """``number_style`` of the columns (English without a note decided here, anything else by
        ``number_style`` itself, so notes and their examples are its own)."""
        if self.ok and not (delimiter == ";" or german_dates):
            import pyarrow.compute as pc

            de_n = 0
            d = self.distinct
            n = len(d) - (1 if self.has_na else 0)
            # Arrow's own calls of what pandas' str.contains / str.match make of these (no cell is
            # missing among the first n; pandas wraps a '^...' pattern as '^(...)', the same match)
            cells = d.array._pa_array
            text = cells.slice(0, n)
            marked = pc.or_(pc.match_substring(text, "."), pc.match_substring(text, ",")).to_numpy()
            if not marked.any():
                return EN, None
            marked = np.concatenate([marked, np.zeros(len(d) - n, dtype=bool)])
            for kind in sorted(set(self.kinds.values())):
                cols = [c for c, k in self.kinds.items() if k == kind]
                used, _ = self._subset(kind)
                idx = used[marked[used]]  # the marked cells of this kind's columns, classified as this kind
                if not len(idx):
                    continue
                # the German half of _classify (only German cells can make the style other than English)
                de = pc.match_substring_regex(cells.take(idx), _STYLE_PAIR[kind][0]).to_numpy()
                if not de.any():
                    continue
                de_cells = idx[de]
                for c in cols:
                    de_n += int(np.isin(self.codes[c], de_cells).sum())
            if de_n == 0:
                return EN, None
        return number_style({c: (self.frame[c], k) for c, k in self.kinds.items()}, delimiter=delimiter,
                            german_dates=german_dates)

    def rows(self, keep: np.ndarray, frame: pd.DataFrame) -> NumberColumns:
        """The same columns for the rows ``keep`` (a boolean mask) of the frame, which are ``frame``."""
        sub = object.__new__(NumberColumns)
        sub.__dict__.update(self.__dict__)
        sub.frame = frame
        sub.codes = {c: codes[keep] for c, codes in self.codes.items()}
        return sub

    def _subset(self, kind: str | None) -> tuple[np.ndarray, np.ndarray]:
        """(distinct cells used by the columns of ``kind``, position of each distinct cell among them);
        ``None``: all distinct cells."""
        if kind not in self._subsets:
            cols = [c for c, k in self.kinds.items() if k == kind]
            if kind is None or not cols or len(cols) == len(self.codes):
                used = np.arange(len(self.distinct))  # (every distinct cell is some column's cell)
            else:  # the sorted distinct codes of these columns (np.unique), by marking them
                seen = np.zeros(len(self.distinct), dtype=bool)
                for c in cols:
                    seen[self.codes[c]] = True
                used = np.flatnonzero(seen)
            pos = np.full(len(self.distinct), -1, dtype=np.int64)
            pos[used] = np.arange(len(used))
            self._subsets[kind] = (used, pos)
        return self._subsets[kind]

    def _parse(self, fn, col: str, kind: str, *args, **kwargs) -> tuple[pd.Series, pd.Series]:
        """``fn`` (count or number) run once per distinct cell of the columns of ``col``'s kind (all
        distinct cells when ``col`` is of another kind) and spread back to ``col``'s rows."""
        group = kind if self.kinds.get(col) == kind else None
        key = (fn.__name__, group, args, tuple(sorted(kwargs.items())))
        used, pos = self._subset(group)
        if key not in self._parsed:
            cells = self.distinct.iloc[used].reset_index(drop=True)
            vals, bad = fn.__wrapped__(cells, *args, **kwargs)
            self._parsed[key] = vals, bad, bad.dtype != np.bool_ or bool(bad.any())
        vals, bad, any_bad = self._parsed[key]
        codes, index = self.codes[col], self.frame.index
        if len(used) != len(pos):  # (all distinct cells used: each one's position is itself)
            codes = pos[codes]
        vals = pd.Series(vals.array.take(codes), index=index, name=vals.name)
        # no bad distinct cell: no bad row (the same all-False mask, without spreading it)
        bad = pd.Series(bad.array.take(codes), index=index, name=bad.name) if any_bad else \
            pd.Series(np.zeros(len(codes), dtype=bool), index=index, name=bad.name)
        return vals, bad

    def count(self, col: str, style: NumberStyle, *, negative: bool = False) -> tuple[pd.Series, pd.Series]:
        """``count(frame[col], style, negative=negative)``."""
        if not self.ok or col not in self.codes:
            return count(self.frame[col], style, negative=negative)
        return self._parse(count, col, "int", style, negative=negative)

    def number(self, col: str, style: NumberStyle) -> tuple[pd.Series, pd.Series]:
        """``number(frame[col], style)``."""
        if not self.ok or col not in self.codes:
            return number(self.frame[col], style)
        return self._parse(number, col, "float", style)


def number_columns(recs: Records, kinds: dict[str, str], notes: list[str], *, german_dates: bool = False
              ) -> tuple[NumberStyle, NumberColumns]:
    """``toolkit.io._headers.style_for`` (the same style and note), and the columns ready to parse."""
    cols = NumberColumns(recs.frame, kinds)
    style, note = cols.style(delimiter=recs.delimiter, german_dates=german_dates)
    if note:
        notes.append(note)
    return style, cols


def int_columns(out: dict | pd.DataFrame, cols: NumberColumns, found: dict[str, str], names, probs, *,
                style: NumberStyle = EN) -> None:
    """``toolkit.io._headers._int_columns`` on columns read together: each count into ``out``, bad
    cells into ``probs``."""
    _read_columns(out, cols, found, names, probs, lambda col: cols.count(col, style),
                  f"a whole number in {style.name} format (blank or '-' = not reported)")


def float_columns(out: dict | pd.DataFrame, cols: NumberColumns, found: dict[str, str], names, probs, *,
                  style: NumberStyle = EN) -> None:
    """``number`` of each of ``names`` found, read together: values into ``out``, bad cells into ``probs``."""
    _read_columns(out, cols, found, names, probs, lambda col: cols.number(col, style),
                  f"a number in {style.name} format")


def _read_columns(out, cols: NumberColumns, found: dict[str, str], names, probs, parse, expected: str) -> None:
    raw = cols.frame
    for name in names:
        if name in found:
            col = found[name]
            vals, bad = parse(col)
            probs.add(bad, col, raw[col], expected)
            out[name] = vals


def date_style(s: pd.Series, native: tuple, *, column: str, allow_german: bool = True) -> DateStyle:
    """:func:`toolkit.io._locale.date_style`, with less work when no cell holds a ``.``.

    Its German decision (``TT.MM.JJJJ``) needs a ``.`` and its day-first one (``DD/MM/YYYY``) a
    ``/``: without either the answer is the ``native`` formats, no German, no note; with ``/`` only,
    the day-first decision is made on the distinct cells in Arrow."""
    if _arrow_backed(s):
        import pyarrow.compute as pc

        arr = s.array._pa_array
        if pc.any(pc.match_substring(arr, ".")).as_py():
            return _date_style(s, native, column=column, allow_german=allow_german)
        if not pc.any(pc.match_substring(arr, "/")).as_py():
            return DateStyle(tuple(native), False, None)
        # No '.': not German. The day-first decision from the distinct cells, by the same steps as
        # date_style's (its value_counts, and the round trip of every value through Python, are what
        # cost); when it swaps the order, date_style itself writes the note with its example.
        stripped = pd.Series(s.array.unique()).str.strip()
        text = stripped[~is_na_token(stripped).to_numpy()]
        slash = text[text.str.match(_SLASH_DATE.pattern).fillna(False).to_numpy(dtype=bool)]
        if len(slash):
            # both numbers lie in a matching cell's first 6 characters ('12/31/'): their distinct prefixes
            slash = pd.Series(slash.str.slice(0, 6).unique())
            a = slash.str.replace(r"/.*$", "", regex=True).unique().tolist()
            b = slash.str.replace(r"^[^/]*/", "", regex=True).str.replace(r"/.*$", "", regex=True).unique().tolist()
            day_first = any(int(x) > 12 for x in a) and not any(int(x) > 12 for x in b)
            us_native = any(isinstance(f, str) and "%m/%d" in f for f in native)
            if day_first and us_native:
                return _date_style(s, native, column=column, allow_german=allow_german)
        return DateStyle(tuple(native), False, None)
    return _date_style(s, native, column=column, allow_german=allow_german)
