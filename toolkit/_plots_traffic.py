"""Charts of web traffic from social media (results of :mod:`toolkit.traffic`), re-exported by
:mod:`toolkit.plots`. One function per computation; each returns a plotly Figure and never calls
``.show()``. Where a table holds several tools (GA4 and Matomo count differently), a dropdown
switches between them without a kernel.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._colors import platform_color
from ._plots_community import _empty_figure
from .errors import ParameterError

__all__ = ["traffic_by_channel", "traffic_by_campaign", "traffic_daily"]

_TOOL_NAMES = {"ga4": "Google Analytics 4", "ua": "Universal Analytics", "matomo": "Matomo"}
_GREY = "#9e9e9e"


def _require(table: pd.DataFrame, columns: list[str], chart: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ParameterError(f"tk.plots.{chart}(): the table misses column(s) {missing}; found "
                             f"{list(table.columns)}. Pass the result of tk.traffic.{chart.replace('traffic_', '')}().")


def _views(table: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """(label, rows) per tool and property, in a stable order."""
    out = []
    keys = table[["tool", "property"]].astype("string").fillna("")
    for (tool, prop), idx in keys.groupby(["tool", "property"], sort=True).groups.items():
        label = _TOOL_NAMES.get(tool, tool) + (f" ({prop})" if prop else "")
        out.append((label, table.loc[idx]))
    return out


def _menu(fig, labels: list[str], counts: list[int], titles: list[str], shown: list | None = None) -> None:
    """A dropdown showing one view's traces (``shown``: each trace's state in its view, True or "legendonly")."""
    if len(labels) < 2:
        return
    total = sum(counts)
    shown = shown or [True] * total
    buttons = []
    start = 0
    for lab, n, title in zip(labels, counts, titles):
        vis = [shown[i] if start <= i < start + n else False for i in range(total)]
        buttons.append({"label": lab, "method": "update", "args": [{"visible": vis}, {"title.text": title}]})
        start += n
    fig.update_layout(updatemenus=[{"buttons": buttons, "active": 0, "x": 0.0, "xanchor": "left", "y": 1.02,
                                    "yanchor": "bottom"}], margin={"t": 110})


def _color(channel: str, social: bool) -> str:
    return platform_color(channel) if social and channel != "social (network not reported)" else _GREY


def traffic_by_channel(table: pd.DataFrame, *, title: str | None = None):
    """Sessions and engaged sessions per channel (the result of :func:`toolkit.traffic.by_channel`).

    One horizontal bar per channel: the light bar is all sessions, the solid bar inside it the
    engaged sessions (non-bounce visits for Matomo and Universal Analytics), coloured by network;
    unattributed and non-social traffic is grey. The hover gives the engaged-session rate and the
    conversions. With several tools, a dropdown switches between them.

    Returns
    -------
    plotly.graph_objects.Figure
        Two bar traces per tool (sessions, engaged sessions).
    """
    import plotly.graph_objects as go

    _require(table, ["tool", "property", "channel", "is_social", "sessions", "engaged_sessions",
                     "engaged_session_rate", "conversions"], "traffic_by_channel")
    base = title or "Website sessions by channel"
    if table.empty or not table["sessions"].fillna(0).gt(0).any():
        return _empty_figure(base, "No web-analytics sessions in this period.")
    fig = go.Figure()
    labels, counts, titles = [], [], []
    for k, (label, rows) in enumerate(_views(table)):
        rows = rows.sort_values("sessions", ascending=True, na_position="first")
        colors = [_color(c, bool(s)) for c, s in zip(rows["channel"], rows["is_social"])]
        basis = rows["engaged_basis"].dropna().iloc[0] if "engaged_basis" in rows and rows[
            "engaged_basis"].notna().any() else "engaged sessions"
        sess = rows["sessions"].astype("float64").to_numpy()
        eng = rows["engaged_sessions"].astype("float64").to_numpy()
        rate = rows["engaged_session_rate"].astype("float64").to_numpy()
        conv = rows["conversions"].astype("float64").to_numpy()
        custom = np.column_stack([eng, rate, conv])
        fig.add_trace(go.Bar(y=rows["channel"], x=sess, orientation="h", name="sessions", visible=k == 0,
                             marker={"color": colors, "opacity": 0.35}, customdata=custom,
                             hovertemplate="%{y}: %{x:,.0f} sessions, %{customdata[0]:,.0f} " + basis
                                           + " (%{customdata[1]:.0%}), %{customdata[2]:,.0f} conversions"
                                           "<extra></extra>"))
        fig.add_trace(go.Bar(y=rows["channel"], x=eng, orientation="h", name=basis, visible=k == 0,
                             marker={"color": colors}, width=0.5, hoverinfo="skip"))
        labels.append(label)
        counts.append(2)
        titles.append(f"{base}: {label}")
    fig.update_layout(template="plotly_white", title={"text": titles[0], "x": 0.0, "xanchor": "left"},
                      barmode="overlay", showlegend=False, xaxis={"title": {"text": "Sessions (solid: engaged)"},
                                                                  "tickformat": ","},
                      yaxis={"title": {"text": ""}}, height=max(360, 34 * table["channel"].nunique() + 160))
    _menu(fig, labels, counts, titles)
    return fig


def traffic_by_campaign(table: pd.DataFrame, *, title: str | None = None):
    """Conversions per campaign (the result of :func:`toolkit.traffic.by_campaign`).

    One horizontal bar per campaign with its conversions; campaigns that posts link to are
    coloured, the rest (newsletters, "(no campaign)") grey; the label on each bar gives
    conversions per 1,000 of the posts' exposure where it could be computed. The hover gives
    sessions, the engaged-session rate and the posts. With several tools, a dropdown switches.

    Returns
    -------
    plotly.graph_objects.Figure
        One bar trace per tool.
    """
    import plotly.graph_objects as go

    _require(table, ["tool", "property", "campaign", "sessions", "conversions", "n_posts",
                     "conversions_per_1000"], "traffic_by_campaign")
    base = title or "Conversions by campaign"
    if table.empty or not table["sessions"].fillna(0).gt(0).any():
        return _empty_figure(base, "No web-analytics sessions with a campaign in this period.")
    fig = go.Figure()
    labels, counts, titles = [], [], []
    for k, (label, rows) in enumerate(_views(table)):
        rows = rows[rows["sessions"].fillna(0) > 0].sort_values("conversions", ascending=True, na_position="first")
        posted = rows["n_posts"].fillna(0).astype(int) > 0
        per1000 = rows["conversions_per_1000"].astype("float64")
        per = rows["per"].astype("string").fillna("") if "per" in rows else pd.Series("", index=rows.index)
        text = [f"{v:.2f} per 1,000 {p}" if np.isfinite(v) else "" for v, p in zip(per1000, per)]
        custom = np.column_stack([rows["sessions"].astype("float64"), rows["engaged_session_rate"].astype("float64"),
                                  rows["n_posts"].astype("float64")])
        fig.add_trace(go.Bar(y=rows["campaign"], x=rows["conversions"].astype("float64"), orientation="h",
                             visible=k == 0, text=text, textposition="auto",
                             marker={"color": ["#E69F00" if p else _GREY for p in posted]}, customdata=custom,
                             hovertemplate="%{y}: %{x:,.0f} conversions from %{customdata[0]:,.0f} sessions "
                                           "(engaged %{customdata[1]:.0%}); %{customdata[2]:.0f} posts link to it"
                                           "<extra></extra>"))
        labels.append(label)
        counts.append(1)
        titles.append(f"{base}: {label}")
    fig.update_layout(template="plotly_white", title={"text": titles[0], "x": 0.0, "xanchor": "left"},
                      showlegend=False, xaxis={"title": {"text": "Conversions (key events)"}, "tickformat": ","},
                      yaxis={"title": {"text": ""}}, height=max(320, 40 * table["campaign"].nunique() + 160))
    _menu(fig, labels, counts, titles)
    return fig


def traffic_daily(table: pd.DataFrame, *, social: bool = True, n: int = 3, title: str | None = None):
    """Daily sessions per channel with the post days marked (the result of :func:`toolkit.traffic.daily`).

    One line per channel (social networks only unless ``social=False``); the ``n`` channels
    with the most sessions are drawn, the others are in the legend to click on (so the lines stay
    readable). Dots mark the days with a post on that channel. With several tools, a dropdown
    switches between them.

    Returns
    -------
    plotly.graph_objects.Figure
        Per tool and channel a line trace and a marker trace.
    """
    import plotly.graph_objects as go

    from .traffic import SOURCES

    _require(table, ["tool", "property", "channel", "date", "sessions", "n_posts", "post_day"], "traffic_daily")
    base = title or "Daily website sessions by channel, post days marked"
    t = table
    if social and len(t):
        t = t[t["channel"].isin(set(SOURCES.values()) | {"(all traffic)"})]
    if t.empty or not t["sessions"].fillna(0).gt(0).any():
        return _empty_figure(base, "No daily web-analytics sessions from social networks in this period.")
    fig = go.Figure()
    labels, counts, titles, shown = [], [], [], []
    for k, (label, rows) in enumerate(_views(t)):
        count = 0
        order = rows.groupby("channel")["sessions"].sum().sort_values(ascending=False, kind="stable").index
        for rank, chan in enumerate(order):
            state = True if rank < n else "legendonly"
            r = rows[rows["channel"] == chan].sort_values("date")
            color = platform_color(chan) if chan != "(all traffic)" else _GREY
            fig.add_trace(go.Scatter(x=r["date"], y=r["sessions"].astype("float64"), mode="lines", name=chan,
                                     legendgroup=f"{k}-{chan}", visible=state if k == 0 else False,
                                     line={"color": color, "width": 1.5},
                                     hovertemplate=f"{chan}<br>%{{x|%a %d %b %Y}}: %{{y:,.0f}} sessions<extra></extra>"))
            on = r[r["post_day"].astype(bool)]
            fig.add_trace(go.Scatter(x=on["date"], y=on["sessions"].astype("float64"), mode="markers",
                                     name=f"{chan}: post day", legendgroup=f"{k}-{chan}", showlegend=False,
                                     visible=state if k == 0 else False, marker={"color": color, "size": 5},
                                     customdata=on["n_posts"].astype("float64"),
                                     hovertemplate=f"{chan}<br>%{{x|%a %d %b %Y}}: %{{y:,.0f}} sessions, "
                                                   f"%{{customdata:.0f}} post(s)<extra></extra>"))
            count += 2
            shown += [state, state]
        labels.append(label)
        counts.append(count)
        titles.append(f"{base}: {label}")
    fig.update_layout(template="plotly_white", title={"text": titles[0], "x": 0.0, "xanchor": "left"},
                      xaxis={"title": {"text": "Day"}}, yaxis={"title": {"text": "Sessions"}, "rangemode": "tozero",
                                                               "tickformat": ","},
                      legend_title="Channel (dots: post days; click to add)")
    _menu(fig, labels, counts, titles, shown)
    return fig
