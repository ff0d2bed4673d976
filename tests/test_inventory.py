"""toolkit/inventory.py: what is in a dataset, on small canonical files whose answers are known,
and on the samples (every row counted once)."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from dataclasses import replace

import pandas as pd
import pytest

import toolkit as tk
from toolkit import inventory
from toolkit.errors import ParameterError, SchemaError

TZ = "Europe/Berlin"

POSTS_A = """platform,account,post_id,published_at,text,reach,likes,comments,shares
instagram,kaffee,p1,2024-03-03T23:30:00+00:00,Montag früh in Berlin,1000,10,2,1
instagram,kaffee,p2,2024-03-10T10:00:00+00:00,Sonntag,,5,0,0
x,kaffee,x1,2024-03-05T12:00:00+00:00,hello,,7,1,
"""
POSTS_B = """platform,account,post_id,published_at,text,reach,likes,comments,shares
instagram,kaffee_de,p3,2024-03-20T09:00:00+00:00,Frühling,0,3,0,0
"""
COMMENTS = """platform,account,post_id,comment_id,parent_id,author,is_owner,published_at,text,likes
instagram,kaffee,p1,c1,,Anna,false,2024-03-04T08:00:00+00:00,Toll!,1
instagram,kaffee,p1,c2,c1,kaffee,true,2024-03-04T09:00:00+00:00,Danke!,0
instagram,kaffee,p2,c3,,Ben,false,2024-03-10T22:30:00+00:00,Schön,0
x,kaffee,x1,c4,,Cem,false,2024-03-05T13:00:00+00:00,nice,0
"""
DAILY = """platform,account,date,metric,value
instagram,kaffee,2024-03-01,followers,100
instagram,kaffee,2024-03-31,followers,130
"""


@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    for name, text in (("posts_a.csv", POSTS_A), ("posts_b.csv", POSTS_B), ("comments.csv", COMMENTS),
                       ("daily.csv", DAILY)):
        (folder / name).write_text(text, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return tk.load(folder, tz=TZ, progress=False)


def test_coverage_counts_rows_accounts_files_and_local_days(ds):
    cov = inventory.coverage(ds, tz=TZ).set_index(["table", "platform"])
    ig = cov.loc[("posts", "instagram")]
    assert (ig["rows"], ig["accounts"], ig["files"]) == (3, 2, 2)
    # p1 was published Sunday 23:30 UTC = Monday 00:30 in Berlin
    assert ig["first_day"] == dt.date(2024, 3, 4) and ig["last_day"] == dt.date(2024, 3, 20)
    assert ig["days"] == 17
    assert cov.loc[("posts", "instagram"), "first_day"] != \
        inventory.coverage(ds, tz="UTC").set_index(["table", "platform"]).loc[("posts", "instagram"), "first_day"]
    assert cov.loc[("comments", "x"), "rows"] == 1
    daily = cov.loc[("daily", "instagram")]
    assert (daily["rows"], daily["days"]) == (2, 31)
    assert ("daily", "x") not in cov.index  # no daily rows for x: no row, not a row of zeros


def test_coverage_of_an_empty_dataset_is_an_empty_table(ds):
    empty = inventory.select(ds, platforms=["tiktok"], tz=TZ)
    out = inventory.coverage(empty, tz=TZ)
    assert out.empty and list(out.columns) == ["table", "platform", "rows", "accounts", "first_day",
                                               "last_day", "days", "files"]


def test_metrics_reported_rate_counts_zero_as_reported(ds):
    m = inventory.metrics(ds.posts).set_index("platform")
    # reach: p1 1000, p2 not reported, p3 a reported 0 -> 2 of 3
    assert m.loc["instagram", "reach_reported_rate"] == pytest.approx(2 / 3)
    assert m.loc["instagram", "posts"] == 3 and m.loc["x", "posts"] == 1
    assert m.loc["x", "reach_reported_rate"] == 0 and m.loc["x", "shares_reported_rate"] == 0
    assert m.loc["x", "likes_reported_rate"] == 1
    assert inventory.metrics(ds.posts.iloc[:0]).empty


def test_activity_weeks_start_monday_in_local_time(ds):
    act = inventory.activity(ds, tz=TZ, freq="W")
    ig = act[act["platform"] == "instagram"].set_index("period")
    # p1 (Monday 00:30 local) opens the week of 2024-03-04 with p2 (Sunday); in UTC p1 falls in the
    # week before. c3 (Sunday 22:30 UTC = 23:30 local) still belongs to the week of 2024-03-04.
    assert pd.Timestamp("2024-02-26") not in ig.index
    assert ig.loc[pd.Timestamp("2024-03-04"), ["posts", "comments", "replies"]].tolist() == [2, 2, 1]
    assert ig.loc[pd.Timestamp("2024-03-18"), "posts"] == 1
    assert act[["posts", "comments", "replies"]].sum().tolist() == [4, 3, 1]
    utc = inventory.activity(ds, tz="UTC", freq="W")
    assert pd.Timestamp("2024-02-26") in set(utc["period"])


def test_activity_by_month_and_day_and_bad_freq(ds):
    month = inventory.activity(ds, tz=TZ, freq="M")
    assert set(month["period"]) == {pd.Timestamp("2024-03-01")}
    day = inventory.activity(ds, tz=TZ, freq="D")
    assert day["posts"].sum() == 4 and day["period"].dt.hour.eq(0).all()
    with pytest.raises(ParameterError, match="freq"):
        inventory.activity(ds, tz=TZ, freq="Y")


def test_select_keeps_whole_local_days_and_platforms(ds):
    before = ds.posts.copy()
    # 2024-03-04 local starts at 2024-03-03 23:00 UTC: p1 (23:30 UTC on the 3rd) is inside
    one = inventory.select(ds, date_from="2024-03-04", date_to="2024-03-10", tz=TZ)
    assert sorted(one.posts["post_id"]) == ["p1", "p2", "x1"]
    assert sorted(one.comments["comment_id"]) == ["c1", "c2", "c3", "c4"]
    assert one.daily.empty  # the follower counts are on 03-01 and 03-31
    assert sorted(inventory.select(ds, date_to="2024-03-03", tz="UTC").posts["post_id"]) == ["p1"]
    ig = inventory.select(ds, platforms=["Instagram"], tz=TZ)
    assert set(ig.posts["platform"]) == {"instagram"} and len(ig.daily) == 2
    assert ig.load_report.equals(ds.load_report)  # the files loaded have not changed
    pd.testing.assert_frame_equal(ds.posts, before)  # the input is not modified


def test_samples_every_row_counted_once(sample_dataset):
    cov = inventory.coverage(sample_dataset, tz=TZ)
    sizes = cov.groupby("table")["rows"].sum()
    assert sizes["posts"] == len(sample_dataset.posts)
    assert sizes["comments"] == len(sample_dataset.comments)
    assert sizes["daily"] == len(sample_dataset.daily)
    act = inventory.activity(sample_dataset, tz=TZ)
    assert act["posts"].sum() == len(sample_dataset.posts)
    assert act["comments"].sum() + act["replies"].sum() == len(sample_dataset.comments)
    assert act["replies"].sum() == int(sample_dataset.comments["is_owner"].sum())
    m = inventory.metrics(sample_dataset.posts)
    assert m["posts"].sum() == len(sample_dataset.posts)
    assert m.set_index("platform").loc["mastodon", "likes_reported_rate"] == 1


def test_select_keeps_local_days_both_ends_included(sample_dataset):
    one = tk.inventory.select(sample_dataset, date_from="2026-03-02", date_to="2026-03-02", tz="Europe/Berlin")
    days = one.posts["published_at"].dt.tz_convert("Europe/Berlin").dt.strftime("%Y-%m-%d")
    assert len(one.posts) > 0 and set(days) == {"2026-03-02"}
    assert set(one.daily["date"].dt.strftime("%Y-%m-%d")) == {"2026-03-02"}


def test_select_names_a_day_it_cannot_read_or_a_reversed_period(sample_dataset):
    with pytest.raises(ParameterError, match=r"date_from='2026-13-45': there is no such day .*Accepted spellings: "
                                             r"'YYYY-MM-DD'"):
        tk.inventory.select(sample_dataset, date_from="2026-13-45")
    with pytest.raises(ParameterError, match="the first day is after the last day"):
        tk.inventory.select(sample_dataset, date_from="2026-04-01", date_to="2026-03-01")


def test_select_reads_german_days_day_first_and_refuses_ambiguous_or_impossible_ones(sample_dataset):
    iso = tk.inventory.select(sample_dataset, date_from="2026-05-01", date_to="2026-06-01", tz="Europe/Berlin")
    german = tk.inventory.select(sample_dataset, date_from="01.05.2026", date_to="01.06.2026", tz="Europe/Berlin")
    assert len(iso.posts) > 0  # May 2026 is inside the samples
    pd.testing.assert_frame_equal(german.posts, iso.posts)  # 01.06.2026 is the 1st of June, not 6 January
    last = german.posts["published_at"].dt.tz_convert("Europe/Berlin").max()
    assert last.strftime("%Y-%m-%d") == "2026-06-01"
    with pytest.raises(ParameterError, match=r"date_to='06/01/2026': a date with slashes is ambiguous"):
        tk.inventory.select(sample_dataset, date_to="06/01/2026", tz="Europe/Berlin")
    with pytest.raises(ParameterError, match=r"date_from='31.06.2026': there is no such day"):
        tk.inventory.select(sample_dataset, date_from="31.06.2026", tz="Europe/Berlin")


def test_dataset_with_naive_times_is_refused_with_the_fix(sample_dataset):
    posts = sample_dataset.posts
    naive = replace(sample_dataset, posts=posts.assign(published_at=posts["published_at"].dt.tz_localize(None)))
    for call in (tk.inventory.coverage, tk.inventory.select, lambda d: tk.inventory.activity(d, tz="UTC")):
        with pytest.raises(SchemaError, match=re.escape('posts["published_at"].dt.tz_localize("Europe/Berlin")')):
            call(naive)
    with pytest.raises(ParameterError, match="expected a dataset from toolkit.load"):
        tk.inventory.coverage(posts)
