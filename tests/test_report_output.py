"""The report's output folder never looks complete when it is not (issue #18, points 8, 9, 10).

Pages are written next to ``--out`` and swapped in whole. These tests stop real runs the way
users do (Ctrl-C from a terminal, ``kill -9``, a failing notebook, a file-size limit that makes
writes fail like a full disk) and check that ``--out`` then holds the previous complete report
untouched (or nothing), that no kernel keeps running, and that a second run into a folder being
written is refused. Problems with ``--out`` itself are reported in one line before any notebook
runs.
"""

from __future__ import annotations

import hashlib
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

import toolkit as tk
from toolkit.errors import ReportError

ROOT = Path(__file__).resolve().parents[1]
POSTS = ROOT / "tests" / "fixtures" / "core" / "posts_ok.csv"


def _data(tmp: Path) -> Path:
    data = tmp / "data"
    data.mkdir(exist_ok=True)
    (data / "posts.csv").write_bytes(POSTS.read_bytes())
    return data


def _books(tmp: Path, *cells: str, name: str = "books") -> Path:
    """A notebook folder with one small notebook per cell source (00-a, 01-b, ...)."""
    books = tmp / name
    books.mkdir(exist_ok=True)
    for i, source in enumerate(cells):
        nb = nbformat.v4.new_notebook()
        params = nbformat.v4.new_code_cell('data_dir = "x"\ntz = "UTC"')
        params.metadata["tags"] = ["parameters"]
        nb.cells = [nbformat.v4.new_markdown_cell(f"# Page {i}"), params, nbformat.v4.new_code_cell(source)]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, books / f"{i:02d}-{'abcdefgh'[i]}.ipynb")
    return books


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


@pytest.fixture(scope="module")
def earlier(tmp_path_factory):
    """A complete report (two small pages and index.html), rendered once for the module."""
    tmp = tmp_path_factory.mktemp("earlier")
    books = _books(tmp, "print('first page of the earlier run')", "print('second page')")
    tk.report.render(_data(tmp), out=tmp / "out", notebook_dir=books, progress=False)
    return tmp / "out"


@pytest.fixture()
def previous(tmp_path, earlier):
    """A copy of the earlier report in ``tmp_path/out``, and its file hashes."""
    out = tmp_path / "out"
    shutil.copytree(earlier, out)
    return out, _snapshot(out)


def _cli(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "toolkit", "report", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=600, **kw)


def _error_lines(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ln.strip()]


# ---------------------------------------------------------------------------------------------
# point 10: output problems first, in one line


def _under_a_file(tmp: Path) -> Path:
    (tmp / "notes.txt").write_text("not a folder", encoding="utf-8")
    return tmp / "notes.txt" / "reports"


def _a_file(tmp: Path) -> Path:
    (tmp / "report.html").write_text("<html></html>", encoding="utf-8")
    return tmp / "report.html"


def _foreign_files(tmp: Path) -> Path:
    folder = tmp / "documents"
    folder.mkdir()
    (folder / "budget.xlsx").write_bytes(b"PK\x03\x04 keep me")
    (folder / "index.html").write_text("<html>not ours?</html>", encoding="utf-8")
    return folder


@pytest.mark.parametrize("make, reason", [
    (lambda tmp: tmp / "missing" / "reports", r"folder \S+missing does not exist"),
    (_under_a_file, r"\S+notes\.txt is a file, not a folder"),
    (_a_file, "it is a file, not a folder"),
    (_foreign_files, r"it holds files that are not part of a report \(budget\.xlsx\); the report replaces the "
                     "whole folder"),
])
def test_an_unusable_out_is_refused_in_one_line_before_any_notebook(tmp_path, make, reason):
    out = make(tmp_path)
    before = _snapshot(tmp_path)
    proc = _cli(str(_data(tmp_path)), "--out", str(out))
    assert proc.returncode == 2
    assert len(_error_lines(proc.stderr)) == 1, proc.stderr
    assert re.fullmatch(rf"error: cannot write to {re.escape(str(out))} \({reason}\); choose another --out",
                        _error_lines(proc.stderr)[0]), proc.stderr
    assert "rendering report" not in proc.stderr  # refused before any notebook
    after = _snapshot(tmp_path)
    assert {k: v for k, v in after.items() if not k.startswith("data")} == \
           {k: v for k, v in before.items() if not k.startswith("data")}


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders anyway; the path under a file "
                                             "and the file-size limit tests cover the same code path")
def test_a_read_only_folder_is_refused(tmp_path):
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(0o555)
    try:
        proc = _cli(str(_data(tmp_path)), "--out", str(parent / "reports"))
    finally:
        parent.chmod(0o755)
    assert proc.returncode == 2
    assert _error_lines(proc.stderr) == [f"error: cannot write to {parent / 'reports'} (permission denied); "
                                         "choose another --out"]


def _file_size_limit(limit: int):
    def apply():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_a_full_disk_is_refused_before_any_notebook(tmp_path, previous):
    """Writes fail with EFBIG under a file-size limit, as they fail with ENOSPC on a full disk."""
    out, snapshot = previous
    proc = _cli(str(_data(tmp_path)), "--out", str(out), preexec_fn=_file_size_limit(256 * 1024))
    assert proc.returncode == 2
    assert _error_lines(proc.stderr) == [f"error: cannot write to {out} (file too large); choose another --out"]
    assert _snapshot(out) == snapshot and _leftovers(out) == []


def test_a_disk_that_fills_up_while_rendering_leaves_the_previous_report(tmp_path, previous):
    out, snapshot = previous
    books = _books(tmp_path, "print('small page')", "print('x' * 6_000_000)")  # the 2nd page cannot be written
    code = ("import sys, toolkit as tk\n"
            "try:\n"
            f"    tk.report.render({str(_data(tmp_path))!r}, out={str(out)!r}, notebook_dir={str(books)!r}, "
            "progress=False)\n"
            "except tk.errors.ToolkitError as exc:\n"
            "    sys.exit(f'error: {exc}')\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=600,
                          preexec_fn=_file_size_limit(3 * 1024 * 1024))
    assert proc.returncode == 1
    assert _error_lines(proc.stderr)[-1] == f"error: cannot write to {out} (file too large); choose another --out"
    assert _snapshot(out) == snapshot and _leftovers(out) == []


# ---------------------------------------------------------------------------------------------
# point 8: the folder is replaced whole, and only by a complete report


def test_a_failing_notebook_leaves_the_previous_report_untouched(tmp_path, previous):
    out, snapshot = previous
    books = _books(tmp_path, "print('fine')", "raise ValueError('boom')")
    with pytest.raises(ReportError, match="01-b.ipynb failed in cell 3 of 3"):
        tk.report.render(_data(tmp_path), out=out, notebook_dir=books, progress=False)
    assert _snapshot(out) == snapshot and _leftovers(out) == []


def test_a_new_report_replaces_the_previous_one_whole(tmp_path, previous):
    out, snapshot = previous
    (out / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")  # left by a file browser: still a report folder
    books = _books(tmp_path, "print('the only page of the new run')")
    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    pages = tk.report.render(_data(tmp_path), out=out, notebook_dir=books, progress=False)
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == handlers  # given back
    assert sorted(p.name for p in out.iterdir()) == ["00-a.html", "index.html", "plotly.min.js"]  # 01-b.html of the earlier run is gone
    assert pages[0].path == out / "00-a.html" and "the only page of the new run" in pages[0].path.read_text()
    assert '"01-b.html"' not in (out / "index.html").read_text(encoding="utf-8")
    assert _leftovers(out) == []
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o777 & ~umask  # not the 0700 of a temporary folder


# ---------------------------------------------------------------------------------------------
# Ctrl-C, kill -9 and a second run (points 8 and 9), with the real command and notebooks


def _kernels(parent: int) -> list[int]:
    """Kernel processes started by process ``parent`` (jupyter_client marks them JPY_PARENT_PID)."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                env = (proc / "environ").read_bytes().split(b"\0")
            except OSError:
                continue
            if f"JPY_PARENT_PID={parent}".encode() in env:
                found.append(int(proc.name))
    return found


def _interruptible() -> None:
    """Ctrl-C works in the child even when the tests run in the background (``make test &``), where
    the shell starts everything with SIGINT ignored and Python then keeps ignoring it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


# The command line's main() with a notebook that runs for two minutes instead of the curated ones,
# so the run is reliably in the middle of a notebook when it is stopped.
_SLOW_REPORT = ("import sys\nfrom pathlib import Path\nimport toolkit.report\n"
                "toolkit.report.NOTEBOOK_DIR = Path(sys.argv[1])\n"
                "from toolkit.__main__ import main\nsys.exit(main(sys.argv[2:]))")


def _start(tmp: Path, out: Path) -> subprocess.Popen:
    """The report command in its own session, as a terminal runs it; returns once a kernel runs."""
    books = _books(tmp, "print('working')", "import time\ntime.sleep(120)", name="slow")
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_REPORT, str(books), "report", str(_data(tmp)), "--out",
                             str(out)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=_interruptible)
    deadline = time.monotonic() + 120
    while not _kernels(proc.pid):
        assert proc.poll() is None, proc.communicate()[1]
        assert time.monotonic() < deadline, "no notebook started within 120 s"
        time.sleep(0.2)
    time.sleep(2)  # into the notebook that sleeps
    return proc


def _wait_no_kernels(parent: int, seconds: float = 15) -> list[int]:
    deadline = time.monotonic() + seconds
    while _kernels(parent) and time.monotonic() < deadline:
        time.sleep(0.2)
    return _kernels(parent)


needs_proc = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc to find kernels")


@needs_proc
def test_ctrl_c_stops_in_one_line_keeps_the_previous_report_and_no_kernel(tmp_path, previous):
    out, snapshot = previous
    run = _start(tmp_path, out)
    try:
        second = _cli(str(_data(tmp_path)), "--out", str(out))  # point 9: a second run is refused
    finally:
        os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C in a terminal sends to the whole foreground group
        _, err = run.communicate(timeout=120)
    assert second.returncode == 2
    assert re.fullmatch(rf"error: another report is being written to {re.escape(str(out))} \(process {run.pid}, "
                        r"started [\d-]+ [\d:]+\); wait until it has finished, or choose another --out",
                        _error_lines(second.stderr)[-1]), second.stderr
    assert run.returncode == 130
    assert _error_lines(err)[-1] == f"stopped; nothing written to {out}"
    assert "Traceback" not in err and "Error" not in err, err
    assert _wait_no_kernels(run.pid, 5) == []
    assert _snapshot(out) == snapshot and _leftovers(out) == []


@needs_proc
def test_kill_9_keeps_the_previous_report_and_the_next_run_cleans_up(tmp_path, previous):
    out, snapshot = previous
    run = _start(tmp_path, out)
    os.kill(run.pid, signal.SIGKILL)
    run.communicate(timeout=60)
    assert _snapshot(out) == snapshot  # a half-written report is never in place
    assert _wait_no_kernels(run.pid) == []  # the kernel notices its parent is gone
    assert _leftovers(out)  # the dead run's staging folder and lock file are still there ...
    books = _books(tmp_path, "print('after the crash')")
    tk.report.render(_data(tmp_path), out=out, notebook_dir=books, progress=False)  # ... its lock is stale
    assert sorted(p.name for p in out.iterdir()) == ["00-a.html", "index.html", "plotly.min.js"]
    assert _leftovers(out) == []  # ... and the next run removed them


def test_an_interrupt_during_cleanup_is_held_back_not_lost():
    """Ctrl-C while a kernel is being shut down between two notebooks still stops the run after it."""
    from toolkit.report import _no_interrupts

    outside = signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal, also under `make test &`
    try:
        done = []
        with pytest.raises(KeyboardInterrupt):
            with _no_interrupts():
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.1)
                done.append("cleanup finished")
        assert done == ["cleanup finished"] and signal.getsignal(signal.SIGINT) is signal.default_int_handler
        with _no_interrupts(deliver=False):  # the last step of a finished run: the run completes
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.1)
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, outside)
