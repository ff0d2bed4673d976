"""load() over the generic CSV format: values, accounting of every row, and errors that say where."""

from __future__ import annotations

import shutil
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
    ds = tk.load(tmp_path)
    skipped = ds.load_report[ds.load_report["format"] == "unrecognised"]
    assert skipped["file"].tolist() == [f"{tmp_path.name}/x.csv"]


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
