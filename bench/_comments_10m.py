"""Millions of canonical comments (and their posts) written straight into a Parquet store (issue #14.5).

The scale benchmark (bench/scale.py) needs 1M-50M realistic comments without ever holding them as one
pandas frame: :func:`write_store` generates one platform at a time (about 1/7 of the comments) with numpy
and pyarrow only (no Python loop over rows; Python loops only over platforms, months and the pools of
distinct values) and writes each (platform, month) as one file of the toolkit's Parquet store layout::

    <dir>/<table>/platform=<p>/month=<YYYY-MM>/part-0.parquet     hive-partitioned, plus a column _row
    <dir>/toolkit-store.json                                      the manifest
    <dir>/_load_report.parquet, <dir>/_rejected.parquet

What is realistic about the data (seeded, reproducible: the same ``n`` and ``seed`` give the same bytes
of every table):

* 200 brands x 7 platforms = 1,400 accounts with log-normal sizes (a few big, many small) and a share of
  German comments per brand (most brands English, a third mostly German).
* about one post per 200 comments, each post's share of the comments log-normal (a few posts collect
  thousands of comments, most a few dozen); posts follow a working-week rhythm (fewer at weekends,
  most between 8 and 20 h Berlin time) over three years (2023-2025).
* authors with a heavy tail (Pareto activity: a few regulars write hundreds of comments, most write one).
* texts: Zipf-like repetition of a pool of real-looking short English and German comments with emoji
  and questions ("Love it 😍", "Wann kommt das wieder?") and a unique tail (about 35 % of the comments
  are long combinations that rarely repeat, some with hashtags and @mentions): about a third of the
  comments are distinct texts, the share the sentiment benchmark takes as realistic.
* about 30 % replies (fewer on X), each in the same post as its parent top-level comment, published
  after it (log-normal lag, median about 40 min); brands answer 10-60 % of their comments depending
  on the account (some never), mostly inside office hours, the rest later.
* comment times follow the post (median lag about 2 h, tail of days), with fewer comments at night.

``n`` is met exactly. The returned summary says how many comments, posts, distinct texts and files
were written.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

PLATFORMS = ("facebook", "instagram", "x", "linkedin", "youtube", "tiktok", "threads")
#: relative comment volume per platform (instagram and facebook carry most brand comments)
_PLATFORM_WEIGHT = np.array([0.26, 0.30, 0.10, 0.05, 0.12, 0.13, 0.04])
#: share of comments that are replies, per platform
_REPLY_SHARE = np.array([0.35, 0.30, 0.18, 0.25, 0.30, 0.28, 0.25])
START = np.datetime64("2023-01-01T00:00:00", "s")
END = np.datetime64("2026-01-01T00:00:00", "s")
COMMENTS_PER_POST = 200
N_BRANDS = 200
TZ_OFFSET_H = 1  # Berlin winter time; the rhythm is drawn on this clock (good enough for a generator)

# --- text pools -----------------------------------------------------------------------------------

_HEAD_EN = [
    "Love it", "Love this", "Amazing", "So good", "Beautiful", "Wow", "Great post", "Nice", "Cool",
    "Thank you", "Thanks for sharing", "Need this", "I want one", "Yes please", "Perfect", "Awesome",
    "Best ever", "Looks delicious", "So cute", "Congrats", "Finally", "Not again", "Terrible service",
    "Worst customer service ever", "Still waiting for my order", "My order never arrived",
    "Way too expensive", "Disappointed", "Boring", "This is a scam", "Fake", "Meh", "Same",
    "Haha", "lol", "Omg", "Can't wait", "Take my money", "Love your products", "Where can I buy this?",
    "How much is it?", "When will it be back in stock?", "Do you ship to Canada?", "Is this vegan?",
    "What size is that?", "Any discount codes?", "Why is my order delayed?", "Can I still return it?",
    "Is the store open on Sunday?", "When is the next sale?", "Who else is here from TikTok?",
    "Link please?", "Does it come in black?", "Can you reply to my DM?", "Great job team",
    "You guys rock", "Happy Friday", "Merry Christmas", "Happy new year", "First",
]
_HEAD_DE = [
    "Toll", "Super", "Mega", "Wunderschön", "Sieht lecker aus", "Danke", "Danke fürs Teilen", "Genial",
    "Klasse", "Endlich", "Brauche ich", "Will ich haben", "Hammer", "Schön", "Gefällt mir", "Top",
    "Wie immer zu spät", "Schlechter Service", "Meine Bestellung ist immer noch nicht da",
    "Viel zu teuer", "Enttäuschend", "Langweilig", "Das ist Betrug", "Nie wieder", "Schade",
    "Haha", "Geil", "Ich freu mich", "Weiter so", "Wo kann man das kaufen?", "Was kostet das?",
    "Wann gibt es das wieder?", "Liefert ihr auch nach Österreich?", "Ist das vegan?",
    "Gibt es einen Rabattcode?", "Warum dauert meine Lieferung so lange?", "Kann ich das noch zurückgeben?",
    "Habt ihr am Sonntag offen?", "Wann kommt der nächste Sale?", "Gibt es das auch in Schwarz?",
    "Könnt ihr auf meine Nachricht antworten?", "Tolles Team", "Ihr seid die Besten", "Schönes Wochenende",
    "Frohe Weihnachten", "Frohes neues Jahr", "Erster",
]
_EMOJI_TAIL = ["", "", "", "", "", " 😂", " 🙏", " 👍", " 🤔", "!", " 😅"]
_EMOJI_ONLY = ["❤️", "😍", "🔥🔥🔥", "👏👏", "😂😂", "🙌", "💯", "😡", "👍", "❤️❤️", "🥰", "😮"]

_OPEN_EN = ["Honestly", "I have to say", "Not gonna lie", "To be fair", "Wow", "Hmm", "Okay so", "Well",
            "Seriously", "Hey team", "Quick question", "Just saying", "Ngl", "Tbh", "Guys", "Hello",
            "Ok but", "Yesterday", "Last week", "My sister says"]
_BODY_EN = ["the new {p} is really good", "the {p} broke after two days", "I ordered the {p} three weeks ago",
            "your {p} tastes better than ever", "the delivery took forever", "the staff in the store were so kind",
            "I can't find the {p} anywhere", "the price of the {p} went up again", "this is my favourite {p}",
            "the quality of the {p} has gone down", "my kids love the {p}", "the app keeps crashing",
            "I've been a customer for ten years", "the {p} arrived damaged", "the colours look amazing",
            "the customer service was super helpful", "nobody answered my email", "this ad is everywhere",
            "I would buy the {p} again", "the {p} is not worth the money"]
_CLOSE_EN = ["", "", ".", "!", "?", " lol", " tbh", " what do you think?", " any plans to fix this?",
             " please bring it back", " keep it up", " never again", " highly recommend", " 10/10",
             " can you help?", " just wow"]
_OPEN_DE = ["Ehrlich gesagt", "Also", "Ich muss sagen", "Hallo zusammen", "Kurze Frage", "Naja", "Leute",
            "Moin", "Hey", "Seit gestern", "Letzte Woche", "Meine Mutter sagt", "Ganz ehrlich", "Hmm",
            "Liebes Team", "Sorry aber"]
_BODY_DE = ["das neue {p} ist richtig gut", "das {p} war nach zwei Tagen kaputt", "ich habe das {p} vor drei Wochen bestellt",
            "euer {p} schmeckt besser denn je", "die Lieferung hat ewig gedauert", "die Leute im Laden waren super nett",
            "ich finde das {p} nirgends", "der Preis vom {p} ist schon wieder gestiegen", "das ist mein Lieblings-{p}",
            "die Qualität vom {p} ist schlechter geworden", "meine Kinder lieben das {p}", "die App stürzt ständig ab",
            "ich bin seit zehn Jahren Kunde", "das {p} kam beschädigt an", "die Farben sehen toll aus",
            "der Kundenservice war sehr hilfreich", "niemand hat auf meine Mail geantwortet",
            "ich würde das {p} wieder kaufen", "das {p} ist sein Geld nicht wert"]
_CLOSE_DE = ["", "", ".", "!", "?", " was meint ihr?", " wird das noch repariert?", " bitte wieder ins Sortiment",
             " weiter so", " nie wieder", " klare Empfehlung", " könnt ihr helfen?", " einfach nur wow"]
_PRODUCTS = ["coffee", "jacket", "bike", "sneaker", "latte", "phone case", "shampoo", "backpack", "bread",
             "chocolate", "headphones", "lipstick", "tea", "watch", "sofa", "ice cream"]
_PRODUKTE = ["Kaffee", "Fahrrad", "Brot", "Shampoo", "Handy", "Eis", "Sofa", "Müsli", "Bier", "Parfum",
             "Set", "Paket", "Angebot", "Modell"]
_HASHTAGS = ["", "", "", "", "", " #sale", " #love", " #fail", " #kundenservice", " #newin", " #tbt",
             " #sustainability", " #nachhaltig", " #giveaway", " #ad", " #werbung"]
_BRAND_REPLIES_EN = ["Thank you so much!", "Thanks for your feedback!", "Sorry to hear that, please send us a DM.",
                     "We're on it!", "Glad you like it ❤️", "Please check your inbox.", "Happy to help!",
                     "It's back in stock next week.", "Thanks, we've passed this on to the team."]
_BRAND_REPLIES_DE = ["Vielen Dank!", "Danke für dein Feedback!", "Das tut uns leid, schreib uns bitte eine DM.",
                     "Wir kümmern uns!", "Freut uns sehr ❤️", "Schau bitte in dein Postfach.", "Gern geschehen!",
                     "Ab nächster Woche wieder verfügbar.", "Danke, wir haben es ans Team weitergegeben."]
_POST_TEXTS = ["New in: {p} 🔥", "Our {p} is back!", "Weekend plans? ☕", "Giveaway! Tag a friend 🎁 #giveaway",
               "Behind the scenes at our store", "Which one is your favourite? 👇", "Neu: unser {p} 🔥",
               "Gewinnspiel! Markiere eine Freundin 🎁", "Schönes Wochenende euch allen ☀️", "Sale -30 % #sale",
               "Meet the team 👋", "Happy Monday!"]
_BRAND_A = ["Nord", "Urban", "Blue", "Green", "Happy", "Alpen", "Rhein", "Stadt", "Sun", "Wild", "Bio",
            "Berg", "City", "Fresh", "Gold", "Pure", "Smart", "Wald", "Elb", "Küsten"]
_BRAND_B = ["Kaffee", "Bikes", "Bäckerei", "Mode", "Beauty", "Tech", "Home", "Foods", "Sport", "Brauerei"]
_MEDIA = np.array(["photo", "video", "reel", "carousel", "link", "text"])


def _zipf_weights(k: int, s: float) -> np.ndarray:
    w = 1.0 / np.arange(1, k + 1) ** s
    return w / w.sum()


_NEGATIVE_WORDS = ("not", "never", "terrible", "worst", "waiting", "expensive", "disappointed", "boring", "scam",
                   "fake", "meh", "delayed", "zu spät", "schlecht", "nicht", "teuer", "enttäusch", "langweilig",
                   "betrug", "nie wieder", "schade", "dauert")
_TAILS = {"pos": ["", "", "!", " 😍", " ❤️", " 🔥", " 👍", " 🙌", " 😍😍", " ❤️❤️❤️", "!!"],
          "neg": ["", "", "!", "!!", " 😡", " 😢", " 👎", " 🙄"],
          "ask": ["", "", " 🙏", " 🤔", "??"]}


def _head_pool(rng: np.random.Generator, base: list[str]) -> list[str]:
    """Distinct short comments: each base text alone and with a few emoji/punctuation tails that fit its tone."""
    out = []
    for t in base:
        tone = "ask" if t.endswith("?") else "neg" if any(w in t.lower() for w in _NEGATIVE_WORDS) else "pos"
        tails = _TAILS[tone]
        pick = rng.choice(len(tails), size=3, replace=False)
        out.extend(dict.fromkeys(t + tails[i] for i in pick))
    return out


def _fill(template: list[str], products: list[str]) -> list[str]:
    return [t.replace("{p}", p) if "{p}" in t else t for t in template for p in (products if "{p}" in t else [""])]


class _Texts:
    """The text pools and vectorised draws from them (pyarrow arrays; ``take`` and string joins in C)."""

    def __init__(self, rng: np.random.Generator):
        self.head = {"en": pa.array(_head_pool(rng, _HEAD_EN) + _EMOJI_ONLY),
                     "de": pa.array(_head_pool(rng, _HEAD_DE) + _EMOJI_ONLY)}
        # the order of a pool is its popularity rank: shuffle so the popular ones are a random mix
        for k in self.head:
            self.head[k] = self.head[k].take(pa.array(rng.permutation(len(self.head[k]))))
        self.head_w = {k: _zipf_weights(len(v), 1.05) for k, v in self.head.items()}
        self.parts = {
            "en": [pa.array(_OPEN_EN), pa.array(_fill(_BODY_EN, _PRODUCTS)), pa.array(_CLOSE_EN)],
            "de": [pa.array(_OPEN_DE), pa.array(_fill(_BODY_DE, _PRODUKTE)), pa.array(_CLOSE_DE)],
        }
        self.emoji = pa.array(_EMOJI_TAIL)
        self.tags = pa.array(_HASHTAGS)
        self.brand = {"en": pa.array(_BRAND_REPLIES_EN), "de": pa.array(_BRAND_REPLIES_DE)}

    def draw(self, rng: np.random.Generator, de: np.ndarray, unique: np.ndarray, mention: pa.Array) -> pa.Array:
        """One text per row: ``de`` German or English, ``unique`` from the combinatorial tail."""
        n = len(de)
        chunks = []
        for lang, mask in (("en", ~de), ("de", de)):
            for is_tail in (False, True):
                idx = np.flatnonzero(mask & (unique == is_tail))
                if not len(idx):
                    continue
                m = len(idx)
                if not is_tail:
                    pool = self.head[lang]
                    t = pool.take(pa.array(rng.choice(len(pool), size=m, p=self.head_w[lang])))
                else:
                    o, b, c = self.parts[lang]
                    pieces = [o.take(pa.array(rng.integers(0, len(o), m))), pa.array(np.full(m, " ")),
                              b.take(pa.array(rng.integers(0, len(b), m))),
                              c.take(pa.array(rng.integers(0, len(c), m))),
                              self.emoji.take(pa.array(rng.integers(0, len(self.emoji), m))),
                              self.tags.take(pa.array(rng.integers(0, len(self.tags), m))),
                              mention.take(pa.array(idx))]
                    t = pc.binary_join_element_wise(*pieces, "")
                chunks.append((idx, t))
        order = np.concatenate([i for i, _ in chunks])
        joined = pa.concat_arrays([t.cast(pa.string()) for _, t in chunks])
        inv = np.empty(n, dtype=np.int64)
        inv[order] = np.arange(n)
        return joined.take(pa.array(inv))


def _str_ids(prefix: str, numbers: np.ndarray) -> pa.Array:
    """``prefix`` + decimal digits of each number (vectorised)."""
    digits = pc.cast(pa.array(numbers, type=pa.int64()), pa.string())
    return pc.binary_join_element_wise(pa.array(np.full(len(numbers), prefix)), digits, "") if prefix else digits


def _rhythm_times(rng: np.random.Generator, n: int, *, weekend: float) -> np.ndarray:
    """``n`` times (seconds since START) over the 3 years with a working-day and daily rhythm (Berlin clock)."""
    days = int((END - START) / np.timedelta64(1, "D"))
    day = rng.integers(0, days, n)
    weekday = (day + 6) % 7  # 2023-01-01 was a Sunday -> weekday 6
    weekend_day = weekday >= 5
    # fewer on weekends: redraw a share of weekend days onto a random weekday
    redraw = weekend_day & (rng.random(n) > weekend)
    day = np.where(redraw, day - weekday + rng.integers(0, 5, n), day)
    day = np.clip(day, 0, days - 1)
    hour_w = np.array([1, .5, .3, .2, .2, .4, 1, 3, 6, 8, 8, 7, 8, 7, 6, 6, 6, 7, 8, 8, 7, 5, 3, 2], float)
    hour = rng.choice(24, size=n, p=hour_w / hour_w.sum())
    sec = day.astype(np.int64) * 86400 + (hour - TZ_OFFSET_H) * 3600 + rng.integers(0, 3600, n)
    return np.clip(sec, 0, days * 86400 - 1)


def _night_shift(rng: np.random.Generator, sec: np.ndarray) -> np.ndarray:
    """Move most comments that fall between 1 and 6 h (Berlin) to the morning: fewer at night."""
    hour = ((sec // 3600) + TZ_OFFSET_H) % 24
    night = (hour >= 1) & (hour < 6) & (rng.random(len(sec)) < 0.7)
    return np.where(night, sec + (7 - hour) * 3600 + rng.integers(0, 3 * 3600, len(sec)), sec)


def _office(sec: np.ndarray) -> np.ndarray:
    """Push brand replies written at night or weekends to the next working morning (9-10 h Berlin)."""
    local = sec + TZ_OFFSET_H * 3600
    day = local // 86400
    hour = (local % 86400) // 3600
    weekday = (day + 6) % 7
    shift_days = np.where(hour >= 18, 1, 0)
    wd = (weekday + shift_days) % 7
    shift_days = shift_days + np.where(wd == 5, 2, np.where(wd == 6, 1, 0))
    move = (hour < 8) | (hour >= 18) | (weekday >= 5)
    new = (day + shift_days) * 86400 + 9 * 3600 + (sec % 3600) - TZ_OFFSET_H * 3600
    return np.where(move, new, sec)


# --- the world: brands, accounts, posts ----------------------------------------------------------


def _accounts(rng: np.random.Generator) -> pd.DataFrame:
    names = [f"{a}{b}" for a in _BRAND_A for b in _BRAND_B]
    names = [names[i] for i in rng.permutation(len(names))[:N_BRANDS]]
    size = rng.lognormal(0, 1.2, N_BRANDS)
    de_share = np.where(rng.random(N_BRANDS) < 0.35, rng.uniform(0.6, 0.95, N_BRANDS),
                        rng.uniform(0.0, 0.15, N_BRANDS))
    care = np.where(rng.random(N_BRANDS) < 0.1, 0.0, rng.uniform(0.1, 0.6, N_BRANDS))
    rows = []
    for p_i, plat in enumerate(PLATFORMS):
        # every brand on every platform, with its own weight there
        w = size * rng.lognormal(0, 0.6, N_BRANDS) * _PLATFORM_WEIGHT[p_i]
        handle = [f"{n.lower()}" if plat in ("instagram", "x", "tiktok", "threads") else n for n in names]
        rows.append(pd.DataFrame({"platform": plat, "account": handle, "brand": np.arange(N_BRANDS),
                                  "weight": w, "de_share": de_share, "care": care}))
    acc = pd.concat(rows, ignore_index=True)
    acc["weight"] /= acc["weight"].sum()
    return acc


def plan(n: int, seed: int = 0) -> dict:
    """The posts and how many comments each gets (small: ~n/200 posts); the comments follow per platform."""
    rng = np.random.default_rng([seed, 0])
    acc = _accounts(rng)
    n_posts = max(len(PLATFORMS), n // COMMENTS_PER_POST)
    # posts per account ~ its weight (at least one post where there are comments to place)
    post_acc = rng.choice(len(acc), size=n_posts, p=acc["weight"].to_numpy())
    post_acc[:len(PLATFORMS)] = [int(np.flatnonzero(acc["platform"].to_numpy() == p)[0]) for p in PLATFORMS]
    # sort posts by account (then by time): posts of one account are contiguous
    post_sec = _rhythm_times(rng, n_posts, weekend=0.5)
    order = np.lexsort((post_sec, post_acc))
    post_acc, post_sec = post_acc[order], post_sec[order]
    # each post's pull is log-normal: most posts get few comments, some thousands
    pull = rng.lognormal(0, 1.3, n_posts)
    counts = rng.multinomial(n, pull / pull.sum())
    return {"acc": acc, "post_acc": post_acc, "post_sec": post_sec, "counts": counts, "seed": seed, "n": n}


def _posts_table(p: dict, texts: _Texts) -> pd.DataFrame:
    rng = np.random.default_rng([p["seed"], 1])
    acc = p["acc"]
    n_posts = len(p["post_acc"])
    plat = acc["platform"].to_numpy()[p["post_acc"]]
    ptext = pa.array(_fill(_POST_TEXTS, _PRODUCTS))
    counts = p["counts"].astype(np.int64)
    reach = (counts * rng.uniform(20, 200, n_posts) + rng.integers(50, 5000, n_posts)).astype(np.int64)
    likes = (reach * rng.uniform(0.01, 0.08, n_posts)).astype(np.int64)
    shares = (likes * rng.uniform(0, 0.2, n_posts)).astype(np.int64)
    saves = (likes * rng.uniform(0, 0.1, n_posts)).astype(np.int64)
    post_id = _str_ids("", 1_700_000_000_000_000_000 + np.arange(n_posts, dtype=np.int64) * 7919)
    df = pd.DataFrame({
        "platform": pd.array(plat, dtype="string"),
        "account": pd.array(acc["account"].to_numpy()[p["post_acc"]], dtype="string"),
        "post_id": pd.array(post_id.to_pylist(), dtype="string"),
        "published_at": pd.to_datetime(START + p["post_sec"].astype("timedelta64[s]")).tz_localize("UTC")
        .astype("datetime64[ns, UTC]"),
        "date_only": np.zeros(n_posts, dtype=bool),
        "text": pd.array(ptext.take(pa.array(rng.integers(0, len(ptext), n_posts))).to_pylist(), dtype="string"),
        "media_type": pd.array(_MEDIA[rng.choice(len(_MEDIA), n_posts, p=[.4, .2, .15, .15, .05, .05])],
                               dtype="string"),
        "permalink": pd.array(np.full(n_posts, None), dtype="string"),
    })
    ig = plat == "instagram"
    df["impressions"] = pd.array((reach * 1.3).astype(np.int64), dtype="Int64")
    df["reach"] = pd.array(reach, dtype="Int64")
    df["views"] = pd.array(np.where(np.isin(plat, ["youtube", "tiktok"]), reach * 2, 0), dtype="Int64")
    df.loc[~np.isin(plat, ["youtube", "tiktok"]), "views"] = pd.NA
    df["likes"] = pd.array(likes, dtype="Int64")
    df["comments"] = pd.array(counts, dtype="Int64")
    df["shares"] = pd.array(shares, dtype="Int64")
    df["saves"] = pd.array(np.where(ig, saves, 0), dtype="Int64")
    df.loc[~ig, "saves"] = pd.NA
    df["clicks"] = pd.array(np.full(n_posts, pd.NA), dtype="Int64")
    df["engagements"] = pd.array(likes + counts + shares, dtype="Int64")
    df["source_file"] = pd.array(np.char.add("generated/", plat.astype(str)) + "/posts.csv", dtype="string")
    return df


def _platform_comments(p: dict, texts: _Texts, p_i: int) -> tuple[pd.DataFrame, np.ndarray]:
    """All comments on one platform's posts, as a canonical comments frame, ordered by post."""
    plat = PLATFORMS[p_i]
    rng = np.random.default_rng([p["seed"], 2, p_i])
    acc = p["acc"]
    acc_plat = acc["platform"].to_numpy()
    posts = np.flatnonzero(acc_plat[p["post_acc"]] == plat)
    counts = p["counts"][posts]
    n = int(counts.sum())
    post_of = np.repeat(posts, counts)            # global post index per comment, contiguous per post
    start_of_post = np.repeat(np.cumsum(counts) - counts, counts)
    k = np.arange(n) - start_of_post               # position inside its post
    a = p["post_acc"][post_of]                     # account row per comment
    reply = (rng.random(n) < _REPLY_SHARE[p_i]) & (k > 0)
    top = ~reply
    # parent: a random top-level comment earlier in the same post
    top_before = np.cumsum(top) - top              # top-level comments before this row (all posts)
    top_first = np.repeat(top_before[np.cumsum(counts) - counts] if n else np.array([], int), counts)
    n_top_before = top_before - top_first          # ... before this row inside its post
    reply &= n_top_before > 0
    top = ~reply
    top_idx = np.flatnonzero(top)
    top_before = np.cumsum(top) - top
    top_first = np.repeat(top_before[np.cumsum(counts) - counts] if n else np.array([], int), counts)
    n_top_before = top_before - top_first
    pick = top_first + np.floor(rng.random(n) * np.maximum(n_top_before, 1)).astype(np.int64)
    parent = np.where(reply, top_idx[np.minimum(pick, len(top_idx) - 1)] if len(top_idx) else 0, -1)
    # brand replies: per account care level
    owner = reply & (rng.random(n) < acc["care"].to_numpy()[a])
    # times
    post_sec = p["post_sec"][post_of]
    lag_top = rng.lognormal(np.log(2 * 3600), 1.6, n)
    sec = post_sec + np.minimum(lag_top, 200 * 86400).astype(np.int64)
    sec = np.where(top, _night_shift(rng, sec), sec)
    lag_rep = rng.lognormal(np.log(40 * 60), 1.5, n)
    psec = sec[np.maximum(parent, 0)]
    rsec = psec + np.maximum(lag_rep, 30).astype(np.int64)
    rsec = np.where(owner, np.maximum(_office(rsec), psec + 60), _night_shift(rng, rsec))
    sec = np.where(reply, rsec, sec)
    # language per brand
    de = rng.random(n) < acc["de_share"].to_numpy()[a]
    unique = rng.random(n) < 0.35
    # authors: heavy tail over a per-platform pool of handles; some tail texts @mention another user
    pool_n = max(1000, n // 3)
    activity = rng.pareto(1.2, pool_n) + 1       # heavy tail: a few regulars, many one-time writers
    author_no = rng.choice(pool_n, size=n, p=activity / activity.sum())
    handles = _str_ids(f"{plat[:2]}_user", np.arange(pool_n))
    author = handles.take(pa.array(author_no))
    mention_no = rng.integers(0, pool_n, n)
    has_mention = rng.random(n) < 0.08
    mention = pc.if_else(pa.array(has_mention), pc.binary_join_element_wise(
        pa.array(np.full(n, " @")), handles.take(pa.array(mention_no)), ""), pa.array(np.full(n, "")))
    text = texts.draw(rng, de, unique & ~owner, mention)
    # brand replies get the brand's answers
    if owner.any():
        oi = np.flatnonzero(owner)
        en_t = texts.brand["en"].take(pa.array(rng.integers(0, len(texts.brand["en"]), len(oi))))
        de_t = texts.brand["de"].take(pa.array(rng.integers(0, len(texts.brand["de"]), len(oi))))
        brand_t = pc.if_else(pa.array(de[oi]), de_t, en_t)
        text_np = text.to_numpy(zero_copy_only=False)
        text_np[oi] = brand_t.to_numpy(zero_copy_only=False)
        text = pa.array(text_np, type=pa.string())
    account = pa.array(acc["account"].to_numpy()[a].astype(str))
    author = pc.if_else(pa.array(owner), account, author)
    base = 1_800_000_000_000_000_000 + p_i * 10**16
    cid = _str_ids("", base + np.arange(n, dtype=np.int64) * 13)
    pid = _str_ids("", 1_700_000_000_000_000_000 + post_of.astype(np.int64) * 7919)
    parent_id = pc.if_else(pa.array(reply), cid.take(pa.array(np.maximum(parent, 0))), pa.nulls(n, pa.string()))
    likes = np.minimum(rng.zipf(1.8, n) - 1, 100_000)
    likes_missing = rng.random(n) < (0.02 if plat != "x" else 0.3)
    ts = (START + sec.astype("timedelta64[s]")).astype("datetime64[ns]")
    df = pd.DataFrame({
        "platform": pd.array(np.full(n, plat), dtype="string"),
        "account": pd.array(account, dtype="string") if n else pd.array([], dtype="string"),
        "post_id": _to_pd(pid), "comment_id": _to_pd(cid), "parent_id": _to_pd(parent_id),
        "author": _to_pd(author), "is_owner": owner,
        "published_at": pd.DatetimeIndex(ts).tz_localize("UTC"),
        "text": _to_pd(text),
        "likes": pd.array(np.where(likes_missing, 0, likes), dtype="Int64"),
    })
    df.loc[likes_missing, "likes"] = pd.NA
    months = pd.DatetimeIndex(ts).strftime("%Y-%m").to_numpy() if n else np.array([], dtype=object)
    df["source_file"] = pd.array(np.char.add(f"generated/{plat}/comments-", months.astype(str)) + ".json",
                                 dtype="string")
    return df, months


def _to_pd(arr: pa.Array) -> pd.array:
    """A pyarrow string array as the canonical ``string`` column (Arrow-backed when pandas uses pyarrow)."""
    return pd.StringDtype().__from_arrow__(arr)


# --- writing the store ---------------------------------------------------------------------------


def _manifest_columns(frame: pd.DataFrame) -> list[dict]:
    try:  # the store module's own description when it is there (same dtypes on reading)
        from toolkit.io._store import _dtype_spec
    except ImportError:  # pragma: no cover - before the store landed
        def _dtype_spec(dtype):
            if isinstance(dtype, pd.StringDtype):
                return {"kind": "string", "storage": dtype.storage,
                        "na": "nan" if dtype.na_value is not pd.NA else "NA"}
            return {"kind": "plain", "name": str(dtype)}
    return [{"name": c, "dtype": _dtype_spec(frame[c].dtype)} for c in frame.columns]


def _write_parts(name: str, frame: pd.DataFrame, months: np.ndarray, root: Path, row0: int,
                 schema: pa.Schema | None) -> tuple[list[dict], pa.Schema]:
    """Write one platform's rows of table ``name``, one file per month; returns the manifest entries."""
    plat = str(frame["platform"].iloc[0])
    body = frame.drop(columns=["platform"])
    body["_row"] = np.arange(row0, row0 + len(frame), dtype=np.int64)
    files = []
    codes, uniq = pd.factorize(months, sort=True)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniq) + 1))
    for j, m in enumerate(uniq):
        pos = order[bounds[j]:bounds[j + 1]]
        t = pa.Table.from_pandas(body.iloc[pos], schema=schema, preserve_index=False)
        schema = schema or t.schema
        rel = f"{name}/platform={plat}/month={m}/part-0.parquet"
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(t, root / rel, row_group_size=256 * 1024)
        files.append({"path": rel, "rows": len(pos), "platform": plat})
    return files, schema


def write_store(path: str | os.PathLike, n: int, *, seed: int = 0, progress=None) -> dict:
    """Generate ``n`` comments (and their posts) into a toolkit Parquet store at ``path``.

    Parameters
    ----------
    path : str or Path
        Folder of the store; replaced if it exists.
    n : int
        Number of comments (exact).
    seed : int
        Seed; the same ``n`` and ``seed`` give the same tables.
    progress : bool, optional
        A bar over the platforms (auto: on a terminal).

    Returns
    -------
    dict
        comments, posts, distinct_texts (exact), files, seconds, bytes on disk.
    """
    from toolkit import schema
    from toolkit._progress import bar

    t0 = time.perf_counter()
    root = Path(path)
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    p = plan(n, seed)
    texts = _Texts(np.random.default_rng([seed, 3]))
    posts = _posts_table(p, texts)
    manifest = {"format": "toolkit-parquet-store", "version": 1, "toolkit_version": _toolkit_version(),
                "written_at": pd.Timestamp.now(tz="UTC").isoformat(), "tz": "Europe/Berlin",
                "layout": "<table>/platform=<platform>/month=<YYYY-MM|none>/part-0.parquet",
                "row_column": "_row", "tables": {}, "warnings": [],
                "generator": {"module": "bench/_comments_10m.py", "n": n, "seed": seed}}
    entry_c = {"rows": 0, "platform_column": "platform", "partitioned_by": "platform", "month_column": "published_at", "row_column": "_row",
               "files": [], "columns": _manifest_columns(schema.COMMENTS.empty()), "index": None}
    entry_p = {"rows": len(posts), "platform_column": "platform", "partitioned_by": "platform", "month_column": "published_at",
               "row_column": "_row", "files": [], "columns": _manifest_columns(posts), "index": None}
    c_schema = p_schema = None
    row_c = row_p = 0
    distinct: set = set()
    n_distinct_rows = 0
    for p_i in bar(range(len(PLATFORMS)), progress=progress, desc="generating comments", unit="platform"):
        df, months = _platform_comments(p, texts, p_i)
        n_distinct_rows += len(df)
        distinct.update(pd.unique(df["text"].to_numpy(dtype=object, na_value=None)))
        files, c_schema = _write_parts("comments", df, months, root, row_c, c_schema)
        entry_c["files"] += files
        row_c += len(df)
        del df
        mask = posts["platform"].to_numpy(dtype=object) == PLATFORMS[p_i]
        sub = posts[mask]
        pm = sub["published_at"].dt.strftime("%Y-%m").to_numpy()
        files, p_schema = _write_parts("posts", sub, pm, root, row_p, p_schema)
        entry_p["files"] += files
        row_p += len(sub)
    entry_c["rows"] = row_c
    # the store reader sorts by _row; posts were written per platform, so _row is in that order
    manifest["tables"]["posts"] = entry_p
    manifest["tables"]["comments"] = entry_c
    for name in ("daily", "traffic"):
        empty = schema.TABLES[name].empty()
        (root / name).mkdir()
        manifest["tables"][name] = {"rows": 0, "platform_column": None if name == "traffic" else "platform",
                                    "partitioned_by": "tool" if name == "traffic" else "platform",
                                    "month_column": "date", "row_column": "_row", "files": [],
                                    "columns": _manifest_columns(empty), "index": None}
    report = pd.DataFrame({
        "file": pd.array(["generated/comments", "generated/posts"], dtype=object),
        "format": ["generated", "generated"], "table": ["comments", "posts"],
        "rows_read": [row_c, row_p], "rows_loaded": [row_c, row_p], "duplicates_dropped": [0, 0],
        "rows_rejected": [0, 0], "notes": ["bench/_comments_10m.py", "bench/_comments_10m.py"]})
    rejected = pd.DataFrame({c: pd.Series(dtype=object)
                             for c in ["file", "table", "line", "column", "kind", "reason"]})
    for key, frame, fname in (("load_report", report, "_load_report.parquet"),
                              ("rejected", rejected, "_rejected.parquet")):
        cols = _manifest_columns(frame)
        for c in cols:
            if frame[c["name"]].dtype == object:
                c["encoding"] = "text"
        pq.write_table(pa.Table.from_pandas(frame.astype({c: object for c in frame.columns
                                                           if frame[c].dtype == object}),
                                            preserve_index=False), root / fname)
        manifest[key] = {"path": fname, "rows": len(frame), "columns": cols, "index": None}
    with open(root / "toolkit-store.json", "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, indent=1, ensure_ascii=False)
    size = sum(f.stat().st_size for f in root.rglob("*.parquet"))
    return {"comments": row_c, "posts": row_p, "distinct_texts": len(distinct),
            "files": len(entry_c["files"]) + len(entry_p["files"]), "bytes": size,
            "seconds": time.perf_counter() - t0}


def _toolkit_version() -> str:
    try:
        from toolkit import __version__
        return __version__
    except ImportError:  # pragma: no cover
        return "unknown"


def comments_frame(n: int, *, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(comments, posts) as pandas frames, for small ``n`` (tests, table_memory.py): all platforms concatenated."""
    p = plan(n, seed)
    texts = _Texts(np.random.default_rng([seed, 3]))
    posts = _posts_table(p, texts)
    parts = [_platform_comments(p, texts, i)[0] for i in range(len(PLATFORMS))]
    comments = pd.concat(parts, ignore_index=True)
    posts = pd.concat([posts[posts["platform"] == pl] for pl in PLATFORMS], ignore_index=True)
    return comments, posts


if __name__ == "__main__":  # pragma: no cover
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path")
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    print(write_store(a.path, a.n, seed=a.seed))
