"""toolkit/_progress.py: bars only where someone watches (a terminal, a notebook); logging without handlers.

The scripts run in a fresh interpreter whose standard error is a real file or a real terminal (a pty),
as a cron job or a person at a shell would run them.
"""

from __future__ import annotations

import inspect
import os
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import toolkit as tk
from toolkit._progress import wanted
from toolkit.errors import ParameterError

ROOT = Path(__file__).resolve().parents[1]

# a small export read by the generic loader, then the two analyses whose bars defaulted to on
SCRIPT = textwrap.dedent('''
    import logging, sys, warnings
    warnings.simplefilter("ignore")
    if "--log" in sys.argv:
        logging.basicConfig(level=logging.INFO, format="%(name)s %(levelname)s %(message)s")
    import toolkit as tk
    ds = tk.load(sys.argv[1], tz="Europe/Berlin")
    tk.timing.best_times(ds.posts, tz="Europe/Berlin", n_boot=100, min_posts=1)
    tk.performance.content_effects(ds.posts, n_boot=100)
    print("done", len(ds.posts))
''')


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("export")
    rows = ["platform,account,post_id,published_at,text,media_type,reach,likes,comments,shares"]
    for i in range(40):
        rows.append(f"instagram,kaffee,p{i},2026-03-{1 + i % 28:02d}T{8 + i % 10:02d}:00:00+00:00,"
                    f"Post {i} #kaffee{' ?' if i % 3 else ''},{'reel' if i % 2 else 'image'},"
                    f"{1000 + 37 * i},{10 + i % 7},{i % 4},{i % 3}")
    (folder / "posts.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def _run(export: Path, stderr, *extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("TQDM_DISABLE", None)
    return subprocess.run([sys.executable, "-c", SCRIPT, str(export), *extra], stdout=subprocess.PIPE,
                          stderr=stderr, env=env, timeout=120, cwd=ROOT)


def test_a_script_whose_stderr_is_a_file_gets_no_bars(export, tmp_path):
    log = tmp_path / "cron.log"
    with log.open("wb") as err:
        done = _run(export, err)
    assert done.returncode == 0 and done.stdout.startswith(b"done 40")
    text = log.read_bytes()
    assert b"\r" not in text and b"best_times" not in text and b"content effects" not in text, text[:300]


def test_a_script_on_a_terminal_shows_bars(export):
    import threading

    import fcntl
    import struct
    import termios

    main, sub = os.openpty()  # a real terminal as standard error, read while the script runs
    fcntl.ioctl(sub, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 100 columns wide
    chunks: list[bytes] = []

    def read() -> None:
        while True:
            try:
                data = os.read(main, 65536)
            except OSError:  # the terminal's other end is closed: all is read
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        done = _run(export, sub)
    finally:
        os.close(sub)
        reader.join(timeout=10)
        os.close(main)
    text = b"".join(chunks)
    assert done.returncode == 0
    assert b"best_times" in text and b"\r" in text, text[:300]


def test_logging_goes_to_the_toolkit_logger_and_the_library_adds_no_handler(export, tmp_path):
    for module in pkgutil.walk_packages(tk.__path__, "toolkit."):
        if not module.name.endswith("__main__"):
            __import__(module.name)
    import logging

    assert logging.getLogger("toolkit").handlers == []
    assert all(not logging.getLogger(n).handlers for n in logging.root.manager.loggerDict if n.startswith("toolkit"))
    log = tmp_path / "script.log"
    with log.open("wb") as err:
        done = _run(export, err, "--log")
    assert done.returncode == 0
    lines = log.read_text(encoding="utf-8").splitlines()
    assert "toolkit INFO load: 1 file(s) read, 0 skipped; 40 posts, 0 comments, 0 daily rows" in lines


def test_progress_is_none_true_or_false():
    assert wanted(True) is True and wanted(False) is False
    assert wanted(None, size=10, min_size=100) is False  # too small for a bar even where watched
    with pytest.raises(ParameterError, match=r"progress='yes': expected None \(auto"):
        wanted("yes")


def test_every_public_progress_parameter_defaults_to_auto():
    found = []
    for module in pkgutil.walk_packages(tk.__path__, "toolkit."):
        if module.name.endswith("__main__") or any(p.startswith("_") for p in module.name.split(".")[1:]):
            continue
        mod = __import__(module.name, fromlist=["_"])
        for name in getattr(mod, "__all__", []):
            obj = getattr(mod, name)
            targets = [obj] + ([m for _, m in inspect.getmembers(obj, inspect.isfunction)
                                if not _.startswith("_")] if inspect.isclass(obj) else [])
            for fn in targets:
                if not callable(fn):
                    continue
                try:
                    params = inspect.signature(fn).parameters
                except (TypeError, ValueError):
                    continue
                if "progress" in params:
                    found.append((f"{module.name}.{name}", params["progress"].default))
    assert len(found) >= 8, found  # load, best_times, content_effects, sentiment, keywords, render...
    assert [f for f in found if f[1] is not None] == []


@pytest.mark.parametrize("setting, expected", [("off", "False"), ("on", "True"), ("", "False")])
def test_the_environment_can_say_whether_someone_watches(setting, expected, tmp_path):
    # render() sets TOOLKIT_PROGRESS=off for the notebooks it executes: their pages have no bars
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TOOLKIT_PROGRESS": setting}
    with (tmp_path / "err.log").open("wb") as err:  # standard error is a file: auto says no bar
        done = subprocess.run([sys.executable, "-c", "from toolkit._progress import wanted; print(wanted(None), "
                               "wanted(True), wanted(False))"], stdout=subprocess.PIPE, stderr=err, env=env,
                              timeout=60, check=True)
    assert done.stdout.decode().split() == [expected, "True", "False"]
