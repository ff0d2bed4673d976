"""A hard, seeded generator of one account's posts (for bench/effects.py and the tests).

Not used by the analyses. Harder than ``data/samples`` on purpose: 40 weeks of posts, reach
that doubles over the period, a weekly video series in a fixed slot (a content type that does
better *and* always sits in the same slot), 2 % viral posts (interactions x10-30, reach
less), the two daylight-saving switches of the audience's zone, reach and impressions
reported, and a small engagement lift (x1.35) planted in one or two 2-hour windows that get
about one post a week. Content effects: a planted hashtag whose posts are also longer, a
format (carousel) that does better, videos that carry emoji more often. ``planted=False``
gives the same account without any time or content effect.

>>> posts, truth = account(0)
>>> 450 <= len(posts) <= 700, len(truth["windows"])
(True, 2)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .schema import POSTS

__all__ = ["account", "TZ", "CONTENT_TRUTH"]

TZ = "Europe/Berlin"
START = pd.Timestamp("2025-01-06")          # a Monday; 40 weeks span both DST switches of 2025
WEEKS = 40
#: (feature, value) rows content_effects may flag on a planted account
CONTENT_TRUTH = {("hashtag", "planted"), ("media_type", "carousel"), ("media_type", "video")}
_VIDEO_SLOT = (3, 17)                       # Thursday 17:00 local: the weekly video series
_WORDS = ("coffee roast bean morning team news update shop order cup fresh week taste origin "
          "farm brew filter espresso milk sugar event guide tip story").split()
_TAGS = ("coffee", "morning", "team", "news", "brew", "shop", "taste", "origin")


def account(seed: int, *, planted: bool = True, lift: float = 1.35, n_windows: int | None = None,
            time_effect: bool = True, content_effect: bool = True, per_week: float = 14.0,
            platform: str = "instagram", account_name: str | None = None,
            growth: float = 2.0, viral_share: float = 0.02) -> tuple[pd.DataFrame, dict]:
    """Posts of one synthetic account and what was planted.

    Returns ``(posts, truth)``: a canonical posts table and ``{"windows": [(weekday, start,
    end), ...] (local hours, end exclusive), "content": set of (feature, value)}``; both empty
    when nothing was planted.
    """
    rng = np.random.default_rng(seed)
    n_windows = (2 if seed % 2 == 0 else 1) if n_windows is None else n_windows
    time_on = planted and time_effect
    content_on = planted and content_effect
    # planted windows: distinct weekdays, 2-hour windows in the usual posting day, away from
    # the video slot
    windows = []
    days = rng.permutation([0, 1, 2, 4, 5, 6])[:n_windows]
    for d in days:
        h = int(rng.integers(7, 20))
        windows.append((int(d), h, h + 2))

    rows = []
    # routine posts: weekday uniform, hour from a day-shaped profile
    hours = np.arange(24)
    prof = np.exp(-0.5 * ((hours - 13) / 4.0) ** 2)
    prof[:6] *= 0.05
    prof /= prof.sum()
    n_routine = rng.poisson((per_week - 1 - n_windows) * WEEKS)
    day = rng.integers(0, WEEKS * 7, n_routine)
    hour = rng.choice(24, n_routine, p=prof)
    minute = rng.integers(0, 60, n_routine)
    for dd, hh, mm in zip(day, hour, minute):
        rows.append((int(dd), int(hh), int(mm), "routine"))
    # about one post a week in each planted window (the same number in null accounts)
    for d, h, _ in windows:
        for w in range(WEEKS):
            if rng.random() < 0.9:
                rows.append((w * 7 + d, h + int(rng.integers(0, 2)), int(rng.integers(0, 60)),
                             "window"))
    # the weekly video series
    for w in range(WEEKS):
        rows.append((w * 7 + _VIDEO_SLOT[0], _VIDEO_SLOT[1], int(rng.integers(0, 30)), "video"))

    df = pd.DataFrame(rows, columns=["day", "hour", "minute", "kind"])
    local = (START + pd.to_timedelta(df["day"], unit="D") + pd.to_timedelta(df["hour"], unit="h")
             + pd.to_timedelta(df["minute"], unit="min"))
    published = local.dt.tz_localize(TZ, nonexistent="shift_forward", ambiguous=False)
    df["published_at"] = published.dt.tz_convert("UTC")
    df = df.sort_values("published_at", kind="stable").reset_index(drop=True)
    n = len(df)
    loc = df["published_at"].dt.tz_convert(TZ)
    wd, hr = loc.dt.day_of_week.to_numpy(), loc.dt.hour.to_numpy()

    # content
    is_video = (df["kind"] == "video").to_numpy()
    media = np.where(is_video, "video", rng.choice(["photo", "carousel", "reel"], n,
                                                   p=[0.6, 0.25, 0.15]))
    tag = rng.random(n) < 0.18
    emoji = rng.random(n) < np.where(is_video, 0.8, 0.3)
    link = rng.random(n) < 0.2
    question = rng.random(n) < 0.15
    n_words = rng.integers(6, 30, n) + np.where(tag, 12, 0)      # hashtag posts are longer
    texts = []
    for i in range(n):
        words = list(rng.choice(_WORDS, n_words[i]))
        t = " ".join(words).capitalize()
        t += "?" if question[i] else "."
        if emoji[i]:
            t += " \u2615"
        if link[i]:
            t += f" https://example.org/p/{i}"
        extra = rng.choice(_TAGS, int(rng.integers(0, 3)), replace=False)
        t += "".join(f" #{x}" for x in extra)
        if tag[i]:
            t += " #Planted"
        texts.append(t)

    # performance
    t_frac = df["day"].to_numpy() / (WEEKS * 7)
    reach = 2000 * growth ** t_frac * np.exp(rng.normal(0, 0.45, n))
    rate = 0.04 * np.exp(rng.normal(0, 0.35, n))
    if content_on:
        rate *= np.where(tag, 1.4, 1.0) * np.where(media == "carousel", 1.3, 1.0)
        rate *= np.where(is_video, 1.6, 1.0)
    in_window = np.zeros(n, bool)
    for d, h0, h1 in windows:
        in_window |= (wd == d) & (hr >= h0) & (hr < h1)
    if time_on:
        rate *= np.where(in_window, lift, 1.0)
    viral = rng.random(n) < viral_share
    mult = rng.uniform(10, 30, n)
    reach = np.where(viral, reach * mult ** 0.6, reach)
    inter = rng.poisson(reach * rate * np.where(viral, mult ** 0.4, 1.0))
    likes = rng.binomial(inter, 0.78)
    rest = inter - likes
    comments = rng.binomial(rest, 0.36)
    rest = rest - comments
    shares = rng.binomial(rest, 0.45)
    saves = rest - shares
    name = account_name or f"synth{seed}"
    posts = POSTS.conform(pd.DataFrame({
        "platform": platform, "account": name, "post_id": [f"{name}-{i}" for i in range(n)],
        "published_at": df["published_at"].to_numpy(), "text": texts, "media_type": media,
        "likes": likes, "comments": comments, "shares": shares, "saves": saves,
        "reach": np.round(reach).astype(int),
        "impressions": np.round(reach * rng.uniform(1.1, 1.5, n)).astype(int),
        "source_file": "synthetic"}))
    truth = {"windows": windows if time_on else [],
             "content": set(CONTENT_TRUTH) if content_on else set(),
             "n_window_posts": int(in_window.sum())}
    return posts, truth
