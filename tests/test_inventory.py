"""Tests of toolkit.inventory: what a dataset holds, and selecting a period."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

import toolkit as tk
from toolkit.errors import ParameterError, SchemaError


def test_select_keeps_local_days_both_ends_included(sample_dataset):
    one = tk.inventory.select(sample_dataset, date_from="2026-03-02", date_to="2026-03-02", tz="Europe/Berlin")
    days = one.posts["published_at"].dt.tz_convert("Europe/Berlin").dt.strftime("%Y-%m-%d")
    assert len(one.posts) > 0 and set(days) == {"2026-03-02"}
    assert set(one.daily["date"].dt.strftime("%Y-%m-%d")) == {"2026-03-02"}


def test_select_names_a_day_it_cannot_read_or_a_reversed_period(sample_dataset):
    with pytest.raises(ParameterError, match=r"date_from='2026-13-45': expected a day such as '2026-03-01'"):
        tk.inventory.select(sample_dataset, date_from="2026-13-45")
    with pytest.raises(ParameterError, match="the first day is after the last day"):
        tk.inventory.select(sample_dataset, date_from="2026-04-01", date_to="2026-03-01")


def test_dataset_with_naive_times_is_refused_with_the_fix(sample_dataset):
    posts = sample_dataset.posts
    naive = replace(sample_dataset, posts=posts.assign(published_at=posts["published_at"].dt.tz_localize(None)))
    for call in (tk.inventory.coverage, tk.inventory.select, lambda d: tk.inventory.activity(d, tz="UTC")):
        with pytest.raises(SchemaError, match=re.escape('posts["published_at"].dt.tz_localize("Europe/Berlin")')):
            call(naive)
    with pytest.raises(ParameterError, match="expected a dataset from toolkit.load"):
        tk.inventory.coverage(posts)
