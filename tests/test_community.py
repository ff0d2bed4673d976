"""Tests of toolkit.community: replies, response times, questions, members, spikes, workload."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit import community as com
from toolkit.errors import ParameterError, SchemaError
from toolkit.schema import COMMENTS, POSTS

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


def _comments(rows) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    df["published_at"] = pd.to_datetime(df["published_at"], utc=True, format="ISO8601")
    if "source_file" not in df.columns:
        df["source_file"] = "c.csv"
    if "text" not in df.columns:
        df["text"] = ""
    return COMMENTS.conform(df)


def _c(cid, t, *, parent=None, owner=False, author="ann", text="", post="p1", platform="facebook",
       **extra):
    return {"platform": platform, "account": "brand", "post_id": post, "comment_id": cid,
            "parent_id": parent, "author": "brand" if owner else author, "is_owner": owner,
            "published_at": t, "text": text, **extra}


@pytest.fixture(scope="session")
def samples(sample_dataset, sample_truth):
    """Sample comments as tk.load() reads them from data/samples, with sentiment."""
    from toolkit.text import add_sentiment
    return {"comments": add_sentiment(sample_dataset.comments, progress=False), "posts": sample_dataset.posts,
            "truth": sample_truth}


# -- replies -----------------------------------------------------------------------------------


def _thread():
    return _comments([
        _c("1", "2026-03-02 10:00", author="ann", text="Wann liefert ihr?"),
        _c("2", "2026-03-02 10:30", parent="1", owner=True, text="Morgen!"),
        _c("3", "2026-03-02 11:00", author="bob", text="Lecker"),
        _c("4", "2026-03-02 12:30", parent="3", owner=True, text="Danke"),
        _c("4b", "2026-03-02 13:00", parent="3", owner=True, text="second reply, not first"),
        _c("5", "2026-03-02 12:00", author="cem", text="Gibt es Entkoffeinierten?"),
        _c("6", "2026-03-02 12:10", parent="5", author="dan", text="Frag ich mich auch?"),
        _c("7", "2026-03-02 12:20", parent="5", owner=True, text="Ja"),
        _c("8", "2026-03-03 09:00", author="eve", text="How long does shipping take?"),
    ])


def test_reply_times_first_direct_reply():
    c = _thread()
    before = c.copy()
    rt = com.reply_times(c)
    pd.testing.assert_frame_equal(c, before)
    assert rt["comment_id"].tolist() == ["1", "3", "5", "8"]  # top-level user comments
    assert rt["replied"].tolist() == [True, True, True, False]
    assert rt["minutes_to_reply"].tolist()[:3] == [30.0, 90.0, 20.0]
    assert pd.isna(rt["minutes_to_reply"].iloc[3])
    all_users = com.reply_times(c, top_level=False)
    assert all_users["comment_id"].tolist() == ["1", "3", "5", "6", "8"]
    # dan's reply in the thread is not answered directly, but the owner wrote in the thread after it
    assert all_users.set_index("comment_id").loc["6", "replied"] == False  # noqa: E712
    thread = com.reply_times(c, top_level=False, match="thread").set_index("comment_id")
    assert thread.loc["6", "replied"] and thread.loc["6", "minutes_to_reply"] == 10.0


def test_response_rate_overall_and_weekly():
    c = _thread()
    r = com.response_rate(c, tz="UTC", freq=None)
    assert r["user_comments"].tolist() == [4] and r["replied"].tolist() == [3]
    assert r["reply_rate"].iloc[0] == pytest.approx(0.75)
    assert r["median_minutes"].iloc[0] == 30.0
    # 90th percentile of 20, 30, 90 (linear): 30 + 0.8 * 60
    assert r["p90_minutes"].iloc[0] == pytest.approx(78.0)
    w = com.response_rate(c, tz="UTC", freq="W")
    assert w["period_start"].tolist() == [pd.Timestamp("2026-03-02")]
    with pytest.raises(ParameterError, match="freq=.fortnight."):
        com.response_rate(c, tz="UTC", freq="fortnight")


def test_business_time_to_reply_skips_nights_and_weekends():
    c = _comments([
        # Friday 16:30 Berlin (15:30 UTC) -> Monday 09:30 Berlin: 30 + 30 business minutes
        _c("1", "2026-03-06 15:30", author="ann"),
        _c("2", "2026-03-09 08:30", parent="1", owner=True),
        # Tuesday 20:00 Berlin -> Tuesday 22:00 Berlin: 0 business minutes, reply after hours
        _c("3", "2026-03-10 19:00", author="bob"),
        _c("4", "2026-03-10 21:00", parent="3", owner=True),
    ])
    rt = com.reply_times(c, tz="Europe/Berlin", business_hours=("09:00", "17:00"))
    assert rt["business_minutes_to_reply"].tolist() == [60.0, 0.0]
    assert rt["minutes_to_reply"].tolist() == [(2 * 24 + 17) * 60.0, 120.0]
    r = com.response_rate(c, freq=None, tz="Europe/Berlin", business_hours=("09:00", "17:00"))
    assert r["account_replies"].tolist() == [2]
    assert r["replies_outside_hours"].tolist() == [1]
    assert r["outside_hours_rate"].iloc[0] == pytest.approx(0.5)
    assert r["business_median_minutes"].iloc[0] == pytest.approx(30.0)
    with pytest.raises(ParameterError, match="business_hours"):
        com.reply_times(c, business_hours=("17:00", "09:00"))


def test_unanswered_questions_newest_first_with_permalink():
    c = _thread()
    posts = POSTS.conform(pd.DataFrame({
        "platform": ["facebook"], "post_id": ["p1"], "published_at": [pd.Timestamp("2026-03-01", tz="UTC")],
        "permalink": ["https://facebook.com/p1"], "source_file": ["p.csv"]}))
    q = com.unanswered_questions(c, posts=posts)
    assert q["comment_id"].tolist() == ["8"]  # 1 and 5 were answered, 6 is not top-level
    assert q["permalink"].tolist() == ["https://facebook.com/p1"]
    assert q["age_hours"].tolist() == [0.0]
    q_all = com.unanswered_questions(c, top_level=False, as_of="2026-03-03 12:00")
    assert q_all["comment_id"].tolist() == ["8", "6"]
    assert q_all["age_hours"].tolist() == pytest.approx([3.0, 23.8333333])
    assert q_all["permalink"].isna().all()


# -- members -----------------------------------------------------------------------------------


def test_pseudonymize_is_stable_keyed_and_keeps_the_account():
    c = _thread()
    a = com.pseudonymize(c, salt="s1")
    b = com.pseudonymize(c.iloc[::-1], salt="s1")
    assert a.loc[a.is_owner, "author"].eq("brand").all()
    users = a.loc[~a.is_owner, "author"]
    assert users.str.fullmatch(r"member-[0-9a-f]{4,}").all()
    assert dict(zip(c.comment_id, a.author)) == dict(zip(c.iloc[::-1].comment_id, b.author))
    assert users.nunique() == c.loc[~c.is_owner, "author"].nunique()
    other = com.pseudonymize(c, salt="s2")
    assert (other.loc[~other.is_owner, "author"] != users).all()
    assert c["author"].tolist()[0] == "ann"  # input untouched


def test_top_members_ranks_by_comments_with_sentiment():
    rows = []
    for i, (author, n, neg) in enumerate((("ann", 3, 1), ("bob", 5, 0), ("cem", 3, 3))):
        for k in range(n):
            rows.append(_c(f"{author}{k}", f"2026-03-0{k + 1} 10:00", author=author,
                           post=f"p{k % 2}", sentiment_label="negative" if k < neg else "positive",
                           sentiment_score=-0.5 if k < neg else 0.5))
    rows.append(_c("r", "2026-03-01 11:00", parent="ann0", owner=True))
    c = _comments(rows)
    t = com.top_members(c, n=2, pseudonymize=False)
    assert t["author"].tolist() == ["bob", "ann"]  # ann before cem on ties (by name)
    assert t["comments"].tolist() == [5, 3] and t["posts"].tolist() == [2, 2]
    assert t["negative_rate"].tolist() == pytest.approx([0.0, 1 / 3])
    assert t["mean_sentiment"].tolist() == pytest.approx([0.5, 0.5 / 3])
    assert t["replied_rate"].tolist() == pytest.approx([0.0, 1 / 3])
    p = com.top_members(c, n=2, salt="k")
    assert p["author"].str.fullmatch(r"member-[0-9a-f]{4,}").all()
    assert p["author"].tolist() == com.top_members(c, n=2, salt="k")["author"].tolist()


# -- negative spikes ---------------------------------------------------------------------------


def _daily_comments(days: int, per_day: int, neg_per_day: int, spike: dict | None = None,
                    seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2026-03-01 08:00", tz="UTC")
    n_neg = {d: neg_per_day for d in range(days)} | (spike or {})
    ts, lab = [], []
    for d in range(days):
        for k in range(per_day):
            ts.append(start + pd.Timedelta(days=d, minutes=int(rng.integers(0, 600))))
            lab.append("negative" if k < n_neg[d] else "neutral")
    df = pd.DataFrame({"platform": "facebook", "account": "brand", "post_id": "p",
                       "comment_id": [str(i) for i in range(len(ts))], "author": "u",
                       "is_owner": False, "published_at": ts, "text": "x",
                       "sentiment_label": lab, "source_file": "c.csv"})
    return COMMENTS.conform(df)


def test_negative_spikes_flags_the_spike_day_only():
    c = _daily_comments(60, 20, 1, spike={40: 14, 41: 12})
    s = com.negative_spikes(c, tz="UTC")
    assert len(s) == 60
    flagged = s.loc[s.flagged, "date"].tolist()
    assert flagged == [pd.Timestamp("2026-04-10"), pd.Timestamp("2026-04-11")]
    row = s[s.date == pd.Timestamp("2026-04-10")].iloc[0]
    assert row["comments"] == 20 and row["negative"] == 14
    # the baseline ignores the spike days: 1 negative in 20 comments
    assert row["baseline_rate"] == pytest.approx(0.05)
    assert s[s.date == pd.Timestamp("2026-04-11")].iloc[0]["baseline_rate"] == pytest.approx(0.05)


def test_negative_spikes_quiet_data_flags_nothing():
    rng = np.random.default_rng(7)
    c = _daily_comments(90, 25, 0, seed=7)
    # random 8 % negative labels, no episode
    c["sentiment_label"] = np.where(rng.random(len(c)) < 0.08, "negative", "neutral")
    assert not com.negative_spikes(c, tz="UTC").flagged.any()
    assert not com.negative_spikes(c, by="post").flagged.any()
    with pytest.raises(ParameterError, match="by='week'"):
        com.negative_spikes(c, by="week")


# -- workload ----------------------------------------------------------------------------------


def test_workload_grid_in_local_time():
    c = _thread()
    w = com.workload(c, tz="Europe/Berlin")
    assert len(w) == 7 * 24 and w["incoming"].sum() == 5 and w["replies"].sum() == 4
    mon = w[(w.weekday == 0)].set_index("hour")
    # 10:00 UTC on Monday 2 March is 11:00 in Berlin
    assert mon.loc[11, "incoming"] == 1 and mon.loc[11, "replies"] == 1
    assert mon.loc[9, "in_business_hours"] and not mon.loc[17, "in_business_hours"]
    assert not w[w.weekday == 5]["in_business_hours"].any()
    assert w["incoming_share"].sum() == pytest.approx(1.0)


# -- TRUTH recovery ------------------------------------------------------------------------------


def test_response_rates_match_truth(samples):
    truth = samples["truth"]["response"]
    r = com.response_rate(samples["comments"], tz="UTC", freq=None).set_index("platform")
    for plat, t in truth.items():
        assert r.loc[plat, "reply_rate"] == pytest.approx(t["reply_rate"], abs=0.01)
        assert r.loc[plat, "median_minutes"] == pytest.approx(t["median_minutes"], rel=0.02)


def test_unanswered_questions_and_top_members_match_truth(samples):
    truth = samples["truth"]
    q = com.unanswered_questions(samples["comments"], posts=samples["posts"])
    assert len(q) == pytest.approx(truth["unanswered_questions"], rel=0.05)
    assert q["published_at"].is_monotonic_decreasing
    assert q["permalink"].notna().mean() > 0.95
    t = com.top_members(samples["comments"], n=5, pseudonymize=False)
    assert t["author"].tolist() == truth["top_members"]


def test_angry_episode_is_found_and_nothing_else(samples):
    a = samples["truth"]["angry_episode"]
    s = com.negative_spikes(samples["comments"], tz=samples["truth"]["timezone"])
    flagged = s[s.flagged]
    assert set(flagged["platform"]) == {a["platform"]}
    days = set(flagged["date"].dt.strftime("%Y-%m-%d"))
    assert a["start"] in days
    assert days <= set(pd.date_range(a["start"], a["end"]).strftime("%Y-%m-%d"))
    posts = com.negative_spikes(samples["comments"], by="post")
    assert a["post_id"] in set(posts.loc[posts.flagged, "post_id"])


def test_response_rate_is_vectorised_for_large_tables():
    n = 200_000
    rng = np.random.default_rng(0)
    t = pd.Timestamp("2026-03-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 180 * 86400, n), "s")
    users = pd.DataFrame({"platform": "x", "account": "b", "post_id": "p",
                          "comment_id": [f"u{i}" for i in range(n)], "parent_id": pd.NA,
                          "author": "u", "is_owner": False, "published_at": t, "text": "",
                          "source_file": "c"})
    half = users.iloc[: n // 2]
    reps = half.assign(comment_id="r" + half["comment_id"], parent_id=half["comment_id"],
                       is_owner=True, published_at=half["published_at"] + pd.Timedelta("1h"))
    c = COMMENTS.conform(pd.concat([users, reps], ignore_index=True))
    r = com.response_rate(c, tz="UTC", freq="W")
    assert r["user_comments"].sum() == n and r["replied"].sum() == n // 2
    assert (r["median_minutes"] == 60).all()


def test_pseudonymize_replaces_mentions_of_commenters_in_texts():
    df = _comments([
        _c("1", "2026-03-02 10:00", author="Jörg Kaya", text="Wann liefert ihr?"),
        _c("2", "2026-03-02 10:30", author="Anna", text="@Jörg Kaya same question! @jörg kaya?"),
        _c("3", "2026-03-02 11:00", parent="1", owner=True, text="@Jörg Kaya morgen, @Anna auch"),
        _c("4", "2026-03-02 11:30", author="Bob", text="@Annabelle is not Anna; mail anna@example.com"),
    ])
    out = com.pseudonymize(df, salt="s")
    joerg, anna = out.loc[0, "author"], out.loc[1, "author"]
    assert out.loc[1, "text"] == f"@{joerg} same question! @{joerg}?"
    assert out.loc[2, "text"] == f"@{joerg} morgen, @{anna} auch"
    assert out.loc[3, "text"] == "@Annabelle is not Anna; mail anna@example.com"  # no partial or e-mail hits
    assert "Jörg" not in " ".join(out["text"])


# -- an account that never replied, no comments, naive times (issue #18, point 6) ---------------


def _no_replies(samples):
    """The Facebook comments of the samples without any comment by the account."""
    c = samples["comments"]
    return c[(c["platform"] == "facebook") & ~c["is_owner"]].reset_index(drop=True)


def test_account_that_never_replied_gets_zero_replies_not_a_merge_error(samples):
    users = _no_replies(samples)
    rt = com.reply_times(users, tz="Europe/Berlin", business_hours=("09:00", "17:00"))
    top_level = int(users["parent_id"].isna().sum())
    assert len(rt) == top_level > 100 and not rt["replied"].any()
    assert rt["minutes_to_reply"].isna().all() and rt["business_minutes_to_reply"].isna().all()
    rate = com.response_rate(users, freq=None, tz="Europe/Berlin", business_hours=("09:00", "17:00"))
    assert rate[["user_comments", "replied", "reply_rate"]].iloc[0].tolist() == [top_level, 0, 0.0]
    assert rate["median_minutes"].isna().all() and rate["account_replies"].iloc[0] == 0
    assert rate["outside_hours_rate"].isna().all()  # no replies: no share, not 0 % and not a division by 0


def test_without_replies_every_question_is_unanswered(samples):
    from toolkit.text import is_question

    users = _no_replies(samples)
    q = com.unanswered_questions(users)
    top = users[users["parent_id"].isna()]
    assert len(q) == int(is_question(top["text"]).sum()) > 10
    assert set(q["comment_id"]) <= set(top["comment_id"])


def test_top_members_without_replies_have_a_replied_rate_of_zero(samples):
    top = com.top_members(_no_replies(samples), n=5, salt="s")
    assert len(top) == 5 and (top["replied_rate"] == 0).all() and top["comments"].min() >= 1


def test_no_comments_give_empty_tables_with_their_columns():
    empty = COMMENTS.empty()
    assert list(com.reply_times(empty).columns)[:3] == ["platform", "account", "post_id"]
    assert len(com.response_rate(empty, tz="UTC", freq="W")) == 0
    assert "reply_rate" in com.response_rate(empty, tz="UTC", freq=None).columns
    assert len(com.unanswered_questions(empty, posts=POSTS.empty())) == 0
    assert len(com.top_members(empty.assign(sentiment_label=pd.Series(dtype="string")))) == 0
    assert len(com.workload(empty, tz="Europe/Berlin")) == 0


def test_naive_times_get_one_message_telling_to_localise():
    naive = _thread().assign(published_at=lambda d: d["published_at"].dt.tz_localize(None))
    for call in (lambda: com.reply_times(naive), lambda: com.response_rate(naive, tz="Europe/Berlin"),
                 lambda: com.workload(naive, tz="Europe/Berlin")):
        with pytest.raises(SchemaError, match=re.escape('comments["published_at"].dt.tz_localize("Europe/Berlin")')):
            call()
    with pytest.raises(ParameterError, match="'Europe/Berlni' is not an IANA time zone"):
        com.workload(_thread(), tz="Europe/Berlni")
