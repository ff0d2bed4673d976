"""Times read from fixed-width digits (toolkit.io._digits) equal pandas' parser, or are left to it."""

import numpy as np
import pandas as pd
import pytest

from toolkit.io import _base, _digits

pytest.importorskip("pyarrow")

ARROW = pd.StringDtype("pyarrow")

#: (format, aware, cells that fit and are valid)
VALID = [
    ("%m/%d/%Y %H:%M", False, ["12/14/2024 02:52", "02/29/2024 23:59", "01/01/1678 00:00", "12/31/2261 23:59"]),
    ("%Y-%m-%d %H:%M:%S", False, ["2024-03-31 02:30:00", "2023-12-31 23:59:59"]),
    ("%d.%m.%Y %H:%M", False, ["31.03.2024 18:00", "01.10.2023 00:05"]),
    ("%d.%m.%Y", False, ["31.03.2024", "29.02.2000"]),
    ("%Y%m%d", False, ["20240331", "19991231"]),
    ("%Y-%m-%d %H:%M %z", True, ["2025-12-19 17:34 +0000", "2025-12-19 17:34 -0530", "2024-01-01 00:10 +1400"]),
]

#: Cells of the right width that pandas reads otherwise or not at all: the fast path must step aside.
ODD = {
    "%m/%d/%Y %H:%M": ["13/14/2024 02:52", "02/30/2024 10:00", "02/29/2023 10:00", "12/14/2024 24:00",
                       "12/14/2024 02:60", "00/10/2024 10:00", "12/00/2024 10:00", "12/14/0024 02:52",
                       "12/14/9999 02:52", "12-14-2024 02:52", "12/14/2024T02:52", "1a/14/2024 02:52",
                       "12/14/2024\t02:52", "12/14/2024 2:52 "],
    "%Y-%m-%d %H:%M %z": ["2025-12-19 17:34 +1500", "2025-12-19 17:34 +0060", "2025-12-19 17:34 00000",
                          "2025-12-19 17:34 *0100"],
}


def _pandas(cells, fmt, aware):
    got = pd.to_datetime(pd.Series(cells, dtype=ARROW), format=fmt, utc=aware, errors="coerce")
    return got.astype("datetime64[ns, UTC]" if aware else "datetime64[ns]")


@pytest.mark.parametrize("fmt, aware, cells", VALID)
def test_valid_cells_equal_pandas(fmt, aware, cells):
    fast = _base._fixed_width_times(pd.Series(cells, dtype=ARROW), fmt, aware)
    assert fast is not None
    pd.testing.assert_series_equal(fast, _pandas(cells, fmt, aware))


@pytest.mark.parametrize("fmt", sorted(ODD))
def test_one_odd_cell_leaves_the_column_to_pandas(fmt):
    aware = "%z" in fmt
    good = next(c for f, _, cs in VALID if f == fmt for c in cs)
    for odd in ODD[fmt]:
        assert _base._fixed_width_times(pd.Series([good, odd], dtype=ARROW), fmt, aware) is None, odd


def test_every_odd_cell_is_read_by_pandas_as_before():
    """The column as the loaders parse it (``_to_datetime``): the same times and NaT as pandas alone."""
    for fmt, cells in ODD.items():
        aware = "%z" in fmt
        vals = pd.Series(cells, dtype=ARROW)
        got = _base._to_datetime(vals, fmt, dayfirst=False, aware=aware)
        want = pd.to_datetime(vals, format=fmt, utc=aware, errors="coerce")
        assert got.isna().tolist() == want.isna().tolist()
        assert (got.dropna() == want.dropna()).all()


@pytest.mark.parametrize("fmt", ["%y-%m-%d", "%b %d, %Y", "%I:%M %p %m/%d/%Y", "%H:%M", "%Y-%m-%d %H:%M:%S.%f",
                                 "%Y-%m-%d %H:%M %z", "%d.%m.%Y ä"])
def test_formats_without_a_fixed_width_template(fmt):
    # %z for times without a zone, names, 12-hour clocks, fractions, a missing date part, non-ASCII text
    assert _digits.template(fmt, aware=False) is None


def test_a_column_in_several_chunks_and_a_random_sample_equal_pandas():
    rng = np.random.default_rng(7)
    ns = rng.integers(pd.Timestamp("1990-01-01").value, pd.Timestamp("2030-12-31").value, 5_000)
    cells = pd.Series(pd.to_datetime(ns)).dt.strftime("%m/%d/%Y %H:%M").astype(ARROW)
    chunked = pd.concat([cells[:1234], cells[1234:]], ignore_index=True)
    assert chunked.array._pa_array.num_chunks == 2
    fast = _base._fixed_width_times(chunked, "%m/%d/%Y %H:%M", False)
    pd.testing.assert_series_equal(fast, _pandas(chunked.tolist(), "%m/%d/%Y %H:%M", False))


@pytest.mark.parametrize("fmt, aware", [("%m/%d/%Y %H:%M", False), ("%Y-%m-%d %H:%M %z", True),
                                         ("%Y-%m-%d %H:%M:%S", False), ("%Y%m%d", False)])
def test_columns_longer_than_a_block_equal_pandas_and_an_odd_cell_in_a_later_block_is_seen(fmt, aware):
    """Cells are read block by block (_digits.BLOCK rows): every block counts, the last one short."""
    rng = np.random.default_rng(11)
    n = 2 * _digits.BLOCK + 777
    ns = rng.integers(pd.Timestamp("1678-01-02").value, pd.Timestamp("2261-12-30").value, n)
    ns[:4] = [pd.Timestamp(t).value for t in ("2000-02-29 23:59", "1900-03-01", "2100-02-28 12:00", "1970-01-01")]
    times = pd.Series(pd.to_datetime(ns))
    if aware:  # offsets of both signs, up to 14 hours
        cells = [t.strftime("%Y-%m-%d %H:%M") + f" {'+-'[k % 2]}{k % 15:02d}{(k * 7) % 60:02d}"
                 for k, t in enumerate(times)]
    else:
        cells = times.dt.strftime(fmt).tolist()
    col = pd.Series(cells, dtype=ARROW)
    fast = _base._fixed_width_times(col, fmt, aware)
    assert fast is not None
    pd.testing.assert_series_equal(fast, _pandas(cells, fmt, aware))
    for at in (_digits.BLOCK + 5, n - 1):  # an impossible date in the second or the last block
        odd = list(cells)
        bad = {"%m/%d/%Y %H:%M": "02/30/2024 10:00", "%Y-%m-%d %H:%M %z": "2025-12-19 17:34 +1500",
               "%Y-%m-%d %H:%M:%S": "2024-13-01 00:00:00", "%Y%m%d": "20240431"}[fmt]
        odd[at] = bad
        assert _base._fixed_width_times(pd.Series(odd, dtype=ARROW), fmt, aware) is None


def test_missing_cells_and_other_storage_are_left_to_pandas():
    assert _base._fixed_width_times(pd.Series(["12/14/2024 02:52", None], dtype=ARROW),
                                    "%m/%d/%Y %H:%M", False) is None
    assert _base._fixed_width_times(pd.Series(["12/14/2024 02:52"], dtype=object), "%m/%d/%Y %H:%M", False) is None


PLAIN = [  # (formats as a loader passes them, cells): every cell a plain time in the first format
    ((None,), ["2025-12-13 02:02:00", "2024-03-31 02:30:00", "2024-10-27 02:30:00"]),  # DST gap and fold
    ((None,), ["2025-12-13T02:02", "2024-03-31T02:30"]),
    (("%m/%d/%Y %H:%M",), ["12/14/2024 02:52", "03/31/2024 02:15"]),
    (("%d.%m.%Y %H:%M", "%d.%m.%Y"), ["31.03.2024 02:30", "27.10.2024 02:30"]),
    (("%Y-%m-%d %H:%M %z",), ["2025-12-19 17:34 +0000", "2024-03-31 02:30 -0530"]),  # X's zoned times
    (("%Y-%m-%d %H:%M:%S%z", None), ["2025-12-19 17:34:10+0100"]),
]


@pytest.mark.parametrize("formats, cells", PLAIN)
def test_plain_time_columns_skip_the_checks_with_the_same_result(monkeypatch, formats, cells):
    s = pd.Series(cells, dtype=ARROW)
    assert _base._plain_times(s, formats[0], False)[0] is not None
    fast = _base.parse_datetime.__wrapped__(s, tz="Europe/Berlin", formats=formats)
    with monkeypatch.context() as m:  # the same column through every check and pandas' parser
        m.setattr(_base, "_plain_times", lambda *a: (None, False))
        m.setattr(_base, "_fixed_width_times", lambda *a, **k: None)
        slow = _base.parse_datetime.__wrapped__(s, tz="Europe/Berlin", formats=formats)
    for a, b in zip(fast, slow):
        pd.testing.assert_series_equal(a, b)


@pytest.mark.parametrize("cells", [["2025-12-13", "2025-12-14"], ["2025-12-13 02:02:00", "2025"],
                                   ["2025-12-13 02:02:00", None], ["2025-12-13 02:02:00", "-"],
                                   [" 2025-12-13 02:02:00", "2025-12-13 02:02:00"]])
def test_columns_that_need_the_checks_take_them(cells):
    # dates alone, a year alone, missing cells, NA tokens, spaces: not plain times
    assert _base._plain_times(pd.Series(cells, dtype=ARROW), None, False) == (None, False)


@pytest.mark.parametrize("fmt, plain", [("%Y-%m-%d %H:%M:%S", True), ("%d.%m.%Y", False), ("%H:%M %d.%m.%Y", False),
                                        ("%Y-%m-%d %H:%M -0100", False), ("%Y-%m-%d %H:%M UTC", False),
                                        ("x%Y-%m-%d %H:%M", False)])
def test_which_templates_hold_plain_times_only(fmt, plain):
    tpl = _digits.template(fmt, aware=False)
    assert tpl is not None and _digits.plain_time(tpl) is plain


@pytest.mark.parametrize("fmt, zoned", [("%Y-%m-%d %H:%M %z", True), ("%Y-%m-%d %H:%M:%S%z", True),
                                        ("%d.%m.%Y %H:%M  %z", True), ("%Y-%m-%d %H%M %z", False),
                                        ("%Y-%m-%d %H:%M x%z", False), ("%z %Y-%m-%d %H:%M", False),
                                        ("%Y-%m-%d %H:%M:%S %z", True)])
def test_which_templates_hold_zoned_times_only(fmt, zoned):
    tpl = _digits.template(fmt, aware=True)
    assert tpl is not None and _digits.zoned_time(tpl) is zoned


@pytest.mark.parametrize("cells", [["2025-12-19 17:34 +0000", "2025-12-19 17:34 +00:00"],
                                   ["2025-12-19 17:34 +0000", "2025-12-19 17:34"]])
def test_zoned_columns_that_need_the_checks_take_them(cells):
    assert _base._plain_times(pd.Series(cells, dtype=ARROW), "%Y-%m-%d %H:%M %z", False) == (None, False)


@pytest.mark.parametrize("tz", [None, "UTC", "Europe/Berlin", "America/St_Johns"])
@pytest.mark.parametrize("formats, cells", PLAIN + [
    ((None,), ["2025-12-13 02:02:00", "1677-12-31 23:00:00"]), ((None,), ["2261-12-31 23:59:59", "2262-01-01 00:00:00"]),
    (("%Y-%m-%d %H:%M %z",), ["1678-01-01 00:30 +0100", "2025-12-19 17:34 +0000"]),
    (("%Y-%m-%d %H:%M %z",), ["2261-12-31 23:30 -0100"])])
def test_a_whole_fixed_width_column_in_one_step_equals_the_loop_over_formats(monkeypatch, tz, formats, cells):
    """_all_fixed (every value of the first format in range: taken at once) gives what the loop gives."""
    s = pd.Series(cells * 5, dtype=ARROW)
    whole = _base.parse_datetime.__wrapped__(s, tz=tz, formats=formats)
    with monkeypatch.context() as m:
        m.setattr(_base, "_all_fixed", lambda *a: None)
        loop = _base.parse_datetime.__wrapped__(s, tz=tz, formats=formats)
    for a, b in zip(whole, loop):
        pd.testing.assert_series_equal(a, b, check_exact=True)
