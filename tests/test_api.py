"""The public API speaks one vocabulary, checks its tables and explains its errors (issues #12.2, #12.3,
#19.3, #19.5).

- every public signature follows docs/glossary.md (no banned option names, table first and positional,
  the rest keyword-only, no silent UTC default for ``tz``);
- old option names keep working for one release through ``toolkit._compat.renamed``, with a
  DeprecationWarning naming the new name;
- every public function that takes posts refuses comments or daily (and vice versa) with a
  SchemaError naming the table it got and the one to pass;
- wrong calls get "did you mean ...?" and the valid values, never an inner function's name or
  pandas' own error text;
- the URL/hashtag/mention/emoji patterns, weekday names, period bucketing and the time-zone check
  are defined once (a second definition anywhere in toolkit/ fails here).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

import toolkit as tk
from toolkit.errors import ParameterError, SchemaError, ToolkitError

TZ = "Europe/Berlin"
PKG = Path(tk.__file__).parent
MODULES = ("inventory", "community", "text", "timing", "performance", "plots", "traffic", "widgets", "report",
           "schema", "io")

# Functions whose signature another helper brings to the glossary (issue #11, branch 'engine').
PENDING: dict[str, str] = {}  # public names whose glossary change is still to come (none)
# Functions that take no table, or two inputs by design (the rest of their options are keyword-only).
NOT_TABLE_FIRST = {
    "performance.formulas", "traffic.sources", "report.notebooks", "report.benchmarks", "plots.platform_color",
    "traffic.normalize_source",  # values, medium: the web helper's (traffic.py)
    "timing.comment_lag",        # (comments, posts): two tables
    "report.to_csv", "report.to_excel",  # (table, path)
    "report.render",             # (data folder, *, ...)
    "schema.validate", "schema.conform", "schema.require_columns",  # (frame, table name / columns)
    "io.load", "io.read", "io.register", "io.loaders", "text.clean", "text.load_lexicon",
    "text.detect_language", "text.sentiment", "text.is_question",  # take texts, not a table
}
BANNED = {"random_state": "seed", "top_level_only": "top_level", "col": "<x>_col"}
_UTC = ("UTC", "utc", "Etc/UTC")


def _public():
    """(qualified name, callable) for every function and class in a toolkit module's ``__all__``."""
    out = []
    for m in MODULES:
        mod = importlib.import_module(f"toolkit.{m}")
        for name in getattr(mod, "__all__", []):
            obj = getattr(mod, name)
            if inspect.isfunction(obj):
                out.append((f"{m}.{name}", obj))
            elif inspect.isclass(obj) and obj.__module__.startswith("toolkit") and not issubclass(obj, Exception):
                out.append((f"{m}.{name}", obj))
    return out


PUBLIC = _public()
FUNCTIONS = [(q, f) for q, f in PUBLIC if inspect.isfunction(f)]


def _params(obj):
    try:
        return list(inspect.signature(obj).parameters.values())
    except ValueError:  # a class without a Python-level signature (no options to check)
        return []


@pytest.mark.parametrize("qualname,obj", PUBLIC, ids=[q for q, _ in PUBLIC])
def test_signature_follows_the_glossary(qualname, obj):
    if qualname in PENDING:
        pytest.skip(PENDING[qualname])
    params = _params(obj)
    names = [p.name for p in params]
    for bad, good in BANNED.items():
        assert bad not in names, f"{qualname}: option {bad}= is banned by docs/glossary.md; call it {good}="
    for p in params:
        if p.name == "tz":
            assert p.default not in _UTC, f"{qualname}: tz defaults to UTC; make it required or take ds.tz"
        if p.name == "period":  # only the analysed window ("2026-08"), never a bucket size
            assert p.default in (None, inspect.Parameter.empty) or not re.fullmatch(r"[DWMQY]", str(p.default)), \
                f"{qualname}: period= used as a bucket size; call it freq="
        if p.name == "per":  # a denominator, never a grouping
            assert p.default in (None, "auto", "reach", "impressions", "views", "followers",
                                 inspect.Parameter.empty), f"{qualname}: per={p.default!r} is a grouping; use by="
        if p.name == "by":  # a grouping, never a sort key
            assert p.default not in ("engagement_rate", "interactions", *tk.schema.METRICS), \
                f"{qualname}: by={p.default!r} is a sort key; use sort="
    if "gram" in qualname:
        assert "order" in names, f"{qualname}: the n-gram order is order= (n= is rows)"
    if inspect.isclass(obj) or qualname in NOT_TABLE_FIRST or not params:
        return
    first, rest = params[0], params[1:]
    assert first.kind in (first.POSITIONAL_ONLY, first.POSITIONAL_OR_KEYWORD), f"{qualname}: table first"
    loose = [p.name for p in rest if p.kind not in (p.KEYWORD_ONLY, p.VAR_KEYWORD)]
    assert not loose, f"{qualname}: options {loose} must be keyword-only (def f(table, *, ...))"


def test_the_signature_check_can_fail():
    def bad(posts, random_state=0, tz="UTC"):  # noqa: ARG001
        pass

    with pytest.raises(AssertionError, match="random_state"):
        test_signature_follows_the_glossary("x.bad", bad)


def test_every_renamed_option_is_listed_in_the_glossary_doc():
    doc = (PKG.parent / "docs" / "glossary.md").read_text(encoding="utf-8")
    for _, obj in PUBLIC:
        target = obj.__init__ if inspect.isclass(obj) else obj
        for old, new in getattr(target, "__renamed__", {}).items():
            assert f"`{old}`" in doc and f"`{new}`" in doc, (old, new)
    readme = (PKG.parent / "README.md").read_text(encoding="utf-8")
    assert "docs/glossary.md" in readme


# ---------------------------------------------------------------------------------------------
# old names keep working for one release


def _deprecated(call, new: str):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call()
    msgs = [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)]
    assert any(f"use {new}=" in m for m in msgs), msgs
    assert all(w.filename == __file__ for w in caught if issubclass(w.category, DeprecationWarning)), \
        [w.filename for w in caught]  # points at the caller's line, not at the toolkit
    return result


@pytest.fixture(scope="module")
def march(sample_dataset):
    return tk.inventory.select(sample_dataset, date_from="2026-03-01", date_to="2026-03-31", tz=TZ)


def test_old_names_give_the_same_result_with_a_deprecation_warning(march):
    posts, comments = march.posts, march.comments
    new = tk.performance.channel_kpis(posts, tz=TZ, freq="W")
    pd.testing.assert_frame_equal(_deprecated(lambda: tk.performance.channel_kpis(posts, tz=TZ, period="W"),
                                              "freq"), new)
    new = tk.community.response_rate(comments, tz=TZ, freq="M")
    pd.testing.assert_frame_equal(_deprecated(lambda: tk.community.response_rate(comments, tz=TZ, period="M"),
                                              "freq"), new)
    new = tk.performance.top_posts(posts, n=2, sort="interactions", by="account")
    old = _deprecated(lambda: tk.performance.top_posts(posts, n=2, by="interactions", per="account"), "sort")
    pd.testing.assert_frame_equal(old, new)
    # by= naming a metric is the old sort key (nobody groups by a metric)
    pd.testing.assert_frame_equal(_deprecated(lambda: tk.performance.top_posts(posts, by="likes"), "sort"),
                                  tk.performance.top_posts(posts, sort="likes"))
    new = tk.community.pseudonymize(comments, salt="s", author_col="author")
    pd.testing.assert_frame_equal(_deprecated(lambda: tk.community.pseudonymize(comments, salt="s", col="author"),
                                              "author_col"), new)
    new = tk.timing.comment_lag(comments, posts, top_level=True)
    pd.testing.assert_frame_equal(_deprecated(lambda: tk.timing.comment_lag(comments, posts, top_level_only=True),
                                              "top_level"), new)
    texts = ["Kaffee und Kuchen heute", "Kaffee und Kuchen morgen", "Kuchen essen"]
    pd.testing.assert_frame_equal(_deprecated(lambda: tk.text.ngrams(texts, n=3, top=5), "order"),
                                  tk.text.ngrams(texts, order=3, n=5))
    pd.testing.assert_frame_equal(_deprecated(lambda: tk.text.keywords(texts, top=2), "n"),
                                  tk.text.keywords(texts, n=2))
    model = _deprecated(lambda: tk.text.SentimentModel(random_state=7), "seed")
    assert model.seed == 7


def test_old_and_new_name_together_is_an_error(march):
    with pytest.raises(ParameterError, match=r"pass freq= only"):
        tk.performance.channel_kpis(march.posts, tz=TZ, period="W", freq="M")


def test_a_missing_tz_is_never_silent(march):
    with pytest.warns(DeprecationWarning, match="pass tz="):
        tk.community.response_rate(march.comments)
    # functions that take the dataset use its zone
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert march.tz == TZ
        pd.testing.assert_frame_equal(tk.inventory.coverage(march), tk.inventory.coverage(march, tz=TZ))


# ---------------------------------------------------------------------------------------------
# #19.3: the wrong kind of table is refused


def _kind(qualname, fn):
    """Which canonical table the first parameter takes: posts, comments, a text table, or None."""
    first = _params(fn)[0].name if _params(fn) else ""
    if qualname.startswith(("plots.", "report.", "traffic.", "schema.", "io.")):
        return None  # charts take result tables; report/io/traffic take folders, results or traffic
    if first in ("posts", "comments"):
        return first
    if first == "table" and qualname.startswith("text."):
        return "text"
    return None


def _calls():
    out = []
    for qualname, fn in FUNCTIONS:
        kind = _kind(qualname, fn)
        if kind is None:
            continue
        wrong = {"posts": ("comments", "daily"), "comments": ("posts", "daily"), "text": ("daily",)}[kind]
        out += [(qualname, kind, w) for w in wrong]
    return out


CALLS = _calls()


def test_the_kind_check_covers_the_analyses():
    covered = {q for q, _, _ in CALLS}
    for name in ("performance.channel_kpis", "performance.top_posts", "performance.content_effects",
                 "timing.best_times", "timing.audience_activity", "community.response_rate",
                 "community.workload", "inventory.metrics", "text.add_sentiment", "text.hashtags",
                 "widgets.explore_kpis"):
        assert name in covered, name


@pytest.mark.parametrize("qualname,kind,wrong", CALLS, ids=[f"{q}-{w}" for q, _, w in CALLS])
def test_a_wrong_table_is_refused_with_the_table_to_pass(qualname, kind, wrong, march):
    fn = dict(FUNCTIONS)[qualname]
    table = getattr(march, wrong)
    names = [p.name for p in _params(fn)]
    kwargs = {"tz": TZ} if "tz" in names else {}
    for p in _params(fn)[1:]:  # required tables as keywords (thread(comments, *, posts))
        if p.kind == p.KEYWORD_ONLY and p.default is p.empty and p.name in ("posts", "comments", "daily"):
            kwargs[p.name] = getattr(march, p.name)
    args = [table, march.posts] if qualname == "timing.comment_lag" else [table]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(SchemaError) as err:
            fn(*args, **kwargs)
    msg = str(err.value)
    assert f"got the {wrong} table" in msg, msg
    expected = ("posts", "comments") if kind == "text" else (kind,)
    assert any(f"pass the {k} table" in msg for k in expected), msg


def test_a_wrong_second_table_is_refused_too(march):
    with pytest.raises(SchemaError, match="got the posts table.*pass the daily table"):
        tk.performance.channel_kpis(march.posts, tz=TZ, daily=march.posts)
    with pytest.raises(SchemaError, match=r"unanswered_questions\(posts=...\): got the comments table"):
        tk.community.unanswered_questions(march.comments, posts=march.comments)
    with pytest.raises(SchemaError, match=r"got the daily table.*pass the posts table"):
        tk.timing.comment_lag(march.comments, march.daily)


# ---------------------------------------------------------------------------------------------
# #19.5: errors that help. One row per wrong call: (id, call, error class, message pattern).

WRONG_CALLS = [
    ("metric typo", lambda ds: tk.timing.best_times(ds.posts, tz=TZ, metric="like", progress=False),
     SchemaError, r"^best_times\(posts\): missing column\(s\) \['like'\] \('like': did you mean 'likes'"),
    ("freq typo", lambda ds: tk.performance.channel_kpis(ds.posts, tz=TZ, freq="fortnight"),
     ParameterError, r"freq='fortnight' is not a known bucket size; valid: 'D' or 'day', 'W' or 'week'"),
    ("old period=month", lambda ds: tk.performance.channel_kpis(ds.posts, tz=TZ, freq="monthly"),
     ParameterError, r"did you mean 'month'\?"),
    ("formula typo", lambda ds: tk.performance.channel_kpis(ds.posts, tz=TZ, formula="reech"),
     ParameterError, r"^channel_kpis\(\): formula='reech' .*did you mean 'reach'\?.*valid: 'auto'"),
    ("comments as posts", lambda ds: tk.performance.channel_kpis(ds.comments, tz=TZ),
     SchemaError, r"^channel_kpis\(posts\): got the comments table .*pass the posts table \(ds.posts\)"),
    ("posts as comments", lambda ds: tk.community.response_rate(ds.posts, tz=TZ),
     SchemaError, r"^response_rate\(comments\): got the posts table .*pass the comments table \(ds.comments\)"),
    ("sort key typo", lambda ds: tk.performance.top_posts(ds.posts, sort="like"),
     ParameterError, r"top_posts\(\): sort='like' .*did you mean 'likes'"),
    ("platform typo", lambda ds: tk.inventory.select(ds, platforms=["facebok"]),
     ParameterError, r"did you mean 'facebook'\?\); the data holds: 'facebook'"),
    ("zone typo", lambda ds: tk.community.workload(ds.comments, tz="Europe/Berln"),
     ParameterError, r"tz='Europe/Berln' is not an IANA time zone name \(did you mean 'Europe/Berlin'\?\)"),
    ("text column typo", lambda ds: tk.text.hashtags(ds.posts, text_col="txt"),
     SchemaError, r"\['txt'\] not in the table \(did you mean 'text'\?\)"),
    ("unit typo", lambda ds: tk.community.negative_spikes(ds.comments, tz=TZ, by="dya"),
     ParameterError, r"by='dya' is not a known unit \(did you mean 'day'\?\); valid: 'day', 'post'"),
    ("match typo", lambda ds: tk.community.response_rate(ds.comments, tz=TZ, match="threads"),
     ParameterError, r"^response_rate\(\): match='threads' .*did you mean 'thread'"),
    ("engine typo", lambda ds: tk.text.detect_language(["Guten Morgen zusammen"], engine="lingu"),
     ParameterError, r"engine='lingu' .*did you mean 'lingua'"),
    ("backend typo", lambda ds: tk.text.sentiment(["gut"], backend="vadr"),
     ParameterError, r"backend='vadr'.*did you mean 'vader'"),
    ("freq not offered", lambda ds: tk.inventory.activity(ds, tz=TZ, freq="Q"),
     ParameterError, r"freq='Q' is not a known bucket size; valid: 'D' or 'day', 'W' or 'week', 'M' or 'month'\.$"),
    ("column clash", lambda ds: tk.text.add_sentiment(ds.comments.assign(lang="de")),
     ParameterError, r"already has column\(s\) \['lang'\]; pass overwrite=True"),
    ("weights not numbers", lambda ds: tk.text.keywords(ds.posts, weight_col="permalink", progress=False),
     ParameterError, r"weight_col='permalink'\): the column is not numeric \(found 'https://"),
    ("chart count typo", lambda ds: tk.plots.activity(tk.inventory.activity(ds, tz=TZ), metric="post"),
     ParameterError, r"tk.plots.activity\(\): metric='post' is not a known count \(did you mean 'posts'"),
    ("missing column", lambda ds: tk.performance.channel_kpis(ds.posts.rename(columns={"platform": "platfrom"}), tz=TZ),
     SchemaError, r"missing column\(s\) \['platform'\] \('platform': did you mean 'platfrom'\?\)"),
]
# words that betray an inner function or pandas' own error text
LEAKS = ("add_engagement", "reply_times(", "_period_start", "to_period", "Invalid frequency", "offset",
         "Traceback", "KeyError", "ValueError(")


@pytest.mark.parametrize("name,call,error,pattern", WRONG_CALLS, ids=[w[0] for w in WRONG_CALLS])
def test_wrong_calls_get_messages_that_help(name, call, error, pattern, march):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(error) as err:
            call(march)
    msg = str(err.value)
    assert re.search(pattern, msg), msg
    assert not any(leak in msg for leak in LEAKS), msg
    assert err.value.__cause__ is None or isinstance(err.value.__cause__, ToolkitError)


def test_channel_kpis_takes_month_spelled_out(march):
    pd.testing.assert_frame_equal(tk.performance.channel_kpis(march.posts, tz=TZ, freq="month"),
                                  tk.performance.channel_kpis(march.posts, tz=TZ, freq="M"))


# ---------------------------------------------------------------------------------------------
# #12.2: one definition each


def _sources(*exclude: str):
    for f in sorted(PKG.rglob("*.py")):
        rel = f.relative_to(PKG).as_posix()
        if not rel.startswith(exclude):
            yield rel, ast.parse(f.read_text(encoding="utf-8"))


def _strings(tree):
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


# loaders parse export formats (a WhatsApp location line, an HTML page), not social text; the sample
# generator writes data; report.py strips <script src=https://...> from pages
_NOT_TEXT = ("io/", "samples/", "report.py")


def test_text_patterns_are_defined_only_in_text_patterns():
    marks = {"URL": re.compile(r"https\?:|www\\\\?\."), "mention": re.compile(r"@\(?\?<!|\(\?<!\\w\)@|\[@"),
             "hashtag": re.compile(r"\(\?<!\[\\w#\]\)#|\[#＃\]"), "emoji": re.compile("[\U0001f000\U0001f1e6\u2600]-")}
    found = []
    for rel, tree in _sources(*_NOT_TEXT):
        if rel == "text/patterns.py":
            continue
        for s in _strings(tree):
            found += [(rel, kind, s[:40]) for kind, rx in marks.items() if rx.search(s)]
    assert found == [], found


def test_the_pattern_check_finds_a_copied_pattern():
    tree = ast.parse('HASHTAG = r"(?<![\\w#])#(\\w+)"\nURL = r"(?:https?://|www\\.)\\S+"')
    assert len([s for s in _strings(tree) if re.search(r"https\?:", s) or re.search(r"\(\?<!\[\\w#\]\)#", s)]) == 2


def test_weekday_names_period_bucketing_and_tz_check_are_defined_once():
    days = {"Monday", "Mon"}
    weekday_lists, to_period, tz_checks = [], [], []
    for rel, tree in _sources("samples/_exporters/"):
        for node in ast.walk(tree):
            if isinstance(node, (ast.List, ast.Tuple)) and rel != "_time.py":
                values = [e.value for e in node.elts if isinstance(e, ast.Constant)]
                if days & set(values):
                    weekday_lists.append(rel)
            if isinstance(node, ast.Attribute) and node.attr == "to_period" and rel != "_time.py":
                to_period.append(rel)
            if isinstance(node, ast.FunctionDef) and node.name in ("check_tz", "_check_tz") and rel != "_validate.py":
                body = ast.unparse(node)
                if "ZoneInfo(" in body and "check_tz(" not in body.split(":", 1)[1]:
                    tz_checks.append(rel)
            if isinstance(node, ast.ImportFrom) and node.module and node.module.endswith("io._base") \
                    and any(a.name == "check_tz" for a in node.names):
                tz_checks.append(rel)
    assert weekday_lists == []
    assert to_period == [], to_period
    assert tz_checks == []
    assert tk.schema.check_tz("Europe/Berlin") == "Europe/Berlin"
    assert tk.timing.WEEKDAY_NAMES[0] == "Monday"


def test_one_language_for_a_text(sample_dataset):
    comments = sample_dataset.comments.iloc[:3000]
    lang = tk.text.add_language(comments, progress=False)["lang"]
    scored = tk.text.add_sentiment(comments, progress=False)["lang"]
    pd.testing.assert_series_equal(lang, scored)
    pd.testing.assert_series_equal(tk.text.detect_language(comments["text"], progress=False), lang)
    with pytest.raises(ParameterError, match="overwrite=True"):
        tk.text.add_language(comments.assign(lang="en"), progress=False)
    assert (tk.text.add_language(comments.assign(lang="xx"), overwrite=True, progress=False)["lang"] == lang).all()
