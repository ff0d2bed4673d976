"""tk.report.to_excel / to_csv write times in the readers' zone, the column named for the zone (#19.8).

The files are read back with openpyxl and the csv module, as a spreadsheet program would see them.
"""

from __future__ import annotations

import csv
import datetime as dt

import openpyxl
import pandas as pd
import pytest

import toolkit as tk
from toolkit.errors import ParameterError


@pytest.fixture
def posts() -> pd.DataFrame:
    # one summer time (UTC+2 in Berlin) and one winter time (UTC+1), a missing time, a 19-digit id
    return pd.DataFrame({
        "post_id": ["1234567890123456789", "2", "3"],
        "published_at": pd.to_datetime(["2026-07-01 08:30", "2026-01-15 08:00", None], utc=True),
        "day": pd.to_datetime(["2026-07-01", "2026-01-15", "2026-01-16"]),  # a calendar day: no zone
        "likes": pd.array([12, None, -3], dtype="Int64"),
        "text": ["=HYPERLINK(\"http://x\")", "Guten Morgen", None],
    })


def _rows(path) -> list[list]:
    return [[c.value for c in row] for row in openpyxl.load_workbook(path).active.iter_rows()]


def test_to_excel_writes_local_wall_clock_times_named_for_the_zone(posts, tmp_path):
    before = posts.copy()
    rows = _rows(tk.report.to_excel(posts, tmp_path / "posts.xlsx", tz="Europe/Berlin"))
    assert rows[0] == ["post_id", "published_at (Europe/Berlin)", "day", "likes", "text"]
    assert [r[1] for r in rows[1:]] == [dt.datetime(2026, 7, 1, 10, 30), dt.datetime(2026, 1, 15, 9, 0), None]
    assert [r[2] for r in rows[1:]] == [dt.datetime(2026, 7, 1), dt.datetime(2026, 1, 15), dt.datetime(2026, 1, 16)]
    assert rows[1][0] == "1234567890123456789" and [r[3] for r in rows[1:]] == [12, None, -3]
    assert rows[1][4] == "'=HYPERLINK(\"http://x\")"  # still neutralised
    pd.testing.assert_frame_equal(posts, before)  # the input is not modified

    ny = _rows(tk.report.to_excel(posts, tmp_path / "ny.xlsx", tz="America/New_York"))
    assert ny[0][1] == "published_at (America/New_York)" and ny[1][1] == dt.datetime(2026, 7, 1, 4, 30)


def test_to_excel_without_a_zone_keeps_utc_and_says_so(posts, tmp_path):
    rows = _rows(tk.report.to_excel(posts, tmp_path / "utc.xlsx"))
    assert rows[0][1] == "published_at_utc" and rows[1][1] == dt.datetime(2026, 7, 1, 8, 30)


def test_to_csv_writes_local_times_named_for_the_zone(posts, tmp_path):
    path = tk.report.to_csv(posts, tmp_path / "posts.csv", sep=";", tz="Europe/Berlin")
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    assert rows[0] == ["post_id", "published_at (Europe/Berlin)", "day", "likes", "text"]
    assert [r[1] for r in rows[1:]] == ["2026-07-01 10:30:00", "2026-01-15 09:00:00", ""]
    plain = tk.report.to_csv(posts, tmp_path / "plain.csv")
    assert "2026-07-01 08:30:00+00:00" in plain.read_text(encoding="utf-8-sig")  # unchanged without tz


def test_an_unknown_zone_is_refused_before_anything_is_written(posts, tmp_path):
    for write, name in ((tk.report.to_excel, "x.xlsx"), (tk.report.to_csv, "x.csv")):
        with pytest.raises(ParameterError, match=r"tz='Europe/Berln' is not an IANA time zone name"):
            write(posts, tmp_path / name, tz="Europe/Berln")
        assert not (tmp_path / name).exists()


def test_a_pages_all_rows_download_has_the_times_the_page_shows(posts, tmp_path):
    from toolkit._format import Format

    fmt = Format("en", tz="Europe/Berlin", tables_dir=tmp_path / "tables", page="03-when")
    html = fmt.table_html(posts[["post_id", "published_at", "likes"]], max_rows=1)
    (csv_file,) = (tmp_path / "tables").glob("*.csv")
    assert f"tables/{csv_file.name}" in html
    with csv_file.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["post_id", "published_at (Europe/Berlin)", "likes"]
    assert rows[1][1] == "2026-07-01 10:30:00"
