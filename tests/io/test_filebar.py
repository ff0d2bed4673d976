"""A large JSON or text export gets a bar of its own while its records are read (issue #14.1).

``load()`` shows one bar over all files; inside a file of ``FILE_BAR_MIN_ROWS`` records or more, each
loader advances a second bar (CSV files: tests/io/test_csv_fast.py). The threshold is lowered here so the
fixtures count as large; the tables must not depend on whether a bar is shown.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

import toolkit as tk
from toolkit.io import _base

FX = Path(__file__).parent.parent / "fixtures" / "io"

CASES = {
    "mastodon": (FX / "mastodon" / "archive-20240614120000-0123456789abcdef0123456789abcdef.tar.gz", "outbox.json"),
    "bluesky": (FX / "bluesky" / "bergkaffee.bsky.social-20241122.car", "bergkaffee.bsky.social-20241122.car"),
    "threads": (FX / "threads" / "instagram-bergkaffee-2024-06-02", "threads_and_replies.json"),
    "meta_dyi": (FX / "meta" / "dyi" / "instagram-baeckerei-2024-04-02", "post_comments_1.json"),
    "whatsapp": (FX / "whatsapp" / "WhatsApp Chat with Sam Lee.txt", "WhatsApp Chat with Sam Lee.txt"),
    "youtube": (FX / "youtube" / "comment_threads.json", "comment_threads.json"),
    "x_archive": (FX / "x" / "twitter-2025-10-12-abc123def.zip", "tweets.js"),
    "ga4_api": (FX / "ga4" / "runreport_daily_source_medium.json", "runreport_daily_source_medium.json"),
}


def _bar_of(member: str, err: str) -> bool:
    """Whether stderr shows the file's own bar ("reading <path ending in member>")."""
    return re.search(r"reading [^\r\n:]*" + re.escape(member) + ":", err) is not None


def _load(path, progress):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return tk.load(path, tz="UTC", progress=progress)


@pytest.mark.parametrize("fmt", sorted(CASES))
def test_a_large_file_gets_its_own_bar_and_the_same_tables(fmt, monkeypatch, capsys):
    path, member = CASES[fmt]
    quiet = _load(path, progress=False)
    assert not _bar_of(member, capsys.readouterr().err)
    monkeypatch.setattr(_base, "FILE_BAR_MIN_ROWS", 1)
    shown = _load(path, progress=True)
    err = capsys.readouterr().err
    assert _bar_of(member, err), err[-600:]
    for name, table in quiet.tables.items():
        pd.testing.assert_frame_equal(shown.tables[name], table, check_exact=True)
    # auto (None) outside a terminal or notebook: no bar, even for a large file
    _load(path, progress=None)
    assert not _bar_of(member, capsys.readouterr().err)
