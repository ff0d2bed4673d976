"""Tests of toolkit/io/tiktok.py on hand-written exports in tests/fixtures/io/tiktok/."""

from pathlib import Path

import pandas as pd
import pytest

from tests.io._util import assert_invariant, no_unreadable_rows_warning
import toolkit as tk
from toolkit.errors import ExportFormatError
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
