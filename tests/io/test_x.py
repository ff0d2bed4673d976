"""Tests of toolkit/io/x.py on small hand-written exports in tests/fixtures/io/x/."""

from pathlib import Path

import pandas as pd
import pytest

from tests.io._util import assert_invariant, no_unreadable_rows_warning
import toolkit as tk
from toolkit.errors import ExportFormatError
from toolkit.io.x import snowflake_time

FIX = Path(__file__).parent.parent / "fixtures" / "io" / "x"
UTC = "UTC"


def test_activity_csv_values():
    ds = tk.load(FIX / "tweet_activity_metrics_rOpenSci_20211201_20220101_en.csv")
    p = ds.posts.set_index("post_id")
    a = p.loc["1473352573927059456"]
    assert a.published_at == pd.Timestamp("2021-12-21 18:00", tz=UTC)
    assert a.text == ("Join us for social coworking & office hours – Grüße!\n\nAlternating times for "
                      "🌎 🌍 🌏\n\"quoted\"")
    assert (a.impressions, a.engagements, a.shares, a.comments, a.likes, a.clicks) == (5383, 22, 4, 0, 7, 5)
    assert a.account == "rOpenSci" and a.platform == "x" and not a.date_only
    assert pd.isna(a.views) and pd.isna(a.promoted_impressions)  # '-' = not reported
    b = p.loc["1472990000000000000"]
    assert b.text == "Plain tweet <3 👩‍👩‍👧"
    assert b.likes == 0 and b.media_views == 12 and b.promoted_impressions == 300
    assert ds.load_report.format.tolist() == ["x_activity_csv"]
    assert_invariant(ds)


def test_activity_csv_2015_favorites_bom_crlf():
    ds = tk.load(FIX / "tweet_activity_metrics_studio_stein_20150101_20150201_en.csv")
    row = ds.posts.iloc[0]
    assert row.post_id == "560000000000000000"
    assert row.likes == 1 and row.shares == 1 and row.comments == 1
    assert pd.isna(row.clicks)  # '-' in url clicks
    assert row.text == "Neuer Blog-Post über Steinmetz"
    assert row.account == "studio_stein"


def test_activity_csv_bad_time_names_line():
    with pytest.raises(ExportFormatError, match=r"line 3, column 'time'.*'20.12.2021 09:30'"):
        tk.load(FIX / "bad_time_line_3.csv")
    with pytest.warns(UserWarning, match="rejected 1 row"):
        ds = tk.load(FIX / "bad_time_line_3.csv", errors="reject")
    assert ds.rejected.line.tolist() == [3]
    assert_invariant(ds)


def test_activity_csv_missing_column_lists_expected_and_found():
    with pytest.raises(ExportFormatError, match=r"\['time'\].*missing.*found \['Tweet id'"):
        tk.load(FIX / "missing_time_column.csv")


def test_snowflake_time():
    ids = pd.Series(["1774466704470966279", "abc"])
    got = snowflake_time(ids)
    assert got[0] == pd.Timestamp("2024-03-31 16:00:05", tz=UTC)
    assert pd.isna(got[1])


def test_content_csv_time_from_snowflake():
    ds = tk.load(FIX / "account_analytics_content_2024-03-01_2024-04-01.csv", tz="Europe/Berlin")
    p = ds.posts.set_index("post_id")
    a = p.loc["1774466704470966279"]
    assert a.published_at == pd.Timestamp("2024-03-31 16:00:05", tz=UTC) and not a.date_only
    assert a.text == 'Ostern 🐣 in München, "frohe" Feiertage!\nZweite Zeile'
    assert (a.impressions, a.likes, a.engagements, a.saves, a.share_actions, a.comments, a.shares,
            a.clicks) == (1234, 12, 30, 2, 1, 3, 4, 7)
    assert a.account == "studio_stein"
    # Posted 23:30 UTC on Mar 30 = Mar 31 in Berlin: within a day of Date, so the snowflake time wins.
    assert p.loc["1774217541841846279"].published_at == pd.Timestamp("2024-03-30 23:30", tz=UTC)
    # Id 20 is no snowflake: keep the date only, midnight Berlin (CET) = 23:00 UTC the day before.
    old = p.loc["20"]
    assert old.date_only and old.published_at == pd.Timestamp("2006-03-20 23:00", tz=UTC)
    assert pd.isna(old.impressions) and pd.isna(old.likes)
    assert "not a snowflake" in ds.load_report.notes[0]
    assert_invariant(ds)


def test_content_csv_bad_date():
    with pytest.raises(ExportFormatError, match=r"line 2, column 'Date'"):
        tk.load(FIX / "bad_date_line_2.csv")


def test_overview_to_daily():
    ds = tk.load(FIX / "account_overview_analytics.csv")
    d = ds.daily
    assert len(d) == 26 and d.platform.eq("x").all()
    v = d.set_index(["date", "metric"])["value"]
    assert v[(pd.Timestamp("2024-04-26"), "impressions")] == 1500
    assert v[(pd.Timestamp("2024-04-26"), "new_follows")] == 5
    assert pd.isna(v[(pd.Timestamp("2024-04-27"), "video_views")])  # blank = not reported
    assert v[(pd.Timestamp("2024-04-27"), "replies")] == 0
    assert_invariant(ds)


def test_archive_zip_posts_account_retweet_skipped():
    with no_unreadable_rows_warning():
        ds = tk.load(FIX / "twitter-2025-10-12-abc123def.zip")
    p = ds.posts.set_index("post_id")
    assert list(p.index) == ["1977039067859894552", "1977040000000000000"]
    a = p.loc["1977039067859894552"]
    assert a.text == "Käse & Brot 🧀\nzweite Zeile <b>"
    assert a.published_at == pd.Timestamp("2025-10-11 15:50:20", tz=UTC)
    assert a.likes == 15 and a.shares == 0 and pd.isna(a.impressions)
    assert a.account == "studio_stein" and not a.is_reply
    assert a.permalink == "https://x.com/studio_stein/status/1977039067859894552"
    assert p.loc["1977040000000000000"].is_reply
    assert ds.rejected.reason.str.contains("retweet").tolist() == [True]
    assert_invariant(ds)


def test_archive_overlap_dedupes():
    with no_unreadable_rows_warning():
        ds = tk.load([FIX / "twitter-2025-10-12-abc123def.zip", FIX / "twitter-2025-10-12-abc123def.zip"])
    assert len(ds.posts) == 2
    assert ds.load_report.duplicates_dropped.sum() == 2
    assert_invariant(ds)


def test_archive_broken_json_is_not_evaluated():
    with pytest.raises(ExportFormatError, match="not valid JSON"):
        tk.load(FIX / "tweets_not_json.js")


# --- issue 10: German Excel re-saves; retweets in the archive ---------------------------------------

RESAVED = FIX / "resaved"


def test_activity_csv_resaved_by_german_excel():
    f = RESAVED / "tweet_activity_metrics_radwerk_speiche_20231201_20240101_en.csv"
    assert b"1,73784E+18" in f.read_bytes()
    ds = tk.load(f)
    p = ds.posts.set_index("post_id")
    assert sorted(p.index) == ["1731234567890123456", "1737836218523840123"]  # ids back from the permalinks
    a = p.loc["1737836218523840123"]
    assert a.published_at == pd.Timestamp("2023-12-21 18:00", tz=UTC)
    assert (a.impressions, a.engagements, a.shares, a.likes, a.clicks) == (5383, 22, 4, 7, 5)
    assert a.text == "Winterreifen & Spikes jetzt montieren ??" and a.account == "radwerk_speiche"
    assert p.loc["1731234567890123456", "impressions"] == 12040  # '12.040'
    notes = ds.load_report.notes.iloc[0]
    assert "numbers read in German format" in notes and "2 recovered from the permalink" in notes


def test_content_csv_utf8_resave_recovers_id_and_time():
    ds = tk.load(RESAVED / "account_analytics_content_2024-07-01_2024-09-28.csv")
    row = ds.posts.iloc[0]
    assert row.post_id == "1830000000000000001" and row.impressions == 122978 and row.engagements == 2300
    assert not row.date_only  # the snowflake of the recovered id gives the time
    assert row.text == "Sommerfest in der Werkstatt 🎉"


def test_archive_retweets_are_skipped_and_counted():
    with no_unreadable_rows_warning():
        ds = tk.load(FIX / "archive-retweets")
    p = ds.posts.set_index("post_id")
    assert sorted(p.index) == ["1743000000000000004", "1745000000000000002", "1746812345678901234"]
    assert p.loc["1745000000000000002", "is_reply"] and p.loc["1745000000000000002", "text"] == "Danke euch! 🙌"
    assert (p.account == "radwerk_speiche").all()
    r = ds.load_report.set_index("table").loc["posts"]
    assert (r.rows_read, r.rows_loaded, r.rows_rejected) == (5, 3, 2)
    assert "2 retweet(s) of other accounts' posts skipped" in r.notes
    assert ds.rejected.kind.tolist() == ["skipped", "skipped"] and ds.rejected.line.tolist() == [1, 3]
    assert_invariant(ds)


def test_overview_resaved_by_german_excel(tmp_path):
    f = tmp_path / "account_overview_analytics.csv"
    f.write_bytes(("Date;Impressions;Engagements;Likes;Replies;Reposts;New follows;Unfollows;Bookmarks;Shares;"
                   "Profile visits;Create Post;Video views;Media views\r\n"
                   "Fri, Apr 26, 2024;12.345;40;12;2;3;1;0;0;0;5;1;0;9\r\n"
                   "Sat, Apr 27, 2024;987;22;9;0;1;0;1;0;0;2;0;0;3\r\n").encode("cp1252"))
    ds = tk.load(f)
    v = ds.daily.set_index(["date", "metric"]).value
    assert v[(pd.Timestamp("2024-04-26"), "impressions")] == 12345 and v[(pd.Timestamp("2024-04-27"), "unfollows")] == 1
    assert "numbers read in German format" in ds.load_report.notes.iloc[0]


@pytest.mark.parametrize("tail", ["", ";", " ;\n", "\n\n"])
def test_archive_payload_decoded_in_place_equals_the_sliced_parse(tail):
    from toolkit.io._base import Source
    from toolkit.io.x import _json_payload, _load_payload, _loads
    text = 'window.YTD.tweets.part0 = [ {"tweet": {"id_str": "1", "full_text": "a"}} ]' + tail
    src = Source("tweets.js", text.encode("utf-8"))
    assert _load_payload(src) == _loads(src, _json_payload(src)) == [{"tweet": {"id_str": "1", "full_text": "a"}}]


@pytest.mark.parametrize("text", ['window.YTD.tweets.part0 = [\n  { "tweet" : { "id_str" : "1", \n',
                                  'window.YTD.tweets.part0 = [1, 2]\n; x', 'window.YTD.tweets.part0 [1]'])
def test_archive_payload_errors_name_the_same_line_as_before(text):
    from toolkit.io._base import Source
    from toolkit.io.x import _json_payload, _load_payload, _loads
    src = Source("tweets.js", text.encode("utf-8"))
    with pytest.raises(ExportFormatError) as fast:
        _load_payload(src)
    with pytest.raises(ExportFormatError) as sliced:
        _loads(src, _json_payload(src))
    assert str(fast.value) == str(sliced.value)


def test_account_from_links_in_arrow_equals_the_python_regex():
    from toolkit.io.x import _STATUS_LINK, _account_from_link

    links = pd.Series(["https://twitter.com/acct0/status/1", "https://x.com/Ab_c/status/2?s=20", "x.com/a/b/status/3",
                       "https://max.com/u/status/4", "https://twitter.com/a\nb/status/5", "https://twitter.com//status/6",
                       "https://x.com/ü/status/7", "https://twitter.com/a/statuses/8", "", None, "twitter.com/x.com/y/status/9",
                       "https://X.com/a/status/10"], dtype="string")
    want = links.fillna("").str.extract(_STATUS_LINK, expand=False).astype("string")
    pd.testing.assert_series_equal(_account_from_link(links, _STATUS_LINK), want, check_names=False)


@pytest.mark.parametrize("dtype", ["string", object])
def test_snowflake_time_for_a_column_equals_one_timestamp_per_id(dtype):
    from toolkit.io.x import SNOWFLAKE_EPOCH_MS

    def one(v):  # the former per-id implementation
        try:
            n = int(str(v).strip())
        except (TypeError, ValueError):
            return pd.NaT
        return pd.NaT if n <= 0 else pd.Timestamp((n >> 22) + SNOWFLAKE_EPOCH_MS, unit="ms", tz="UTC")

    ids = pd.Series(["1900000000000000000", " 1737840000000000000 ", "+5", "1_000", "abc", None, "", "-5", "0",
                     "1.5e18", "\uff11\uff12", "4194304", str(2**63)], dtype=dtype, index=range(5, 18))
    want = pd.Series([one(v) for v in ids], index=ids.index, dtype="datetime64[ns, UTC]")
    pd.testing.assert_series_equal(snowflake_time(ids), want)
    with pytest.raises(pd.errors.OutOfBoundsDatetime):
        snowflake_time(pd.Series(["9" * 40], dtype=dtype))


@pytest.mark.parametrize("cells,skipped", [
    (["1900000000000000001", "1"], True), (["0012", "7"], True), (["1900000000000000000", "1"], False),
    (["1,73784E+18", "1"], False), (["١٢٣", "1"], False), (["1900000000000000001", ""], False), (["12 ", "1"], False),
    (["1900000000000000001", None], False), (["1234567890123450000", "1234567890123460000"], False),
    (["link-0123456789abcdef", "5"], False), (["x", "5"], False)])
def test_post_id_check_skipped_only_where_it_finds_nothing(cells, skipped):
    """_post_ids skips its digit check for ids _intact_digits accepts: there the check flags no cell."""
    from toolkit.io._locale import DERIVED_KEY, _intact_digits

    ids = pd.Series(cells, dtype="string")
    flagged = ~ids.fillna("").str.fullmatch(r"\d+") & ~ids.fillna("").str.match(DERIVED_KEY)
    assert _intact_digits(ids) is skipped
    if skipped:
        assert not flagged.any()


@pytest.mark.parametrize("links", [
    ["https://twitter.com/acct0/status/1900000000000000000", "https://x.com/ä_b/status/1"],
    ["https://twitter.com/x.com/status/1", "https://x.com/twitter.com/status/22"],
    ["https://twitter.com/a/status/1/photo/1", "https://x.com/a/status/1"],
    ["https://mobile.twitter.com/a/status/1", "https://x.com/a/status/1"], ["https://x.com/a/status/1", None],
    ["https://x.com/a\nb/status/1"], ["https://x.com//status/1"], ["https://x.com/a/status/"], ["http://x.com/a/status/1"]])
def test_account_from_link_segments_equal_extract(links):
    """Permalinks of X's own form cut into segments give what the status-link pattern finds."""
    from toolkit.io._base import extract
    from toolkit.io.x import _STATUS_LINK, _account_from_link

    s = pd.Series(links * 3, dtype="string")
    want = extract(s.fillna(""), r"(twitter|x)\.com/([^/]+)/status/")[1].astype("string")
    pd.testing.assert_series_equal(_account_from_link(s, _STATUS_LINK), want)
