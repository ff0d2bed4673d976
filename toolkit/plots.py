"""Charts: one function per chart, each takes a computed table and returns a plotly Figure.

Colours are fixed per platform (:data:`PLATFORM_COLORS`) so a channel looks the same in every
chart. Functions never call ``.show()`` and never change plotly's global defaults.
"""

from __future__ import annotations

import pandas as pd

from .errors import ParameterError

__all__ = ["PLATFORM_COLORS", "platform_color", "activity"]

#: One colour per platform, close to each brand's own colour but distinguishable side by side.
PLATFORM_COLORS = {
    "facebook": "#1877F2",
    "instagram": "#C13584",
    "x": "#14171A",
    "linkedin": "#0A66C2",
    "youtube": "#FF0000",
    "tiktok": "#25F4EE",
    "mastodon": "#6364FF",
    "xing": "#026466",
    "whatsapp": "#25D366",
    "threads": "#7F7F7F",
    "bluesky": "#1185FE",
    "pinterest": "#E60023",
}
_FALLBACK = ["#8C564B", "#BCBD22", "#17BECF", "#9467BD", "#FF7F0E", "#2CA02C"]


def platform_color(platform: str) -> str:
    """The colour of ``platform`` (a stable fallback colour for platforms not listed)."""
    if platform in PLATFORM_COLORS:
        return PLATFORM_COLORS[platform]
    return _FALLBACK[sum(map(ord, platform)) % len(_FALLBACK)]


def _require(table: pd.DataFrame, columns: list[str], chart: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ParameterError(f"tk.plots.{chart}(): the table misses column(s) {missing}; found "
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
    if metric not in counts:
        raise ParameterError(f"metric={metric!r}: expected one of {counts}")
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
