"""load() over folders: overlapping monthly exports, the load-report invariant, missing and empty files."""

import shutil
from pathlib import Path

import pandas as pd
import pytest

import toolkit as tk
from toolkit.errors import ExportFormatError, InputFileError

FIX = Path(__file__).parent.parent / "fixtures" / "io"
META = FIX / "meta"
FEB = META / "Feb-01-2024_Feb-29-2024_1012344.csv"
MAR = META / "Mar-01-2024_Mar-31-2024_1012345.csv"


def _invariant(report):
    return (report.rows_read == report.rows_loaded + report.duplicates_dropped + report.rows_rejected).all()


def test_folder_of_mixed_exports(tmp_path):
    for src, dst in [(FEB, "meta/Feb.csv"), (MAR, "meta/Mar.csv"),
                     (FIX / "linkedin" / "baeckerei_content_1711929600000.xlsx", "li/acme_content_x.xlsx"),
                     (FIX / "generic" / "beitraege_excel_de.csv", "de/beitraege.csv"),
                     (META / "instagram" / "Views.csv", "instagram/Views.csv")]:
        (tmp_path / dst).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(src, tmp_path / dst)
    (tmp_path / "notes.md").write_text("not an export")
    (tmp_path / "unknown.csv").write_text("a,b\n1,2\n")
    ds = tk.load(tmp_path, tz="Europe/Berlin")
    assert _invariant(ds.load_report)
    # Feb (2) + Mar (3) share one post; the German file repeats two posts of Mar/Feb (generic: same keys)
    assert set(ds.posts.platform) == {"facebook", "instagram", "linkedin"}
    assert ds.posts.duplicated(["platform", "post_id"]).sum() == 0
    rep = ds.load_report
    assert rep.loc[rep.format == "unrecognised", "file"].str.endswith("unknown.csv").all()
    assert int(rep.rows_read.sum()) == len(ds.posts) + len(ds.comments) + len(ds.daily) + \
        int(rep.duplicates_dropped.sum()) + int(rep.rows_rejected.sum())
    assert set(ds.daily.metric) >= {"views", "impressions_total"}
    tk.schema.POSTS.validate(ds.posts)
    tk.schema.DAILY.validate(ds.daily)


def test_overlapping_monthly_exports_newest_metrics_win(tmp_path):
    # sorted by path, "Mar" comes before "Feb"... the period in the file name decides, not the order
    shutil.copy(FEB, tmp_path / FEB.name)
    shutil.copy(MAR, tmp_path / MAR.name)
    ds = tk.load(tmp_path, tz="Europe/Berlin")
    p = ds.posts.set_index("post_id")
    assert len(p) == 4
    assert p.loc["1827720132094663", "views"] == 12400 and p.loc["1827720132094663", "likes"] == 20
    assert p.loc["1827720132094663", "text"].startswith("Frühlingsbrötchen sind zurück")
    rep = ds.load_report.set_index(ds.load_report.file.str.split("/").str[-1])
    assert rep.loc[FEB.name, ["rows_read", "rows_loaded", "duplicates_dropped"]].tolist() == [2, 1, 1]
    assert rep.loc[MAR.name, ["rows_read", "rows_loaded", "duplicates_dropped"]].tolist() == [3, 3, 0]


def test_same_file_twice_is_not_double_counted(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copy(MAR, tmp_path / "a" / MAR.name)
    shutil.copy(MAR, tmp_path / "b" / MAR.name)
    ds = tk.load(tmp_path, tz="Europe/Berlin")
    assert len(ds.posts) == 3
    assert ds.load_report.duplicates_dropped.sum() == 3
    assert ds.posts.views.sum() == 12400 + 310
    assert _invariant(ds.load_report)


def test_rejected_rows_are_counted(tmp_path):
    shutil.copy(META / "broken" / "bad_date_line_3.csv", tmp_path)
    shutil.copy(MAR, tmp_path)
    with pytest.warns(UserWarning, match="rejected 1 row"):
        ds = tk.load(tmp_path, tz="Europe/Berlin", errors="reject")
    assert _invariant(ds.load_report)
    assert ds.load_report.rows_rejected.sum() == 1
    assert ds.rejected.file.tolist() == [f"{tmp_path.name}/bad_date_line_3.csv"]


def test_missing_path():
    with pytest.raises(InputFileError, match="no such file or folder"):
        tk.load(FIX / "does_not_exist.csv")


def test_empty_file(tmp_path):
    f = tmp_path / "Mar-01-2024_Mar-31-2024_1.csv"
    f.write_bytes(b"\xef\xbb\xbf\r\n")
    with pytest.raises(ExportFormatError, match="the file is empty"):
        tk.load(f)


def test_header_only_export_loads_zero_rows(tmp_path):
    f = tmp_path / "Apr-01-2024_Apr-30-2024_1.csv"
    f.write_bytes(MAR.read_bytes().split(b"\n")[0] + b"\n")
    ds = tk.load(f, tz="Europe/Berlin")
    assert len(ds.posts) == 0
    r = ds.load_report.iloc[0]
    assert (r.format, r.rows_read, r.rows_loaded) == ("meta_posts_csv", 0, 0)


def test_empty_folder(tmp_path):
    with pytest.raises(InputFileError, match="no files found"):
        tk.load(tmp_path)
