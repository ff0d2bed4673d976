"""ipywidgets front ends: controls wired to the toolkit's computations and charts.

Each ``explore_*`` function returns an :class:`Explorer`, a box of controls (platform, period,
metric...) above a chart. Changing a control re-runs the matching ``tk.`` computation on the
selected posts and redraws the chart from :mod:`toolkit.plots`; nothing is computed here that the
package does not compute elsewhere. In JupyterLab the chart updates live; executed headless
(papermill, nbval, tests) the controls still work and ``explorer.figure`` holds the current chart.
For a shared HTML report use the charts' own dropdowns, which keep working without a kernel.

Examples
--------
>>> import toolkit as tk
>>> ds = tk.load("data/samples", tz="Europe/Berlin")                    # doctest: +SKIP
>>> w = tk.widgets.explore_best_times(ds.posts, tz="Europe/Berlin")     # doctest: +SKIP
>>> w.controls["platform"].value = "instagram"                          # doctest: +SKIP
>>> w.figure.layout.title.text                                          # doctest: +SKIP
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import ipywidgets as _w
import pandas as pd

from . import performance, plots, timing
from .errors import ParameterError, ToolkitError
from ._validate import check_kind
from .schema import require_columns

__all__ = ["Explorer", "explore_best_times", "explore_audience", "explore_kpis", "explore_effects",
           "Labeller", "label_comments"]

_COUNT_METRICS = ("interactions", "engagements", "likes", "comments", "shares", "saves", "clicks",
                  "views")


def _widgets():
    return _w


class Explorer(_w.VBox):
    """Controls above a chart; changing a control recomputes and redraws the chart in place.

    The chart lives in an output area the explorer owns, below its controls: every redraw
    replaces it there (JupyterLab, Notebook 7 and VS Code draw plotly's own MIME type), so
    nothing is drawn outside the widget and the chart never stacks up. The widget's controls
    are the only controls: the chart's own plotly dropdowns, which duplicate them, are removed.

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        The controls by name (``"platform"``, ``"period"``, ``"metric"``...). Set ``.value``
        to change the view from code.
    figure : plotly.graph_objects.Figure
        The chart currently shown.
    table : pandas.DataFrame
        The computed table behind :attr:`figure`.
    status : ipywidgets.HTML
        Notes from the last computation (posts left out, nothing to show...).
    output : ipywidgets.Output
        Where the chart is drawn (its ``outputs`` hold the current chart's plotly MIME bundle).
    """

    def __init__(self, controls: dict, compute: Callable[[dict], tuple[pd.DataFrame, object]]):
        w = _widgets()
        self.controls = dict(controls)
        self._compute = compute
        self.status = w.HTML()
        self.output = w.Output(layout={"width": "100%"})
        self.table = pd.DataFrame()
        self.figure = None
        boxes = []
        for c in self.controls.values():
            label = getattr(c, "_toolkit_readout", None)  # a slider's readout, shown in full
            boxes.append(w.HBox([c, label]) if label is not None else c)
        rows = [w.HBox(boxes[i:i + 3], layout={"flex_flow": "row wrap"}) for i in range(0, len(boxes), 3)]
        super().__init__([*rows, self.status, self.output])
        for c in self.controls.values():
            c.observe(self._changed, names="value")
        self.refresh()

    def _changed(self, _change) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Recompute the table and the chart from the current control values, and redraw."""
        import html  # noqa: PLC0415

        for c in self.controls.values():
            label = getattr(c, "_toolkit_readout", None)
            if label is not None:
                label.value = _range_text(c)
        values = {k: c.value for k, c in self.controls.items()}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                self.table, figure = self._compute(values)
                notes = [str(m.message) for m in caught]
            except ToolkitError as exc:
                self.table = pd.DataFrame()
                figure = plots._empty_figure("Nothing to show", str(exc))
                notes = [str(exc)]
        self.figure = _widget_only(figure)
        self.status.value = "".join(f"<div style='color:#666;font-size:90%'>{html.escape(n)}</div>"
                                    for n in notes)
        _show(self.output, self.figure)


def _widget_only(fig):
    """``fig`` without its own dropdowns (and the traces only they could show): the widget controls."""
    if fig is None or not fig.layout.updatemenus:
        return fig
    import plotly.graph_objects as go  # noqa: PLC0415

    shown = [t for t in fig.data if t.visible is not False]
    out = go.Figure(data=shown, layout=fig.layout)
    out.layout.updatemenus = ()
    if out.layout.margin.t is not None and out.layout.margin.t > 80:
        out.layout.margin.t = 80  # the room kept above the plot for the removed dropdowns
    return out


def _bundle(fig) -> dict:
    """The MIME bundle of ``fig``: plotly's JSON type (drawn by JupyterLab, Notebook 7 and VS Code)."""
    import plotly.io as pio  # noqa: PLC0415

    data = pio.renderers["plotly_mimetype"].to_mimebundle(fig.to_dict())
    title = fig.layout.title.text if fig.layout.title and fig.layout.title.text else "chart"
    data["text/plain"] = f"[chart: {title}]"
    return data


def _show(out, fig) -> None:
    """Replace the chart in the explorer's own output area by ``fig``.

    The bundle is built here and assigned to ``out.outputs``: never ``display(fig)`` (plotly
    figures display themselves as a side effect, which in a control's callback draws nothing, or
    draws outside the widget), and never ``with out:`` (the capture protocol of Output widgets
    can stall headless executors such as papermill and nbval).
    """
    if fig is None:
        out.outputs = ()
        return
    out.outputs = ({"output_type": "display_data", "data": _bundle(fig), "metadata": {}},)


# --------------------------------------------------------------------------------------------
# shared controls and filters
# --------------------------------------------------------------------------------------------

def _check_posts(posts, needed: list[str], where: str, table: str = "posts") -> None:
    require_columns(posts, needed, where=where, table=table)
    if posts.empty:
        raise ParameterError(f"{where}: the table is empty; nothing to explore. Check the period "
                             "and platforms selected (tk.inventory.select).")


def _months(table: pd.DataFrame, tz: str) -> pd.Series:
    from ._time import periods

    return periods(table["published_at"], "M", tz=tz, where="the explorer's period slider")


def _period_control(table: pd.DataFrame, tz: str):
    """A month range slider; its readout is a label beside it (the slider's own cuts 'Mar 2026-Aug 20')."""
    w = _widgets()
    months = sorted(_months(table, tz).dropna().unique())
    options = [(m.strftime("%b %Y"), m) for m in months]
    slider = w.SelectionRangeSlider(options=options, index=(0, len(options) - 1),
                                    description="Period", continuous_update=False, readout=False,
                                    style={"description_width": "initial"}, layout={"width": "320px"})
    slider._toolkit_readout = w.Label(_range_text(slider), layout={"width": "auto"})
    return slider


def _range_text(slider) -> str:
    first, last = slider.label
    return first if first == last else f"{first} \u2013 {last}"


def _in_period(table: pd.DataFrame, period, tz: str) -> pd.DataFrame:
    if not period:
        return table
    m = _months(table, tz)
    return table[((m >= period[0]) & (m <= period[1])).fillna(False).to_numpy()]


def _platforms(table: pd.DataFrame) -> list[str]:
    return sorted(table["platform"].dropna().astype(str).unique())


def _dropdown(options, value, description: str):
    """A dropdown showing ``value``; option values are never None (ipywidgets shows None as an empty box)."""
    w = _widgets()
    values = [o[1] if isinstance(o, tuple) else o for o in options]
    if None in values:
        raise ValueError(f"dropdown {description!r}: an option's value is None")  # pragma: no cover - guard
    return w.Dropdown(options=options, value=value, description=description,
                      style={"description_width": "initial"})


def _reported_counts(posts: pd.DataFrame) -> list[str]:
    out = ["interactions"]
    out += [c for c in _COUNT_METRICS[1:] if c in posts.columns and posts[c].notna().any()]
    return out


# --------------------------------------------------------------------------------------------
# explorers
# --------------------------------------------------------------------------------------------

def explore_best_times(posts: pd.DataFrame, *, tz: str, min_posts: int = 8, n_boot: int = 200,
                       platform: str | None = None) -> Explorer:
    """Best posting slots with controls for platform, period, metric and denominator.

    Wires :func:`toolkit.timing.best_times` (on the selected platform and months) to
    :func:`toolkit.plots.best_times`. Posts younger than three days at the end of the whole
    table are left out (their counts are still growing), whatever months are selected.

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts table.
    tz : str
        IANA time zone of the clock times.
    min_posts : int, default 8
        Passed to ``best_times`` and the chart (slots with fewer posts are grey).
    n_boot : int, default 200
        Bootstrap resamples per recomputation (kept small so the controls stay responsive).
    platform : str, optional
        Platform selected first.

    Returns
    -------
    Explorer
        Controls ``platform``, ``period``, ``metric``, ``per``; ``table`` is the best_times
        result for the selection.
    """
    _check_posts(posts, ["platform", "published_at"], "explore_best_times(posts)")
    plats = _platforms(posts)
    controls = {
        "platform": _dropdown(plats, platform if platform in plats else plats[0], "Platform"),
        "period": _period_control(posts, tz),
        "metric": _dropdown(_reported_counts(posts), "interactions", "Metric"),
        "per": _dropdown([("count (no denominator)", "count")]
                         + [(f"per {d}", d) for d in ("reach", "impressions", "views")
                            if d in posts.columns and posts[d].notna().any()], "count", "Rate"),
    }

    as_of = posts["published_at"].max()  # end of the export, not of the selected months

    def compute(v: dict):
        sel = _in_period(posts[(posts["platform"] == v["platform"]).to_numpy()], v["period"], tz)
        per = None if v["per"] == "count" else v["per"]
        table = timing.best_times(sel, tz=tz, metric=v["metric"], per=per, as_of=as_of,
                                  min_posts=min_posts, n_boot=n_boot, progress=False)
        return table, plots.best_times(table, min_posts=min_posts)

    return Explorer(controls, compute)


def explore_audience(comments: pd.DataFrame, *, tz: str, platform: str | None = None) -> Explorer:
    """When the community comments, with controls for platform, period and the value drawn.

    Wires :func:`toolkit.timing.audience_activity` to :func:`toolkit.plots.audience_activity`.

    Parameters
    ----------
    comments : pandas.DataFrame
        Canonical comments table.
    tz : str
        IANA time zone.
    platform : str, optional
        Platform selected first.

    Returns
    -------
    Explorer
        Controls ``platform``, ``period``, ``value``; ``table`` is the audience_activity result.
    """
    _check_posts(comments, ["platform", "published_at"], "explore_audience(comments)", table="comments")
    plats = _platforms(comments)
    controls = {
        "platform": _dropdown(plats, platform if platform in plats else plats[0], "Platform"),
        "period": _period_control(comments, tz),
        "value": _dropdown([("activity (1 = average hour)", "activity_index"),
                            ("comments per hour", "comments_per_hour"),
                            ("share of comments", "share")], "activity_index", "Colour"),
    }

    def compute(v: dict):
        sel = _in_period(comments[(comments["platform"] == v["platform"]).to_numpy()],
                         v["period"], tz)
        table = timing.audience_activity(sel, tz=tz)
        return table, plots.audience_activity(table, value=v["value"])

    return Explorer(controls, compute)


def explore_kpis(posts: pd.DataFrame, *, tz: str, daily: pd.DataFrame | None = None) -> Explorer:
    """KPI trends with controls for platforms, period, period length, metric and formula.

    Wires :func:`toolkit.performance.channel_kpis` to :func:`toolkit.plots.kpis`.

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts table.
    tz : str
        Time zone whose calendar defines the periods.
    daily : pandas.DataFrame, optional
        Canonical daily table (followers per period).

    Returns
    -------
    Explorer
        Controls ``platforms`` (several), ``period``, ``every`` (W, M, Q), ``metric``,
        ``formula``; ``table`` is the channel_kpis result.
    """
    w = _widgets()
    _check_posts(posts, ["platform", "published_at"], "explore_kpis(posts)")
    plats = _platforms(posts)
    formulas = [f for f in performance.formulas()["name"].tolist()
                if daily is not None or "followers" not in f]
    controls = {
        "platforms": w.SelectMultiple(options=plats, value=tuple(plats), description="Platforms",
                                      rows=min(len(plats), 7), style={"description_width": "initial"}),
        "period": _period_control(posts, tz),
        "every": _dropdown([("week", "W"), ("month", "M"), ("quarter", "Q")], "M", "Every"),
        "metric": _dropdown(["engagement_rate", "posts", "reach", "impressions", "views",
                             "interactions"] + (["followers"] if daily is not None else []),
                            "engagement_rate", "Metric"),
        "formula": _dropdown(formulas, "auto", "Formula"),
    }

    def compute(v: dict):
        sel = posts[posts["platform"].isin(list(v["platforms"])).to_numpy()]
        sel = _in_period(sel, v["period"], tz)
        table = performance.channel_kpis(sel, freq=v["every"], daily=daily,
                                         formula=v["formula"], tz=tz)
        return table, plots.kpis(table, metric=v["metric"])

    return Explorer(controls, compute)


def explore_effects(posts: pd.DataFrame, *, tz: str, n_boot: int = 300,
                    platform: str | None = None) -> Explorer:
    """Content effects with controls for platform, period, metric and feature.

    Wires :func:`toolkit.performance.content_effects` to :func:`toolkit.plots.effects`.

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts table.
    tz : str
        Time zone of the month boundaries of the period control.
    n_boot : int, default 300
        Bootstrap resamples per recomputation.
    platform : str, optional
        Platform selected first.

    Returns
    -------
    Explorer
        Controls ``platform``, ``period``, ``metric``, ``feature``; ``table`` is the
        content_effects result.
    """
    _check_posts(posts, ["platform", "published_at"], "explore_effects(posts)")
    plats = _platforms(posts)
    features = [("all", "all"), ("media type", "media_type"), ("text length", "text_length"),
                ("number of hashtags", "hashtags"), ("each hashtag", "hashtag"), ("emoji", "emoji"),
                ("link", "link"), ("question", "question")]
    controls = {
        "platform": _dropdown(plats, platform if platform in plats else plats[0], "Platform"),
        "period": _period_control(posts, tz),
        "metric": _dropdown(["interactions", "engagement_rate"] + _reported_counts(posts)[1:],
                            "interactions", "Metric"),
        "feature": _dropdown(features, "all", "Feature"),
    }

    def compute(v: dict):
        sel = _in_period(posts[(posts["platform"] == v["platform"]).to_numpy()], v["period"], tz)
        table = performance.content_effects(sel, metric=v["metric"], n_boot=n_boot, progress=False)
        return table, plots.effects(table, feature=None if v["feature"] == "all" else v["feature"])

    return Explorer(controls, compute)


class Labeller(_w.VBox):
    """Buttons to label comments one after another, for :class:`toolkit.text.SentimentModel`.

    Attributes
    ----------
    labels : pandas.DataFrame
        One row per labelled comment: the sample's index label (``row``), ``text``, ``label``.
        Pass it to ``tk.text.SentimentModel().fit(labeller.labels, text_col="text",
        label_col="label")``; save it with ``labeller.labels.to_csv(...)`` to keep your work.
    buttons : dict[str, ipywidgets.Button]
        One button per label plus "skip".
    """

    def __init__(self, sample: pd.DataFrame, *, text_col: str, choices: tuple[str, ...]) -> None:
        import html

        self._html = html
        self._sample = sample
        self._text_col = text_col
        self._pos = 0
        self._rows: list[dict] = []
        self.text = _w.HTML()
        self.progress = _w.HTML()
        self.buttons = {c: _w.Button(description=c, layout=_w.Layout(width="8rem")) for c in (*choices, "skip")}
        for choice, button in self.buttons.items():
            button.on_click(lambda _b, c=choice: self._answer(c))
        super().__init__([self.progress, self.text, _w.HBox(list(self.buttons.values()))])
        self._show()

    @property
    def labels(self) -> pd.DataFrame:
        """The labels given so far: one row per labelled comment (columns row, text, label)."""
        return pd.DataFrame(self._rows, columns=["row", "text", "label"])

    def _answer(self, choice: str) -> None:
        if self._pos >= len(self._sample):
            return
        if choice != "skip":
            row = self._sample.iloc[self._pos]
            self._rows.append({"row": self._sample.index[self._pos], "text": row[self._text_col], "label": choice})
        self._pos += 1
        self._show()

    def _show(self) -> None:
        done = self._pos >= len(self._sample)
        self.progress.value = f"<b>{len(self._rows)}</b> labelled, {len(self._sample) - self._pos} to go"
        text = "All done: use <code>.labels</code>." if done else \
            self._html.escape(str(self._sample.iloc[self._pos][self._text_col])).replace("\n", "<br>")
        self.text.value = f"<div style='font-size:1.1em;padding:.5em 0'>{text}</div>"  # user text escaped
        for b in self.buttons.values():
            b.disabled = done


def label_comments(comments: pd.DataFrame, *, n: int = 200, text_col: str = "text",
                   choices: tuple[str, ...] = ("negative", "neutral", "positive"), seed: int = 0,
                   include_owner: bool = False) -> Labeller:
    """A quick labelling helper: shows a random sample of comments one by one with a button per label.

    Parameters
    ----------
    comments : pandas.DataFrame
        Canonical comments (or any table with ``text_col``).
    n : int
        How many comments to sample (a few hundred labels give a useful model).
    choices : tuple of str
        The labels offered (SentimentModel expects negative/neutral/positive).
    seed : int
        Seed of the sample, so the same comments come up again.
    include_owner : bool
        Also sample the account's own replies (off: they say little about the community's mood).

    Returns
    -------
    Labeller
        The widget; its ``labels`` table grows with every click.
    """
    check_kind(comments, "comments", where="label_comments(comments)")
    if text_col not in comments.columns:
        raise ParameterError(f"label_comments(): no column {text_col!r}; found {list(comments.columns)}")
    pool = comments
    if not include_owner and "is_owner" in comments.columns:
        pool = comments[~comments["is_owner"].astype(bool)]
    pool = pool[pool[text_col].fillna("").astype(str).str.strip() != ""]
    sample = pool.sample(n=min(n, len(pool)), random_state=seed) if len(pool) else pool
    return Labeller(sample, text_col=text_col, choices=tuple(choices))


def __dir__() -> list[str]:
    # dir() and tab completion offer the public names only, not the helpers this module imports
    return sorted(__all__)
