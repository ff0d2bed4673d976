"""Tests of toolkit/io/tiktok.py on hand-written exports in tests/fixtures/io/tiktok/."""

from pathlib import Path

import pandas as pd
import pytest

from tests.io._util import assert_invariant, no_unreadable_rows_warning
import toolkit as tk
from toolkit.errors import ExportFormatError, InputFileError
from toolkit.io.tiktok import comment_id, infer_years

FIX = Path(__file__).parent.parent / "fixtures" / "io" / "tiktok"
D = pd.Timestamp


def test_infer_years_across_new_year_both_orders():
    days = pd.Series(["December 30", "December 31", "January 1"])
    assert infer_years(days, end_year=2024).tolist() == [D("2023-12-30"), D("2023-12-31"), D("2024-01-01")]
    rev = pd.Series(["January 1", "December 31", "December 30"])
    assert infer_years(rev, end_year=2024).tolist() == [D("2024-01-01"), D("2023-12-31"), D("2023-12-30")]
    assert pd.isna(infer_years(pd.Series(["February 29"]), end_year=2023)[0])  # not a leap year


def test_overview_year_from_parameter():
    ds = tk.load(FIX / "Overview.csv", year=2025)
    v = ds.daily.set_index(["date", "metric"]).value
    assert v[(D("2024-12-30"), "video_views")] == 100
    assert v[(D("2025-01-01"), "video_views")] == 1441 and v[(D("2025-01-01"), "profile_views")] == 52
    assert pd.isna(v[(D("2025-01-02"), "video_views")])  # blank = not reported
    assert v[(D("2024-12-31"), "likes")] == 0
    assert len(ds.daily) == 4 * 5
    assert "year=2025" in ds.load_report.notes[0]
    assert_invariant(ds)


def test_overview_without_year_names_the_fix():
    with pytest.raises(ExportFormatError, match="year="):
        tk.load(FIX / "Overview.csv")


def test_folder_year_followers_and_distribution():
    with no_unreadable_rows_warning():
        ds = tk.load(FIX / "tiktok-2024")
    v = ds.daily.set_index(["date", "metric"]).value
    assert v[(D("2023-12-31"), "followers")] == 1200
    assert pd.isna(v[(D("2023-12-31"), "followers_change")])  # 'undefined'
    assert v[(D("2024-01-01"), "followers_change")] == 10
    assert v[(D("2024-01-01"), "shares")] == 11
    notes = ds.load_report.set_index("format").notes
    assert "2024 (from the file/folder name" in notes["tiktok_daily_csv"].iloc[0]
    assert ds.rejected.reason.str.contains("distribution by gender").all()
    assert_invariant(ds)


def test_bad_date_line_3():
    with pytest.raises(ExportFormatError, match=r"line 3, column 'Date'.*'Marchy 2'"):
        tk.load(FIX / "bad_date_line_3.csv", year=2024)


def test_content_csv():
    ds = tk.load(FIX / "content.csv", tz="Europe/Berlin")
    p = ds.posts.set_index("post_id")
    a = p.loc["7301234567890123456"]
    assert a.text == "Käse-Tutorial 🧀 #food" and a.account == "steinwerk"
    assert a.published_at == D("2024-03-31 16:00", tz="UTC")
    assert (a.views, a.likes, a.comments, a.shares, a.saves) == (3000, 120, 4, 2, 9)
    b = p.loc["7301234567890123457"]
    assert b.published_at == D("2024-03-30 17:00", tz="UTC")
    assert pd.isna(b.likes) and b.comments == 0
    assert_invariant(ds)


def test_content_csv_missing_column():
    with pytest.raises(ExportFormatError, match=r"\['Post time'\] are missing"):
        tk.load(FIX / "missing_post_time_column.csv", tz="UTC")


def test_download_your_data_json():
    with no_unreadable_rows_warning():
        ds = tk.load(FIX / "user_data_tiktok.json", tz="Europe/Berlin")
    p = ds.posts.set_index("post_id")
    assert list(p.index) == ["7301234567890123456", "7301234567890123457"]
    assert p.loc["7301234567890123456"].published_at == D("2024-03-31 16:00", tz="UTC")
    assert p.loc["7301234567890123456"].likes == 120 and pd.isna(p.loc["7301234567890123457"].likes)
    assert p.account.eq("steinwerk").all() and p.text.eq("").all()
    c = ds.comments
    assert c.is_owner.all() and c.author.eq("steinwerk").all()
    assert c.post_id.iloc[0] == "7301234567890123456" and pd.isna(c.post_id.iloc[1])
    assert c.text.tolist() == ["Super Video! 😍", "Grüße aus Köln"]
    assert c.comment_id.iloc[0] == comment_id("2024-03-31 18:05:00", "Super Video! 😍")
    assert ds.rejected.reason.str.contains("recently deleted").tolist() == [True]
    assert_invariant(ds)


# --- issue 10: the year from the rest of the load ---------------------------------------------------

def _days(ds, metric="video_views"):
    d = ds.daily[(ds.daily.platform == "tiktok") & (ds.daily.metric == metric)]
    return dict(zip(d.date.dt.strftime("%Y-%m-%d"), d.value))


def test_year_from_sibling_files_across_new_year():
    ds = tk.load(FIX / "no-year", tz="Europe/Berlin")
    assert _days(ds) == {"2024-12-30": 820, "2024-12-31": 1441, "2025-01-01": 2210, "2025-01-02": 640}
    assert _days(ds, "followers") == {"2024-12-31": 1510, "2025-01-01": 1532}
    notes = ds.load_report.set_index(ds.load_report.file.str.split("/").str[-1]).notes
    assert "2025 used as the year of the last day, from sibling files of the same download" in notes["Overview.csv"]
    assert_invariant(ds)


def test_year_from_the_date_the_zip_records():
    ds = tk.load(FIX / "zip-date")
    assert _days(ds) == {"2024-12-30": 820, "2024-12-31": 1441, "2025-01-01": 2210, "2025-01-02": 640}
    assert "the date the archive records for the file (2025-01-03)" in ds.load_report.notes.iloc[0]


def test_year_from_the_tiktok_data_elsewhere_in_the_load(tmp_path):
    (tmp_path / "studio").mkdir()
    (tmp_path / "studio" / "Overview.csv").write_bytes((FIX / "no-year" / "Overview.csv").read_bytes())
    (tmp_path / "videos").mkdir()
    (tmp_path / "videos" / "content.csv").write_bytes((FIX / "no-year" / "tiktok_content.csv").read_bytes())
    ds = tk.load(tmp_path, tz="Europe/Berlin")
    assert _days(ds)["2025-01-01"] == 2210
    assert "from the TikTok data of this load" in ds.load_report.notes[ds.load_report.format == "tiktok_daily_csv"].iloc[0]


def test_year_from_the_period_of_all_data_nearest(tmp_path):
    (tmp_path / "Overview.csv").write_bytes((FIX / "no-year" / "Overview.csv").read_bytes())
    (tmp_path / "yt").mkdir()
    (tmp_path / "yt" / "Content 2024-03-01_2024-03-31 Radwerk Speiche.zip").write_bytes(
        (FIX.parent / "youtube" / "resaved" / "Content 2024-03-01_2024-03-31 Radwerk Speiche.zip").read_bytes())
    ds = tk.load(tmp_path, tz="Europe/Berlin")
    assert _days(ds) == {"2023-12-30": 820, "2023-12-31": 1441, "2024-01-01": 2210, "2024-01-02": 640}
    note = ds.load_report.notes[ds.load_report.format == "tiktok_daily_csv"].iloc[0]
    assert "from the period of all data of this load" in note and "nearest period" in note


def test_resaved_overview_with_german_thousands():
    ds = tk.load(FIX / "resaved", tz="Europe/Berlin")
    assert _days(ds) == {"2023-12-30": 820, "2023-12-31": 1441, "2024-01-01": 12210}
    p = ds.posts.iloc[0]
    assert p.published_at == D("2023-12-30 17:30", tz="UTC") and (p.views, p.likes) == (14500, 1210)


def test_no_evidence_in_the_load_names_what_was_tried(tmp_path):
    (tmp_path / "Overview.csv").write_bytes((FIX / "no-year" / "Overview.csv").read_bytes())
    expected = r"Overview.csv, line 2, column 'Date': the dates have no year.*sibling files.*Pass year=2024"
    with pytest.raises(ExportFormatError, match=expected):
        tk.load(tmp_path / "Overview.csv")  # a file named alone: its own error
    with pytest.raises(InputFileError, match="none of the 1 file.*Pass year=2024"):  # nothing else to load
        tk.load(tmp_path)
    assert _days(tk.load(tmp_path, year=2025))["2024-12-30"] == 820


def test_dated_sibling_files_beat_a_bare_year_in_the_folder_name(tmp_path):
    folder = tmp_path / "tiktok-2024"  # the user named it after December; the download runs into January
    folder.mkdir()
    for name in ("Overview.csv", "tiktok_content.csv"):
        (folder / name).write_bytes((FIX / "no-year" / name).read_bytes())
    ds = tk.load(folder, tz="Europe/Berlin")
    assert _days(ds) == {"2024-12-30": 820, "2024-12-31": 1441, "2025-01-01": 2210, "2025-01-02": 640}
    note = ds.load_report.notes[ds.load_report.format == "tiktok_daily_csv"].iloc[0]
    assert "from sibling files of the same download" in note and "rather than 2024 from the file/folder name" in note


@pytest.mark.parametrize("links", [
    ["https://www.tiktok.com/@acct0/video/7300000000000000000", "https://www.tiktok.com/@ä.b_c/video/1"],
    ["https://www.tiktok.com/@acct0/video/7300000000000000000", "https://www.tiktok.com/@a/video/12?lang=de"],
    ["https://www.tiktok.com/@a/video/1/", "https://www.tiktok.com/@a/video/1"],
    ["https://www.tiktok.com/@a/video/٣", "https://www.tiktok.com/@a/video/1"],
    ["https://www.tiktok.com/@a\\nb/video/1", "https://www.tiktok.com/@a\nb/video/2"],
    ["https://www.tiktok.com/@video/video/1", "https://www.tiktok.com/@tiktok.com/video/22"],
    ["https://m.tiktok.com/@a/video/1", ""], ["https://www.tiktok.com/@/video/1"], ["https://www.tiktok.com/@a/video/"],
    ["https://www.tiktok.com/@a/photo/1/video/2"], ["https://www.tiktok.com/@a/video/1\n"]])
def test_video_ids_and_accounts_from_segments_equal_extract(links):
    """Links of Studio's own form cut into segments give what the two extract patterns give."""
    from toolkit.io._base import extract
    from toolkit.io.tiktok import _video_ids_and_accounts

    link = pd.Series(links * 3, dtype="string")
    ids, accounts = _video_ids_and_accounts(link)
    pd.testing.assert_series_equal(ids, extract(link, r"/video/(\d+)")[0].astype("string"))
    pd.testing.assert_series_equal(accounts, extract(link, r"tiktok\.com/@([^/?]+)")[0].astype("string"))
