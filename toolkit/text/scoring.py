"""Sentiment of English and German social-media text with lexicon rules, emoji and user words.

:func:`sentiment` scores texts, :func:`add_sentiment` adds the scores to a posts or comments table,
:func:`load_lexicon` reads the bundled lexicons or a user's file (a CSV/TSV of words and valences, or
SentiWS) as a table of ``word, valence``.

How a text is scored
--------------------
1. :func:`toolkit.text.clean` removes RT markers, @mentions and URLs and keeps hashtag words.
2. The language is detected (``lang="auto"``) or given. Texts with fewer than 10 letters are
   ``"unknown"`` (as :func:`toolkit.text.detect_language` would say); texts with clear evidence
   (two or more words only one language uses and none of the other, or a clear lead; see
   ``_quick_lang``) are labelled directly; only the others go to
   :func:`toolkit.text.detect_language` (lingua). The rule decides 83-90 % of real tweets and was
   wrong on 3 of about 23,000 (docs/benchmarks.md, "Language detection").
3. English (``"en"``): the VADER rules of ``vaderSentiment`` (Hutto & Gilbert 2014) with its own
   lexicon, re-implemented to touch only the lexicon words of a text (same compound score as
   ``polarity_scores`` on text without emoji, about twice as fast), or TextBlob's pattern lexicon
   with ``backend="textblob"``.
   German (``"de"``): the same VADER-style engine (valence sum, boosters/dampeners with distance decay,
   negation scaling by -0.74, contrast words, CAPS and ``!`` emphasis, ``x / sqrt(x**2 + 15)``
   normalisation) with the German Polarity Lexicon plus German social-media words, German negations
   (also clause-final: "Das gefällt mir nicht."), German boosters/dampeners and a light suffix
   stripping for inflected forms (tolle/tollen/toller -> toll).
   Texts whose language cannot be told (``"unknown"``: short comments such as "Toll! 😍") are scored
   with both lexicons merged, minus English entries that are common German function words ("die",
   "war", "will").
4. Emoji, for both languages, from the bundled emoji table (Emoji Sentiment Ranking, Kralj Novak et
   al. 2015, plus documented additions); VS16, skin tones and ZWJ sequences are reduced to the base
   emoji. Each emoji adds its valence like one word.
5. ``score`` is the normalised valence sum in -1..1 (VADER's "compound"); ``label`` is "positive"
   when ``score >= pos_threshold``, "negative" when ``score <= neg_threshold``, else "neutral". The
   thresholds per language were tuned on development data only (docs/benchmarks.md).

Each distinct cleaned text is scored once and the result mapped back, so repeated comments cost once;
a text without any lexicon word costs one pass over its tokens.

Examples
--------
>>> import toolkit as tk
>>> tk.text.sentiment(["Die Bahn war pünktlich.", "nicht so toll", "👍"], lang="auto",
...                   progress=False)[["lang", "label"]].values.tolist()
[['de', 'neutral'], ['de', 'negative'], ['unknown', 'positive']]
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputFileError, ParameterError, SchemaError
from .cleaning import _clean_one

__all__ = ["sentiment", "add_sentiment", "load_lexicon", "LABELS", "THRESHOLDS"]

_DATA = Path(__file__).parent / "data"

#: Sentiment labels, from worst to best.
LABELS = ("negative", "neutral", "positive")

#: Default (neg_threshold, pos_threshold) on ``score`` per language and backend; tuned on the dev
#: files only (en_crowdflower_dev, germeval2017_dev_social), see bench/sentiment_accuracy.py. Both dev
#: sets have more negative than positive texts, hence the high positive thresholds; "unknown" (short
#: comments, emoji-only) keeps VADER's +-0.05. Pass ``thresholds=(-0.05, 0.05)`` for VADER's defaults.
THRESHOLDS = {
    ("en", "vader"): (-0.025, 0.45),
    ("en", "textblob"): (-0.025, 0.275),
    ("de", "vader"): (-0.05, 0.65),
    ("unknown", "vader"): (-0.05, 0.05),
}

_BACKENDS = ("vader", "textblob")
_LANGS = ("auto", "en", "de")
_PROGRESS_MIN = 20_000  # distinct texts from which a progress bar is shown by default
_SCORE_CHUNK = 10_000  # distinct texts scored between two progress-bar updates
_CACHE_MAX = 100_000  # entries per token cache of a scorer (bounded memory on streams of unique words)

# VADER constants (Hutto & Gilbert 2014), as in vaderSentiment.
_B_INCR = 0.293
_B_DECR = -0.293
_C_INCR = 0.733
_N_SCALAR = -0.74

_DE_NEGATIONS = frozenset({
    "nicht", "nich", "net", "kein", "keine", "keinen", "keiner", "keines", "keinem", "nie", "niemals",
    "nimmer", "nix", "nichts", "ohne", "weder", "noch_nie", "niemand", "nirgends", "garnicht",
    "gar_nicht",
})
# Negations that end a clause negate the sentiment words before them: "Das gefällt mir nicht."
_DE_FINAL_NEGATIONS = frozenset({"nicht", "nich", "net", "nie", "niemals", "nimmer"})
_DE_BOOSTERS = {
    **{w: _B_INCR for w in (
        "sehr", "total", "mega", "echt", "voll", "extrem", "richtig", "super", "besonders", "absolut",
        "wirklich", "unglaublich", "so", "ganz", "mehr", "viel", "ultra", "äußerst", "ausgesprochen",
        "höchst", "enorm", "wahnsinnig", "irre", "krass", "übelst", "komplett", "völlig", "zu", "sowas",
        "derbe", "verdammt", "absolut", "definitiv", "immer", "überhaupt", "gar", "soo", "sooo",
        "sehr_sehr", "tierisch", "hammer", "zutiefst", "herzlich",
    )},
    **{w: _B_DECR for w in (
        "etwas", "kaum", "ziemlich", "bisschen", "bissl", "bissel", "wenig", "leicht", "eher", "relativ",
        "halbwegs", "einigermaßen", "teilweise", "teils", "fast", "beinahe", "irgendwie", "ein_bisschen",
        "recht", "mäßig", "vielleicht", "eigentlich",
    )},
}
_DE_CONTRAST = frozenset({"aber", "jedoch", "allerdings", "trotzdem", "dennoch", "but"})
# Suffixes tried, longest first, when an inflected German form is not in the lexicon.
_DE_SUFFIXES = ("esten", "sten", "ster", "stes", "ste", "eren", "erer", "eres", "ere", "em", "en", "er",
                "es", "e", "st", "t", "n", "s")
# English lexicon entries that are frequent German words: never scored in mixed/unknown texts.
_DE_FUNCTION_WORDS = frozenset({
    "die", "war", "will", "also", "hat", "bad", "fast", "gift", "arm", "hell", "lol", "rot", "mist",
    "fail", "gross", "kind", "bitte", "gut", "pathetic", "see", "die", "dies", "dead", "war", "wars",
    "hang", "arme", "alarm", "no", "not", "so", "top", "fun", "ha", "haha",
})
_PUNCT = string.punctuation + "„“”‘’«»…–—"
_CLAUSE_END = frozenset(".,;:!?")
_MULTIWORD = (("noch nie", "noch_nie"), ("gar nicht", "gar_nicht"), ("ein bisschen", "ein_bisschen"),
              ("vielen dank", "vielen_dank"), ("sehr sehr", "sehr_sehr"))


# ----------------------------------------------------------------------------------------- lexicons
def _read_table(path: Path, *, where: str) -> pd.DataFrame:
    """Read a word/valence CSV or TSV (``#`` comment lines allowed) into ``word, valence``."""
    try:
        with open(path, encoding="utf-8") as fh:
            lines = [ln.rstrip("\n\r") for ln in fh if ln.strip() and not ln.startswith("#")]
    except OSError as exc:
        raise InputFileError(f"{where}: cannot read lexicon file {str(path)!r} ({exc}). "
                             "Check the path.") from exc
    if not lines:
        raise InputFileError(f"{where}: lexicon file {str(path)!r} is empty; expected lines 'word,valence'.")
    sep = "\t" if "\t" in lines[0] else ("," if "," in lines[0] else ";")
    rows, bad = [], []
    for n, line in enumerate(lines, start=1):
        parts = line.split(sep)
        if len(parts) < 2:
            bad.append(n)
            continue
        word, value = parts[0].strip(), parts[1].strip()
        try:
            rows.append((word.lower(), float(value)))
        except ValueError:
            if n == 1:  # header line such as "word,valence"
                continue
            bad.append(n)
    if bad:
        raise InputFileError(
            f"{where}: lexicon file {str(path)!r}: {len(bad)} line(s) are not 'word{sep}number' "
            f"(first data lines {bad[:5]}, not counting comment lines). Expected e.g. 'shitstorm{sep}-3'.")
    table = pd.DataFrame(rows, columns=["word", "valence"])
    return table.astype({"word": "string", "valence": "Float64"})


def _read_sentiws(path: Path, *, where: str, scale: float) -> pd.DataFrame:
    """Read one SentiWS file ('Wort|POS<TAB>weight<TAB>form,form,...') into ``word, valence``."""
    rows = []
    try:
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, start=1):
                parts = line.rstrip("\n\r").split("\t")
                if len(parts) < 2 or "|" not in parts[0]:
                    if line.strip():
                        raise InputFileError(
                            f"{where}: {str(path)!r}, line {n}: expected SentiWS format "
                            f"'Wort|POS<TAB>weight<TAB>forms', found {line.strip()[:60]!r}.")
                    continue
                value = float(parts[1]) * scale
                forms = [parts[0].split("|")[0]]
                if len(parts) > 2 and parts[2]:
                    forms += parts[2].split(",")
                rows += [(f.strip().lower(), value) for f in forms if f.strip()]
    except OSError as exc:
        raise InputFileError(f"{where}: cannot read SentiWS file {str(path)!r} ({exc}).") from exc
    table = pd.DataFrame(rows, columns=["word", "valence"])
    table = table.groupby("word", as_index=False, sort=True)["valence"].mean()
    return table.astype({"word": "string", "valence": "Float64"})


_BUNDLED = {"de": "de_polarity_lexicon.tsv", "de_social": "de_social.tsv"}


def load_lexicon(source: str | Path | Iterable[str | Path], *, format: str = "auto",
                 scale: float = 4.0) -> pd.DataFrame:
    """Read a sentiment lexicon into a table of words and valences.

    Parameters
    ----------
    source : str, Path or list of them
        A bundled lexicon name -- ``"en"`` (VADER), ``"de"`` (German Polarity Lexicon),
        ``"de_social"`` (German social-media additions), ``"emoji"`` -- or the path of a user file:
        a CSV/TSV with a word and a valence per line (an optional header and ``#`` comment lines are
        skipped), or a SentiWS file (``SentiWS_v2.0_Positive.txt`` / ``..._Negative.txt``; SentiWS is
        CC BY-NC-SA and not bundled). A list reads every item; later items win on duplicates.
    format : {"auto", "table", "sentiws"}, default "auto"
        File format; ``"auto"`` reads ``SentiWS*.txt`` files as SentiWS, anything else as a table.
    scale : float, default 4.0
        SentiWS only: valence = SentiWS weight (-1..1) * ``scale``, onto VADER's -4..+4 range.

    Returns
    -------
    pandas.DataFrame
        One row per word (lowercase). Columns: ``word`` (string), ``valence`` (Float64, VADER scale:
        about -4 very negative .. +4 very positive; "good" is 1.9 in VADER).

    Raises
    ------
    InputFileError
        If a file is missing, empty or not in the expected format (names file and line).
    ParameterError
        If ``format`` is unknown.

    Examples
    --------
    >>> import toolkit as tk
    >>> lex = tk.text.load_lexicon("de_social")
    >>> float(lex.loc[lex["word"] == "super", "valence"].iloc[0])
    2.6
    """
    if format not in ("auto", "table", "sentiws"):
        raise ParameterError(f"load_lexicon(format={format!r}): expected 'auto', 'table' or 'sentiws'.")
    if not isinstance(source, (str, Path)):
        parts = [load_lexicon(s, format=format, scale=scale) for s in source]
        if not parts:
            raise ParameterError("load_lexicon(source=[]): got an empty list; pass a name or a path.")
        table = pd.concat(parts, ignore_index=True).drop_duplicates("word", keep="last")
        return table.sort_values("word", ignore_index=True)
    where = f"load_lexicon({str(source)!r})"
    if isinstance(source, str) and source in ("en", "emoji", *_BUNDLED):
        lex = _bundled_dict(source)
        table = pd.DataFrame({"word": list(lex), "valence": list(lex.values())})
        return table.astype({"word": "string", "valence": "Float64"}).sort_values("word", ignore_index=True)
    path = Path(source)
    if not path.is_file():
        raise InputFileError(f"{where}: no such file. Pass a bundled name ('en', 'de', 'de_social', "
                             "'emoji') or the path of a CSV/TSV 'word,valence' or SentiWS file.")
    if format == "sentiws" or (format == "auto" and path.name.lower().startswith("sentiws")):
        return _read_sentiws(path, where=where, scale=scale)
    table = _read_table(path, where=where)
    return table.drop_duplicates("word", keep="last").sort_values("word", ignore_index=True)


@lru_cache(maxsize=None)
def _bundled_dict(name: str) -> dict[str, float]:
    """A bundled lexicon as a plain dict word -> valence (cached, never mutate)."""
    if name == "en":
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
        return dict(SentimentIntensityAnalyzer().lexicon)
    if name == "emoji":
        table = pd.read_csv(_DATA / "emoji_sentiment.csv", dtype={"emoji": str})
        return dict(zip(table["emoji"], table["valence"].astype(float)))
    table = _read_table(_DATA / _BUNDLED[name], where=f"bundled lexicon {name!r}")
    return dict(zip(table["word"].tolist(), table["valence"].astype(float).tolist()))


def _extra_dict(extra: object, *, where: str) -> dict[str, float]:
    """User words from a dict, a path or a (word, valence) table, as a lowercase dict."""
    if extra is None:
        return {}
    if isinstance(extra, (str, Path)):
        table = load_lexicon(extra)
        return dict(zip(table["word"].tolist(), table["valence"].astype(float).tolist()))
    if isinstance(extra, pd.DataFrame):
        missing = {"word", "valence"} - set(extra.columns)
        if missing:
            raise ParameterError(f"{where}(extra_lexicon=...): the table lacks column(s) {sorted(missing)}; "
                                 f"found {list(extra.columns)}. Expected columns 'word' and 'valence'.")
        return {str(w).lower(): float(v) for w, v in zip(extra["word"], extra["valence"])}
    if isinstance(extra, Mapping):
        out = {}
        for w, v in extra.items():
            try:
                out[str(w).lower()] = float(v)
            except (TypeError, ValueError):
                raise ParameterError(f"{where}(extra_lexicon=...): valence of {w!r} is {v!r}; expected a "
                                     "number on VADER's -4..+4 scale, e.g. {'shitstorm': -3}.") from None
        return out
    raise ParameterError(f"{where}(extra_lexicon=...): got {type(extra).__name__}; expected a dict "
                         "{'word': valence}, a CSV/TSV path or a table with columns word, valence.")


# --------------------------------------------------------------------------------------------- emoji
_SKIN_TONES = frozenset(chr(c) for c in range(0x1F3FB, 0x1F400))
_EMOJI_DROP = str.maketrans("", "", "\ufe0f\ufe0e" + "".join(_SKIN_TONES))


def _emoji_valence(em: str, table: Mapping[str, float]) -> float:
    """Valence of one emoji (maybe VS16 / skin tone / ZWJ sequence); 0.0 when unknown."""
    base = em.translate(_EMOJI_DROP)
    value = table.get(base)
    if value is not None:
        return value
    if "\u200d" in base:  # ZWJ sequence: first known component (❤️‍🔥 -> ❤, 🤦‍♂️ -> 🤦)
        for part in base.split("\u200d"):
            value = table.get(part)
            if value is not None:
                return value
    return 0.0


_EMO_BASE = ("\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u21ff\u2300-\u23ff\u24c2\u25a0-\u27bf"
              "\u2900-\u297f\u2b00-\u2bff\u3030\u303d\u3297\u3299\U0001f000-\U0001faff")
_EMOJI_RE = re.compile(
    "[\U0001f1e6-\U0001f1ff]{2}"  # flags
    f"|[{_EMO_BASE}][\ufe0f\ufe0e]?[\U0001f3fb-\U0001f3ff]?"
    f"(?:\u200d[{_EMO_BASE}][\ufe0f\ufe0e]?[\U0001f3fb-\U0001f3ff]?)*"
)

_EMOJI_SPLIT_RE = re.compile(f"({_EMOJI_RE.pattern})")


def _split_emoji(text: str, table: Mapping[str, float]) -> tuple[str, list[float]]:
    """Remove emoji from ``text``; return the rest and the valences of the emoji that have one.

    An emoji is one base pictograph with its optional variation selector, skin tone and ZWJ-joined
    components (one regular expression over the emoji code-point blocks; the same grouping as
    ``emoji.emoji_list`` for the sequences in common use, about 20 times faster).
    """
    if text.isascii():
        return text, []
    parts = _EMOJI_SPLIT_RE.split(text)  # text, emoji, text, emoji, ..., text: one regex pass
    if len(parts) == 1:
        return text, []
    valences = []
    for em in parts[1::2]:
        value = _emoji_valence(em, table)
        if value:
            valences.append(value)
    return " ".join(parts[0::2]), valences


def _punctuation_emphasis(text: str) -> float:
    """VADER's emphasis from '!' (0.292 each, up to 4) and '??' (0.18 each up to 3, else 0.96)."""
    ep = min(text.count("!"), 4) * 0.292
    qm = text.count("?")
    return ep + (0.0 if qm <= 1 else (qm * 0.18 if qm <= 3 else 0.96))


def _combine(sentiments: list[float], text: str) -> float:
    """Sum valences, add punctuation emphasis away from zero, normalise to -1..1 (VADER's
    ``x / sqrt(x**2 + 15)``)."""
    if not sentiments:
        return 0.0
    total = float(sum(sentiments))
    if not total:
        return 0.0
    if "!" in text or "?" in text:
        total += _punctuation_emphasis(text) if total > 0 else -_punctuation_emphasis(text)
    return max(-1.0, min(1.0, total / math.sqrt(total * total + 15.0)))


class _TokenCache(dict):
    """token -> computed record; a miss computes it with ``make`` and keeps it while the cache has
    fewer than ``_CACHE_MAX`` entries. ``list(map(cache.__getitem__, tokens))`` looks tokens up
    without a Python call per known token."""

    __slots__ = ("make",)

    def __init__(self, make) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: str):
        value = self.make(key)
        if len(self) < _CACHE_MAX:
            self[key] = value
        return value


# --------------------------------------------------------------------------------------------- engines
class _RuleScorer:
    """VADER-style scorer over any lexicon, with German negation, boosters and suffix stripping."""

    def __init__(self, lexicon: Mapping[str, float], emoji: Mapping[str, float], *,
                 negations=_DE_NEGATIONS, final_negations=_DE_FINAL_NEGATIONS,
                 boosters: Mapping[str, float] = _DE_BOOSTERS, contrast=_DE_CONTRAST,
                 stem: bool = True) -> None:
        self.lexicon = lexicon
        self.emoji = emoji
        self.negations = negations
        self.final_negations = final_negations
        self.boosters = boosters
        self.contrast = contrast
        self.stem = stem
        self._lookup_cache: dict[str, float] = {}
        self._token_cache = _TokenCache(self._make_token)

    def _lookup(self, word: str) -> float:
        """Valence of a lowercase token (0.0 if unknown); tries suffix stripping for inflections."""
        hit = self._lookup_cache.get(word)
        if hit is not None:
            return hit
        value = self.lexicon.get(word)
        if value is None and self.stem and len(word) > 4 and word.isalpha():
            for suffix in _DE_SUFFIXES:
                if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                    value = self.lexicon.get(word[: -len(suffix)])
                    if value is not None:
                        break
        value = 0.0 if value is None else float(value)
        if len(self._lookup_cache) < _CACHE_MAX:
            self._lookup_cache[word] = value
        return value

    def _make_token(self, raw: str) -> tuple[str, str, bool, float, bool]:
        """(word, lowercase word, ends a clause, valence, is a CAPS word) of one whitespace token."""
        stripped = raw.strip(_PUNCT)
        word = stripped if len(stripped) > 2 else raw
        low = word.lower()
        tail = raw.rstrip("\"')”“’»")
        return (word, low, bool(tail) and tail[-1] in _CLAUSE_END, self._lookup(low),
                word.isupper() and len(word) > 1)

    def _tokens(self, text: str) -> list[tuple[str, str, bool, float, bool]]:
        """Token records (see _make_token) of the whitespace tokens, multi-word negations joined."""
        low = text.lower()
        for phrase, joined in _MULTIWORD:
            if phrase in low:
                text = re.sub(re.escape(phrase), joined, text, flags=re.IGNORECASE)
        return list(map(self._token_cache.__getitem__, text.split()))

    def score(self, text: str) -> float:
        """Compound score in -1..1 of one cleaned text."""
        rest, emoji_vals = _split_emoji(text, self.emoji)
        toks = self._tokens(rest)
        hits = [i for i, t in enumerate(toks) if t[3]]
        if not hits:  # no lexicon word: only emoji can score
            return _combine(emoji_vals, text)
        n = len(toks)
        n_caps = sum(1 for t in toks if t[4])
        cap_diff = 0 < n_caps < n
        negations, boosters, final_negations = self.negations, self.boosters, self.final_negations
        sentiments: dict[int, float] = {}
        for i in hits:
            word, low, _, valence, caps = toks[i]
            if low in negations or (low in boosters and i + 1 < n and toks[i + 1][3]):
                continue  # a modifier here; "super" alone still scores as a word
            if cap_diff and caps:
                valence += _C_INCR if valence > 0 else -_C_INCR
            negated = False
            for k in (1, 2, 3):
                j = i - k
                if j < 0:
                    break
                _, prev, end, prev_val, _ = toks[j]
                if end:
                    break
                scalar = boosters.get(prev)
                if scalar is not None and not prev_val:
                    scalar = scalar if valence > 0 else -scalar
                    valence += scalar * (1.0, 0.95, 0.9)[k - 1]
                if prev in negations and not negated:
                    valence *= _N_SCALAR
                    negated = True
            if not negated and final_negations:
                j = i + 1
                while j < n:  # the rest of this clause
                    _, nxt, end, nxt_val, _ = toks[j]
                    if nxt in final_negations and (end or j == n - 1):
                        valence *= _N_SCALAR
                        break
                    if end or nxt_val:
                        break
                    j += 1
            sentiments[i] = valence
        contrast = self.contrast
        for k, t in enumerate(toks):  # contrast: "gut, aber teuer" weighs the part after "aber" more
            if t[1] in contrast:
                sentiments = {i: (v * 0.5 if i < k else v * 1.5) for i, v in sentiments.items() if i != k}
                break
        return _combine(list(sentiments.values()) + emoji_vals, text)


class _VaderScorer:
    """vaderSentiment's English rules (compound score), re-implemented for speed.

    The same lexicon, boosters, negations, CAPS and punctuation emphasis, "least", "no", "never so",
    special-case idioms and "but" rule as ``SentimentIntensityAnalyzer.polarity_scores`` (vaderSentiment
    3.3.2), evaluated only around lexicon words: texts without a lexicon word cost one pass over their
    tokens. Emoji come from the bundled emoji table instead of VADER's emoji descriptions. Differences
    from vaderSentiment: the "but" rule weights by token position (vaderSentiment looks the valence up
    by value, which misplaces repeated values), and the score is not rounded to 4 decimals.
    """

    def __init__(self, extra: Mapping[str, float], emoji: Mapping[str, float]) -> None:
        from vaderSentiment.vaderSentiment import BOOSTER_DICT, NEGATE, SPECIAL_CASES

        self.lexicon = {**_bundled_dict("en"), **extra}
        self.emoji = emoji
        self.boosters = {w: v for w, v in BOOSTER_DICT.items() if " " not in w}
        self.booster_ngrams = {w: v for w, v in BOOSTER_DICT.items() if " " in w}
        self.negate = frozenset(NEGATE)
        self.special = dict(SPECIAL_CASES)
        # words of the idioms and multi-word boosters: _idioms only runs when one is near a lexicon word
        self._idiom_words = frozenset(w for key in (*self.special, *self.booster_ngrams) for w in key.split())
        self._token_cache = _TokenCache(self._make_token)

    def _negated(self, low: str) -> bool:
        return low in self.negate or "n't" in low

    def _make_token(self, raw: str) -> tuple[str, str, bool]:
        """(word, lowercase word, is a lexicon word) of one whitespace token (VADER's tokens:
        punctuation stripped unless <= 2 chars remain)."""
        stripped = raw.strip(string.punctuation)
        word = stripped if len(stripped) > 2 else raw
        low = word.lower()
        return (word, low, low in self.lexicon)

    def score(self, text: str) -> float:
        """Compound score in -1..1 of one cleaned text."""
        rest, emoji_vals = _split_emoji(text, self.emoji)
        toks = list(map(self._token_cache.__getitem__, rest.split()))
        hits = [i for i, t in enumerate(toks) if t[2]]
        if not hits:
            return _combine(emoji_vals, text)
        words = [t[0] for t in toks]
        lows = [t[1] for t in toks]
        lex = self.lexicon
        n = len(words)
        n_caps = sum(map(str.isupper, words))
        cap_diff = 0 < n - n_caps < n
        boosters = self.boosters
        values: list[tuple[int, float]] = []
        for i in hits:
            low = lows[i]
            if low in boosters or (low == "kind" and i < n - 1 and lows[i + 1] == "of"):
                continue
            base = lex[low]
            valence = base
            if low == "no" and i != n - 1 and lows[i + 1] in lex:
                valence = 0.0
            if ((i > 0 and lows[i - 1] == "no") or (i > 1 and lows[i - 2] == "no")
                    or (i > 2 and lows[i - 3] == "no" and lows[i - 1] in ("or", "nor"))):
                valence = base * _N_SCALAR
            item = words[i]
            if cap_diff and item.isupper():
                valence += _C_INCR if valence > 0 else -_C_INCR
            for start in (0, 1, 2):
                if i <= start:
                    break
                prev = lows[i - start - 1]
                if prev in lex:
                    continue
                scalar = boosters.get(prev)
                if scalar is not None:
                    if valence < 0:
                        scalar = -scalar
                    if cap_diff and words[i - start - 1].isupper():
                        scalar += _C_INCR if valence > 0 else -_C_INCR
                    valence += scalar * (1.0, 0.95, 0.9)[start]
                if start:
                    valence = self._negation(valence, lows, start, i)
                elif prev in self.negate or "n't" in prev:  # _negation(start=0), inlined
                    valence *= _N_SCALAR
                if start == 2 and not self._idiom_words.isdisjoint(lows[i - 3:i + 3]):
                    valence = self._idioms(valence, lows, i)
            if i > 1 and lows[i - 1] == "least" and "least" not in lex:
                if lows[i - 2] not in ("at", "very"):
                    valence *= _N_SCALAR
            elif i == 1 and lows[0] == "least" and "least" not in lex:
                valence *= _N_SCALAR
            if valence:
                values.append((i, valence))
        if "but" in lows and values:
            b = lows.index("but")
            values = [(i, v * 0.5 if i < b else (v * 1.5 if i > b else v)) for i, v in values]
        return _combine([v for _, v in values] + emoji_vals, text)

    def _negation(self, valence: float, lows: list[str], start: int, i: int) -> float:
        if start == 0:
            if self._negated(lows[i - 1]):
                valence *= _N_SCALAR
        elif start == 1:
            if lows[i - 2] == "never" and lows[i - 1] in ("so", "this"):
                valence *= 1.25
            elif lows[i - 2] == "without" and lows[i - 1] == "doubt":
                pass
            elif self._negated(lows[i - 2]):
                valence *= _N_SCALAR
        else:
            if (lows[i - 3] == "never" and lows[i - 2] in ("so", "this")) or lows[i - 1] in ("so", "this"):
                valence *= 1.25
            elif lows[i - 3] == "without" and (lows[i - 2] == "doubt" or lows[i - 1] == "doubt"):
                pass
            elif self._negated(lows[i - 3]):
                valence *= _N_SCALAR
        return valence

    def _idioms(self, valence: float, lows: list[str], i: int) -> float:
        special = self.special
        p1, p2, p3, w = lows[i - 1], lows[i - 2], lows[i - 3], lows[i]
        for seq in (f"{p1} {w}", f"{p2} {p1} {w}", f"{p2} {p1}", f"{p3} {p2} {p1}", f"{p3} {p2}"):
            if seq in special:
                valence = special[seq]
                break
        n = len(lows)
        if n - 1 > i:
            seq = f"{w} {lows[i + 1]}"
            if seq in special:
                valence = special[seq]
        if n - 1 > i + 1:
            seq = f"{w} {lows[i + 1]} {lows[i + 2]}"
            if seq in special:
                valence = special[seq]
        for seq in (f"{p3} {p2} {p1}", f"{p3} {p2}", f"{p2} {p1}"):
            if seq in self.booster_ngrams:
                valence += self.booster_ngrams[seq]
        return valence


class _TextBlobScorer:
    """TextBlob's pattern lexicon (English); emoji valences are averaged in as extra assessments."""

    def __init__(self, extra: Mapping[str, float], emoji: Mapping[str, float]) -> None:
        from textblob.en import sentiment as pattern_sentiment

        self.pattern = pattern_sentiment
        self.extra = extra
        self.emoji = emoji

    def score(self, text: str) -> float:
        """Polarity in -1..1: mean of TextBlob assessments, user words and emoji (valence / 4)."""
        rest, emoji_vals = _split_emoji(text, self.emoji)
        values = [a[1] for a in self.pattern(rest).assessments] if rest.strip() else []
        if self.extra:
            values += [self.extra[w] / 4 for w in re.findall(r"\w+", rest.lower()) if w in self.extra]
        values += [max(-1.0, min(1.0, v / 4)) for v in emoji_vals]
        return float(np.clip(np.mean(values), -1, 1)) if values else 0.0


@lru_cache(maxsize=16)
def _scorer(lang: str, backend: str, extra_items: tuple) -> object:
    """Build (and cache) the scorer for a language, backend and user-word set."""
    extra = dict(extra_items)
    emoji = _bundled_dict("emoji")
    if lang == "en":
        if backend == "textblob":
            return _TextBlobScorer(extra, emoji)
        return _VaderScorer(extra, emoji)
    german = {**_bundled_dict("de"), **_bundled_dict("de_social")}
    english = _bundled_dict("en")
    emoticons = {w: v for w, v in english.items() if not any(c.isalpha() for c in w)}  # :) :( <3
    if lang == "de":
        return _RuleScorer({**emoticons, **german, **extra}, emoji)
    mixed = {w: v for w, v in english.items() if w not in _DE_FUNCTION_WORDS}
    from vaderSentiment.vaderSentiment import BOOSTER_DICT, NEGATE

    return _RuleScorer({**mixed, **german, **extra}, emoji,
                       negations=_DE_NEGATIONS | frozenset(NEGATE) - {"no"},
                       boosters={**BOOSTER_DICT, **_DE_BOOSTERS})


# ------------------------------------------------------------------------------------------ public API
def _as_series(texts: object, *, where: str) -> pd.Series:
    if isinstance(texts, pd.Series):
        return texts
    if isinstance(texts, str):
        return pd.Series([texts], dtype=object)
    if isinstance(texts, pd.DataFrame):
        raise ParameterError(f"{where}(texts): got a DataFrame; pass one text column (e.g. "
                             "comments['text']) or use add_sentiment(table, text_col=...).")
    try:
        return pd.Series(list(texts), dtype=object)
    except TypeError:
        raise ParameterError(f"{where}(texts): got {type(texts).__name__}; expected a str, a list of "
                             "str or a pandas Series.") from None


def _check_options(lang: str, backend: str, where: str) -> None:
    if lang not in _LANGS:
        raise ParameterError(f"{where}(lang={lang!r}): expected one of {list(_LANGS)}.")
    if backend not in _BACKENDS:
        raise ParameterError(f"{where}(backend={backend!r}): expected one of {list(_BACKENDS)} "
                             "('textblob' applies to English texts; German always uses the rule engine).")


def _language_groups(langs: np.ndarray, backend: str):
    """(language key, backend of its engine, boolean row mask) for "en", "de" and "unknown" (any
    other value); only the English engine has a TextBlob alternative."""
    for key in ("en", "de", "unknown"):
        rows = (langs == key) if key != "unknown" else ~np.isin(langs, ["en", "de"])
        if rows.any():
            yield key, (backend if key == "en" else "vader"), rows


def _show_progress(total: int, enabled: bool | None) -> bool:
    """``progress=None`` means: show a bar from ``_PROGRESS_MIN`` distinct texts on."""
    return total >= _PROGRESS_MIN if enabled is None else bool(enabled)


def _score_unique(cleaned: list[str], langs: list[str], *, backend: str, extra: dict,
                  progress: bool | None) -> np.ndarray:
    """Scores (float, NaN for empty text) of distinct cleaned texts with known languages."""
    extra_items = tuple(sorted(extra.items()))
    out = np.full(len(cleaned), np.nan)
    langs = np.asarray(langs, dtype=object)
    nonempty = np.fromiter(map(bool, cleaned), dtype=bool, count=len(cleaned))
    groups = [(_scorer(key, engine, extra_items), np.flatnonzero(rows & nonempty))
              for key, engine, rows in _language_groups(langs, backend)]
    total = int(nonempty.sum())
    bar = None
    if _show_progress(total, progress):
        from tqdm.auto import tqdm

        bar = tqdm(total=total, desc="sentiment", unit="text")
    try:
        for scorer, rows in groups:  # per language, in chunks: a list comprehension per chunk, one bar update
            score = scorer.score
            for start in range(0, len(rows), _SCORE_CHUNK):
                chunk = rows[start:start + _SCORE_CHUNK]
                out[chunk] = [score(cleaned[k]) for k in chunk.tolist()]
                if bar is not None:
                    bar.update(len(chunk))
    finally:
        if bar is not None:
            bar.close()
    return out


def _labels(scores: np.ndarray, langs: np.ndarray, backend: str,
            thresholds: tuple[float, float] | None) -> np.ndarray:
    codes = np.full(len(scores), 3, dtype=np.int8)  # index into _LABEL_VALUES; 3 = missing
    for key, engine, rows in _language_groups(langs, backend):
        neg, pos = thresholds or THRESHOLDS.get((key, engine), (-0.05, 0.05))
        s = scores[rows]
        lab = np.where(s >= pos, 2, np.where(s <= neg, 0, 1)).astype(np.int8)
        lab[np.isnan(s)] = 3
        codes[rows] = lab
    return _LABEL_VALUES[codes]


_LABEL_VALUES = np.array([*LABELS, None], dtype=object)


# Words that are evidence for one language only: the shipped stop-word lists without the words in
# both, without words that are also frequent in the other language or in tweets ("die", "hat", "war",
# "man", "hey"; "re", "de", "rt", "u" as abbreviations), plus a few frequent comment words. The
# ambiguous list was found on the dev files (en_crowdflower_dev, germeval2017_dev_social); see
# docs/benchmarks.md "Sentiment speed" for how often the rule decides and how often it is wrong.
_QUICK_AMBIGUOUS = frozenset(
    "re de rt a etc u lol co i her hey man pro die hat war wars ne da hi um falls ah ab wo eh es halt "
    "na ja ans tue mag".split())


def _quick_words(lang: str, extra: str) -> frozenset[str]:
    from .features import stopwords

    other = stopwords("en" if lang == "de" else "de")
    return frozenset((stopwords(lang) | set(extra.split())) - other - _QUICK_AMBIGUOUS)


_QUICK_DE = _quick_words("de", "der die das und ist nicht ich ein eine einen mit auf für sich den dem auch "
                               "wird sehr aber noch wie von im wir sind mal schon kein keine heute wieder "
                               "immer nur bei nach wenn weil dass habe mir mich uns doch oder alle keiner "
                               "nichts einfach")
_QUICK_EN = _quick_words("en", "the and is not this that with for you are was it's i'm my our have has be "
                               "will just very because but nobody nothing everyone we of from what when there")
_WORD_RE = re.compile(r"[^\W\d_]+(?:'[a-z]+)?")
_UMLAUT = frozenset("äöüß")
_UMLAUT_RE = re.compile("[äöüß]")


_FIELD = (1 << 32) - 1


def _quick_counts(token: str) -> int:
    """Letters, German signs and English signs of one whitespace token, packed into one int."""
    words = _WORD_RE.findall(token.lower())
    de = sum(map(_QUICK_DE.__contains__, words))
    if not token.isascii() and _UMLAUT_RE.search(token):  # lower-case umlaut words: schön (not München)
        de += sum(1 for w in _WORD_RE.findall(token)
                  if w[0].islower() and not w.isascii() and not _UMLAUT.isdisjoint(w) and w not in _QUICK_DE)
    en = sum(map(_QUICK_EN.__contains__, words))
    return sum(map(len, words)) | de << 32 | en << 64


_QUICK_CACHE = _TokenCache(_quick_counts)


def _quick_lang(text: str) -> str | None:
    """'de'/'en' when the words are unambiguous: >= 2 signs of one language and none of the other, or
    a clear lead (at least 3 more and 3 times as many: one German word in an English sentence does
    not send it to the detector).

    Signs of German: German-only function words and lower-case words with ä, ö, ü or ß (capitalised
    ones are often names: "Greetings from München"); signs of English:
    English-only function words. ``"unknown"`` when the text has fewer than 10 letters (what
    :func:`detect_language` answers for them), ``None`` when a detector has to decide.
    """
    if len(text) < 10:
        return "unknown"
    # per whitespace token (cached): letters + German signs << 32 + English signs << 64; words never
    # span whitespace, so the sums over tokens equal the counts over the whole text
    total = sum(map(_QUICK_CACHE.__getitem__, text.split()))
    if total & _FIELD < 10:
        return "unknown"
    de = (total >> 32) & _FIELD
    en = total >> 64
    if de >= 2 and (en == 0 or (de - en >= 3 and de >= 3 * en)):
        return "de"
    if en >= 2 and (de == 0 or (en - de >= 3 and en >= 3 * de)):
        return "en"
    return None


def _detect(cleaned: list[str], lang: str, progress: bool | None) -> np.ndarray:
    """Language per distinct cleaned text.

    ``lang="auto"``: texts with clear evidence (:func:`_quick_lang`) are labelled directly --
    microseconds instead of a detector call; all others go to :func:`toolkit.text.detect_language`.
    """
    if lang != "auto":
        return np.array([lang if t else "unknown" for t in cleaned], dtype=object)
    from .language import detect_language

    out = np.array([_quick_lang(t) for t in cleaned], dtype=object)
    todo = np.flatnonzero(pd.isna(out))
    if len(todo):
        found = detect_language(pd.Series([cleaned[i] for i in todo], dtype=object),
                                progress=_show_progress(len(todo), progress))
        out[todo] = found.astype(object).to_numpy()
    return out


def _check_thresholds(thresholds, where):
    if thresholds is None:
        return None
    try:
        neg, pos = (float(t) for t in thresholds)
    except (TypeError, ValueError):
        raise ParameterError(f"{where}(thresholds={thresholds!r}): expected two numbers "
                             "(neg_threshold, pos_threshold), e.g. (-0.05, 0.05).") from None
    if not -1 <= neg < pos <= 1:
        raise ParameterError(f"{where}(thresholds={thresholds!r}): expected -1 <= neg < pos <= 1.")
    return neg, pos


def sentiment(texts: str | pd.Series | Iterable[str | None], *, lang: str = "auto",
              backend: str = "vader", extra_lexicon: object = None, model: object = None,
              thresholds: tuple[float, float] | None = None,
              progress: bool | None = None) -> pd.DataFrame:
    """Score the sentiment of English and German social-media texts.

    Parameters
    ----------
    texts : str, list of str or pandas.Series
        The texts. Missing values (``None``, ``NaN``, ``<NA>``) are allowed.
    lang : {"auto", "en", "de"}, default "auto"
        Language of the texts; ``"auto"`` detects it per text with
        :func:`toolkit.text.detect_language` (texts too short to tell are ``"unknown"`` and scored
        with the English and German lexicons merged).
    backend : {"vader", "textblob"}, default "vader"
        Engine for English texts. German and unknown texts always use the VADER-style rule engine.
    extra_lexicon : dict, str/Path or DataFrame, optional
        Your own words with valences on VADER's -4..+4 scale, e.g. ``{"shitstorm": -3,
        "ausverkauft": 1}``, the path of a CSV/TSV ``word,valence`` file, or a table from
        :func:`load_lexicon` (e.g. SentiWS). They are added to (and override) every lexicon.
    model : SentimentModel, optional
        A trained :class:`toolkit.text.SentimentModel`; then ``score`` and ``label`` come from it.
    thresholds : (float, float), optional
        ``(neg_threshold, pos_threshold)`` on ``score``; default :data:`THRESHOLDS` per language.
    progress : bool, optional
        Show a progress bar; default: only when there are 20,000 distinct texts or more.

    Returns
    -------
    pandas.DataFrame
        One row per input text, same index as a Series input (else 0..n-1). Columns:

        - ``text`` (string): the input text.
        - ``lang`` (string): "en", "de" or "unknown" (missing/too short to tell), or the ``lang`` given.
        - ``score`` (Float64): -1 (most negative) .. +1 (most positive); the VADER compound
          ``s / sqrt(s**2 + 15)`` of the valence sum ``s`` of words and emoji (TextBlob: mean
          polarity; model: P(positive) - P(negative)). ``<NA>`` when nothing is left to score after
          cleaning (missing text, only a link or a mention).
        - ``label`` (string): "positive" if ``score >= pos_threshold``, "negative" if
          ``score <= neg_threshold``, else "neutral"; ``<NA>`` where ``score`` is ``<NA>``.

    Raises
    ------
    ParameterError
        For an unknown ``lang`` or ``backend``, bad ``thresholds`` or ``extra_lexicon``.

    Examples
    --------
    >>> import toolkit as tk
    >>> tk.text.sentiment("Toll! 😍", progress=False)["label"].tolist()
    ['positive']
    >>> out = tk.text.sentiment(["Das ist ein Shitstorm"], lang="de",
    ...                         extra_lexicon={"shitstorm": -3}, progress=False)
    >>> out["label"].tolist()
    ['negative']
    """
    series = _as_series(texts, where="sentiment")
    values = series.astype(object).to_numpy()
    missing = pd.isna(series).to_numpy()
    langs, scores, labels = _score_values(values, missing, lang=lang, backend=backend,
                                          extra_lexicon=extra_lexicon, model=model,
                                          thresholds=thresholds, progress=progress, where="sentiment")
    out = pd.DataFrame({
        "text": pd.array(np.where(missing, None, values), dtype="string"),
        "lang": pd.array(langs, dtype="string"),
        "score": pd.array(scores, dtype="Float64"),
        "label": pd.array(labels, dtype="string"),
    }, index=series.index)
    return out


def _score_values(values: np.ndarray, missing: np.ndarray, *, lang: str, backend: str,
                  extra_lexicon: object, model: object, thresholds, progress: bool | None,
                  where: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lang, score, label) arrays, one element per input value; each distinct cleaned text is scored once."""
    _check_options(lang, backend, where)
    thresholds = _check_thresholds(thresholds, where)
    extra = _extra_dict(extra_lexicon, where=where)
    codes, uniques = pd.factorize(pd.Series(np.where(missing, "", values), dtype=object))
    cleaned = [_clean_one(t) for t in uniques]
    del uniques
    # distinct raw texts can clean to the same text: score distinct cleaned texts only
    ccodes, cuniques = pd.factorize(pd.Series(cleaned, dtype=object))
    cuniques = list(cuniques)
    ulangs = _detect(cuniques, lang, progress)
    if model is not None:
        from .model import SentimentModel

        if not isinstance(model, SentimentModel):
            raise ParameterError(f"{where}(model=...): got {type(model).__name__}; expected a trained "
                                 "toolkit.text.SentimentModel (see SentimentModel.fit / .load).")
        uscores, ulabels = model._predict_unique(cuniques, ulangs, progress=progress)
    else:
        uscores = _score_unique(cuniques, list(ulangs), backend=backend, extra=extra, progress=progress)
        ulabels = _labels(uscores, ulangs, backend, thresholds)
    row = ccodes[codes]
    return ulangs[row], uscores[row], ulabels[row]


def add_sentiment(table: pd.DataFrame, *, text_col: str = "text", lang: str = "auto",
                  backend: str = "vader", extra_lexicon: object = None, model: object = None,
                  thresholds: tuple[float, float] | None = None,
                  progress: bool | None = None) -> pd.DataFrame:
    """Return ``table`` with sentiment columns added (posts, comments or any table with text).

    Same rows, order and index; the input is not modified. Existing columns of the same name are
    replaced. See :func:`sentiment` for the options and how scores are made.

    Parameters
    ----------
    table : pandas.DataFrame
        Usually the canonical posts or comments table.
    text_col : str, default "text"
        Column with the text to score.

    Returns
    -------
    pandas.DataFrame
        The rows of ``table`` with three more columns:

        - ``lang`` (string): "en", "de" or "unknown".
        - ``sentiment_score`` (Float64): -1..+1, see :func:`sentiment` (``<NA>`` = nothing to score).
        - ``sentiment_label`` (string): "positive", "neutral", "negative" or ``<NA>``.

    Raises
    ------
    SchemaError
        If ``text_col`` is not a column of ``table``.
    ParameterError
        As :func:`sentiment`.

    Examples
    --------
    >>> import pandas as pd, toolkit as tk
    >>> comments = pd.DataFrame({"text": ["Super 👍", "Das ist leider gar nicht gut"]})
    >>> tk.text.add_sentiment(comments, progress=False)["sentiment_label"].tolist()
    ['positive', 'negative']
    """
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(f"add_sentiment(table): got {type(table).__name__}; expected a DataFrame "
                             "(posts or comments). For a list of texts use sentiment(texts).")
    if text_col not in table.columns:
        raise SchemaError(f"add_sentiment(text_col={text_col!r}): no such column; the table has "
                          f"{list(table.columns)[:12]}. Pass text_col=... naming the text column.",
                          problems=[f"missing column {text_col!r}"])
    column = table[text_col]
    langs, scores, labels = _score_values(column.astype(object).to_numpy(), pd.isna(column).to_numpy(),
                                          lang=lang, backend=backend, extra_lexicon=extra_lexicon,
                                          model=model, thresholds=thresholds, progress=progress,
                                          where="add_sentiment")
    out = table.copy()
    out["lang"] = pd.array(langs, dtype="string")
    out["sentiment_score"] = pd.array(scores, dtype="Float64")  # NaN (nothing to score) becomes <NA>
    out["sentiment_label"] = pd.array(labels, dtype="string")
    return out
