"""LinkedIn company page workbooks (.xlsx and .xls): All posts, Metrics, New followers."""

import zipfile
from pathlib import Path

import pandas as pd
import pytest

import toolkit as tk
from toolkit.errors import ExportFormatError

FIX = Path(__file__).parent.parent / "fixtures" / "io" / "linkedin"
CONTENT_XLSX = FIX / "baeckerei_content_1711929600000.xlsx"
CONTENT_XLS = FIX / "baeckerei_content_1711929600000.xls"  # written once with xlwt (see report)


def utc(s):
    return pd.Timestamp(s, tz="UTC")


@pytest.mark.parametrize("path", [CONTENT_XLSX, CONTENT_XLS], ids=["xlsx", "xls"])
def test_content_workbook_posts(path):
    ds = tk.load(path, tz="Europe/Berlin")
    p = ds.posts.set_index("post_id")
    assert list(p.index) == ["urn:li:activity:7180000000000000001", "urn:li:activity:7180000000000000002", "urn:li:activity:7180000000000000003"]
    assert (p.platform == "linkedin").all() and (p.account == "baeckerei").all()
    assert p.date_only.all()
    # midnight in Berlin: 03/31 is still winter time at 00:00, 07/01 is summer time
    assert list(p.published_at) == [utc("2024-03-30 23:00"), utc("2024-03-29 23:00"), utc("2024-06-30 22:00")]
    assert p.loc["urn:li:activity:7180000000000000001", "text"] == "Wir stellen ein! 🎉\nTeamleitung Backstube (m/w/d) – jetzt bewerben."
    r1, r2 = p.loc["urn:li:activity:7180000000000000001"], p.loc["urn:li:activity:7180000000000000002"]
    assert (r1.impressions, r1.clicks, r1.likes, r1.comments, r1.shares) == (1234, 56, 20, 3, 2)
    assert pd.isna(r1.views) and r2.views == 800 and r2.impressions == 12400 and r2.comments == 0
    assert r1.engagement_rate == pytest.approx(0.0656) and r2.engagement_rate == pytest.approx(0.0614)
    assert r1.click_through_rate == pytest.approx(0.0454)
    assert list(p.sponsored) == [False, True, False]
    assert list(p.media_type) == ["image", "document", "text"]
    assert r1.permalink == "https://www.linkedin.com/feed/update/urn:li:activity:7180000000000000001"


@pytest.mark.parametrize("path", [CONTENT_XLSX, CONTENT_XLS], ids=["xlsx", "xls"])
def test_content_workbook_metrics_sheet(path):
    ds = tk.load(path, tz="Europe/Berlin")
    d = ds.daily.set_index(["date", "metric"]).value
    assert d[(pd.Timestamp("2024-03-30"), "impressions_total")] == 1200
    assert d[(pd.Timestamp("2024-03-31"), "reactions_organic")] == -2  # negative values are kept
    assert d[(pd.Timestamp("2024-03-30"), "reposts_organic")] == 1    # older "Shares (organic)"
    assert d[(pd.Timestamp("2024-03-31"), "engagement_rate_organic")] == pytest.approx(0.045)
    assert len(ds.daily) == 12
    r = ds.load_report.set_index("table")
    assert r.loc["daily", "rows_read"] == 12 and r.loc["posts", "rows_read"] == 3


def test_followers_workbook():
    ds = tk.load(FIX / "baeckerei_followers_1711929600000.xlsx")
    d = ds.daily.set_index(["date", "metric"]).value
    assert d[(pd.Timestamp("2024-03-30"), "new_followers_total")] == 6
    assert d[(pd.Timestamp("2024-03-31"), "new_followers_sponsored")] == 2
    assert len(ds.daily) == 8
    assert "Location" in ds.load_report.notes.iloc[0]


def test_xlsx_inside_a_downloaded_zip(tmp_path):
    z = tmp_path / "linkedin_download.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(CONTENT_XLSX, "exports/" + CONTENT_XLSX.name)
    ds = tk.load(z, tz="Europe/Berlin")
    assert len(ds.posts) == 3 and len(ds.daily) == 12
    assert ds.posts.source_file.iloc[0] == f"linkedin_download.zip!exports/{CONTENT_XLSX.name}"


def test_other_xlsx_is_not_taken_for_linkedin(tmp_path):
    import openpyxl
    wb = openpyxl.Workbook()
    wb.active.title = "Budget"
    wb.active.append(["a", "b"])
    wb.save(tmp_path / "budget.xlsx")
    with pytest.raises(ExportFormatError, match="not a recognised export"):
        tk.load(tmp_path / "budget.xlsx")


def test_bad_created_date_row_4():
    f = FIX / "broken" / "bad_created_date_row_4_content.xlsx"
    with pytest.raises(ExportFormatError, match=r"sheet 'All posts', line 4, column 'Created date'.*'31.03.2024'"):
        tk.load(f, tz="Europe/Berlin")
    with pytest.warns(UserWarning, match="rejected 1 row"):
        ds = tk.load(f, tz="Europe/Berlin", errors="reject")
    assert len(ds.posts) == 2 and ds.rejected.line.tolist() == [4]


def test_missing_post_link_column():
    with pytest.raises(ExportFormatError, match=r"misses column\(s\) \['post link'\].*found \['Post title'"):
        tk.load(FIX / "broken" / "missing_post_link_column_content.xlsx", tz="Europe/Berlin")


# --- issue 10: a sheet saved as CSV by German Excel -------------------------------------------------

def test_all_posts_sheet_saved_as_csv_by_german_excel():
    f = FIX / "resaved" / "radwerk_content_1727740800000.csv"
    assert f.read_bytes().startswith(b"Engagement metrics for individual posts")  # the description line stays
    ds = tk.load(f, tz="Europe/Berlin")
    p = ds.posts.set_index("post_id")
    a, b = p.loc["urn:li:activity:7241000000000000001"], p.loc["urn:li:activity:7242000000000000002"]
    assert a.published_at == utc("2024-09-14 22:00") and a.date_only  # 15.09.2024, midnight in Berlin
    assert (a.impressions, a.clicks, a.likes, a.comments, a.shares) == (1234, 56, 20, 3, 2)
    assert a.engagement_rate == pytest.approx(0.0656) and a.click_through_rate == pytest.approx(0.0454)
    assert a.text == "Wir suchen Verstärkung in der Werkstatt ?\nZweiradmechatroniker (m/w/d)"
    assert (b.impressions, b.views, b.sponsored) == (12400, 800, True) and b.engagement_rate == pytest.approx(0.039)
    assert (p.account == "radwerk").all()
    assert ds.load_report.format.tolist() == ["linkedin_csv"]


def test_metrics_sheet_saved_as_csv_keeps_negative_values():
    ds = tk.load(FIX / "resaved" / "radwerk_content_metrics.csv")
    d = ds.daily.set_index(["date", "metric"]).value
    assert d[(pd.Timestamp("2024-09-15"), "impressions_organic")] == 1100
    assert d[(pd.Timestamp("2024-09-16"), "impressions_total")] == -3
    assert d[(pd.Timestamp("2024-09-15"), "engagement_rate_organic")] == pytest.approx(0.061)


def test_new_followers_sheet_saved_as_csv(tmp_path):
    f = tmp_path / "radwerk_followers_1727740800000.csv"
    f.write_bytes(("Date;Sponsored followers;Organic followers;Auto-invited followers;Total followers\r\n"
                   "15.09.2024;0;12;1;13\r\n16.09.2024;2;1.204;0;1.206\r\n").encode("cp1252"))
    ds = tk.load(f)
    d = ds.daily.set_index(["date", "metric"]).value
    assert d[(pd.Timestamp("2024-09-16"), "new_followers_organic")] == 1204
    assert d[(pd.Timestamp("2024-09-15"), "new_followers_total")] == 13 and (ds.daily.account == "radwerk").all()


@pytest.mark.parametrize("path", [CONTENT_XLSX, FIX / "baeckerei_followers_1711929600000.xlsx"],
                         ids=["content", "followers"])
def test_workbook_opened_by_sniff_reads_as_the_bytes_do(path):
    """sniff() keeps the workbook it opened for read(); read() without it (from the bytes, as
    pd.read_excel opens them) gives the same tables and notes."""
    from toolkit.io._base import Context, Source
    from toolkit.io.linkedin import LinkedInWorkbook

    loader, source = LinkedInWorkbook(), Source(path.name, path.read_bytes())
    ctx = Context(tz="UTC")
    assert loader.sniff(source, ctx) and "_linkedin_book" in ctx.__dict__
    kept = loader.read(source, ctx)
    assert "_linkedin_book" not in ctx.__dict__
    plain = loader.read(Source(path.name, path.read_bytes()), Context(tz="UTC"))
    assert kept.tables.keys() == plain.tables.keys() and kept.notes == plain.notes
    for name in kept.tables:
        pd.testing.assert_frame_equal(kept.tables[name], plain.tables[name])


def test_sniff_closes_a_workbook_that_is_not_linkedin(tmp_path):
    from toolkit.io._base import Context, Source
    from toolkit.io.linkedin import LinkedInWorkbook

    path = tmp_path / "other.xlsx"
    pd.DataFrame({"a": [1]}).to_excel(path, sheet_name="Data", index=False)
    ctx = Context(tz="UTC")
    assert not LinkedInWorkbook().sniff(Source(path.name, path.read_bytes()), ctx)
    assert "_linkedin_book" not in ctx.__dict__
