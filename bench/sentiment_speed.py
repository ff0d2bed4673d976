"""Speed and peak memory of tk.text.sentiment(lang="auto") versus a plain vaderSentiment loop.

Usage::

    .venv/bin/python bench/sentiment_speed.py [--n 1000000] [--unique-share 0.25] [--phrase-share 0.2] [--seed 0] [--repeat 3]

Generates ``n`` comment-like texts (seeded): a share of frequent short comments drawn with a Zipf-like
distribution from a pool of German and English comments with emoji ("Toll! 😍", "Danke 🙏", "fail 😡"),
and ``unique-share`` of longer unique texts built from German or English sentence parts. Each side
runs in its own subprocess over the same texts, so peak memory (ru_maxrss) is per side and includes
generating the texts (and, for the toolkit, the lingua models). The two sides alternate ``--repeat``
times (toolkit, vader, toolkit, vader, ...) and the medians and the median of the per-round ratios are
printed. A last toolkit run under ``tracemalloc`` reports the peak of Python allocations made by the
``sentiment`` call itself (not timed: tracing slows Python down). Results are written up in
docs/benchmarks.md ("Sentiment speed").
"""

from __future__ import annotations

import argparse
import json
import statistics
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHORT = [
    "Toll! 😍", "Danke 🙏", "Super 👍", "👍", "❤️", "😍😍😍", "Mega!!", "geil 🔥", "Wie immer zu spät 😡",
    "nicht so toll", "Schade 😢", "Wann kommt der Zug?", "fail 😡", "Love it ❤️", "Great job! 👏",
    "Thanks 🙏", "So cool 😎", "Not good 👎", "lol 😂", "Ich liebe es", "Wow 😮", "Hammer 💪", "ok",
    "Was für ein Chaos!", "Bin dabei 🙋", "Yes!!! 🎉", "nope", "Really? 🙄", "Top 👌", "Danke für die Info",
    "Nie wieder!", "Congrats 🥳", "Warum?", "Sehr schön 🌸", "Ekelhaft 🤮", "Bravo 👏👏", "Same here 😂",
]
DE_PARTS = [
    ["Heute", "Gestern", "Wieder einmal", "Endlich", "Am Montag", "Leider"], ["war", "ist", "wird"],
    ["der Zug", "das Konzert", "der Service", "die Lieferung", "das Essen", "die App", "das Team"],
    ["richtig gut", "total verspätet", "nicht so toll", "echt super", "ziemlich enttäuschend", "okay",
     "sehr freundlich", "mega langsam", "kaum zu gebrauchen", "einfach perfekt"],
    ["und", "aber", "weil"], ["ich freue mich", "keiner hilft", "alle waren nett", "nichts funktioniert",
                              "das Wetter passt", "wir kommen wieder"],
]
EN_PARTS = [
    ["Today", "Yesterday", "Once again", "Finally", "On Monday", "Sadly"], ["the", "our", "my"],
    ["train", "concert", "service", "delivery", "food", "app", "team"],
    ["was great", "was late again", "is not that good", "was super", "felt disappointing", "was fine",
     "was very friendly", "is so slow", "barely works", "was just perfect"],
    ["and", "but", "because"], ["I am happy", "nobody helps", "everyone was nice", "nothing works",
                                "the weather is fine", "we will come back"],
]
# Short phrases with few or no function words ("Mega Stimmung gestern", "Great vibes tonight"): the
# quick function-word rule cannot place most of them, so they go to the language detector, as about
# 12-17 % of real tweets do (see docs/benchmarks.md "Sentiment speed").
DE_PHRASE = [["Mega", "Krasse", "Schöne", "Starke", "Tolle", "Miese", "Geile", "Traurige"],
             ["Stimmung", "Show", "Aktion", "Bilder", "Preise", "Musik", "Kampagne", "Idee"],
             ["gestern", "in Berlin", "heute Abend", "beim Konzert", "!!", "", "?", "Leute"]]
EN_PHRASE = [["Great", "Awesome", "Poor", "Amazing", "Lovely", "Terrible", "Cool", "Sad"],
             ["vibes", "show", "pictures", "prices", "music", "campaign", "idea", "crowd"],
             ["tonight", "in Berlin", "last weekend", "at the gig", "!!", "", "?", "guys"]]
EMOJI = ["", "", "", " 😍", " 😡", " 👍", " 🙏", " 😂", " 💪", " ❤️", " 👎", " 🤦‍♂️", " 👍🏽"]


def make_texts(n: int, unique_share: float, seed: int, phrase_share: float = 0.2) -> list[str]:
    """Seeded comment stream: frequent short comments (Zipf-like) plus unique texts.

    Of the unique texts, ``phrase_share`` are short phrases with few function words (most need the
    language detector), the rest sentences with function words (the quick rule places them).
    """
    rng = np.random.default_rng(seed)
    n_unique = int(n * unique_share)
    weights = 1 / np.arange(1, len(SHORT) + 1) ** 1.1
    short = rng.choice(len(SHORT), size=n - n_unique, p=weights / weights.sum())
    texts = [SHORT[i] for i in short]
    for k in range(n_unique):
        if rng.random() < phrase_share:
            parts = DE_PHRASE if rng.random() < 0.5 else EN_PHRASE
        else:
            parts = DE_PARTS if rng.random() < 0.5 else EN_PARTS
        words = [p[rng.integers(len(p))] for p in parts]
        prefix = "@user%d " % rng.integers(1000) if rng.random() < 0.2 else ""
        texts.append(f"{prefix}{' '.join(words)} #{k}{EMOJI[rng.integers(len(EMOJI))]}")
    order = rng.permutation(len(texts))
    return [texts[i] for i in order]


def run_side(side: str, n: int, unique_share: float, seed: int, phrase_share: float) -> dict:
    texts = make_texts(n, unique_share, seed, phrase_share)
    if side in ("toolkit", "toolkit-memory"):
        import toolkit as tk

        if side == "toolkit-memory":
            import tracemalloc

            tracemalloc.start()
        t0 = time.perf_counter()
        out = tk.text.sentiment(texts, lang="auto", progress=False)
        seconds = time.perf_counter() - t0
        if side == "toolkit-memory":
            traced_mb = tracemalloc.get_traced_memory()[1] / 2**20
            return {"side": side, "tracemalloc_peak_mb": round(traced_mb, 1),
                    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
        from toolkit.text.cleaning import _clean_one
        from toolkit.text._langrule import _quick_lang

        distinct = {_clean_one(t) for t in set(texts)}
        to_detector = sum(1 for t in distinct if _quick_lang(t) is None)
        extra = {"labels": out["label"].value_counts().to_dict(), "langs": out["lang"].value_counts().to_dict(),
                 "distinct_cleaned": len(distinct), "sent_to_detector": to_detector,
                 "sent_to_detector_share": round(to_detector / len(distinct), 3)}
    else:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        sia = SentimentIntensityAnalyzer()
        t0 = time.perf_counter()
        scores = [sia.polarity_scores(t)["compound"] for t in texts]
        seconds = time.perf_counter() - t0
        extra = {"n_scored": len(scores)}
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"side": side, "seconds": round(seconds, 2), "peak_rss_mb": round(rss_mb, 1),
            "distinct_texts": len(set(texts)), **extra}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--unique-share", type=float, default=0.25)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--phrase-share", type=float, default=0.2,
                    help="share of the unique texts that are short phrases with few function words")
    ap.add_argument("--repeat", type=int, default=3, help="rounds of toolkit + vader runs")
    ap.add_argument("--side", choices=["toolkit", "vader", "toolkit-memory"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.side:
        print(json.dumps(run_side(args.side, args.n, args.unique_share, args.seed, args.phrase_share), ensure_ascii=False))
        return
    print(f"machine: {platform.machine()}, cores: {__import__('os').cpu_count()}, python {platform.python_version()}")
    print(f"n={args.n:,} texts, unique share {args.unique_share}, phrase share {args.phrase_share}, seed {args.seed}")
    def run(side: str) -> dict:
        proc = subprocess.run([sys.executable, __file__, "--side", side, "--n", str(args.n),
                               "--unique-share", str(args.unique_share), "--seed", str(args.seed),
                               "--phrase-share", str(args.phrase_share)],
                              capture_output=True, text=True, check=True)
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        print(json.dumps(result, ensure_ascii=False), flush=True)
        return result

    rounds = [(run("toolkit"), run("vader")) for _ in range(args.repeat)]
    ratios = [t["seconds"] / v["seconds"] for t, v in rounds]
    memory = run("toolkit-memory")
    med = {side: statistics.median(r[k]["seconds"] for r in rounds) for k, side in enumerate(("toolkit", "vader"))}
    print(f"median seconds: toolkit {med['toolkit']:.2f}, plain vader {med['vader']:.2f}; "
          f"median ratio toolkit / plain vader {statistics.median(ratios):.3f} (rounds: "
          f"{', '.join(f'{r:.3f}' for r in ratios)}; target <= 0.5)")
    print(f"peak RSS (median): toolkit {statistics.median(t['peak_rss_mb'] for t, _ in rounds):.0f} MB, "
          f"vader {statistics.median(v['peak_rss_mb'] for _, v in rounds):.0f} MB; tracemalloc peak of the "
          f"sentiment call {memory['tracemalloc_peak_mb']:.0f} MB")


if __name__ == "__main__":
    main()
