"""Write canonical X posts as X's own export files (for the sample data and round-trip tests).

``write_x`` writes the legacy analytics CSV (``tweet_activity_metrics_<account>_<from>_<to>_en.csv``,
every field quoted, LF) and an account-archive zip (``twitter-<date>-sample.zip`` with
``data/account.js`` and ``data/tweets.js``). Output is deterministic for the same input.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import zipfile
from pathlib import Path

import pandas as pd

__all__ = ["write_x"]

_HEADER = ["Tweet id", "Tweet permalink", "Tweet text", "time", "impressions", "engagements", "engagement rate",
           "retweets", "replies", "likes", "user profile clicks", "url clicks", "hashtag clicks",
           "detail expands", "permalink clicks", "app opens", "app installs", "follows", "email tweet",
           "dial phone", "media views", "media engagements"] + [
    f"promoted {m}" for m in ["impressions", "engagements", "engagement rate", "retweets", "replies", "likes",
                              "user profile clicks", "url clicks", "hashtag clicks", "detail expands",
                              "permalink clicks", "app opens", "app installs", "follows", "email tweet",
                              "dial phone", "media views", "media engagements"]]
_ZIP_TIME = (2024, 1, 1, 0, 0, 0)


def _f(v) -> str:
    return "" if pd.isna(v) else f"{float(v):.1f}"


def write_x(posts: pd.DataFrame, comments: pd.DataFrame | None, daily: pd.DataFrame | None,
            out_dir: str | Path, *, account: str) -> list[Path]:
    """Write the ``platform == "x"`` posts as an analytics CSV and an archive zip in ``out_dir``.

    Comments and daily rows are not written (X exports carry neither per comment). Returns the
    paths written. The CSV carries time (minute precision), text, impressions, engagements,
    retweets (shares), replies (comments), likes and url clicks (clicks); the archive carries
    second-precision times, text, likes and retweets.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    p = posts[posts["platform"] == "x"].sort_values("published_at", ascending=False, kind="stable")
    if not len(p):
        return []
    start, end = p["published_at"].min(), p["published_at"].max() + pd.Timedelta(days=1)
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
    w.writerow(_HEADER)
    for r in p.itertuples(index=False):
        row = [r.post_id, f"https://twitter.com/{account}/status/{r.post_id}", html.escape(r.text, quote=False),
               r.published_at.strftime("%Y-%m-%d %H:%M +0000"), _f(r.impressions), _f(r.engagements),
               "" if pd.isna(r.engagements) or pd.isna(r.impressions) or not r.impressions
               else repr(r.engagements / r.impressions),
               _f(r.shares), _f(r.comments), _f(r.likes), "0.0", _f(r.clicks)]
        row += ["0.0"] * 3 + ["0"] * 7 + ["-"] * 18
        w.writerow(row)
    csv_path = out / f"tweet_activity_metrics_{account}_{start:%Y%m%d}_{end:%Y%m%d}_en.csv"
    csv_path.write_text(buf.getvalue(), encoding="utf-8", newline="")
    tweets = []
    for r in p.itertuples(index=False):
        tw = {"retweeted": False, "entities": {"hashtags": [], "symbols": [], "user_mentions": [], "urls": []},
              "favorite_count": "" if pd.isna(r.likes) else str(int(r.likes)),
              "id_str": r.post_id, "truncated": False,
              "retweet_count": "" if pd.isna(r.shares) else str(int(r.shares)), "id": r.post_id,
              "created_at": r.published_at.strftime("%a %b %d %H:%M:%S +0000 %Y"), "favorited": False,
              "full_text": html.escape(r.text, quote=False), "lang": "de"}
        links = re.findall(r"https?://\S+", r.text)
        tw["entities"]["urls"] = [{"url": u, "expanded_url": u, "display_url": u.split("//", 1)[-1]}
                                  for u in links]
        if isinstance(r.media_type, str) and r.media_type in ("photo", "video", "gif"):
            media = [{"type": "animated_gif" if r.media_type == "gif" else r.media_type,
                      "media_url_https": f"https://pbs.twimg.com/media/{r.post_id}.jpg"}]
            tw["entities"]["media"] = media
            tw["extended_entities"] = {"media": media}
        tweets.append({"tweet": tw})
    acc = [{"account": {"username": account, "accountId": "1", "accountDisplayName": account}}]
    zip_path = out / f"twitter-{end:%Y-%m-%d}-sample.zip"
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in (("data/account.js", "window.YTD.account.part0 = " + json.dumps(acc, indent=2)),
                           ("data/tweets.js", "window.YTD.tweets.part0 = " + json.dumps(tweets, indent=2,
                                                                                         ensure_ascii=False))):
            zf.writestr(zipfile.ZipInfo(name, _ZIP_TIME), data)
    return [csv_path, zip_path]
