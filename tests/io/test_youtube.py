"""Tests of toolkit/io/youtube.py on hand-written exports in tests/fixtures/io/youtube/."""

import json
from pathlib import Path

import pandas as pd
import pytest

from tests.io._util import assert_invariant, no_unreadable_rows_warning
import toolkit as tk
from toolkit.errors import ExportFormatError

FIX = Path(__file__).parent.parent / "fixtures" / "io" / "youtube"
STUDIO = FIX / "Content 2026-09-01_2026-09-30 Steinwerk Studio.zip"


def test_studio_zip_table_totals_chart():
    with no_unreadable_rows_warning():
        ds = tk.load(STUDIO, tz="Europe/Berlin")
    p = ds.posts.set_index("post_id")
    assert list(p.index) == ["dQw4w9WgXcQ", "-abcDEF1234"]  # leading space trimmed, Total row skipped
    a = p.loc["dQw4w9WgXcQ"]
    assert a.text == "Grüße aus München 🎉" and a.account == "Steinwerk Studio"
    assert a.date_only and a.published_at == pd.Timestamp("2026-09-19 22:00", tz="UTC")  # midnight CEST
    assert (a.views, a.impressions, a.duration_s, a.subscribers) == (1000, 15000, 212, 5)
    assert a.watch_time_hours == pytest.approx(40.2) and a.impressions_ctr_pct == pytest.approx(6.2)
    assert pd.isna(a.likes)
    b = p.loc["-abcDEF1234"]
    assert not b.date_only and b.published_at == pd.Timestamp("2026-09-21 11:18", tz="UTC")
    assert b.subscribers == -2 and pd.isna(b.impressions_ctr_pct) and b.text == "Tutorial, Teil 2"
    assert b.permalink == "https://www.youtube.com/watch?v=-abcDEF1234"
    rej = ds.rejected.set_index("table")
    assert rej.loc["posts", "reason"] == "totals row" and rej.loc["posts", "line"] == 2
    assert ds.daily.value.tolist() == [600, 900] and ds.daily.metric.eq("views").all()
    assert ds.daily.account.eq("Steinwerk Studio").all()
    assert set(ds.load_report.format) == {"youtube_studio_table", "youtube_studio_totals", "youtube_studio_chart"}
    assert_invariant(ds)


def test_studio_dst_conversion():
    with no_unreadable_rows_warning():
        ds = tk.load(FIX / "dst" / "Table data.csv", tz="Europe/Berlin")
    got = ds.posts.set_index("post_id").published_at
    assert got["AAAAAAAAAA1"] == pd.Timestamp("2024-03-30 17:00", tz="UTC")  # CET
    assert got["AAAAAAAAAA2"] == pd.Timestamp("2024-03-31 16:00", tz="UTC")  # CEST
    likes = ds.posts.set_index("post_id").likes
    assert likes["AAAAAAAAAA1"] == 0 and pd.isna(likes["AAAAAAAAAA2"])  # 0 reported vs blank


def test_studio_without_tz_warns_and_notes_utc():
    with pytest.warns(UserWarning) as got:
        ds = tk.load(FIX / "dst" / "Table data.csv")
    assert any("no time zone" in str(w.message) for w in got)
    assert ds.posts.published_at.iloc[0] == pd.Timestamp("2024-03-30 18:00", tz="UTC")
    assert "assumed UTC" in ds.load_report.notes.iloc[0]


def test_studio_missing_column():
    with pytest.raises(ExportFormatError, match=r"\['Video publish time'\] are missing.*found \['Content'"):
        tk.load(FIX / "missing_publish_time_column.csv")


def test_studio_bad_date_line_3():
    with pytest.raises(ExportFormatError, match=r"line 3, column 'Video publish time'.*'31.02.2026'"):
        tk.load(FIX / "bad_date_line_3.csv", tz="UTC")


def test_comment_threads():
    ds = tk.load(FIX / "comment_threads.json")
    c = ds.comments.set_index("comment_id")
    assert list(c.index) == ["UgxThread1", "UgxThread1.reply1", "UgxThread1.reply2", "UgxThread2"]
    top = c.loc["UgxThread1"]
    assert top.text == "Schöne Grüße & danke 👍" and top.likes == 21 and not top.is_owner
    assert pd.isna(top.parent_id) and top.post_id == "dQw4w9WgXcQ" and top.author == "@fan"
    assert top.published_at == pd.Timestamp("2026-09-20 10:36:55", tz="UTC")
    own = c.loc["UgxThread1.reply1"]
    assert own.is_owner and own.parent_id == "UgxThread1"
    # No textOriginal: textDisplay HTML turned into text.
    assert c.loc["UgxThread1.reply2"].text == "crash's at 0:45\nzweite Zeile"
    assert c.loc["UgxThread2"].post_id == "-abcDEF1234"
    assert_invariant(ds)


def test_comment_threads_bad_record():
    with pytest.raises(ExportFormatError, match="record 1"):
        tk.load(FIX / "bad_published_at_record_1.json")
    with pytest.warns(UserWarning, match="rejected 1 row"):
        ds = tk.load(FIX / "bad_published_at_record_1.json", errors="reject")
    assert len(ds.comments) == 3
    assert_invariant(ds)


def test_studio_zip_resaved_by_german_excel():
    ds = tk.load(FIX / "resaved", tz="Europe/Berlin")
    p = ds.posts.set_index("post_id")
    assert sorted(p.index) == ["-xY9zW8vU7t", "aB3dE5fG7hI"]  # leading space trimmed, Total row skipped
    a = p.loc["aB3dE5fG7hI"]
    assert a.published_at == pd.Timestamp("2024-03-31 16:00", tz="UTC")  # 31.03.2024 18:00 Berlin
    assert (a.views, a.impressions, a.duration_s, a.avg_view_duration_s) == (2500, 40000, 754, 131)
    assert a.watch_time_hours == 301.25 and a.impressions_ctr_pct == 5.4
    assert p.loc["-xY9zW8vU7t", "published_at"] == pd.Timestamp("2024-03-26 06:15", tz="UTC")
    d = ds.daily.set_index(["date", "metric"]).value
    assert d[(pd.Timestamp("2024-03-26"), "views")] == 1020 and d[(pd.Timestamp("2024-03-26"), "subscribers")] == -2
    assert d[(pd.Timestamp("2024-03-25"), "watch_time_hours")] == 35.5
    assert ds.rejected.reason.tolist() == ["totals row"]


def _thread(tid, comments):
    """A commentThread whose first comment snippet is the top level one, the rest replies."""
    def comment(cid, extra):
        return {"kind": "youtube#comment", "id": cid,
                "snippet": {"videoId": "dQw4w9WgXcQ", "textOriginal": "hi", "authorDisplayName": "@a",
                            "likeCount": 1, "publishedAt": "2026-09-20T10:00:00Z", **extra}}
    top, *replies = comments
    th = {"kind": "youtube#commentThread", "id": tid,
          "snippet": {"channelId": "UCowner", "videoId": "dQw4w9WgXcQ", "topLevelComment": comment(tid, top)}}
    if replies:
        th["replies"] = {"comments": [comment(f"{tid}.r{i}", r) for i, r in enumerate(replies)]}
    return th


def test_comment_threads_problems_reported_in_thread_order(tmp_path):
    # Dates are parsed per column after the walk over the threads; the rejected rows and the
    # error raised must still follow the file: thread by thread, comment by comment, and a
    # comment with two problems is named for the first checked (publishedAt before likeCount).
    threads = [_thread("T0", [{}, {"likeCount": -1}, {"publishedAt": "not a date"}]),
               _thread("T1", [{"publishedAt": "2026-13-40T00:00:00Z", "likeCount": 2.5}, {}]),
               _thread("T2", [{}])]
    threads[1]["replies"]["comments"][0]["id"] = ""  # found during the walk, after T1's bad date
    threads[2]["snippet"]["topLevelComment"]["id"] = ""
    path = tmp_path / "threads.json"
    path.write_text(json.dumps({"kind": "youtube#commentThreadListResponse", "items": threads}), encoding="utf-8")
    with pytest.raises(ExportFormatError, match=r"record 0 .*likeCount"):
        tk.load(path)
    with pytest.warns(UserWarning, match="rejected 5 row"):
        ds = tk.load(path, errors="reject")
    assert ds.rejected[["line", "column"]].values.tolist() == [
        [0, "likeCount"], [0, "publishedAt"], [1, "publishedAt"], [1, "id"], [2, "id"]]
    assert ds.comments.comment_id.tolist() == ["T0"]
    assert_invariant(ds)


def test_publish_times_skip_formats_that_cannot_read_a_cell():
    """The quick path (a day format is not tried on cells with ':', a month name not on cells
    without a letter) reads every cell as trying each format on every cell left does."""
    from toolkit.io.youtube import _TIME_FORMATS, _publish_times

    cells = ["Sep 20, 2026", "sep 20 2026", "SEP 20, 2026", "2026-09-20", "2026-09-20 13:18:00", "2026-09-20 13:18",
             "20.09.2026", "20.09.26", "20.09.2026 18:00", "2026-9-2", "Sept 20, 2026", "Sep 31, 2026", "Dez 20, 2026",
             "2026-09-20T13:18:00", "13:18", "2026/09/20", "x", "2026-13-01", "Sep 20, 2026 1:2",
             "\uff12\uff10\uff12\uff16-09-20", "Mar 1, 2024 ", "2024-02-29", "2023-02-29"]
    t = pd.Series(cells * 3, dtype="string")
    german = (("%d.%m.%Y %H:%M", True), ("%d.%m.%Y", False), ("%d.%m.%y", False))
    for formats in (_TIME_FORMATS, german + _TIME_FORMATS):
        quick, slow = _publish_times(t, formats), _publish_times(t, formats, quick=False)
        pd.testing.assert_series_equal(quick[0], slow[0])
        pd.testing.assert_series_equal(quick[1], slow[1])
        assert quick[0].notna().sum() > 10


@pytest.mark.parametrize("cells", [["2026-09-20 13:18:00", "2024-02-29 00:00:59"], ["2026-09-20 13:18:00", "2026-13-01 10:00:00"],
                                   ["2023-02-29 10:00:00"], ["2026-09-20 24:00:00"], ["2026-09-20 13:18:00", ""],
                                   ["2026-09-20 13:18", "2026-09-20 13:19"], ["2026-09-20 13:18:00", "2026-09-20 13:18"],
                                   ["\uff12\uff10\uff12\uff16-09-20 13:18:00"], ["2026-09-20 13:18:0x"], ["20.09.2026 18:00"]])
def test_publish_times_of_one_fixed_width_equal_format_by_format(cells):
    """A column of Studio's fixed-width times read from its digits gives what each format in turn gives."""
    from toolkit.io.youtube import _TIME_FORMATS, _publish_times

    t = pd.Series(cells * 700, dtype="string")
    german = (("%d.%m.%Y %H:%M", True), ("%d.%m.%Y", False), ("%d.%m.%y", False))
    for formats in (_TIME_FORMATS, german + _TIME_FORMATS, _TIME_FORMATS[3:], _TIME_FORMATS[::-1]):
        quick, slow = _publish_times(t, formats), _publish_times(t, formats, quick=False)
        pd.testing.assert_series_equal(quick[0], slow[0])
        pd.testing.assert_series_equal(quick[1], slow[1])
