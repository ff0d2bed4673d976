"""Measure sentiment accuracy (three-class macro-F1) on labelled evaluation files (third-party, not shipped).

Usage::

    .venv/bin/python bench/sentiment_accuracy.py [EVAL_DIR] [--tune] [--no-model]

EVAL_DIR is the folder holding the labelled TSV files (en_crowdflower_dev.tsv, germeval2017_*.tsv, ...;
or set TOOLKIT_EVAL_DIR). The data is read from there and never copied into the project. ``--tune`` searches label thresholds on the *dev* files only
(en_crowdflower_dev, germeval2017_dev_social) and prints them; the values in
``toolkit.text.scoring.THRESHOLDS`` come from that search. Test files are only ever reported.
Results are written up in docs/benchmarks.md ("Sentiment accuracy").
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import toolkit as tk  # noqa: E402
from toolkit.text.cleaning import clean  # noqa: E402

LABELS = ["negative", "neutral", "positive"]


def read(eval_dir: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(eval_dir / name, sep="\t", dtype=str, quoting=3, keep_default_na=False)


def macro_f1(y_true, y_pred) -> float:
    """Mean of per-class F1 over negative/neutral/positive (same as sklearn's average="macro")."""
    y, p = np.asarray(y_true, dtype=object), np.asarray(y_pred, dtype=object)
    scores = []
    for c in LABELS:
        tp = np.sum((y == c) & (p == c))
        denom = 2 * tp + np.sum((y != c) & (p == c)) + np.sum((y == c) & (p != c))
        scores.append(0.0 if denom == 0 else 2 * tp / denom)
    return float(np.mean(scores))


def label(scores: np.ndarray, neg: float, pos: float) -> np.ndarray:
    return np.where(scores >= pos, "positive", np.where(scores <= neg, "negative", "neutral"))


def tune(scores: np.ndarray, y, langs=None) -> tuple[float, float, float]:
    """Best (neg, pos, f1) on a grid; used on dev files only."""
    best = (-0.05, 0.05, -1.0)
    grid = np.round(np.arange(0.0, 0.9, 0.025), 3)
    s = np.nan_to_num(scores)
    for p in grid:
        for n in grid:
            f = macro_f1(y, label(s, -n, p))
            if f > best[2]:
                best = (-float(n), float(p), f)
    return best


def plain_vader(texts) -> np.ndarray:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    sia = SentimentIntensityAnalyzer()
    return np.array([sia.polarity_scores(t)["compound"] for t in texts])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("eval_dir", nargs="?", default=os.environ.get("TOOLKIT_EVAL_DIR"),
                    help="folder with the labelled TSV files (default: $TOOLKIT_EVAL_DIR)")
    ap.add_argument("--tune", action="store_true", help="search thresholds on the dev files")
    ap.add_argument("--no-model", action="store_true", help="skip the SentimentModel part")
    args = ap.parse_args()
    if not args.eval_dir:
        ap.error("give the folder with the labelled evaluation files (EVAL_DIR or TOOLKIT_EVAL_DIR)")
    eval_dir = Path(args.eval_dir)
    warnings.simplefilter("ignore")
    rows = []

    def report(what, data, f1, note=""):
        rows.append((what, data, round(f1, 3), note))
        print(f"{what:<48} {data:<34} macro-F1 {f1:.3f} {note}", flush=True)

    en = read(eval_dir, "en_crowdflower_dev.tsv")
    y = en["label"].to_numpy()
    base = plain_vader(clean(en["text"]).tolist())
    report("vaderSentiment plain (after clean), +-0.05", "en_crowdflower_dev", macro_f1(y, label(base, -.05, .05)))
    for backend in ("vader", "textblob"):
        for lang in ("en", "auto"):
            out = tk.text.sentiment(en["text"], lang=lang, backend=backend, progress=False)
            report(f"toolkit sentiment(lang={lang!r}, backend={backend!r})", "en_crowdflower_dev",
                   macro_f1(y, out["label"].fillna("neutral")))
            if args.tune and lang == "en":
                s = out["score"].astype(float).to_numpy()
                n, p, f = tune(s, y)
                # honest check: tune on one half, report on the other half
                half = np.arange(len(y)) % 2 == 0
                n2, p2, _ = tune(s[half], y[half])
                f_other = macro_f1(y[~half], label(np.nan_to_num(s[~half]), n2, p2))
                report(f"  tuned thresholds ({n:.3f}, {p:.3f}) [{backend}]", "en_crowdflower_dev", f,
                       f"(tuned on even rows {n2:.3f},{p2:.3f} -> odd rows {f_other:.3f})")

    de_files = ["germeval2017_dev_social.tsv", "germeval2017_test_syn_social.tsv",
                "germeval2017_test_dia_social.tsv"]
    for name in de_files:
        de = read(eval_dir, name)
        y = de["label"].to_numpy()
        if name.startswith("germeval2017_dev"):
            base = plain_vader(clean(de["text"]).tolist())
            report("vaderSentiment plain (after clean), +-0.05", name, macro_f1(y, label(base, -.05, .05)))
        for lang in ("de", "auto"):
            out = tk.text.sentiment(de["text"], lang=lang, progress=False)
            report(f"toolkit sentiment(lang={lang!r})", name, macro_f1(y, out["label"].fillna("neutral")))
            if args.tune and "dev" in name:
                s = out["score"].astype(float).to_numpy()
                n, p, f = tune(s, y)
                report(f"  tuned thresholds ({n:.3f}, {p:.3f}) lang={lang}", name, f)

    if not args.no_model:
        dev = read(eval_dir, "germeval2017_dev_social.tsv")
        t0 = time.perf_counter()
        model = tk.text.SentimentModel(lang="de", seed=0).fit(dev["text"], dev["label"], progress=False)
        fit_s = time.perf_counter() - t0
        report("SentimentModel(lang='de') cross-validated", "germeval2017_dev_social (train)",
               model.cv_macro_f1_, f"fit {fit_s:.1f}s")
        for name in de_files[1:]:
            de = read(eval_dir, name)
            out = tk.text.sentiment(de["text"], lang="de", model=model, progress=False)
            report("SentimentModel trained on germeval dev", name, macro_f1(de["label"], out["label"].fillna("neutral")))
        sample = en.sample(500, random_state=0)
        model_en = tk.text.SentimentModel(lang="en", seed=0).fit(sample["text"], sample["label"],
                                                                        progress=False)
        report("SentimentModel(lang='en') 5-fold CV, 500 labels", "en_crowdflower_dev (500 rows)",
               model_en.cv_macro_f1_)
        rest = en.drop(sample.index)
        out = tk.text.sentiment(rest["text"], lang="en", model=model_en, progress=False)
        report("  same model on the other 23,020 rows", "en_crowdflower_dev (rest)",
               macro_f1(rest["label"], out["label"].fillna("neutral")))


if __name__ == "__main__":
    main()
