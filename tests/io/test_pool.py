"""The Arrow memory pool load() parses with (toolkit/io/_pool.py)."""

import pandas as pd
import pytest

import toolkit as tk
from toolkit.io._pool import parsing_pool

pa = pytest.importorskip("pyarrow")

try:
    pa.jemalloc_memory_pool()
    HAS_JEMALLOC = True
except NotImplementedError:
    HAS_JEMALLOC = False


@pytest.fixture
def no_pool_env(monkeypatch):
    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)


def _csv(tmp_path, rows=20_000):
    """A canonical posts CSV large enough for the Arrow reader (the fast path)."""
    lines = ["platform,account,post_id,published_at,text,likes"]
    lines += [f"instagram,acct{i % 7},p{i},2024-03-{1 + i % 28:02d}T10:00:00+00:00,Post number {i},{i % 50}"
              for i in range(rows)]
    path = tmp_path / "posts.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.skipif(not HAS_JEMALLOC, reason="this pyarrow has no jemalloc")
def test_jemalloc_inside_and_the_old_pool_back_after(no_pool_env):
    before = pa.default_memory_pool().backend_name
    with parsing_pool() as pool:
        assert pool is not None
        assert pa.default_memory_pool().backend_name == "jemalloc"
        with parsing_pool():  # nested: still jemalloc, and the outer block puts the old pool back
            assert pa.default_memory_pool().backend_name == "jemalloc"
        assert pa.default_memory_pool().backend_name == "jemalloc"
    assert pa.default_memory_pool().backend_name == before


@pytest.mark.skipif(not HAS_JEMALLOC, reason="this pyarrow has no jemalloc")
def test_old_pool_back_after_an_error(no_pool_env):
    before = pa.default_memory_pool().backend_name
    with pytest.raises(RuntimeError):
        with parsing_pool():
            raise RuntimeError("boom")
    assert pa.default_memory_pool().backend_name == before


def test_the_users_choice_is_left_alone(monkeypatch):
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "system")
    before = pa.default_memory_pool().backend_name
    with parsing_pool() as pool:
        assert pool is None
        assert pa.default_memory_pool().backend_name == before


@pytest.mark.skipif(not HAS_JEMALLOC, reason="this pyarrow has no jemalloc")
def test_load_parses_with_jemalloc_and_its_tables_outlive_the_pool(tmp_path, no_pool_env, monkeypatch):
    _csv(tmp_path)
    before = pa.default_memory_pool().backend_name
    ds = tk.load(tmp_path, tz="UTC", progress=False)
    assert pa.default_memory_pool().backend_name == before
    with pytest.raises(tk.errors.InputFileError):  # an error inside load() puts the pool back too
        tk.load(tmp_path / "missing.csv", progress=False)
    assert pa.default_memory_pool().backend_name == before
    # the Arrow-backed columns made while jemalloc was the pool are whole after the switch back
    posts = ds.posts
    assert len(posts) == 20_000
    assert posts["text"].iloc[-1] == "Post number 19999"
    assert posts["likes"].sum() == sum(i % 50 for i in range(20_000))
    # the same table as a load that leaves the pool alone (the user's choice of pool is respected)
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", before)
    pd.testing.assert_frame_equal(posts, tk.load(tmp_path, tz="UTC", progress=False).posts)
