"""tk.traffic: UTM parsing, source normalisation, traffic per channel/campaign, post days."""

import numpy as np
import pandas as pd
import pytest

import toolkit as tk
from toolkit.errors import ParameterError
from toolkit.io import Source, read
from toolkit.schema import TRAFFIC

from .io._traffic_util import FIX


def traffic(rows, **common):
    """A canonical traffic table from dicts (defaults: GA4 property 'shop', one March report)."""
    base = {"tool": "ga4", "property": "shop", "breakdown": "source,medium", "date": "2024-03-01",
            "date_to": "2024-03-31", "tz": "Europe/Berlin", "source_file": "t.csv"}
    return TRAFFIC.conform(pd.DataFrame([{**base, **common, **r} for r in rows]))


def posts(rows):
    df = pd.DataFrame(rows)
    df["published_at"] = pd.to_datetime(df["published_at"], utc=True)
    return df


@pytest.mark.parametrize("source, network", [
    ("facebook", "facebook"), ("m.facebook.com", "facebook"), ("fb", "facebook"), ("l.facebook.com", "facebook"),
    ("lm.facebook.com", "facebook"), ("Facebook", "facebook"), ("facebook.de", "facebook"),
    ("instagram", "instagram"), ("l.instagram.com", "instagram"), ("linkedin", "linkedin"), ("lnkd.in", "linkedin"),
    ("t.co", "x"), ("twitter.com", "x"), ("x.com", "x"), ("https://www.youtube.com/watch", "youtube"),
    ("tiktok.com", "tiktok"), ("mastodon.social", "mastodon"), ("chaos.social", "mastodon"),
    ("mastodon.example.org", "mastodon"), ("xing.com", "xing"), ("XING", "xing"), ("snapchat", "snapchat"),
    ("wa.me", "whatsapp"), ("l.threads.net", "threads"), ("bsky.app", "bluesky")])
def test_sources_map_to_networks(source, network):
    assert tk.traffic.normalize_source([source]).item() == network


def test_non_social_sources_and_scheduler_media():
    got = tk.traffic.normalize_source(["google", "(direct)", "newsletter", "hootsuite", "buffer"],
                                      medium=["organic", "(none)", "email", "linkedin", "social"]).tolist()
    assert got == [pd.NA, pd.NA, pd.NA, "linkedin", pd.NA]
    table = tk.traffic.sources()
    assert list(table.columns) == ["alias", "network"] and table.alias.is_unique
    assert set(table[table.network == "x"].alias) >= {"t.co", "twitter.com", "x.com"}


def test_add_network_classes_unattributed_rows():
    t = traffic([{"source": "l.facebook.com", "medium": "referral"}, {"source": "(direct)", "medium": "(none)"},
                 {"source": "(not set)", "medium": "(not set)"}, {"source": "google", "medium": "organic"},
                 {"source": "newsletter", "medium": "email"}, {"source": "partner.example", "medium": "referral"},
                 {"channel": "Organic Social", "breakdown": "channel"}, {"channel": "Direkte Zugriffe", "breakdown": "channel"},
                 {"channel": "Unassigned", "breakdown": "channel"}, {"channel": "Kampagnen", "breakdown": "channel"},
                 {"campaign": "fruehling24", "breakdown": "campaign"}, {"campaign": "facebook", "breakdown": "campaign"}])
    got = tk.traffic.add_network(t)
    assert got.traffic_class.tolist() == ["facebook", "direct / dark social", "(not set)", "search", "email", "other",
                                          "social (network not reported)", "direct / dark social", "(not set)",
                                          "campaign (network not reported)", "campaign (network not reported)",
                                          "facebook"]
    assert len(got) == len(t) and "network" not in t.columns      # input unchanged


def test_utm_parameters_schedulers_matomo_params_and_shortened_links():
    p = posts([
        {"platform": "facebook", "post_id": "1", "published_at": "2024-03-01 09:00",
         "text": "Neu! https://shop.example/a?utm_content=buffer2e55e&utm_medium=social&utm_source=facebook.com&utm_campaign=buffer"},
        {"platform": "x", "post_id": "2", "published_at": "2024-03-02 09:00",
         "text": "Lies https://shop.example/b?utm_source=hootsuite&utm_medium=twitter&utm_campaign=Fruehling24. Danke"},
        {"platform": "linkedin", "post_id": "3", "published_at": "2024-03-03 09:00",
         "text": "Kurz: https://bit.ly/3abcDEF und https://shop.example/c#mtm_campaign=Sommer&mtm_source=linkedin"}])
    u = tk.traffic.utm(p).set_index("post_id")
    assert u.loc["1", ["utm_source", "utm_campaign", "utm_content", "network", "scheduler"]].tolist() == \
        ["facebook.com", "buffer", "buffer2e55e", "facebook", "buffer"]
    assert u.loc["2", ["utm_campaign", "network", "scheduler"]].tolist() == ["fruehling24", "x", "hootsuite"]
    li = u.loc["3"]
    assert li.shortened.tolist() == [True, False] and li.utm_campaign.tolist()[1] == "sommer"
    assert str(u.loc["1", "published_at"]) == "2024-03-01 09:00:00+00:00"


def test_by_channel_uses_one_breakdown_and_keeps_unattributed_rows():
    t = pd.concat([
        traffic([{"source": "l.facebook.com", "medium": "referral", "sessions": 300, "engaged_sessions": 150,
                  "conversions": 9},
                 {"source": "instagram", "medium": "social", "sessions": 250, "engaged_sessions": 170, "conversions": 11},
                 {"source": "(direct)", "medium": "(none)", "sessions": 200, "engaged_sessions": 120, "conversions": 6},
                 {"source": "(not set)", "medium": "(not set)", "sessions": 150, "engaged_sessions": 80,
                  "conversions": 4}]),
        traffic([{"channel": "Organic Social", "sessions": 550, "engaged_sessions": 320, "conversions": 20},
                 {"channel": "Direct", "sessions": 350, "engaged_sessions": 200, "conversions": 10}],
                breakdown="channel")], ignore_index=True)
    p = posts([{"platform": "facebook", "post_id": "f1", "published_at": "2024-03-05 10:00", "reach": 600,
                "impressions": 900, "text": ""},
               {"platform": "facebook", "post_id": "f2", "published_at": "2024-03-31 23:30", "reach": 400,
                "impressions": 500, "text": ""},    # 1 April in Berlin: outside the report's period
               {"platform": "instagram", "post_id": "i1", "published_at": "2024-03-07 10:00", "reach": 2000,
                "impressions": 2600, "text": ""}])
    ch = tk.traffic.by_channel(t, posts=p, tz="Europe/Berlin").set_index("channel")
    assert ch.sessions.sum() == 900                                   # not 900 + 900
    assert set(ch.breakdown) == {"source,medium"}
    assert list(ch.index) == ["facebook", "instagram", "direct / dark social", "(not set)"]
    fb = ch.loc["facebook"]
    assert fb.n_posts == 1 and fb.exposure == 600 and fb.conversions_per_1000 == 15.0 and fb.per == "reach"
    assert fb.engaged_session_rate == 0.5 and fb.is_social and fb.formula == "1,000 x conversions / reach of the posts"
    assert ch.loc["instagram", "conversions_per_1000"] == 5.5
    assert pd.isna(ch.loc["(not set)", "conversions_per_1000"]) and not ch.loc["(not set)", "is_social"]
    assert ch.loc["direct / dark social", "share_of_sessions"] == pytest.approx(200 / 900)
    only_channels = tk.traffic.by_channel(t[t.breakdown == "channel"]).set_index("channel")
    assert only_channels.loc["social (network not reported)", "sessions"] == 550


def test_by_channel_matomo_uses_non_bounce_sessions_and_needs_tz_with_posts():
    t = traffic([{"source": "Facebook", "sessions": 12, "bounces": 4, "conversions": 1}], tool="matomo",
                breakdown="source")
    ch = tk.traffic.by_channel(t).iloc[0]
    assert ch.engaged_sessions == 8 and ch.engaged_basis == "non-bounce sessions"
    with pytest.raises(ParameterError, match="tz= is required"):
        tk.traffic.by_channel(t, posts=posts([{"platform": "facebook", "post_id": "1",
                                                "published_at": "2024-03-01", "text": ""}]))


def test_by_campaign_matches_lower_case_and_lists_campaigns_without_traffic():
    t = traffic([{"campaign": "fruehling24", "sessions": 45, "bounces": 15, "conversions": 6},
                 {"campaign": "facebook", "sessions": 9, "bounces": 9, "conversions": 0},
                 {"campaign": "(not set)", "sessions": 100, "bounces": 60, "conversions": 2}],
                tool="matomo", breakdown="campaign")
    p = posts([{"platform": "instagram", "post_id": "i1", "published_at": "2024-02-27 10:00", "reach": 3000,
                "text": "Jetzt: https://shop.example/?mtm_campaign=Fruehling24&mtm_source=instagram"},
               {"platform": "facebook", "post_id": "f1", "published_at": "2024-03-02 10:00", "reach": 1000,
                "text": "https://shop.example/?utm_campaign=FRUEHLING24&utm_source=facebook"},
               {"platform": "x", "post_id": "x1", "published_at": "2024-03-03 10:00", "reach": 500,
                "text": "https://shop.example/?utm_campaign=herbst24"}])
    c = tk.traffic.by_campaign(t, posts=p, tz="Europe/Berlin").set_index("campaign")
    f = c.loc["fruehling24"]
    assert f.n_posts == 2 and f.platforms == "facebook, instagram" and f.post_ids == "i1, f1"
    assert f.exposure == 4000 and f.conversions_per_1000 == 1.5 and f.engaged_session_rate == 30 / 45
    assert c.loc["(no campaign)", "sessions"] == 100 and c.loc["(no campaign)", "n_posts"] == 0
    assert pd.isna(c.loc["herbst24", "sessions"]) and c.loc["herbst24", "n_posts"] == 1
    assert list(c.index[:3]) == ["(no campaign)", "fruehling24", "facebook"]


def _planted(n_days=20, post_days=(3, 8, 13), on=50, off=10):
    days = pd.date_range("2024-03-01", periods=n_days, freq="D")
    rows = [{"date": d, "date_to": d, "source": "facebook", "medium": "social",
             "sessions": on if i in post_days else off} for i, d in enumerate(days)]
    rows += [{"date": d, "date_to": d, "source": "(direct)", "medium": "(none)", "sessions": 30} for d in days]
    t = traffic(rows, breakdown="date,source,medium")
    p = posts([{"platform": "facebook", "post_id": str(i), "published_at": days[i] + pd.Timedelta(hours=9),
                "text": ""} for i in post_days])
    return t, p


def test_daily_view_and_post_days_recover_a_planted_lift():
    t, p = _planted()
    d = tk.traffic.daily(t, posts=p, tz="Europe/Berlin")
    fb = d[d.channel == "facebook"]
    assert len(fb) == 20 and fb.post_day.sum() == 3 and fb.n_posts.sum() == 3
    s = tk.traffic.post_days(t, posts=p, tz="Europe/Berlin").set_index("channel")
    assert s.loc["facebook", ["n_post_days", "n_other_days"]].tolist() == [3, 17]
    assert s.loc["facebook", "sessions_post_days"] == 50 and s.loc["facebook", "ratio"] == 5.0
    assert "direct / dark social" not in s.index                 # no post days on direct: nothing to compare
    wider = tk.traffic.post_days(t, posts=p, tz="Europe/Berlin", days_after=1).set_index("channel")
    assert wider.loc["facebook", "n_post_days"] == 6


def test_no_effect_no_lift():
    t, p = _planted(on=10, off=10)
    s = tk.traffic.post_days(t, posts=p, tz="Europe/Berlin").set_index("channel")
    assert s.loc["facebook", "ratio"] == 1.0 and not s.loc["facebook", "clear"]


def test_noisy_null_is_not_claimed_and_a_real_lift_is():
    rng = np.random.default_rng(7)
    days = pd.date_range("2024-01-01", periods=90, freq="D")
    post_idx = list(range(2, 90, 7))
    noise = rng.poisson(40, size=90)
    lifted = noise + np.isin(np.arange(90), post_idx) * 40
    rows = [{"date": d, "date_to": d, "source": "facebook", "medium": "social", "sessions": int(noise[i])}
            for i, d in enumerate(days)]
    rows += [{"date": d, "date_to": d, "source": "instagram", "medium": "social", "sessions": int(lifted[i])}
             for i, d in enumerate(days)]
    t = traffic(rows, breakdown="date,source,medium")
    p = posts([{"platform": plat, "post_id": f"{plat}{i}", "published_at": days[i] + pd.Timedelta(hours=10),
                "text": ""} for i in post_idx for plat in ("facebook", "instagram")])
    s = tk.traffic.post_days(t, posts=p, tz="Europe/Berlin", seed=1).set_index("channel")
    assert not s.loc["facebook", "clear"] and s.loc["facebook", "ci_low"] < 1 < s.loc["facebook", "ci_high"]
    assert s.loc["instagram", "clear"] and s.loc["instagram", "ci_low"] > 1.5
    assert s.loc["instagram", "n_post_days"] == 13


def test_daily_from_loaded_exports_and_zone_warning():
    fr = [read(Source(f, (FIX / "ga4" / f).read_bytes()), tz="Europe/Berlin").tables["traffic"]
          for f in ("Free_form_1.csv",)]
    t = pd.concat(fr)
    p = posts([{"platform": "instagram", "post_id": "i", "published_at": "2024-03-01 08:00", "text": ""}])
    with pytest.warns(UserWarning, match="traffic's days are in"):
        d = tk.traffic.daily(t, posts=p, tz="UTC")
    ig = d[d.channel == "instagram"]
    assert ig.sessions.tolist() == [10, 10] and ig.post_day.tolist() == [True, False]
    with pytest.raises(ParameterError, match="tz= is required"):
        tk.traffic.daily(t, posts=p, tz=None)


def test_functions_do_not_modify_their_inputs():
    t, p = _planted()
    t0, p0 = t.copy(), p.copy()
    tk.traffic.by_channel(t, posts=p, tz="Europe/Berlin")
    tk.traffic.by_campaign(t, posts=p, tz="Europe/Berlin")
    tk.traffic.post_days(t, posts=p, tz="Europe/Berlin")
    pd.testing.assert_frame_equal(t, t0)
    pd.testing.assert_frame_equal(p, p0)


def test_by_channel_per_week_from_daily_reports():
    t, p = _planted(n_days=14, post_days=(1, 9))           # 2024-03-01 is a Friday
    w = tk.traffic.by_channel(t, posts=p, tz="Europe/Berlin", freq="week")
    fb = w[w.channel == "facebook"]
    assert fb.date_from.tolist() == [pd.Timestamp("2024-02-26"), pd.Timestamp("2024-03-04"), pd.Timestamp("2024-03-11")]
    assert fb.sessions.tolist() == [70, 110, 40] and fb.n_posts.tolist() == [1, 1, 0]
    assert w.groupby("date_from").share_of_sessions.sum().round(6).eq(1).all()
    with pytest.raises(ParameterError, match="freq='fortnight'"):
        tk.traffic.by_channel(t, freq="fortnight")


def test_a_dataset_brings_its_own_traffic_posts_and_zone():
    from types import SimpleNamespace
    t, p = _planted()
    ds = SimpleNamespace(traffic=t, posts=p, tz="Europe/Berlin")
    pd.testing.assert_frame_equal(tk.traffic.post_days(ds, seed=3), tk.traffic.post_days(t, posts=p, tz="Europe/Berlin",
                                                                                         seed=3))
    assert tk.traffic.by_channel(ds).set_index("channel").loc["facebook", "n_posts"] == 3
    with pytest.raises(ParameterError, match="pass posts="):
        tk.traffic.daily(t, tz="Europe/Berlin")


def test_end_to_end_from_exports_on_disk(tmp_path):
    """GA4 download + a Threads archive with a campaign link, loaded as a folder, joined by campaign."""
    import shutil
    import warnings

    shutil.copy(FIX / "ga4" / "runreport_daily_source_medium.json", tmp_path / "ga4.json")
    shutil.copytree(FIX / "threads" / "instagram-bergkaffee-2024-06-02", tmp_path / "threads")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ds = tk.load(tmp_path, tz="Europe/Berlin")
    assert len(ds.traffic) == 2 and "traffic" in ds.tables and "2 traffic rows" in repr(ds)
    camp = tk.traffic.by_campaign(ds).set_index("campaign")
    assert camp.loc["sommer24", ["sessions", "conversions", "n_posts", "platforms"]].tolist() == [2, 1, 1, "threads"]
    assert camp.loc["(no campaign)", "sessions"] == 7
    ch = tk.traffic.by_channel(ds).set_index("channel")
    assert ch.loc["facebook", "sessions"] == 2 and ch.loc["direct / dark social", "sessions"] == 7
