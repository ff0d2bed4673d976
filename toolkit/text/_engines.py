"""The engines that score one cleaned text: VADER's English rules, a VADER-style rule engine for
German and mixed text, and TextBlob's English lexicon; emoji valences for all of them.

:func:`_scorer` builds (and caches) the engine for a language, backend and set of user words.
How the engines score is described in :mod:`toolkit.text.scoring`.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Mapping
from functools import lru_cache

import numpy as np

from . import _util, patterns
from ._util import _TokenCache
from .lexicons import _bundled_dict

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


_EMOJI_RE = patterns.EMOJI  # one definition, in toolkit.text.patterns
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
        if len(self._lookup_cache) < _util._CACHE_MAX:
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

