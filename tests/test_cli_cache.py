"""The Parquet store as a cache: ``load(path, cache=DIR)`` and ``python -m toolkit report --cache DIR``.

A later run with unchanged inputs reads the store; any input file touched, rewritten (even at the
same size and time), added or removed, or other load parameters, make it parse and write again.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest

import toolkit as tk
from toolkit.errors import ParameterError
from toolkit.io._store import MANIFEST

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"


@pytest.fixture
def exports(tmp_path) -> Path:
    """Real exports to change: Facebook's monthly post CSVs and YouTube's comments of the samples."""
    folder = tmp_path / "exports"
    shutil.copytree(SAMPLES / "facebook", folder / "facebook",
                    ignore=shutil.ignore_patterns("toolkit-comments.csv", "facebook"))
    return folder


def cached_load(path, cache, caplog, **kw):
    """``tk.load(path, cache=cache)``; returns the dataset and "hit" or "miss" as the store's log says."""
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="toolkit.store"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = tk.load(path, cache=cache, progress=False, **kw)
    said = " ".join(r.getMessage() for r in caplog.records if r.name == "toolkit.store")
    assert said.startswith("cache: "), said
    return ds, ("hit" if "read the store" in said else "miss")


def test_second_load_reads_the_store_and_equals_parsing(exports, tmp_path, caplog):
    cache = tmp_path / "cache"
    first, how = cached_load(exports, cache, caplog, tz="Europe/Berlin")
    assert how == "miss" and (cache / MANIFEST).is_file()
    manifest = json.loads((cache / MANIFEST).read_text())
    files = {f["path"]: f for f in manifest["sources"]["files"]}
    assert sorted(files) == sorted(f"exports/facebook/{p.name}" for p in (exports / "facebook").iterdir())
    one = exports / "facebook" / "Mar-01-2026_Mar-31-2026_1.csv"
    assert files["exports/facebook/Mar-01-2026_Mar-31-2026_1.csv"]["size"] == one.stat().st_size
    assert files["exports/facebook/Mar-01-2026_Mar-31-2026_1.csv"]["mtime_ns"] == one.stat().st_mtime_ns
    second, how = cached_load(exports, cache, caplog, tz="Europe/Berlin")
    assert how == "hit"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = tk.load(exports, tz="Europe/Berlin", progress=False)
    for name in ("posts", "comments", "daily", "traffic", "load_report", "rejected"):
        pd.testing.assert_frame_equal(getattr(second, name), getattr(parsed, name), check_exact=True)
        pd.testing.assert_frame_equal(getattr(first, name), getattr(parsed, name), check_exact=True)
    assert second.tz == parsed.tz == "Europe/Berlin"


def _rewrite_in_place(file: Path, old: bytes, new: bytes) -> None:
    """Replace ``old`` by ``new`` (as long) in ``file``, so it keeps its size, and keep its modification time."""
    st = file.stat()
    data = file.read_bytes()
    assert len(old) == len(new) and data.count(old) == 1
    file.write_bytes(data.replace(old, new))
    os.utime(file, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert file.stat().st_size == st.st_size and file.stat().st_mtime_ns == st.st_mtime_ns


def test_rewritten_at_the_same_size_and_time_is_seen_by_the_head_hash(exports, tmp_path, caplog):
    cache = tmp_path / "cache"
    cached_load(exports, cache, caplog, tz="Europe/Berlin")
    file = exports / "facebook" / "Mar-01-2026_Mar-31-2026_1.csv"
    _rewrite_in_place(file, b"Warum wir auf Direkthandel", b"Warum wir auf Direkthandal")
    ds, how = cached_load(exports, cache, caplog, tz="Europe/Berlin")
    assert how == "miss"
    assert ds.posts["text"].str.contains("Direkthandal").any()
    assert "changed" in caplog.text and file.name in caplog.text
    _, how = cached_load(exports, cache, caplog, tz="Europe/Berlin")
    assert how == "hit"


def test_touched_file_is_parsed_again(exports, tmp_path, caplog):
    cache = tmp_path / "cache"
    cached_load(exports, cache, caplog, tz="Europe/Berlin")
    file = exports / "facebook" / "Apr-01-2026_Apr-30-2026_2.csv"
    st = file.stat()
    os.utime(file, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))  # `touch`: same bytes, new time
    _, how = cached_load(exports, cache, caplog, tz="Europe/Berlin")
    assert how == "miss"
    _, how = cached_load(exports, cache, caplog, tz="Europe/Berlin")
    assert how == "hit"


def test_added_and_removed_files_are_parsed_again(exports, tmp_path, caplog):
    cache = tmp_path / "cache"
    before, _ = cached_load(exports, cache, caplog, tz="Europe/Berlin")
    shutil.copy(SAMPLES / "instagram" / "Mar-01-2026_Mar-31-2026_1.csv", exports / "instagram_march.csv")
    added, how = cached_load(exports, cache, caplog, tz="Europe/Berlin")
    assert how == "miss" and "added" in caplog.text
    assert set(added.posts["platform"]) == set(before.posts["platform"]) | {"instagram"}
    (exports / "facebook" / "Jun-01-2026_Jun-30-2026_4.csv").unlink()
    removed, how = cached_load(exports, cache, caplog, tz="Europe/Berlin")
    assert how == "miss" and "removed" in caplog.text
    assert len(removed.posts) < len(added.posts)
    assert not removed.load_report["file"].str.contains("Jun-01-2026").any()
    _, how = cached_load(exports, cache, caplog, tz="Europe/Berlin")
    assert how == "hit"


def test_a_cache_inside_the_exports_folder_is_not_an_input(exports, caplog):
    cache = exports / ".toolkit-cache"
    first, how = cached_load(exports, cache, caplog, tz="Europe/Berlin")
    assert how == "miss"
    again, how = cached_load(exports, cache, caplog, tz="Europe/Berlin")
    assert how == "hit"
    assert not again.load_report["file"].str.contains("toolkit-cache").any()
    pd.testing.assert_frame_equal(again.load_report, first.load_report)


def test_other_load_parameters_are_parsed_again(exports, tmp_path, caplog):
    cache = tmp_path / "cache"
    cached_load(exports, cache, caplog, tz="Europe/Berlin")
    ds, how = cached_load(exports, cache, caplog, tz="America/New_York")
    assert how == "miss" and ds.tz == "America/New_York"
    _, how = cached_load(exports, cache, caplog, tz="America/New_York", errors="reject")
    assert how == "miss"


def test_the_warnings_of_the_load_come_again_from_the_store(tmp_path, caplog):
    exports = tmp_path / "exports"
    shutil.copytree(SAMPLES / "youtube", exports)  # YouTube Studio's times carry no zone: no tz= warns
    cache = tmp_path / "cache"
    for _ in range(2):
        with pytest.warns(UserWarning, match="times carry no time zone and load.. got no tz=") as said:
            tk.load(exports, cache=cache, progress=False)
        assert said[0].filename == __file__  # pointing at the caller, as load() does


def test_cache_refuses_a_folder_that_is_not_a_store(exports, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "keep.txt").write_text("mine")
    with pytest.raises(ParameterError, match="not a toolkit store"):
        tk.load(exports, cache=mine, tz="UTC")
    assert (mine / "keep.txt").read_text() == "mine"


def test_a_cache_that_cannot_be_written_warns_and_the_load_goes_on(exports, tmp_path):
    (tmp_path / "afile").write_text("in the way")
    with pytest.warns(UserWarning, match="could not be written"):
        ds = tk.load(exports, cache=tmp_path / "afile" / "cache", tz="Europe/Berlin", progress=False)
    assert len(ds.posts)


def test_missing_parent_folders_of_the_cache_are_created(exports, tmp_path):
    ds = tk.load(exports, cache=tmp_path / "a" / "b" / "cache", tz="Europe/Berlin", progress=False)
    assert_frame = pd.testing.assert_frame_equal
    assert_frame(tk.load(tmp_path / "a" / "b" / "cache").posts, ds.posts)


def _report(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "toolkit", "report", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=600)


def test_cli_report_writes_then_reads_the_cache_and_prints_both_times(exports, tmp_path):
    args = [str(exports), "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "cache"), "--only", "01-",
            "--salt", "s"]
    first = _report(*args)
    assert first.returncode == 0, first.stderr
    assert "cache: parsed the exports in" in first.stderr and "wrote the store" in first.stderr
    page = (tmp_path / "out" / "01-what-is-in-my-data.html").read_text(encoding="utf-8")
    second = _report(*args)
    assert second.returncode == 0, second.stderr
    line = next(ln for ln in second.stderr.splitlines() if ln.startswith("cache:"))
    assert "read the store" in line and "instead of parsing" in line and "parsing them took" in line
    again = (tmp_path / "out" / "01-what-is-in-my-data.html").read_text(encoding="utf-8")
    # the same page from the store (the ids pandas' styler and nbconvert draw at random aside)
    norm = (lambda html: __import__("re").sub(r"T_[0-9a-f]{5}|cell-id=[0-9a-f]+|[0-9a-f]{8}-[0-9a-f-]{27}", "",
                                              html))
    assert norm(again) == norm(page)
    (exports / "facebook" / "Jul-01-2026_Jul-31-2026_5.csv").unlink()
    third = _report(*args)
    assert third.returncode == 0 and "cache: parsed the exports" in third.stderr and "removed" in third.stderr


def test_cli_refuses_a_cache_inside_the_output_folder(exports, tmp_path):
    proc = _report(str(exports), "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "out" / "cache"))
    assert proc.returncode == 2 and "inside the output folder" in proc.stderr
