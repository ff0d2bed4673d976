"""toolkit/io/_numbers.py: a file's number columns read together give what reading them one by one gives
(``number_style`` / ``count`` / ``number`` of toolkit/io/_locale.py), on tricky cells."""

import numpy as np
import pandas as pd
import pytest

from toolkit.io._base import Records
from toolkit.io._locale import DE, EN, count, number, number_style
from toolkit.io._numbers import NumberColumns, number_columns

#: Cells that decide a style, fit none, repeat across columns, are blank or missing.
TRICKY = ["0", "1", "1.0", "424.0", "12,400", "18.450", "1.234", "1.234.567", "3,5", "0,5", "0.5", "1,234.5",
          "1.234,5", "6,14 %", "6.14%", " 7 ", "-3", "-", "N/A", "", "  ", "1e3", "abc", "99999999999999999999",
          "2.5", "1\u202f234", "12\xa0400", None]


def _frame(rng, n, columns, pool, dtype):
    return pd.DataFrame({c: pd.array(list(rng.choice(np.array(pool, dtype=object), n)), dtype=dtype)
                         for c in columns})


def _recs(frame, delimiter=","):
    return Records(frame, np.arange(2, len(frame) + 2), list(frame.columns), 1, [], delimiter)


def _equal(a, b):
    pd.testing.assert_series_equal(a, b, check_names=False, check_exact=True)


@pytest.mark.parametrize("dtype", ["string"])  # what read_csv_records gives
@pytest.mark.parametrize("n", [5, 40, 3000])  # below and above per_distinct's 1,000 rows
@pytest.mark.parametrize("pool", [TRICKY, ["0", "1", "2", "12", "1.0", None],  # plain English counts
                                  ["0", "18.450", "1.020", "7", ""],  # German only
                                  ["1", "2", "3"]])  # nothing decides
@pytest.mark.parametrize("delimiter", [",", ";"])
def test_columns_read_together_equal_columns_read_one_by_one(dtype, n, pool, delimiter):
    rng = np.random.default_rng(n)
    frame = _frame(rng, n, ["a", "b", "c", "d"], pool, dtype)
    kinds = {"a": "int", "b": "int", "c": "float", "d": "int"}
    notes: list[str] = []
    style, cols = number_columns(_recs(frame, delimiter), kinds, notes)
    want, note = number_style({c: (frame[c], k) for c, k in kinds.items()}, delimiter=delimiter)
    assert style is want and notes == ([note] if note else [])
    for st in (EN, DE):
        for c in "abd":
            for negative in (False, True):
                got, want_ = cols.count(c, st, negative=negative), count(frame[c], st, negative=negative)
                _equal(got[0], want_[0])
                _equal(got[1], want_[1])
        got, want_ = cols.number("c", st), number(frame["c"], st)
        _equal(got[0], want_[0])
        _equal(got[1], want_[1])


def test_rows_of_the_columns_equal_reading_those_rows():
    rng = np.random.default_rng(1)
    frame = _frame(rng, 2000, ["a", "b"], TRICKY, "string")
    keep = rng.random(2000) < 0.7
    cols = NumberColumns(frame, {"a": "int", "b": "float"})
    sub = frame.loc[keep].reset_index(drop=True)
    part = cols.rows(keep, sub)
    _equal(part.count("a", EN)[0], count(sub["a"], EN)[0])
    _equal(part.number("b", DE)[1], number(sub["b"], DE)[1])


def test_columns_not_in_arrow_take_the_column_by_column_path():
    frame = pd.DataFrame({"a": pd.Series(["1", "2.0", None, "1.5"], dtype="string[python]")})
    cols = NumberColumns(frame, {"a": "int"})
    assert not cols.ok
    _equal(cols.count("a", EN)[0], count(frame["a"], EN)[0])


@pytest.mark.parametrize("cells", [
    ["2025-12-19 17:34 +0000", "2024-01-02 00:00 +0000", None],  # no '.' or '/': the quick answer
    ["2025-12-19 17:34:00", "", "  ", "-"],
    ["31.12.2024 18:00", "01.01.2025 09:00", "2025-01-01 09:00"],  # German re-save
    ["31.12.2024", "x"], ["1.2.24", "3.4.25", "5.6.26"],
    ["09/28/2026 18:12", "10/01/2026 09:00"],  # US order
    ["28/09/2026 18:12", "01/10/2026 09:00"],  # day first
    ["2024/01/02"], [None, None], [],
    ["\uff11\uff13/01/2024 10:00", "01/02/2024", " 7/8/24 ", "12/31/2024T1:00", "N/A"],  # other digits, spaces
])
@pytest.mark.parametrize("native", [(), (None,), ("%m/%d/%Y %H:%M", None)])
@pytest.mark.parametrize("allow_german", [True, False])
def test_date_style_equals_the_locale_one(cells, native, allow_german):
    from toolkit.io._locale import date_style as slow
    from toolkit.io._numbers import date_style as quick

    s = pd.Series(cells, dtype="string")
    assert quick(s, native, column="c", allow_german=allow_german) == \
        slow(s, native, column="c", allow_german=allow_german)


def _unique_then_index_in(frame):
    """The distinct cells and codes of all columns as NumberColumns found them before (unique, then index_in)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    arrays = [frame[c].array._pa_array for c in frame.columns]
    whole = pa.chunked_array([ch for a in arrays for ch in a.chunks], type=arrays[0].type)
    uniq = pc.unique(whole)
    if uniq.null_count:
        uniq = pa.concat_arrays([uniq.drop_null(), pa.nulls(1, type=uniq.type)])
    codes = pc.index_in(whole, value_set=uniq, skip_nulls=False)
    codes = codes.combine_chunks() if isinstance(codes, pa.ChunkedArray) else codes
    return pd.Series(pd.array(uniq, dtype="string")), codes.to_numpy(zero_copy_only=False).astype(np.int64)


@pytest.mark.parametrize("seed", range(40))
def test_distinct_cells_in_one_pass_equal_unique_then_index_in(seed):
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(0, 60)), int(rng.integers(1, 4))
    pool = np.array(TRICKY, dtype=object)[: int(rng.integers(1, len(TRICKY) + 1))]
    frame = _frame(rng, n, [f"c{i}" for i in range(k)], list(pool), "string")
    if seed % 2 and n > 2:  # columns of several chunks
        frame = pd.concat([frame.iloc[: n // 2], frame.iloc[n // 2:]], ignore_index=True)
    cols = NumberColumns(frame, {c: "int" for c in frame.columns})
    distinct, codes = _unique_then_index_in(frame)
    _equal(cols.distinct, distinct)
    assert cols.has_na == bool(distinct.isna().any())
    assert np.array_equal(np.concatenate([cols.codes[c] for c in frame.columns]), codes)
