"""The named functions the notebooks call instead of pandas chains, and tk.report.prepare."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import toolkit as tk
from toolkit.errors import ParameterError
from toolkit.schema import COMMENTS

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "tests" / "fixtures" / "core"


@pytest.fixture()
def folder(tmp_path):
    """Posts and comments exports, an empty file and a file that is no export."""
    data = tmp_path / "exports"
    data.mkdir()
    for name in ("posts_ok.csv", "comments_ok.csv", "empty.csv", "not_an_export.csv"):
        shutil.copy(CORE / name, data / name)
    return data


def _comments(rows) -> pd.DataFrame:
    df = pd.DataFrame([{"platform": "facebook", "account": "brand", "post_id": "p1", "parent_id": None,
                        "author": "ann", "is_owner": False, "text": "", "source_file": "c.csv", **r}
                       for r in rows])
    df["published_at"] = pd.to_datetime(df["published_at"], utc=True)
    return COMMENTS.conform(df)


# -- prepare ----------------------------------------------------------------------------------


def test_prepare_loads_selects_and_pseudonymises_in_one_call(folder):
    with pytest.warns(UserWarning):  # the two files that cannot be used are announced ...
        ds = tk.report.prepare(folder, tz="Europe/Berlin", salt="k")
    note = tk.report.unreadable(ds)  # ... and listed with what to do, nothing else stops
    assert sorted(Path(f).name for f in note.table["file"]) == ["empty.csv", "not_an_export.csv"]
    raw = tk.load(folder, tz="Europe/Berlin", errors="reject", progress=False)
    assert len(ds.posts) == len(raw.posts) > 0 and len(ds.comments) == len(raw.comments) > 0
    users = ~ds.comments["is_owner"]
    assert not ds.comments.loc[users, "author"].isin(raw.comments["author"]).any()
    assert ds.comments.loc[users, "author"].str.startswith("member-").all()
    assert ds.comments.loc[~users, "author"].tolist() == raw.comments.loc[~users, "author"].tolist()
    again = tk.report.prepare(folder, tz="Europe/Berlin", salt="k")
    assert again.comments["author"].tolist() == ds.comments["author"].tolist()  # same key, same names


def test_prepare_narrows_to_the_window_and_platforms(folder):
    with pytest.warns(UserWarning):
        ds = tk.report.prepare(folder, tz="UTC", date_from="2024-03-31", date_to="2024-03-31",
                               platforms=["instagram"], pseudonymize=False)
        raw = tk.load(folder, tz="UTC", errors="reject", progress=False)
    expected = tk.inventory.select(raw, date_from="2024-03-31", date_to="2024-03-31", platforms=["instagram"],
                                   tz="UTC")
    pd.testing.assert_frame_equal(ds.posts, expected.posts)
    pd.testing.assert_frame_equal(ds.comments, expected.comments)  # names kept when asked
    assert set(ds.posts["platform"]) == {"instagram"} and len(ds.posts) < len(raw.posts)
    pd.testing.assert_frame_equal(ds.load_report, raw.load_report)  # the files read, before the window


def test_prepare_refuses_what_load_refuses(tmp_path):
    with pytest.raises(tk.errors.ToolkitError):
        tk.report.prepare(tmp_path / "missing", tz="Europe/Berlin")
    with pytest.raises(tk.errors.ToolkitError, match="tz"):
        tk.report.prepare(CORE / "posts_ok.csv", tz="Mars/Olympus")


# -- inventory --------------------------------------------------------------------------------


def test_counts_and_load_totals(folder):
    with pytest.warns(UserWarning):
        ds = tk.load(folder, tz="UTC", errors="reject", progress=False)
    counts = tk.inventory.counts(ds)
    assert list(counts.columns) == ["platform", "posts", "comments"]
    assert counts["platform"].tolist() == sorted(set(ds.posts["platform"]) | set(ds.comments["platform"]))
    per = counts.set_index("platform")
    assert per["posts"].to_dict() == ds.posts["platform"].value_counts().to_dict() | {
        p: 0 for p in per.index if p not in set(ds.posts["platform"])}
    assert per["comments"].sum() == len(ds.comments)
    totals = tk.inventory.load_totals(ds)
    assert len(totals) == 1 and bool(totals["accounted"].iloc[0])
    assert totals["rows_loaded"].iloc[0] == len(ds.posts) + len(ds.comments)
    with pytest.raises(ParameterError, match="load_totals"):
        tk.inventory.load_totals(ds.posts)


# -- timing -----------------------------------------------------------------------------------


def test_slot_summary_and_busiest_hours():
    slots = pd.DataFrame({"platform": ["x", "x", "x", "fb"], "slot": ["Mon 9-12", "Tue 9-12", "Wed 9-12", "Mon 9-12"],
                          "n_account_posts": [40, 40, 40, 12], "recommended": [True, False, True, False]})
    s = tk.timing.slot_summary(slots)
    assert s.to_dict("list") == {"platform": ["fb", "x"], "posts": [12, 40], "slots": [1, 3], "recommended": [0, 2]}
    activity = pd.DataFrame({"platform": ["x"] * 4 + ["fb"] * 2, "weekday": [0, 0, 1, 2, 0, 1],
                             "hour": [9, 10, 9, 9, 8, 8], "activity_index": [1.0, 3.0, 3.0, 0.5, 2.0, 1.0]})
    b = tk.timing.busiest_hours(activity, n=2)
    assert b[["platform", "weekday", "hour"]].values.tolist() == [["fb", 0, 8], ["fb", 1, 8], ["x", 0, 10],
                                                                  ["x", 1, 9]]
    with pytest.raises(ParameterError, match="at least 1"):
        tk.timing.busiest_hours(activity, n=0)


# -- community --------------------------------------------------------------------------------


def test_care_summary_adds_open_questions_to_the_reply_rate():
    c = _comments([
        {"comment_id": "1", "published_at": "2026-03-02 10:00", "text": "Wann liefert ihr?"},
        {"comment_id": "2", "published_at": "2026-03-02 10:30", "parent_id": "1", "author": "brand",
         "is_owner": True, "text": "Morgen"},
        {"comment_id": "3", "published_at": "2026-03-02 11:00", "text": "Gibt es das auch entkoffeiniert?"},
        {"comment_id": "4", "published_at": "2026-03-02 11:00", "platform": "x", "text": "Super"},
    ])
    care = tk.community.care_summary(c, tz="Europe/Berlin")
    rate = tk.community.response_rate(c, tz="Europe/Berlin", freq=None, business_hours=("09:00", "17:00"))
    pd.testing.assert_frame_equal(care.drop(columns="unanswered_questions"), rate)
    assert care.set_index("platform")["unanswered_questions"].to_dict() == {"facebook": 1, "x": 0}


def test_tone_counts_with_totals_or_shares():
    c = pd.DataFrame({"platform": ["fb", "fb", "fb", "x"], "sentiment_label": ["negative", "positive", None, "neutral"]})
    counts = tk.community.tone(c)
    assert counts.to_dict("list") == {"platform": ["fb", "x", "All"], "negative": [1, 0, 1], "neutral": [0, 1, 1],
                                      "positive": [1, 0, 1], "All": [2, 1, 3]}
    shares = tk.community.tone(c, share=True)
    assert shares.set_index("platform").sum(axis=1).tolist() == [1.0, 1.0]


def test_worst_posts_and_their_thread():
    per_post = pd.DataFrame({"platform": ["fb", "fb", "x"], "post_id": ["b", "a", "c"], "negative": [3, 3, 9]})
    posts = pd.DataFrame({"platform": ["fb", "x", "x"], "post_id": ["a", "c", "a"], "text": ["A", "C", "xA"],
                          "permalink": ["u/a", "u/c", "u/xa"]})
    worst = tk.community.worst_posts(per_post, posts=posts, n=2)
    assert worst[["platform", "post_id", "text"]].values.tolist() == [["x", "c", "C"], ["fb", "a", "A"]]
    c = _comments([
        {"comment_id": "2", "post_id": "c", "platform": "x", "published_at": "2026-03-02 11:00"},
        {"comment_id": "1", "post_id": "c", "platform": "x", "published_at": "2026-03-02 10:00"},
        {"comment_id": "3", "post_id": "c", "platform": "facebook", "published_at": "2026-03-02 09:00"},
    ])
    thread = tk.community.thread(c, posts=worst.head(1))
    assert thread["comment_id"].tolist() == ["1", "2"]  # oldest first, only that platform's post
    assert tk.community.thread(c, posts=worst.head(0)).empty


def test_top_emoji():
    c = pd.DataFrame({"text": ["Toll 😍😍", "Na 😡", None, "😍 👍🏽"]})
    top = tk.community.top_emoji(c, n=2)
    assert top.to_dict("list") == {"emoji": ["😍", "😡"], "name": ["smiling face with heart-eyes", "enraged face"],
                                   "uses": [3, 1]}
    assert tk.community.top_emoji(pd.DataFrame({"text": ["kein emoji"]})).empty


# -- performance ------------------------------------------------------------------------------


def test_platform_posts_and_means():
    ds = tk.load(CORE / "posts_ok.csv", tz="UTC", progress=False)
    most = ds.posts["platform"].value_counts()
    chosen = tk.performance.platform_posts(ds.posts)
    assert set(chosen["platform"]) == {most.index[most == most.max()].max()}
    assert "interactions" in chosen.columns
    x = tk.performance.platform_posts(ds.posts, platform="x")
    assert len(x) == (ds.posts["platform"] == "x").sum()
    with pytest.raises(ParameterError, match="no posts of that platform"):
        tk.performance.platform_posts(ds.posts, platform="tiktok")
    means = tk.performance.platform_means(tk.performance.add_engagement(ds.posts))
    eng = tk.performance.add_engagement(ds.posts)
    expected = eng.groupby("platform")["interactions"].mean().dropna()  # a platform without the metric: no row
    assert means.set_index("platform")["interactions"].astype(float).round(6).to_dict() == \
        expected.astype(float).round(6).to_dict()


# -- traffic ----------------------------------------------------------------------------------


def test_top_per_tool_ranks_within_each_tool():
    t = pd.DataFrame({"tool": ["ga4", "ga4", "matomo", "matomo", "ga4"], "channel": ["fb", "li", "fb", "li", "x"],
                      "engaged_sessions": [10, 30, 50, None, 30]})
    top = tk.traffic.top_per_tool(t, sort="engaged_sessions")
    assert top[["tool", "channel"]].values.tolist() == [["matomo", "fb"], ["ga4", "li"]]  # ties: first row first
    assert len(tk.traffic.top_per_tool(t, sort="engaged_sessions", n=5)) == 5
    with pytest.raises(ParameterError, match="at least 1"):
        tk.traffic.top_per_tool(t, sort="engaged_sessions", n=0)
