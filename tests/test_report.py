"""The report command renders notebooks into self-contained HTML pages."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import toolkit as tk
from toolkit.errors import InputFileError

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    pages = tk.report.render(SAMPLES, out=out, tz="Europe/Berlin", only=["01-"], progress=False, timeout=300)
    return out, pages


def test_render_writes_index_and_a_page_per_notebook(rendered):
    out, pages = rendered
    assert [p.notebook for p in pages] == ["01-what-is-in-my-data.ipynb"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="01-what-is-in-my-data.html"' in index and "What is in my data?" in index


def test_pages_open_offline_with_plotly_embedded(rendered):
    out, _ = rendered
    page = (out / "01-what-is-in-my-data.html").read_text(encoding="utf-8")
    assert re.findall(r'<script[^>]+src="https?://', page) == []
    assert re.findall(r'<link[^>]+href="https?://', page) == []
    assert "Plotly.newPlot" in page  # a chart is drawn ...
    assert "plotly.js v" in page or "plotly.min.js" not in page  # ... by an inlined plotly.js
    assert len(page) > 3_000_000  # plotly.js itself is ~3.5 MB


def test_code_is_hidden_by_default(rendered):
    out, _ = rendered
    page = (out / "01-what-is-in-my-data.html").read_text(encoding="utf-8")
    assert "tk.load(data_dir" not in page


def test_cli_reports_a_missing_folder_clearly(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "toolkit", "report", str(tmp_path / "nope"), "--out",
                           str(tmp_path / "out")], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2
    assert "nope: no such file or folder" in proc.stderr


def test_render_refuses_missing_data(tmp_path):
    with pytest.raises(InputFileError):
        tk.report.render(tmp_path / "missing", out=tmp_path / "out", progress=False)
