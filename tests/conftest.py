"""Shared fixtures: the sample data as users get it, through toolkit.load()."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

import toolkit as tk

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
SAMPLES_TZ = "Europe/Berlin"


@pytest.fixture(scope="session")
def sample_dataset():
    """``tk.load("data/samples", tz="Europe/Berlin")``, loaded once per test session."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the samples include a YouTube 'Total' row, rejected on purpose
        return tk.load(SAMPLES, tz=SAMPLES_TZ, progress=False)


@pytest.fixture(scope="session")
def sample_truth():
    """The effects planted in the samples (data/samples/TRUTH.json)."""
    return json.loads((SAMPLES / "TRUTH.json").read_text(encoding="utf-8"))


# --- the samples report, rendered once per test run -------------------------------------------------------------
EVIL_TEXT = "<script>alert(1)</script> Wann liefert ihr?"
EVIL_AUTHOR = "<img src=x onerror=alert(2)>"


def evil_folder(tmp: Path) -> Path:
    """A copy of the samples plus one extra canonical comments file with hostile comments."""
    import shutil

    import pandas as pd

    data = tmp / "exports"
    shutil.copytree(SAMPLES, data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = tk.load(SAMPLES, tz="UTC", progress=False)
    post = ds.posts[ds.posts["platform"] == "facebook"].sort_values("published_at").iloc[-1]
    (data / "extra").mkdir()
    pd.DataFrame({
        "platform": ["facebook", "facebook"], "account": [post["account"]] * 2,
        "post_id": [post["post_id"]] * 2, "comment_id": ["evil1", "evil2"], "parent_id": ["", ""],
        "author": [EVIL_AUTHOR, "Mallory Quux"], "is_owner": [False, False],
        "published_at": ["2026-09-02T20:00:00+00:00", "2026-09-02T20:05:00+00:00"],
        "text": [EVIL_TEXT, '=HYPERLINK("http://evil.example","klick") schlecht?'],
        "likes": [0, 0], "source_file": ["extra/comments.csv"] * 2,
    }).to_csv(data / "extra" / "comments.csv", index=False)
    return data


class SamplesReport:
    """The full report on the samples (plus two hostile comments), as ``python -m toolkit report`` writes it.

    ``out`` is the output folder, ``data`` the exports folder it was rendered from, ``pages`` the HTML pages in order
    (index.html excluded). Read-only: a test that changes the folder must copy it first.
    """

    def __init__(self, out: Path, data: Path) -> None:
        self.out, self.data = out, data

    @property
    def pages(self) -> list[Path]:
        return sorted(p for p in self.out.glob("[0-9][0-9]-*.html"))

    def html(self, prefix: str) -> str:
        """The HTML of the page whose file name starts with ``prefix`` (e.g. "06-")."""
        [page] = [p for p in self.pages if p.name.startswith(prefix)]
        return page.read_text(encoding="utf-8")


def _render_once(request, tmp_path_factory, name: str, exports) -> SamplesReport:
    """Render every curated notebook once per test run into ``<basetemp>/<name>/out``.

    ``exports(target)`` writes the exports folder (``target / "exports"``) and returns it. Under pytest-xdist the
    workers share one folder and a file lock, so the report is rendered by the first worker that needs it.
    """
    import fcntl

    base = tmp_path_factory.getbasetemp()
    if hasattr(request.config, "workerinput"):  # under pytest-xdist: one folder for all workers
        base = base.parent
    target = base / name
    with open(base / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not (target / "out" / "index.html").exists():
                target.mkdir(exist_ok=True)
                data = target / "exports" if (target / "exports").exists() else exports(target)
                tk.report.render(data, out=target / "out", tz=SAMPLES_TZ, progress=False, timeout=600)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return SamplesReport(target / "out", target / "exports")


@pytest.fixture(scope="session")
def samples_report(request, tmp_path_factory) -> SamplesReport:
    """Every curated notebook rendered once on the samples (shared by all pytest-xdist workers through a lock)."""
    return _render_once(request, tmp_path_factory, "samples-report", evil_folder)


FIXTURES_IO = ROOT / "tests" / "fixtures" / "io"


def _not_an_export(folder, names):
    """What the exports report leaves out of tests/fixtures/io: broken files and fixture generators."""
    return [n for n in names if n == "broken" or n.startswith(("bad_", "missing_", "_make_", "outbox_bad"))
            or "not_json" in n or n == "Overview.csv" and str(folder).endswith("tiktok")]  # year-less file


@pytest.fixture(scope="session")
def exports_report(request, tmp_path_factory) -> SamplesReport:
    """Every curated notebook rendered once on the loaders' real-format fixtures (tests/fixtures/io: other brands,
    other years, tiny counts, German Excel re-saves, year-less days, ...), none of which the samples use."""
    import shutil

    def exports(target: Path) -> Path:
        return Path(shutil.copytree(FIXTURES_IO, target / "exports", ignore=_not_an_export))

    return _render_once(request, tmp_path_factory, "exports-report", exports)
