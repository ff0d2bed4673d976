"""The same-table hand readers of the traffic benchmark (bench/_same_traffic.py) give toolkit.load's table.

If a traffic loader changes what it loads from these files, this fails and the hand reader (the
benchmark's yardstick) is brought along.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytest.importorskip("pyarrow")

_BENCH = Path(__file__).resolve().parents[1] / "bench"


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name, _BENCH / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def same():
    return _module("_same_traffic")


@pytest.fixture(scope="module")
def gen():
    return _module("_scale_data")


@pytest.mark.parametrize("case", ["ga4_csv", "ua_csv", "matomo_visits_csv"])
def test_hand_reader_gives_the_loaded_table(same, gen, case, tmp_path):
    folder = tmp_path / case
    getattr(gen, case)(folder, 1_200, per_file=500)  # three files, the last one shorter
    same.check(case, folder)  # raises AssertionError on any difference
    table = same.READERS[case](str(folder))
    assert list(table.columns) == list(same.COLUMNS)
    assert len(table) > 0 and table["source_file"].nunique() == 3


def test_a_different_table_is_noticed(same, gen, tmp_path):
    folder = tmp_path / "ga4_csv"
    gen.ga4_csv(folder, 300, per_file=300)
    path = next(folder.glob("*.csv"))
    path.write_text(path.read_text(encoding="utf-8").replace("google / organic", "google / cpc"), encoding="utf-8")
    same.check("ga4_csv", folder)  # both read the edited file alike
    real = same.READERS["ga4_csv"]
    try:  # a reader that forgets one thing (the segment) is caught
        same.READERS["ga4_csv"] = lambda f: real(f).assign(segment="All users")
        with pytest.raises(AssertionError, match="segment"):
            same.check("ga4_csv", folder)
    finally:
        same.READERS["ga4_csv"] = real
