"""Tell English from German in social-media text.

The toolkit supports two languages, English (``"en"``) and German (``"de"``). Every text gets one of
``"en"``, ``"de"`` or ``"unknown"``; ``"unknown"`` means the text is missing, or has too few letters
left to tell once URLs, @mentions, emoji, digits and punctuation are set aside (``min_chars``).

Detection is restricted to the two supported languages: a French or Spanish comment is labelled
with whichever of the two it resembles more. Mixed-language texts get the language with the most
evidence.

Engines (``engine=``):

``"lingua"`` (default)
    lingua-language-detector restricted to English and German, high-accuracy mode (character
    1- to 5-grams). Deterministic. The most accurate on short comments in
    ``bench/language_detection.py`` (see docs/benchmarks.md, "Language detection"); its low-accuracy mode was
    faster but wrong on 14 % of English tweets of 20-50 characters, so it is not used.
``"langdetect"``
    langdetect (a port of Google's language-detection) with only its English and German
    profiles loaded and a fixed seed (the same as ``DetectorFactory.seed = 0``), so results are
    reproducible. Smaller install, slower and less accurate on short texts.

Large inputs: detection runs once per distinct prepared text and the answers are mapped back, so a
million comments with the usual repetition ("Danke!", "Super 👍") cost far fewer detector calls.

Examples
--------
>>> import toolkit as tk
>>> tk.text.detect_language(["Wann kommt der nächste Zug nach Berlin?",
...                          "When is the next train to Berlin?", "👍👍", None],
...                         progress=False).tolist()
['de', 'en', 'unknown', 'unknown']
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd
import regex

from .._compact import like
from .._engine import is_dask
from .._validate import check_kind, did_you_mean, refuse_overwrite
from .._progress import wanted
from ..errors import ParameterError, SchemaError
from . import patterns
from ._util import _show_progress, _TokenCache
from .cleaning import _clean_one
from .features import stopwords

__all__ = ["detect_language", "add_language", "LANGUAGES", "UNKNOWN", "ENGINES"]

#: Languages the toolkit can tell apart (ISO 639-1 codes).
LANGUAGES = ("en", "de")
#: Label for texts whose language cannot be told.
UNKNOWN = "unknown"
#: Detection engines accepted by ``engine=``.
ENGINES = ("lingua", "langdetect")

_DEFAULT_MIN_CHARS = 10
_CHUNK = 20_000

# URLs (with or without scheme), e-mail addresses and @mentions carry no language signal.
# (patterns: one definition each, in toolkit.text.patterns)
_STRIP_RE = regex.compile(f"{patterns.URL.pattern}|{patterns.EMAIL.pattern}|{patterns.MENTION.pattern}",
                          regex.IGNORECASE)
# Everything that is not a letter becomes a space (digits, emoji, punctuation, '#', '_').
_NON_LETTER_RE = re.compile(r"[\W\d_]+")


def detect_language(texts, *, min_chars: int = _DEFAULT_MIN_CHARS, engine: str = "lingua",
                    progress: bool | None = None) -> pd.Series:
    """Label each text as English (``"en"``), German (``"de"``) or ``"unknown"``.

    Parameters
    ----------
    texts : str, list of str, or pandas.Series
        The texts. ``None``/``NaN``/``<NA>`` are allowed (labelled ``"unknown"``); other non-string
        values are converted with ``str``. A single string gives a Series of length one.
    min_chars : int, default 10
        Minimum number of letters a text must keep, after URLs, e-mail addresses, @mentions,
        emoji, digits and punctuation are removed, to be detected at all; shorter texts are
        ``"unknown"``. Hashtag words count as letters (``#Bahnchaos`` counts 9). Emoji-only texts
        are always ``"unknown"``. Accuracy per length is in docs/benchmarks.md.
    engine : {"lingua", "langdetect"}, default "lingua"
        Detector to use; see the module docstring.
    progress : bool, optional
        Show a progress bar (tqdm) over the distinct texts when there are many. Default None:
        only on a terminal or in a notebook.

    Returns
    -------
    pandas.Series
        One value per input text, dtype ``string``, name ``"lang"``, values ``"en"``, ``"de"`` or
        ``"unknown"``. The index is the input's index for a Series, else ``0..n-1``.

    Raises
    ------
    ParameterError
        If ``min_chars`` is negative or ``engine`` is not one of :data:`ENGINES`, or the chosen
        engine's package is not installed.

    Examples
    --------
    >>> import pandas as pd, toolkit as tk
    >>> s = pd.Series(["Das ist wirklich eine sehr gute Nachricht!", "ok"], index=[10, 11])
    >>> tk.text.detect_language(s, progress=False)
    10         de
    11    unknown
    Name: lang, dtype: string
    """
    series = _as_series(texts)
    _check_options(min_chars, engine, "detect_language")
    return _language_of(series, min_chars=min_chars, engine=engine, progress=progress)


def _check_options(min_chars, engine, where: str) -> None:
    if not isinstance(min_chars, (int, np.integer)) or isinstance(min_chars, bool) or min_chars < 0:
        raise ParameterError(f"{where}(min_chars={min_chars!r}): expected a whole number >= 0 "
                             f"(letters a text must have to be detected), e.g. min_chars=10.")
    if engine not in ENGINES:
        raise ParameterError(f"{where}(): engine={engine!r} is not a known detector{did_you_mean(engine, ENGINES)}; "
                             f"valid: {', '.join(repr(e) for e in ENGINES)}.")


def _language_of(series: pd.Series, *, min_chars: int, engine: str, progress) -> pd.Series:
    """The language of each text: THE definition, shared by detect_language, add_language and sentiment.

    Each text is cleaned as :func:`toolkit.text.clean` does; distinct cleaned texts go through the
    word rule of :mod:`toolkit.text._langrule` (clear evidence decides at once) and the rest to
    the detector (:func:`_detector`).
    """
    out = np.full(len(series), UNKNOWN, dtype=object)
    present = series.notna().to_numpy()
    if present.any():
        codes, uniques = pd.factorize(series[present].map(_clean_one), use_na_sentinel=False)
        labels = _detect_cleaned(list(uniques), engine=engine, min_chars=int(min_chars), progress=progress)
        out[present] = np.asarray(labels, dtype=object)[codes]
    return pd.Series(out, index=series.index, dtype="string", name="lang")


def _detector(series: pd.Series, *, min_chars: int = _DEFAULT_MIN_CHARS, engine: str = "lingua",
              progress=None) -> pd.Series:
    """The detector alone (lingua or langdetect) on texts the word rule could not decide."""
    out = np.full(len(series), UNKNOWN, dtype=object)
    present = series.notna().to_numpy()
    if present.any():
        raw = series[present].map(lambda v: v if isinstance(v, str) else str(v))
        codes, uniques = pd.factorize(raw, use_na_sentinel=False)
        prepared = [_prepare(t) for t in uniques]
        letters = np.array([len(p) - p.count(" ") for p in prepared])
        keep = letters >= max(int(min_chars), 1)
        labels = np.full(len(uniques), UNKNOWN, dtype=object)
        if keep.any():
            todo = [p for p, k in zip(prepared, keep) if k]
            todo_codes, todo_uniques = pd.factorize(pd.Series(todo, dtype=object))
            found = _detect_unique(list(todo_uniques), engine=engine, progress=progress)
            labels[keep] = np.asarray(found, dtype=object)[todo_codes]
        out[present] = labels[codes]
    return pd.Series(out, index=series.index, dtype="string", name="lang")


def add_language(table: pd.DataFrame, *, text_col: str = "text", min_chars: int = _DEFAULT_MIN_CHARS,
                 engine: str = "lingua", overwrite: bool = False, progress: bool | None = None) -> pd.DataFrame:
    """Return a copy of ``table`` with a ``lang`` column ("en", "de" or "unknown").

    Same rows, same order, same index; the input is not modified. The ``lang`` column holds what
    :func:`detect_language` and :func:`toolkit.text.add_sentiment` say for the same text (one
    definition). A table that already has a ``lang`` column is refused unless ``overwrite=True``.
    See :func:`detect_language` for ``min_chars``, ``engine`` and ``progress``.

    Parameters
    ----------
    table : pandas.DataFrame
        Any table with a text column, usually posts or comments.
        A Dask DataFrame runs on the Dask engine and gives a lazy Dask DataFrame (:mod:`toolkit.scale`).
    text_col : str, default "text"
        Column holding the text.
    overwrite : bool, default False
        Replace an existing ``lang`` column (else a :class:`~toolkit.errors.ParameterError`).

    Returns
    -------
    pandas.DataFrame
        The rows of ``table`` with one more column, ``lang`` (dtype ``string``).

    Raises
    ------
    SchemaError
        If ``text_col`` is not a column of ``table``.

    Examples
    --------
    >>> import pandas as pd, toolkit as tk
    >>> posts = pd.DataFrame({"text": ["Vielen Dank für die schnelle Antwort!", "🔥🔥"]})
    >>> tk.text.add_language(posts, progress=False)["lang"].tolist()
    ['de', 'unknown']
    """
    if is_dask(table):  # engine="dask": lazy, each distinct text detected once per partition
        from .._dask import add_language as on_dask

        return on_dask(table, text_col=text_col, min_chars=min_chars, engine=engine, overwrite=overwrite)
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(f"add_language(table=...): expected a pandas DataFrame, found "
                             f"{type(table).__name__}. For plain texts use detect_language(texts).")
    check_kind(table, ("posts", "comments"), where="add_language(table)")
    if text_col not in table.columns:
        raise SchemaError(f"add_language(text_col={text_col!r}): no such column"
                          f"{did_you_mean(text_col, table.columns)}; present: "
                          f"{list(table.columns)}. Pass text_col=... naming the text column.",
                          problems=[f"missing column {text_col!r}"])
    refuse_overwrite(table, ["lang"], overwrite=overwrite, where="add_language")
    _check_options(min_chars, engine, "add_language")
    out = table.copy()
    out["lang"] = _language_of(table[text_col], min_chars=min_chars, engine=engine, progress=progress)
    return like(table, out, ["lang"])  # a compact table stays compact (Dataset.compact)


# ----------------------------------------------------------------------------------------------
# helpers

def _as_series(texts) -> pd.Series:
    if isinstance(texts, pd.Series):
        return texts
    if isinstance(texts, pd.DataFrame):
        raise ParameterError("detect_language(texts=DataFrame): expected texts (a str, list or Series). "
                             "For a table use add_language(table, text_col=...).")
    if texts is None or isinstance(texts, str) or (not isinstance(texts, Iterable)):
        return pd.Series([texts], dtype=object)
    return pd.Series(list(texts), dtype=object)


def _prepare(text: str) -> str:
    """Text reduced to letters and single spaces: no URLs, e-mails, @mentions, digits, symbols."""
    text = _STRIP_RE.sub(" ", text)
    return " ".join(_NON_LETTER_RE.sub(" ", text).split())


def _detect_unique(texts: list[str], *, engine: str, progress: bool | None) -> list[str]:
    """Detect each (distinct, non-empty) prepared text; returns labels in order."""
    detect_chunk = _lingua_chunk if engine == "lingua" else _langdetect_chunk
    chunks = [texts[i:i + _CHUNK] for i in range(0, len(texts), _CHUNK)]
    bar = None
    if len(texts) > _CHUNK and wanted(progress):
        from tqdm.auto import tqdm
        bar = tqdm(total=len(texts), desc="detecting language", unit="text")
    out: list[str] = []
    try:
        for chunk in chunks:
            out.extend(detect_chunk(chunk))
            if bar is not None:
                bar.update(len(chunk))
    finally:
        if bar is not None:
            bar.close()
    return out


@functools.lru_cache(maxsize=1)
def _lingua_detector():
    try:
        from lingua import Language, LanguageDetectorBuilder
    except ImportError:  # pragma: no cover - depends on the environment
        raise ParameterError("detect_language(engine='lingua'): the package lingua-language-detector "
                             "is not installed. Install it (pip install lingua-language-detector) "
                             "or pass engine='langdetect'.") from None
    detector = LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.GERMAN).build()
    return detector, {Language.ENGLISH: "en", Language.GERMAN: "de"}


def _lingua_chunk(texts: list[str]) -> list[str]:
    detector, codes = _lingua_detector()
    found = detector.detect_languages_in_parallel_of(texts)
    return [codes.get(lang, UNKNOWN) if lang is not None else UNKNOWN for lang in found]


@functools.lru_cache(maxsize=1)
def _langdetect_factory():
    try:
        import langdetect
        from langdetect.detector_factory import DetectorFactory
    except ImportError:  # pragma: no cover - depends on the environment
        raise ParameterError("detect_language(engine='langdetect'): the package langdetect is not "
                             "installed. Install it (pip install langdetect) or pass "
                             "engine='lingua'.") from None
    import json
    from pathlib import Path

    from langdetect.utils.lang_profile import LangProfile

    profiles = Path(langdetect.__file__).parent / "profiles"
    factory = DetectorFactory()
    for index, code in enumerate(LANGUAGES):
        data = json.loads((profiles / code).read_text(encoding="utf-8"))
        factory.add_profile(LangProfile(**data), index, len(LANGUAGES))
    factory.set_seed(0)  # deterministic, same as DetectorFactory.seed = 0 but without a global
    return factory


def _langdetect_chunk(texts: list[str]) -> list[str]:
    from langdetect.lang_detect_exception import LangDetectException

    factory = _langdetect_factory()
    out = []
    for text in texts:
        detector = factory.create()
        detector.append(text)
        try:
            lang = detector.detect()
        except LangDetectException:
            lang = UNKNOWN
        out.append(lang if lang in LANGUAGES else UNKNOWN)
    return out


# --------------------------------------------------------------------------------------------
# the word rule: clear evidence decides without a detector call

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
    return _detect_cleaned(cleaned, engine="lingua", min_chars=_DEFAULT_MIN_CHARS, progress=progress)


def _detect_cleaned(cleaned: list[str], *, engine: str, min_chars: int, progress) -> np.ndarray:
    """The language of distinct cleaned texts: the word rule, then the detector for the rest.

    The one definition of a text's language (``detect_language``, ``add_language`` and sentiment's
    ``lang`` all come from here). The rule's own "too short" cut is 10 letters, the default
    ``min_chars``; with another ``min_chars`` only its en/de decisions on long enough texts are kept.
    """
    out = np.array([_quick_lang(t) for t in cleaned], dtype=object)
    if min_chars != _DEFAULT_MIN_CHARS:
        out[np.array([o == "unknown" or len(t) < min_chars for o, t in zip(out, cleaned)], dtype=bool)] = None
    todo = np.flatnonzero(pd.isna(out))
    if len(todo):
        found = _detector(pd.Series([cleaned[i] for i in todo], dtype=object), min_chars=min_chars,
                          engine=engine, progress=_show_progress(len(todo), progress))
        out[todo] = found.astype(object).to_numpy()
    return out

