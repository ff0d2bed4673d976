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
