"""Shared fixtures: the sample data as users get it, through toolkit.load()."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

import toolkit as tk

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
SAMPLES_TZ = "Europe/Berlin"


@pytest.fixture(scope="session")
def sample_dataset():
    """``tk.load("data/samples", tz="Europe/Berlin")``, loaded once per test session."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the samples include a YouTube 'Total' row, rejected on purpose
        return tk.load(SAMPLES, tz=SAMPLES_TZ, progress=False)


@pytest.fixture(scope="session")
def sample_truth():
    """The effects planted in the samples (data/samples/TRUTH.json)."""
    return json.loads((SAMPLES / "TRUTH.json").read_text(encoding="utf-8"))
