"""Compact datasets: repetitive text columns as categoricals, same results (issue #14.2).

``Dataset.compact()`` must keep every value, the row order and the index, hold less memory, survive the
Parquet store, pass the schema check, stay compact through ``add_sentiment`` / ``add_language``, and give
every public analysis the same result as the plain dataset: each call of tests/test_edge_shapes.py is run on
both (on a selection of a compact dataset, so the categoricals carry categories the selection no longer has).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

import toolkit as tk
from toolkit._compact import COMPACT_COLUMNS
from toolkit.errors import SchemaError
from toolkit.schema import TABLES

from .test_edge_shapes import CALLS, TZ

#: Calls that reach the data only through files written from the tables (compactness cannot reach them)
#: or that do not take the data at all.
_NOT_ON_DATA = {"report.render", "report.notebooks", "report.nav", "report.Nav", "report.Page",
                "report.PdfUnavailable", "report.show_notes", "report.benchmarks", "plots.platform_color",
                "performance.formulas"}


def _march(ds):
    return tk.inventory.select(ds, date_from="2026-03-01", date_to="2026-03-31",
                               platforms=["facebook", "instagram"], tz=TZ)


@pytest.fixture(scope="module")
def compact(sample_dataset):
    return sample_dataset.compact()


@pytest.fixture(scope="module")
def pair(sample_dataset, compact):
    return _march(sample_dataset), _march(compact)


def _plain(x):
    """Categoricals and string flavours as object, so values are compared, not dtypes."""
    if isinstance(x, pd.DataFrame):
        return x.astype({c: object for c in x.columns if str(x[c].dtype) in ("category", "str", "string")})
    if isinstance(x, pd.Series) and str(x.dtype) in ("category", "str", "string"):
        return x.astype(object)
    return x


def _same(a, b, what: str) -> None:
    assert type(a) is type(b), what
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(_plain(a), _plain(b), check_dtype=False, obj=what)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(_plain(a), _plain(b), check_dtype=False, obj=what)
    elif isinstance(a, go.Figure):
        assert json.loads(a.to_json()) == json.loads(b.to_json()), what
    elif isinstance(a, tk.io.Dataset):
        for name in a.tables:
            _same(a.tables[name], b.tables[name], f"{what}.{name}")
    elif isinstance(a, tk.widgets.Explorer):
        _same(a.figure, b.figure, f"{what}.figure")
    elif isinstance(a, dict):
        assert json.loads(json.dumps(a, default=str)) == json.loads(json.dumps(b, default=str)), what
    elif isinstance(a, tk.report.Note):
        assert a.text == b.text, what
        if a.table is not None:
            _same(a.table, b.table, f"{what}.table")
    elif isinstance(a, tk.text.SentimentModel):
        texts = ["Super, danke!", "This is awful", "ok"]
        assert list(a.predict(texts)) == list(b.predict(texts)), what
    elif isinstance(a, tk.widgets.Labeller):
        _same(a._sample, b._sample, f"{what} sample")
        assert a.text.value == b.text.value, what
    elif isinstance(a, Path) and a.suffix == ".csv":
        assert a.read_bytes() == b.read_bytes(), what
    elif isinstance(a, Path) and a.suffix == ".xlsx":
        pd.testing.assert_frame_equal(pd.read_excel(a), pd.read_excel(b), obj=what)
    else:
        assert a == b, what


def test_compact_keeps_values_order_and_index_and_leaves_the_dataset_alone(sample_dataset, compact):
    for name, frame in sample_dataset.tables.items():
        got = compact.tables[name]
        made = [c for c in COMPACT_COLUMNS[name] if c in frame.columns]
        assert made and all(isinstance(got[c].dtype, pd.CategoricalDtype) for c in made), name
        assert all(isinstance(frame[c].dtype, pd.StringDtype) for c in made), f"{name}: the input was changed"
        assert list(got.columns) == list(frame.columns) and got.index.equals(frame.index)
        pd.testing.assert_frame_equal(_plain(got), _plain(frame), check_dtype=False)
        # the columns that are not compacted are the same arrays, not copies
        other = [c for c in frame.columns if c not in made]
        assert all(got[c].dtype == frame[c].dtype for c in other)
    assert compact.load_report is sample_dataset.load_report and compact.tz == sample_dataset.tz


def test_compact_holds_less_memory(sample_dataset, compact):
    for name in ("comments", "daily", "traffic"):
        plain = sample_dataset.tables[name].memory_usage(deep=True).sum()
        small = compact.tables[name].memory_usage(deep=True).sum()
        assert small < 0.65 * plain, f"{name}: {small:,} vs {plain:,} bytes"


def test_compact_tables_pass_the_schema_check(compact):
    for name, frame in compact.tables.items():
        assert TABLES[name].validate(frame) is frame
    odd = compact.comments.assign(account=compact.comments["account"].cat.codes.astype("category"))
    with pytest.raises(SchemaError, match="column 'account' has dtype category"):
        TABLES["comments"].validate(odd)


def test_adding_language_and_sentiment_keeps_a_compact_table_compact(pair):
    plain, small = pair
    scored = tk.text.add_sentiment(small.comments, progress=False)
    assert isinstance(scored["lang"].dtype, pd.CategoricalDtype)
    assert isinstance(scored["sentiment_label"].dtype, pd.CategoricalDtype)
    assert isinstance(tk.text.add_language(small.posts.drop(columns=["lang"]), progress=False)["lang"].dtype, pd.CategoricalDtype)
    # a plain table stays plain
    assert isinstance(tk.text.add_sentiment(plain.comments, progress=False)["sentiment_label"].dtype,
                      pd.StringDtype)


def test_the_store_keeps_a_compact_dataset_as_the_canonical_tables(sample_dataset, compact, tmp_path):
    compact.to_parquet(tmp_path / "store")
    back = tk.load(tmp_path / "store")
    for name, frame in sample_dataset.tables.items():
        pd.testing.assert_frame_equal(back.tables[name], frame, check_exact=True)


@pytest.mark.parametrize("name", sorted(set(CALLS) - _NOT_ON_DATA))
def test_every_analysis_gives_the_same_result_on_a_compact_dataset(name, pair, tmp_path):
    plain, small = pair
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = _call(name, plain, tmp_path / "a")
        b = _call(name, small, tmp_path / "b")
    _same(a, b, name)


def _call(name, ds, tmp):
    tmp.mkdir()
    return CALLS[name](ds, tmp)
