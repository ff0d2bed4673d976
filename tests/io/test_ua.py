"""Universal Analytics report downloads -> the traffic table."""

import pandas as pd
import pytest

import toolkit as tk
from toolkit.errors import ExportFormatError
from toolkit.io.ga4 import preamble_kind
from toolkit.schema import TRAFFIC

from ._traffic_util import FIX, parse

UA = FIX / "ua"


def test_english_landing_pages_goal_columns_and_day_index_section():
    p = parse(UA / "Analytics_All_Web_Site_Data_Landing_Pages_20150416-20150416.csv")
    assert p.format == "ua_csv"
    t = p.tables["traffic"]
    TRAFFIC.validate(t)
    lp = t[t.breakdown == "landing_page"].set_index("landing_page")
    assert lp.loc["/blog/kaffee", ["sessions", "new_users", "bounces", "conversions"]].tolist() == [2662, 2537, 2350, 3]
    assert lp.loc["/angebote?utm_source=facebook&utm_medium=social", "conversions"] == 4   # goal 1 + goal 2 completions
    assert set(t.property) == {"All Web Site Data"} and (lp.date == pd.Timestamp("2015-04-16")).all()
    day = t[t.breakdown == "date"]
    assert day[["date", "sessions"]].values.tolist() == [[pd.Timestamp("2015-04-16"), 3215]]
    assert [r["line"] for r in p.rejected] == [10, 14] and all(r["kind"] == "skipped" for r in p.rejected)


def test_german_numbers_percent_and_currency():
    t = parse(UA / "Analytics_Alle_Websitedaten_Quelle_Medium_20190301-20190310.csv").tables["traffic"]
    sm = t[t.breakdown == "source,medium"].set_index("source")
    assert sm.loc["facebook.com", ["sessions", "new_users", "bounces", "conversions"]].tolist() == [1204, 965, 550, 12]
    assert sm.loc["facebook.com", "revenue"] == 1234.5 and sm.loc["facebook.com", "currency"] == "€"
    assert sm.loc["(direct)", "bounces"] == 155                      # "50,00 %" of 310
    assert set(t.property) == {"Alle Websitedaten"}
    d = t[t.breakdown == "date"]
    assert d[["date", "sessions"]].values.tolist() == [[pd.Timestamp("2019-03-01"), 700], [pd.Timestamp("2019-03-02"), 814]]


def test_us_day_index_read_month_first_inside_the_period():
    t = parse(UA / "Analytics_All_Web_Site_Data_Source_Medium_20190401-20190430_us.csv").tables["traffic"]
    assert t.date.tolist() == [pd.Timestamp("2019-04-05"), pd.Timestamp("2019-04-13")]


def test_ua_and_ga4_preambles_are_told_apart():
    assert preamble_kind((UA / "Analytics_All_Web_Site_Data_Source_Medium_20190401-20190430_us.csv").read_text()) == "ua"
    assert preamble_kind((FIX / "ga4" / "Free_form_1.csv").read_text()) == "ga4"
    assert preamble_kind("Date,Sessions\n20240301,3\n") is None


def test_broken_sessions_cell():
    with pytest.raises(ExportFormatError, match=r"bad_sessions_line_8.csv, line 8, column 'Sessions': cannot read 'n.a.'"):
        parse(UA / "broken" / "bad_sessions_line_8.csv")


def test_metric_columns_parsed_together_equal_each_column_parsed_alone():
    import numpy as np

    from toolkit.io._traffic import _Distinct, decimal_mark, parse_number
    cells = ["1,204", "1.204", "66,67 %", "66.67%", "25\xa0%", "£0.00", "US$ 0,00", "1 200", "", "-", "abc",
             "3,215", "0.5", "12", None, "N/A", " 7 ", "1.234,5", "0,5", "٣,٥", "١٢.٥", "50%", "1\u202f000"]
    rng = np.random.default_rng(3)
    for _ in range(80):
        cols = []
        for k in range(int(rng.integers(1, 5))):
            n = int(rng.integers(0, 3000))
            pool = np.array(rng.choice(np.array(cells, dtype=object), int(rng.integers(1, 6))), dtype=object)
            cols.append(pd.Series(rng.choice(pool, n), dtype="string", index=pd.RangeIndex(5, 5 + n)))
        together = _Distinct(cols)
        assert together.decimal_mark() == decimal_mark(cols)
        for dec in (".", ","):
            for (num, bad), s in zip(together.parse(dec), cols):
                want_num, want_bad = parse_number(s, decimal=dec)
                pd.testing.assert_series_equal(num, want_num, check_names=False, check_exact=True)
                pd.testing.assert_series_equal(bad, want_bad, check_names=False, check_exact=True)


def test_bounce_rates_written_as_whole_percents_are_read(tmp_path):
    # "50%" and "100%" alone made the rate column whole numbers (Int64), and dividing by 100 failed
    f = tmp_path / "Analytics All Web Site Data Source Medium 20190401-20190401.csv"
    f.write_text("# ----------------------------------------\n# All Web Site Data\n# Source / Medium\n"
                 "# 20190401-20190401\n# ----------------------------------------\n\n"
                 "Source / Medium,Sessions,Bounce Rate\ngoogle / organic,10,50%\n(direct) / (none),4,100%\n",
                 encoding="utf-8")
    t = tk.load(f, tz="UTC").traffic
    assert t.bounces.tolist() == [5, 4] and t.sessions.tolist() == [10, 4]


@pytest.mark.parametrize("decimal", [".", ","])
def test_numbers_parsed_by_arrow_functions_equal_pandas_string_methods(decimal):
    import random

    from toolkit.io._traffic import _parse_number_arrow, _parse_number_pandas
    cells = ["1,204", "1.204", "66,67 %", "66.67%", "25\xa0%", "£0.00", "US$ 0,00", "uſ$ 3", "1 200", "", "-", "--",
             "abc", "3,215", "0.5", "12", None, "N/A", "n/a", " NaN ", "null", "None", "undefined", " 7 ", "1.234,5",
             "0,5", "%", "50%", "100%", "E%UR 3", "1e3", "inf", "-1", "+2", "1\u202f000", "\u2003 8 \u2003", "٣",
             "12 CHF", "Fr. 4", "€ 1.234,56", "$1,234.56", "1,2,3", "..", "1.2.3", "0x10", "1_000", "9" * 20]
    rng = random.Random(5)
    chars = ["1", "2", ",", ".", " ", "%", "$", "-", "\xa0", "€"]
    cells += ["".join(rng.choice(chars) for _ in range(rng.randint(0, 6))) for _ in range(500)]
    s = pd.Series(cells, dtype="string", index=pd.RangeIndex(3, 3 + len(cells)), name="Sessions")
    if s.dtype.storage != "pyarrow":
        pytest.skip("Arrow strings only")
    for got, want in zip(_parse_number_arrow(s, decimal), _parse_number_pandas(s, decimal)):
        pd.testing.assert_series_equal(got, want, check_exact=True)


#: Cells where the old and the new way could part: decimal commas, percents with a decimal comma and a
#: no-break or thin space, currency before and after, '%' inside a currency word, exponents, whole
#: percents, '-', '(not set)', blanks, digits beyond ASCII, long and zero-padded numbers.
TRICKY = ["1,204", "1.204", "66,67 %", "66,67\xa0%", "1.234,5 %", "1.234,5\u202f%", "€ 1.234", "€\u20091.234,56",
          "1\u2009234", "$1,112.15", "US$ 0,00", "12 CHF", "Fr. 4", "E%UR 3", "3 EU%R", "US%D 4", "1e3", "1E-2",
          "2.5e+3", "50%", "100%", "0%", "-", "--", "(not set)", "", " ", None, "N/A", "abc", "3,215", "0.5",
          "46.92%", "12", "007", "-1", "+2", "-0", "123456789012345", "1234567890123456", "0.12345678901234",
          "12345678.123456", "٣,٥", "١٢.٥", "1\u202f000", "\u2003 8 \u2003", "inf", "nan", "9" * 20]


def test_totals_check_and_kept_rows_from_one_distinct_set_equal_the_old_way():
    # old way: decimal_mark and parse_number of the sessions column alone (all rows, for the totals check),
    # then of every metric column without the totals rows (a new distinct set), and to_count of the values
    import numpy as np

    from toolkit.io._traffic import _Distinct, decimal_mark, parse_number, to_count
    rng = np.random.default_rng(11)
    for _ in range(120):
        n = int(rng.integers(1, 2500))
        cols = []
        for _k in range(int(rng.integers(1, 5))):
            pool = np.array(rng.choice(np.array(TRICKY, dtype=object), int(rng.integers(1, 7))), dtype=object)
            cols.append(pd.Series(rng.choice(pool, n), dtype="string"))
        keep = rng.random(n) > 0.02
        if rng.random() < 0.3:
            keep[:] = True
        cells = _Distinct(cols)
        for k, s in enumerate(cols):
            assert cells.decimal_mark([k]) == decimal_mark([s])
        kept = [s[keep].reset_index(drop=True) for s in cols]
        rows = None if keep.all() else keep
        dec = cells.decimal_mark(rows=rows)
        assert dec == decimal_mark(kept)
        for d in {dec, "."}:
            for k, s in enumerate(kept):
                want_num, want_bad = parse_number(s, decimal=d)
                num, bad = cells.column(k, d, rows, s.index)
                pd.testing.assert_series_equal(num, want_num, check_names=False, check_exact=True)
                pd.testing.assert_series_equal(bad, want_bad, check_names=False, check_exact=True)
                want_count, want_frac = to_count(want_num)
                count, frac = cells.count_column(k, d, rows, s.index)
                pd.testing.assert_series_equal(count, want_count, check_names=False, check_exact=True)
                pd.testing.assert_series_equal(frac, want_frac, check_names=False, check_exact=True)


@pytest.mark.parametrize("cells", [["12", "007", "0", None, "123456789012345"],
                                   ["12.5", "3", "0.12345678901234", "12345678.123456", None],
                                   ["1234567890123456", "1"], ["0.123456789012345678", "2"], ["-0", "1"],
                                   ["1e3", "4"], ["(not set)", "5"], ["+2", "3.5"], ["", "1"], [None, None]])
def test_plain_numbers_cast_by_arrow_equal_to_numeric(cells):
    import pyarrow as pa

    from toolkit.io._traffic import _to_float
    s = pd.Series(cells, dtype="string")
    if s.dtype.storage != "pyarrow":
        pytest.skip("Arrow strings only")
    want = pd.to_numeric(s, errors="coerce").astype("Float64")
    got = _to_float(pa.chunked_array([pa.array(cells, type=pa.large_string())]), s.dtype)
    pd.testing.assert_series_equal(got, want, check_exact=True)


def test_finish_traffic_without_conform_casts_equals_conform():
    from toolkit.io._traffic import finish_traffic
    from toolkit.schema import TRAFFIC
    day = pd.Series(pd.to_datetime(["2024-03-01", None, "2024-03-02"]), dtype="datetime64[ns]")
    base = {"tool": pd.Series(["ua"] * 3, dtype="string"), "date": day, "date_to": day,
            "sessions": pd.Series([1, None, 3], dtype="Int64"), "source": pd.Series(["a", None, "b"], dtype="string"),
            "_line": [3, 4, 5], "extra": [1, 2, 3]}
    cases = [base,  # canonical dtypes, columns missing: the fast way
             {**base, "date": day + pd.Timedelta(hours=5)},  # not midnight: conform normalises
             {**base, "date": day.astype("datetime64[s]")},  # another unit
             {**base, "sessions": pd.Series([1.0, None, 3.0])}]  # float counts: conform casts
    for cols in cases:
        frame = pd.DataFrame(cols)
        want = TRAFFIC.conform(pd.concat([frame, frame], ignore_index=True).drop(columns=["_line"]))
        pd.testing.assert_frame_equal(finish_traffic([frame, frame]), want, check_exact=True)


def test_first_currency_from_distinct_cells_equals_the_first_cell_with_a_symbol():
    import numpy as np

    from toolkit.io._traffic import _Distinct, _first_currency
    rng = np.random.default_rng(4)
    pool = np.array(["12.5", "$1.00", "€ 3", "US$ 4", "uſ$ 5", "4 EUR", "eur", None, "", "Fr. 6", "CHF", "x"], dtype=object)
    for _ in range(60):
        n = int(rng.integers(0, 300))
        cols = [pd.Series(rng.choice(pool[rng.integers(0, len(pool), 3)], n), dtype="string") for _k in range(3)]
        keep = rng.random(n) > 0.3
        cells = _Distinct(cols)
        for k, s in enumerate(cols):
            assert cells.first_currency(k) == _first_currency(s)
            assert cells.first_currency(k, keep) == _first_currency(s[keep])


def test_labels_made_once_per_distinct_cell_with_the_totals_rows_equal_labels_of_the_kept_rows(tmp_path):
    import numpy as np

    from toolkit.io._traffic import _label, _source_medium
    rng = np.random.default_rng(6)
    pool = np.array(["google / organic", " (direct) / (none) ", "(not set)", "'=x / y", "a - b", "a / b / c",
                     "t.co / referral", "ü / ß"], dtype=object)
    sm = rng.choice(pool, 3000)
    body = "\n".join(f'"{v}",/p{i},{i + 1}' for i, v in enumerate(sm))  # a page each: no duplicate keys
    f = tmp_path / "Analytics All Web Site Data Source Medium 20190401-20190430.csv"
    f.write_text("# ----------------------------------------\n# All Web Site Data\n# Source / Medium\n"
                 "# 20190401-20190430\n# ----------------------------------------\n\n"
                 f"Source / Medium,Landing Page,Sessions\nGrand total,,12000\n{body}\n,,12000\n", encoding="utf-8")
    t = tk.load(f, tz="UTC", progress=False).traffic
    source, medium = _source_medium.__wrapped__(_label.__wrapped__(pd.Series(sm, dtype="string")))
    assert len(t) == 3000
    pd.testing.assert_series_equal(t["source"], source, check_names=False, check_exact=True)
    pd.testing.assert_series_equal(t["medium"], medium, check_names=False, check_exact=True)


@pytest.mark.parametrize("sep", ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c"])
def test_a_line_separator_inside_a_quoted_cell_is_kept(tmp_path, sep):
    """Bug: sections were split with str.splitlines and joined with newlines, so these characters inside a
    quoted cell became newlines (and moved later line numbers)."""
    f = tmp_path / "Analytics All Web Site Data Landing Pages 20190401-20190401.csv"
    f.write_text("# ----------------------------------------\n# All Web Site Data\n# Landing Pages\n# 20190401-20190401\n"
                 "# ----------------------------------------\n\nLanding Page,Sessions\n\"/a" + sep + "b\",3\n/c,x\n",
                 encoding="utf-8")
    ds = tk.load(f, tz="UTC", progress=False, errors="reject")
    assert ds.traffic.landing_page.tolist() == ["/a" + sep + "b"]
    assert ds.rejected["line"].tolist() == [9]  # the line an editor shows ("x" is not a number)
