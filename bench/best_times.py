"""Speed of toolkit.timing.best_times on a large synthetic posts table.

Run: ``.venv/bin/python bench/best_times.py [N_POSTS] [N_ACCOUNTS]`` (default 100000 posts in 5
accounts, then the same posts in 500 accounts: the blocks are chosen per account and weekday, so
many small accounts are the slow case). Prints the seconds per call; nothing is written.
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np
import pandas as pd

import toolkit as tk


def synthetic_posts(n: int, accounts: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2025-01-01", tz="UTC").value
    published = pd.to_datetime(start + rng.integers(0, 365 * 86_400, n) * 1_000_000_000, utc=True)
    likes = rng.poisson(200 * np.exp(rng.normal(0, 0.5, n)))
    acc = rng.integers(0, accounts, n)
    return tk.schema.POSTS.conform(pd.DataFrame({
        "platform": "instagram", "account": [f"acc{a}" for a in acc],
        "post_id": [str(i) for i in range(n)], "published_at": published,
        "media_type": rng.choice(["photo", "reel", "carousel", "video"], n),
        "likes": likes, "comments": likes // 10, "shares": likes // 20, "saves": likes // 15,
        "source_file": "bench"}))


def main(argv: list[str]) -> None:
    n = int(argv[1]) if len(argv) > 1 else 100_000
    for accounts in ([int(argv[2])] if len(argv) > 2 else [5, 500]):
        _run(n, accounts)


def _run(n: int, accounts: int) -> None:
    posts = synthetic_posts(n, accounts)
    for _ in range(2):
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = tk.timing.best_times(posts, tz="Europe/Berlin", progress=False)
        dt = time.perf_counter() - t0
        sys.stdout.write(f"best_times: {n} posts, {accounts} accounts, {len(res)} slot rows, "
                         f"slot widths {sorted(set(res['slot_hours']))} h: {dt:.2f} s\n")


if __name__ == "__main__":
    main(sys.argv)
