"""Sentiment and community charts draw the numbers of the tables they are given (read from fig.data)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

import toolkit as tk
from toolkit.errors import ParameterError


def _spikes():
    # Mon 2 Mar .. Sun 15 Mar 2026 for x: week 1 has 2/10 negative per day on Mon, 0/10 else; week 2 a spike
    days = pd.date_range("2026-03-02", "2026-03-15", freq="D")
    neg = [2, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 1]
    return pd.DataFrame({"platform": pd.array(["x"] * 14, dtype="string"),
                         "account": pd.array(["a"] * 14, dtype="string"), "date": days,
                         "comments": pd.array([10] * 14, dtype="Int64"), "negative": pd.array(neg, dtype="Int64"),
                         "flagged": [n == 9 for n in neg]})


def test_sentiment_timeline_weekly_shares_and_flagged_days():
    fig = tk.plots.sentiment_timeline(_spikes())
    assert isinstance(fig, go.Figure)
    line, marks = fig.data
    assert [str(pd.Timestamp(x).date()) for x in line.x] == ["2026-03-02", "2026-03-09"]
    assert list(line.y) == pytest.approx([2 / 70, 10 / 70])
    assert line.line.color == tk.plots.platform_color("x")
    assert [str(pd.Timestamp(x).date()) for x in marks.x] == ["2026-03-09"] and list(marks.y) == [0.9]
    assert fig.layout.yaxis.tickformat == ".0%"
    labels = [b.label for b in fig.layout.updatemenus[0].buttons]
    assert labels == ["All platforms", "x"]


def test_sentiment_timeline_daily_and_bad_input():
    fig = tk.plots.sentiment_timeline(_spikes(), freq="D")
    assert len(fig.data[0].x) == 14 and fig.data[0].y[7] == pytest.approx(0.9)
    with pytest.raises(ParameterError, match="freq='M'"):
        tk.plots.sentiment_timeline(_spikes(), freq="M")
    with pytest.raises(ParameterError, match=r"misses column\(s\) \['flagged'\].*negative_spikes"):
        tk.plots.sentiment_timeline(_spikes().drop(columns="flagged"))


def _comments():
    t = pd.to_datetime
    return pd.DataFrame({
        "platform": ["x", "x", "x", "x", "instagram", "instagram"],
        "account": ["a"] * 6, "post_id": ["p"] * 6,
        "comment_id": ["1", "2", "3", "4", "5", "6"], "parent_id": [pd.NA, "1", pd.NA, pd.NA, pd.NA, "5"],
        "author": ["<b>ann</b>", "a", "bob", "<b>ann</b>", "cy", "a"], "is_owner": [False, True, False, False, False, True],
        "published_at": t(["2026-03-02 08:00", "2026-03-02 10:00", "2026-03-03 08:00", "2026-03-04 08:00",
                           "2026-03-02 09:00", "2026-03-02 09:30"], utc=True),
        "text": ["Wann?", "Morgen", "ok", "gut", "hi", "hallo"],
        "sentiment_score": [0.0, 0.5, -0.6, 0.2, 0.1, 0.3],
        "sentiment_label": ["neutral", "positive", "negative", "neutral", "neutral", "positive"],
    })


def test_response_rates_draws_the_reply_rate_per_platform():
    rates = tk.community.response_rate(_comments(), tz="UTC", freq="W")
    fig = tk.plots.response_rates(rates)
    by_name = {t.name: t for t in fig.data}
    assert list(by_name["x"].y) == pytest.approx([1 / 3]) and list(by_name["instagram"].y) == [1.0]
    assert by_name["instagram"].customdata[0][2] == 0.5  # 30 minutes = 0.5 h median


def test_response_times_boxes_in_hours_with_unanswered_share():
    fig = tk.plots.response_times(tk.community.reply_times(_comments()))
    names = [t.name for t in fig.data]
    assert names == ["instagram (0% unanswered)", "x (67% unanswered)"]
    assert list(fig.data[0].y) == [0.5] and list(fig.data[1].y) == [2.0]
    assert fig.layout.yaxis.type == "log"
    with pytest.raises(ParameterError, match="business_minutes_to_reply"):
        tk.plots.response_times(tk.community.reply_times(_comments()), business=True)


def test_workload_heatmap_counts_and_platform_menu():
    wl = tk.community.workload(_comments(), tz="UTC")
    fig = tk.plots.workload_heatmap(wl)
    incoming_all, replies_all = fig.data[0], fig.data[1]
    assert incoming_all.z[0][8] == 1 and incoming_all.z[0][9] == 1  # Monday 08:00 (x) and 09:00 (instagram)
    assert replies_all.z[0][10] == 1 and replies_all.z[0][9] == 1
    assert sum(map(sum, incoming_all.z)) == 4 and sum(map(sum, replies_all.z)) == 2
    labels = [b.label for b in fig.layout.updatemenus[0].buttons]
    assert labels == ["All platforms", "instagram", "x"]
    assert fig.layout.updatemenus[0].buttons[2].args[0]["visible"] == [False, False, False, False, True, True]
    assert len(fig.layout.shapes) == 2 * 5  # business hours outlined on Mon-Fri in both panels


def test_members_escapes_names_and_colours_by_negative_share():
    top = tk.community.top_members(_comments(), pseudonymize=False)
    fig = tk.plots.members(top)
    bar = fig.data[0]
    assert list(bar.y) == ["cy", "bob", "&lt;b&gt;ann&lt;/b&gt;"]  # most active on top, markup escaped
    assert list(bar.x) == [1, 1, 2]
    assert list(bar.marker.color) == [0.0, 1.0, 0.0]
