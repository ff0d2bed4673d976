"""Every public analysis function answers edge-shaped tables (issue #18, point 6).

Each public function of ``toolkit.inventory``, ``performance``, ``timing``, ``community``, ``text``,
``plots``, ``widgets`` and ``report`` is called on eight thin shapes of the samples as users load
them (an empty dataset, one post, one platform, no comments, comments without any reply by the
account, no metric columns, a single day, tz-naive timestamps). Each call returns a table, a
figure or the function's documented type, or raises a :class:`~toolkit.errors.ToolkitError`; a
raw Python exception (``MergeError``, ``TypeError``, ``KeyError`` ...) fails the test.
"""

from __future__ import annotations

import inspect
import warnings
from dataclasses import replace

import nbformat
import pandas as pd
import plotly.graph_objects as go
import pytest

import toolkit as tk
from toolkit.errors import SchemaError, ToolkitError
from toolkit.schema import METRICS

TZ = "Europe/Berlin"
MODULES = ("inventory", "performance", "timing", "community", "text", "plots", "widgets", "report")
SHAPES = ("empty", "one_post", "one_platform", "no_comments", "no_replies", "no_metrics", "metrics_na",
          "single_day", "tz_naive")
LOCALISE = '{table}["published_at"].dt.tz_localize("Europe/Berlin")'


# ---------------------------------------------------------------------------------------------
# the shapes, cut from the samples as tk.load() returns them


def _local_day(frame: pd.DataFrame) -> pd.Series:
    return frame["published_at"].dt.tz_convert(TZ).dt.strftime("%Y-%m-%d")


@pytest.fixture(scope="module")
def base(sample_dataset):
    """Facebook and Instagram in March 2026: ~50 posts, their comments and daily values."""
    return tk.inventory.select(sample_dataset, date_from="2026-03-01", date_to="2026-03-31",
                               platforms=["facebook", "instagram"], tz=TZ)


def _shape(base, name: str):
    posts, comments, daily = base.posts, base.comments, base.daily
    if name == "empty":
        return replace(base, posts=posts.iloc[:0], comments=comments.iloc[:0], daily=daily.iloc[:0])
    if name == "one_post":
        post = posts.sort_values("published_at").iloc[[len(posts) // 2]]
        linked = comments["post_id"].isin(post["post_id"]) & comments["platform"].isin(post["platform"])
        return replace(base, posts=post.reset_index(drop=True), comments=comments[linked].reset_index(drop=True),
                       daily=daily[daily["platform"].isin(post["platform"])].reset_index(drop=True))
    if name == "one_platform":
        return tk.inventory.select(base, platforms=["facebook"], tz=TZ)
    if name == "no_comments":
        return replace(base, comments=comments.iloc[:0])
    if name == "no_replies":
        return replace(base, comments=comments[~comments["is_owner"]].reset_index(drop=True))
    if name == "no_metrics":
        return replace(base, posts=posts.drop(columns=[m for m in METRICS if m in posts.columns]))
    if name == "metrics_na":  # what an export without counts loads as
        return replace(base, posts=posts.assign(**{m: pd.array([pd.NA] * len(posts), dtype="Int64")
                                                   for m in METRICS}))
    if name == "single_day":
        day = _local_day(posts).value_counts().index[0]
        return tk.inventory.select(base, date_from=day, date_to=day, tz=TZ)
    if name == "tz_naive":
        return replace(base, posts=posts.assign(published_at=posts["published_at"].dt.tz_localize(None)),
                       comments=comments.assign(published_at=comments["published_at"].dt.tz_localize(None)))
    raise AssertionError(name)


@pytest.fixture(scope="module")
def shapes(base):
    return {name: _shape(base, name) for name in SHAPES}


# ---------------------------------------------------------------------------------------------
# how each public function is called on a shape (plots get the table of their computation)


def _users(ds):
    return ds.comments[~ds.comments["is_owner"].astype(bool)]


def _scored(ds):
    return tk.text.add_sentiment(_users(ds), progress=False)


def _fit(ds):
    return tk.performance.channel_fit(ds.posts)


def _lexicon(ds, tmp):
    words = pd.Series(" ".join(ds.posts["text"].astype(str)).split()).head(20)
    path = tmp / "lexicon.tsv"
    path.write_text("".join(f"{w}\t1.5\n" for w in words), encoding="utf-8")
    return tk.text.load_lexicon(path)


def _model(ds):
    scored = _scored(ds)
    labelled = pd.DataFrame({"text": scored["text"], "label": scored["sentiment_label"]})
    return tk.text.SentimentModel(cv=2).fit(labelled)


def _tiny_books(tmp):
    """One small notebook that loads the data: render()'s own checks, without the curated pages' cost."""
    books = tmp / "books"
    books.mkdir(exist_ok=True)
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('data_dir = "x"\ntz = "UTC"\ndate_from = None\ndate_to = None')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Tiny"), params,
                nbformat.v4.new_code_cell("import toolkit as tk\ntk.load(data_dir, tz=tz, errors='reject')")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, books / "00-tiny.ipynb")
    return books


def _written(ds, tmp):
    data = tmp / "data"
    data.mkdir(exist_ok=True)
    for table in ("posts", "comments", "daily"):
        frame = getattr(ds, table)
        if len(frame):
            frame.to_csv(data / f"{table}.csv", index=False)
    return data


def _render(ds, tmp):
    data = _written(ds, tmp)
    return tk.report.render(data, out=tmp / "out", tz=TZ, notebook_dir=_tiny_books(tmp), progress=False)


CALLS = {
    # inventory
    "inventory.coverage": lambda ds, tmp: tk.inventory.coverage(ds, tz=TZ),
    "inventory.metrics": lambda ds, tmp: tk.inventory.metrics(ds.posts),
    "inventory.activity": lambda ds, tmp: tk.inventory.activity(ds, tz=TZ),
    "inventory.counts": lambda ds, tmp: tk.inventory.counts(ds),
    "inventory.load_totals": lambda ds, tmp: tk.inventory.load_totals(ds),
    "inventory.select": lambda ds, tmp: tk.inventory.select(ds, date_from="2026-03-10", platforms=["facebook"],
                                                            tz=TZ),
    # performance
    "performance.formulas": lambda ds, tmp: tk.performance.formulas(),
    "performance.add_engagement": lambda ds, tmp: tk.performance.add_engagement(ds.posts, daily=ds.daily),
    "performance.channel_kpis": lambda ds, tmp: tk.performance.channel_kpis(ds.posts, daily=ds.daily, tz=TZ),
    "performance.top_posts": lambda ds, tmp: tk.performance.top_posts(ds.posts, n=3),
    "performance.content_effects": lambda ds, tmp: tk.performance.content_effects(ds.posts, n_boot=100,
                                                                                  progress=False),
    "performance.channel_fit": lambda ds, tmp: _fit(ds),
    "performance.channel_fit_summary": lambda ds, tmp: tk.performance.channel_fit_summary(_fit(ds), n_boot=100),
    "performance.platform_posts": lambda ds, tmp: tk.performance.platform_posts(ds.posts),
    "performance.platform_means": lambda ds, tmp: tk.performance.platform_means(
        tk.performance.add_engagement(ds.posts)),
    # timing
    "timing.best_times": lambda ds, tmp: tk.timing.best_times(ds.posts, tz=TZ, n_boot=100, progress=False),
    "timing.audience_activity": lambda ds, tmp: tk.timing.audience_activity(ds.comments, tz=TZ),
    "timing.comment_lag": lambda ds, tmp: tk.timing.comment_lag(ds.comments, ds.posts),
    "timing.slot_summary": lambda ds, tmp: tk.timing.slot_summary(CALLS["timing.best_times"](ds, tmp)),
    "timing.busiest_hours": lambda ds, tmp: tk.timing.busiest_hours(tk.timing.audience_activity(ds.comments, tz=TZ)),
    # community
    "community.reply_times": lambda ds, tmp: tk.community.reply_times(ds.comments, tz=TZ,
                                                                      business_hours=("09:00", "17:00")),
    "community.response_rate": lambda ds, tmp: tk.community.response_rate(ds.comments, freq=None, tz=TZ,
                                                                          business_hours=("09:00", "17:00")),
    "community.unanswered_questions": lambda ds, tmp: tk.community.unanswered_questions(ds.comments,
                                                                                        posts=ds.posts),
    "community.pseudonymize": lambda ds, tmp: tk.community.pseudonymize(ds.comments, salt="s"),
    "community.top_members": lambda ds, tmp: tk.community.top_members(_scored(ds), salt="s"),
    "community.negative_spikes": lambda ds, tmp: tk.community.negative_spikes(_scored(ds), tz=TZ),
    "community.workload": lambda ds, tmp: tk.community.workload(ds.comments, tz=TZ),
    "community.care_summary": lambda ds, tmp: tk.community.care_summary(ds.comments, tz=TZ),
    "community.tone": lambda ds, tmp: tk.community.tone(_scored(ds), by="platform"),
    "community.worst_posts": lambda ds, tmp: tk.community.worst_posts(
        CALLS["community.negative_spikes[post]"](ds, tmp), posts=ds.posts),
    "community.thread": lambda ds, tmp: tk.community.thread(ds.comments, posts=ds.posts.head(1)),
    "community.top_emoji": lambda ds, tmp: tk.community.top_emoji(ds.comments),
    # text
    "text.SentimentModel": lambda ds, tmp: _model(ds),
    "text.add_language": lambda ds, tmp: tk.text.add_language(ds.comments, progress=False),
    "text.add_sentiment": lambda ds, tmp: tk.text.add_sentiment(ds.comments, progress=False),
    "text.clean": lambda ds, tmp: tk.text.clean(ds.posts["text"]),
    "text.detect_language": lambda ds, tmp: tk.text.detect_language(ds.posts["text"], progress=False),
    "text.emoji": lambda ds, tmp: tk.text.emoji(ds.posts),
    "text.hashtags": lambda ds, tmp: tk.text.hashtags(ds.posts),
    "text.is_question": lambda ds, tmp: tk.text.is_question(ds.comments["text"]),
    "text.keywords": lambda ds, tmp: tk.text.keywords(ds.posts, progress=False),
    "text.load_lexicon": _lexicon,
    "text.mentions": lambda ds, tmp: tk.text.mentions(ds.comments, id_cols=("platform", "comment_id")),
    "text.ngrams": lambda ds, tmp: tk.text.ngrams(ds.posts, progress=False),
    "text.sentiment": lambda ds, tmp: tk.text.sentiment(ds.comments["text"], progress=False),
    "text.urls": lambda ds, tmp: tk.text.urls(ds.posts),
    # plots: each draws the table of its computation
    "plots.platform_color": lambda ds, tmp: tk.plots.platform_color("facebook"),
    "plots.activity": lambda ds, tmp: tk.plots.activity(tk.inventory.activity(ds, tz=TZ)),
    "plots.best_times": lambda ds, tmp: tk.plots.best_times(CALLS["timing.best_times"](ds, tmp)),
    "plots.audience_activity": lambda ds, tmp: tk.plots.audience_activity(
        tk.timing.audience_activity(ds.comments, tz=TZ)),
    "plots.kpis": lambda ds, tmp: tk.plots.kpis(tk.performance.channel_kpis(ds.posts, daily=ds.daily, tz=TZ)),
    "plots.effects": lambda ds, tmp: tk.plots.effects(CALLS["performance.content_effects"](ds, tmp)),
    "plots.hashtags": lambda ds, tmp: tk.plots.hashtags(CALLS["performance.content_effects"](ds, tmp)),
    "plots.channel_fit": lambda ds, tmp: tk.plots.channel_fit(CALLS["performance.channel_fit_summary"](ds, tmp),
                                                              groups=_fit(ds)),
    "plots.sentiment_timeline": lambda ds, tmp: tk.plots.sentiment_timeline(
        CALLS["community.negative_spikes"](ds, tmp)),
    "plots.response_rates": lambda ds, tmp: tk.plots.response_rates(
        tk.community.response_rate(ds.comments, freq="W", tz=TZ)),
    "plots.response_times": lambda ds, tmp: tk.plots.response_times(CALLS["community.reply_times"](ds, tmp),
                                                                    business=True),
    "plots.workload_heatmap": lambda ds, tmp: tk.plots.workload_heatmap(CALLS["community.workload"](ds, tmp)),
    "plots.members": lambda ds, tmp: tk.plots.members(CALLS["community.top_members"](ds, tmp)),
    "plots.traffic_by_channel": lambda ds, tmp: tk.plots.traffic_by_channel(tk.traffic.by_channel(ds)),
    "plots.traffic_by_campaign": lambda ds, tmp: tk.plots.traffic_by_campaign(tk.traffic.by_campaign(ds)),
    "plots.traffic_daily": lambda ds, tmp: tk.plots.traffic_daily(tk.traffic.daily(ds)),
    # widgets (headless: the controls work, the figure is kept)
    "widgets.Explorer": lambda ds, tmp: tk.widgets.Explorer(
        {"n": tk.widgets._widgets().IntSlider(value=3, min=1, max=5)},
        lambda v: (tk.performance.top_posts(ds.posts, n=v["n"]), None)),
    "widgets.explore_best_times": lambda ds, tmp: tk.widgets.explore_best_times(ds.posts, tz=TZ, n_boot=100),
    "widgets.explore_audience": lambda ds, tmp: tk.widgets.explore_audience(ds.comments, tz=TZ),
    "widgets.explore_kpis": lambda ds, tmp: tk.widgets.explore_kpis(ds.posts, tz=TZ, daily=ds.daily),
    "widgets.explore_effects": lambda ds, tmp: tk.widgets.explore_effects(ds.posts, tz=TZ, n_boot=100),
    "widgets.Labeller": lambda ds, tmp: tk.widgets.Labeller(_users(ds).head(5), text_col="text",
                                                            choices=("negative", "positive")),
    "widgets.label_comments": lambda ds, tmp: tk.widgets.label_comments(ds.comments, n=5),
    # report
    "report.render": _render,
    "report.notebooks": lambda ds, tmp: tk.report.notebooks(),
    "report.methods": lambda ds, tmp: tk.report.methods(ds, tz=TZ),
    "report.benchmarks": lambda ds, tmp: tk.report.benchmarks(),
    "report.neutralize": lambda ds, tmp: tk.report.neutralize(ds.posts),
    "report.to_csv": lambda ds, tmp: tk.report.to_csv(ds.comments, tmp / "c.csv"),
    "report.to_excel": lambda ds, tmp: tk.report.to_excel(ds.posts, tmp / "p.xlsx"),
    "report.Page": lambda ds, tmp: tk.report.Page("00-x.ipynb", "X", tmp / "x.html", 0.0),
    "report.show": lambda ds, tmp: tk.report.show(tk.plots.activity(tk.inventory.activity(ds, tz=TZ)),
                                                  empty="No posts or comments in this period."),
    "report.unreadable": lambda ds, tmp: tk.report.unreadable(ds),
    "report.Note": lambda ds, tmp: tk.report.Note("Two posts:", table=ds.posts.head(2)),
    "report.prepare": lambda ds, tmp: tk.report.prepare(_written(ds, tmp), tz=TZ, salt="s"),
    "report.nav": lambda ds, tmp: tk.report.nav("00-overview.ipynb"),
    "report.Nav": lambda ds, tmp: tk.report.Nav("00-x.ipynb", None, ("01-y.ipynb", "Y"), None),
    "report.show_notes": lambda ds, tmp: tk.report.show_notes(),
    # options that take another path through the data
    "performance.add_engagement[followers]": lambda ds, tmp: tk.performance.add_engagement(
        ds.posts, formula="followers", daily=ds.daily),
    "performance.channel_kpis[W]": lambda ds, tmp: tk.performance.channel_kpis(ds.posts, freq="W", tz=TZ),
    "timing.best_times[per reach]": lambda ds, tmp: tk.timing.best_times(ds.posts, tz=TZ, per="reach",
                                                                          slot_hours=24, n_boot=100, progress=False),
    "community.reply_times[thread]": lambda ds, tmp: tk.community.reply_times(ds.comments, match="thread",
                                                                              top_level=False),
    "community.response_rate[W]": lambda ds, tmp: tk.community.response_rate(ds.comments, freq="W", tz=TZ),
    "community.negative_spikes[post]": lambda ds, tmp: tk.community.negative_spikes(_scored(ds), by="post"),
    "inventory.activity[M]": lambda ds, tmp: tk.inventory.activity(ds, tz=TZ, freq="M"),
}

#: What a successful call returns, by function (default: a DataFrame).
RETURNS = {
    "plots.platform_color": str, "text.clean": pd.Series, "text.detect_language": pd.Series,
    "text.is_question": pd.Series, "text.SentimentModel": tk.text.SentimentModel,
    "widgets.Explorer": tk.widgets.Explorer, "widgets.Labeller": tk.widgets.Labeller,
    "widgets.label_comments": tk.widgets.Labeller, "report.render": list, "report.notebooks": list,
    "report.to_csv": object, "report.to_excel": object, "report.Page": tk.report.Page,
    "report.show": (go.Figure, tk.report.Note), "report.unreadable": tk.report.Note, "report.Note": tk.report.Note,
    "inventory.select": tk.io.Dataset, "report.prepare": tk.io.Dataset, "report.nav": tk.report.Nav,
    "report.Nav": tk.report.Nav, "report.show_notes": bool,
    **{f"widgets.{n}": tk.widgets.Explorer for n in ("explore_best_times", "explore_audience", "explore_kpis",
                                                     "explore_effects")},
}


def _public_callables():
    names = []
    for mod in MODULES:
        module = getattr(tk, mod)
        for name in module.__all__:
            obj = getattr(module, name)
            if callable(obj):
                names.append(f"{mod}.{name}")
    return names


def test_every_public_function_has_a_call():
    assert sorted(_public_callables()) == sorted(n for n in CALLS if "[" not in n)


def _expected_type(name: str):
    name = name.split("[")[0]
    if name in RETURNS:
        return RETURNS[name]
    return go.Figure if name.startswith("plots.") else pd.DataFrame


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", sorted(CALLS))
def test_edge_shape_gives_a_result_or_a_toolkit_error(name, shape, shapes, tmp_path):
    if name == "report.render" and shape not in ("empty", "one_post", "tz_naive"):
        pytest.skip("render() on the other shapes is covered by tests/test_report_thin.py")
    ds = shapes[shape]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = CALLS[name](ds, tmp_path)
        except ToolkitError as exc:
            assert str(exc).strip(), f"{name} on {shape}: empty message"
            if shape == "tz_naive":
                localise = [LOCALISE.format(table=t) for t in ("posts", "comments")]
                assert isinstance(exc, SchemaError) and any(h in str(exc) for h in localise), f"{name}: {exc}"
            return
    assert isinstance(result, _expected_type(name)), f"{name} on {shape}: {type(result).__name__}"
