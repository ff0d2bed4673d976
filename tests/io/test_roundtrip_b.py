"""Round trips: canonical frames -> Meta / LinkedIn / German-Excel writers -> toolkit.load -> same values."""

import zipfile

import pandas as pd
import pytest

import toolkit as tk
from toolkit.samples._exporters.generic_de import write_generic_de
from toolkit.samples._exporters.linkedin import write_linkedin
from toolkit.samples._exporters.meta import write_meta
from toolkit.schema import COMMENTS, DAILY, POSTS

TZ = "Europe/Berlin"
METRICS = ["impressions", "reach", "views", "likes", "comments", "shares", "saves", "clicks", "engagements"]


def _posts():
    rows = [
        # facebook: DST day, multi-line text with emoji/ZWJ and quotes, thousands, not reported vs zero
        dict(platform="facebook", account="Bergkaffee", post_id="100045700821521_1827720132094663",
             published_at="2024-03-31T16:00:00Z", text='Neu: „Bergröstung“ ☕️\nJetzt "probieren" 👩‍👩‍👧',
             media_type="photo", permalink="https://www.facebook.com/100045700821521/posts/1827720132094663",
             views=12400, reach=None, likes=20, comments=3, shares=0, clicks=7),
        dict(platform="facebook", account="Bergkaffee", post_id="100045700821521_1827720132094664",
             published_at="2024-04-02T07:05:00Z", text="", media_type="reel",
             permalink="https://www.facebook.com/reel/1", views=None, reach=1020, likes=0, comments=0,
             shares=1, clicks=0),
        dict(platform="instagram", account="bergkaffee", post_id="17841400000000001",
             published_at="2024-03-30T17:00:00Z", text="Grüße aus den Bergen 🏔️", media_type="carousel",
             permalink="https://www.instagram.com/p/AbC/", views=15000, reach=900, likes=56, comments=7,
             shares=2, saves=9),
        dict(platform="linkedin", account="bergkaffee", post_id="urn:li:activity:7180000000000000001",
             published_at="2024-03-30T23:00:00Z", text="Wir stellen ein – Röster:in (m/w/d) 🎉",
             media_type="image", permalink="https://www.linkedin.com/feed/update/urn:li:activity:7180000000000000001/",
             impressions=1234, likes=20, comments=3, shares=2, clicks=56),
    ]
    df = pd.DataFrame(rows)
    df["published_at"] = pd.to_datetime(df["published_at"], utc=True)
    df["date_only"] = df["platform"] == "linkedin"
    df["source_file"] = "truth"
    return POSTS.conform(df)


def _comments():
    df = pd.DataFrame([
        dict(platform="facebook", account="Bergkaffee", post_id="100045700821521_1827720132094663",
             comment_id="1827720132094663_1", author="Bergkaffee", is_owner=True,
             published_at=pd.Timestamp("2024-04-01T08:30:00Z"), text="Danke für’s Feedback! 😊", likes=2),
        dict(platform="facebook", account="Bergkaffee", post_id="100045700821521_1827720132094663",
             comment_id="1827720132094663_2", author="Fan", is_owner=False,
             published_at=pd.Timestamp("2024-04-01T08:00:00Z"), text="Lecker", likes=0),
    ])
    df["source_file"] = "truth"
    return COMMENTS.conform(df)


def _daily():
    days = pd.to_datetime(["2024-03-30", "2024-03-31", "2024-04-01"])
    rows = [dict(platform="facebook", account="Bergkaffee", date=d, metric="page_views", value=v)
            for d, v in zip(days, [180.0, 1204.0, 0.0])]
    rows += [dict(platform="linkedin", account="bergkaffee", date=d, metric="followers", value=v)
             for d, v in zip(days, [2100.0, 2106.0, 2111.0])]
    rows += [dict(platform="linkedin", account="bergkaffee", date=d, metric="impressions_organic", value=v)
             for d, v in zip(days, [400.0, 650.0, 12.0])]
    df = pd.DataFrame(rows)
    df["source_file"] = "truth"
    return DAILY.conform(df)


def _compare_posts(got, want, cols):
    got = got.set_index("post_id").sort_index()
    want = want.set_index("post_id").sort_index()
    assert list(got.index) == list(want.index)
    for c in cols:
        pd.testing.assert_series_equal(got[c], want[c], check_names=False, obj=c)


@pytest.mark.parametrize("platform", ["facebook", "instagram"])
def test_meta_round_trip(tmp_path, platform):
    posts, comments, daily = _posts(), _comments(), _daily()
    account = "Bergkaffee" if platform == "facebook" else "bergkaffee"
    files = write_meta(posts, comments, daily, tmp_path / "out", platform=platform, account=account, tz=TZ)
    again = write_meta(posts, comments, daily, tmp_path / "again", platform=platform, account=account, tz=TZ)
    assert [f.read_bytes() for f in files] == [f.read_bytes() for f in again]  # deterministic
    ds = tk.load(tmp_path / "out", tz=TZ)
    want = posts[posts.platform == platform]
    reported = ["views", "reach", "likes", "comments", "shares"] + (["clicks"] if platform == "facebook" else ["saves"])
    _compare_posts(ds.posts, want, ["platform", "account", "published_at", "text", "media_type", "permalink",
                                    *reported])
    r = ds.load_report
    assert (r.rows_read == r.rows_loaded + r.duplicates_dropped + r.rows_rejected).all()
    if platform == "facebook":
        assert any(f.suffix == ".zip" for f in files)
        with zipfile.ZipFile(next(f for f in files if f.suffix == ".zip")) as zf:
            assert "\\u00c3\\u00bc" in zf.read(zf.namelist()[0]).decode("ascii")  # Meta's mojibake
        c = ds.comments
        assert c.text.tolist() == ["Danke für’s Feedback! 😊"] and c.is_owner.all()
        assert c.published_at.tolist() == [pd.Timestamp("2024-04-01T08:30:00Z")]
        d = ds.daily
        assert (d.platform == "facebook").all() and d.metric.unique().tolist() == ["page_views"]
        assert d.value.tolist() == [180.0, 1204.0, 0.0]
        assert d.date.tolist() == list(pd.to_datetime(["2024-03-30", "2024-03-31", "2024-04-01"]))


def test_linkedin_round_trip(tmp_path):
    posts, daily = _posts(), _daily()
    files = write_linkedin(posts, None, daily, tmp_path, account="bergkaffee", tz=TZ)
    assert [f.name for f in files] == ["bergkaffee_content_1.xlsx", "bergkaffee_followers_1.xlsx"]
    ds = tk.load(tmp_path, tz=TZ)
    want = posts[posts.platform == "linkedin"]
    _compare_posts(ds.posts, want, ["platform", "account", "published_at", "date_only", "text", "media_type",
                                    "permalink", "impressions", "likes", "comments", "shares", "clicks"])
    d = ds.daily.set_index(["metric", "date"]).value
    assert d["impressions_organic"].tolist() == [400.0, 650.0, 12.0]
    assert pd.isna(d["new_followers_total"].iloc[0]) and d["new_followers_total"].iloc[1:].tolist() == [6.0, 5.0]
    assert ds.posts.engagement_rate.iloc[0] == pytest.approx(round((56 + 20 + 3 + 2) / 1234, 4))


def test_generic_de_round_trip(tmp_path):
    posts, daily = _posts(), _daily()
    files = write_generic_de(posts, daily, tmp_path, tz=TZ)
    raw = files[0].read_bytes()
    assert b"\r\n" in raw and "Veröffentlicht".encode("cp1252") in raw and b";" in raw
    ds = tk.load(tmp_path, tz=TZ)
    _compare_posts(ds.posts, posts, ["platform", "account", "published_at", "date_only", "media_type",
                                     "permalink", *METRICS])
    # cp1252 has no emoji: they become '?', as when Excel saves; the rest of the text survives
    got = ds.posts.set_index("post_id").text
    assert got["17841400000000001"] == "Grüße aus den Bergen ??"
    assert got["urn:li:activity:7180000000000000001"] == "Wir stellen ein – Röster:in (m/w/d) ?"
    d = ds.daily.sort_values(["platform", "metric", "date"]).reset_index(drop=True)
    want = daily.sort_values(["platform", "metric", "date"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(d.drop(columns="source_file"), want.drop(columns="source_file"))
