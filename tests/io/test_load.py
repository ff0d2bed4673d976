"""load() over folders: overlapping monthly exports, the load-report invariant, missing and empty files."""

import re
import shutil
import warnings
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


# --- the samples plus each kind of bad file (issue #18.1) --------------------------------------------

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
BAD = Path(__file__).resolve().parents[1] / "fixtures" / "core" / "bad"
#: Each broken file and what its load-report note must say.
BAD_FILES = {
    "empty.csv": "the file is empty",
    "cut_off_your_posts_1.json": "line 25: not valid JSON",
    "cut_off_Apr-01-2024_Apr-30-2024_1012346.csv": "line 7: the file ends inside a quoted cell",
    "binary_junk.csv": "binary content",
    "login_page_May-01-2024_May-31-2024_1012347.csv": "an HTML web page ('Facebook – log in or sign up')",
    "~$Beiträge.xlsx": "a lock file that a spreadsheet program (Excel or LibreOffice) writes while 'Beiträge.xlsx' is open",
    ".~lock.x.csv#": "a lock file that a spreadsheet program (Excel or LibreOffice) writes while 'x.csv' is open",
    "broken.zip": "cannot open the archive",
    "encrypted.zip!Mar-01-2024_Mar-31-2024_1012345.csv": "the member is encrypted (password-protected)",
}


@pytest.fixture(scope="module")
def samples_and_bad_files():
    """The samples folder and the folder of broken files, loaded together once."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = tk.load([SAMPLES, BAD], tz="Europe/Berlin", progress=False)
    return ds, [str(w.message) for w in caught]


def test_samples_plus_every_bad_file_load_like_the_samples_alone(samples_and_bad_files, sample_dataset):
    ds, _ = samples_and_bad_files
    assert (len(ds.posts), len(ds.comments), len(ds.daily)) == \
        (len(sample_dataset.posts), len(sample_dataset.comments), len(sample_dataset.daily))
    pd.testing.assert_frame_equal(ds.posts, sample_dataset.posts)
    assert _invariant(ds.load_report)


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_each_bad_file_has_one_unreadable_row_with_reason_and_remedy(samples_and_bad_files, name):
    ds, _ = samples_and_bad_files
    rows = ds.load_report[ds.load_report.file == f"bad/{name}"]
    assert len(rows) == 1
    row = rows.iloc[0]
    assert (row.format, row.table, row.rows_loaded, row.rows_rejected) == ("unreadable", "", 0, row.rows_read)
    assert row.notes.startswith(f"bad/{name}")
    assert BAD_FILES[name] in row.notes
    assert any(w in row.notes for w in ("again", "delete it", "remove it", "Unpack")), row.notes


def test_the_bad_files_are_announced_once(samples_and_bad_files):
    ds, messages = samples_and_bad_files
    unread = [m for m in messages if "could not be read and were skipped" in m]
    assert len(unread) == 1
    assert re.match(r"load\(\): 9 of \d+ file\(s\) could not be read and were skipped: bad/\.~lock\.x\.csv# \(a lock",
                    unread[0])
    assert "and 4 more" in unread[0]
    assert sorted(ds.unreadable.file) == sorted(f"bad/{n}" for n in BAD_FILES)


@pytest.mark.parametrize("name", sorted(n for n in BAD_FILES if "!" not in n))
def test_each_bad_file_next_to_a_good_one(tmp_path, name):
    shutil.copy(BAD / name, tmp_path / name)
    shutil.copy(MAR, tmp_path / MAR.name)
    with pytest.warns(UserWarning, match="1 of 2 file"):
        ds = tk.load(tmp_path, tz="Europe/Berlin")
    assert len(ds.posts) == 3 and ds.unreadable.file.tolist() == [f"{tmp_path.name}/{name}"]
    assert _invariant(ds.load_report)
    with pytest.raises((ExportFormatError, InputFileError), match=rf"^{re.escape(tmp_path.name)}/"):
        tk.load(tmp_path, tz="Europe/Berlin", strict=True)
