"""toolkit/io/_locale.py: the number and date style of a file, IDs destroyed by spreadsheets."""

import pandas as pd
import pytest

from toolkit.io._locale import DE, EN, canonical_url, count, date_style, mangled, number, number_style, repair_ids, \
    text_key


def S(*v):
    return pd.Series(list(v), dtype="string")


@pytest.mark.parametrize("cells,kind,delimiter,style", [
    (["18.450", "7"], "int", ",", DE),        # dotted thousands in a count column
    (["12,400", "7"], "int", ";", EN),        # Meta's own quoted thousands, even in a ';' file
    (["3,5", "1"], "float", ",", DE),         # decimal comma
    (["0.25", "1"], "float", ";", EN),        # decimal point
    (["1.234", "5"], "float", ",", EN),       # ambiguous in a decimal column, no hint: English
    (["1.234", "5"], "float", ";", DE),       # ... the ';' of a German Excel re-save tips it
    (["1", "2"], "int", ";", DE),             # nothing decides, ';' does (and nothing is misread)
])
def test_number_style_from_whole_columns(cells, kind, delimiter, style):
    got, _ = number_style({"c": (S(*cells), kind)}, delimiter=delimiter)
    assert got is style


def test_mixed_styles_are_reported_not_misread():
    style, note = number_style({"a": (S("18.450", "1.020"), "int"), "b": (S("12,400"), "int")}, delimiter=";")
    assert style is DE and "two styles" in note
    vals, bad = count(S("18.450", "12,400", "", "-", "0"), style)
    assert vals.tolist()[0] == 18450 and bad.tolist() == [False, True, False, False, False]
    assert pd.isna(vals[1]) and pd.isna(vals[2]) and vals[4] == 0
    f, badf = number(S("1.234,5", "6,14 %", "0,0040869"), DE)
    assert f.tolist() == pytest.approx([1234.5, 0.0614, 0.0040869]) and not badf.any()


def test_date_style_day_first_only_from_the_whole_column():
    us = ("%m/%d/%Y %H:%M",)
    assert date_style(S("03/04/2024 10:00", "03/05/2024 10:00"), us, column="t").formats == us
    swapped = date_style(S("03/04/2024 10:00", "13/04/2024 10:00"), us, column="t")
    assert swapped.formats == ("%d/%m/%Y %H:%M",) and "day first" in swapped.note
    de = date_style(S("07.03.2024 17:30", "31.03.2024 18:00"), us, column="t")
    assert de.german and de.formats[0] == "%d.%m.%Y %H:%M"
    assert not date_style(S("07.03.2024 17:30"), us, column="t", allow_german=False).german


def test_mangled_ids_and_their_keys():
    ids = S("1,02938E+15", "1.02938E+15", "1029384756102938", "1,22158E+17", "abc")
    assert mangled(ids).tolist() == [True, True, False, True, False]
    links = S("https://www.facebook.com/p/posts/1029384756102938", "https://m.facebook.com/p/posts/1029399999999999",
              "", "", "")
    when = pd.Series(pd.to_datetime(["2024-03-01 10:00"] * 5, utc=True))
    text = S("a", "b", "c", "Grüße 🚲!", "e")
    out, unresolved, note = repair_ids(ids, platform="facebook", column="Post ID", permalink=links,
                                       published_at=when, text=text)
    assert out[0] == "1029384756102938"                  # digits fit the mantissa: the real id
    assert out[1].startswith("link-")                     # digits do not fit: not taken as the id
    assert out[2] == "1029384756102938" and out[4] == "abc"  # untouched
    assert out[3].startswith("key-") and not unresolved.any()
    # the same post re-saved with cp1252 ('?' for the emoji) and another spelling of the link gets the same key
    again, _, _ = repair_ids(S("1,22158E+17"), platform="facebook", column="Post ID", permalink=S(""),
                             published_at=when[:1], text=S("Grüße ?!"))
    assert again[0] == out[3]
    assert canonical_url(S("https://twitter.com/a/status/1/", "http://www.x.com/a/status/1?s=20")).nunique() == 1
    assert text_key(S("Grüße 🚲!\r\n zwei")).iloc[0] == "Grüße ! zwei"
    assert "3 post id(s) destroyed" in note


# --- shortcuts taken in C (issue #14.1): the same verdicts as the exact, per-cell way -------------------

TRICKY_COUNTS = [["1", "", "0012", "999999999999999"], ["1", "2"], ["1,2", "3"], [" 1", "2"], ["", ""],
                 ["١٢", "3"], ["9999999999999999"], ["+1"], ["-1"], ["1e3"], ["²"], ["１２"], ["1.000"],
                 ["-", "4"],
                 ["n/a"], ["12,400"], ["18.450"], ["1 000"], ["0x1F"], ["7\n"]]


@pytest.mark.parametrize("cells", TRICKY_COUNTS)
@pytest.mark.parametrize("style", [EN, DE])
def test_counts_read_in_arrow_equal_counts_read_cell_by_cell(cells, style):
    from toolkit.io import _locale
    s = pd.Series(cells * 400, dtype="string")  # long enough for the per-distinct path too
    for col in (s, s.iloc[:len(cells)]):
        fast, exact = count(col, style), _locale._count(col, style)
        pd.testing.assert_series_equal(fast[0], exact[0], check_names=False)
        pd.testing.assert_series_equal(fast[1], exact[1], check_names=False)
    assert (_locale._plain_counts(s) is not None) == all(c == "" or (c.isascii() and c.isdigit() and len(c) <= 15)
                                                          for c in cells)


@pytest.mark.parametrize("cells", TRICKY_COUNTS + [["3,5"], ["0.25", "1"], ["1.234,5 %"]])
def test_columns_without_a_mark_give_no_style_evidence_as_before(cells):
    from toolkit.io import _locale
    s = pd.Series(cells, dtype="string")
    assert _locale._no_marks(s) == (not any("." in c or "," in c for c in cells))
    assert _locale._no_marks(s.astype(object)) is False  # other storage: the exact way
    got = _locale._evidence(s, "int")
    assert got == _locale._evidence(s.astype(object), "int")


def test_no_marks_looks_at_the_cells_of_each_chunk_and_slice():
    from toolkit.io import _locale
    whole = pd.concat([pd.Series(["1", "2,5"], dtype="string"), pd.Series(["3", None, "4.0", "5"], dtype="string")],
                      ignore_index=True)
    assert whole.array._pa_array.num_chunks == 2
    assert not _locale._no_marks(whole)
    assert _locale._no_marks(whole.iloc[2:4]) and _locale._no_marks(whole.iloc[5:]) and _locale._no_marks(whole.iloc[:1])
    assert not _locale._no_marks(whole.iloc[1:3]) and not _locale._no_marks(whole.iloc[3:5])


def test_count_keeps_the_cell_parser_as_wrapped_for_callers_holding_distinct_cells():
    s = pd.Series(["1", "12,400", "-", "x"], dtype="string")
    vals, bad = count.__wrapped__(s, EN)
    assert vals.tolist()[:2] == [1, 12400] and bad.tolist() == [False, False, False, True]
    assert count.__name__ == "count"


@pytest.mark.parametrize("cells", [
    ["1900000000000001000", "1900000000000002000"],      # long ids, not cut
    ["1029384756102930000", "1029384756102940000"],      # cut to 15 digits (zeros after the 15th)
    ["1029384756102930", "12"],                          # one cut id, a single zero: not enough evidence
    ["102938475610293000", "1,02938E+17"],               # scientific notation
    ["123", "١٢٣"], ["123", " 123"], ["123", ""], ["17", "18"], ["12", "²"], ["12", "１２"], ["12", "1\n"], ["12", "12a"],
])
def test_intact_id_shortcut_agrees_with_the_full_check(cells):
    from toolkit.io._locale import _intact_digits, truncated
    pytest.importorskip("pyarrow")
    ids = pd.Series(cells, dtype=pd.StringDtype("pyarrow"))
    destroyed = bool((mangled(ids) | truncated(ids)).any())
    if _intact_digits(ids):
        assert not destroyed
    else:  # the shortcut may only decline columns of plain ASCII digits that the full check flags
        assert destroyed or not ids.str.fullmatch(r"[0-9]+").all()


#: Cells near the plain counts read without checks: digits, "424.0", blanks, and what only looks so.
PLAIN_TRICKY = ["0", "7", "007", "424.0", "424.00", "1.000", "1.0", "0.0", "", None, "999999999999999",
                "9999999999999999", "999999999999999.0", " 7", "7 ", "-7", "+7", "-", "N/A", "1,000", "1e3",
                "\u0667", "１２", "12\xa0400", "7\n", "inf", "nan", ".0", "7."]


def _count_checked(s, style, negative=False):
    """count() of the cells as given, every check run (the parse before the plain-cell shortcut)."""
    from toolkit.io._base import parse_int
    from toolkit.io._locale import _contradicts
    vals, bad = parse_int(s, thousands=style.thousands, decimal=style.decimal, negative=negative)
    bad = bad | _contradicts(s, "int", style)
    return vals.mask(bad), bad


@pytest.mark.parametrize("style", [EN, DE])
@pytest.mark.parametrize("dtype", ["string", pd.StringDtype("python")])
@pytest.mark.parametrize("cells", [PLAIN_TRICKY, ["0", "7", "424.0", "", None], ["0", "7", ""], ["12", "13"],
                                   [None, None], ["424.0", "1.000"], ["7", " 7"]]
                         + [[c, "1"] for c in PLAIN_TRICKY if c is not None])
def test_plain_count_cells_equal_the_checked_parse(cells, dtype, style):
    from toolkit.io._locale import _count_cells
    s = pd.Series(cells, dtype=dtype)
    got, want = _count_cells(s, style), _count_checked(s, style)
    for g, w in zip(got, want):
        pd.testing.assert_series_equal(g, w, check_exact=True)
    # and count() of a whole column (once per distinct cell) gives the same
    long = pd.Series(cells * (2000 // len(cells) + 1), dtype=dtype)
    for g, w in zip(count(long, style), _count_checked(long, style)):
        pd.testing.assert_series_equal(g, w, check_exact=True)


def _number_checked(s, style):
    """number() of the cells as given, every check run (the parse before the plain-cell shortcut)."""
    from toolkit.io._base import parse_float
    from toolkit.io._locale import _contradicts
    vals, bad = parse_float(s, thousands=style.thousands, decimal=style.decimal)
    bad = bad | _contradicts(s, "float", style)
    return vals.mask(bad), bad


@pytest.mark.parametrize("style", [EN, DE])
@pytest.mark.parametrize("dtype", ["string", pd.StringDtype("python")])
@pytest.mark.parametrize("cells", [PLAIN_TRICKY, ["0", "7", "424.0", "", None], ["0", "7", ""], ["12", "13"],
                                   [None, None], ["424.0", "1.000"], ["0.5", "7"], ["6%", "7"]]
                         + [[c, "1"] for c in PLAIN_TRICKY if c is not None])
def test_plain_number_cells_equal_the_checked_parse(cells, dtype, style):
    s = pd.Series(cells, dtype=dtype)
    long = pd.Series(cells * (2000 // len(cells) + 1), dtype=dtype)
    for fn, col in ((number.__wrapped__, s), (number, long)):
        want = _number_checked(col, style)  # (whole percents such as "6%" raised TypeError until 2026-12-07)
        for g, w in zip(fn(col, style), want):
            pd.testing.assert_series_equal(g, w, check_exact=True)


@pytest.mark.parametrize("dtype", ["str", "string", object])
def test_parse_int_reads_missing_and_blank_cells_in_every_string_dtype(dtype):
    # pandas' "str" dtype gave a read-only array and a missing cell raised ValueError
    from toolkit.io._base import parse_int
    vals, bad = parse_int(pd.Series(["1", None, "", "2,400"], dtype=dtype))
    assert vals.tolist() == [1, pd.NA, pd.NA, 2400] and not bad.any()
