"""Issue 10: the report renders on a folder of real-format exports the samples were not made from.

The folder is built only from the hand-written fixtures of another brand (Radwerk Speiche,
2016 and 2023-2025; tests/fixtures/io/_make_unseen_fx.py): German Excel re-saves of every CSV
format, year-less TikTok days, Meta archives with repeated entries, the legacy Facebook export
with repeated column names, page-level files that only their title or zip name attribute, an X
archive with retweets. The report is rendered once per test run on all of tests/fixtures/io, these parts
included (the session fixture `exports_report` in tests/conftest.py).
"""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import pytest

import toolkit as tk

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "io"
UNSEEN = ["meta/resaved", "meta/legacy", "meta/daily", "meta/dyi-duplicates", "x/resaved", "x/archive-retweets",
          "youtube/resaved", "tiktok/no-year", "tiktok/resaved", "linkedin/resaved"]


@pytest.fixture(scope="module")
def unseen(tmp_path_factory):
    data = tmp_path_factory.mktemp("unseen") / "exports"
    for part in UNSEEN:
        shutil.copytree(FIX / part, data / part)
    return data


def test_the_folder_loads_every_file(unseen):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no unreadable row, no missing zone
        ds = tk.load(unseen, tz="Europe/Berlin")
    rep = ds.load_report
    assert not (rep.format == "unrecognised").any() and rep.file.nunique() == 27
    per = ds.posts.groupby("platform").size().to_dict()
    assert per == {"facebook": 9, "instagram": 6, "linkedin": 2, "tiktok": 3, "x": 6, "youtube": 2}
    assert not ds.posts.post_id.str.contains("E+", regex=False).any()
    assert (rep.rows_read == rep.rows_loaded + rep.duplicates_dropped + rep.rows_rejected).all()


def test_report_renders_every_page_on_exports_the_samples_do_not_use(exports_report):
    """The report on tests/fixtures/io (every unseen part above included, no sample file): every page renders."""
    data = exports_report.data
    assert not list(data.rglob("*.ipynb")) and all((data / part).is_dir() for part in UNSEEN)
    assert [p.name for p in exports_report.pages] == [b.with_suffix(".html").name for b in tk.report.notebooks()]
    for page in exports_report.pages:
        assert "Traceback (most recent call last)" not in page.read_text(encoding="utf-8"), page.name
    data_page = exports_report.html("01-")
    for platform in ("facebook", "instagram", "linkedin", "tiktok", "youtube"):
        assert platform in data_page
    assert (exports_report.out / "index.html").exists()
    # summary.json beside the pages: the overview's summary of this very load (#16.2, #16.9)
    shown = json.loads((exports_report.out / "summary.json").read_text(encoding="utf-8"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = tk.load(data, tz="Europe/Berlin", errors="reject", progress=False)
    assert shown == json.loads(tk.report.summary(ds).to_json())
    assert "NaN" not in json.dumps(shown) and len(shown["kpis"]) == 8


def test_summary_says_why_a_kpi_is_missing(unseen):
    """#16.9: on exports the samples were not made from, no KPI vanishes or shows NaN; each missing one says why."""
    ds = tk.load(unseen, tz="Europe/Berlin")
    s = tk.report.summary(ds, n_boot=200)
    # the page-level daily values run on to August 2025; the last full month with posts or comments is April
    assert (s["period"]["label"], s["previous"]["label"]) == ("April 2025", "March 2025")
    assert len(s["kpis"]) == 8
    for k in s["kpis"]:
        assert k["value"] is not None or (k["display"] == "not available" and k["note"]), k
        assert k["previous"] is not None or k["display_previous"] == "–"
    kpi = {k["name"]: k for k in s["kpis"]}
    assert kpi["posts"]["value"] == 1 and kpi["posts"]["change"] == 1
    assert kpi["reach"]["note"] == "no post of April 2025 reports reach"
    assert kpi["response_rate"]["note"] == "no top-level user comment in April 2025"
    assert "NaN" not in s.to_json() and "nan" not in s.text().lower()
