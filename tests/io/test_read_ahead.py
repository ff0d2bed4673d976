"""load() parses the next CSV file in a background thread while it checks this one (read_ahead in
toolkit/io/_base.py): the same tables, load report, rejected rows and notes as without it."""

from __future__ import annotations

import threading
import warnings
from pathlib import Path

import pandas as pd
import pytest

import toolkit as tk
from toolkit.io import _base, _core
from toolkit.io._base import Source, read_source_records

FIX = Path(__file__).parent.parent / "fixtures" / "io"
SAMPLES = Path(__file__).parent.parent.parent / "data" / "samples"


def _load(path, monkeypatch, *, ahead: bool, **kw):
    """tk.load with every CSV read ahead (and the fast path on any size), or none."""
    monkeypatch.setattr(_base, "FAST_MIN_CHARS", 64)
    monkeypatch.setattr(_base, "AHEAD_MIN_BYTES", 0 if ahead else 1 << 62)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return tk.load(path, tz="UTC", progress=False, **kw)


def _same(a, b):
    for name, table in a.tables.items():
        pd.testing.assert_frame_equal(table, b.tables[name], obj=name)
    pd.testing.assert_frame_equal(a.load_report, b.load_report, obj="load_report")
    pd.testing.assert_frame_equal(a.rejected, b.rejected, obj="rejected")


@pytest.mark.parametrize("errors", ["reject", "raise"])
@pytest.mark.parametrize("folder", [FIX, SAMPLES], ids=["fixtures", "samples"])
def test_every_fixture_and_sample_reads_the_same_ahead(folder, errors, monkeypatch):
    # every platform's files, odd encodings, ragged rows, Meta's report with a title line (read
    # with other arguments, so the parse done ahead is not taken), JSON and archives in between
    _same(_load(folder, monkeypatch, ahead=True, errors=errors), _load(folder, monkeypatch, ahead=False, errors=errors))


def _posts_csv(n: int, start: int = 0, *, header: str = "platform,account,post_id,published_at,text,likes") -> str:
    rows = [f"instagram,acct{i % 5},p{i},2024-05-{1 + i % 28:02d}T08:{i % 60:02d}:00+00:00,"
            f"\"Post {i}, with a comma\",{i % 40}" for i in range(start, start + n)]
    return header + "\n" + "\n".join(rows) + "\n"


def test_notes_and_rejected_rows_of_a_file_read_ahead_are_kept(tmp_path, monkeypatch):
    (tmp_path / "a.csv").write_text(_posts_csv(3000), encoding="utf-8")
    # read ahead: a repeated column (a note made while parsing), a blank unnamed column, a ragged
    # row (the careful path reads it), a cp1252 file (not UTF-8: the main thread decodes it)
    lines = _posts_csv(3000, 3000).splitlines()
    lines = [lines[0] + ",text,"] + [ln + f',"copy {i}",' for i, ln in enumerate(lines[1:])]
    (tmp_path / "b.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    ragged = _posts_csv(3000, 6000).splitlines()
    ragged[10] += ",extra,cells"
    (tmp_path / "c.csv").write_text("\n".join(ragged) + "\n", encoding="utf-8")
    (tmp_path / "d.csv").write_bytes(_posts_csv(3000, 9000).replace("Post", "Beitrag für").encode("cp1252"))
    got = _load(tmp_path, monkeypatch, ahead=True, errors="reject")
    _same(got, _load(tmp_path, monkeypatch, ahead=False, errors="reject"))
    notes = got.load_report.set_index("file")["notes"]
    assert "both named 'text'" in notes[f"{tmp_path.name}/b.csv"]
    assert "without a name" in notes[f"{tmp_path.name}/b.csv"]
    assert (got.rejected["line"] == 11).any()
    assert got.posts["text"].str.contains("Beitrag für").sum() == 3000
    assert len(got.posts) == 11_999


def test_the_parse_runs_in_the_background_and_is_taken_once(tmp_path, monkeypatch):
    monkeypatch.setattr(_base, "FAST_MIN_CHARS", 64)
    src = Source("posts.csv", _posts_csv(2000).encode("utf-8"))
    threads = []
    real = _base._ahead_parse

    def parse(shadow):  # a real parse, recording the thread it runs in
        threads.append(threading.current_thread().name)
        return real(shadow)
    monkeypatch.setattr(_base, "_ahead_parse", parse)
    monkeypatch.setattr(_base, "AHEAD_MIN_BYTES", 0)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1, thread_name_prefix="ahead") as pool:
        _base.read_ahead(src, pool.submit)
        recs = read_source_records(src)
    assert threads and threads[0].startswith("ahead")
    assert "_ahead" not in src.__dict__  # taken: a second read parses again, to the same records
    again = read_source_records(src)
    pd.testing.assert_frame_equal(recs.frame, again.frame)
    assert recs.lines.tolist() == again.lines.tolist()
    assert src.encoding == "utf-8"


def test_other_arguments_parse_in_the_main_thread(monkeypatch):
    monkeypatch.setattr(_base, "FAST_MIN_CHARS", 64)
    monkeypatch.setattr(_base, "AHEAD_MIN_BYTES", 0)
    text = "Report title\n" + _posts_csv(2000).replace(",", ";")
    src = Source("report.csv", text.encode("utf-8"))
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        _base.read_ahead(src, pool.submit)
        recs = read_source_records(src, delimiter=";", skip_lines=1)
    assert recs.header[:3] == ["platform", "account", "post_id"]
    assert recs.header_line == 2 and len(recs.frame) == 2000


def test_looking_ahead_keeps_the_order_and_starts_each_next_csv_once(tmp_path, monkeypatch):
    monkeypatch.setattr(_base, "AHEAD_MIN_BYTES", 0)
    for name in ("a.csv", "b.json", "c.csv", "d.csv"):
        (tmp_path / name).write_text(_posts_csv(50) if name.endswith(".csv") else "{}", encoding="utf-8")
    entries = _core._entries([tmp_path])
    sizes = [_core._size(f) for f, _ in entries]
    started = []

    def submit(fn, *args):  # run at once, remembering which file
        started.append(args[-1].basename)
        from concurrent.futures import Future

        fut = Future()
        fut.set_result(fn(*args))
        return fut
    def shape(events):
        return [(e[0], e[1], e[2], getattr(e[3], "name", e[3])) for e in events]
    assert shape(_core._looking_ahead(_core._events(entries, sizes), submit)) == shape(_core._events(entries, sizes))
    assert started == ["c.csv", "d.csv"]  # a.csv is read first, in the main thread; JSON is never read ahead
