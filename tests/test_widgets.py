"""Widgets: change the controls from code and check the table and figure follow (headless)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import toolkit as tk
from toolkit.errors import ParameterError, SchemaError

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
TZ = "Europe/Berlin"


@pytest.fixture(scope="module")
def ds():
    return tk.load(SAMPLES, tz=TZ)


def test_best_times_explorer_follows_platform_metric_and_period(ds):
    w = tk.widgets.explore_best_times(ds.posts, tz=TZ, n_boot=100)
    first = sorted(ds.posts["platform"].unique())[0]
    assert w.controls["platform"].value == first
    assert set(w.table["platform"]) == {first} and first in w.figure.layout.title.text

    w.controls["platform"].value = "x"
    assert set(w.table["platform"]) == {"x"} and ": x" in w.figure.layout.title.text
    all_months = int(w.table["n_account_posts"].iloc[0])

    w.controls["metric"].value = "likes"
    assert set(w.table["metric"]) == {"likes"}
    assert "likes" in w.figure.layout.title.text

    w.controls["period"].index = (0, 0)  # first month only
    first_month = int(w.table["n_account_posts"].iloc[0])
    x = ds.posts[ds.posts["platform"] == "x"]
    month = x["published_at"].dt.tz_convert(TZ).dt.tz_localize(None).dt.to_period("M")
    assert first_month == int((month == month.min()).sum()) < all_months
    # posts of an early month are not "too young": the cut-off is the end of the export
    assert "younger" not in w.status.value


def test_best_times_explorer_rate_control(ds):
    w = tk.widgets.explore_best_times(ds.posts, tz=TZ, n_boot=100, platform="instagram")
    rate = w.controls["per"]
    # the first option is shown, not an empty box (ipywidgets shows a None value as no selection)
    assert rate.value == "count" and rate.label == "count (no denominator)" and rate.index == 0
    assert w.table["formula"].iloc[0].startswith("interactions =")  # a count, no denominator
    w.controls["per"].value = "reach"
    assert w.table["formula"].iloc[0].startswith("interactions_per_reach")


def _drawn(w) -> dict:
    """The chart in the explorer's own output area, as the front end receives it."""
    (out,) = w.output.outputs
    assert out["output_type"] == "display_data"
    return out["data"]["application/vnd.plotly.v1+json"]


def test_explorers_draw_inside_their_own_output_and_redraw_on_change(ds):
    w = tk.widgets.explore_best_times(ds.posts, tz=TZ, n_boot=100, platform="instagram")
    assert w.children[-1] is w.output  # the chart is below the controls, inside the widget
    before = _drawn(w)
    assert before["layout"]["title"]["text"] == w.figure.layout.title.text and ": instagram" in \
        before["layout"]["title"]["text"]
    w.controls["platform"].value = "facebook"
    after = _drawn(w)
    assert ": facebook" in after["layout"]["title"]["text"] and after["data"] != before["data"]


def test_kpis_explorer_has_one_control_per_quantity(ds):
    w = tk.widgets.explore_kpis(ds.posts, tz=TZ, daily=ds.daily)
    assert not w.figure.layout.updatemenus  # the widget's Metric dropdown is the only metric control
    assert not _drawn(w)["layout"].get("updatemenus")
    assert w.figure.layout.margin.t <= 80  # no empty band where the chart's dropdown was
    assert all(t.visible is not False for t in w.figure.data)
    n_platforms = ds.posts["platform"].nunique()
    assert len(w.figure.data) == n_platforms  # one line per channel, for the chosen metric only
    title = _drawn(w)["layout"]["title"]["text"]
    w.controls["metric"].value = "posts"
    assert _drawn(w)["layout"]["title"]["text"] != title and title.endswith("Engagement rate")


def test_period_readout_shows_both_months_in_full(ds):
    w = tk.widgets.explore_effects(ds.posts, tz=TZ, n_boot=100, platform="linkedin")
    slider = w.controls["period"]
    readout = slider._toolkit_readout
    assert slider.readout is False and readout.value == f"{slider.label[0]} \u2013 {slider.label[1]}"
    slider.index = (1, 1)
    assert readout.value == slider.label[0] and len(readout.value) == len("Apr 2026")
    feature = w.controls["feature"]
    assert feature.value == "all" and feature.label == "all"  # shown, not an empty box


def test_kpis_explorer_platforms_interval_and_metric(ds):
    w = tk.widgets.explore_kpis(ds.posts, tz=TZ, daily=ds.daily)
    n_monthly = len(w.table)
    assert set(w.table["platform"]) == set(ds.posts["platform"])
    w.controls["platforms"].value = ("linkedin", "x")
    assert set(w.table["platform"]) == {"linkedin", "x"}
    assert {t.name for t in w.figure.data if t.visible} == {"linkedin", "x"}
    w.controls["metric"].value = "followers"
    assert w.figure.layout.title.text.endswith("Followers")
    w.controls["every"].value = "W"
    two = ds.posts[ds.posts["platform"].isin(["linkedin", "x"])]
    week = two["published_at"].dt.tz_convert(TZ).dt.tz_localize(None).dt.to_period("W")
    assert len(w.table) == len(pd.DataFrame({"p": two["platform"], "w": week}).drop_duplicates())
    assert (w.table["period_start"].dt.day_of_week == 0).all()  # weeks start on Monday
    w.controls["formula"].value = "impressions"
    assert set(w.table["formula"]) == {"impressions"}
    assert n_monthly > 0


def test_effects_explorer_feature_and_metric(ds):
    w = tk.widgets.explore_effects(ds.posts, tz=TZ, n_boot=100, platform="linkedin")
    assert set(w.table["platform"]) == {"linkedin"}
    w.controls["feature"].value = "media_type"
    n_media = int((w.table["feature"] == "media_type").sum())
    assert sum(len(t.x) for t in w.figure.data) == n_media > 0
    w.controls["metric"].value = "likes"
    assert set(w.table["metric"]) == {"likes"}


def test_audience_explorer_value_control(ds):
    w = tk.widgets.explore_audience(ds.comments, tz=TZ, platform="youtube")
    assert len(w.table) == 168 and set(w.table["platform"]) == {"youtube"}
    w.controls["value"].value = "comments_per_hour"
    assert "Comments per hour" in w.figure.data[0].hovertemplate


def test_explorers_reject_empty_or_wrong_tables(ds):
    with pytest.raises(ParameterError, match="empty"):
        tk.widgets.explore_best_times(ds.posts.iloc[:0], tz=TZ)
    with pytest.raises(SchemaError, match="published_at"):  # the analyses' shared input check
        tk.widgets.explore_kpis(ds.posts.drop(columns="published_at"), tz=TZ)
    with pytest.raises(ParameterError, match="DataFrame"):
        tk.widgets.explore_effects([1, 2], tz=TZ)


def test_explorer_does_not_modify_the_input(ds):
    before = ds.posts.copy()
    w = tk.widgets.explore_effects(ds.posts, tz=TZ, n_boot=100)
    w.controls["metric"].value = "engagement_rate"
    pd.testing.assert_frame_equal(ds.posts, before)


def test_label_comments_records_clicks_and_escapes_text():
    comments = pd.DataFrame({"text": ["<b>toll</b> 😍", "schlecht", "geht so", "", "ok"],
                             "is_owner": [False, False, False, False, True]})
    lab = tk.widgets.label_comments(comments, n=10, seed=1)
    shown = list(lab._sample["text"])
    assert sorted(shown) == sorted(["<b>toll</b> 😍", "schlecht", "geht so"])  # no empty text, no owner
    answers = {"<b>toll</b> 😍": "positive", "schlecht": "negative", "geht so": "skip"}
    for text in shown:
        if text.startswith("<b>"):
            assert "&lt;b&gt;toll&lt;/b&gt; 😍" in lab.text.value  # user text is shown as text
        else:
            assert text in lab.text.value
        lab.buttons[answers[text]].click()
    got = lab.labels.set_index("text")["label"].to_dict()
    assert got == {"<b>toll</b> 😍": "positive", "schlecht": "negative"}
    assert all(b.disabled for b in lab.buttons.values()) and "All done" in lab.text.value
