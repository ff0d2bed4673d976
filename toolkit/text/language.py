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

from .._progress import wanted
from ..errors import ParameterError, SchemaError

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
_URL_RE = r"(?:https?://|www\.)\S+"
_EMAIL_RE = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_MENTION_RE = r"(?<![\w@])[@＠][\w.]+(?:@[\w-]+(?:\.[\w-]+)+)?"
_STRIP_RE = re.compile(f"{_URL_RE}|{_EMAIL_RE}|{_MENTION_RE}", re.IGNORECASE)
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
    if not isinstance(min_chars, (int, np.integer)) or isinstance(min_chars, bool) or min_chars < 0:
        raise ParameterError(f"detect_language(min_chars={min_chars!r}): expected a whole number >= 0 "
                             f"(letters a text must have to be detected), e.g. min_chars=10.")
    if engine not in ENGINES:
        raise ParameterError(f"detect_language(engine={engine!r}): expected one of {list(ENGINES)}.")
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
                 engine: str = "lingua", progress: bool | None = None) -> pd.DataFrame:
    """Return a copy of ``table`` with a ``lang`` column ("en", "de" or "unknown").

    Same rows, same order, same index; the input is not modified. An existing ``lang`` column is
    replaced. See :func:`detect_language` for ``min_chars``, ``engine`` and ``progress``.

    Parameters
    ----------
    table : pandas.DataFrame
        Any table with a text column, usually posts or comments.
    text_col : str, default "text"
        Column holding the text.

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
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(f"add_language(table=...): expected a pandas DataFrame, found "
                             f"{type(table).__name__}. For plain texts use detect_language(texts).")
    if text_col not in table.columns:
        raise SchemaError(f"add_language(text_col={text_col!r}): no such column; present: "
                          f"{list(table.columns)}. Pass text_col=... naming the text column.",
                          problems=[f"missing column {text_col!r}"])
    out = table.copy()
    out["lang"] = detect_language(table[text_col], min_chars=min_chars, engine=engine,
                                  progress=progress)
    return out


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
