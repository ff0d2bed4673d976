"""Generators of large exports in the platforms' real formats, for the scale benchmarks (issue #14).

Each generator writes ``n`` rows split into files of at most ``per_file`` rows into a folder and
returns the paths. Content is seeded and realistically repetitive: a few thousand distinct texts
drawn with a skewed distribution, many posts and authors, replies in threads, times spread over a
year. Format facts follow the fixtures in tests/fixtures/io (the same keys, columns and styles).
"""

from __future__ import annotations

import csv
import io
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


# =================================================================================================
# JSON and text loaders (issue #14.1, branch json-scale): Meta and Threads "Download your
# information", Mastodon outbox, Bluesky CAR, WhatsApp chat, GA4 Data API JSON.
# Shapes follow tests/fixtures/io/{meta/dyi,threads,mastodon,bluesky,whatsapp,ga4} and data/samples.
# =================================================================================================

def _moji(s: str) -> str:
    """Meta's archive bug: every UTF-8 byte of non-ASCII text as its own ``\\u00XX`` character."""
    return s.encode("utf-8").decode("latin-1")


def _dump_meta(path: Path, obj) -> Path:
    """Meta writes ASCII JSON with ``\\u`` escapes, indented by 2."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=True), encoding="ascii")
    return path


def meta_dyi_json(folder: Path, n: int, *, per_file: int = 50_000, seed: int = 6, progress=None) -> list[Path]:
    """``n`` records of a Facebook + Instagram "Download your information" archive: half Facebook
    posts (``your_posts__check_ins__photos_and_videos_N.json``: ``timestamp``, ``data[].post``,
    ``attachments`` with photos, links or nothing; some entries repeated, as Meta does), half
    Instagram comments the account wrote (``post_comments_N.json``: ``string_map_data`` with
    Comment, Media Owner, Time). Text with Meta's per-byte escapes."""
    rng = random.Random(seed)
    pool = [_moji(t) for t in texts(rng)]
    owners = [f"user.{i}" for i in range(3000)]
    t0 = 1_420_070_400  # 2015-01-01
    base = folder / "facebook-baeckerei-2026-09-01" / "your_facebook_activity" / "posts"
    igc = folder / "instagram-baeckerei-2026-09-01" / "your_instagram_activity" / "comments"
    paths, made, fileno = [], 0, 0
    n_posts = n // 2
    while made < n:
        posts = made < n_posts
        todo = min(per_file, (n_posts if posts else n) - made)
        recs = []
        for j in range(todo):
            ts = t0 + rng.randint(0, 11 * 365 * 86400)
            text = _skewed(rng, pool, 1)[0]
            if posts:
                rec = {"timestamp": ts, "data": [{"post": text}, {"update_timestamp": ts + 60}],
                       "title": _moji("Bäckerei Müller hat einen Beitrag geteilt.")}
                r = rng.random()
                if r < 0.5:
                    rec["attachments"] = [{"data": [{"media": {
                        "uri": f"photos_and_videos/album_{ts % 97}/{ts}{j}.jpg", "creation_timestamp": ts,
                        "title": ""}}]}]
                elif r < 0.7:
                    rec["attachments"] = [{"data": [{"external_context": {"url": f"https://example.org/a/{j % 500}"}}]}]
                recs.append(rec)
                if rng.random() < 0.01:
                    recs.append(rec)  # Meta repeats some entries
            else:
                recs.append({"media_list_data": [{"uri": ""}], "string_map_data": {
                    "Comment": {"value": text}, "Media Owner": {"value": rng.choice(owners)},
                    "Time": {"timestamp": ts}}})
        if posts:
            paths.append(_dump_meta(base / f"your_posts__check_ins__photos_and_videos_{fileno + 1}.json", recs))
        else:
            paths.append(_dump_meta(igc / f"post_comments_{fileno + 1}.json", recs))
        made += todo
        fileno += 1
        if progress is not None:
            progress.update(todo)
    return paths


def threads_dyi_json(folder: Path, n: int, *, seed: int = 7, progress=None) -> list[Path]:
    """``n`` entries of Threads' ``threads_and_replies.json`` (one file, as Meta writes it): about
    70 % posts (text only, or with photos/videos under ``media``), 30 % replies (``is_reply``)."""
    rng = random.Random(seed)
    pool = [_moji(t) for t in texts(rng)]
    t0 = 1_688_601_600  # 2023-07-06 (Threads' launch)
    recs = []
    for j in range(n):
        ts = t0 + rng.randint(0, 3 * 365 * 86400)
        reply = rng.random() < 0.3
        text = _skewed(rng, pool, 1)[0]
        r = rng.random()
        if reply or r < 0.6:
            recs.append({"media": [{"creation_timestamp": ts, "title": text,
                                    "text_app_post": {"is_reply": reply}}]})
        else:
            k = 1 if r < 0.85 else rng.randint(2, 5)
            media = [{"uri": f"your_instagram_activity/media/posts/{ts // 2592000}/1790{ts}{j:06d}{m}."
                             f"{'mp4' if rng.random() < 0.2 else 'jpg'}",
                      "title": "", "creation_timestamp": ts, "text_app_post": {"is_reply": False}} for m in range(k)]
            recs.append({"title": text, "creation_timestamp": ts, "media": media,
                         "text_app_post": {"is_reply": False}})
        if progress is not None and j % 10_000 == 9_999:
            progress.update(10_000)
    path = _dump_meta(folder / "instagram-bergkaffee-2026-09-01" / "your_instagram_activity" / "threads" /
                      "threads_and_replies.json", {"text_post_app_text_posts": recs})
    return [path]


def mastodon_outbox(folder: Path, n: int, *, seed: int = 8, progress=None) -> list[Path]:
    """``n`` activities of a Mastodon archive's ``outbox.json`` (one file, with ``actor.json``), as
    Mastodon writes them: ``Create`` of a ``Note`` with HTML ``content`` (paragraphs, hashtag links,
    shortened links with invisible spans), ``contentMap``, tags, some attachments, some replies and
    content warnings; about 10 % ``Announce`` (boosts, skipped by the loader)."""
    rng = random.Random(seed)
    pool = texts(rng)
    user, host = "stein", "mastodon.social"
    actor = f"https://{host}/users/{user}"
    start = datetime(2019, 1, 1, tzinfo=timezone.utc)
    items = []
    for j in range(n):
        sid = 102_000_000_000_000_000 + j * 1_000_003
        when = _iso(start + timedelta(seconds=rng.randint(0, 7 * 365 * 86400)))
        if rng.random() < 0.1:
            items.append({"id": f"{actor}/statuses/{sid}/activity", "type": "Announce", "actor": actor,
                          "published": when, "to": ["https://www.w3.org/ns/activitystreams#Public"],
                          "cc": [f"{actor}/followers"], "object": f"https://chaos.social/users/bob/statuses/{sid}"})
        else:
            text = _skewed(rng, pool, 1)[0].replace("&", "&amp;").replace("<", "&lt;")
            tag = rng.choice(["Kaffee", "Steinmetz", "Fediverse", "Handwerk"])
            html_ = f'<p>{text} <a href="https://{host}/tags/{tag.lower()}" class="mention hashtag" rel="tag">' \
                    f'#<span>{tag}</span></a></p>'
            if rng.random() < 0.3:
                html_ += '<p>Mehr dazu<br />hier: <a href="https://example.com/very/long/path/file" target="_blank" ' \
                         'rel="nofollow noopener noreferrer"><span class="invisible">https://</span><span ' \
                         'class="ellipsis">example.com/very/long</span><span class="invisible">/path/file</span></a></p>'
            reply = rng.random() < 0.25
            obj = {"id": f"{actor}/statuses/{sid}", "type": "Note",
                   "summary": "Kaffee" if rng.random() < 0.05 else None,
                   "inReplyTo": f"https://chaos.social/users/bob/statuses/{sid - 7}" if reply else None,
                   "published": when, "url": f"https://{host}/@{user}/{sid}", "attributedTo": actor,
                   "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": [f"{actor}/followers"],
                   "sensitive": False, "atomUri": f"{actor}/statuses/{sid}", "inReplyToAtomUri": None,
                   "conversation": f"tag:{host},2024-06-14:objectId={sid}:objectType=Conversation",
                   "content": html_, "contentMap": {"de": html_},
                   "attachment": [{"type": "Document", "mediaType": "image/jpeg",
                                   "url": f"media_attachments/files/{sid}/original/a.jpg"}]
                   if rng.random() < 0.2 else [],
                   "tag": [{"type": "Hashtag", "href": f"https://{host}/tags/{tag.lower()}", "name": f"#{tag.lower()}"}],
                   "replies": {"id": f"{actor}/statuses/{sid}/replies", "type": "Collection"}}
            items.append({"id": f"{actor}/statuses/{sid}/activity", "type": "Create", "actor": actor,
                          "published": when, "to": obj["to"], "cc": obj["cc"], "object": obj})
        if progress is not None and j % 10_000 == 9_999:
            progress.update(10_000)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "actor.json").write_text(json.dumps({
        "@context": "https://www.w3.org/ns/activitystreams", "id": actor, "type": "Person",
        "preferredUsername": user, "outbox": "outbox.json"}), encoding="utf-8")
    path = folder / "outbox.json"
    path.write_text(json.dumps({"@context": "https://www.w3.org/ns/activitystreams", "id": "outbox.json",
                                "type": "OrderedCollection", "totalItems": n, "orderedItems": items},
                               ensure_ascii=False), encoding="utf-8")
    return [folder / "actor.json", path]


def bluesky_car(folder: Path, n: int, *, seed: int = 9, progress=None) -> list[Path]:
    """A Bluesky repository export (CAR v1, DAG-CBOR, Merkle Search Tree by the AT Protocol rules, as
    tests/fixtures/io/bluesky/_make_bluesky_fx.py builds it) with ``n`` posts and replies (about 25 %
    replies) plus as many likes, reposts and follows again (the records a real repository is mostly
    made of; skipped by the loader)."""
    import hashlib

    import libipld

    rng = random.Random(seed)
    pool = texts(rng)
    did, other, post = "did:plc:bergkaffee0000000000000", "did:plc:someoneelse00000000000000", "app.bsky.feed.post"
    blocks: dict[bytes, bytes] = {}

    def put(obj) -> bytes:
        data = libipld.encode_dag_cbor(obj)
        cid = bytes([0x01, 0x71, 0x12, 0x20]) + hashlib.sha256(data).digest()
        blocks[cid] = data
        return cid

    def layer(key: str) -> int:
        d = int.from_bytes(hashlib.sha256(key.encode()).digest(), "big")
        return (256 - d.bit_length()) // 2

    def node(items: list, level: int):
        if not items:
            return None
        seps = [i for i, (k, _, lv) in enumerate(items) if lv == level]
        if not seps:
            return node(items, level - 1) if level > 0 else None
        left = node(items[:seps[0]], level - 1) if level > 0 else None
        entries, prev = [], b""
        for j, i in enumerate(seps):
            key = items[i][0].encode()
            p = 0
            while p < min(len(prev), len(key)) and prev[p] == key[p]:
                p += 1
            nxt = seps[j + 1] if j + 1 < len(seps) else len(items)
            entries.append({"p": p, "k": key[p:], "v": items[i][1],
                            "t": node(items[i + 1:nxt], level - 1) if level > 0 else None})
            prev = key
        return put({"l": left, "e": entries})

    start = datetime(2023, 5, 1, tzinfo=timezone.utc)
    records = {}
    own = []
    for j in range(n):
        rkey = f"3k{j:011d}"
        when = start + timedelta(seconds=rng.randint(0, 2 * 365 * 86400), milliseconds=rng.randint(0, 999))
        rec = {"$type": post, "text": _skewed(rng, pool, 1)[0],
               "createdAt": when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z",
               "langs": [rng.choice(["de", "en"])]}
        r = rng.random()
        if own and r < 0.25:
            root = rng.choice(own) if rng.random() < 0.5 else f"at://{other}/{post}/3kzzz{j:08d}"
            parent = root if rng.random() < 0.5 else f"at://{other}/{post}/3kyyy{j:08d}"
            rec["reply"] = {"root": {"uri": root, "cid": "bafyreiroot"}, "parent": {"uri": parent, "cid": "bafyreip"}}
        elif r < 0.45:
            rec["embed"] = {"$type": "app.bsky.embed.images", "images": [{"alt": "a"}] * rng.choice([1, 1, 2, 4])}
        elif r < 0.55:
            url = f"https://bergkaffee.example/p/{j % 300}?utm_source=bluesky"
            rec["embed"] = {"$type": "app.bsky.embed.external", "external": {"uri": url, "title": "t", "description": "d"}}
            rec["facets"] = [{"index": {"byteStart": 0, "byteEnd": 10},
                              "features": [{"$type": "app.bsky.richtext.facet#link", "uri": url}]}]
        else:
            own.append(f"at://{did}/{post}/{rkey}")
        records[f"{post}/{rkey}"] = rec
        kind = rng.choice(["app.bsky.feed.like", "app.bsky.feed.like", "app.bsky.feed.repost", "app.bsky.graph.follow"])
        subject = other if kind.endswith("follow") else {"uri": f"at://{other}/{post}/3kzzz{j:08d}", "cid": "bafyreix"}
        records[f"{kind}/3l{j:011d}"] = {"$type": kind, "subject": subject, "createdAt": rec["createdAt"]}
        if progress is not None and j % 10_000 == 9_999:
            progress.update(10_000)
    records["app.bsky.actor.profile/self"] = {"$type": "app.bsky.actor.profile", "displayName": "Bergkaffee"}
    items = sorted((k, put(v), layer(k)) for k, v in records.items())
    root = node(items, max(lv for _, _, lv in items))
    commit = put({"did": did, "version": 3, "data": root, "rev": "3kabc66666666", "prev": None, "sig": b"test data"})

    def varint(v: int) -> bytes:
        out = bytearray()
        while True:
            b, v = v & 0x7F, v >> 7
            out.append(b | (0x80 if v else 0))
            if not v:
                return bytes(out)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "bergkaffee.bsky.social-20260901.car"
    with open(path, "wb") as fh:
        header = libipld.encode_dag_cbor({"version": 1, "roots": [commit]})
        fh.write(varint(len(header)) + header)
        for cid in [commit] + [c for c in blocks if c != commit]:
            fh.write(varint(len(cid) + len(blocks[cid])) + cid + blocks[cid])
    return [path]


def whatsapp_chat(folder: Path, n: int, *, seed: int = 10, progress=None) -> list[Path]:
    """``n`` messages of one Android WhatsApp group chat export in German (``WhatsApp Chat mit
    NAME.txt``: ``01.03.26, 10:02 - Name: text``), with multi-line messages, system lines, media
    placeholders and deleted messages, about 300 members and the shop's own account answering."""
    rng = random.Random(seed)
    pool = texts(rng)
    members = [f"{a} {b}" for a in ("Jörg", "Sarah", "Anna", "Lukas", "Marie", "Ayşe", "Franziska", "Tom", "Olga",
                                    "Priya", "Sam", "Max", "Lea", "Jonas", "Mia")
               for b in ("Maier", "Schmidt", "Fuchs", "Weber", "Stein", "Nowak", "Taylor", "Jensen", "Richter",
                         "Winkler", "Hoffmann", "Zimmermann", "Lee", "Shah", "Keller", "Wolf", "Koch", "Bauer",
                         "Braun", "Lang")][:300]
    t = datetime(2020, 3, 1, 10, 2)
    lines = ["01.03.20, 10:02 - Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt. Niemand außerhalb dieses "
             "Chats kann sie lesen oder anhören, nicht einmal WhatsApp. Tippe, um mehr zu erfahren.",
             "01.03.20, 10:02 - Du hast die Gruppe „Bergkaffee Community“ erstellt"]
    step = max(1, int(6 * 365 * 86400 / max(n, 1) * 2))
    for j in range(n - 2):
        t += timedelta(seconds=rng.randint(1, step))
        head = t.strftime("%d.%m.%y, %H:%M - ")
        r = rng.random()
        who = "Bergkaffee" if r < 0.15 else _skewed(rng, members, 1)[0]
        if r > 0.995:
            lines.append(head + f"Du hast {rng.choice(members)} hinzugefügt.")
        elif r > 0.98:
            lines.append(head + f"{who}: <Medien ausgeschlossen>")
        elif r > 0.975:
            lines.append(head + f"{who}: Diese Nachricht wurde gelöscht.")
        else:
            text = _skewed(rng, pool, 1)[0]
            if rng.random() < 0.05:
                text += "\nZweite Zeile: ruft an unter +49 151 23456789"
            lines.append(head + f"{who}: {text}")
        if progress is not None and j % 10_000 == 9_999:
            progress.update(10_000)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "WhatsApp Chat mit Bergkaffee Community.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [path]


_GA4_SOURCES = ["google / organic", "(direct) / (none)", "facebook / social", "instagram / social",
                "newsletter / email", "bing / organic", "t.co / referral", "linkedin / social", "(not set)"]


def ga4_api_json(folder: Path, n: int, *, per_file: int = 100_000, seed: int = 11, progress=None) -> list[Path]:
    """``n`` rows of GA4 Data API ``runReport`` responses saved as JSON (``limit`` 100,000 per page,
    one file per page): date x source/medium x campaign x landing page (each combination once, as
    the API returns them), metrics as strings,
    ``metadata.timeZone``; as tests/fixtures/io/ga4/runreport_daily_source_medium.json."""
    rng = random.Random(seed)
    dims = ["date", "sessionSourceMedium", "sessionCampaignName", "landingPagePlusQueryString"]
    mets = [("sessions", "TYPE_INTEGER"), ("engagedSessions", "TYPE_INTEGER"), ("engagementRate", "TYPE_FLOAT"),
            ("totalUsers", "TYPE_INTEGER"), ("newUsers", "TYPE_INTEGER"), ("keyEvents", "TYPE_FLOAT"),
            ("totalRevenue", "TYPE_CURRENCY")]
    pages = [f"/produkt/{i}?utm_source=x" if i % 5 == 0 else f"/blog/{i}" for i in range(3000)]
    start = datetime(2023, 1, 1)
    folder.mkdir(parents=True, exist_ok=True)
    paths, made, fileno = [], 0, 0
    while made < n:
        todo = min(per_file, n - made)
        rows = []
        for j in range(todo):
            day = (start + timedelta(days=(made + j) * 3 * 365 // max(n, 1))).strftime("%Y%m%d")
            s = rng.choice([1, 1, 2, 3, 5, 8, 40])
            e = rng.randint(0, s)
            rows.append({"dimensionValues": [{"value": day}, {"value": rng.choice(_GA4_SOURCES)},
                                             {"value": rng.choice(["(not set)", "(organic)", "sommer24", "winter24"])},
                                             {"value": pages[(made + j) % len(pages)]}],
                         "metricValues": [{"value": str(s)}, {"value": str(e)}, {"value": str(round(e / s, 6))},
                                          {"value": str(s)}, {"value": str(rng.randint(0, s))},
                                          {"value": str(rng.choice([0, 0, 0, 1]))},
                                          {"value": rng.choice(["0", "0", "19.9", "42.5"])}]})
        rep = {"dimensionHeaders": [{"name": d} for d in dims],
               "metricHeaders": [{"name": m, "type": t} for m, t in mets], "rows": rows,
               "rowCount": n, "metadata": {"currencyCode": "EUR", "timeZone": "Europe/Berlin"},
               "kind": "analyticsData#runReport"}
        path = folder / f"runreport_{fileno:03d}.json"
        path.write_text(json.dumps(rep), encoding="utf-8")
        paths.append(path)
        made += todo
        fileno += 1
        if progress is not None:
            progress.update(todo)
    return paths


# === CSV-shaped exports (TikTok, X analytics, YouTube Studio, LinkedIn, GA4, UA, Matomo) ============
# Generators for the CSV/Excel loaders' scale benchmark (issue #14.1, branch csv-fast). Formats follow
# data/samples and tests/fixtures/io (same headers, preambles, number and date styles, multi-line texts).

def _counts(rng: random.Random, k: int, top: int = 5000) -> list[int]:
    return [int(rng.paretovariate(1.3)) - 1 if rng.random() < 0.9 else rng.randint(0, top) for _ in range(k)]


def _split(n: int, per_file: int, progress=None):
    """(file number, first row, rows in the file) for ``n`` rows in files of ``per_file``; advances
    ``progress`` (a tqdm bar, or None) once a file is made."""
    made, k = 0, 0
    while made < n:
        todo = min(per_file, n - made)
        yield k, made, todo
        if progress is not None:
            progress.update(todo)
        made += todo
        k += 1


_POST_TEXT_TAIL = ["", "", "\n#Kaffee #Röstfrisch", "\n\nZweite Zeile, mit Komma", ' "zitiert" 👍']


def _post_text(rng: random.Random, pool: list[str]) -> str:
    return _skewed(rng, pool, 1)[0] + rng.choice(_POST_TEXT_TAIL)


TIKTOK_HEADER = ["Video title", "Video link", "Post time", "Total likes", "Total comments", "Total shares",
                 "Total views", "Add to favorites"]


def tiktok_content_csv(folder: Path, n: int, *, per_file: int = 10_000, seed: int = 11, progress=None) -> list[Path]:
    """``n`` videos as TikTok Studio content exports (``tiktok_content_<k>.csv``): multi-line quoted
    titles with emoji, ``YYYY-MM-DD HH:MM:SS`` local post times, plain counts."""
    rng = random.Random(seed)
    pool = texts(rng)
    start = datetime(2024, 1, 1)
    paths = []
    for k, first, todo in _split(n, per_file, progress=progress):
        rows = []
        for j in range(todo):
            t = start + timedelta(minutes=rng.randint(0, 2 * 365 * 1440))
            likes, com, sh, views, fav = _counts(rng, 5)
            link = f"https://www.tiktok.com/@acct{k % 20}/video/{7300000000000000000 + first + j}"
            rows.append([_post_text(rng, pool), link,
                         t.strftime("%Y-%m-%d %H:%M:%S"), likes, com, sh, views * 10, fav])
        paths.append(write_csv(folder / f"tiktok_content_{k:03d}.csv", TIKTOK_HEADER, rows))
    return paths


X_ACTIVITY_HEADER = ["Tweet id", "Tweet permalink", "Tweet text", "time", "impressions", "engagements",
                     "engagement rate", "retweets", "replies", "likes", "user profile clicks", "url clicks",
                     "hashtag clicks", "detail expands", "permalink clicks", "app opens", "app installs", "follows",
                     "email tweet", "dial phone", "media views", "media engagements"]


def x_tweet_activity_csv(folder: Path, n: int, *, per_file: int = 10_000, seed: int = 12, progress=None) -> list[Path]:
    """``n`` posts as X (Twitter) analytics ``tweet_activity_metrics_<user>_<from>_<to>_en.csv``:
    ``YYYY-MM-DD HH:MM +0000`` times, counts written ``3656.0``, multi-line texts."""
    rng = random.Random(seed)
    pool = texts(rng)
    start = datetime(2024, 1, 1)
    paths = []
    for k, first, todo in _split(n, per_file, progress=progress):
        rows = []
        for j in range(todo):
            tid = str(1900000000000000000 + (first + j) * 1000)
            t = start + timedelta(minutes=rng.randint(0, 2 * 365 * 1440))
            imp = rng.randint(0, 20_000)
            c = _counts(rng, 15, 300)
            eng = sum(c[:4])
            rows.append([tid, f"https://twitter.com/acct{k % 20}/status/{tid}", _post_text(rng, pool),
                         t.strftime("%Y-%m-%d %H:%M +0000"), f"{imp}.0", f"{eng}.0",
                         f"{eng / imp if imp else 0}"] + [f"{v}.0" for v in c])
        paths.append(write_csv(folder / f"tweet_activity_metrics_acct{k:03d}_20240101_20251231_en.csv",
                               X_ACTIVITY_HEADER, rows))
    return paths


YT_TABLE_HEADER = ["Content", "Video title", "Video publish time", "Views", "Impressions", "Likes",
                   "Comments added", "Shares"]


def youtube_studio_zip(folder: Path, n: int, *, per_file: int = 10_000, seed: int = 13, progress=None) -> list[Path]:
    """``n`` videos as YouTube Studio Advanced-mode downloads: ``Content <from>_<to> <channel>.zip``
    holding ``Table data.csv`` (a ``Total`` row, then one row per video), ``Chart data.csv`` and
    ``Totals.csv``."""
    import zipfile
    rng = random.Random(seed)
    pool = texts(rng)
    start = datetime(2024, 1, 1)
    folder.mkdir(parents=True, exist_ok=True)
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
    paths = []
    for k, first, todo in _split(n, per_file, progress=progress):
        rows = []
        for j in range(todo):
            i = first + j
            vid = "".join(alphabet[(i >> (6 * b)) % 64] for b in range(4)) + f"{k:03d}".rjust(7, "x")
            t = start + timedelta(minutes=rng.randint(0, 2 * 365 * 1440))
            views, imp, likes, com, sh = _counts(rng, 5)
            rows.append([vid, _post_text(rng, pool), t.strftime("%Y-%m-%d %H:%M:%S"), views, imp * 10, likes, com, sh])
        total = ["Total", "", ""] + [sum(r[c] for r in rows) for c in range(3, 8)]
        buf = io.StringIO(newline="")
        w = csv.writer(buf)
        w.writerow(YT_TABLE_HEADER)
        w.writerow(total)
        w.writerows(rows)
        days = [(start + timedelta(days=d)).strftime("%Y-%m-%d") for d in range(30)]
        path = folder / f"Content 2024-01-01_2025-12-31 Channel {k:03d}.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("Table data.csv", buf.getvalue())
            zf.writestr("Chart data.csv", "Date,Views\n" + "".join(f"{d},{rng.randint(0, 900)}\n" for d in days))
            zf.writestr("Totals.csv", "Date,Views\n" + "".join(f"{d},{rng.randint(0, 900)}\n" for d in days))
        paths.append(path)
    return paths


LINKEDIN_POST_HEADER = ["Post title", "Post link", "Post type", "Campaign name", "Posted by", "Created date",
                        "Campaign start date", "Campaign end date", "Audience", "Impressions",
                        "Views (excluding off-site video views)", "Off-site views", "Clicks",
                        "Click through rate (CTR)", "Likes", "Comments", "Reposts", "Follows", "Engagement rate",
                        "Content Type"]


def linkedin_content_xlsx(folder: Path, n: int, *, per_file: int = 10_000, seed: int = 14, progress=None) -> list[Path]:
    """``n`` posts as LinkedIn page content exports (``<Page>_content_<ms>.xlsx``): sheet ``All posts``
    with a description row, the header and one row per post (``MM/DD/YYYY`` dates, rates as floats),
    and a ``Metrics`` sheet."""
    import openpyxl
    rng = random.Random(seed)
    pool = texts(rng)
    start = datetime(2024, 1, 1)
    folder.mkdir(parents=True, exist_ok=True)
    kinds = ["Photo", "Link", "Video", "Text", "Document"]
    paths = []
    for k, first, todo in _split(n, per_file, progress=progress):
        wb = openpyxl.Workbook(write_only=True)
        met = wb.create_sheet("Metrics")
        met.append(["Aggregated metrics for all posts by date"])
        met.append(["Date", "Impressions (organic)"])
        for d in range(30):
            met.append([(start + timedelta(days=d)).strftime("%m/%d/%Y"), rng.randint(0, 900)])
        ws = wb.create_sheet("All posts")
        ws.append(["Engagement metrics for individual posts. Data for sponsored posts also includes paid metrics."])
        ws.append(LINKEDIN_POST_HEADER)
        for j in range(todo):
            t = start + timedelta(days=rng.randint(0, 2 * 365))
            imp = rng.randint(0, 20_000)
            clicks, likes, com, rep = _counts(rng, 4, 300)
            urn = f"https://www.linkedin.com/feed/update/urn:li:activity:{7400000000000000000 + first + j}/"
            ws.append([_post_text(rng, pool), urn, "Organic", None, f"Page {k}", t.strftime("%m/%d/%Y"), None, None,
                       "All followers", imp, None, None,
                       clicks, round(clicks / imp, 4) if imp else 0, likes, com, rep, None,
                       round((clicks + likes + com + rep) / imp, 4) if imp else 0, rng.choice(kinds)])
        path = folder / f"Page {k:03d}_content_{1711929600000 + k}.xlsx"
        wb.save(path)
        paths.append(path)
    return paths


GA4_HEADER = ["Date", "Session source / medium", "Sessions", "Engaged sessions", "Engagement rate", "Key events",
              "Total revenue"]


def _sources(k: int = 3000) -> list[str]:
    base = ["google / organic", "(direct) / (none)", "bing / organic", "newsletter / email", "t.co / referral",
            "l.instagram.com / referral", "linkedin.com / referral", "(not set) / (not set)"]
    return base + [f"site{i}.example / referral" for i in range(k - len(base))]


def ga4_csv(folder: Path, n: int, *, per_file: int = 100_000, seed: int = 15, progress=None) -> list[Path]:
    """``n`` rows as GA4 report downloads (Reports > Traffic acquisition > Share > Download CSV):
    ``#`` preamble with account, property and period, a ``Grand total`` row, ``YYYYMMDD`` dates
    times session source / medium (skewed: a few sources on every day, many rarely)."""
    rng = random.Random(seed)
    srcs = _sources()
    start = datetime(2020, 1, 1)
    paths = []
    for k, first, todo in _split(n, per_file, progress=progress):
        rows, day, seen = [], 0, set()
        while len(rows) < todo:
            d = (start + timedelta(days=day)).strftime("%Y%m%d")
            for s in _skewed(rng, srcs, min(60, todo - len(rows))):
                if (d, s) in seen:
                    continue
                seen.add((d, s))
                sess = rng.randint(1, 400)
                eng = rng.randint(0, sess)
                rows.append([d, s, sess, eng, round(eng / sess, 4), rng.randint(0, 9), f"{rng.random() * 300:.2f}"])
            day += 1
        rows = rows[:todo]
        end = (start + timedelta(days=day)).strftime("%Y%m%d")
        path = folder / f"Traffic_acquisition_Session_source_medium ({k}).csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", newline="", encoding="utf-8") as fh:
            fh.write("# ----------------------------------------\n# Traffic acquisition: Session source / medium\n"
                     f"# Account: Company {k}\n# Property: Shop {k} - GA4\n# ----------------------------------------\n"
                     f"# \n# All Users\n# Start date: {start:%Y%m%d}\n# End date: {end}\n")
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(GA4_HEADER)
            w.writerow(["Grand total", "", sum(r[2] for r in rows), sum(r[3] for r in rows), 0.5, 0, 0])
            w.writerows(rows)
        paths.append(path)
    return paths


UA_HEADER = ["Source / Medium", "Sessions", "% New Sessions", "New Users", "Bounce Rate", "Pages / Session",
             "Avg. Session Duration", "Goal Completions", "Revenue"]


def ua_csv(folder: Path, n: int, *, per_file: int = 5_000, seed: int = 16, progress=None) -> list[Path]:
    """``n`` rows as Universal Analytics report downloads (``Analytics All Web Site Data Source Medium
    <from>-<to>.csv``, at most 5,000 rows each as the UI allowed): dash-block preamble, English
    numbers (``"3,215"``, ``88.99%``, ``$1,234.50``), a totals row with an empty dimension."""
    rng = random.Random(seed)
    srcs = _sources(max(per_file, 3000))
    start = datetime(2016, 1, 1)
    paths = []
    for k, first, todo in _split(n, per_file, progress=progress):
        d0 = start + timedelta(days=7 * k)
        period = f"{d0:%Y%m%d}-{d0 + timedelta(days=6):%Y%m%d}"
        rows = []
        for s in srcs[:todo]:
            sess = rng.randint(1, 5000)
            rows.append([s, f"{sess:,}", f"{rng.random() * 100:.2f}%", f"{int(sess * rng.random()):,}",
                         f"{rng.random() * 100:.2f}%", f"{1 + rng.random() * 4:.2f}",
                         f"00:0{rng.randint(0, 9)}:{rng.randint(10, 59)}",
                         f"{rng.randint(0, 90):,}", f"${rng.random() * 5000:,.2f}"])
        path = folder / f"Analytics All Web Site Data Source Medium {period} ({k}).csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", newline="", encoding="utf-8") as fh:
            fh.write(f"# ----------------------------------------\n# All Web Site Data\n# Source / Medium\n# {period}\n"
                     "# ----------------------------------------\n\n")
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(UA_HEADER)
            w.writerows(rows)
            w.writerow(["", f"{sum(int(r[1].replace(',', '')) for r in rows):,}", "50.00%", "1", "40.00%", "2.00",
                        "00:01:00", "1", "$1.00"])
        paths.append(path)
    return paths


MATOMO_VISITS_HEADER = ["idSite", "idVisit", "visitorId", "goalConversions", "siteCurrency", "siteName",
                        "firstActionTimestamp", "lastActionDateTime", "actions", "referrerType", "referrerTypeName",
                        "referrerName", "referrerKeyword", "campaignSource", "campaignMedium", "campaignName",
                        "campaignContent", "totalEcommerceRevenue"]


def matomo_visits_csv(folder: Path, n: int, *, per_file: int = 100_000, seed: int = 17, progress=None) -> list[Path]:
    """``n`` visits as Matomo visitor-log exports (``Export _ Besucher-Log _ <day>.csv``, UTF-16 with BOM as
    Matomo writes them): one row per visit with unix and local times, referrer and campaign fields."""
    rng = random.Random(seed)
    refs = [("search", "Suchmaschinen", "Google", "", "", "", ""), ("direct", "Direkte Zugriffe", "", "", "", "", ""),
            ("website", "Websites", "t.co", "", "", "", ""),
            ("campaign", "Kampagnen", "fruehling24", "", "facebook", "social", "fruehling24"),
            ("campaign", "Kampagnen", "newsletter", "", "newsletter", "email", "newsletter")]
    start = datetime(2024, 1, 1)
    paths = []
    for k, first, todo in _split(n, per_file, progress=progress):
        rows = []
        for j in range(todo):
            t = start + timedelta(seconds=rng.randint(0, 365 * 86400))
            ref = rng.choice(refs)
            rows.append([1, first + j + 1, f"{rng.getrandbits(64):016x}", rng.choice([0, 0, 0, 1]), "EUR", "Shop",
                         int(t.replace(tzinfo=timezone.utc).timestamp()), t.strftime("%Y-%m-%d %H:%M:%S"),
                         rng.randint(1, 20), ref[0], ref[1], ref[2], ref[3], ref[4], ref[5], ref[6],
                         f"post-{rng.randint(0, 99)}" if ref[0] == "campaign" else "", f"{rng.random() * 50:.2f}"])
        paths.append(write_csv(folder / f"Export _ Besucher-Log _ Teil {k:03d}.csv", MATOMO_VISITS_HEADER, rows,
                               encoding="utf-16"))
    return paths
