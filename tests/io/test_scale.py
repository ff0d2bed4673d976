"""Large-file shortcuts of the loaders give exactly what the plain code gives (issue #14.1)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from tqdm import tqdm

import toolkit as tk
from toolkit.io._base import parse_datetime
from toolkit.io._locale import DE, EN, count, number

# Cells as exports hold them: repeated counts, NA tokens, blanks, both number styles, junk.
_NUMBERS = ["0", "1", "12", "12,400", "1.234", "1.234,5", "3,5", "3.5", " 7 ", "-5", "N/A", "", "-", "inf",
            "6,14 %", "6.14%", "424.0", "99999999999999999999999", "abc", None]
_TIMES = ["03/31/2024 18:00", "2024-03-31T18:00:00+02:00", "2024-03-31", "31.03.2024 18:00", "2024",
          "2024-03-31 02:30", "", "N/A", "not a date", "0024-01-01", None]


def _column(cells, n=5000, seed=3):
    rng = np.random.default_rng(seed)
    return pd.Series(rng.choice(np.array(cells, dtype=object), n), dtype="string", index=np.arange(n) * 2)


def _same(a, b):
    for x, y in zip(a if isinstance(a, tuple) else (a,), b if isinstance(b, tuple) else (b,)):
        pd.testing.assert_series_equal(x, y)


@pytest.mark.parametrize("style", [EN, DE])
def test_numbers_parsed_per_distinct_value_equal_cell_by_cell(style):
    s = _column(_NUMBERS)
    _same(count(s, style), count.__wrapped__(s, style))
    _same(count(s, style, negative=True), count.__wrapped__(s, style, negative=True))
    _same(number(s, style), number.__wrapped__(s, style))


@pytest.mark.parametrize("tz", ["UTC", "Europe/Berlin"])
def test_times_parsed_per_distinct_value_equal_cell_by_cell(tz):
    s = _column(_TIMES)
    kw = {"tz": tz, "formats": ("%m/%d/%Y %H:%M", None, "%d.%m.%Y %H:%M")}
    got, want = parse_datetime(s, **kw), parse_datetime.__wrapped__(s, **kw)
    _same(got, want)
    assert got[0].notna().sum() > 1000 and got[2].sum() > 100  # the column held good and bad cells


def _threads_file(path, n, videos=3):
    items = [{"kind": "youtube#commentThread", "id": f"T{i}",
              "snippet": {"channelId": "UCowner", "videoId": f"video{i % videos:06d}",
                          "topLevelComment": {"kind": "youtube#comment", "id": f"T{i}", "snippet": {
                              "videoId": f"video{i % videos:06d}", "textOriginal": f"comment {i}",
                              "authorDisplayName": f"@user{i % 7}", "likeCount": i % 4,
                              "publishedAt": f"2026-09-{1 + i % 28:02d}T10:00:00Z"}}}} for i in range(n)]
    path.write_text(json.dumps({"kind": "youtube#commentThreadListResponse", "items": items}), encoding="utf-8")
    return path


def test_repeated_ids_are_stored_once_with_the_same_values(tmp_path):
    # Python-backed strings (pandas without pyarrow) hold one object per cell unless shared
    with pd.option_context("mode.string_storage", "python"):
        ds = tk.load(_threads_file(tmp_path / "threads.json", 3000))
    c = ds.comments
    assert len(c) == 3000 and c["post_id"].nunique() == 3
    # equal video ids and authors are one object each (memory of 3 strings, not 3,000) ...
    for col, distinct in (("post_id", 3), ("author", 7)):
        assert len({id(v) for v in c[col].array._ndarray}) == distinct
    assert len({id(v) for v in c["comment_id"].array._ndarray}) == 3000  # unique ids are left alone
    # ... and the table is the one the loader read, value for value and dtype for dtype
    assert str(c["post_id"].dtype) == "string"
    assert c["post_id"].tolist() == [f"video{i % 3:06d}" for i in range(3000)]
    assert c["author"].tolist() == [f"@user{i % 7}" for i in range(3000)]


def test_progress_names_each_file_and_counts_all_bytes(tmp_path, capsys):
    for k in range(2):
        _threads_file(tmp_path / f"threads_{k}.json", 50)
    tk.load(tmp_path, progress=True)
    err = capsys.readouterr().err
    assert "file 1/2: " in err and "file 2/2: " in err and "threads_1.json" in err
    total = sum(p.stat().st_size for p in tmp_path.iterdir())
    done = tqdm.format_sizeof(total, divisor=1024)  # the bar counts the bytes of every file
    assert "100%" in err and f"{done}/{done}" in err
