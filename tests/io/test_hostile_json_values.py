"""Bugs the probe corpus found after the web-analytics and vectorised loaders landed: JSON values of the
wrong type or out of range end in a toolkit error or a rejected record, never an internal error."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

import toolkit as tk
from toolkit.errors import ExportFormatError

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "io"


def _runreport(tmp_path: Path, change) -> Path:
    src = next((FIX / "ga4").glob("runreport*.json"))
    doc = json.loads(src.read_text(encoding="utf-8"))
    change(doc)
    path = tmp_path / "runreport.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _report(doc):
    return doc if "dimensionHeaders" in doc else doc["reports"][0]


@pytest.mark.parametrize("change, where", [
    (lambda d: _report(d)["dimensionHeaders"].__setitem__(0, "xxxx"), "dimensionHeaders[0]"),
    (lambda d: _report(d).__setitem__("metricHeaders", "sessions"), "metricHeaders"),
    (lambda d: _report(d).__setitem__("metadata", [1]), "metadata"),
    (lambda d: _report(d).__setitem__("rows", ["a row"]), "row 1"),
])
def test_a_ga4_api_json_with_a_value_of_the_wrong_type_names_the_field(tmp_path, change, where):
    path = _runreport(tmp_path, change)
    with pytest.raises(ExportFormatError) as err:
        tk.load(path, tz="Europe/Berlin")
    assert str(err.value).startswith("runreport.json: report 0, " + where), str(err.value)
    assert "bug in the toolkit" not in str(err.value)


@pytest.mark.parametrize("value", [float("-inf"), 1e300, -5, float("nan")])
def test_a_meta_archive_comment_with_an_impossible_time_is_rejected_with_its_field(tmp_path, value):
    src = next(FIX.glob("meta/dyi/*/your_facebook_activity/comments_and_reactions/comments.json"))
    doc = json.loads(src.read_text(encoding="utf-8"))
    records = doc["comments_v2"] if isinstance(doc, dict) else doc
    records[0]["timestamp"] = value
    for part in records[0].get("data", []):
        if isinstance(part, dict) and isinstance(part.get("comment"), dict):
            part["comment"]["timestamp"] = value
    path = tmp_path / "comments.json"
    path.write_text(json.dumps(doc), encoding="utf-8")  # json.dumps writes -Infinity/NaN as Meta never would
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = tk.load(path, tz="Europe/Berlin", errors="reject")
    rep = ds.load_report.iloc[0]
    assert rep.rows_rejected == 1 and rep.rows_loaded == len(records) - 1
    assert ds.rejected["reason"].str.contains("Unix time").all()
