"""load() over the generic CSV format: values, accounting of every row, and errors that say where."""

from __future__ import annotations

import shutil
import time
import warnings
from pathlib import Path

import pandas as pd
import pytest

import toolkit as tk
from toolkit.errors import ExportFormatError, InputFileError, ParameterError

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "core"


def _invariant(report: pd.DataFrame) -> None:
    assert (report["rows_read"] == report["rows_loaded"] + report["duplicates_dropped"]
            + report["rows_rejected"]).all(), report


def test_generic_posts_values_are_exact():
    ds = tk.load(FIX / "posts_ok.csv", tz="Europe/Berlin")
    p = ds.posts.set_index("post_id")
    # DST: 18:00 Berlin is 16:00 UTC on 31 March 2024 (summer time), 17:00 UTC the day before.
    assert p.loc["17900000000000001", "published_at"] == pd.Timestamp("2024-03-31 16:00", tz="UTC")
    assert p.loc["17900000000000002", "published_at"] == pd.Timestamp("2024-03-30 17:00", tz="UTC")
    assert p.loc["1774000000000000001", "published_at"] == pd.Timestamp("2024-04-02 07:30", tz="UTC")
    # a date alone is flagged, at midnight local time
    assert p.loc["7180000000000000001", "date_only"]
    assert p.loc["7180000000000000001", "published_at"] == pd.Timestamp("2024-04-02 22:00", tz="UTC")
    assert not p.loc["17900000000000001", "date_only"]
    # text kept exactly: newline, umlauts, ZWJ emoji, quotes with commas; missing text is ""
    assert p.loc["17900000000000001", "text"] == (
        "Frisch geröstet ☕\nZweite Zeile mit Umlauten: äöüß 👨‍👩‍👧 #Röstfrisch")
    assert p.loc["1774000000000000001", "text"] == 'Quote "inside", comma'
    assert p.loc["17900000000000002", "text"] == ""
    # counts: quoted thousands, '-' and blank are not reported, 0 is a reported zero
    assert p.loc["17900000000000001", "reach"] == 1200
    assert pd.isna(p.loc["17900000000000002", "likes"])
    assert p.loc["17900000000000001", "comments"] == 0
    assert pd.isna(p.loc["17900000000000001", "shares"])
    assert pd.isna(p.loc["7180000000000000001", "impressions"])
    # long ids stay strings
    assert ds.posts["post_id"].tolist()[2] == "1774000000000000001"
    tk.schema.POSTS.validate(ds.posts)
    _invariant(ds.load_report)
    row = ds.load_report.iloc[0]
    assert (row["format"], row["table"], row["rows_read"], row["rows_loaded"]) == ("generic_csv", "posts", 4, 4)
    assert "assumed Europe/Berlin" in row["notes"]


def test_a_folder_loads_every_table_and_names_files_relative_to_it(tmp_path):
    for name in ("posts_ok.csv", "comments_ok.csv", "daily_ok.csv"):
        shutil.copy(FIX / name, tmp_path / name)
    (tmp_path / "README.md").write_text("notes, not data")
    ds = tk.load(tmp_path, tz="Europe/Berlin")
    assert (len(ds.posts), len(ds.comments), len(ds.daily)) == (4, 2, 2)
    assert set(ds.load_report["table"]) == {"posts", "comments", "daily"}
    assert ds.comments.set_index("comment_id").loc["c2", ["parent_id", "is_owner"]].tolist() == ["c1", True]
    assert ds.daily["value"].tolist() == [12000, 12015]
    assert ds.posts["source_file"].iloc[0] == f"{tmp_path.name}/posts_ok.csv"
    _invariant(ds.load_report)


def test_overlapping_exports_keep_the_newest_metrics_and_count_duplicates(tmp_path):
    shutil.copy(FIX / "posts_ok.csv", tmp_path / "a_posts.csv")
    shutil.copy(FIX / "posts_export_later.csv", tmp_path / "b_posts.csv")
    shutil.copy(FIX / "posts_ok.csv", tmp_path / "c_same_file_again.csv")
    ds = tk.load(tmp_path, tz="Europe/Berlin")
    assert len(ds.posts) == 5
    rep = ds.load_report.set_index("file")
    # c (read last) wins over b for the shared post; a is entirely duplicated by c
    assert rep.loc[f"{tmp_path.name}/a_posts.csv", "duplicates_dropped"] == 4
    assert rep.loc[f"{tmp_path.name}/b_posts.csv", "duplicates_dropped"] == 1
    assert rep.loc[f"{tmp_path.name}/c_same_file_again.csv", "duplicates_dropped"] == 0
    _invariant(ds.load_report)


def test_missing_path_is_a_clear_error():
    with pytest.raises(InputFileError, match="no_such_folder: no such file or folder"):
        tk.load(FIX / "no_such_folder")


def test_empty_file_is_a_clear_error():
    with pytest.raises(ExportFormatError, match=r"empty\.csv: the file is empty"):
        tk.load(FIX / "empty.csv")


def test_missing_required_column_lists_expected_and_found():
    with pytest.raises(ExportFormatError) as info:
        tk.load(FIX / "missing_published_at_column.csv")
    msg = str(info.value)
    assert "missing_published_at_column.csv, line 1" in msg
    assert "['published_at']" in msg and "found ['platform', 'account', 'post_id', 'text']" in msg


def test_unparseable_timestamp_names_file_line_and_column():
    with pytest.raises(ExportFormatError, match=r"bad_timestamp_line_4\.csv, line 4, column 'published_at': "
                                                r"cannot read '31\.02\.2024 09:00'") as info:
        tk.load(FIX / "bad_timestamp_line_4.csv", tz="UTC")
    assert (info.value.line, info.value.column) == (4, "published_at")


def test_bad_count_names_line_and_reject_mode_keeps_the_rest():
    with pytest.raises(ExportFormatError, match=r"line 3, column 'likes': cannot read 'viele'"):
        tk.load(FIX / "bad_count_line_3.csv", tz="UTC")
    with pytest.warns(UserWarning, match="rejected 1 row"):
        ds = tk.load(FIX / "bad_count_line_3.csv", tz="UTC", errors="reject")
    assert ds.posts["post_id"].tolist() == ["1", "3"]
    assert ds.rejected[["line", "column"]].values.tolist() == [[3, "likes"]]
    _invariant(ds.load_report)


def test_unrecognised_file_is_an_error_alone_and_a_counted_skip_in_a_folder(tmp_path):
    with pytest.raises(ExportFormatError, match="not a recognised export"):
        tk.load(FIX / "not_an_export.csv")
    shutil.copy(FIX / "not_an_export.csv", tmp_path / "x.csv")
    shutil.copy(FIX / "daily_ok.csv", tmp_path / "daily.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a well-formed file the toolkit does not read is no reason to warn
        ds = tk.load(tmp_path)
    skipped = ds.load_report[ds.load_report["format"] == "unrecognised"]
    assert skipped["file"].tolist() == [f"{tmp_path.name}/x.csv"]
    assert skipped["notes"].iloc[0].startswith(f"{tmp_path.name}/x.csv: not a recognised export (first line:")
    assert ds.unreadable.empty


def test_zone_less_times_without_tz_warn_once_and_say_so():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = tk.load(FIX / "posts_ok.csv")
    assert len([w for w in caught if "no time zone" in str(w.message)]) == 1
    assert "assumed UTC" in ds.load_report["notes"].iloc[0]


def test_bad_parameters_are_named():
    with pytest.raises(ParameterError, match="tz='Berlin'"):
        tk.load(FIX / "posts_ok.csv", tz="Berlin")
    with pytest.raises(ParameterError, match="errors='ignore'"):
        tk.load(FIX / "posts_ok.csv", errors="ignore")


def test_user_column_mapping(tmp_path):
    f = tmp_path / "meine_beitraege.csv"
    f.write_text("Plattform;Beitrags-ID;Datum;Likes\nfacebook;42;2024-03-31 18:00;7\n", encoding="utf-8")
    ds = tk.load(f, tz="Europe/Berlin", columns={"Plattform": "platform", "Beitrags-ID": "post_id",
                                                   "Datum": "published_at"})
    assert ds.posts[["platform", "post_id", "likes"]].values.tolist() == [["facebook", "42", 7]]
    assert ds.posts["published_at"].iloc[0] == pd.Timestamp("2024-03-31 16:00", tz="UTC")


def test_overlapping_exports_merge_columns_only_one_of_them_reports(tmp_path):
    # An archive-like file without reach (newer) and an analytics-like file with reach (older):
    # the newer likes win, the reach only the older file knows is kept.
    (tmp_path / "a_analytics.csv").write_text(
        "platform,post_id,published_at,likes,reach\nx,1,2024-03-01T10:00:00Z,5,100\n", encoding="utf-8")
    (tmp_path / "b_archive.csv").write_text(
        "platform,post_id,published_at,likes\nx,1,2024-03-01T10:00:00Z,9\n", encoding="utf-8")
    ds = tk.load(tmp_path)
    assert ds.posts[["likes", "reach"]].values.tolist() == [[9, 100]]
    rep = ds.load_report.set_index("file")["duplicates_dropped"]
    assert rep.tolist() == [1, 0]
    _invariant(ds.load_report)


def test_a_precise_publish_time_beats_a_newer_date_only_one(tmp_path):
    (tmp_path / "a_scheduler.csv").write_text(
        "platform,post_id,published_at,likes\nlinkedin,7,2024-03-05T08:30:00Z,5\n", encoding="utf-8")
    (tmp_path / "b_linkedin_export.csv").write_text(
        "platform,post_id,published_at,likes,clicks\nlinkedin,7,2024-03-05,9,3\n", encoding="utf-8")
    ds = tk.load(tmp_path, tz="UTC")
    row = ds.posts.iloc[0]
    assert row["published_at"] == pd.Timestamp("2024-03-05 08:30", tz="UTC") and not row["date_only"]
    assert (row["likes"], row["clicks"]) == (9, 3)


def test_exported_at_column_makes_a_file_win_duplicates(tmp_path):
    (tmp_path / "a.csv").write_text("platform,post_id,published_at,likes,exported_at\n"
                                    "x,1,2024-03-01T10:00:00Z,50,2024-04-01T00:00:00Z\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("platform,post_id,published_at,likes,exported_at\n"
                                    "x,1,2024-03-01T10:00:00Z,40,2024-03-15T00:00:00Z\n", encoding="utf-8")
    ds = tk.load(tmp_path)
    assert ds.posts["likes"].tolist() == [50]  # a.csv is the newer export although read first
    assert "exported_at" not in ds.posts.columns


# --- one file never costs the folder (issue #18.1, #10.1) ----------------------------------------------


def _folder(tmp_path, files: dict) -> Path:
    for name, content in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            shutil.copy(content, target)
        else:
            target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return tmp_path


def test_a_bad_cell_makes_its_file_unreadable_in_a_folder_and_the_rest_loads(tmp_path):
    d = _folder(tmp_path / "exports", {"a_posts.csv": FIX / "posts_ok.csv", "b_bad.csv": FIX / "bad_count_line_3.csv",
                                       "sub/daily.csv": FIX / "daily_ok.csv"})
    with pytest.warns(UserWarning) as caught:
        ds = tk.load(d, tz="UTC")
    messages = [str(w.message) for w in caught if "could not be read" in str(w.message)]
    assert messages == ["load(): 1 of 3 file(s) could not be read and were skipped: exports/b_bad.csv (line 3, "
                        "column 'likes': cannot read 'viele' as a whole number in En...). Everything "
                        "else was loaded; Dataset.unreadable says why and what to do (or pass strict=True to stop "
                        "at the first such file)."]
    assert (len(ds.posts), len(ds.daily)) == (4, 2)
    bad = ds.load_report.set_index("file").loc["exports/b_bad.csv"]
    # the rows of the unreadable file are counted (by reading it again in reject mode), none loaded
    assert (bad["format"], bad["table"], bad["rows_read"], bad["rows_loaded"], bad["rows_rejected"]) == \
        ("unreadable", "", 3, 0, 3)
    assert bad["notes"].startswith("exports/b_bad.csv, line 3, column 'likes': cannot read 'viele'")
    assert ds.unreadable.columns.tolist() == ["file", "rows_read", "notes"]
    assert ds.unreadable["file"].tolist() == ["exports/b_bad.csv"]
    _invariant(ds.load_report)
    # errors="reject": the same file loads its good rows and rejects the bad one with its reason
    with pytest.warns(UserWarning, match="rejected 1 row"):
        ds = tk.load(d, tz="UTC", errors="reject")
    assert ds.unreadable.empty and len(ds.posts) == 6
    _invariant(ds.load_report)


def test_strict_stops_at_the_first_unreadable_file_and_a_named_file_raises_its_own_error(tmp_path):
    d = _folder(tmp_path / "exports", {"a.csv": FIX / "posts_ok.csv", "b.csv": b"", "c.csv": FIX / "daily_ok.csv"})
    with pytest.raises(ExportFormatError, match=r"^exports/b.csv: the file is empty"):
        tk.load(d, tz="UTC", strict=True)
    with pytest.raises(ExportFormatError, match=r"^b.csv: the file is empty"):
        tk.load(d / "b.csv")
    with pytest.raises(ExportFormatError, match=r"^b.csv: the file is empty"):
        tk.load(d / "b.csv", errors="reject")
    with pytest.raises(ParameterError, match="strict='yes'"):
        tk.load(d, strict="yes")


def test_a_folder_where_no_file_is_readable_names_the_folder_and_why(tmp_path):
    d = _folder(tmp_path / "nothing_good", {"a.csv": b"", "b.csv": b"\x00\x01\x02garbage\x00" * 50,
                                            "c.json": '[{"timestamp": 17'})
    with pytest.raises(InputFileError) as info:
        tk.load(d)
    msg = str(info.value)
    assert msg.startswith(f"{d}: none of the 3 file(s) could be read (3 unreadable): nothing_good/a.csv: the file "
                          f"is empty.")
    assert "nothing_good/b.csv: binary content" in msg
    assert "nothing_good/c.json, line 1: not valid JSON" in msg and "cut off" in msg


def test_lists_are_isolated_like_folders(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.warns(UserWarning, match="1 of 2 file"):
        ds = tk.load([tmp_path / "empty.csv", FIX / "daily_ok.csv"])
    assert len(ds.daily) == 2 and ds.unreadable["file"].tolist() == ["empty.csv"]


# --- no silent wrong values (issue #18.4) ----------------------------------------------------------------


@pytest.mark.parametrize("value, why", [
    ("-5", "a count cannot be negative"),
    ("inf", "infinite"),
    ("99999999999999999999999", "larger than any real count"),
    ("9007199254740993", "larger than any real count"),
])
def test_impossible_counts_are_errors_naming_file_line_column_and_value(tmp_path, value, why):
    f = tmp_path / "counts.csv"
    f.write_text(f"platform,post_id,published_at,likes\nx,1,2024-03-01T10:00:00Z,5\nx,2,2024-03-01T11:00:00Z,{value}\n")
    with pytest.raises(ExportFormatError, match=rf"^counts.csv, line 3, column 'likes': cannot read '{value}' as a "
                                                rf"whole number .*\({why}"):
        tk.load(f)
    with pytest.warns(UserWarning, match="rejected 1 row"):
        ds = tk.load(f, errors="reject")
    assert ds.posts["likes"].tolist() == [5]
    assert why in ds.rejected["reason"].iloc[0] and ds.rejected["line"].iloc[0] == 3
    _invariant(ds.load_report)


@pytest.mark.parametrize("value, why", [
    ("2024", "a year alone"), ("2024-03", "a year alone, or year and month"),
    ("0024-03-01 10:00", "year 0024 is outside"), ("9999-12-31 23:59", "year 9999 is outside"),
])
def test_a_year_alone_or_out_of_range_is_not_read_as_a_date(tmp_path, value, why):
    f = tmp_path / "times.csv"
    f.write_text(f"platform,post_id,published_at,likes\nx,1,{value},5\n")
    with pytest.raises(ExportFormatError) as info:
        tk.load(f, tz="Europe/Berlin")
    assert str(info.value).startswith(f"times.csv, line 2, column 'published_at': cannot read '{value}' as a "
                                      f"timestamp (expected like")
    assert f"in tz=) ({why}" in str(info.value) and "the cell is empty" not in str(info.value)


def test_a_repeated_header_is_a_note_naming_both_columns_and_the_one_read(tmp_path):
    f = tmp_path / "dup.csv"
    f.write_text("platform,post_id,published_at,likes,post_id,likes\n"
                 "x,1,2024-03-01T10:00:00Z,5,1,50\nx,2,2024-03-01T11:00:00Z,6,2,6\n")
    ds = tk.load(f)
    assert ds.posts[["post_id", "likes"]].values.tolist() == [["1", 5], ["2", 6]]
    notes = ds.load_report["notes"].iloc[0]
    assert "columns 2 and 5 are both named 'post_id': column 2 (the first) is read, column 5 is ignored (the same " \
           "values in every row)" in notes
    assert "columns 4 and 6 are both named 'likes': column 4 (the first) is read, column 6 is ignored (values " \
           "differ in 1 row(s))" in notes


def test_one_cp1252_line_in_a_utf8_file_is_noted_and_the_rest_is_not_mojibake(tmp_path):
    f = tmp_path / "mixed.csv"
    f.write_bytes("platform,post_id,published_at,text\n"
                  "x,1,2024-03-01T10:00:00Z,Grüße aus München ☕\n".encode("utf-8")
                  + "x,2,2024-03-01T11:00:00Z,Kaffee für Jörg\n".encode("cp1252")
                  + "x,3,2024-03-01T12:00:00Z,Schöne Grüße\n".encode("utf-8"))
    ds = tk.load(f)
    assert ds.posts["text"].tolist() == ["Grüße aus München ☕", "Kaffee für Jörg", "Schöne Grüße"]
    assert "line(s) 3: 2 byte(s) that are not UTF-8 in a UTF-8 file were read as Windows-1252" in \
        ds.load_report["notes"].iloc[0]


def test_a_german_excel_file_is_still_cp1252_without_a_note(tmp_path):
    f = tmp_path / "de.csv"
    f.write_bytes("platform;post_id;published_at;text\r\nx;1;01.03.2024 10:00;Grüße\r\n".encode("cp1252"))
    ds = tk.load(f, tz="Europe/Berlin")
    assert ds.posts["text"].tolist() == ["Grüße"]
    assert "Windows-1252" not in ds.load_report["notes"].iloc[0]


# --- bounded time on wide files (issue #18.3) --------------------------------------------------------------


def test_fifty_thousand_empty_columns_load_quickly_and_are_noted(tmp_path):
    f = tmp_path / "wide.csv"
    rows = ["platform,post_id,published_at,likes" + "," * 50_000]
    rows += [f"x,{i},2024-03-01T10:00:00Z,{i}" + "," * 50_000 for i in range(10)]
    f.write_text("\n".join(rows) + "\n")
    assert 450_000 < f.stat().st_size < 600_000
    start = time.perf_counter()
    ds = tk.load(f)
    assert time.perf_counter() - start < 10  # was more than 300 s before the columns were dropped
    assert len(ds.posts) == 10
    assert "50,000 column(s) without a name and without any value ignored" in ds.load_report["notes"].iloc[0]


def test_more_named_columns_than_the_limit_are_refused_with_the_key(tmp_path):
    f = tmp_path / "wide_named.csv"
    f.write_text("platform,post_id,published_at," + ",".join(f"c{i}" for i in range(3000)) + "\n"
                 + "x,1,2024-03-01T10:00:00Z" + "," * 3000 + "\n")
    with pytest.raises(ExportFormatError, match=r"^wide_named.csv, line 1: the header has 3,003 columns, more than "
                                                r"the limit of 2,000 .*toolkit.io.LIMITS\['max_columns'\]"):
        tk.load(f)


def test_a_row_cut_inside_a_quoted_cell_is_never_loaded_as_a_shorter_text(tmp_path):
    f = tmp_path / "cut.csv"
    f.write_text('platform,post_id,published_at,text\nx,1,2024-03-01T10:00:00Z,"ganz"\n'
                 'x,2,2024-03-01T11:00:00Z,"Dieser Text wurde abgeschn')
    with pytest.raises(ExportFormatError, match=r"^cut.csv, line 3: the file ends inside a quoted cell"):
        tk.load(f)
    with pytest.warns(UserWarning, match="rejected 1 row"):
        ds = tk.load(f, errors="reject")
    assert ds.posts["text"].tolist() == ["ganz"]
    _invariant(ds.load_report)


@pytest.mark.parametrize("values", [[0, 5, None], [-1, 0, 2**53 - 1], [2**53, 2**63 - 1, -(2**63)], [None, None, None],
                                    [2**53 + 1, 1, -5]])
def test_count_range_check_on_integers_gives_the_float_verdicts(values):
    """_check's rule for counts (0 <= count < 2**53, read from the integers) rejects what the rule
    on the float64 copy of the column rejected."""
    import numpy as np
    from toolkit.io._base import Context, MAX_COUNT, Parsed, Source
    from toolkit.io._core import _check

    frame = tk.schema.POSTS.conform(pd.DataFrame({
        "platform": ["x"] * 3, "post_id": ["1", "2", "3"], "published_at": pd.to_datetime(["2024-01-01"] * 3, utc=True),
        "text": ["a", "b", "c"], "likes": pd.array(values, dtype="Int64"), "views": pd.array([1, None, 2], dtype="Int64")}))
    num = frame["likes"].to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(invalid="ignore"):
        want = np.flatnonzero((num < 0) | (num >= MAX_COUNT))
    parsed = Parsed("generic_posts_csv")
    parsed.tables["posts"] = frame
    _check(parsed, Source("t.csv", b"x"), Context(tz=None, errors="reject"))
    assert [r["column"] for r in parsed.rejected] == ["likes"] * len(want)
    assert [r["reason"] for r in parsed.rejected] == [f"likes {frame['likes'].iloc[i]!r}: a count must be a whole "
                                                      f"number from 0 to 2**53" for i in want]
    assert parsed.tables["posts"]["post_id"].tolist() == [p for i, p in enumerate("123") if i not in want]


def test_head_fields_remembered_per_source_follow_the_decoded_text():
    """_head_fields is worked out once per source, and again once the text is decoded (the whole file
    can show another encoding than its head: a cp1252 byte far down)."""
    from toolkit.io._base import Source
    from toolkit.io._headers import _head_fields, _norm, line_fields

    data = "Größe;Wert\n".encode("utf-8") + b"a;1\n" * 5000 + "zz;\xe4\n".encode("latin-1")
    src = Source("t.csv", data)

    def fresh():
        return [_norm(f) for f in line_fields(src.head(4096).splitlines()[0])]
    before = _head_fields(src)
    assert before == fresh() and _head_fields(src) == before
    src.text  # noqa: B018 - decodes the whole file
    assert _head_fields(src) == fresh()
    assert _head_fields(src, 1) == [_norm(f) for f in line_fields(src.head(4096).splitlines()[1])]


def test_overlapping_reports_merge_in_python_string_storage_too():
    # the key columns of the merged duplicates came back as float64 NaN (an all-missing 'segment'),
    # and the merge with the kept rows' strings raised ValueError
    folder = Path(__file__).resolve().parents[1] / "fixtures" / "io" / "matomo"
    with warnings.catch_warnings(), pd.option_context("mode.string_storage", "python"):
        warnings.simplefilter("ignore")
        ds = tk.load(folder, errors="reject", progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        arrow = tk.load(folder, errors="reject", progress=False)
    assert len(ds.traffic) == len(arrow.traffic) and ds.traffic["sessions"].sum() == arrow.traffic["sessions"].sum()
    assert ds.load_report["duplicates_dropped"].sum() == arrow.load_report["duplicates_dropped"].sum() > 0
