"""Tests of toolkit/io/mastodon.py on a hand-written archive in tests/fixtures/io/mastodon/."""

from pathlib import Path

import pandas as pd
import pytest

from tests.io._util import assert_invariant, no_unreadable_rows_warning
import toolkit as tk
from toolkit.errors import ExportFormatError
from toolkit.io.mastodon import html_to_text

FIX = Path(__file__).parent.parent / "fixtures" / "io" / "mastodon"
ARCHIVE = FIX / "archive-20240614120000-0123456789abcdef0123456789abcdef.tar.gz"


def test_html_to_text():
    assert html_to_text('<p>a &amp; b</p><p>c<br>d<br />e</p>') == "a & b\n\nc\nd\ne"
    link = ('<a href="https://example.com/x/y"><span class="invisible">https://</span>'
            '<span class="ellipsis">example.com/x</span><span class="invisible">/y</span></a>')
    assert html_to_text(link) == "example.com/x…"
    assert html_to_text(None) == ""


def test_archive_posts():
    with no_unreadable_rows_warning():
        ds = tk.load(ARCHIVE)
    p = ds.posts.set_index("post_id")
    assert list(p.index) == ["112615000000000001", "112615000000000002"]
    a = p.loc["112615000000000001"]
    assert a.text == ("Grüße aus München! <script> 🎉 #Steinmetz\n\nZweiter Absatz\nneue Zeile "
                      "example.com/very/long…")
    assert a.published_at == pd.Timestamp("2024-06-14 08:38:25", tz="UTC")
    assert a.account == "stein@mastodon.social" and a.hashtags == "#steinmetz" and a.media_type == "photo"
    assert a.permalink == "https://mastodon.social/@stein/112615000000000001"
    assert not a.is_reply and all(pd.isna(a[m]) for m in tk.schema.METRICS)  # no counts in the archive
    b = p.loc["112615000000000002"]
    assert b.is_reply and b.text == "@bob danke!" and b.content_warning == "Dank"
    reasons = ds.rejected.reason.tolist()
    assert "boost (Announce)" in reasons[0]
    assert reasons[1:] == ["record 0: likes.json lists liked status URIs only",
                           "record 1: likes.json lists liked status URIs only"]
    assert_invariant(ds)


def test_same_archive_twice_dedupes():
    with no_unreadable_rows_warning():
        ds = tk.load([ARCHIVE, ARCHIVE])
    assert len(ds.posts) == 2 and ds.load_report.duplicates_dropped.sum() == 2
    assert_invariant(ds)


def test_bad_published_record_1():
    with pytest.raises(ExportFormatError, match="record 1"):
        tk.load(FIX / "outbox_bad_published_record_1.json")
