"""Meta "Download your information" JSON: Instagram and Facebook posts and comments, mojibake repair."""

import json
import re
from pathlib import Path

import pandas as pd
import pytest

import toolkit as tk
from toolkit.errors import ExportFormatError
from tests.io._util import assert_invariant
from toolkit.io.meta_dyi import fix_mojibake

FIX = Path(__file__).parent.parent / "fixtures" / "io" / "meta"
DYI = FIX / "dyi"


def utc(s):
    return pd.Timestamp(s, tz="UTC")


def test_fix_mojibake_only_where_round_trip_works():
    assert fix_mojibake("Gecondoleerd H\u00c3\u00a5kan sterkte!!! \u00f0\u009f\u0098\u00a2") == \
        "Gecondoleerd Håkan sterkte!!! 😢"
    assert fix_mojibake("\u00e6\u00b2\u00a1\u00e6\u009c\u0089\u00e5\u0095\u008a") == "没有啊"
    assert fix_mojibake({"K\u00c3\u00b6ln": ["Stra\u00c3\u009fe"]}) == {"Köln": ["Straße"]}
    assert fix_mojibake("Café") == "Café"            # correct latin-1 text: UTF-8 decode fails, kept
    assert fix_mojibake("Grüße 😢") == "Grüße 😢"     # correct text beyond latin-1: kept
    double = "ä".encode("utf-8").decode("latin-1").encode("utf-8").decode("latin-1")
    assert fix_mojibake(double) == "ä"
    assert fix_mojibake(1711900800) == 1711900800


def test_instagram_posts_and_reels():
    ds = tk.load(DYI / "instagram-baeckerei-2024-04-02")
    p = ds.posts.set_index("post_id")
    assert sorted(p.index) == ["17904019260137620", "17904019260137621", "18011111111111111"]
    assert (p.platform == "instagram").all() and p.account.isna().all()
    assert p.loc["17904019260137620", "text"] == "Frühstück mit Aussicht ☕️\nGrüße aus Köln 👩\u200d👩\u200d👧"
    assert p.loc["17904019260137620", "published_at"] == utc("2024-03-31 16:00")
    assert p.loc["17904019260137621", "text"] == "Karussell: Tag 1 & 2 – schön war’s"  # top-level title
    assert p.loc["17904019260137621", "media_type"] == "carousel"
    assert p.loc["18011111111111111", "media_type"] == "reel"
    assert p[["likes", "views", "reach"]].isna().all().all()   # the archive carries no metrics


def test_instagram_comments_new_and_old_layouts():
    ds = tk.load(DYI)
    c = ds.comments[ds.comments.platform == "instagram"].sort_values("published_at")
    assert list(c.text) == ["Heel mooi, Håkan!", "Danke für das Rezept! 😢", "Super"]
    assert list(c.media_owner) == ["iemand", "kochfreund", "baeckerei.mueller"]
    assert list(c.published_at) == [utc("2020-09-13 12:26:40"), utc("2024-04-01 00:00"), utc("2024-04-01 01:00")]
    assert c.is_owner.all() and c.post_id.isna().all() and c.author.isna().all()
    assert c.comment_id.str.startswith("dyi-").all() and c.comment_id.is_unique


def test_facebook_posts_and_comments():
    ds = tk.load(DYI / "facebook-baeckerei-2024-04-02")
    p = ds.posts.set_index("post_id")
    ids = list(p.index)
    # time + a hash of the content: two posts in the same second stay apart
    assert [re.fullmatch(r"dyi-(\d+)-[0-9a-f]{8}", i).group(1) for i in ids] == ["1711900800", "1711814400", "1711814400"]
    assert len(set(ids)) == 3
    assert p.loc[ids[0], "text"] == 'Neues Rezept: Käsekuchen 🍰\n\nMit "Liebe" gebacken.'
    assert list(p.media_type) == ["link", "photo", "text"]
    assert p.loc[ids[1], "text"] == ""
    c = ds.comments
    assert list(c.text) == ["Gecondoleerd Håkan sterkte!!! 😢", "Danke"]
    assert list(c.author) == ["Bäckerei Müller"] * 2 and c.is_owner.all()
    assert c.published_at.iloc[0] == utc("2024-04-01 00:00")


def test_same_archive_twice_dedupes(tmp_path):
    ds = tk.load([DYI / "facebook-baeckerei-2024-04-02", DYI / "facebook-baeckerei-2024-04-02"])
    assert len(ds.posts) == 3 and len(ds.comments) == 2
    r = ds.load_report
    assert r.duplicates_dropped.sum() == 5
    assert (r.rows_read == r.rows_loaded + r.duplicates_dropped + r.rows_rejected).all()


def test_missing_timestamp_record_2():
    f = FIX / "broken" / "dyi_missing_timestamp_record_2" / "your_posts_1.json"
    with pytest.raises(ExportFormatError, match=r"record 2, key 'timestamp'"):
        tk.load(f)
    with pytest.warns(UserWarning, match="rejected 1 row"):
        ds = tk.load(f, errors="reject")
    assert len(ds.posts) == 1
    assert ds.rejected.line.tolist() == [2] and "not a line" in ds.rejected.reason.iloc[0]
    r = ds.load_report.iloc[0]
    assert (r.rows_read, r.rows_loaded, r.rows_rejected) == (2, 1, 1)


def test_truncated_json_names_the_line(tmp_path):
    f = tmp_path / "your_posts_1.json"
    f.write_text('[\n  {"timestamp": 1711900800, "data": [{"post": "a"}]},\n  {"timestamp": 17', encoding="ascii")
    with pytest.raises(ExportFormatError, match="line 3: not valid JSON"):
        tk.load(f)


# --- issue 10: identical entries without ids, ids stable across re-downloads ---------------------

DUP = FIX / "dyi-duplicates"


def test_identical_instagram_entries_are_one_post_and_one_comment():
    ds = tk.load(DUP / "instagram-radwerk-2025-03-01")
    p = ds.posts.set_index("post_id")
    assert len(p) == 3  # 5 entries: two were repeated verbatim
    assert p.loc["17950000000000001", "text"] == "Neue Lieferung: Gravel-Reifen 🚴\u200d♀️ für den Frühling"  # mojibake fixed
    assert p.loc["17950000000000001", "published_at"] == utc("2025-02-08 07:33:20")
    same_second = p[p.published_at == utc("2025-02-09 11:20")]
    assert sorted(same_second.text) == ["Blick in die Werkstatt – Montag geht’s los", "Blick in die Werkstatt – Teil 2"]
    assert same_second.index.str.fullmatch(r"dyi-1739100000-[0-9a-f]{8}").all()
    assert sorted(ds.comments.text) == ["Danke fürs Teilen", "Schöne Tour! 😍"]
    rep = ds.load_report.set_index("table")
    assert rep.loc["posts", ["rows_read", "rows_loaded", "duplicates_dropped"]].tolist() == [5, 3, 2]
    assert rep.loc["comments", ["rows_read", "rows_loaded", "duplicates_dropped"]].tolist() == [3, 2, 1]
    assert "2 post(s) identical to an earlier one in this file" in rep.loc["posts", "notes"]
    assert_invariant(ds)


def test_ids_do_not_depend_on_file_order_layout_or_name():
    first = tk.load(DUP / "instagram-radwerk-2025-03-01")
    later = tk.load(DUP / "instagram-radwerk-2025-06-01")  # other folder layout, other order, one more post
    ids = lambda ds: dict(zip(ds.posts.text, ds.posts.post_id))  # noqa: E731
    assert {t: i for t, i in ids(later).items() if t in ids(first)} == ids(first)
    cids = lambda ds: dict(zip(ds.comments.text, ds.comments.comment_id))  # noqa: E731
    assert {t: i for t, i in cids(later).items() if t in cids(first)} == cids(first)
    both = tk.load([DUP / "instagram-radwerk-2025-03-01", DUP / "instagram-radwerk-2025-06-01"])
    assert len(both.posts) == 4 and len(both.comments) == 3
    assert_invariant(both)


def test_facebook_repeated_status_updates_and_old_layout():
    new = tk.load(DUP / "facebook-radwerk-2025-03-01")
    assert len(new.posts) == 3 and new.load_report.duplicates_dropped.sum() == 1
    texts = dict(zip(new.posts.text, new.posts.post_id))
    # two status updates in the same second stay two posts
    assert texts["Heute geöffnet bis 20 Uhr"] != texts["Und morgen: Schrauber-Café ☕"]
    old = tk.load(DUP / "facebook-radwerk-old")  # photo in another folder, entries in another order
    assert sorted(old.posts.post_id) == sorted(new.posts.post_id)
    both = tk.load(DUP)
    assert len(both.posts[both.posts.platform == "facebook"]) == 3
    assert_invariant(both)


@pytest.mark.parametrize("stamp", ["-Infinity", "Infinity", "NaN", "1e300"])
def test_a_timestamp_that_is_not_a_time_is_a_bad_record_not_a_loader_failure(tmp_path, stamp):
    # found by the loader probe corpus: -inf reached an int64 cast and the loader failed
    f = tmp_path / "your_posts_1.json"
    f.write_text('[{"timestamp": 1711900800, "data": [{"post": "a"}]},\n'
                 f' {{"timestamp": {stamp}, "data": [{{"post": "b"}}]}}]', encoding="ascii")
    with pytest.raises(ExportFormatError, match=r"record 2, key 'timestamp'"):
        tk.load(f)
    with pytest.warns(UserWarning, match="rejected 1 row"):
        ds = tk.load(f, errors="reject")
    assert ds.posts.text.tolist() == ["a"]


def test_media_file_names_are_split_as_pathlib_splits_them():
    from pathlib import PurePosixPath
    from toolkit.io._dyi import uri_name, uri_stem
    for u in ["media/posts/202403/17904019260137620.jpg", "c.jpg", "", "a/b/", "a//b.x", "./a.b", ".bashrc",
              "a/.bashrc", "a/b.", "a/b.tar.gz", "a/b/.", "/x/y.mp4", "a/b..c", "x/..", "a/..b"]:
        assert (uri_name(u), uri_stem(u)) == (PurePosixPath(u).name, PurePosixPath(u).stem), u


def test_a_rejected_record_shows_its_value_repaired(tmp_path):
    f = tmp_path / "your_posts_1.json"
    f.write_text(json.dumps([{"timestamp": 1711900800, "data": [{"post": "a"}]},
                             {"timestamp": "gestern K\u00c3\u00b6ln", "data": [{"post": "b"}]}]), encoding="ascii")
    with pytest.warns(UserWarning, match="rejected 1 row"):
        ds = tk.load(f, errors="reject")
    assert ds.rejected.line.tolist() == [2]
    assert "'gestern Köln'" in ds.rejected.reason.iloc[0]
