"""Generic CSV: canonical names, German aliases, files re-saved by a German spreadsheet program."""

import re
from pathlib import Path

import pandas as pd
import pytest

import toolkit as tk
from toolkit.errors import ExportFormatError

FIX = Path(__file__).parent.parent / "fixtures" / "io" / "generic"


def utc(s):
    return pd.Timestamp(s, tz="UTC")


def test_german_excel_resave_posts():
    raw = (FIX / "beitraege_excel_de.csv").read_bytes()
    assert b"\r\n" in raw and "ü".encode("cp1252") in raw  # cp1252 + CRLF, as German Excel writes
    ds = tk.load(FIX / "beitraege_excel_de.csv", tz="Europe/Berlin")
    p = ds.posts.set_index("post_id")
    assert list(p.platform) == ["facebook", "instagram", "facebook"]
    assert p.loc["1827720132094663", "account"] == "Bäckerei Müller"
    assert p.loc["1827720132094663", "text"] == "Frühlingsbrötchen – jetzt; überall\r\nzweite Zeile"
    # TT.MM.JJJJ hh:mm in Europe/Berlin, across the DST change
    assert p.loc["1827720132094663", "published_at"] == utc("2024-03-31 16:00")
    assert p.loc["18182686576415017", "published_at"] == utc("2024-03-30 17:00")
    assert p.loc["1827720132094600", "published_at"] == utc("2024-02-13 23:00")
    assert list(p.date_only) == [False, False, True]
    # 1.234 / 12.400 are German thousands; blank and '-' are not reported; 0 is a reported zero
    assert p.loc["1827720132094663", "reach"] == 1234 and p.loc["1827720132094663", "impressions"] == 12400
    assert pd.isna(p.loc["18182686576415017", "impressions"]) and pd.isna(p.loc["1827720132094600", "impressions"])
    assert p.loc["1827720132094663", "shares"] == 0
    assert list(p.likes) == [20, 7, 1] and list(p.comments) == [3, 0, 0]
    assert "Notiz" in ds.load_report.notes.iloc[0] and "numbers read in German format" in ds.load_report.notes.iloc[0]
    assert list(p.Notiz.fillna("")) == ["A", "", "B"]


def test_german_daily_with_decimal_comma():
    ds = tk.load(FIX / "taeglich_excel_de.csv")
    d = ds.daily
    assert list(d.date) == list(pd.to_datetime(["2024-03-01", "2024-03-02"]))
    assert list(d.metric) == ["followers", "engagement_rate"]
    assert d.value.tolist() == [1204.0, 0.5]


def test_english_thousands_with_semicolon_stay_english(tmp_path):
    f = tmp_path / "en.csv"
    f.write_text("platform;post_id;published_at;reach;likes\nx;1;2024-03-01T10:00:00Z;1,234;2\n"
                 "x;2;2024-03-02T10:00:00Z;12.5;3\n", encoding="utf-8")
    with pytest.raises(ExportFormatError, match=r"line 3, column 'reach'.*'12.5'"):
        tk.load(f)  # 12.5 is not a count: English style chosen, and the cell is reported


def test_user_mapping_beats_aliases(tmp_path):
    f = tmp_path / "mine.csv"
    f.write_text("Netz;Nr;Wann;Datum\nfacebook;7;2024-03-01 10:00;egal\n", encoding="utf-8")
    ds = tk.load(f, tz="UTC", columns={"Netz": "platform", "Nr": "post_id", "Wann": "published_at"})
    assert ds.posts.published_at.iloc[0] == utc("2024-03-01 10:00")
    assert ds.posts.post_id.iloc[0] == "7"


def test_excel_mangled_id_with_decimal_comma_is_keyed_by_time_and_text():
    ds = tk.load(FIX / "broken" / "excel_mangled_id_line_3.csv", tz="Europe/Berlin")
    ids = ds.posts.post_id.tolist()
    assert ids[0] == "1827720132094663" and re.fullmatch(r"key-[0-9a-f]{16}", ids[1])
    assert ds.posts.reach.tolist() == [5, 7]  # the row is kept, not rejected
    note = ds.load_report.notes.iloc[0]
    assert "'1,82772E+15'" in note and "1 keyed by publish time + text" in note
    assert ds.rejected.empty


def test_missing_published_at_column():
    with pytest.raises(ExportFormatError, match=r"misses required column\(s\) \['published_at'\].*"
                                                r"found \['Plattform', 'Beitrags-ID', 'Reichweite'\]"):
        tk.load(FIX / "broken" / "missing_published_at_column.csv")


def test_repeated_header_is_read_from_one_column_and_noted(tmp_path):
    f = tmp_path / "mine.csv"
    f.write_text("platform;post_id;published_at;Reichweite;Reichweite\nfacebook;1;2024-03-01T10:00:00Z;;1.234\n"
                 "facebook;2;2024-03-02T10:00:00Z;;7\n", encoding="utf-8")
    ds = tk.load(f)
    assert ds.posts.reach.tolist() == [1234, 7]
    assert "used 'Reichweite' (column 5) (more filled cells)" in ds.load_report.notes.iloc[0]


# --- shortcuts taken in C (issue #14.1): the same verdicts as the exact way ------------------------------

IDS = ["p1", "1234567890", "1,02938E+15", "1.02938e15", "1029384756102930", " 1029384756102930 ",
       "١٠٢٩٣٨٤٧٥٦١٠٢٩٣٠",
       "abcdefghijklmnop", "e", "", None, "12345678901234567890", "3E+2"]


@pytest.mark.parametrize("cell", IDS)
def test_the_quick_id_test_never_misses_a_destroyed_id(cell):
    from toolkit.io import generic
    from toolkit.io._locale import mangled, truncated
    s = pd.Series(["p0", cell] * 2, dtype="string")
    exact = bool(mangled(s).any()) or bool(s.fillna("").str.strip().str.fullmatch(r"\d{16,}").fillna(False).any())
    if exact:
        assert generic._could_be_destroyed(s)
    assert generic._maybe_destroyed(s) == exact
    assert generic._could_be_destroyed(s.astype(object))  # other storage: always the exact test
    assert not truncated(s).any() or generic._could_be_destroyed(s)


@pytest.mark.parametrize("cell", IDS)
def test_the_quick_id_test_on_sliced_and_chunked_columns(cell):
    """The byte test looks at the cells' own bytes, in each chunk, from a slice's offset on."""
    from toolkit.io import generic
    from toolkit.io._locale import mangled
    whole = pd.concat([pd.Series(["p0", "1.5E+15"], dtype="string"), pd.Series(["é1", cell, "p9"], dtype="string")],
                      ignore_index=True)
    assert whole.array._pa_array.num_chunks == 2
    for s in (whole, whole.iloc[2:], whole.iloc[3:4], whole.iloc[2:3]):
        exact = bool(mangled(s).any()) or \
            bool(s.fillna("").str.strip().str.fullmatch(r"\d{16,}").fillna(False).any())
        if exact:
            assert generic._could_be_destroyed(s)
        assert generic._maybe_destroyed(s) == exact
    assert not generic._could_be_destroyed(pd.Series(["é1", "ü2", "p3"], dtype="string").iloc[1:])


@pytest.mark.parametrize("cells", [["facebook", " X ", "", None, "Insta gram", "tik-tok", "1x", "ünï"]])
def test_platform_cells_per_distinct_value_equal_cell_by_cell(cells):
    from toolkit.io import generic
    s = pd.Series(cells * 500, dtype="string")
    fast = generic._platform_cells(s)
    vals = s.where(s.str.strip() != "", pd.NA).str.strip().str.lower()
    pd.testing.assert_series_equal(fast[0], vals, check_names=False)
    assert fast[1].tolist() == vals.isna().tolist()
    assert fast[2].tolist() == (~vals.str.fullmatch(r"[a-z][a-z0-9_.-]*").fillna(True).astype(bool)).tolist()


@pytest.mark.parametrize("cells, sep, want", [(["6%", "7%"], ",", [0.06, 0.07]),
                                              (["6 %", "12,5 %"], ";", [0.06, 0.125]),
                                              (["6%", "7.5%"], ",", [0.06, 0.075])])
def test_daily_values_in_whole_percents(tmp_path, cells, sep, want):
    # a column of whole percents ('6%', '7%') made the loader fail with TypeError ("a bug in the toolkit")
    lines = [sep.join(["platform", "account", "date", "metric", "value"])]
    lines += [sep.join(["instagram", "acct", f"2024-01-0{i + 1}", "engagement_rate", c]) for i, c in enumerate(cells)]
    (tmp_path / "daily.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    ds = tk.load(tmp_path, progress=False)
    assert ds.daily["value"].tolist() == pytest.approx(want)
