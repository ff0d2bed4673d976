"""Threads "Download your information" JSON: posts, own replies, mojibake repaired."""

import pandas as pd
import pytest

import toolkit as tk
from toolkit.errors import ExportFormatError

from ._traffic_util import FIX

TH = FIX / "threads"


def test_posts_and_replies_with_repaired_text():
    ds = tk.load(TH / "instagram-bergkaffee-2024-06-02")
    p = ds.posts.set_index("post_id")
    assert p.index[0].startswith("dyi-1717171717-") and p.index[1] == "17900000000000001"   # time + content hash
    assert (p.platform == "threads").all() and p[["likes", "views", "reach"]].isna().all().all()
    assert p.iloc[0]["text"].startswith("Neuer Beitrag über Röstgrade ☕ https://")   # mojibake repaired
    assert p.iloc[0]["published_at"] == pd.Timestamp(1717171717, unit="s", tz="UTC")
    assert p.loc["17900000000000001", "text"] == "Zwei Bilder: Köln & Düsseldorf"      # top-level title of a carousel
    assert p.loc["17900000000000001", "media_type"] == "carousel"
    c = ds.comments
    assert c.text.tolist() == ["Danke dir! 😊"] and c.is_owner.all() and c.post_id.isna().all()
    r = ds.load_report.set_index("table")
    assert r.loc["posts", "rows_read"] == 2 and r.loc["comments", "rows_read"] == 1


def test_campaign_link_in_a_thread_is_found_by_the_join():
    ds = tk.load(TH / "instagram-bergkaffee-2024-06-02")
    u = tk.traffic.utm(ds.posts)
    assert u[["platform", "utm_source", "utm_campaign", "network"]].values.tolist() == [
        ["threads", "threads", "sommer24", "threads"]]


def test_entry_without_time_names_the_record():
    f = TH / "broken" / "threads_missing_timestamp_record_2.json"
    with pytest.raises(ExportFormatError, match=r"record 2, key 'creation_timestamp'"):
        tk.load(f)
    with pytest.warns(UserWarning, match="rejected 1 row"):
        ds = tk.load(f, errors="reject")
    assert len(ds.posts) == 1 and ds.rejected.line.tolist() == [2]
