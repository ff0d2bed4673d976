"""Does best_times / content_effects find what is planted and claim nothing else?

Run: ``nice .venv/bin/python bench/effects.py [SEEDS] [NULLS] [--per-reach] [--samples]
[--no-time]`` (default 8 planted accounts,
seeds 0..7 = 12 planted time windows, and 20 effect-free accounts, seeds 100..119). Data:
:mod:`toolkit._synth` (40 weeks, ~560 posts, reach x2, a weekly video series, 2 % viral posts,
DST, x1.35 in 2-hour windows with about one post a week; a planted hashtag whose posts are
longer, carousels doing better). Prints, for the default calls:

* best_times: recall = planted windows overlapped by a recommended slot / planted windows;
  false share = recommended slots overlapping no planted window / recommended slots;
  null share = effect-free accounts with any recommended slot / effect-free accounts;
* content_effects: recall = planted (feature, value) rows flagged / planted rows; false
  share = flagged rows of an unplanted feature (anything but media_type and the planted
  hashtag) / flagged rows; null share = effect-free accounts with any flagged row;
* with ``--samples``: the rows content_effects flags on data/samples, and in how many of 20
  seeds it flags anything when texts and media types are shuffled within each platform;
* seconds for ~100k posts (180 accounts) per function.
Nothing is written.
"""

from __future__ import annotations

import sys
import time
import warnings

import pandas as pd

import toolkit as tk
from toolkit import _synth

_PLANTED_FEATURES = {"media_type"}


def _quiet(f, *a, **k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return f(*a, **k)


def best_times_scores(seeds, nulls, **kw):
    n_win = hit = rec_total = rec_false = null_any = 0
    for s in seeds:
        posts, truth = _synth.account(s)
        res = _quiet(tk.timing.best_times, posts, tz=_synth.TZ, progress=False, **kw)
        rec = res[res["recommended"]]
        wins = truth["windows"]
        n_win += len(wins)
        for d, h0, h1 in wins:
            hit += bool(((rec["weekday"] == d) & (rec["hour"] < h1) & (rec["hour_end"] > h0)).any())
        for _, r in rec.iterrows():
            rec_total += 1
            rec_false += not any(r["weekday"] == d and r["hour"] < h1 and r["hour_end"] > h0
                                 for d, h0, h1 in wins)
    for s in nulls:
        posts, _ = _synth.account(s, planted=False)
        res = _quiet(tk.timing.best_times, posts, tz=_synth.TZ, progress=False, **kw)
        null_any += bool(res["recommended"].any())
    return {"recall": f"{hit}/{n_win}", "false": f"{rec_false}/{rec_total}",
            "null": f"{null_any}/{len(nulls)}"}


def content_scores(seeds, nulls, **kw):
    n_truth = hit = flag_total = flag_false = null_any = 0
    for s in seeds:
        posts, truth = _synth.account(s)
        res = _quiet(tk.performance.content_effects, posts, progress=False, **kw)
        fl = res[res["flagged"]]
        n_truth += len(truth["content"])
        got = set(zip(fl["feature"], fl["value"]))
        hit += len(truth["content"] & got)
        for f, v in got:
            flag_total += 1
            flag_false += not (f in _PLANTED_FEATURES or (f, v) in truth["content"])
    for s in nulls:
        posts, _ = _synth.account(s, planted=False)
        res = _quiet(tk.performance.content_effects, posts, progress=False, **kw)
        null_any += bool(res["flagged"].any())
    return {"recall": f"{hit}/{n_truth}", "false": f"{flag_false}/{flag_total}",
            "null": f"{null_any}/{len(nulls)}"}


def samples_scores(n_shuffles: int = 20):
    """content_effects on data/samples: rows flagged, and how many of ``n_shuffles`` seeds of
    texts and media types shuffled within each platform flag anything."""
    from pathlib import Path
    root = Path(__file__).resolve().parents[1] / "data" / "samples"
    ds = _quiet(tk.load, root, tz="Europe/Berlin", progress=False)
    res = _quiet(tk.performance.content_effects, ds.posts, progress=False)
    flagged = res[res["flagged"]]
    rows = [f"{r.platform} {r.feature}={r.value} (n={r.n_posts}, lift {r.lift:.2f})"
            for r in flagged.itertuples()]
    import numpy as np
    any_flag = 0
    for seed in range(n_shuffles):
        rng = np.random.default_rng(seed)
        p = ds.posts.copy()
        for _, idx in p.groupby("platform").groups.items():
            p.loc[idx, "text"] = rng.permutation(p.loc[idx, "text"].to_numpy())
            p.loc[idx, "media_type"] = rng.permutation(p.loc[idx, "media_type"].to_numpy())
        r = _quiet(tk.performance.content_effects, p, progress=False, n_boot=300)
        any_flag += bool(r["flagged"].any())
    return {"flagged": rows, "shuffled seeds with any flag": f"{any_flag}/{n_shuffles}"}


def timing_100k():
    parts = [_synth.account(1000 + i, account_name=f"a{i}")[0] for i in range(180)]
    posts = pd.concat(parts, ignore_index=True)
    out = {"posts": len(posts)}
    for name, f, kw in (("best_times", tk.timing.best_times, {"tz": _synth.TZ}),
                        ("content_effects", tk.performance.content_effects, {})):
        t0 = time.perf_counter()
        _quiet(f, posts, progress=False, **kw)
        out[name] = round(time.perf_counter() - t0, 1)
    return out


def main(argv):
    n_seeds = int(argv[1]) if len(argv) > 1 else 8
    n_nulls = int(argv[2]) if len(argv) > 2 else 20
    seeds, nulls = range(n_seeds), range(100, 100 + n_nulls)
    w = sys.stdout.write
    w(f"best_times default:     {best_times_scores(seeds, nulls)}\n")
    if "--per-reach" in argv:
        w(f"best_times per='reach': {best_times_scores(seeds, nulls, per='reach')}\n")
    w(f"content_effects default: {content_scores(seeds, nulls)}\n")
    if "--samples" in argv:
        w(f"content_effects on data/samples: {samples_scores()}\n")
    if "--no-time" not in argv:
        w(f"time for ~100k posts (s): {timing_100k()}\n")


if __name__ == "__main__":
    main(sys.argv)
