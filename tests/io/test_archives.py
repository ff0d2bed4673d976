"""Zip files as downloaded: members read in memory, limits, path traversal names, nesting."""

import io
import os
import zipfile
from pathlib import Path

import pytest

import toolkit as tk
import toolkit.io
from toolkit.errors import InputFileError

FIX = Path(__file__).parent.parent / "fixtures" / "io"
FB = FIX / "meta" / "Mar-01-2024_Mar-31-2024_1012345.csv"


def _zip(path, members):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_committed_download_zip():
    ds = tk.load(FIX / "archives" / "meta_download.zip", tz="Europe/Berlin")
    assert len(ds.posts) == 3 + 3  # Business Suite CSV + archive JSON posts
    assert len(ds.comments) == 2
    assert set(ds.load_report.file.str.split("!").str[0]) == {"meta_download.zip"}


def test_path_traversal_member_loads_without_writing(tmp_path):
    z = _zip(tmp_path / "evil.zip", {"../../evil.csv": FB.read_bytes()})
    work = tmp_path / "work"
    work.mkdir()
    before = sorted(p for p in tmp_path.rglob("*"))
    cwd = os.getcwd()
    os.chdir(work)
    try:
        ds = tk.load(z, tz="Europe/Berlin")
    finally:
        os.chdir(cwd)
    assert len(ds.posts) == 3
    assert ds.posts.source_file.iloc[0] == "evil.zip!../../evil.csv"
    assert sorted(p for p in tmp_path.rglob("*")) == before  # nothing extracted anywhere
    assert not (tmp_path.parent / "evil.csv").exists()


def test_zip_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    z = _zip(tmp_path / "bomb.zip", {"a.csv": b"0" * 200_000, "b.csv": b"0" * 200_000})
    assert z.stat().st_size < 5_000  # compresses very well, like a zip bomb
    monkeypatch.setitem(toolkit.io.LIMITS, "max_total_bytes", 300_000)
    with pytest.raises(InputFileError, match="possible zip bomb"):
        tk.load(z)


def test_zip_with_too_many_members_is_refused(tmp_path, monkeypatch):
    z = _zip(tmp_path / "many.zip", {f"f{i}.csv": b"x" for i in range(6)})
    monkeypatch.setitem(toolkit.io.LIMITS, "max_members", 5)
    with pytest.raises(InputFileError, match=r"6 members, more than the limit of 5 \(toolkit.io.LIMITS\['max_members'\]"):
        tk.load(z)


def test_member_over_the_member_limit_is_refused(tmp_path, monkeypatch):
    z = _zip(tmp_path / "big.zip", {"big.csv": FB.read_bytes()})
    monkeypatch.setitem(toolkit.io.LIMITS, "max_file_bytes", 100)
    with pytest.raises(InputFileError, match=r"big.zip!big.csv: the member would unpack to 1,374 bytes, more than "
                                             r"the limit of 100 bytes \(toolkit.io.LIMITS\['max_file_bytes'\]\)"):
        tk.load(z, tz="UTC")


def test_nested_zip(tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("posts/Mar.csv", FB.read_bytes())
    z = _zip(tmp_path / "outer.zip", {"part1/inner.zip": inner.getvalue(), "readme.txt": b"hi"})
    ds = tk.load(z, tz="Europe/Berlin")
    assert len(ds.posts) == 3
    assert ds.posts.source_file.iloc[0] == "outer.zip!part1/inner.zip!posts/Mar.csv"


def test_nested_zip_over_the_limit_is_refused(tmp_path, monkeypatch):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.csv", b"0" * 500_000)
    z = _zip(tmp_path / "outer.zip", {"inner.zip": inner.getvalue()})
    monkeypatch.setitem(toolkit.io.LIMITS, "max_total_bytes", 100_000)
    with pytest.raises(InputFileError, match="possible zip bomb"):
        tk.load(z)


def test_broken_zip(tmp_path):
    z = tmp_path / "cut.zip"
    z.write_bytes(_zip(tmp_path / "ok.zip", {"a.csv": FB.read_bytes()}).read_bytes()[:100])
    with pytest.raises(InputFileError, match="cannot open the archive"):
        tk.load(z)
