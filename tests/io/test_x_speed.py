"""The shortcuts of toolkit/io/x.py's tweet activity reader give what the general path gives (issue #14.1).

Each shortcut is compared with the code it stands in for, on tricky cells (spreadsheet re-saves, German
numbers, non-ASCII digits, blanks) and on whole files (the shortcut switched off by setting it to ``None``
in the module: the general path, as before).
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import toolkit as tk
import toolkit.io.x as x
from toolkit.errors import ExportFormatError
from toolkit.io._locale import EN
from toolkit.io._numbers import NumberColumns

#: Count cells: the first ones are X's own writing (the shortcut must take them), the rest anything a
#: re-save or a hand edit makes.
PLAIN = ["3656.0", "0", "", "0.0", "123456789012345", "123456789012345.0", "007", "10.0"]
TRICKY = ["12.", ".0", ".5", "1.2.0", "12.00", "12.5", "1/2", "1e5", "1E5", "inf", "nan", "-1", "+1", " 5", "5 ",
          "1234567890123456", "1234567890123456.0", "0000000000000001", "١٢", "１２", "1,234", "1.234", "12.040",
          "1.234,5 %", "6%", "-", "(not set)", "\u00a0", "1\u202f234", "1\u2009234", "€ 1.234", "12,0", "5.0.", "..0",
          "0.00", "3656.0\n", "1.0e3"]
RATES = ["0.0257", "0.0", "", "0", "9.038322487346348e-05", "0,0257", "1.234.567", "1.234", "6,14 %", "6%", "-",
         "0.5.", "1.234,5", "١٢"]


def _frame(counts: list[list[str]], rate: list[str] | None) -> pd.DataFrame:
    cols = {f"c{i}": pd.array(cells, dtype="string") for i, cells in enumerate(counts)}
    if rate is not None:
        cols["rate"] = pd.array(rate, dtype="string")
    return pd.DataFrame(cols)


def _general(frame: pd.DataFrame, counts: list[str], rate: str | None):
    """What read() did before the shortcut: number_columns' style, then int_columns' counts."""
    kinds = {c: "int" for c in counts} | ({rate: "float"} if rate else {})
    cols = NumberColumns(frame, kinds)
    style, note = cols.style(delimiter=",")
    return style, note, {c: cols.count(c, style) for c in counts}


def _same_as_general(counts: list[list[str]], rate: list[str] | None) -> bool:
    """Assert the shortcut's answer equals the general one; True when the shortcut answered."""
    frame = _frame(counts, rate)
    names = [c for c in frame.columns if c != "rate"]
    fast = x._plain_counts(frame, names, "rate" if rate is not None else None, ",")
    if fast is None:
        return False
    style, note, got = _general(frame, names, "rate" if rate is not None else None)
    assert style is EN and note is None
    for c in names:
        vals, bad = got[c]
        assert not bad.any()
        pd.testing.assert_series_equal(pd.Series(fast[c], index=frame.index), vals, check_names=False)
    return True


@pytest.mark.parametrize("cell", PLAIN + TRICKY)
def test_plain_counts_equal_the_general_path_on_tricky_cells(cell):
    """One odd cell among X's own ones: the shortcut gives the general answer, or leaves it to the general path."""
    counts = [["3656.0", "12.0", cell, "0.0"], ["1", "", "0", "7.0"]]
    answered = _same_as_general(counts, ["0.0257", "0.0", "1.0", "0.5"])
    assert answered is (cell in PLAIN)
    # the odd cell in the second column, and alone
    assert _same_as_general([["1.0", "2.0", "3.0"], ["4.0", cell, "5.0"]], None) is (cell in PLAIN)
    assert _same_as_general([[cell]], None) is (cell in PLAIN)


@pytest.mark.parametrize("rate", RATES)
def test_plain_counts_leave_german_looking_rates_to_the_general_path(rate):
    """A rate cell with ',' or two '.' may be German evidence: only then the shortcut declines."""
    answered = _same_as_general([["3656.0", "12.0"], ["1", "2.0"]], ["0.01", rate])
    assert answered is ("," not in rate and rate.count(".") < 2)


def test_plain_counts_decline_what_they_cannot_decide():
    frame = _frame([["1.0", "2.0"]], ["0.1", "0.2"])
    assert x._plain_counts(frame, ["c0"], "rate", ";") is None  # ';': German hint (number_style decides)
    with_na = pd.DataFrame({"c0": pd.array(["1.0", None], dtype="string")})
    assert x._plain_counts(with_na, ["c0"], None, ",") is None  # a missing cell
    as_str = pd.DataFrame({"c0": pd.Series(["1.0", "2"], dtype="str")})
    assert x._plain_counts(as_str, ["c0"], None, ",") is None  # pandas' "str" dtype: the general path's own branch
    assert x._plain_counts(frame.iloc[:0], ["c0"], "rate", ",") is None
    assert _same_as_general([["1"] * 3, ["0"] * 3], None)


def _activity_csv(path, rows: int, odd: dict[str, str]) -> None:
    """A tweet activity CSV of ``rows`` rows (large enough for the fast CSV reader), row 5 with ``odd`` cells."""
    header = ["Tweet id", "Tweet permalink", "Tweet text", "time", "impressions", "engagements", "engagement rate",
              "retweets", "replies", "likes", "user profile clicks", "url clicks", "hashtag clicks", "detail expands",
              "permalink clicks", "app opens", "app installs", "follows", "email tweet", "dial phone", "media views",
              "media engagements"]
    lines = [",".join(header)]
    for i in range(rows):
        tid = str(1900000000000000000 + i * 1000)
        cells = {"Tweet id": tid, "Tweet permalink": f"https://twitter.com/acct/status/{tid}",
                 "Tweet text": f'"Post {i} &amp; more, ""quoted"""',
                 "time": f"2024-02-{1 + i % 28:02d} 17:{i % 60:02d} +0000",
                 "engagement rate": f"{(i % 97) / 1000:.4f}"}
        row = [cells.get(h, f"{(i * 7 + j) % 500}.0") for j, h in enumerate(header)]
        if i == 5:
            row = ['"' + odd[h] + '"' if h in odd else v for h, v in zip(header, row)]
        lines.append(",".join(row))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("odd", [{}, {"likes": ""}, {"likes": "12.5"}, {"likes": "1.234"}, {"retweets": "1,234"},
                                 {"engagement rate": "0,0257"}, {"engagement rate": "1.234.567"}, {"replies": "-"},
                                 {"likes": "1e5"}, {"follows": "١٢"}, {"impressions": "12345678901234567"}])
@pytest.mark.parametrize("errors", ["raise", "reject"])
def test_activity_file_loads_as_with_the_general_path(tmp_path, monkeypatch, odd, errors):
    """Whole files (fast CSV reader): the same posts, notes, rejects and errors with the shortcut and without."""
    f = tmp_path / "tweet_activity_metrics_acct_20240101_20240301_en.csv"
    _activity_csv(f, 2000, odd)

    def load():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ds = tk.load(f, errors=errors, progress=False)
        except ExportFormatError as exc:
            return str(exc)
        return ds.posts, ds.load_report, ds.rejected

    answers = []
    shortcut = x._plain_counts
    monkeypatch.setattr(x, "_plain_counts", lambda *args: answers.append(shortcut(*args)) or answers[-1])
    fast = load()
    assert len(answers) == 1 and (answers[0] is not None) is (odd in ({}, {"likes": ""}))
    monkeypatch.setattr(x, "_plain_counts", lambda *args: None)
    general = load()
    if isinstance(general, str):
        assert fast == general
        return
    for a, b in zip(fast, general):
        pd.testing.assert_frame_equal(a, b)



ID_CELLS = [["1900000000000000001", "1"], ["0012", "7"], ["1900000000000000000", "1"], ["1,73784E+18", "1"],
            ["١٢٣", "1"], ["1900000000000000001", ""], [""], ["12 ", "1"], ["1900000000000000001", None],
            ["1234567890123450000", "1234567890123460000"], ["1234567890123450", "1"], ["12345678901234500", "7"],
            ["1234567890123456000", "1234567890123450000"], ["link-0123456789abcdef", "5"], ["x", "5"], ["1/2"],
            ["１２"], ["12.0"], ["-1"], ["1e18"], ["\u00a01"]]


@pytest.mark.parametrize("cells", ID_CELLS)
def test_intact_ids_equal_intact_digits(cells):
    from toolkit.io._locale import _intact_digits

    for dtype in ("string", "str", object):
        ids = pd.Series(cells, dtype=dtype)
        assert x._intact_ids(ids) is _intact_digits(ids)
        # the same cells in two chunks (as a concatenation makes them)
        if dtype == "string":
            two = pd.concat([ids, ids], ignore_index=True)
            assert x._intact_ids(two) is _intact_digits(two)


@pytest.mark.parametrize("cells", [["2024-02-17 17:47 +0000"], ["17.02.2024 17:47", "2024-02-17 17:47 +0000"],
                                   ["02/17/2024 17:47"], ["31/12/2024 17:47"], ["", None], ["2024-02-17T17:47:00.5Z"]])
def test_date_style_shortcut_equals_date_style(cells):
    from toolkit.io._numbers import date_style

    for dtype in ("string", "str", object):
        s = pd.Series(cells, dtype=dtype)
        for native in (("%Y-%m-%d %H:%M %z", None), ("%m/%d/%Y %H:%M",)):
            for german in (True, False):
                assert x._date_style(s, native, column="time", allow_german=german) == \
                    date_style(s, native, column="time", allow_german=german)


@pytest.mark.parametrize("cells", [["plain", "text"], ["a &amp; b", "c"], ["&", None], [None, ""], ["&#128512; &lt;3"],
                                   ["Grüße &auml;"], ["no entity & here"]])
def test_unescape_equals_html_unescape_per_cell(cells):
    import html

    for dtype in ("string", "str"):
        s = pd.Series(cells, dtype=dtype)
        want = s.fillna("").map(html.unescape).astype(s.dtype)
        pd.testing.assert_series_equal(x._unescape(s), want)


@pytest.mark.parametrize("links", [
    ["https://twitter.com/acct0/status/1900000000000000000", "https://x.com/Ab_c/status/2"],
    ["https://twitter.com/a?b/status/1"], ["https://x.com/a/status/1?s=20"], ["https://x.com/grüße/status/12"],
    ["https://x.com/a\nb/status/1"], ["https://x.com/status/1"], ["https://x.com//status/1"], ["https://x.com/a/status/"],
    ["https://x.com/a/status/١"], ["https://x.com/a/b/status/1"], ["https://x.com/a/status/status/1"],
    ["https://www.x.com/a/status/1"], ["https://twitter.com/x.com/status/1"], ["https://x.com/a/status/1", ""],
    ["https://x.com/a/status/1", None], ["https://x.com/a/statuses/1"], ["https://X.com/a/status/1"]])
def test_account_from_link_cut_by_offsets_equals_extract(links):
    """X's own permalinks cut at the offsets of '/status/' give what the status-link pattern finds."""
    from toolkit.io._base import extract
    from toolkit.io.x import _STATUS_LINK, _account_from_link

    for s in (pd.Series(links * 3, dtype="string", index=range(2, 2 + 3 * len(links))),
              pd.concat([pd.Series(links, dtype="string")] * 2, ignore_index=True)):
        want = extract(s.fillna(""), r"(twitter|x)\.com/([^/]+)/status/")[1].astype("string")
        pd.testing.assert_series_equal(_account_from_link(s, _STATUS_LINK), want)
