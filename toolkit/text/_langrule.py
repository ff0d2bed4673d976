"""The language of distinct cleaned texts for sentiment scoring: a fast word rule first, the
detector of :mod:`toolkit.text.language` only for the texts the rule cannot decide."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ._util import _TokenCache, _show_progress
from .features import stopwords
from .language import detect_language

# Words that are evidence for one language only: the shipped stop-word lists without the words in
# both, without words that are also frequent in the other language or in tweets ("die", "hat", "war",
# "man", "hey"; "re", "de", "rt", "u" as abbreviations), plus a few frequent comment words. The
# ambiguous list was found on the dev files (en_crowdflower_dev, germeval2017_dev_social); see
# docs/benchmarks.md "Sentiment speed" for how often the rule decides and how often it is wrong.
_QUICK_AMBIGUOUS = frozenset(
    "re de rt a etc u lol co i her hey man pro die hat war wars ne da hi um falls ah ab wo eh es halt "
    "na ja ans tue mag".split())


def _quick_words(lang: str, extra: str) -> frozenset[str]:
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
    out = np.array([_quick_lang(t) for t in cleaned], dtype=object)
    todo = np.flatnonzero(pd.isna(out))
    if len(todo):
        found = detect_language(pd.Series([cleaned[i] for i in todo], dtype=object),
                                progress=_show_progress(len(todo), progress))
        out[todo] = found.astype(object).to_numpy()
    return out

