"""The shortcuts of toolkit/io/tiktok.py's content reader give what the code they stand in for gives
(issue #14.1): on tricky cells, and on whole files with the shortcuts switched off."""

from __future__ import annotations

import pandas as pd
import pytest

import toolkit as tk
import toolkit.io.tiktok as tt

from ._util import assert_same_answer, load_or_error

LINKS = [
    ["https://www.tiktok.com/@acct0/video/7300000000000000000", "https://www.tiktok.com/@a.b_c/video/1"],
    ["https://www.tiktok.com/@grüße/video/12", "https://www.tiktok.com/@a/video/3"],
    ["https://www.tiktok.com/@/video/1"], ["https://www.tiktok.com/@a/video/"], ["https://www.tiktok.com/@a/video/1?x=1"],
    ["https://www.tiktok.com/@a?b/video/1"], ["https://www.tiktok.com/@a/b/video/1"], ["https://www.tiktok.com/@a/video/1/"],
    ["https://www.tiktok.com/@a/video/12a"], ["https://www.tiktok.com/@a/video/١٢"], ["https://www.tiktok.com/@a\nb/video/1"],
    ["https://www.tiktok.com/@a/video/1\n"], ["http://www.tiktok.com/@a/video/1"], ["https://tiktok.com/@a/video/1"],
    ["https://www.tiktok.com/@video/video/5"], ["https://www.tiktok.com/@a/video/video/5"], ["", "https://www.tiktok.com/@a/video/1"],
    ["https://www.tiktok.com/@a/video/1", None], ["https://www.tiktok.com/@a /video/1"], ["https://www.tiktok.com/@a/photo/1"],
    ["https://www.tiktok.com/@a/video/1 "], ["https://www.tiktok.com/@a//video/1"]]


@pytest.mark.parametrize("links", LINKS)
def test_studio_link_parts_equal_extract(links):
    from toolkit.io._base import extract

    for s in (pd.Series(links * 3, dtype="string", index=range(4, 4 + 3 * len(links))),
              pd.concat([pd.Series(links, dtype="string")] * 2, ignore_index=True)):  # (two chunks)
        parts = tt._studio_link_parts(s)
        want = (extract(s.fillna(""), r"/video/(\d+)")[0].astype("string"),
                extract(s.fillna(""), r"tiktok\.com/@([^/?]+)")[0].astype("string"))
        if parts is not None:
            assert want[0].notna().all()  # (taken only where every link is Studio's own)
            for got, w in zip(parts, want):
                pd.testing.assert_series_equal(got, w)
        got = tt._video_ids_and_accounts(s.fillna(""))
        for g, w in zip(got, want):
            pd.testing.assert_series_equal(g, w)


@pytest.mark.parametrize("cells", [["abc", "x/y?z=1"], ["a b"], ["a\tb"], [" a"], ["a\u00a0"], ["é"], ["a", None], [""],
                                   ["~!"], ["\x7f"]])
def test_ascii_visible_only_where_fill_and_strip_change_nothing(cells):
    for dtype in ("string", "str", object):
        s = pd.Series(cells, dtype=dtype)
        if tt._ascii_visible(s):
            pd.testing.assert_series_equal(s.fillna("").str.strip(), s)
        if tt._no_blank(s):
            pd.testing.assert_series_equal(s.where(s != "", pd.NA), s)
    assert tt._ascii_visible(pd.Series(["abc", "x/y?z=1"], dtype="string"))
    assert not tt._no_blank(pd.Series(["abc", ""], dtype="string"))


def _content_csv(rows: int, odd: dict[str, str]) -> str:
    header = ["Video title", "Video link", "Post time", "Total likes", "Total comments", "Total shares", "Total views",
              "Add to favorites"]
    lines = [",".join(header)]
    for i in range(rows):
        row = [f'"Video {i}, #tag"', f"https://www.tiktok.com/@acct{i % 3}/video/{7300000000000000000 + i}",
               f"2025-05-{1 + i % 28:02d} 16:{i % 60:02d}:00", str(i % 1000), str(i % 9), str(i % 4), str(i * 13),
               str(i % 50)]
        if i == 5:
            row = ['"' + odd[h] + '"' if h in odd else v for h, v in zip(header, row)]
        lines.append(",".join(row))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("odd", [{}, {"Total views": ""}, {"Total likes": "12.0"}, {"Total likes": "1.234"},
                                 {"Total shares": "1,234"}, {"Total views": "-3"}, {"Total likes": "١٢"},
                                 {"Video link": "https://www.tiktok.com/@a/video/1?lang=de"}, {"Video link": " x "},
                                 {"Video link": ""}, {"Post time": "20.05.2025 16:00"}, {"Post time": "05/20/2025 16:00"}])
@pytest.mark.parametrize("errors", ["raise", "reject"])
def test_content_file_loads_as_with_the_general_path(tmp_path, monkeypatch, odd, errors):
    """Whole files (fast CSV reader): the same tables, notes, rejects and errors with the shortcuts and without."""
    f = tmp_path / "tiktok_content.csv"
    f.write_text(_content_csv(2000, odd), encoding="utf-8")

    def load():
        return load_or_error(f, errors=errors, tz="Europe/Berlin")

    fast = load()
    for name, off in (("_plain_counts", None), ("_studio_link_parts", None), ("_ascii_visible", False),
                      ("_no_blank", False)):
        monkeypatch.setattr(tt, name, lambda *args, off=off: off)
    general = load()
    assert_same_answer(fast, general)


def test_shortcuts_are_taken_on_studios_own_file(tmp_path, monkeypatch):
    f = tmp_path / "tiktok_content.csv"
    f.write_text(_content_csv(2000, {}), encoding="utf-8")
    answers = {}
    for name in ("_plain_counts", "_studio_link_parts", "_ascii_visible", "_no_blank"):
        real = getattr(tt, name)
        monkeypatch.setattr(tt, name, lambda *args, real=real, name=name: answers.setdefault(name, real(*args)))
    tk.load(f, progress=False, tz="UTC")
    assert answers["_plain_counts"] is not None and answers["_studio_link_parts"] is not None
    assert answers["_ascii_visible"] is True and answers["_no_blank"] is True
