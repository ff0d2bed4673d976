"""Benchmark English/German language detection for toolkit.text.detect_language.

Compares lingua-language-detector (restricted to English and German; low- and high-accuracy mode),
langdetect (English and German profiles only, fixed seed) and a hand-written stop-word/umlaut
heuristic on short social-media texts with known language:

* German: texts of ``germeval2017_dev_social.tsv`` (Deutsche Bahn tweets and Facebook posts),
* English: texts of ``en_crowdflower_dev.tsv`` (tweets).

Both are dev files, read from the evaluation folder given as --eval-dir or TOOLKIT_EVAL_DIR (never copied into the project). Texts are
bucketed by the length of what a person wrote: characters left after removing URLs and @mentions
and collapsing whitespace (<20, 20-50, >50). Accuracy is the share of texts labelled with their
file's language when every engine must decide (no "unknown"); then the toolkit function with its
default ``min_chars`` is scored for coverage and accuracy on what it does label.

Speed: seconds per 100,000 distinct texts (single call, no de-duplication), and the toolkit
function end to end on 1,000,000 comments drawn with repetition from the labelled texts.
Install size: ``du`` of each installed package folder.

Run from the repository root::

    .venv/bin/python bench/language_detection.py --eval-dir EVAL_DIR [--million]

Labels are the file's language; GermEval contains some English tweets, so German accuracy has a
ceiling below 100 % (the script prints the German texts that all engines call English).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from toolkit.text import language as lang_mod  # noqa: E402
from toolkit.text.features import stopwords  # noqa: E402

BUCKETS = [(0, 20, "<20"), (20, 51, "20-50"), (51, 10**9, ">50")]
_STRIP = re.compile(r"(?:https?://|www\.)\S+|(?<![\w@])@\w+", re.IGNORECASE)


def load(eval_dir: Path) -> pd.DataFrame:
    de = pd.read_csv(eval_dir / "germeval2017_dev_social.tsv", sep="\t", dtype=str)["text"]
    en = pd.read_csv(eval_dir / "en_crowdflower_dev.tsv", sep="\t", dtype=str)["text"]
    df = pd.concat([pd.DataFrame({"text": de, "gold": "de"}), pd.DataFrame({"text": en, "gold": "en"})],
                   ignore_index=True).dropna()
    df["written"] = df["text"].map(lambda t: " ".join(_STRIP.sub(" ", t).split()))
    df["length"] = df["written"].str.len()
    df["bucket"] = pd.cut(df["length"], [b[0] for b in BUCKETS] + [BUCKETS[-1][1]], right=False,
                          labels=[b[2] for b in BUCKETS])
    return df


# --- candidates: each maps a list of texts to a list of "en"/"de"/"unknown" --------------------

def lingua_engine(low: bool, parallel: bool = True):
    from lingua import Language, LanguageDetectorBuilder

    b = LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.GERMAN)
    det = (b.with_low_accuracy_mode() if low else b).build()
    codes = {Language.ENGLISH: "en", Language.GERMAN: "de"}

    def run(texts):
        found = (det.detect_languages_in_parallel_of(texts) if parallel
                 else [det.detect_language_of(t) for t in texts])
        return [codes.get(x, "unknown") if x is not None else "unknown" for x in found]
    return run


def langdetect_engine(texts):
    return lang_mod._langdetect_chunk(list(texts))


def heuristic_engine():
    de_only = stopwords("de") - stopwords("en")
    en_only = stopwords("en") - stopwords("de")
    word = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")

    def one(t: str) -> str:
        toks = word.findall(t.lower())
        score = sum(w in de_only for w in toks) - sum(w in en_only for w in toks)
        score += 2 * bool(re.search(r"[äöüß]", t.lower()))
        return "de" if score > 0 else "en" if score < 0 else "unknown"

    return lambda texts: [one(t) for t in texts]


def prepared(texts):
    return [lang_mod._prepare(t) for t in texts]


def _first_words(text: str, limit: int) -> str:
    out = ""
    for w in text.split():
        if len(out) + len(w) + (1 if out else 0) > limit:
            break
        out = f"{out} {w}" if out else w
    return out


def accuracy_table(df: pd.DataFrame, preds: dict[str, list[str]]) -> pd.DataFrame:
    rows = []
    for name, pred in preds.items():
        ok = pd.Series(pred, index=df.index) == df["gold"]
        for gold in ("de", "en"):
            for b in [b[2] for b in BUCKETS] + ["all"]:
                m = (df["gold"] == gold) & ((df["bucket"] == b) if b != "all" else True)
                rows.append({"engine": name, "lang": gold, "bucket": b, "n": int(m.sum()),
                             "accuracy": ok[m].mean()})
    return pd.DataFrame(rows)


def timed(fn, texts, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(texts)
        best = min(best, time.perf_counter() - t0)
    return best


def du(path: Path) -> str:
    out = subprocess.run(["du", "-sh", str(path)], capture_output=True, text=True).stdout.split()
    return out[0] if out else "?"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--eval-dir", default=os.environ.get("TOOLKIT_EVAL_DIR"),
                    help="folder with the labelled TSV files (default: $TOOLKIT_EVAL_DIR)")
    ap.add_argument("--million", action="store_true", help="also time detect_language on 1M comments")
    args = ap.parse_args()
    if not args.eval_dir:
        ap.error("give the folder with the labelled evaluation files (--eval-dir or TOOLKIT_EVAL_DIR)")
    df = load(Path(args.eval_dir))
    print(f"# {time.strftime('%Y-%m-%d')}  machine {platform.machine()}  nproc {os.cpu_count()}  "
          f"python {platform.python_version()}")
    print(f"texts: {df['gold'].value_counts().to_dict()}  per bucket:\n"
          f"{df.groupby(['gold', 'bucket'], observed=False).size().unstack()}\n")

    texts = prepared(df["text"].tolist())  # the toolkit's preparation (URLs, mentions, emoji out)
    engines = {
        "lingua low": lingua_engine(True),
        "lingua high": lingua_engine(False),
        "langdetect": langdetect_engine,
        "heuristic": heuristic_engine(),
    }
    preds, speed = {}, {}
    for name, fn in engines.items():
        fn(texts[:50])  # warm-up: loads models
        t0 = time.perf_counter()
        preds[name] = fn(texts)
        speed[name] = (time.perf_counter() - t0) / len(texts) * 1e5
    for low in (True, False):
        seq = lingua_engine(low, parallel=False)
        seq(texts[:50])
        speed[f"lingua {'low' if low else 'high'} (1 thread)"] = timed(seq, texts) / len(texts) * 1e5

    acc = accuracy_table(df, preds)
    pivot = acc.pivot_table(index=["lang", "bucket"], columns="engine", values="accuracy", sort=False)
    n = acc[acc["engine"] == "lingua low"].set_index(["lang", "bucket"])["n"]
    pivot.insert(0, "n", n)
    print("## Forced choice (en/de), accuracy by length of written text (chars)")
    print(pivot.round(3).to_string(), "\n")
    undecided = {k: sum(p == "unknown" for p in v) for k, v in preds.items()}
    print("undecided (counted wrong above):", undecided, "\n")

    # More short texts: the first words of every text, cut to at most 20 / 35 characters
    for limit in (20, 35):
        cut = df["written"].map(lambda t, k=limit: _first_words(t, k))
        keep = cut.str.len() >= 5
        sub = df[keep]
        cut_texts = prepared(cut[keep].tolist())
        print(f"## Forced choice on the first words of each text (5..{limit} chars), n = "
              f"{sub['gold'].value_counts().to_dict()}")
        for name, fn in engines.items():
            pred = pd.Series(fn(cut_texts), index=sub.index)
            ok = pred == sub["gold"]
            print(f"  {name:12s} de {ok[sub['gold'] == 'de'].mean():.3f}   en {ok[sub['gold'] == 'en'].mean():.3f}")
        print()

    print("## Speed, seconds per 100,000 texts (prepared, distinct, no de-duplication)")
    for k, v in speed.items():
        print(f"  {k:24s} {v:7.1f} s")
    print()

    print("## toolkit detect_language with default min_chars "
          f"({lang_mod._DEFAULT_MIN_CHARS} letters)")
    for engine in lang_mod.ENGINES:
        got = lang_mod.detect_language(df["text"], engine=engine, progress=False)
        rows = []
        for b in [b[2] for b in BUCKETS] + ["all"]:
            for gold in ("de", "en"):
                m = (df["gold"] == gold) & ((df["bucket"] == b) if b != "all" else True)
                g = got[m]
                labelled = g != "unknown"
                rows.append({"lang": gold, "bucket": b, "n": int(m.sum()),
                             "unknown_rate": 1 - labelled.mean(),
                             "accuracy_labelled": (g[labelled] == gold).mean()})
        print(f"engine={engine}")
        print(pd.DataFrame(rows).round(3).to_string(index=False), "\n")

    wrong_all = df[(df["gold"] == "de") & (pd.Series(preds["lingua high"], index=df.index) == "en")
                   & (pd.Series(preds["langdetect"], index=df.index) == "en")]
    print(f"## German-file texts that lingua high and langdetect both call English: {len(wrong_all)}")
    for t in wrong_all["text"].head(12):
        print("  ", t[:110].replace("\n", " "))
    print()

    import langdetect
    import lingua
    print("## Install size (du -sh)")
    print(f"  lingua     {du(Path(lingua.__file__).parent)}")
    print(f"  langdetect {du(Path(langdetect.__file__).parent)}")

    if args.million:
        rng = np.random.default_rng(0)
        pool = df["text"].to_numpy()
        # realistic repetition: Zipf-like draw over the pool plus frequent short replies
        short = np.array(["Danke!", "Super 👍", "😂😂", "Toll", "Thanks!", "❤️", "Wow", "Top!"])
        idx = np.minimum(rng.zipf(1.3, size=900_000) - 1, len(pool) - 1)
        texts_1m = np.concatenate([pool[rng.permutation(len(pool))][idx],
                                   short[rng.integers(0, len(short), 100_000)]])
        s = pd.Series(texts_1m)
        for engine in lang_mod.ENGINES:
            lang_mod._lingua_detector()
            lang_mod._langdetect_factory()
            t0 = time.perf_counter()
            got = lang_mod.detect_language(s, engine=engine, progress=False)
            dt = time.perf_counter() - t0
            print(f"1M comments ({s.nunique()} distinct), engine={engine}: {dt:.1f} s; "
                  f"{got.value_counts().to_dict()}")


if __name__ == "__main__":
    main()
