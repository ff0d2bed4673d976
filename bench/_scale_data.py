"""Generators of large exports in the platforms' real formats, for the scale benchmarks (issue #14).

Each generator writes ``n`` rows split into files of at most ``per_file`` rows into a folder and
returns the paths. Content is seeded and realistically repetitive: a few thousand distinct texts
drawn with a skewed distribution, many posts and authors, replies in threads, times spread over a
year. Format facts follow the fixtures in tests/fixtures/io (the same keys, columns and styles).
"""

from __future__ import annotations

import csv
import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

_WORDS_EN = ("great video thanks love this so good when is the next one please more tutorial music "
             "awful boring not sure why sound quality amazing help question how do I get answer "
             "cool nice wow best ever worst price shipping order broken fixed update new").split()
_WORDS_DE = ("tolles Video danke super bitte mehr wann kommt das nächste schlecht langweilig warum "
             "Ton Qualität klasse Frage wie bekomme ich Antwort schön Preis Versand kaputt neu").split()
_EMOJI = ["", "", "", " 👍", " 😂", " ❤️", " 🔥", " 😡"]


def texts(rng: random.Random, k: int = 5000) -> list[str]:
    """``k`` distinct comment texts (English and German, some with emoji or a question)."""
    out = []
    for i in range(k):
        words = _WORDS_DE if i % 3 == 0 else _WORDS_EN
        n = rng.randint(3, 25)
        t = " ".join(rng.choice(words) for _ in range(n)).capitalize()
        t += rng.choice(["", "", "?", "!", "."]) + rng.choice(_EMOJI)
        out.append(t)
    return out


_CUM: dict[int, list[float]] = {}


def _skewed(rng: random.Random, pool: list, n: int) -> list:
    """``n`` draws from ``pool`` with a Zipf-like skew (a few items very often, many rarely)."""
    if len(pool) not in _CUM:
        acc, cum = 0.0, []
        for i in range(len(pool)):
            acc += 1 / (i + 1) ** 0.9
            cum.append(acc)
        _CUM[len(pool)] = cum
    return rng.choices(pool, cum_weights=_CUM[len(pool)], k=n)


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def youtube_comment_threads(folder: Path, n: int, *, per_file: int = 100_000, seed: int = 1,
                            progress=None) -> list[Path]:
    """``n`` comments as Data API ``commentThreads.list`` pages (about 70 % top level, replies in
    ``replies.comments``), ``per_file`` comments per file, 100 threads per page."""
    rng = random.Random(seed)
    pool = texts(rng)
    videos = [f"v{rng.getrandbits(40):011x}"[:11] for _ in range(2000)]
    authors = [f"@user{i}" for i in range(50_000)]
    start = datetime(2025, 10, 1, tzinfo=timezone.utc)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    made = 0
    fileno = 0
    while made < n:
        todo = min(per_file, n - made)
        items = []
        count = 0
        while count < todo:
            video = _skewed(rng, videos, 1)[0]
            tid = f"Ugx{fileno:03d}{count:07d}"
            t0 = start + timedelta(seconds=rng.randint(0, 365 * 86400))
            n_rep = min(todo - count - 1, rng.choice([0, 0, 0, 0, 1, 1, 2, 3]))
            author = rng.choice(authors)

            def comment(cid, text, who, when, parent=None, owner=False):
                s = {"channelId": "UCowner", "videoId": video, "textDisplay": text.replace("&", "&amp;"),
                     "textOriginal": text, "authorDisplayName": "@owner" if owner else who,
                     "authorChannelUrl": f"http://www.youtube.com/{who}",
                     "authorChannelId": {"value": "UCowner" if owner else "UC" + who[1:]},
                     "canRate": True, "viewerRating": "none", "likeCount": rng.choice([0, 0, 0, 1, 2, 5, 40]),
                     "publishedAt": _iso(when), "updatedAt": _iso(when)}
                if parent:
                    s["parentId"] = parent
                return {"kind": "youtube#comment", "etag": "e", "id": cid, "snippet": s}

            top = comment(tid, _skewed(rng, pool, 1)[0], author, t0)
            replies = []
            for r in range(n_rep):
                owner = rng.random() < 0.3
                replies.append(comment(f"{tid}.r{r}", _skewed(rng, pool, 1)[0], rng.choice(authors),
                                       t0 + timedelta(minutes=rng.randint(1, 5000)), parent=tid, owner=owner))
            th = {"kind": "youtube#commentThread", "etag": "t", "id": tid,
                  "snippet": {"channelId": "UCowner", "videoId": video, "topLevelComment": top,
                              "canReply": True, "totalReplyCount": n_rep, "isPublic": True}}
            if replies:
                th["replies"] = {"comments": replies}
            items.append(th)
            count += 1 + n_rep
        pages = [{"kind": "youtube#commentThreadListResponse", "etag": "e", "nextPageToken": f"p{i}",
                  "pageInfo": {"totalResults": len(items), "resultsPerPage": 100}, "items": items[i:i + 100]}
                 for i in range(0, len(items), 100)]
        path = folder / f"comment_threads_{fileno:03d}.json"
        path.write_text(json.dumps(pages, ensure_ascii=False), encoding="utf-8")
        paths.append(path)
        made += todo
        fileno += 1
        if progress is not None:
            progress.update(todo)
    return paths


def write_csv(path: Path, header: list[str], rows, *, delimiter: str = ",", encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding=encoding) as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(header)
        w.writerows(rows)
    return path


META_HEADER = ["Post ID", "Page ID", "Page name", "Title", "Description", "Duration (sec)", "Publish time",
               "Caption type", "Permalink", "Is crosspost", "Is share", "Post type", "Languages", "Custom labels",
               "Funded content status", "Data comment", "Date", "Views", "Reach",
               "Reactions, Comments and Shares", "Reactions", "Comments", "Shares", "Total clicks", "Other Clicks",
               "Link Clicks", "Seconds viewed", "Average Seconds viewed"]


def meta_posts_csv(folder: Path, n: int, *, per_file: int = 100_000, seed: int = 2, progress=None) -> list[Path]:
    """``n`` Facebook posts as Meta Business Suite post CSVs (``Mar-01-2024_Mar-31-2024_<id>.csv``):
    ``MM/DD/YYYY HH:MM`` publish times in the page's zone, counts with thousands separators,
    multi-line quoted texts."""
    rng = random.Random(seed)
    pool = texts(rng)
    kinds = ["Photos", "Links", "Reels", "Videos", "Status"]
    start = datetime(2024, 1, 1)
    paths, made, fileno = [], 0, 0
    while made < n:
        todo = min(per_file, n - made)
        rows = []
        for j in range(todo):
            pid = 1827720132094663 + made + j
            t = start + timedelta(minutes=rng.randint(0, 365 * 1440))
            views = rng.randint(0, 50_000)
            reach = int(views * rng.random())
            reac, com, sh = rng.randint(0, 500), rng.randint(0, 60), rng.randint(0, 30)
            text = _skewed(rng, pool, 1)[0]
            if j % 7 == 0:
                text += "\nZweite Zeile #Frühling"
            rows.append([pid, 100045700821521 + fileno % 3, f"Bäckerei {fileno % 3}", text, "", rng.choice([0, 0, 45]),
                         t.strftime("%m/%d/%Y %H:%M"), "N/A", f"https://www.facebook.com/x/posts/pfbid{pid}", 0, 0,
                         rng.choice(kinds), "", "", "", "", "Lifetime", f"{views:,}", f"{reach:,}",
                         reac + com + sh, reac, com, sh, rng.randint(0, 80), rng.randint(0, 10), rng.randint(0, 10),
                         rng.randint(0, 4000), round(rng.random() * 60, 1)])
        s = start.strftime("%b-%d-%Y")
        paths.append(write_csv(folder / f"{s}_Dec-31-2024_{1012345 + fileno}.csv", META_HEADER, rows,
                               encoding="utf-8-sig"))
        made += todo
        fileno += 1
        if progress is not None:
            progress.update(todo)
    return paths


def x_archive_tweets(folder: Path, n: int, *, per_file: int = 100_000, seed: int = 4, progress=None) -> list[Path]:
    """``n`` tweets as an X account archive's ``data/tweets.js`` (+ ``tweets-partN.js``) with
    ``data/account.js``: ``window.YTD.tweets.partN = [...]``, counts as strings, about 5 %
    retweets (skipped by the loader)."""
    rng = random.Random(seed)
    pool = texts(rng)
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    (data / "account.js").write_text('window.YTD.account.part0 = [{"account": {"username": "studio_stein", '
                                     '"accountId": "123456", "accountDisplayName": "Studio Stein"}}]', encoding="utf-8")
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    paths, made, part = [], 0, 0
    while made < n:
        todo = min(per_file, n - made)
        items = []
        for j in range(todo):
            tid = str(1977039067859894552 + (made + j) * 1000)
            t = start + timedelta(seconds=rng.randint(0, 365 * 86400))
            text = _skewed(rng, pool, 1)[0].replace("&", "&amp;")
            if rng.random() < 0.05:
                text = "RT @other: " + text
            tw = {"retweeted": False, "entities": {"hashtags": [], "symbols": [], "user_mentions": [], "urls": []},
                  "display_text_range": ["0", str(len(text))], "favorite_count": str(rng.choice([0, 0, 1, 3, 15, 200])),
                  "id_str": tid, "truncated": False, "retweet_count": str(rng.choice([0, 0, 0, 1, 4])), "id": tid,
                  "created_at": t.strftime("%a %b %d %H:%M:%S +0000 %Y"), "favorited": False,
                  "full_text": text, "lang": rng.choice(["de", "en", "en"])}
            items.append({"tweet": tw})
        name = "tweets.js" if part == 0 else f"tweets-part{part}.js"
        path = data / name
        path.write_text(f"window.YTD.tweets.part{part} = " + json.dumps(items, ensure_ascii=False, indent=1),
                        encoding="utf-8")
        paths.append(path)
        made += todo
        part += 1
        if progress is not None:
            progress.update(todo)
    return paths


GENERIC_HEADER = ["platform", "account", "post_id", "published_at", "text", "media_type", "likes", "comments",
                  "shares", "reach", "impressions"]


def generic_posts_csv(folder: Path, n: int, *, per_file: int = 100_000, seed: int = 5, progress=None) -> list[Path]:
    """``n`` posts as a CSV with the canonical column names (the generic loader's format):
    ISO times with an offset, counts with blanks for "not reported"."""
    rng = random.Random(seed)
    pool = texts(rng)
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    paths, made, fileno = [], 0, 0
    while made < n:
        todo = min(per_file, n - made)
        rows = []
        for j in range(todo):
            t = start + timedelta(seconds=rng.randint(0, 365 * 86400))
            plat = rng.choice(["facebook", "instagram", "linkedin"])
            rows.append([plat, f"acct{rng.randint(0, 40)}", f"p{made + j}", t.isoformat(), _skewed(rng, pool, 1)[0],
                         rng.choice(["photo", "video", "link", "text"]), rng.randint(0, 900), rng.randint(0, 50),
                         rng.choice(["", 0, 1, 5]), rng.randint(0, 30_000), rng.choice(["", rng.randint(0, 60_000)])])
        paths.append(write_csv(folder / f"posts_{fileno:03d}.csv", GENERIC_HEADER, rows))
        made += todo
        fileno += 1
        if progress is not None:
            progress.update(todo)
    return paths
