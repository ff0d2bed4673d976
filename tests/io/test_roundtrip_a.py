"""Round trip: canonical frames -> toolkit/samples/_exporters (X, YouTube, TikTok, Mastodon) -> tk.load."""

import warnings

import pandas as pd
import pytest

import toolkit as tk
from toolkit.samples._exporters.mastodon import write_mastodon
from toolkit.samples._exporters.video import write_tiktok, write_youtube
from toolkit.samples._exporters.x import write_x

UTC = "UTC"


def _posts(platform, ids, texts, times, **metrics):
    n = len(ids)
    df = pd.DataFrame({"platform": platform, "account": "steinwerk", "post_id": ids,
                       "published_at": pd.to_datetime(times, utc=True, format="ISO8601"), "date_only": False, "text": texts})
    for m in tk.schema.METRICS:
        df[m] = pd.array(metrics.get(m, [pd.NA] * n), dtype="Int64")
    return tk.schema.POSTS.conform(df)


TEXTS = ["Grüße aus München 🎉 & <b>\nzweite Zeile", 'Tipp: "Käse" 👩‍👩‍👧, 100%']


def _load(paths, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return tk.load(paths, **kw)


def _same(got, want, cols):
    got = got.set_index("post_id").loc[want.post_id]
    for c in cols:
        assert got[c].tolist() == want[c].tolist(), c


def test_x_roundtrip(tmp_path):
    want = _posts("x", ["1774466704470966279", "1774217541841846279"], TEXTS,
                  ["2024-03-31 16:00", "2024-03-30 23:30"], impressions=[1234, 0], engagements=[30, 0],
                  likes=[12, 0], comments=[3, pd.NA], shares=[4, 0], clicks=[7, 0])
    paths = write_x(want, None, None, tmp_path, account="steinwerk")
    assert [p.suffix for p in paths] == [".csv", ".zip"]
    ds = _load(tmp_path)
    assert len(ds.posts) == 2 and ds.load_report.duplicates_dropped.sum() == 2
    _same(ds.posts, want, ["published_at", "text", "likes", "shares"])
    csv_only = _load(paths[0]).posts
    _same(csv_only, want, ["published_at", "text", "impressions", "engagements", "likes", "comments", "shares",
                           "clicks", "account"])
    assert write_x(want, None, None, tmp_path / "again", account="steinwerk")[1].read_bytes() == \
        paths[1].read_bytes()  # deterministic


@pytest.mark.parametrize("tz", ["UTC", "Europe/Berlin"])
def test_youtube_roundtrip(tmp_path, tz):
    want = _posts("youtube", ["dQw4w9WgXcQ", "-abcDEF1234"], TEXTS, ["2024-03-31 16:00:05", "2024-03-30 17:00"],
                  views=[1000, 0], impressions=[15000, pd.NA], likes=[10, 0], comments=[2, 0], shares=[1, 0])
    daily = pd.DataFrame({"platform": "youtube", "account": "Steinwerk", "date": pd.to_datetime(["2024-03-30"]),
                          "metric": "views", "value": [600.0]})
    write_youtube(want, None, daily, tmp_path, account="Steinwerk", tz=tz)
    ds = _load(tmp_path, tz=tz)
    _same(ds.posts, want, ["published_at", "text", "views", "impressions", "likes", "comments", "shares"])
    assert ds.posts.account.eq("Steinwerk").all()
    assert ds.daily.value.tolist() == [600.0]


def test_tiktok_roundtrip(tmp_path):
    want = _posts("tiktok", ["7301234567890123456", "7301234567890123457"], TEXTS,
                  ["2024-03-31 16:00", "2024-03-30 17:00"], views=[3000, 10], likes=[120, pd.NA],
                  comments=[4, 0], shares=[2, 0], saves=[9, 0])
    write_tiktok(want, None, None, tmp_path, account="steinwerk", tz="Europe/Berlin")
    ds = _load(tmp_path, tz="Europe/Berlin")
    _same(ds.posts, want, ["published_at", "text", "views", "likes", "comments", "shares", "saves", "account"])


def test_mastodon_roundtrip(tmp_path):
    want = _posts("mastodon", ["112615000000000001", "112615000000000002"],
                  ["Absatz eins & <b>\nZeile\n\nAbsatz zwei 🎉", "kurz"],
                  ["2024-06-14 08:38:25", "2024-06-14 09:00"])
    paths = write_mastodon(want, None, None, tmp_path, account="stein")
    assert paths[0].name.endswith(".tar.gz")
    ds = _load(tmp_path)
    _same(ds.posts, want, ["published_at", "text"])
    assert ds.posts.account.eq("stein@mastodon.social").all()
    assert write_mastodon(want, None, None, tmp_path / "b", account="stein")[0].read_bytes() == \
        paths[0].read_bytes()
