"""Issue 10: the report renders on a folder of real-format exports the samples were not made from.

The folder is built only from the hand-written fixtures of another brand (Radwerk Speiche,
2016 and 2023-2025; tests/fixtures/io/_make_unseen_fx.py): German Excel re-saves of every CSV
format, year-less TikTok days, Meta archives with repeated entries, the legacy Facebook export
with repeated column names, page-level files that only their title or zip name attribute, an X
archive with retweets. Two pages (overview and data) keep the test fast; `make report` and the
benchmark render all of them.
"""

from __future__ import annotations

import html
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


def test_report_renders_overview_and_data_pages(unseen, tmp_path):
    out = tmp_path / "out"
    pages = tk.report.render(unseen, out=out, tz="Europe/Berlin", only=["00-", "01-"], progress=False, timeout=300)
    assert [p.notebook for p in pages] == ["00-overview.ipynb", "01-what-is-in-my-data.ipynb"]
    ds = tk.load(unseen, tz="Europe/Berlin")
    for page in pages:
        text = page.path.read_text(encoding="utf-8")
        assert "Traceback (most recent call last)" not in text, page.notebook  # (a failing cell raises anyway)
        assert html.escape(repr(ds)) in text, page.notebook  # the page shows this very load
    data_page = pages[1].path.read_text(encoding="utf-8")
    for platform in ("facebook", "instagram", "linkedin", "tiktok", "youtube"):
        assert platform in data_page
    assert (out / "index.html").exists()
    # summary.json beside the pages: the overview's summary of this very load (#16.2, #16.9)
    shown = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert shown == json.loads(tk.report.summary(ds).to_json())


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
