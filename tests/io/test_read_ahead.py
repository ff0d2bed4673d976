"""load() reads and parses the next file in a worker thread while it checks this one (_looking_ahead
in toolkit/io/_core.py, parse_ahead in toolkit/io/_base.py): the same tables, load report, rejected
rows and notes as without it."""

from __future__ import annotations

import threading
import warnings
from pathlib import Path

import pandas as pd
import pytest

import toolkit as tk
from toolkit.io import _base, _core, _report_download
from toolkit.io._base import Source, read_source_records

FIX = Path(__file__).parent.parent / "fixtures" / "io"
SAMPLES = Path(__file__).parent.parent.parent / "data" / "samples"


def _load(path, monkeypatch, *, ahead: bool, **kw):
    """tk.load with every CSV read ahead (and the fast path on any size), or none."""
    monkeypatch.setattr(_base, "FAST_MIN_CHARS", 64)
    monkeypatch.setattr(_core, "READ_AHEAD", True)  # whatever the machine's load
    monkeypatch.setattr(_base, "AHEAD_MIN_BYTES", 0 if ahead else 1 << 62)
    monkeypatch.setattr(_report_download, "AHEAD_MIN_BYTES", 0 if ahead else 1 << 62)
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


def test_a_parse_made_ahead_is_taken_once(monkeypatch):
    monkeypatch.setattr(_base, "FAST_MIN_CHARS", 64)
    monkeypatch.setattr(_base, "AHEAD_MIN_BYTES", 0)
    src = Source("posts.csv", _posts_csv(2000).encode("utf-8"))
    _base.parse_ahead(src)
    made = src.__dict__["_ahead"][0]
    recs = read_source_records(src)
    assert recs is made  # taken, not parsed again
    assert "_ahead" not in src.__dict__  # a second read parses again, to the same records
    again = read_source_records(src)
    assert again is not made
    pd.testing.assert_frame_equal(recs.frame, again.frame)
    assert recs.lines.tolist() == again.lines.tolist()
    assert src.encoding == "utf-8"


def test_other_arguments_parse_in_the_main_thread(monkeypatch):
    monkeypatch.setattr(_base, "FAST_MIN_CHARS", 64)
    monkeypatch.setattr(_base, "AHEAD_MIN_BYTES", 0)
    text = "Report title\n" + _posts_csv(2000).replace(",", ";")
    src = Source("report.csv", text.encode("utf-8"))
    _base.parse_ahead(src)
    recs = read_source_records(src, delimiter=";", skip_lines=1)
    assert recs.header[:3] == ["platform", "account", "post_id"]
    assert recs.header_line == 2 and len(recs.frame) == 2000


def _folder(tmp_path):
    for name in ("a.csv", "b.json", "c.csv", "d.csv"):
        (tmp_path / name).write_text(_posts_csv(50) if name.endswith(".csv") else "{}", encoding="utf-8")
    entries = _core._entries([tmp_path])
    return entries, [_core._size(f) for f, _ in entries]


def _shape(events):
    return [(e[0], e[1], e[2], getattr(e[3], "name", e[3])) for e in events]


def test_looking_ahead_keeps_the_order_reads_in_the_worker_and_parses_each_csv_once(tmp_path, monkeypatch):
    monkeypatch.setattr(_base, "AHEAD_MIN_BYTES", 0)
    entries, sizes = _folder(tmp_path)
    parsed = []
    real = _base._fast_source_records

    def spy(source, *args):  # a real parse, remembering the file and the thread
        parsed.append((source.basename, threading.current_thread().name))
        return real(source, *args)
    monkeypatch.setattr(_base, "_fast_source_records", spy)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1, thread_name_prefix="ahead") as pool:
        got = list(_core._looking_ahead(_core._events(entries, sizes), pool.submit))
    assert _shape(got) == _shape(_core._events(entries, sizes))
    assert [name for name, _ in parsed] == ["a.csv", "c.csv", "d.csv"]  # JSON is never parsed ahead
    assert all(thread.startswith("ahead") for _, thread in parsed)
    assert all("_ahead" in e[3].__dict__ for e in got if e[0] == "item" and e[3].suffix == ".csv")


def test_an_error_while_reading_ahead_comes_after_the_events_before_it(tmp_path):
    entries, sizes = _folder(tmp_path)

    def events():
        yield from list(_core._events(entries, sizes))[:3]
        raise OSError("disk gone")
    from concurrent.futures import ThreadPoolExecutor

    seen = []
    with ThreadPoolExecutor(1) as pool, pytest.raises(OSError, match="disk gone"):
        for ev in _core._looking_ahead(events(), pool.submit):
            seen.append(ev)
    assert _shape(seen) == _shape(list(_core._events(entries, sizes))[:3])


def test_report_downloads_are_read_ahead_in_the_worker_with_their_notes(tmp_path, monkeypatch):
    """GA4/UA downloads: decoding, sections and records made by the worker (parse_sections_ahead)."""
    import shutil

    for sub in ("ua", "ga4"):
        for f in sorted((FIX / sub).glob("*.csv")):
            shutil.copy(f, tmp_path / f"{sub}_{f.name}")
    # a UTF-8 copy with one cp1252 byte in a cell: its decoding note is made by the worker and must
    # reach the load report
    data = sorted((FIX / "ua").glob("*.csv"))[0].read_bytes()
    at = data.rindex(b"\n/") + 2
    (tmp_path / "ua_zz_one_cp1252_byte.csv").write_bytes(data[:at] + b"\xfc" + data[at:])
    threads = []
    real = _report_download.read_csv_records

    def spy(*args, **kwargs):  # a real read, remembering the thread
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)
    monkeypatch.setattr(_report_download, "read_csv_records", spy)
    got = _load(tmp_path, monkeypatch, ahead=True, errors="reject")
    assert threads and all(t.startswith("toolkit-read-ahead") for t in threads)
    threads.clear()
    want = _load(tmp_path, monkeypatch, ahead=False, errors="reject")
    assert threads and not any(t.startswith("toolkit-read-ahead") for t in threads)
    _same(got, want)
    assert len(got.traffic) > 0
    assert got.load_report["notes"].str.contains("that are not UTF-8").any()


def test_read_ahead_only_when_a_core_is_free(monkeypatch):
    monkeypatch.delenv("TOOLKIT_READ_AHEAD", raising=False)
    monkeypatch.setattr(_core, "READ_AHEAD", None)
    big = [(Path(f"f{i}.csv"), 5 << 20) for i in range(3)]
    entries, sizes = big, [size for _, size in big]
    monkeypatch.setattr(_core.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(_core.os, "getloadavg", lambda: (1.9, 0.5, 0.5))
    assert _core._read_ahead_now(entries, sizes)  # two cores, this load() and a little more
    assert not _core._read_ahead_now(entries[:1], sizes[:1])  # one file: nothing to read ahead
    monkeypatch.setattr(_core.os, "getloadavg", lambda: (2.6, 3.0, 2.0))
    assert not _core._read_ahead_now(entries, sizes)  # both busy: the worker would only compete for a core and the GIL
    monkeypatch.setattr(_core.os, "sched_getaffinity", lambda pid: {0}, raising=False)
    monkeypatch.setattr(_core.os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    assert not _core._read_ahead_now(entries, sizes)  # one core
    monkeypatch.setenv("TOOLKIT_READ_AHEAD", "on")
    assert _core._read_ahead_now(entries, sizes)
    monkeypatch.setenv("TOOLKIT_READ_AHEAD", "off")
    monkeypatch.setattr(_core.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    assert not _core._read_ahead_now(entries, sizes)
    monkeypatch.setattr(_core, "READ_AHEAD", True)
    assert _core._read_ahead_now(entries, sizes)


def test_without_read_ahead_nothing_runs_in_the_worker(tmp_path, monkeypatch):
    for name in ("a.csv", "b.csv"):
        (tmp_path / name).write_text(_posts_csv(3000), encoding="utf-8")
    monkeypatch.setattr(_core, "READ_AHEAD", False)
    threads = []
    real = _base._fast_source_records

    def spy(source, *args):
        threads.append(threading.current_thread().name)
        return real(source, *args)
    monkeypatch.setattr(_base, "_fast_source_records", spy)
    monkeypatch.setattr(_base, "FAST_MIN_CHARS", 64)
    monkeypatch.setattr(_base, "AHEAD_MIN_BYTES", 0)
    ds = tk.load(tmp_path, tz="UTC", progress=False)
    assert len(ds.posts) == 3000 and threads and threading.main_thread().name in threads
    assert not any(t.startswith("toolkit-read-ahead") for t in threads)


def test_reading_ahead_is_for_folders_with_something_to_parse(tmp_path):
    small = [(tmp_path / f"s{i}.csv", 10_000) for i in range(5)]
    assert not _core._worth_reading_ahead(small, [size for _, size in small])
    assert _core._worth_reading_ahead([*small, (tmp_path / "big.csv", 70_000)], [10_000] * 5 + [70_000])
    zips = [(tmp_path / f"z{i}.zip", 300_000) for i in range(10)]  # a channel's YouTube Studio zips
    assert not _core._worth_reading_ahead(zips, [300_000] * 10)
    assert _core._worth_reading_ahead(zips + [(tmp_path / "dl.zip", 5 << 20)], [300_000] * 10 + [5 << 20])
    assert not _core._worth_reading_ahead([(tmp_path / "one.csv", 50 << 20)], [50 << 20])  # nothing after it
