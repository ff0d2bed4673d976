"""Charts: one function per chart, each takes a computed table and returns a plotly Figure.

Colours are fixed per platform (:data:`PLATFORM_COLORS`) so a channel looks the same in every
chart. Functions never call ``.show()`` and never change plotly's global defaults.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _plots_community
from ._colors import PLATFORM_COLORS, platform_color
from ._plots_community import *  # noqa: F401,F403  (sentiment and community charts)
from ._plots_community import _empty_figure
from ._time import WEEKDAY_NAMES
from ._validate import check_choice, did_you_mean
from . import _plots_traffic
from ._plots_traffic import traffic_by_campaign, traffic_by_channel, traffic_daily  # noqa: F401  (#13.4)
from .errors import ParameterError

__all__ = ["PLATFORM_COLORS", "platform_color", "activity", "best_times", "audience_activity", "kpis",
           "effects", "hashtags", "channel_fit", *_plots_community.__all__, *_plots_traffic.__all__]

def _require(table: pd.DataFrame, columns: list[str], chart: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ParameterError(f"tk.plots.{chart}(): the table misses column(s) {missing}"
                             f"{did_you_mean(missing[0], table.columns)}; found "
                             f"{list(table.columns)}. Pass the result of the matching tk. function.")


def activity(table: pd.DataFrame, *, metric: str = "posts", title: str | None = None):
    """Lines of posts (or comments, replies) per period, one line per platform.

    Parameters
    ----------
    table : pandas.DataFrame
        Result of :func:`toolkit.inventory.activity` (columns period, platform and ``metric``).
    metric : {"posts", "comments", "replies"}
        Which count to draw; a dropdown in the figure switches between all three without a kernel.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    import plotly.graph_objects as go

    counts = ["posts", "comments", "replies"]
    _require(table, ["period", "platform", *counts], "activity")
    check_choice(metric, counts, parameter="metric", where="tk.plots.activity()", what="count")
    fig = go.Figure()
    platforms = sorted(table["platform"].unique())
    for m in counts:
        for p in platforms:
            rows = table[table["platform"] == p].sort_values("period")
            fig.add_trace(go.Scatter(x=rows["period"], y=rows[m], mode="lines+markers", name=p,
                                     legendgroup=p, visible=(m == metric),
                                     line={"color": platform_color(p)},
                                     hovertemplate=f"{p}<br>%{{x|%d %b %Y}}: %{{y}} {m}<extra></extra>"))
    n = len(platforms)
    buttons = [{"label": m.capitalize(), "method": "update",
                "args": [{"visible": [i // n == k for i in range(n * len(counts))]},
                         {"yaxis": {"title": {"text": f"{m.capitalize()} per period"}, "rangemode": "tozero"}}]}
               for k, m in enumerate(counts)]
    fig.update_layout(title=title or f"{metric.capitalize()} per period and platform",
                      xaxis_title="Period (start)", yaxis_title=f"{metric.capitalize()} per period",
                      yaxis_rangemode="tozero", legend_title="Platform", template="plotly_white",
                      updatemenus=[{"buttons": buttons, "active": counts.index(metric), "x": 1.0,
                                    "xanchor": "right", "y": 1.15, "yanchor": "top"}])
    return fig


# --------------------------------------------------------------------------------------------
# shared pieces
# --------------------------------------------------------------------------------------------

_WEEKDAYS = WEEKDAY_NAMES
# diverging scale for lifts drawn as log2(lift): red = worse than usual, blue = better
_LIFT_SCALE = [[0.0, "#b2182b"], [0.25, "#ef8a62"], [0.5, "#f7f7f7"], [0.75, "#67a9cf"],
               [1.0, "#2166ac"]]
_LIFT_TICKS = (0.5, 0.67, 0.8, 1.0, 1.25, 1.5, 2.0)
_THIN_COLOR = "#c8c8c8"
_GREY = "#9e9e9e"


def _series_labels(table: pd.DataFrame) -> pd.Series:
    """'platform', or 'platform (account)' where a platform has several accounts."""
    plat = table["platform"].astype("string").fillna("?")
    if "account" not in table.columns:
        return plat
    acc = table["account"].astype("string").fillna("")
    n_acc = acc.groupby(plat).transform("nunique")
    return plat.where(n_acc <= 1, plat + " (" + acc + ")")


def _platform_of(label: str) -> str:
    return label.split(" (", 1)[0]


def _ordered_labels(labels: pd.Series, first: str | None, chart: str) -> list[str]:
    found = sorted(labels.unique())
    if first is None:
        return found
    matches = [lab for lab in found if lab == first or _platform_of(lab) == first]
    if not matches:
        raise ParameterError(f"tk.plots.{chart}(platform={first!r}): no rows for this platform; "
                             f"found {found}. Pick one of these or platform=None.")
    return matches + [lab for lab in found if lab not in matches]


def _dropdown(labels: list[str], per_label: int, layouts: list[dict], active: int = 0) -> list[dict]:
    """One updatemenu switching between label groups of ``per_label`` consecutive traces."""
    n = len(labels) * per_label
    buttons = [{"label": lab, "method": "update",
                "args": [{"visible": [i // per_label == k for i in range(n)]}, layouts[k]]}
               for k, lab in enumerate(labels)]
    return [{"buttons": buttons, "active": active, "x": 0.0, "xanchor": "left", "y": 1.02,
             "yanchor": "bottom", "direction": "down", "showactive": True}]


def _title(text: str) -> dict:
    return {"text": text, "y": 0.98, "yanchor": "top", "x": 0.02, "xanchor": "left"}


def _log2_lift(v) -> np.ndarray:
    v = np.asarray(v, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.clip(np.log2(np.where(v > 0, v, np.nan)), -1.0, 1.0)


def _lift_colorbar() -> dict:
    return {"title": {"text": "Lift<br>(1 = usual)"},
            "tickvals": [float(np.log2(t)) for t in _LIFT_TICKS],
            "ticktext": [f"{t:g}" for t in _LIFT_TICKS], "len": 0.8}


def _pct(v: float) -> str:
    return "n/a" if pd.isna(v) else f"{v:.2f}"


# --------------------------------------------------------------------------------------------
# weekday x hour heatmaps
# --------------------------------------------------------------------------------------------

def best_times(table: pd.DataFrame, *, platform: str | None = None, min_posts: int = 8,
               title: str | None = None):
    """Weekday x hour heatmap of posting-slot lifts, one view per platform (dropdown).

    Colour is the slot's shrunk ``lift`` (blue = better than the account's usual post, red =
    worse, on a log scale centred on 1). Slots with some posts but fewer than ``min_posts`` are
    grey: too few posts to judge. Recommended slots are outlined in black. A slot that spans
    several hours (``slot_hours`` > 1) fills all its hours; the hover shows the slot, its number
    of posts, lift and 95 % interval. The dropdown switches platform without a kernel.

    Parameters
    ----------
    table : pandas.DataFrame
        Result of :func:`toolkit.timing.best_times`.
    platform : str, optional
        Platform shown first; default the first in alphabetical order.
    min_posts : int, default 8
        Slots with fewer posts are drawn grey (use the ``min_posts`` given to ``best_times``).
    title : str, optional
        Figure title; default names the metric and time zone.

    Returns
    -------
    plotly.graph_objects.Figure
        Two heatmap traces per platform (grey thin-data layer, lift layer), one dropdown.
    """
    import plotly.graph_objects as go

    need = ["platform", "weekday", "hour", "hour_end", "slot", "n_posts", "lift", "ci_low",
            "ci_high", "recommended"]
    _require(table, need, "best_times")
    tz = str(table["tz"].iloc[0]) if "tz" in table.columns and len(table) else "local time"
    metric = str(table["metric"].iloc[0]) if "metric" in table.columns and len(table) else "metric"
    base_title = title or f"When posts did better than usual ({metric}, {tz})"
    if table.empty:
        return _empty_figure(base_title, "No slots to show: no posts with a time of day.")
    labels = _series_labels(table)
    order = _ordered_labels(labels, platform, "best_times")
    fig = go.Figure()
    layouts = []
    hours = np.arange(24)
    for k, lab in enumerate(order):
        rows = table[(labels == lab).to_numpy()]
        z = np.full((7, 24), np.nan)
        thin = np.full((7, 24), np.nan)
        custom = np.empty((7, 24, 6), dtype=object)
        custom[:] = ""
        shapes = []
        for r in rows.itertuples(index=False):
            wd, h0 = int(r.weekday), int(r.hour)
            h1 = int(r.hour_end) if int(r.hour_end) > h0 else 24
            n = int(r.n_posts)
            info = [str(r.slot), n, _pct(r.lift), _pct(r.ci_low), _pct(r.ci_high),
                    "recommended" if bool(r.recommended) else ""]
            for h in range(h0, h1):
                custom[wd, h] = info
                if n >= min_posts and not pd.isna(r.lift):
                    z[wd, h] = _log2_lift([r.lift])[0]
                elif n > 0:
                    thin[wd, h] = 0.0
            if bool(r.recommended):
                shapes.append({"type": "rect", "xref": "x", "yref": "y", "x0": h0 - 0.5,
                               "x1": h1 - 0.5, "y0": wd - 0.5, "y1": wd + 0.5,
                               "line": {"color": "black", "width": 3}, "fillcolor": "rgba(0,0,0,0)"})
        visible = k == 0
        fig.add_trace(go.Heatmap(
            x=hours, y=np.arange(7), z=thin, customdata=custom, name=f"{lab}: too few posts",
            colorscale=[[0, _THIN_COLOR], [1, _THIN_COLOR]], showscale=False, visible=visible,
            xgap=1, ygap=1, hoverongaps=False,
            hovertemplate=("%{customdata[0]}: %{customdata[1]} posts, too few to judge"
                           f" (fewer than {min_posts})<br>lift %{{customdata[2]}} "
                           "(95% CI %{customdata[3]}-%{customdata[4]})<extra>" + lab + "</extra>")))
        fig.add_trace(go.Heatmap(
            x=hours, y=np.arange(7), z=z, customdata=custom, name=lab, colorscale=_LIFT_SCALE,
            zmin=-1, zmax=1, zmid=0, colorbar=_lift_colorbar(), visible=visible, xgap=1, ygap=1,
            hoverongaps=False,
            hovertemplate=("%{customdata[0]}: %{customdata[1]} posts<br>lift %{customdata[2]} "
                           "(95% CI %{customdata[3]}-%{customdata[4]}) %{customdata[5]}"
                           "<extra>" + lab + "</extra>")))
        n_rec = len(shapes)
        layouts.append({"shapes": shapes,
                        "title.text": (f"{base_title}: {lab}" + (
                            f" - {n_rec} recommended slot(s) outlined" if n_rec else
                            " - no slot recommended"))})
    fig.update_layout(
        template="plotly_white", height=460, title=_title(layouts[0]["title.text"]),
        shapes=layouts[0]["shapes"],
        xaxis={"title": {"text": f"Hour of day ({tz})"}, "tickvals": list(range(0, 24, 2)),
               "ticktext": [f"{h:02d}:00" for h in range(0, 24, 2)], "range": [-0.5, 23.5],
               "showgrid": False},
        yaxis={"title": {"text": ""}, "tickvals": list(range(7)), "ticktext": list(_WEEKDAYS),
               "autorange": "reversed", "showgrid": False},
        margin={"t": 100, "b": 100},
        annotations=[{"text": f"grey = fewer than {min_posts} posts (too few to judge); "
                              "black outline = recommended; blank = no posts",
                      "showarrow": False, "x": 0, "xref": "paper", "y": -0.3, "yref": "paper",
                      "xanchor": "left", "font": {"size": 11, "color": "#555"}}])
    if len(order) > 1:
        fig.update_layout(updatemenus=_dropdown(order, 2, layouts))
    return fig


_ACTIVITY_VALUES = {"activity_index": "Activity (1 = average hour)",
                    "comments_per_hour": "Comments per hour",
                    "share": "Share of comments"}


def audience_activity(table: pd.DataFrame, *, value: str = "activity_index",
                      platform: str | None = None, title: str | None = None):
    """Weekday x hour heatmap of when the community comments, one view per platform (dropdown).

    Parameters
    ----------
    table : pandas.DataFrame
        Result of :func:`toolkit.timing.audience_activity`.
    value : {"activity_index", "comments_per_hour", "share"}, default "activity_index"
        Colour: ``activity_index`` = comments_per_hour / the platform's mean over the week
        (1 = an average hour, 2 = twice as busy); the hover always shows the comment count.
    platform : str, optional
        Platform shown first.
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        One heatmap trace per platform, one dropdown.
    """
    import plotly.graph_objects as go

    check_choice(value, list(_ACTIVITY_VALUES), parameter="value", where="tk.plots.audience_activity()")
    _require(table, ["platform", "weekday", "hour", "n_comments", value], "audience_activity")
    tz = str(table["tz"].iloc[0]) if "tz" in table.columns and len(table) else "local time"
    base_title = title or f"When the community comments ({tz})"
    if table.empty:
        return _empty_figure(base_title, "No comments with a time to show.")
    order = _ordered_labels(table["platform"].astype("string"), platform, "audience_activity")
    fig = go.Figure()
    layouts = []
    fmt = ".1%" if value == "share" else ".2f"
    for k, lab in enumerate(order):
        rows = table[(table["platform"] == lab).to_numpy()]
        z = np.full((7, 24), np.nan)
        n = np.zeros((7, 24), dtype=int)
        wd = rows["weekday"].to_numpy(dtype=int)
        hr = rows["hour"].to_numpy(dtype=int)
        z[wd, hr] = pd.to_numeric(rows[value]).to_numpy(dtype=float, na_value=np.nan)
        n[wd, hr] = rows["n_comments"].to_numpy(dtype=int)
        colour = platform_color(lab)
        fig.add_trace(go.Heatmap(
            x=np.arange(24), y=np.arange(7), z=z, customdata=n, name=lab, visible=k == 0,
            colorscale=[[0, "#ffffff"], [1, colour]], zmin=0, xgap=1, ygap=1, hoverongaps=False,
            colorbar={"title": {"text": _ACTIVITY_VALUES[value].replace(" (", "<br>(")}},
            hovertemplate=(f"%{{y}} %{{x}}:00<br>{_ACTIVITY_VALUES[value]}: %{{z:{fmt}}}<br>"
                           "%{customdata} comments<extra>" + lab + "</extra>")))
        layouts.append({"title.text": f"{base_title}: {lab}"})
    fig.update_layout(
        template="plotly_white", height=420, title=_title(layouts[0]["title.text"]), margin={"t": 100},
        xaxis={"title": {"text": f"Hour of day ({tz})"}, "tickvals": list(range(0, 24, 2)),
               "ticktext": [f"{h:02d}:00" for h in range(0, 24, 2)], "showgrid": False},
        yaxis={"tickvals": list(range(7)), "ticktext": list(_WEEKDAYS), "autorange": "reversed",
               "showgrid": False})
    if len(order) > 1:
        fig.update_layout(updatemenus=_dropdown(order, 1, layouts))
    return fig


# --------------------------------------------------------------------------------------------
# KPI trends
# --------------------------------------------------------------------------------------------

_KPI_LABELS = {"engagement_rate": "Engagement rate", "posts": "Posts", "reach": "Reach",
               "impressions": "Impressions", "views": "Views", "interactions": "Interactions",
               "followers": "Followers"}


def kpis(table: pd.DataFrame, *, metric: str = "engagement_rate", title: str | None = None):
    """KPI trends per channel: one line per platform (or platform and account) over periods.

    A dropdown switches the metric among those the table reports (engagement_rate, posts,
    reach, impressions, views, interactions, followers) without a kernel. The engagement rate
    is the pooled rate of :func:`toolkit.performance.channel_kpis` (sum of numerators / sum of
    denominators over the period's posts); the hover names the formula per platform.

    Parameters
    ----------
    table : pandas.DataFrame
        Result of :func:`toolkit.performance.channel_kpis`.
    metric : str, default "engagement_rate"
        Metric shown first.
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        One line trace per (metric, series); only the chosen metric's traces are visible.
    """
    import plotly.graph_objects as go

    _require(table, ["platform", "period_start", metric], "kpis")
    metrics = [m for m in _KPI_LABELS if m in table.columns and table[m].notna().any()]
    if metric not in metrics:
        metrics = [metric, *metrics]
    base_title = title or "KPIs per period and channel"
    if table.empty:
        return _empty_figure(base_title, "No posts in the selected period.")
    labels = _series_labels(table)
    order = sorted(labels.unique())
    fig = go.Figure()
    formula = (table["formula"].astype("string").fillna("") if "formula" in table.columns
               else pd.Series("", index=table.index, dtype="string"))
    for m in metrics:
        is_rate = m.endswith("_rate")
        fmt = ".2%" if is_rate else ",.0f"
        for lab in order:
            sel = (labels == lab).to_numpy()
            rows = table[sel].sort_values("period_start")
            y = pd.to_numeric(rows[m]).astype("float64")
            extra = (formula[sel].loc[rows.index].to_numpy() if m == "engagement_rate"
                     else np.full(len(rows), ""))
            fig.add_trace(go.Scatter(
                x=rows["period_start"], y=y, customdata=extra, mode="lines+markers", name=lab,
                legendgroup=lab, visible=m == metric,
                line={"color": platform_color(_platform_of(lab))},
                hovertemplate=(f"{lab}<br>%{{x|%b %Y}}: %{{y:{fmt}}}"
                               + (" (by %{customdata})" if m == "engagement_rate" else "")
                               + "<extra></extra>")))
    n = len(order)

    def axis(m: str) -> dict:
        return {"title": {"text": _KPI_LABELS.get(m, m)}, "rangemode": "tozero",
                "tickformat": ".1%" if m.endswith("_rate") else ","}

    buttons = [{"label": _KPI_LABELS.get(m, m), "method": "update",
                "args": [{"visible": [i // n == k for i in range(n * len(metrics))]},
                         {"yaxis": axis(m), "title.text": f"{base_title}: {_KPI_LABELS.get(m, m)}"}]}
               for k, m in enumerate(metrics)]
    fig.update_layout(template="plotly_white", title=_title(f"{base_title}: {_KPI_LABELS.get(metric, metric)}"),
                      xaxis_title="Period (start)", yaxis=axis(metric), legend_title="Channel",
                      margin={"t": 100},
                      updatemenus=[{"buttons": buttons, "active": metrics.index(metric), "x": 0.0,
                                    "xanchor": "left", "y": 1.02, "yanchor": "bottom"}])
    return fig


# --------------------------------------------------------------------------------------------
# lifts with intervals
# --------------------------------------------------------------------------------------------

def _one_line() -> dict:
    return {"type": "line", "xref": "x", "yref": "paper", "x0": 1, "x1": 1, "y0": 0, "y1": 1,
            "line": {"color": "#444", "dash": "dash", "width": 1}}


def _lift_axis(lo: float, hi: float) -> dict:
    lo = min(0.8, lo) if np.isfinite(lo) else 0.5
    hi = max(1.25, hi) if np.isfinite(hi) else 2.0
    return {"type": "log", "range": [np.log10(lo / 1.1), np.log10(hi * 1.1)],
            "tickvals": [t for t in (0.25, 0.33, 0.5, 0.67, 0.8, 1, 1.25, 1.5, 2, 3, 4)
                         if lo / 1.1 <= t <= hi * 1.1],
            "title": {"text": "Lift (1 = the account's usual post; log scale)"}}


# top-to-bottom order of the features in the lift chart
_FEATURE_ORDER = ("media_type", "text_length", "hashtags", "emoji", "link", "question", "hashtag")


def effects(table: pd.DataFrame, *, platform: str | None = None, feature: str | list[str] | None = None,
            title: str | None = None):
    """Lift chart with intervals: how posts with each feature did against the account's usual.

    One dot per (feature, value) with its bootstrap interval as an error bar, on a log axis with a
    dashed line at 1 (no difference). Effects ``flagged`` by :func:`toolkit.performance.content_effects`
    (interval excludes 1 and the false-discovery-rate guard passed) are drawn in the platform's
    colour; the others grey and hollow. A dropdown switches platform without a kernel.

    Parameters
    ----------
    table : pandas.DataFrame
        Result of :func:`toolkit.performance.content_effects`.
    platform : str, optional
        Platform shown first.
    feature : str or list of str, optional
        Only these features (e.g. ``"media_type"`` or ``["emoji", "link", "question"]``).
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        Two scatter traces per platform (flagged, not flagged), one dropdown.
    """
    import plotly.graph_objects as go

    _require(table, ["platform", "feature", "value", "n_posts", "lift", "ci_low", "ci_high",
                     "flagged"], "effects")
    if feature is not None:
        feats = [feature] if isinstance(feature, str) else list(feature)
        table = table[table["feature"].isin(feats)]
    metric = str(table["metric"].iloc[0]) if "metric" in table.columns and len(table) else "metric"
    base_title = title or f"What content did better than usual ({metric})"
    if table.empty:
        return _empty_figure(base_title, "No effect could be tested (too few posts per feature).")
    labels = _series_labels(table)
    order = _ordered_labels(labels, platform, "effects")
    fig = go.Figure()
    layouts = []
    max_rows = 1
    for k, lab in enumerate(order):
        rows = table[(labels == lab).to_numpy()]
        rank = rows["feature"].map(lambda f: _FEATURE_ORDER.index(f) if f in _FEATURE_ORDER
                                   else len(_FEATURE_ORDER)).to_numpy()
        rows = (rows.assign(_rank=rank).sort_values(["_rank", "feature", "lift"],
                                                     ascending=[True, True, False], kind="stable")
                .drop(columns="_rank").reset_index(drop=True))
        max_rows = max(max_rows, len(rows))
        names = [(f"#{v}" if f == "hashtag" else f"{f.replace('_', ' ')}: {v}") + f" (n={n})"
                 for f, v, n in zip(rows["feature"], rows["value"], rows["n_posts"])]
        lift = rows["lift"].to_numpy(dtype=float)
        lo = rows["ci_low"].to_numpy(dtype=float)
        hi = rows["ci_high"].to_numpy(dtype=float)
        flagged = rows["flagged"].fillna(False).to_numpy(dtype=bool)
        colour = platform_color(_platform_of(lab))
        n_other = rows["n_other"].to_numpy() if "n_other" in rows.columns else np.full(len(rows), "")
        custom = np.column_stack([names, lo.round(2), hi.round(2), n_other])
        for is_flagged in (True, False):
            sel = flagged == is_flagged
            fig.add_trace(go.Scatter(
                x=lift[sel], y=np.flatnonzero(sel), customdata=custom[sel], mode="markers",
                name=f"{lab}: " + ("clear effect" if is_flagged else "unclear"),
                visible=k == 0, showlegend=False,
                marker={"color": colour if is_flagged else "white", "size": 10 if is_flagged else 8,
                        "line": {"color": colour if is_flagged else _GREY, "width": 1.5}},
                error_x={"type": "data", "symmetric": False, "array": (hi - lift)[sel],
                         "arrayminus": (lift - lo)[sel], "color": colour if is_flagged else _GREY,
                         "thickness": 1.5},
                hovertemplate=("%{customdata[0]}<br>lift %{x:.2f} (95% CI %{customdata[1]}-"
                               "%{customdata[2]}) vs %{customdata[3]} other posts<br>"
                               + ("clear effect (flagged)" if is_flagged else
                                  "unclear: may be chance") + "<extra>" + lab + "</extra>")))
        finite = np.concatenate([lo, hi])
        finite = finite[np.isfinite(finite) & (finite > 0)]
        layouts.append({
            "title.text": f"{base_title}: {lab}",
            "yaxis": {"tickvals": list(range(len(rows))), "ticktext": names,
                      "range": [len(rows) - 0.3, -0.7], "showgrid": True},
            "xaxis": _lift_axis(finite.min() if len(finite) else np.nan,
                                finite.max() if len(finite) else np.nan)})
    fig.update_layout(template="plotly_white", height=min(1600, 160 + 24 * max_rows),
                      title=_title(layouts[0]["title.text"]), yaxis=layouts[0]["yaxis"],
                      xaxis=layouts[0]["xaxis"], margin={"t": 110, "l": 10},
                      shapes=[_one_line()],
                      annotations=[{"text": "filled = clear effect (interval excludes 1 after the "
                                            "false-discovery guard); hollow grey = could be chance",
                                    "showarrow": False, "x": 1, "xref": "paper", "xanchor": "right",
                                    "y": 1.005, "yref": "paper", "yanchor": "bottom",
                                    "font": {"size": 11, "color": "#555"}}])
    if len(order) > 1:
        fig.update_layout(updatemenus=_dropdown(order, 2, layouts))
    return fig


def hashtags(table: pd.DataFrame, *, min_posts: int = 1, title: str | None = None):
    """Per-hashtag lifts against how often each hashtag was used, one colour per platform.

    x = posts using the hashtag (log scale), y = lift with its interval (log scale, dashed line at
    1); flagged hashtags are filled, the others hollow. Hashtags in the upper right are used
    often *and* did better than the account's usual post. Click a platform in the legend to hide it.

    Parameters
    ----------
    table : pandas.DataFrame
        Result of :func:`toolkit.performance.content_effects` (rows with ``feature == "hashtag"``
        are drawn; other rows are ignored).
    min_posts : int, default 1
        Leave out hashtags used on fewer posts.
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        One scatter trace per platform.
    """
    import plotly.graph_objects as go

    _require(table, ["platform", "feature", "value", "n_posts", "lift", "ci_low", "ci_high",
                     "flagged"], "hashtags")
    rows = table[(table["feature"] == "hashtag").to_numpy()
                 & (pd.to_numeric(table["n_posts"]) >= min_posts).to_numpy()]
    metric = str(table["metric"].iloc[0]) if "metric" in table.columns and len(table) else "metric"
    base_title = title or f"Hashtags: how often used, and how posts with them did ({metric})"
    if rows.empty:
        return _empty_figure(base_title, "No hashtag was used often enough to be tested.")
    labels = _series_labels(rows)
    fig = go.Figure()
    for lab in sorted(labels.unique()):
        r = rows[(labels == lab).to_numpy()]
        colour = platform_color(_platform_of(lab))
        lift = r["lift"].to_numpy(dtype=float)
        flagged = r["flagged"].fillna(False).to_numpy(dtype=bool)
        tags = np.array(["#" + str(v) for v in r["value"]], dtype=object)
        # only clear effects carry a label and an interval: the rest would bury them
        fig.add_trace(go.Scatter(
            x=r["n_posts"].to_numpy(dtype=float), y=lift, mode="markers+text", name=lab,
            text=np.where(flagged, tags, ""), textposition="top center",
            textfont={"size": 11, "color": colour},
            customdata=np.column_stack([tags, r["ci_low"].to_numpy(dtype=float).round(2),
                                        r["ci_high"].to_numpy(dtype=float).round(2),
                                        np.where(flagged, "clear effect", "could be chance")]),
            marker={"color": [colour if f else "white" for f in flagged],
                    "size": [12 if f else 8 for f in flagged], "line": {"color": colour, "width": 1.5}},
            error_y={"type": "data", "symmetric": False,
                     "array": np.where(flagged, r["ci_high"].to_numpy(dtype=float) - lift, 0),
                     "arrayminus": np.where(flagged, lift - r["ci_low"].to_numpy(dtype=float), 0),
                     "color": colour, "thickness": 1.5, "width": 0},
            hovertemplate=("%{customdata[0]} on " + lab + ": %{x} posts<br>lift %{y:.2f} (95% CI "
                           "%{customdata[1]}-%{customdata[2]}), %{customdata[3]}<extra></extra>")))
    lo = float(np.nanmin(rows["ci_low"].to_numpy(dtype=float)))
    hi = float(np.nanmax(rows["ci_high"].to_numpy(dtype=float)))
    yaxis = _lift_axis(lo, hi)
    yaxis["title"] = {"text": "Lift (1 = usual post; log scale)"}
    fig.update_layout(template="plotly_white", title=_title(base_title), height=520, margin={"t": 60},
                      annotations=[{"text": "filled and labelled = clear effect; hollow = could be "
                                            "chance (hover for the tag)", "showarrow": False,
                                    "x": 0, "xref": "paper", "xanchor": "left", "y": 1.0,
                                    "yref": "paper", "yanchor": "bottom",
                                    "font": {"size": 11, "color": "#555"}}],
                      xaxis={"type": "log", "title": {"text": "Posts using the hashtag (log scale)"}},
                      yaxis=yaxis, legend_title="Platform",
                      shapes=[{"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1,
                               "y0": 1, "y1": 1, "line": {"color": "#444", "dash": "dash",
                                                          "width": 1}}])
    return fig


def channel_fit(table: pd.DataFrame, *, groups: pd.DataFrame | None = None,
                title: str | None = None):
    """How cross-posted messages did on each channel: lift per platform with its interval.

    One row per platform: the geometric-mean lift of the messages posted there and on other
    channels (1 = the channel's usual post), with its bootstrap interval; flagged platforms
    (interval excludes 1 after the false-discovery guard) are filled, others hollow. With
    ``groups`` each message's own lift is drawn as a small dot behind, so the spread is visible.

    Parameters
    ----------
    table : pandas.DataFrame
        Result of :func:`toolkit.performance.channel_fit_summary`.
    groups : pandas.DataFrame, optional
        Result of :func:`toolkit.performance.channel_fit` (one row per message and platform).
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        One trace per platform for the summary, plus one per platform for ``groups``.
    """
    import plotly.graph_objects as go

    _require(table, ["platform", "n_groups", "lift", "ci_low", "ci_high", "flagged"], "channel_fit")
    if groups is not None:
        _require(groups, ["group", "platform", "lift"], "channel_fit")
    base_title = title or "The same message on different channels: lift per channel"
    if table.empty:
        return _empty_figure(base_title, "No message was posted on two or more channels.")
    rows = table.sort_values("lift", ascending=True, kind="stable").reset_index(drop=True)
    ypos = {p: i for i, p in enumerate(rows["platform"])}
    names = [f"{p} ({n} message{'s' if n != 1 else ''})" for p, n in zip(rows["platform"], rows["n_groups"])]
    fig = go.Figure()
    if groups is not None and len(groups):
        for plat, g in groups.groupby("platform", sort=True):
            if plat not in ypos:
                continue
            fig.add_trace(go.Scatter(
                x=g["lift"].to_numpy(dtype=float), y=np.full(len(g), ypos[plat] - 0.25),
                mode="markers", name=f"{plat}: single messages", showlegend=False,
                marker={"color": platform_color(plat), "opacity": 0.35, "size": 6},
                customdata=g["group"].astype(str).to_numpy(),
                hovertemplate="%{customdata} on " + str(plat) + ": lift %{x:.2f}<extra></extra>"))
    for i, r in rows.iterrows():
        plat = str(r["platform"])
        colour = platform_color(plat)
        flagged = bool(r["flagged"])
        lift, lo, hi = float(r["lift"]), float(r["ci_low"]), float(r["ci_high"])
        err = ({"type": "data", "symmetric": False, "array": [hi - lift], "arrayminus": [lift - lo],
                "color": colour, "thickness": 2} if np.isfinite(lo) and np.isfinite(hi)
               else {"visible": False})
        fig.add_trace(go.Scatter(
            x=[lift], y=[i], mode="markers", name=plat, error_x=err,
            marker={"color": colour if flagged else "white", "size": 13,
                    "line": {"color": colour, "width": 2}},
            hovertemplate=(f"{plat}: lift %{{x:.2f}} over {int(r['n_groups'])} messages<br>"
                           + (f"95% CI {lo:.2f}-{hi:.2f}, " if np.isfinite(lo) else
                              "too few messages for an interval, ")
                           + ("clear difference" if flagged else "could be chance")
                           + "<extra></extra>")))
    vals = np.concatenate([rows[["lift", "ci_low", "ci_high"]].to_numpy(dtype=float).ravel(),
                           groups["lift"].to_numpy(dtype=float) if groups is not None else []])
    vals = vals[np.isfinite(vals) & (vals > 0)]
    xaxis = _lift_axis(vals.min(), vals.max())
    xaxis["title"] = {"text": "Lift (1 = the channel's usual post; log scale)"}
    fig.update_layout(template="plotly_white", title=_title(base_title), showlegend=False,
                      margin={"t": 60},
                      height=160 + 45 * len(rows), xaxis=xaxis,
                      yaxis={"tickvals": list(range(len(rows))), "ticktext": names,
                             "range": [-0.7, len(rows) - 0.3]},
                      shapes=[_one_line()])
    return fig


def __dir__() -> list[str]:
    # dir() and tab completion offer the public names only, not the helpers this module imports
    return sorted(__all__)
