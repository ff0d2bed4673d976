"""Zip files as downloaded: members read in memory, limits, path traversal names, nesting."""

import io
import os
import shutil
import warnings
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
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a readme is not a broken export: listed, not warned about
        ds = tk.load(z, tz="Europe/Berlin")
    assert len(ds.posts) == 3
    assert ds.posts.source_file.iloc[0] == "outer.zip!part1/inner.zip!posts/Mar.csv"
    rep = ds.load_report.set_index("file")
    assert rep.loc["outer.zip!readme.txt", "format"] == "unrecognised"


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


# --- damaged, encrypted, empty, nested and lying archives (issue #18.2, #18.3) -------------------------

BAD = Path(__file__).parent.parent / "fixtures" / "core" / "bad"


def _nested(levels: int, payload: bytes) -> bytes:
    data, name = payload, "Mar.csv"
    for i in range(levels):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr(name, data)
        data, name = buf.getvalue(), f"level{levels - i}.zip"
    return data


def test_a_zip_nested_three_deep_is_reported_and_two_deep_loads(tmp_path):
    (tmp_path / "two.zip").write_bytes(_nested(2, FB.read_bytes()))
    assert len(tk.load(tmp_path / "two.zip", tz="UTC").posts) == 3
    (tmp_path / "three.zip").write_bytes(_nested(3, FB.read_bytes()))
    with pytest.raises(InputFileError, match=r"three.zip!level2.zip!level3.zip: an archive inside 2 archive\(s\), "
                                             r"deeper than toolkit.io.LIMITS\['max_depth'\] = 2"):
        tk.load(tmp_path / "three.zip")


def test_an_encrypted_member_says_so(tmp_path):
    with pytest.raises(InputFileError, match=r"encrypted.zip!Mar-01-2024_Mar-31-2024_1012345.csv: the member is "
                                             r"encrypted \(password-protected\). Unpack the archive"):
        tk.load(BAD / "encrypted.zip")


def test_an_empty_zip_says_so(tmp_path):
    z = _zip(tmp_path / "empty.zip", {})
    with pytest.raises(InputFileError, match=r"empty.zip: the archive is empty"):
        tk.load(z)


def test_a_damaged_member_costs_only_itself(tmp_path):
    z = _zip(tmp_path / "dl.zip", {"a/Mar.csv": FB.read_bytes(), "b/Feb.csv": FB.read_bytes().replace(b"1827", b"2827")})
    raw = bytearray(z.read_bytes())
    i = raw.index(b"b/Feb.csv") + len(b"b/Feb.csv") + 20  # inside the second member's compressed data
    raw[i] ^= 0xFF
    z.write_bytes(bytes(raw))
    with pytest.warns(UserWarning, match=r"1 of 2 file\(s\) could not be read.*dl.zip!b/Feb.csv"):
        ds = tk.load(z, tz="UTC")
    assert len(ds.posts) == 3
    assert ds.unreadable.notes.iloc[0].startswith("dl.zip!b/Feb.csv: cannot unpack this member")


def test_a_header_that_understates_the_size_cannot_smuggle_more_bytes(tmp_path):
    # The member really holds 2 MB; its local and central headers claim 1,000 bytes.
    z = _zip(tmp_path / "liar.zip", {"big.csv": b"platform,post_id,published_at\n" + b"x" * 2_000_000})
    raw = bytearray(z.read_bytes())
    info = zipfile.ZipFile(z).infolist()[0]
    for pos in (info.header_offset + 22, raw.rindex(b"PK\x01\x02") + 24):  # uncompressed size fields
        raw[pos:pos + 4] = (1000).to_bytes(4, "little")
    z.write_bytes(bytes(raw))
    with pytest.raises(InputFileError, match=r"liar.zip!big.csv: cannot unpack this member \(Bad CRC-32"):
        tk.load(z)


def test_a_tar_member_over_the_limit_is_refused_by_its_header(tmp_path, monkeypatch):
    import tarfile
    t = tmp_path / "arch.tar.gz"
    with tarfile.open(t, "w:gz") as tf:
        for name, data in {"outbox.csv": FB.read_bytes(), "big.csv": b"0" * 5000}.items():
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            tf.addfile(ti, io.BytesIO(data))
    monkeypatch.setitem(toolkit.io.LIMITS, "max_file_bytes", 4000)
    with pytest.warns(UserWarning, match="1 of 2 file"):
        ds = tk.load(t, tz="UTC")
    assert len(ds.posts) == 3
    assert ds.unreadable.notes.iloc[0].startswith("arch.tar.gz!big.csv: the member would unpack to 5,000 bytes, "
                                                  "more than the limit of 4,000 bytes")


def test_archive_messages_name_the_path_inside_the_loaded_folder(tmp_path):
    (tmp_path / "exports" / "2024").mkdir(parents=True)
    (tmp_path / "exports" / "2024" / "cut.zip").write_bytes(b"PK\x03\x04 cut short")
    shutil.copy(FB, tmp_path / "exports" / FB.name)
    with pytest.warns(UserWarning):
        ds = tk.load(tmp_path / "exports", tz="UTC")
    note = ds.unreadable.notes.iloc[0]
    assert note.startswith("exports/2024/cut.zip: cannot open the archive") and str(tmp_path) not in note
