"""The samples' web analytics (GA4, Matomo) and WhatsApp community chat: the truths planted by
toolkit/samples/_web.py (TRUTH.json "web") are recovered by tk.load and tk.traffic / tk.community
from the committed files (issue #13.4)."""

from __future__ import annotations

import pandas as pd
import pytest

import toolkit as tk
from toolkit.samples import _web

TZ = "Europe/Berlin"


@pytest.fixture(scope="module")
def web(sample_truth):
    return sample_truth["web"]


@pytest.fixture(scope="module")
def channels(sample_dataset):
    return tk.traffic.by_channel(sample_dataset)


@pytest.fixture(scope="module")
def campaigns(sample_dataset):
    return tk.traffic.by_campaign(sample_dataset)


def test_both_tools_are_loaded_from_their_downloads(sample_dataset):
    r = sample_dataset.load_report
    web = r[r["file"].str.contains("/web/", regex=False)]
    assert sorted(web["format"]) == ["ga4_csv", "ga4_csv", "matomo_csv", "matomo_csv"]
    assert set(sample_dataset.traffic["tool"]) == {"ga4", "matomo"}
    assert (sample_dataset.traffic["tz"] == TZ).all()
    raw = (sample_dataset.traffic["source"] == "m.facebook.com").sum()
    assert raw > 100  # the sources stay as the tools report them; tk.traffic normalises them


def test_linkedin_drives_the_most_engaged_sessions_facebook_the_most_sessions(channels, web):
    ga4 = channels[(channels["tool"] == "ga4") & channels["is_social"]].set_index("channel")
    assert ga4["engaged_sessions"].idxmax() == web["ga4"]["most_engaged_sessions_network"] == "linkedin"
    assert ga4["sessions"].idxmax() == web["ga4"]["most_sessions_network"] == "facebook"
    for net, n in web["ga4"]["engaged_sessions_by_network"].items():
        assert ga4.loc[net, "engaged_sessions"] == n, net
        assert ga4.loc[net, "sessions"] == web["ga4"]["sessions_by_network"][net], net
        assert ga4.loc[net, "conversions"] == web["ga4"]["key_events_by_network"][net], net
    # planted engaged-session rates are recovered within sampling noise
    for net, rate in web["planted"]["engaged_rate"].items():
        assert ga4.loc[net, "engaged_session_rate"] == pytest.approx(rate, abs=0.06), net


def test_unattributed_traffic_is_shown_not_dropped(channels, web):
    ga4 = channels[channels["tool"] == "ga4"].set_index("channel")
    assert ga4.loc["direct / dark social", "sessions"] == web["ga4"]["direct_sessions"]
    assert "(not set)" in ga4.index and ga4.loc["(not set)", "sessions"] > 0
    assert ga4["sessions"].sum() == web["ga4"]["sessions"]
    assert ga4["share_of_sessions"].sum() == pytest.approx(1.0)


def test_campaign_conversions_in_ga4_and_matomo(campaigns, web):
    for tool, sess, conv in (("ga4", "ga4_sessions", "ga4_key_events"),
                             ("matomo", "matomo_visits", "matomo_conversions")):
        c = campaigns[campaigns["tool"] == tool].set_index("campaign")
        for name, t in web["campaigns"].items():
            assert c.loc[name, "sessions"] == t[sess], (tool, name)
            assert c.loc[name, "conversions"] == t[conv], (tool, name)
            assert c.loc[name, "n_posts"] == t["n_posts"], (tool, name)  # the join found the posts
            assert c.loc[name, "platforms"] == ", ".join(t["platforms"])
        posted = c.loc[list(web["campaigns"])]
        assert posted["conversions"].idxmax() == web["campaign_most_key_events"] == "sommerroestung26"
        assert c.loc["(no campaign)", "sessions"] > 0 if tool == "ga4" else True


def test_matomo_sees_more_visits_than_ga4_consent(campaigns, web):
    c = campaigns.set_index(["tool", "campaign"])["sessions"]
    for name in web["campaigns"]:
        share = c[("ga4", name)] / c[("matomo", name)]
        assert share == pytest.approx(web["consent_share"], abs=0.05), name


def test_post_links_carry_the_campaigns_of_the_exports(sample_dataset, web):
    links = tk.traffic.utm(sample_dataset.posts).dropna(subset=["utm_campaign"])
    assert set(links["utm_campaign"]) == set(web["campaigns"])
    assert (links["network"] == links["platform"]).all()  # utm_source=twitter is X
    per = links.drop_duplicates(["platform", "post_id"]).groupby("utm_campaign").size()
    assert per.to_dict() == {k: v["n_posts"] for k, v in web["campaigns"].items()}
    local = links["published_at"].dt.tz_convert(TZ).dt.strftime("%Y-%m-%d")
    for name, (d0, d1) in web["planted"]["campaign_windows"].items():
        days = local[links["utm_campaign"] == name.lower()]
        assert days.min() >= d0 and days.max() <= d1


def test_posts_bring_visitors_on_their_days(sample_dataset):
    pdays = tk.traffic.post_days(sample_dataset, days_after=1, seed=1)
    ga4 = pdays[pdays["tool"] == "ga4"].set_index("channel")
    for net in ("facebook", "instagram", "linkedin"):
        assert ga4.loc[net, "ratio"] > 1.5 and ga4.loc[net, "clear"], net
    assert "search" not in ga4.index  # no posts on search: nothing to compare


def test_whatsapp_chat_reply_times(sample_dataset, web):
    chat = sample_dataset.comments[sample_dataset.comments["platform"] == "whatsapp"]
    t = web["whatsapp"]
    assert len(chat) == t["member_messages"] + t["owner_messages"]
    assert set(chat.loc[chat["is_owner"], "author"]) == {t["owner"]}  # recognised without owner=
    rate = tk.community.response_rate(chat, freq=None, tz=TZ).iloc[0]
    assert rate["user_comments"] == t["conversations"]
    assert rate["replied"] == t["answered"] < t["conversations"]
    assert rate["median_minutes"] == pytest.approx(t["median_reply_minutes"], abs=0.1)
    # the planted office-hours delay is the floor: evening questions wait for the morning
    assert t["median_reply_minutes"] > t["planted"]["delay_median_minutes_office_hours"]
    assert not chat["author"].str.contains(r"\+49 151 2345", regex=True).any()  # phone numbers masked
    note = sample_dataset.load_report.set_index("format").loc["whatsapp_chat", "notes"]
    assert "chat owner taken from the account names" in note


def test_the_chat_owner_can_be_named_and_unknown_names_stay_members(tmp_path):
    chat = tmp_path / "WhatsApp Chat mit Test.txt"
    chat.write_text("01.03.26, 10:00 - Anna Berger: Hallo, habt ihr offen?\n"
                    "01.03.26, 10:30 - Bergkaffee: Ja, bis 18 Uhr!\n", encoding="utf-8")
    alone = tk.load(chat, tz=TZ, progress=False)
    assert not alone.comments["is_owner"].any()  # nothing to compare the names with
    named = tk.load(chat, tz=TZ, owner="Bergkaffee", progress=False)
    assert named.comments["is_owner"].sum() == 1
    assert tk.community.response_rate(named.comments, freq=None, tz=TZ)["median_minutes"].iloc[0] == 30


def test_web_samples_are_seeded_apart_from_the_posts():
    days = list(pd.date_range("2026-03-01", "2026-03-31").date)
    posts = tk.samples.generate(scale=0.05).posts
    a, b = _web.generate(posts, days, 7), _web.generate(posts, days, 7)
    pd.testing.assert_frame_equal(a["visits"], b["visits"])
    assert a["chat"] == b["chat"]


def test_channels_share_the_report_period_and_are_ranked_by_sessions(channels, sample_dataset):
    # bug found on the rendered page: a channel's first day with a visit was taken as its period, which
    # broke the ranking and narrowed the posts counted for its exposure
    for _, g in channels.groupby("tool"):
        assert g["sessions"].is_monotonic_decreasing
        assert g["date_from"].nunique() == 1 and g["date_to"].nunique() == 1
    ga4 = channels[channels["tool"] == "ga4"].set_index("channel")
    assert ga4.loc["facebook", "date_from"] == pd.Timestamp("2026-03-01")
    posts = sample_dataset.posts
    assert ga4.loc["facebook", "n_posts"] == (posts["platform"] == "facebook").sum()
    assert str(ga4["exposure"].dtype) == "Int64"  # sums of reach are whole numbers, not floats


def test_select_cuts_daily_traffic_and_keeps_overlapping_period_totals(sample_dataset):
    day = tk.inventory.select(sample_dataset, date_from="2026-05-12", date_to="2026-05-12", tz=TZ).traffic
    daily = day[day["breakdown"] == "date,source,medium"]
    assert set(daily["date"]) == {pd.Timestamp("2026-05-12")} and len(daily) > 5
    whole = day[day["breakdown"] == "campaign"]  # the campaign downloads cover the whole period: kept whole
    assert (whole["date"] == pd.Timestamp("2026-03-01")).all() and len(whole) == 12
    assert tk.inventory.select(sample_dataset, date_from="2030-01-01", tz=TZ).traffic.empty
