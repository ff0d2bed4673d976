"""The report writes summary.json beside the pages (what the overview shows) and, with --pdf, one A4 PDF (#16.2, #16.7).

Small notebooks on the core fixtures keep these fast: an "overview" that displays
``tk.report.summary`` and a page with a titled plotly chart. The PDF is printed once, by the
Chromium installed on the machine (skipped with the reason where there is none).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import toolkit as tk
from toolkit._pdf import find_chromium
from toolkit._summary import summary_shown
from toolkit.report import PdfUnavailable

from .test_summary import visible_text

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "tests" / "fixtures" / "core"
CHART_TITLE = "Weekly interactions for the PDF check"

OVERVIEW = """import toolkit as tk
ds = tk.load(data_dir, tz=tz, progress=False)
tk.report.summary(ds, period=period, n_boot=200)"""
CHART = f"""import plotly.graph_objects as go
go.Figure(go.Bar(x=["Mon", "Tue", "Wed"], y=[3, 5, 2]), layout={{"title": {{"text": "{CHART_TITLE}"}}}})"""

try:
    import playwright.sync_api  # noqa: F401
    import pypdf
except ImportError:  # pragma: no cover - the dev extra installs both
    pypdf = None


def _data(tmp: Path) -> Path:
    data = tmp / "data"
    data.mkdir(exist_ok=True)
    for name in ("posts_ok.csv", "comments_ok.csv"):
        (data / name).write_bytes((CORE / name).read_bytes())
    return data


def _books(tmp: Path, pages: dict[str, str]) -> Path:
    books = tmp / "books"
    books.mkdir(exist_ok=True)
    for name, source in pages.items():
        nb = nbformat.v4.new_notebook()
        params = nbformat.v4.new_code_cell('data_dir = "x"\ntz = "UTC"\nperiod = None')
        params.metadata["tags"] = ["parameters"]
        nb.cells = [nbformat.v4.new_markdown_cell(f"# {name}"), params, nbformat.v4.new_code_cell(source)]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, books / f"{name}.ipynb")
    return books


needs_pdf = pytest.mark.skipif(find_chromium() is None or pypdf is None,
                               reason="needs a Chromium on this computer and the 'pdf' extra (playwright, pypdf); "
                                      ".ci/run installs chromium, the dev extra the libraries")


@pytest.fixture(scope="module")
def pdf_report(tmp_path_factory):
    if find_chromium() is None or pypdf is None:
        pytest.skip("needs a Chromium on this computer and the 'pdf' extra")
    tmp = tmp_path_factory.mktemp("pdf")
    books = _books(tmp, {"00-overview": OVERVIEW, "01-chart": CHART})
    out = tmp / "out"
    pages = tk.report.render(_data(tmp), out=out, tz="Europe/Berlin", notebook_dir=books, progress=False,
                             pdf=True, period="2024-Q2", timeout=300, keep_executed=True)
    return out, pages


@needs_pdf
def test_summary_json_is_what_the_overview_shows(pdf_report):
    out, _ = pdf_report
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["period"]["label"], summary["previous"]["label"]) == ("Q2 2024", "Q1 2024")  # --period reached it
    text = visible_text((out / "00-overview.html").read_text(encoding="utf-8"))
    norm = lambda t: re.sub(r"\s+", " ", t)  # noqa: E731
    assert len(summary["kpis"]) == 8
    for k in summary["kpis"]:
        for key in ("display", "display_previous", "display_change", "display_interval", "note"):
            assert norm(k[key]) in text, (k["name"], key, k[key])
    for f in summary["findings"]:
        assert norm(f["text"]) in text
    # taken from the overview's own output, not computed a second time
    executed = nbformat.read(out / "_executed" / "00-overview.ipynb", as_version=4)
    assert summary_shown(executed) == summary
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="summary.json"' in index and 'href="report.pdf"' in index


@needs_pdf
def test_pdf_has_every_page_on_a4_with_the_charts_drawn(pdf_report):
    out, pages = pdf_report
    reader = pypdf.PdfReader(out / "report.pdf")
    assert len(reader.pages) >= len(pages)
    for sheet in reader.pages:  # A4 = 595.3 x 841.9 pt
        assert float(sheet.mediabox.width) == pytest.approx(595.3, abs=1.5)
        assert float(sheet.mediabox.height) == pytest.approx(841.9, abs=1.5)
    text = " ".join(sheet.extract_text() for sheet in reader.pages)
    assert CHART_TITLE in text  # drawn by plotly.js in the browser: the title is SVG text
    assert "Previous" in text and "Methods" in text  # the overview's tiles and every page's methods
    # every notebook starts on a sheet of its own: its title opens a sheet
    firsts = [reader.pages[i].extract_text().lstrip()[:40] for i in range(len(reader.pages))]
    for page in pages:
        assert any(f.startswith(page.title) for f in firsts), page.title


def test_without_a_browser_the_html_report_is_still_written(tmp_path, monkeypatch):
    monkeypatch.setenv("TOOLKIT_CHROMIUM", str(tmp_path / "no-such-browser"))
    books = _books(tmp_path, {"01-chart": CHART})
    out = tmp_path / "out"
    with pytest.warns(PdfUnavailable, match=r"^no PDF written: .*(Chromium|pdf).*\(the HTML report was written\)$"):
        pages = tk.report.render(_data(tmp_path), out=out, tz="Europe/Berlin", notebook_dir=books, progress=False,
                                 pdf=True, timeout=300)
    names = {p.name for p in out.iterdir()}
    assert {"01-chart.html", "index.html"} <= names and not names & {"report.pdf", "summary.json"}  # no overview
    assert pages[0].path.exists() and "report.pdf" not in (out / "index.html").read_text(encoding="utf-8")


def test_an_unreadable_period_is_refused_before_any_notebook(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "toolkit", "report", str(_data(tmp_path)), "--out",
                           str(tmp_path / "out"), "--period", "August"], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: period='August': not a period I can read; expected a month ('2026-08')")
    assert len(proc.stderr.strip().splitlines()) == 1 and not (tmp_path / "out").exists()


def test_samples_overview_opens_with_the_summary_of_summary_json(samples_report):
    """#16.1/#16.2 on the samples report: summary.json is what the overview shows, above everything else."""
    summary = json.loads((samples_report.out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["period"]["label"], summary["previous"]["label"]) == ("August 2026", "July 2026")
    assert len(summary["kpis"]) == 8 and 3 <= len(summary["findings"]) <= 5
    page = samples_report.html("00-")
    text = visible_text(page)
    norm = lambda t: re.sub(r"\s+", " ", t)  # noqa: E731
    for k in summary["kpis"]:
        assert k["value"] is not None and k["change"] is not None, k["name"]  # six months of samples: all comparable
        tile = re.search(rf"<div class=.tk-tile. data-kpi=.{k['name']}.>(.*?)</div>", page).group(1)
        for key in ("label", "display", "display_previous", "display_change", "display_interval"):
            assert norm(k[key]) in visible_text(tile), (k["name"], key)
    for f in summary["findings"]:
        assert norm(f["text"]) in text
        assert f'href="{f["page"]}"' in page.replace("'", '"')  # the link leads to the report page
    # above everything else: the tiles come before the first section of the overview
    assert text.index(norm(summary["kpis"][0]["display_previous"])) < text.index("The data")
    assert 'href="summary.json"' in (samples_report.out / "index.html").read_text(encoding="utf-8")
