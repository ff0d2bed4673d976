"""Charts: read fig.data and fig.layout, never pixels."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import toolkit as tk
from toolkit.errors import ParameterError


def _slots(platform: str, rows: list[tuple]) -> pd.DataFrame:
    """best_times-shaped rows: (weekday, hour, hour_end, n_posts, lift, ci_low, ci_high, recommended)."""
    df = pd.DataFrame(rows, columns=["weekday", "hour", "hour_end", "n_posts", "lift", "ci_low",
                                     "ci_high", "recommended"])
    df.insert(0, "platform", platform)
    df.insert(1, "account", platform + "_acc")
    df["slot"] = [f"d{w} {h:02d}-{e:02d}" for w, h, e in zip(df.weekday, df.hour, df.hour_end)]
    df["metric"] = "interactions"
    df["tz"] = "Europe/Berlin"
    return df


@pytest.fixture
def slots():
    a = _slots("instagram", [(2, 18, 21, 10, 2.0, 1.3, 3.0, True),    # Wed 18-21, recommended
                             (0, 9, 12, 3, 1.5, 0.7, 3.2, False),      # Mon 9-12, thin
                             (4, 0, 3, 0, np.nan, np.nan, np.nan, False),
                             (5, 21, 24, 9, 0.5, 0.3, 0.9, False)])    # Sat 21-24, worse
    b = _slots("x", [(1, 6, 9, 12, 1.25, 0.9, 1.7, False)])
    return pd.concat([a, b], ignore_index=True)


def test_best_times_heatmap_colours_lift_greys_thin_slots_and_outlines_recommended(slots):
    fig = tk.plots.best_times(slots, min_posts=8)
    assert isinstance(fig, go.Figure)
    assert len(fig.data) == 4  # (thin layer, lift layer) x 2 platforms
    thin, lift = (np.array(t.z, dtype=float) for t in fig.data[:2])
    # Wed (2) 18:00-20:59 lift 2.0 -> log2 = 1 in each of the three hours, nothing at 21:00
    assert lift[2, 18] == lift[2, 20] == 1.0 and np.isnan(lift[2, 21])
    assert lift[5, 23] == -1.0  # lift 0.5
    # the thin slot (3 posts < 8) is grey, not coloured; the empty slot is blank in both layers
    assert np.isnan(lift[0, 9]) and thin[0, 9] == 0 and np.isnan(thin[2, 18])
    assert np.isnan(lift[4, 0]) and np.isnan(thin[4, 0])
    # hover data: slot label and posts
    assert list(fig.data[1].customdata[2][19][:2]) == ["d2 18-21", 10]
    # recommended slot outlined as a rectangle over its cells
    (shape,) = fig.layout.shapes
    assert (shape.x0, shape.x1, shape.y0, shape.y1) == (17.5, 20.5, 1.5, 2.5)
    assert "Europe/Berlin" in fig.layout.xaxis.title.text


def test_best_times_dropdown_switches_platform_and_its_outlines(slots):
    fig = tk.plots.best_times(slots)
    buttons = fig.layout.updatemenus[0].buttons
    assert [b.label for b in buttons] == ["instagram", "x"]
    assert buttons[1].args[0]["visible"] == [False, False, True, True]
    assert buttons[1].args[1]["shapes"] == []  # x has no recommended slot
    assert "no slot recommended" in buttons[1].args[1]["title.text"]
    assert [t.visible for t in fig.data] == [True, True, False, False]


def test_best_times_platform_first_and_errors(slots):
    fig = tk.plots.best_times(slots, platform="x")
    assert fig.data[0].visible and fig.data[0].name.startswith("x")
    with pytest.raises(ParameterError, match="platform='tiktok'.*found"):
        tk.plots.best_times(slots, platform="tiktok")
    with pytest.raises(ParameterError, match=r"misses column\(s\) \['recommended'\]"):
        tk.plots.best_times(slots.drop(columns="recommended"))
    empty = tk.plots.best_times(slots.iloc[:0])
    assert len(empty.data) == 0 and "No slots" in empty.layout.annotations[0].text


def test_best_times_on_real_output_outlines_every_recommended_slot():
    posts = tk.schema.POSTS.conform(pd.DataFrame({
        "platform": "x", "account": "a", "post_id": [str(i) for i in range(40)],
        # 20 posts Monday 08:xx Berlin (06:xx UTC in summer) doing 4x better, 20 on Thursday 15:xx
        "published_at": pd.to_datetime([f"2024-06-{3 + 7 * (i % 4):02d} 06:{i:02d}" for i in range(20)]
                                       + [f"2024-06-{6 + 7 * (i % 4):02d} 13:{i:02d}" for i in range(20)],
                                       utc=True),
        "likes": [40 + i % 3 for i in range(20)] + [10 + i % 3 for i in range(20)],
        "source_file": "f"}))
    table = tk.timing.best_times(posts, tz="Europe/Berlin", slot_hours=3, min_age_days=0,
                                 min_posts=5, progress=False)
    fig = tk.plots.best_times(table, min_posts=5)
    rec = table[table["recommended"]]
    assert len(fig.layout.shapes) == len(rec) >= 1
    assert {int(s.y0 + 0.5) for s in fig.layout.shapes} == set(rec["weekday"])


def test_audience_activity_heatmap_places_values_and_counts():
    rows = []
    for plat, busy in (("facebook", (5, 11)), ("youtube", (2, 20))):
        df = pd.DataFrame({"platform": plat, "weekday": np.repeat(np.arange(7), 24),
                           "hour": np.tile(np.arange(24), 7), "n_comments": 0,
                           "activity_index": 0.5, "comments_per_hour": 0.1, "share": 0.0,
                           "tz": "Europe/Berlin"})
        sel = (df.weekday == busy[0]) & (df.hour == busy[1])
        df.loc[sel, ["n_comments", "activity_index"]] = [42, 4.0]
        rows.append(df)
    table = pd.concat(rows, ignore_index=True)
    fig = tk.plots.audience_activity(table)
    assert len(fig.data) == 2
    z = np.array(fig.data[0].z, dtype=float)
    assert z[5, 11] == 4.0 and z[0, 0] == 0.5
    assert fig.data[0].customdata[5][11] == 42
    assert [b.label for b in fig.layout.updatemenus[0].buttons] == ["facebook", "youtube"]
    fig2 = tk.plots.audience_activity(table, value="comments_per_hour", platform="youtube")
    assert fig2.data[0].name == "youtube" and np.array(fig2.data[0].z, dtype=float)[0, 0] == 0.1
    with pytest.raises(ParameterError, match="value='busy'"):
        tk.plots.audience_activity(table, value="busy")


@pytest.fixture
def kpi_table():
    return pd.DataFrame({
        "platform": ["facebook", "facebook", "x", "x"], "account": "a",
        "period_start": pd.to_datetime(["2024-01-01", "2024-02-01"] * 2),
        "posts": [10, 12, 30, 28], "reach": pd.array([1000, 1500, pd.NA, pd.NA], dtype="Int64"),
        "impressions": pd.array([pd.NA] * 4, dtype="Int64"),
        "interactions": [50, 90, 60, 56],
        "engagement_rate": [0.05, 0.06, 0.02, 0.02], "formula": ["reach", "reach", "impressions",
                                                                 "impressions"]})


def test_kpis_lines_per_channel_with_a_metric_dropdown(kpi_table):
    fig = tk.plots.kpis(kpi_table)
    # engagement_rate, posts, reach, interactions are reported; impressions never is
    labels = [b.label for b in fig.layout.updatemenus[0].buttons]
    assert labels == ["Engagement rate", "Posts", "Reach", "Interactions"]
    assert len(fig.data) == 4 * 2
    visible = [t for t in fig.data if t.visible]
    assert [t.name for t in visible] == ["facebook", "x"]
    assert list(visible[0].y) == [0.05, 0.06] and fig.layout.yaxis.tickformat == ".1%"
    assert visible[0].line.color == tk.plots.platform_color("facebook")
    assert "by %{customdata}" in visible[0].hovertemplate and visible[0].customdata[0] == "reach"
    posts_button = fig.layout.updatemenus[0].buttons[1]
    assert posts_button.args[0]["visible"] == [False, False, True, True] + [False] * 4
    assert posts_button.args[1]["yaxis"]["tickformat"] == ","


def test_kpis_starts_on_the_requested_metric_and_rejects_unknown(kpi_table):
    fig = tk.plots.kpis(kpi_table, metric="posts")
    assert fig.layout.updatemenus[0].active == 1
    assert [list(t.y) for t in fig.data if t.visible] == [[10, 12], [30, 28]]
    with pytest.raises(ParameterError, match="views"):
        tk.plots.kpis(kpi_table, metric="views")


@pytest.fixture
def effects_table():
    return pd.DataFrame({
        "platform": ["linkedin"] * 4 + ["x"],
        "account": "a",
        "feature": ["hashtag", "media_type", "media_type", "emoji", "link"],
        "value": ["röstfrisch", "video", "link", "yes", "yes"],
        "n_posts": [21, 19, 34, 85, 25], "n_other": [89, 91, 76, 25, 225],
        "lift": [1.8, 0.55, 1.77, 0.9, 0.54], "ci_low": [1.26, 0.40, 1.27, 0.7, 0.41],
        "ci_high": [2.52, 0.74, 2.34, 1.2, 0.71], "flagged": [True, True, True, False, True],
        "metric": "interactions"})


def test_effects_dots_with_intervals_line_at_one_and_flagged_highlighted(effects_table):
    fig = tk.plots.effects(effects_table)
    assert len(fig.data) == 4  # (flagged, not flagged) x 2 platforms
    flagged, unclear = fig.data[0], fig.data[1]
    # top-to-bottom order: media type (lift descending), emoji, hashtags
    ticks = list(fig.layout.yaxis.ticktext)
    assert ticks == ["media type: link (n=34)", "media type: video (n=19)", "emoji: yes (n=85)",
                     "#röstfrisch (n=21)"]
    assert list(flagged.x) == [1.77, 0.55, 1.8] and list(flagged.y) == [0, 1, 3]
    assert np.allclose(flagged.error_x.array, [2.34 - 1.77, 0.74 - 0.55, 2.52 - 1.8])
    assert np.allclose(flagged.error_x.arrayminus, [1.77 - 1.27, 0.55 - 0.40, 1.8 - 1.26])
    assert flagged.marker.color == tk.plots.platform_color("linkedin")
    assert list(unclear.x) == [0.9] and unclear.marker.color == "white"
    (line,) = fig.layout.shapes
    assert line.x0 == line.x1 == 1 and fig.layout.xaxis.type == "log"
    x_button = fig.layout.updatemenus[0].buttons[1]
    assert x_button.label == "x" and x_button.args[1]["yaxis"]["ticktext"] == ["link: yes (n=25)"]


def test_effects_feature_filter_and_empty(effects_table):
    fig = tk.plots.effects(effects_table, feature="media_type")
    assert sum(len(t.x) for t in fig.data) == 2 and fig.layout.updatemenus == ()
    empty = tk.plots.effects(effects_table, feature="question")
    assert len(empty.data) == 0 and "No effect" in empty.layout.annotations[0].text


def test_hashtags_scatter_only_hashtag_rows_labels_clear_effects(effects_table):
    extra = effects_table.iloc[[0]].assign(value="kaffee", n_posts=40, lift=1.05, ci_low=0.8,
                                           ci_high=1.3, flagged=False)
    fig = tk.plots.hashtags(pd.concat([effects_table, extra], ignore_index=True))
    (trace,) = fig.data
    assert list(trace.x) == [21, 40] and list(trace.y) == [1.8, 1.05]
    assert list(trace.text) == ["#röstfrisch", ""]  # only the clear effect carries a label
    assert trace.customdata[1][0] == "#kaffee"
    assert fig.layout.shapes[0].y0 == 1


def test_channel_fit_sorted_by_lift_with_intervals_and_message_dots():
    summary = pd.DataFrame({"platform": ["linkedin", "x", "tiktok"], "n_groups": [28, 26, 1],
                            "lift": [1.6, 0.56, 0.3], "ci_low": [1.2, 0.45, np.nan],
                            "ci_high": [2.1, 0.7, np.nan], "flagged": [True, True, False]})
    groups = pd.DataFrame({"group": ["g001", "g001", "g002"], "platform": ["linkedin", "x", "x"],
                           "lift": [2.6, 1.0, 0.4]})
    fig = tk.plots.channel_fit(summary, groups=groups)
    assert list(fig.layout.yaxis.ticktext) == ["tiktok (1 message)", "x (26 messages)",
                                               "linkedin (28 messages)"]
    dots = [t for t in fig.data if t.name.endswith("single messages")]
    assert {t.name: len(t.x) for t in dots} == {"linkedin: single messages": 1, "x: single messages": 2}
    main = {t.name: t for t in fig.data if not t.name.endswith("single messages")}
    assert main["linkedin"].y[0] == 2 and math.isclose(main["linkedin"].error_x.array[0], 0.5)
    assert main["tiktok"].error_x.visible is False  # no interval for one message
    assert main["x"].marker.color == tk.plots.platform_color("x")
    assert main["tiktok"].marker.color == "white"


def test_charts_do_not_touch_plotly_defaults(slots):
    import plotly.io as pio

    before = (pio.templates.default, pio.renderers.default)
    tk.plots.best_times(slots)
    assert (pio.templates.default, pio.renderers.default) == before
