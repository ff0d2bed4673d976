"""Charts of web traffic (toolkit/_plots_traffic.py, exported as tk.plots.traffic_*): they draw the
numbers of the tk.traffic tables they are given, per tool, and say so when there is nothing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import toolkit as tk
from toolkit.errors import ParameterError
from toolkit.schema import TRAFFIC


@pytest.fixture(scope="module")
def ds(sample_dataset):
    return sample_dataset


@pytest.fixture(scope="module")
def channels(ds):
    return tk.traffic.by_channel(ds)


def test_by_channel_bars_are_the_table_numbers_with_a_menu_per_tool(channels):
    fig = tk.plots.traffic_by_channel(channels)
    assert len(fig.data) == 4  # sessions and engaged sessions, for GA4 and Matomo
    ga4 = channels[channels["tool"] == "ga4"].set_index("channel")
    bars = dict(zip(fig.data[0].y, fig.data[0].x))
    solid = dict(zip(fig.data[1].y, fig.data[1].x))
    assert bars == {c: float(v) for c, v in ga4["sessions"].items()}
    assert solid["linkedin"] == float(ga4.loc["linkedin", "engaged_sessions"])
    assert list(fig.data[0].y)[-1] == ga4["sessions"].idxmax()  # largest at the top
    assert [t.visible for t in fig.data] == [True, True, False, False]
    menu = fig.layout.updatemenus[0]
    assert [b.label for b in menu.buttons] == ["Google Analytics 4 (Bergkaffee Shop - GA4)", "Matomo"]
    assert menu.buttons[1].args[0]["visible"] == [False, False, True, True]
    colors = dict(zip(fig.data[1].y, fig.data[1].marker.color))
    assert colors["facebook"] == tk.plots.platform_color("facebook") and colors["search"] == "#9e9e9e"
    # Matomo has no engaged sessions: its hover says non-bounce
    assert "non-bounce sessions" in fig.data[2].hovertemplate


def test_by_campaign_labels_give_conversions_per_1000(ds):
    camp = tk.traffic.by_campaign(ds)
    fig = tk.plots.traffic_by_campaign(camp)
    assert len(fig.data) == 2
    ga4 = camp[camp["tool"] == "ga4"].set_index("campaign")
    bar = dict(zip(fig.data[0].y, fig.data[0].x))
    assert bar["sommerroestung26"] == float(ga4.loc["sommerroestung26", "conversions"])
    labels = dict(zip(fig.data[0].y, fig.data[0].text))
    v = ga4.loc["journal", "conversions_per_1000"]
    assert labels["journal"].startswith(f"{v:.2f} per 1,000 ")
    assert labels["(no campaign)"] == ""
    colors = dict(zip(fig.data[0].y, fig.data[0].marker.color))
    assert colors["newsletter"] == "#9e9e9e" and colors["journal"] != "#9e9e9e"


def test_daily_lines_and_post_day_dots(ds):
    days = tk.traffic.daily(ds)
    fig = tk.plots.traffic_daily(days)
    names = [t.name for t in fig.data if t.mode == "lines"]
    assert "search" not in names and "facebook" in names  # social networks only by default
    fb = days[(days["tool"] == "ga4") & (days["channel"] == "facebook")]
    line = next(t for t in fig.data if t.name == "facebook")
    dots = next(t for t in fig.data if t.name == "facebook: post day")
    assert np.array_equal(np.asarray(line.y, dtype=float), fb["sessions"].astype(float).to_numpy())
    assert line.visible is True  # facebook is among the three busiest
    assert len(dots.x) == int(fb["post_day"].sum()) > 50
    everything = tk.plots.traffic_daily(days, social=False)
    assert "search" in [t.name for t in everything.data]
    # the three busiest networks are drawn, the others wait in the legend
    lines = [t for t in fig.data if t.mode == "lines" and t.visible is not False]
    top = fb.groupby("channel")["sessions"].sum()  # facebook alone; compare with the table's ranking below
    ranking = (days[days["tool"] == "ga4"].groupby("channel")["sessions"].sum()
               .loc[[t.name for t in lines]].sort_values(ascending=False).index.tolist())
    assert [t.name for t in lines if t.visible is True] == ranking[:3] and len(top) == 1
    assert all(t.visible == "legendonly" for t in lines[3:])


def test_empty_tables_say_so_and_wrong_tables_are_named():
    empty = pd.DataFrame(columns=TRAFFIC.names)
    fig = tk.plots.traffic_by_channel(tk.traffic.by_channel(empty))
    assert not fig.data and "No web-analytics sessions" in fig.layout.annotations[0].text
    assert tk.report.show(fig, empty="x").text == "x"
    with pytest.raises(ParameterError, match=r"traffic_by_campaign\(\).*'campaign'.*tk.traffic.by_campaign"):
        tk.plots.traffic_by_campaign(pd.DataFrame({"tool": ["ga4"]}))


def test_headline_names_the_engaged_leader(ds, sample_truth):
    text = tk.traffic.headline(ds)
    web = sample_truth["web"]["ga4"]
    social = sum(web["sessions_by_network"].values())
    assert text.startswith(f"Website (Google Analytics 4): social networks brought {social:,} of "
                           f"{web['sessions']:,} sessions")
    assert f"; linkedin brought the most engaged sessions ({web['engaged_sessions_by_network']['linkedin']:,}" in text
    assert tk.traffic.headline(pd.DataFrame(columns=TRAFFIC.names)) is None
