"""Tests of toolkit/samples/: determinism, schema, and that TRUTH.json matches the data.

Fast checks use ``scale=0.1``; full-size checks read the committed files under data/samples
(and one test regenerates them to prove the committed files are current).
"""

from __future__ import annotations

import hashlib
import json
import warnings
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import toolkit as tk
from toolkit import samples
from toolkit.errors import InputFileError, ParameterError
from toolkit.schema import COMMENTS, DAILY, POSTS

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
TZ = "Europe/Berlin"


@pytest.fixture(scope="module")
def small():
    return samples.generate(scale=0.1)


@pytest.fixture(scope="module")
def full():
    return samples.generate()


@pytest.fixture(scope="module")
def truth():
    return json.loads((SAMPLES / "TRUTH.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def posts(sample_dataset):
    """The committed samples as users load them (real export formats, via tk.load)."""
    return sample_dataset.posts


@pytest.fixture(scope="module")
def comments(sample_dataset):
    """Comments on the posts; the WhatsApp community chat (also in the comments table, without posts)
    is checked in tests/test_samples_web.py."""
    c = sample_dataset.comments
    return c[c["platform"] != "whatsapp"].reset_index(drop=True)


@pytest.fixture(scope="module")
def daily(sample_dataset):
    return sample_dataset.daily


@pytest.fixture(scope="module")
def scored(posts, daily, full):
    """Posts with interactions (likes + shares) per follower on the publish day, local time."""
    fol = daily[daily["metric"] == "followers"][["platform", "date", "value"]]
    df = posts.merge(full.post_labels, on=["platform", "post_id"])
    local = df["published_at"].dt.tz_convert(TZ)
    df["date"] = local.dt.tz_localize(None).dt.normalize().astype("datetime64[ns]")
    df = df.merge(fol, on=["platform", "date"], how="left")
    assert df["value"].notna().all()
    df["weekday"] = local.dt.day_of_week.to_numpy()
    df["hour"] = local.dt.hour.to_numpy()
    df["inter"] = (df["likes"] + df["shares"]).astype(float)
    df["norm"] = df["inter"] / df["value"].astype(float)
    return df


def _in(df, weekdays, hours):
    return df["weekday"].isin(weekdays) & (df["hour"] >= hours[0]) & (df["hour"] < hours[1])


def _hashes(folder: Path) -> dict:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# --- determinism and API -----------------------------------------------------------------------
def test_generate_is_deterministic(small):
    again = samples.generate(scale=0.1)
    pd.testing.assert_frame_equal(small.posts, again.posts)
    pd.testing.assert_frame_equal(small.comments, again.comments)
    pd.testing.assert_frame_equal(small.daily, again.daily)
    assert small.truth == again.truth


def test_other_seed_gives_other_data(small):
    other = samples.generate(seed=1, scale=0.1)
    assert set(other.posts["post_id"]).isdisjoint(set(small.posts["post_id"]))
    assert other.truth["seed"] == 1


def test_written_files_are_byte_identical(tmp_path):
    a = samples.write(tmp_path / "a", scale=0.05)
    samples.write(tmp_path / "b", scale=0.05)
    assert _hashes(tmp_path / "a") == _hashes(tmp_path / "b")
    names = sorted(str(p.relative_to(tmp_path / "a")) for p in a)
    assert "TRUTH.json" in names and "README.md" in names
    # one folder per platform, plus the web analytics downloads and the community chat (#13.4)
    assert {n.split("/")[0] for n in names if "/" in n} == set(samples.PLATFORMS) | {"web", "whatsapp"}


def test_samples_are_real_platform_exports(sample_dataset, tmp_path):
    """The committed samples are in the platforms' own formats: several per platform, a zip,
    a tar.gz, a German-spreadsheet CSV; canonical CSVs only for what no export carries."""
    report = sample_dataset.load_report
    formats = set(report["format"])
    assert {"meta_posts_csv", "meta_daily_csv", "x_activity_csv", "x_archive_js", "linkedin_xlsx",
            "youtube_studio_table", "youtube_comment_threads", "tiktok_content_csv",
            "mastodon_outbox"} <= formats
    files = set(report["file"])
    assert any(".zip!" in f for f in files) and any(".tar.gz!" in f for f in files)
    german = (SAMPLES / "linkedin" / "kennzahlen_taeglich.csv").read_bytes()
    assert b";" in german.splitlines()[0] and german.decode("cp1252")
    # every post is in a platform export; the toolkit-*.csv files only fill in what exports lack
    exports_only = tmp_path / "exports"
    shutil.copytree(SAMPLES, exports_only, ignore=shutil.ignore_patterns("toolkit-*"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bare = tk.load(exports_only, tz=TZ, progress=False)
    assert len(bare.posts) == len(sample_dataset.posts)


def test_every_sample_row_is_accounted_for(sample_dataset):
    r = sample_dataset.load_report
    assert (r["rows_read"] == r["rows_loaded"] + r["duplicates_dropped"] + r["rows_rejected"]).all()
    rej = sample_dataset.rejected
    chat = rej["file"].str.contains("WhatsApp Chat", regex=False)
    # YouTube's Total row, and the Grand total row of each GA4 download (checked against the other rows)
    assert set(rej.loc[~chat, "reason"]) == {"totals row", "totals row (the sum of the other rows)"}
    assert rej["reason"].eq("totals row (the sum of the other rows)").sum() == 2
    assert chat.sum() >= 10  # the chat's system lines, media placeholders and a deleted message
    assert (rej["kind"] == "skipped").all()  # by design, so load() does not warn
    assert not r["format"].isin(["unrecognised", "unreadable"]).any()


def test_committed_samples_are_current(tmp_path):
    samples.write(tmp_path)
    assert _hashes(tmp_path) == _hashes(SAMPLES), \
        "data/samples is stale: run python -m toolkit.samples data/samples"


def test_import_does_no_work():
    code = ("import sys, toolkit.samples as s; "
            "heavy = [m for m in ('sklearn', 'nltk', 'plotly', 'textblob', 'langdetect') "
            "if m in sys.modules]; "
            "data = [n for n in vars(s) if type(vars(s)[n]).__name__ in ('DataFrame', 'SampleData')]; "
            "print(heavy, data)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    assert out.stdout.strip() == "[] []"


def test_bad_parameters_raise():
    with pytest.raises(ParameterError, match="scale=0"):
        samples.generate(scale=0)
    with pytest.raises(ParameterError, match="seed"):
        samples.generate(seed="abc")


def test_write_into_a_file_raises(tmp_path):
    f = tmp_path / "file.txt"
    f.write_text("x")
    with pytest.raises(InputFileError, match="file.txt"):
        samples.write(f, scale=0.05)


def test_cli_help_exits_cleanly():
    assert samples.main(["--help"]) == 0
    assert samples.main(["a", "b"]) == 2


# --- schema and shape -----------------------------------------------------------------------
def test_tables_match_the_canonical_schema(small):
    POSTS.validate(small.posts)
    COMMENTS.validate(small.comments)
    DAILY.validate(small.daily)
    assert list(small.posts.columns) == POSTS.names
    assert list(small.comments.columns) == COMMENTS.names


def test_committed_files_round_trip_exactly(full, posts, comments, daily):
    # What tk.load reads back from the platform exports equals the generator's frames: emoji,
    # umlauts, newlines, 19-digit ids, <NA> versus 0 all survive. Publish times agree to the
    # minute (Meta's and X's exports have minute precision).
    for got, want, table in ((posts, full.posts, POSTS), (comments, full.comments, COMMENTS),
                             (daily, full.daily, DAILY)):
        key = list(table.key)
        cols = [c for c in table.names if c != "source_file"]
        a = got[cols].sort_values(key, ignore_index=True)
        b = want[cols].sort_values(key, ignore_index=True)
        if "published_at" in cols:
            gap = (a["published_at"] - b["published_at"]).abs()
            assert gap.max() < pd.Timedelta(minutes=1), table.name
            a, b = a.drop(columns="published_at"), b.drop(columns="published_at")
        pd.testing.assert_frame_equal(a, b, check_dtype=False)


def test_counts_platforms_and_period(posts, comments, daily, truth):
    assert len(posts) >= 600
    assert len(comments) >= 20_000
    assert posts["platform"].nunique() == 7 >= 6
    local = posts["published_at"].dt.tz_convert(TZ)
    assert local.min() >= pd.Timestamp("2026-03-01", tz=TZ)
    assert local.max() < pd.Timestamp("2026-09-01", tz=TZ)
    assert (local.max() - local.min()).days >= 175
    assert comments["published_at"].max() < pd.Timestamp("2026-09-03", tz=TZ)
    n = posts.groupby("platform").size()
    assert n.idxmax() == "x" and n.idxmin() == "youtube"
    assert len(daily) == 184 * 15  # every day: 7 follower series + 8 other account metrics
    assert truth["counts"]["posts"] == len(posts)
    assert truth["counts"]["comments"] == len(comments)


def test_daily_has_every_day_and_growing_followers(daily, truth):
    fol = daily[daily["metric"] == "followers"]
    assert fol.groupby("platform")["date"].nunique().eq(184).all()
    for p, g in truth["growth"].items():
        s = fol[fol["platform"] == p].sort_values("date")["value"]
        assert s.iloc[0] == g["followers_start"] and s.iloc[-1] == g["followers_end"]
        assert g["followers_end"] > g["followers_start"]
    others = daily[daily["metric"] != "followers"].groupby("platform")["metric"].nunique()
    assert others.get("facebook") == 1 and others.get("instagram") == 2


def test_size_under_10_mb():
    total = sum(p.stat().st_size for p in SAMPLES.rglob("*") if p.is_file())
    assert total < 10_000_000


def test_metrics_are_those_each_platform_reports(posts):
    reported = {
        "x": {"impressions", "likes", "comments", "shares", "clicks", "engagements"},
        "instagram": {"views", "reach", "likes", "comments", "shares", "saves"},
        "facebook": {"views", "reach", "likes", "comments", "shares", "clicks"},
        "linkedin": {"impressions", "clicks", "likes", "comments", "shares"},
        "youtube": {"views", "impressions", "likes", "comments", "shares"},
        "tiktok": {"views", "likes", "comments", "shares", "saves"},
        "mastodon": {"likes", "shares", "comments"},
    }
    for p, metrics in reported.items():
        g = posts[posts["platform"] == p]
        for m in ("impressions", "reach", "views", "likes", "comments", "shares", "saves",
                  "clicks", "engagements"):
            assert g[m].notna().all() if m in metrics else g[m].isna().all(), (p, m)
    assert (posts["comments"] == 0).sum() >= 3 and (posts["shares"] == 0).sum() >= 3
    x = posts[posts["platform"] == "x"]
    assert (x["engagements"] >= x["likes"] + x["comments"] + x["shares"] + x["clicks"]).all()


def test_comments_metric_counts_comment_rows(posts, comments):
    rows = comments.groupby(["platform", "post_id"]).size()
    got = posts.set_index(["platform", "post_id"])["comments"]
    assert (got == rows.reindex(got.index).fillna(0).astype(int)).all()


def test_id_and_permalink_shapes(posts):
    x = posts[posts["platform"] == "x"]
    assert x["post_id"].str.fullmatch(r"\d{19}").all()
    ms = x["post_id"].map(lambda s: (int(s) >> 22) + 1288834974657)
    utc_ms = x["published_at"].astype("int64") // 1_000_000
    assert ((ms - utc_ms).abs() < 1000).all()  # snowflake encodes the publish time
    fb = posts[posts["platform"] == "facebook"]
    assert fb["post_id"].str.fullmatch(r"\d{15}_\d{16}").all()
    assert posts.loc[posts["platform"] == "instagram", "post_id"].str.fullmatch(r"\d{17,18}").all()
    assert posts.loc[posts["platform"] == "youtube", "post_id"].str.fullmatch(r"[\w-]{11}").all()
    assert posts.loc[posts["platform"] == "linkedin", "post_id"] \
        .str.fullmatch(r"urn:li:activity:\d{19}").all()
    assert posts.loc[posts["platform"] == "tiktok", "post_id"].str.fullmatch(r"\d{19}").all()
    assert posts.loc[posts["platform"] == "mastodon", "post_id"].str.fullmatch(r"\d{18}").all()
    for r in posts.itertuples():
        if r.platform != "instagram":
            assert r.post_id.split("_")[-1] in r.permalink
    assert posts["permalink"].str.startswith("https://").all()


def test_comments_come_after_their_post_and_parent(posts, comments):
    m = comments.merge(posts[["platform", "post_id", "published_at"]], on=["platform", "post_id"],
                       suffixes=("", "_post"))
    assert len(m) == len(comments)
    assert (m["published_at"] > m["published_at_post"]).all()
    par = comments.merge(comments[["platform", "comment_id", "published_at"]],
                         left_on=["platform", "parent_id"], right_on=["platform", "comment_id"],
                         suffixes=("", "_parent"))
    assert len(par) == comments["parent_id"].notna().sum()
    assert (par["published_at"] > par["published_at_parent"]).all()
    # fast decay: most comments within a day of the post
    delay = (m["published_at"] - m["published_at_post"]).dt.total_seconds() / 3600
    assert (delay < 24).mean() > 0.7


# --- texts ---------------------------------------------------------------------------------
def test_both_languages_and_rich_text(posts, comments, full):
    share_de = (full.comment_labels["lang"] == "de").mean()
    assert 0.5 < share_de < 0.7
    text = comments["text"]
    assert text.str.contains(r"\b(?:und|nicht|ich)\b").sum() > 2000  # German
    assert text.str.contains(r"\b(?:the|and|you)\b").sum() > 1000    # English
    for needle in ("❤️", "👍🏽", "👨‍👩‍👧", "ä", "ß"):
        assert text.str.contains(needle, regex=False).any(), needle
    post_text = posts["text"]
    for tag in ("#Röstfrisch", "#Kaffeepause", "#Frühstück", "#Straßenfest"):
        assert post_text.str.contains(tag, regex=False).any(), tag
    assert post_text.str.contains("\n", regex=False).mean() > 0.5
    assert post_text.str.contains(r"https://\S+").any() and text.str.contains(r"@\w").any()
    assert text.str.contains("<script>alert(1)</script>", regex=False).any()
    assert text.str.startswith("=HYPERLINK(").sum() == 1
    # not a handful of sentences repeated: many distinct comment texts, and short ones repeat
    assert text.nunique() > 3000
    assert text.value_counts().iloc[0] > 50


# --- TRUTH is consistent with the data -------------------------------------------------------
def test_truth_has_the_contract_keys(truth):
    for key in ("seed", "timezone", "period", "export_date", "accounts", "effects_apply_to",
                "best_windows", "hashtag_lift", "media_type_effects", "channel_fit",
                "viral_post_ids", "angry_episode", "response", "unanswered_questions",
                "top_members", "growth", "traps"):
        assert key in truth, key
    assert truth["seed"] == samples.SEED and truth["timezone"] == TZ
    assert len(truth["best_windows"]) == 7
    assert truth["hashtag_lift"]["hashtag"] == "röstfrisch"


def test_best_windows_show_their_lift(scored, truth):
    for w in truth["best_windows"]:
        g = scored[(scored["platform"] == w["platform"]) & ~scored["is_viral"]]
        inside = _in(g, w["weekdays"], w["hours"])
        assert inside.sum() == w["n_posts_in_window"] >= 15
        ratio = g.loc[inside, "norm"].median() / g.loc[~inside, "norm"].median()
        assert ratio > 1.3, (w["platform"], ratio)
        assert w["lift"] / 1.5 < ratio < w["lift"] * 1.5, (w["platform"], ratio)


def test_trap_fools_raw_averages_but_not_growth_detrended(scored, truth):
    t = truth["traps"][0]
    w = next(x for x in truth["best_windows"] if x["platform"] == t["platform"])
    g = scored[(scored["platform"] == t["platform"]) & ~scored["is_viral"]]
    trap = _in(g, t["weekdays"], t["hours"])
    rest = ~trap & ~_in(g, w["weekdays"], w["hours"])
    assert trap.sum() == t["n_posts"] >= 15
    raw = g.loc[trap, "inter"].mean() / g.loc[rest, "inter"].mean()
    detrended = g.loc[trap, "norm"].median() / g.loc[rest, "norm"].median()
    assert raw > 1.6            # a naive average says "post here"
    assert 0.75 < detrended < 1.3  # comparing with the account's size says "no effect"


def test_hashtag_lift(scored, truth):
    key = truth["hashtag_lift"]["hashtag"]
    g = scored[~scored["is_viral"]].copy()
    has = g["text"].str.casefold().str.contains("#" + key, regex=False)
    assert (has == g["has_hashtag"]).all()
    # compare within platform: each post against its platform's geometric mean
    g["rel"] = np.log(g["norm"]) - g.groupby("platform")["norm"].transform(lambda s: np.log(s).mean())
    lift = np.exp(g.loc[has, "rel"].mean() - g.loc[~has, "rel"].mean())
    assert 1.25 < lift < 1.9


def test_media_type_effects(scored, truth):
    for e in truth["media_type_effects"]:
        g = scored[(scored["platform"] == e["platform"]) & ~scored["is_viral"]]
        is_m = g["media_type"] == e["media_type"]
        ratio = g.loc[is_m, "norm"].median() / g.loc[~is_m, "norm"].median()
        assert e["lift"] / 1.4 < ratio < e["lift"] * 1.4, (e, ratio)


def test_channel_fit_groups(scored, truth):
    cf = truth["channel_fit"]
    assert len(cf["groups"]) == cf["n_groups"]
    g = scored.copy()
    g["rel"] = g["norm"] / g.groupby("platform")["norm"].transform("median")
    rel = {}
    for grp in cf["groups"]:
        ids = {(x["platform"], x["post_id"]) for x in grp["posts"]}
        rows = g[[k in ids for k in zip(g["platform"], g["post_id"])]]
        assert sorted(rows["platform"]) == sorted(cf["lift_by_platform"])
        assert rows["text"].str.contains(grp["url"], regex=False).all()
        assert grp["url"].startswith(cf["link_prefix"])
        for r in rows.itertuples():
            rel.setdefault(r.platform, []).append(r.rel)
    # paired: linkedin beats x on the same message, by about the planted factor
    ratio = np.median(np.array(rel["linkedin"]) / np.array(rel["x"]))
    planted = cf["lift_by_platform"]["linkedin"] / cf["lift_by_platform"]["x"]
    assert planted / 1.6 < ratio < planted * 1.6


def test_viral_posts_are_outliers_outside_windows(scored, truth):
    assert 3 <= len(truth["viral_post_ids"]) <= 6
    for v in truth["viral_post_ids"]:
        g = scored[scored["platform"] == v["platform"]]
        row = g[g["post_id"] == v["post_id"]].iloc[0]
        assert row["norm"] > 5 * g["norm"].median()
        w = next(x for x in truth["best_windows"] if x["platform"] == v["platform"])
        assert not (row["weekday"] in w["weekdays"] and w["hours"][0] <= row["hour"] < w["hours"][1])


def test_angry_episode(comments, full, truth):
    a = truth["angry_episode"]
    c = comments.merge(full.comment_labels, on=["platform", "comment_id"])
    user = c[(c["platform"] == a["platform"]) & ~c["is_owner"]]
    day = user["published_at"].dt.tz_convert(TZ).dt.strftime("%Y-%m-%d")
    in_ep = (day >= a["start"]) & (day <= a["end"])
    neg = user["sentiment"] == "negative"
    assert in_ep.sum() == a["n_comments"]
    assert neg[in_ep].mean() == pytest.approx(a["negative_share"], abs=1e-4)
    assert a["negative_share"] > 0.8 and a["baseline_negative_share"] < 0.08
    # the post itself has far more negative comments than any other post
    per_post = user[neg].groupby("post_id").size().sort_values(ascending=False)
    assert per_post.index[0] == a["post_id"] and per_post.iloc[0] > 10 * per_post.iloc[1:].median()
    # quiet elsewhere: weekly negative share stays low outside the episode
    week = user.loc[~in_ep, "published_at"].dt.tz_convert(TZ).dt.tz_localize(None).dt.to_period("W")
    weekly = neg[~in_ep].groupby(week).mean()
    assert weekly.max() < 0.15
    topic_words = user.loc[in_ep, "text"].str.contains("Lieferverzögerung|Frechheit|Never again",
                                                       regex=True)
    assert topic_words.sum() > 30


def test_response_and_unanswered_questions(comments, truth):
    top = comments[comments["parent_id"].isna() & ~comments["is_owner"]]
    owner = comments[comments["is_owner"]]
    first = owner.sort_values("published_at").drop_duplicates(["platform", "parent_id"])
    m = top.merge(first[["platform", "parent_id", "published_at"]], how="left",
                  left_on=["platform", "comment_id"], right_on=["platform", "parent_id"],
                  suffixes=("", "_reply"))
    for p, r in truth["response"].items():
        g = m[m["platform"] == p]
        answered = g["published_at_reply"].notna()
        assert answered.mean() == pytest.approx(r["reply_rate"], abs=1e-4)
        assert abs(answered.mean() - r["planted"]["reply_probability"]) < 0.05
        minutes = (g.loc[answered, "published_at_reply"] - g.loc[answered, "published_at"]) \
            .dt.total_seconds() / 60
        assert minutes.median() == pytest.approx(r["median_minutes"], abs=0.1)
    assert truth["response"]["x"]["median_minutes"] < truth["response"]["youtube"]["median_minutes"]
    q = m["text"].str.contains("?", regex=False)
    assert (q & m["published_at_reply"].isna()).sum() == truth["unanswered_questions"] > 100
    # brand replies: by the account, mostly in office hours (Mon-Fri 9-17 local)
    assert (owner["author"] == owner["platform"].map(truth["accounts"])).all()
    loc = owner["published_at"].dt.tz_convert(TZ)
    office = (loc.dt.day_of_week < 5) & (loc.dt.hour >= 9) & (loc.dt.hour < 17)
    assert office.mean() > 0.6
    # no question marks in replies by users (questions are top-level only)
    user_replies = comments[comments["parent_id"].notna() & ~comments["is_owner"]]
    assert not user_replies["text"].str.contains("?", regex=False).any()


def test_top_members_are_the_most_active(comments, truth):
    counts = comments.loc[~comments["is_owner"], "author"].value_counts()
    assert list(counts.index[:5]) == truth["top_members"]
    assert counts.iloc[4] > counts.iloc[5]
    assert counts.iloc[0] > 10 * counts.median()  # a few very active members
    assert 1500 <= len(counts) <= 3000
    assert not set(truth["accounts"].values()) & set(counts.index)
