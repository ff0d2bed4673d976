"""The shortcuts of the web-analytics helpers (toolkit/io/_traffic.py) give what the long ways give.

Each test runs the shortcut and the way it replaces on the same tricky cells: a few cells split by
Python's ``re`` instead of Arrow's, number cells whose bytes let a pattern be skipped, the decimal
mark answered from a first look at a few cells, the currency symbol read from the first cells.
"""

import random
import warnings

import numpy as np
import pandas as pd
import pytest

from toolkit.io import _traffic
from toolkit.io._traffic import (_FEW_CELLS, _Distinct, _label, _parse_number_arrow, _parse_number_pandas,
                                 _source_medium, _source_medium_regex, decimal_mark, parse_number)

#: Cells where Arrow's RE2 and Python's re could part, or a skipped step could matter: spaces of every
#: kind (NBSP, thin and narrow no-break space, line separators), digits beyond ASCII, currency words
#: and symbols, '%' inside a currency word, exponents, whole percents, blanks and not-reported tokens.
TRICKY = ["1,204", "1.204", "66,67 %", "66,67\xa0%", "1.234,5 %", "1.234,5\u202f%", "€ 1.234", "€\u20091.234,56",
          "1\u2009234", "$1,112.15", "US$ 0,00", "uſ$ 3", "12 CHF", "Fr. 4", "E%UR 3", "3 EU%R", "US%D 4", "1e3", "1e5",
          "1E-2", "2.5e+3", "50%", "100%", "6%", "0%", "-", "--", "(not set)", "", " ", None, "N/A", "n/a", "abc",
          "3,215", "0.5", "46.92%", "12", "007", "-1", "+2", "-0", "123456789012345", "1234567890123456",
          "0.12345678901234", "12345678.123456", "٣,٥", "١٢", "١٢.٥", "1\u202f000", "\u2003 8 \u2003", "inf", "nan",
          "9" * 20, "1\t000", "1\x1c000", "£0.00", "¥5", "$", "$-", "1,2,3", "..", "1.2.3", "12\n"]

#: Cells of English reports without a letter or space: the steps for currency words and spaces are skipped.
PLAIN = ["1,204", "3,215", "0.5", "46.92%", "12", "$1,112.15", "$504.52", "50%", "6%", "-", "", None, "007", "-1",
         "1,2,3", "..", "$", "%", "1.234", "1.234,5", "0,5", "12345678.123456", "123456789012345"]


def _assert_like_python_re(sm: pd.Series, got) -> None:
    """``got`` (source, medium) equals the pattern run by Python's ``re`` cell by cell ("(not set)" alone: both)."""
    want = sm.str.extract(r"^(.*?)\s*(?:/|\s-\s)\s*([^/]*)$")
    odd = sm.notna() & want[0].isna()
    want.loc[odd, 0] = sm[odd]
    want.loc[odd, 1] = sm[odd]
    pd.testing.assert_series_equal(got[0], want[0].astype("string").str.strip(), check_exact=True,
                                   check_names=False)
    pd.testing.assert_series_equal(got[1], want[1].astype("string").str.strip(), check_exact=True,
                                   check_names=False)


SM_ODD = ["(not set)", "a - b", "a/b/c", "x - y - z", " / ", "a\n/b", "a -b", "a- b", "/x", "x/", "", "a  /  b",
          "a\u00a0/\u00a0b", "a\x1c/b", "a\n- b", "a -\nb", "a\x85-\x85b", "a / b\n", "a/\n", "a\u2028/ b", "- / -",
          "a - / b", "a\t-\tb", "a\u3000-\u3000b", "--", " - ", "(not set) / (not set)", "ü / ß ü", "a\u2009/\u2009b"]


def test_a_few_source_medium_cells_split_by_pythons_re_equal_the_oracle():
    rng = random.Random(3)
    plain = [f"site{i}.example / referral" for i in range(300)] + ["google / organic", "(direct) / (none)"]
    for _ in range(60):
        odd = [rng.choice(SM_ODD) for _ in range(rng.randint(1, _FEW_CELLS + 8))]  # around the threshold
        vals = plain + odd + [None]
        rng.shuffle(vals)
        sm = _label.__wrapped__(pd.Series(vals, dtype="string"))
        _assert_like_python_re(sm, _source_medium.__wrapped__(sm))
        alone = _label.__wrapped__(pd.Series(odd, dtype="string", index=pd.RangeIndex(4, 4 + len(odd))))
        got = _source_medium_regex(alone)
        _assert_like_python_re(alone, got)
        assert [g.name for g in got] == [0, 1]


@pytest.mark.parametrize("decimal", [".", ","])
def test_numbers_of_cells_without_letters_or_spaces_equal_pandas_string_methods(decimal):
    rng = random.Random(8)
    chars = ["1", "2", ",", ".", "%", "$", "-", "0"]
    pools = [PLAIN, TRICKY, PLAIN + ["12 CHF"], PLAIN + ["1 200"], PLAIN + ["1\xa0200"], PLAIN + ["E%UR 3"],
             PLAIN + ["€ 1.234"], PLAIN + ["uſ$ 3"]]
    for pool in pools:
        cells = pool + ["".join(rng.choice(chars) for _ in range(rng.randint(0, 7))) for _ in range(300)]
        s = pd.Series(cells, dtype="string", index=pd.RangeIndex(2, 2 + len(cells)), name="Sessions")
        if s.dtype.storage != "pyarrow":
            pytest.skip("Arrow strings only")
        for got, want in zip(_parse_number_arrow(s, decimal), _parse_number_pandas(s, decimal)):
            pd.testing.assert_series_equal(got, want, check_exact=True)


def test_cell_bytes_of_sliced_and_chunked_arrays_hold_every_byte_of_the_cells():
    import pyarrow as pa
    arr = pa.array(["ab", None, "€1", "", "x y"], type=pa.large_string())
    for a in (arr, arr.slice(1, 3), pa.chunked_array([arr.slice(0, 2), arr.slice(2)]), arr.cast(pa.string()).slice(2)):
        want = set(b"".join(c.encode() for c in a.to_pylist() if c))
        got = _traffic._cell_bytes(a)
        assert want <= set(np.flatnonzero(got).tolist())


def test_decimal_mark_from_a_first_look_equals_the_marks_of_every_cell():
    rng = np.random.default_rng(12)
    pool = np.array(TRICKY + PLAIN, dtype=object)
    for _ in range(150):
        n = int(rng.integers(1, 400))
        cols = [pd.Series(rng.choice(pool[rng.integers(0, len(pool), int(rng.integers(1, 8)))], n), dtype="string")
                for _k in range(int(rng.integers(1, 5)))]
        keep = rng.random(n) > 0.1
        cells = _Distinct(cols)
        for k, s in enumerate(cols):
            assert cells.decimal_mark([k]) == decimal_mark([s])
        assert cells.decimal_mark(rows=keep) == decimal_mark([s[keep] for s in cols])
        assert cells.decimal_mark() == decimal_mark(cols)


def test_columns_encoded_together_equal_each_column_parsed_alone():
    # one dictionary for all columns: a cell in two columns, columns of another Arrow string type, empty ones
    import pyarrow as pa
    rng = np.random.default_rng(13)
    pool = np.array(TRICKY + PLAIN, dtype=object)
    for _ in range(40):
        cols = []
        for _k in range(int(rng.integers(1, 4))):
            n = int(rng.integers(0, 200))
            s = pd.Series(rng.choice(pool[rng.integers(0, len(pool), 6)], n), dtype="string")
            if s.dtype.storage == "pyarrow" and rng.random() < 0.3:  # small strings, in two chunks
                arr = pa.array([v if isinstance(v, str) else None for v in s.tolist()], type=pa.string())
                s = pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([arr[: n // 2], arr[n // 2:]])))
            cols.append(s)
        together = _Distinct(cols)
        for dec in (".", ","):
            for (num, bad), s in zip(together.parse(dec), cols):
                want_num, want_bad = parse_number(s, decimal=dec)
                pd.testing.assert_series_equal(num, want_num, check_names=False, check_exact=True)
                pd.testing.assert_series_equal(bad, want_bad, check_names=False, check_exact=True)


def test_plain_cells_told_from_their_bytes_equal_the_two_patterns():
    import pyarrow as pa
    import pyarrow.compute as pc

    from toolkit.io._traffic import _PLAIN_DECIMAL, _PLAIN_INT, _all_plain

    def by_patterns(a):
        plain = pc.or_(pc.match_substring_regex(a, _PLAIN_INT),
                       pc.and_(pc.match_substring_regex(a, _PLAIN_DECIMAL), pc.less_equal(pc.utf8_length(a), 15)))
        return pc.all(plain).as_py() is not False

    rng = random.Random(9)
    pool = ["1", "0", ".", "9"]
    for _ in range(3000):
        cells = ["".join(rng.choice(pool) for _ in range(rng.choice([0, 1, 2, 3, 5, 14, 15, 16])))
                 for _ in range(rng.randint(0, 4))]
        cells += [None] * rng.randint(0, 1)
        a = pa.array(cells, type=rng.choice([pa.large_string(), pa.string()]))
        for x in (a, a.slice(1), pa.chunked_array([a, a.slice(0, 1)], type=a.type)):
            assert _all_plain(x) == by_patterns(x), x
    assert _all_plain(pa.array(["1", "-2"])) is None and _all_plain(pa.array(["1e3"])) is None


@pytest.mark.parametrize("guard", [False, True])
def test_labels_of_a_report_by_arrow_functions_equal_label_and_source_medium_of_each_cell(tmp_path, guard):
    import toolkit as tk
    rng = np.random.default_rng(14)
    pool = ["google / organic", " (direct) / (none) ", "(not set)", "a - b", "a / b / c", "t.co / referral", "ü / ß",
            "\u00a0x / y\u00a0", "(not set) / (not set)", "a\u2009/\u2009b", "x /", "   "] + (["'=x / y"] if guard else [])
    sm = rng.choice(np.array(pool, dtype=object), 2000)
    body = "\n".join(f'"{v}",/p{i},{i + 1}' for i, v in enumerate(sm))
    f = tmp_path / "Analytics All Web Site Data Source Medium 20190401-20190430.csv"
    f.write_text("# ----------------------------------------\n# All Web Site Data\n# Source / Medium\n"
                 "# 20190401-20190430\n# ----------------------------------------\n\n"
                 f"Source / Medium,Landing Page,Sessions\n{body}\n,,12000\n", encoding="utf-8")
    t = tk.load(f, tz="UTC", progress=False).traffic
    assert len(t) == 2000  # (a blank source / medium beside a landing page is a row, not a totals row)
    source, medium = _source_medium.__wrapped__(_label.__wrapped__(pd.Series(sm, dtype="string")))
    pd.testing.assert_series_equal(t["source"], source, check_names=False, check_exact=True)
    pd.testing.assert_series_equal(t["medium"], medium, check_names=False, check_exact=True)
    pd.testing.assert_series_equal(t["landing_page"], pd.Series([f"/p{i}" for i in range(2000)], dtype="string"), check_names=False, check_exact=True)


@pytest.mark.parametrize("errors", ["raise", "reject"])
def test_report_downloads_made_in_the_tables_column_order_equal_the_frames_finish_traffic_reorders(monkeypatch,
                                                                                                   errors):
    # traffic_rows(canonical=True) (used for GA4 and UA downloads) against the frames made before it
    import toolkit as tk
    from toolkit.errors import ExportFormatError
    from toolkit.io import _report_download

    from ._traffic_util import FIX

    def load(path):
        try:
            ds = tk.load(path, tz="UTC", errors=errors, progress=False)
        except ExportFormatError as exc:
            return str(exc)
        return ds.traffic, ds.rejected, [r.get("notes") for r in ds.load_report.to_dict("records")]

    files = sorted(p for d in ("ua", "ga4") for p in (FIX / d).rglob("*.csv"))
    assert len(files) > 5
    new = [load(p) for p in files]
    orig = _report_download.traffic_rows
    monkeypatch.setattr(_report_download, "traffic_rows", lambda *a, **k: orig(*a, **{**k, "canonical": False}))
    for p, got in zip(files, new):
        want = load(p)
        assert type(got) is type(want), p
        if isinstance(want, str):
            assert got == want
            continue
        pd.testing.assert_frame_equal(got[0], want[0], check_exact=True)
        pd.testing.assert_frame_equal(got[1], want[1], check_exact=True)
        assert got[2] == want[2]


def test_bounces_in_numpy_equal_the_pandas_steps():
    from toolkit.io._traffic import _bounces
    rates = [0.5, 0.2266, None, 1.0, 0.0, 1e300, -0.5, 0.125, 0.375, 2.5, float("inf"), 0.3333]
    counts = [10, 2962, 4, None, 0, 7, 3, 4, 4, 3, 1, 2**52]
    rng = np.random.default_rng(15)
    for _ in range(200):
        n = int(rng.integers(0, 30))
        r = pd.Series(pd.array(list(rng.choice(np.array(rates, dtype=object), n)), dtype="Float64"))
        c = pd.Series(pd.array(list(rng.choice(np.array(counts, dtype=object), n)), dtype="Int64"))
        try:
            want = (r * c.astype("Float64")).round().astype("Int64")
        except (TypeError, ValueError, OverflowError) as exc:
            with pytest.raises(type(exc)):
                _bounces(r, c)
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no warning pandas' steps would not give
            got = _bounces(r, c)
        pd.testing.assert_series_equal(got, want, check_exact=True)


def test_first_currency_found_after_the_first_look_equals_the_first_cell_with_a_symbol():
    from toolkit.io._traffic import _FIRST_LOOK, _first_currency
    for cells in (["12.5"] * (_FIRST_LOOK + 5) + ["4 EUR", "$1"], ["1"] * 3 + [None] * _FIRST_LOOK + ["uſ$ 2"],
                  ["1"] * 100, [None] * 70, ["CHF 3"] + ["$1"] * 70):
        cols = [pd.Series(["$9"] * len(cells), dtype="string"), pd.Series(cells, dtype="string")]
        cells_ = _Distinct(cols)
        assert cells_.first_currency(1) == _first_currency(cols[1])
        keep = np.arange(len(cells)) % 2 == 1
        assert cells_.first_currency(1, keep) == _first_currency(cols[1][keep])


def test_totals_rows_of_ascii_cells_found_without_the_pattern_equal_a_check_of_every_stripped_cell():
    from toolkit.io._traffic import _no_total_word, totals_mask

    from ._traffic_util import totals_oracle
    pools = [["google / organic", "(direct) / (none)", "", "  ", None, "20240301", "a - b"],
             ["google / organic", "Grand total", " TOTAL ", "Totals", "summe", "x", None],
             ["google / organic", "to", "t", "ges", "amt", "sum", "me"],  # the words only across cells
             ["Gesamt", "insgesamt ", "TOTAAL", "Eindtotaal", "google / cpc"]]
    rng = np.random.default_rng(16)
    seen = set()
    for pool in pools:
        for _ in range(20):
            raw = pd.DataFrame({"a": rng.choice(np.array(pool, dtype=object), 300),
                                "b": rng.choice(np.array(pool, dtype=object), 300)}).astype("string")
            if raw["a"].dtype.storage != "pyarrow":
                pytest.skip("Arrow strings only")
            seen.add(_no_total_word(raw["a"].array._pa_array))
            assert totals_mask(raw, ["a", "b"]).to_numpy().tolist() == totals_oracle(raw, ["a", "b"])
    assert seen == {True, False}


def test_ascii_characters_dropped_from_the_bytes_equal_replace_substring():
    import pyarrow as pa
    import pyarrow.compute as pc

    from toolkit.io._traffic import _drop_ascii
    rng = random.Random(18)
    pieces = ["1", ",", ".", "%", "$", " ", "€", "ü", "\u202f", "x", "%%", "$,"]
    for _ in range(300):
        cells = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 6))) for _ in range(rng.randint(0, 20))]
        cells += [None] * rng.randint(0, 2)
        rng.shuffle(cells)
        a = pa.array(cells, type=rng.choice([pa.large_string(), pa.string()]))
        chars = "".join(rng.sample(["%", "$", ",", "."], rng.randint(0, 3)))
        for x in (a, a.slice(1), pa.chunked_array([a, a.slice(2)], type=a.type)):
            want = x
            for c in chars:
                want = pc.replace_substring(want, c, "")
            got = _drop_ascii(x, chars)
            assert got.type == x.type and got.to_pylist() == want.to_pylist()
