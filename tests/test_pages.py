"""Report pages: one shared plotly.js (or self-contained pages), the page's language, tables that fit.

These render small notebooks on a tiny export; the full samples report is checked in
tests/test_pages_samples.py and tests/test_browser_pages.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

import toolkit as tk
from toolkit.errors import ParameterError

ROOT = Path(__file__).resolve().parents[1]

CHART = """import toolkit as tk, pandas as pd
ds = tk.load(data_dir, tz=tz)
tk.plots.activity(tk.inventory.activity(ds, tz=tz, freq="W"), metric="posts")"""
TABLE = """pd.DataFrame({"engagement_rate": [0.075], "posts": [18450], "slot": ["Mon 07-10"]})"""


def _book(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('data_dir = "x"\ntz = "UTC"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# A chart"), params, nbformat.v4.new_code_cell(CHART),
                nbformat.v4.new_code_cell(TABLE)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    folder.mkdir()
    nbformat.write(nb, folder / "20-chart.ipynb")
    return folder


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pages")
    data = tmp / "data"
    data.mkdir()
    (data / "posts.csv").write_bytes((ROOT / "tests/fixtures/core/posts_ok.csv").read_bytes())
    return data, _book(tmp / "books")


def test_pages_share_one_plotly_js_by_default(tiny, tmp_path):
    data, books = tiny
    page = tk.report.render(data, out=tmp_path / "out", notebook_dir=books, progress=False, lang="en")[0].path
    html = page.read_text(encoding="utf-8")
    assert "Plotly.newPlot" in html and '<script src="plotly.min.js"></script>' in html
    assert "plotly.js v" not in html and page.stat().st_size < 1_500_000
    assert (tmp_path / "out" / "plotly.min.js").read_text(encoding="utf-8").count("plotly.js v") >= 1
    # a second run replaces the folder (the shared file is part of a report, not a foreign file)
    tk.report.render(data, out=tmp_path / "out", notebook_dir=books, progress=False, lang="en")


def test_self_contained_pages_embed_plotly_js(tiny, tmp_path):
    data, books = tiny
    page = tk.report.render(data, out=tmp_path / "out", notebook_dir=books, progress=False, lang="en",
                            self_contained=True)[0].path
    html = page.read_text(encoding="utf-8")
    assert "plotly.js v" in html and 'src="plotly.min.js"' not in html and page.stat().st_size > 3_000_000
    assert not (tmp_path / "out" / "plotly.min.js").exists()
    assert "script-src 'unsafe-inline'" in html  # no file loaded, so no 'self' either


def test_german_pages_say_so_and_format_numbers_in_german(tiny, tmp_path):
    data, books = tiny
    html = tk.report.render(data, out=tmp_path / "out", notebook_dir=books, progress=False,
                            lang="de")[0].path.read_text(encoding="utf-8")
    assert '<html lang="de">' in html
    visible = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    assert "7,5\u00a0%" in visible and "18.450" in visible and ">Mo 07-10<" in visible
    assert ">Interaktionsrate<" in visible
    assert '"separators":",."' in html.replace(" ", "")  # the chart's numbers too


def test_unknown_language_is_refused_naming_the_known_ones(tiny, tmp_path):
    data, books = tiny
    with pytest.raises(ParameterError, match=r"lang='xx'.*'de', 'en'"):
        tk.report.render(data, out=tmp_path / "out", notebook_dir=books, progress=False, lang="xx")
