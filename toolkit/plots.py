"""Charts: one function per chart, each takes a computed table and returns a plotly Figure.

Colours are fixed per platform (:data:`PLATFORM_COLORS`) so a channel looks the same in every
chart. Functions never call ``.show()`` and never change plotly's global defaults.
"""

from __future__ import annotations

import pandas as pd

from . import _plots_community
from ._colors import PLATFORM_COLORS, platform_color
from ._plots_community import *  # noqa: F401,F403  (sentiment and community charts)
from .errors import ParameterError

__all__ = ["PLATFORM_COLORS", "platform_color", "activity", *_plots_community.__all__]

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
