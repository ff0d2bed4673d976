"""Charts for sentiment and community care; re-exported by :mod:`toolkit.plots`.

Each function takes the table of one :mod:`toolkit.community` function and returns a plotly
Figure. Text that users wrote (names, comments) is HTML-escaped before it reaches plotly, whose
labels understand a little HTML: ``<b>`` in a comment shows as ``<b>``, never as bold, and no
markup can turn into a link or a script.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from ._colors import platform_color
from ._time import WEEKDAY_ABBR, freq_code, period_start
from .errors import ParameterError

__all__ = ["sentiment_timeline", "response_rates", "response_times", "workload_heatmap", "members"]

_WEEKDAYS = list(WEEKDAY_ABBR)
_NEGATIVE = "#D62728"


def _need(table: pd.DataFrame, columns: list[str], chart: str, source: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ParameterError(f"tk.plots.{chart}(): the table misses column(s) {missing}; found "
                             f"{list(table.columns)}. Pass the result of {source}.")


def _empty_figure(title: str, message: str):
    import plotly.graph_objects as go

    fig = go.Figure()
    fig.update_layout(title=title, template="plotly_white", xaxis_visible=False,
                      yaxis_visible=False,
                      annotations=[{"text": message, "showarrow": False, "x": 0.5, "y": 0.5,
                                    "xref": "paper", "yref": "paper", "font": {"size": 14}}])
    return fig


def _esc(values) -> list[str]:
    """User text made safe for plotly labels (HTML-escaped; missing values as '')."""
    return [html.escape(str(v)) if v is not None and not pd.isna(v) else "" for v in values]


def _platform_menu(platforms: list[str], traces_per_platform: int, *, all_label: str | None = None,
                   extra_before: int = 0) -> dict:
    """A dropdown showing one platform's traces at a time (or all of them)."""
    n = len(platforms) * traces_per_platform + extra_before
    buttons = []
    if all_label:
        buttons.append({"label": all_label, "method": "restyle", "args": [{"visible": [True] * n}]})
    for k, p in enumerate(platforms):
        vis = [False] * n
        for j in range(traces_per_platform):
            vis[extra_before + k * traces_per_platform + j] = True
        buttons.append({"label": p, "method": "restyle", "args": [{"visible": vis}]})
    return {"buttons": buttons, "active": 0, "x": 1.0, "xanchor": "right", "y": 1.15, "yanchor": "top"}


def sentiment_timeline(spikes: pd.DataFrame, *, freq: str = "W", title: str | None = None):
    """Share of negative comments over time per platform, flagged spike days marked.

    Parameters
    ----------
    spikes : pandas.DataFrame
        Result of :func:`toolkit.community.negative_spikes` with ``by="day"`` (columns platform,
        date, comments, negative, flagged).
    freq : {"W", "D"}
        Draw weekly shares (negative / comments summed over the week starting Monday) or daily
        shares. Flagged days are always drawn as red markers at their daily share.
    title : str, optional
        Chart title.

    Returns
    -------
    plotly.graph_objects.Figure
        One line per platform (y = negative share, 0..1) plus one marker trace per platform with
        the flagged days; a dropdown shows all platforms or one.
    """
    import plotly.graph_objects as go

    _need(spikes, ["platform", "date", "comments", "negative", "flagged"], "sentiment_timeline",
          "tk.community.negative_spikes(comments, by='day')")
    freq = freq_code(freq, where="tk.plots.sentiment_timeline()", allowed=("W", "D"))
    d = spikes.assign(platform=spikes["platform"].astype(str),
                      date=pd.to_datetime(spikes["date"]),
                      comments=spikes["comments"].astype("float64"),
                      negative=spikes["negative"].astype("float64"))
    d["period"] = period_start(d["date"], freq, where="tk.plots.sentiment_timeline()")
    agg = d.groupby(["platform", "period"], as_index=False)[["comments", "negative"]].sum()
    agg["share"] = agg["negative"] / agg["comments"].where(agg["comments"] > 0)
    fig = go.Figure()
    platforms = sorted(agg["platform"].unique())
    unit = "week of" if freq == "W" else "day"
    for p in platforms:
        rows = agg[agg["platform"] == p].sort_values("period")
        fig.add_trace(go.Scatter(
            x=rows["period"], y=rows["share"], mode="lines", name=p, legendgroup=p,
            line={"color": platform_color(p)},
            customdata=np.c_[rows["negative"], rows["comments"]],
            hovertemplate=(f"{p}, {unit} %{{x|%d %b %Y}}<br>negative share %{{y:.1%}} "
                           "(%{customdata[0]:.0f} of %{customdata[1]:.0f} comments)<extra></extra>")))
        flagged = d[(d["platform"] == p) & d["flagged"].astype(bool)].sort_values("date")
        flagged_share = flagged["negative"] / flagged["comments"].where(flagged["comments"] > 0)
        fig.add_trace(go.Scatter(
            x=flagged["date"], y=flagged_share, mode="markers", name=f"{p}: spike", legendgroup=p,
            showlegend=bool(len(flagged)),
            marker={"color": _NEGATIVE, "size": 11, "symbol": "triangle-up", "line": {"color": "white", "width": 1}},
            customdata=np.c_[flagged["negative"], flagged["comments"]],
            hovertemplate=(f"<b>spike</b> {p}, %{{x|%a %d %b %Y}}<br>negative share %{{y:.1%}} "
                           "(%{customdata[0]:.0f} of %{customdata[1]:.0f} comments)<extra></extra>")))
    fig.update_layout(
        title=title or ("Share of negative comments per week" if freq == "W" else
                        "Share of negative comments per day") + " (red: flagged spike days)",
        xaxis_title="Week (start)" if freq == "W" else "Day", yaxis_title="Negative comments (share)",
        yaxis={"tickformat": ".0%", "rangemode": "tozero"}, legend_title="Platform", template="plotly_white",
        updatemenus=[_platform_menu(platforms, 2, all_label="All platforms")] if platforms else [])
    return fig


def response_rates(rates: pd.DataFrame, *, title: str | None = None):
    """Reply rate per period, one line per platform.

    Parameters
    ----------
    rates : pandas.DataFrame
        Result of :func:`toolkit.community.response_rate` with a period (columns platform,
        period_start, user_comments, replied, reply_rate, median_minutes).
    title : str, optional
        Chart title.

    Returns
    -------
    plotly.graph_objects.Figure
        y = reply_rate (replied user comments / user comments) per period; the hover shows the
        counts and the median reply time.
    """
    import plotly.graph_objects as go

    _need(rates, ["platform", "period_start", "user_comments", "replied", "reply_rate", "median_minutes"],
          "response_rates", "tk.community.response_rate(comments, tz=..., freq='W')")
    d = rates.assign(platform=rates["platform"].astype(str))
    fig = go.Figure()
    for p in sorted(d["platform"].unique()):
        rows = d[d["platform"] == p].sort_values("period_start")
        fig.add_trace(go.Scatter(
            x=rows["period_start"], y=rows["reply_rate"].astype("float64"), mode="lines+markers", name=p,
            line={"color": platform_color(p)}, marker={"size": 5},
            customdata=np.c_[rows["replied"].astype("float64"), rows["user_comments"].astype("float64"),
                             (rows["median_minutes"].astype("float64") / 60).round(1)],
            hovertemplate=(f"{p}, week of %{{x|%d %b %Y}}<br>reply rate %{{y:.0%}} (%{{customdata[0]:.0f}} of "
                           "%{customdata[1]:.0f})<br>median reply after %{customdata[2]} h<extra></extra>")))
    fig.update_layout(title=title or "Share of comments answered, per week", xaxis_title="Period (start)",
                      yaxis={"title": {"text": "Reply rate"}, "tickformat": ".0%", "range": [0, 1.05]},
                      legend_title="Platform", template="plotly_white")
    return fig


def response_times(replies: pd.DataFrame, *, business: bool = False, title: str | None = None):
    """Distribution of the time to the account's first reply, per platform (box plots, log scale).

    Parameters
    ----------
    replies : pandas.DataFrame
        Result of :func:`toolkit.community.reply_times` (columns platform, replied,
        minutes_to_reply; with ``business=True`` also business_minutes_to_reply).
    business : bool
        Draw the reply time counted in business hours only.
    title : str, optional
        Chart title.

    Returns
    -------
    plotly.graph_objects.Figure
        One box per platform over replied comments, in hours on a log axis (a box spans the middle
        half of the replies; the line inside is the median). Unanswered comments are not drawn;
        their share is in the legend name.
    """
    import plotly.graph_objects as go

    col = "business_minutes_to_reply" if business else "minutes_to_reply"
    _need(replies, ["platform", "replied", col], "response_times",
          "tk.community.reply_times(comments" + (", business_hours=(...))" if business else ")"))
    d = replies.assign(platform=replies["platform"].astype(str))
    fig = go.Figure()
    for p in sorted(d["platform"].unique()):
        rows = d[d["platform"] == p]
        hours = rows.loc[rows["replied"].astype(bool), col].astype("float64").dropna() / 60
        # a reply in the same minute would be log(0): draw it at one minute
        hours = hours.clip(lower=1 / 60)
        unanswered = 1 - rows["replied"].astype(bool).mean() if len(rows) else float("nan")
        fig.add_trace(go.Box(y=hours, name=f"{p} ({unanswered:.0%} unanswered)", marker_color=platform_color(p),
                             boxpoints=False, hoverinfo="y"))
    kind = "business hours" if business else "hours"
    fig.update_layout(title=title or f"Time to the first reply ({kind}), replied comments only",
                      yaxis={"title": {"text": f"{kind.capitalize()} to first reply (log scale)"}, "type": "log"},
                      xaxis_title="Platform", showlegend=False, template="plotly_white")
    return fig


def workload_heatmap(workload: pd.DataFrame, *, title: str | None = None):
    """When comments arrive and when the team replies: two weekday x hour heatmaps side by side.

    Parameters
    ----------
    workload : pandas.DataFrame
        Result of :func:`toolkit.community.workload` (columns platform, weekday, hour, incoming,
        replies, in_business_hours).
    title : str, optional
        Chart title.

    Returns
    -------
    plotly.graph_objects.Figure
        Left: user comments per weekday and local hour; right: account replies. Counts are summed
        over platforms ("All platforms") or shown for one platform via the dropdown. Business
        hours are outlined.
    """
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    _need(workload, ["platform", "weekday", "hour", "incoming", "replies", "in_business_hours"],
          "workload_heatmap", "tk.community.workload(comments, tz=...)")
    if workload.empty:
        return _empty_figure(title or "Comments received and replies by the account", "No comments to show.")
    d = workload.assign(platform=workload["platform"].astype(str),
                        incoming=workload["incoming"].astype("float64"),
                        replies=workload["replies"].astype("float64"))
    views = [("All platforms", d)] + [(p, d[d["platform"] == p]) for p in sorted(d["platform"].unique())]
    fig = make_subplots(rows=1, cols=2, subplot_titles=("Comments received", "Replies by the account"),
                        shared_yaxes=True, horizontal_spacing=0.06)
    for k, (label, rows) in enumerate(views):
        for col, what in ((1, "incoming"), (2, "replies")):
            grid = (rows.groupby(["weekday", "hour"])[what].sum().unstack("hour")
                    .reindex(index=range(7), columns=range(24), fill_value=0).fillna(0))
            fig.add_trace(go.Heatmap(
                z=grid.to_numpy(), x=list(range(24)), y=_WEEKDAYS, visible=(k == 0),
                colorscale="Blues" if what == "incoming" else "Greens", showscale=False, name=label,
                hovertemplate=(f"{label}<br>%{{y}} %{{x}}:00-%{{x}}:59<br>%{{z:.0f}} "
                               f"{'comments' if what == 'incoming' else 'replies'}<extra></extra>")),
                row=1, col=col)
    hours = d[d["in_business_hours"].astype(bool)]
    if len(hours):
        for col in (1, 2):
            for wd in sorted(hours["weekday"].unique()):
                h = hours.loc[hours["weekday"] == wd, "hour"]
                fig.add_shape(type="rect", x0=h.min() - 0.5, x1=h.max() + 0.5, y0=wd - 0.5, y1=wd + 0.5,
                              line={"color": "#444", "width": 1, "dash": "dot"}, row=1, col=col)
    buttons = [{"label": label, "method": "restyle",
                "args": [{"visible": [i // 2 == k for i in range(2 * len(views))]}]}
               for k, (label, _) in enumerate(views)]
    fig.update_layout(title=title or "Comments received vs replies, by weekday and hour (dotted: business hours)",
                      template="plotly_white",
                      updatemenus=[{"buttons": buttons, "active": 0, "x": 1.0, "xanchor": "right", "y": 1.18,
                                    "yanchor": "top"}])
    fig.update_xaxes(title_text="Hour of day (local)", dtick=3)
    fig.update_yaxes(autorange="reversed")
    return fig


def members(top: pd.DataFrame, *, title: str | None = None):
    """The most active commenters: comments per member, coloured by their share of negative comments.

    Parameters
    ----------
    top : pandas.DataFrame
        Result of :func:`toolkit.community.top_members` (columns author, comments, negative_rate,
        mean_sentiment, replied_rate, platforms). Pseudonymise before (the default there).
    title : str, optional
        Chart title.

    Returns
    -------
    plotly.graph_objects.Figure
        Horizontal bars, most active on top; colour = negative_rate (0 = never negative, red = often);
        the hover shows platforms, mean sentiment and how often the account replied to them.
    """
    import plotly.graph_objects as go

    _need(top, ["author", "comments", "negative_rate", "mean_sentiment", "replied_rate", "platforms"],
          "members", "tk.community.top_members(comments)")
    d = top.iloc[::-1]
    neg = d["negative_rate"].astype("float64").fillna(0)
    fig = go.Figure(go.Bar(
        x=d["comments"].astype("float64"), y=_esc(d["author"]), orientation="h",
        marker={"color": neg, "colorscale": [[0, "#9ecae1"], [0.5, "#fdae6b"], [1, _NEGATIVE]], "cmin": 0,
                "cmax": max(0.5, float(neg.max())) if len(neg) else 1,
                "colorbar": {"title": {"text": "Negative<br>share"}, "tickformat": ".0%"}},
        customdata=np.c_[_esc(d["platforms"]), d["mean_sentiment"].astype("float64").round(2),
                         d["replied_rate"].astype("float64"), neg],
        hovertemplate=("%{y}: %{x:.0f} comments on %{customdata[0]}<br>mean sentiment %{customdata[1]}, "
                       "%{customdata[3]:.0%} negative<br>account replied to %{customdata[2]:.0%}<extra></extra>")))
    fig.update_layout(title=title or "Most active commenters and their tone", xaxis_title="Comments",
                      yaxis_title="Member", template="plotly_white", height=max(300, 28 * len(d) + 120))
    return fig
