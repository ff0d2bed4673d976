"""Dates whose month or day name holds a letter that only case-folds to ASCII (bug found in #14.1 work).

``ſ`` (long s), ``ı`` (dotless i), ``İ`` and ``K`` (Kelvin sign) match ``s``, ``i`` and ``k`` in a
case-insensitive regular expression, so pandas' ``to_datetime`` with ``%a``/``%b``/``%B`` accepts
``ſep`` or ``Frı`` as a name and then fails to look it up: a ``KeyError`` even with
``errors="coerce"``, which made the whole file "a bug in the toolkit". Such a cell is a bad date like
any other: ``errors="raise"`` names the line and column, ``errors="reject"`` drops that row only.
"""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import pytest

import toolkit as tk
from toolkit.errors import ExportFormatError

FX = Path(__file__).parent.parent / "fixtures" / "io"


def _text(path: Path, old: str, new: str, dest: Path) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text
    dest.write_text(text.replace(old, new, 1), encoding="utf-8")
    return dest


def _member(path: Path, member: str, old: str, new: str, dest: Path) -> Path:
    """``member`` of the zip ``path`` as a file of its own (an archive member that cannot be read is
    reported, not raised), with ``old`` replaced."""
    with zipfile.ZipFile(path) as z:
        data = z.read(member)
    assert old.encode() in data
    dest.write_bytes(data.replace(old.encode(), new.encode(), 1))
    return dest


X_CONTENT = FX / "x" / "account_analytics_content_2024-03-01_2024-04-01.csv"
X_OVERVIEW = FX / "x" / "account_overview_analytics.csv"
STUDIO = FX / "youtube" / "Content 2026-09-01_2026-09-30 Steinwerk Studio.zip"
TIKTOK = FX / "tiktok" / "Overview.csv"
X_ARCHIVE = FX / "x" / "twitter-2025-10-12-abc123def.zip"
UA = FX / "ua" / "Analytics_All_Web_Site_Data_Source_Medium_20190401-20190430_us.csv"

CASES = {
    "x-content-long-s": (lambda d: _text(X_CONTENT, '"Sun, Mar 31, 2024"', '"ſun, Mar 31, 2024"', d / X_CONTENT.name),
                         {}, "Date"),
    "x-overview-dotless-i": (lambda d: _text(X_OVERVIEW, '"Fri, Apr 26, 2024"', '"Frı, Apr 26, 2024"',
                                             d / X_OVERVIEW.name), {}, "Date"),
    "youtube-studio-long-s": (lambda d: _member(STUDIO, "Table data.csv", '"Sep 20, 2026"', '"ſep 20, 2026"',
                                                d / "Table data.csv"), {}, "Video publish time"),
    "tiktok-dotted-i": (lambda d: _text(TIKTOK, '"December 30"', '"Decembİr 30"', d / TIKTOK.name),
                        {"year": 2024}, "Date"),
    "tiktok-kelvin": (lambda d: _text(TIKTOK, '"December 30"', '"Decem\u212aer 30"', d / TIKTOK.name),
                      {"year": 2024}, "Date"),
    "x-archive-long-s": (lambda d: _member(X_ARCHIVE, "data/tweets.js", '"Sat Oct 11 15:50:20 +0000 2025"',
                                           '"ſat Oct 11 15:50:20 +0000 2025"', d / "tweets.js"), {}, "created_at"),
    "ua-long-s": (lambda d: _text(UA, "4/13/19,12", '"ſep 13, 2019",12', d / UA.name), {}, "Day Index"),
}


def _load(path, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return tk.load(path, tz="UTC", progress=False, **kw)


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_folded_name_is_a_bad_date_not_a_toolkit_bug(case, tmp_path):
    make, kw, column = CASES[case]
    path = make(tmp_path)
    with pytest.raises(ExportFormatError) as info:
        _load(path, **kw)
    msg = str(info.value)
    assert "bug in the toolkit" not in msg and column in msg and ("line" in msg or "record" in msg), msg
    ds = _load(path, errors="reject", **kw)
    bad = ds.rejected[ds.rejected["kind"] == "invalid"]
    # that one line is rejected (once per table it feeds: TikTok's overview holds several daily metrics)
    assert len(bad) >= 1 and bad["line"].nunique() == 1 and set(bad["column"]) == {column}, ds.rejected
    assert ds.load_report["rows_loaded"].sum() >= 1
