"""Sentiment of English and German social-media text with lexicon rules, emoji and user words.

:func:`sentiment` scores texts, :func:`add_sentiment` adds the scores to a posts or comments table,
:func:`load_lexicon` (from :mod:`toolkit.text.lexicons`) reads the bundled lexicons or a user's file (a
CSV/TSV of words and valences, or SentiWS) as a table of ``word, valence``.

One job per module: :mod:`toolkit.text.lexicons` reads lexicons, ``_engines`` scores one cleaned text,
``_langrule`` tells the language of the texts to score, and this module is the API that cleans,
deduplicates, routes each text to its engine and labels the scores. :mod:`toolkit.text.model` builds
on it; nothing here imports the model.

How a text is scored
--------------------
1. :func:`toolkit.text.clean` removes RT markers, @mentions and URLs and keeps hashtag words.
2. The language is detected (``lang="auto"``) or given. Texts with fewer than 10 letters are
   ``"unknown"`` (as :func:`toolkit.text.detect_language` would say); texts with clear evidence
   (two or more words only one language uses and none of the other, or a clear lead; see
   ``toolkit.text._langrule``) are labelled directly; only the others go to
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

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .._compact import like
from .._engine import is_dask
from .._validate import check_kind, did_you_mean, refuse_overwrite
from ..errors import ParameterError, SchemaError
from ._engines import _scorer
from ._langrule import _detect
from ._util import _show_progress
from .cleaning import _clean_one
from .lexicons import _extra_dict, load_lexicon

__all__ = ["sentiment", "add_sentiment", "load_lexicon", "LABELS", "THRESHOLDS"]

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
_SCORE_CHUNK = 10_000  # distinct texts scored between two progress-bar updates


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
        raise ParameterError(f"{where}(lang={lang!r}): not a known language{did_you_mean(lang, _LANGS)}; "
                             f"valid: {', '.join(repr(x) for x in _LANGS)}.")
    if backend not in _BACKENDS:
        raise ParameterError(f"{where}(backend={backend!r}): not a known backend{did_you_mean(backend, _BACKENDS)}; "
                             f"valid: {', '.join(repr(x) for x in _BACKENDS)} "
                             "('textblob' applies to English texts; German always uses the rule engine).")


def _language_groups(langs: np.ndarray, backend: str):
    """(language key, backend of its engine, boolean row mask) for "en", "de" and "unknown" (any
    other value); only the English engine has a TextBlob alternative."""
    for key in ("en", "de", "unknown"):
        rows = (langs == key) if key != "unknown" else ~np.isin(langs, ["en", "de"])
        if rows.any():
            yield key, (backend if key == "en" else "vader"), rows



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
    if is_dask(texts):  # engine="dask": lazy, each distinct text scored once per partition
        from .._dask import sentiment as on_dask

        return on_dask(texts, lang=lang, backend=backend, extra_lexicon=extra_lexicon, model=model,
                       thresholds=thresholds)
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
        # any object with SentimentModel's _predict_unique; checked by behaviour so that this module
        # does not import toolkit.text.model (which builds on it)
        predict = getattr(model, "_predict_unique", None)
        if not callable(predict):
            raise ParameterError(f"{where}(model=...): got {type(model).__name__}; expected a trained "
                                 "toolkit.text.SentimentModel (see SentimentModel.fit / .load).")
        uscores, ulabels = predict(cuniques, ulangs, progress=progress)
    else:
        uscores = _score_unique(cuniques, list(ulangs), backend=backend, extra=extra, progress=progress)
        ulabels = _labels(uscores, ulangs, backend, thresholds)
    row = ccodes[codes]
    return ulangs[row], uscores[row], ulabels[row]


def add_sentiment(table: pd.DataFrame, *, text_col: str = "text", lang: str = "auto",
                  backend: str = "vader", extra_lexicon: object = None, model: object = None,
                  thresholds: tuple[float, float] | None = None, overwrite: bool = False,
                  progress: bool | None = None) -> pd.DataFrame:
    """Return ``table`` with sentiment columns added (posts, comments or any table with text).

    Same rows, order and index; the input is not modified. A table that already has any of the
    three columns below is refused unless ``overwrite=True`` (never replaced silently). ``lang`` is
    what :func:`toolkit.text.add_language` says for the same text (one definition). See
    :func:`sentiment` for the options and how scores are made.

    Parameters
    ----------
    table : pandas.DataFrame
        Usually the canonical posts or comments table.
        A Dask DataFrame runs on the Dask engine and gives a lazy Dask DataFrame (:mod:`toolkit.scale`).
    text_col : str, default "text"
        Column with the text to score.
    overwrite : bool, default False
        Replace existing ``lang``/``sentiment_score``/``sentiment_label`` columns.

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
    if is_dask(table):  # engine="dask": lazy, each distinct text scored once per partition
        from .._dask import add_sentiment as on_dask

        return on_dask(table, text_col=text_col, lang=lang, backend=backend, extra_lexicon=extra_lexicon,
                       model=model, thresholds=thresholds, overwrite=overwrite)
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(f"add_sentiment(table): got {type(table).__name__}; expected a DataFrame "
                             "(posts or comments). For a list of texts use sentiment(texts).")
    check_kind(table, ("posts", "comments"), where="add_sentiment(table)")
    if text_col not in table.columns:
        raise SchemaError(f"add_sentiment(text_col={text_col!r}): no such column"
                          f"{did_you_mean(text_col, table.columns)}; the table has "
                          f"{list(table.columns)[:12]}. Pass text_col=... naming the text column.",
                          problems=[f"missing column {text_col!r}"])
    refuse_overwrite(table, ["lang", "sentiment_score", "sentiment_label"], overwrite=overwrite,
                     where="add_sentiment")
    column = table[text_col]
    langs, scores, labels = _score_values(column.astype(object).to_numpy(), pd.isna(column).to_numpy(),
                                          lang=lang, backend=backend, extra_lexicon=extra_lexicon,
                                          model=model, thresholds=thresholds, progress=progress,
                                          where="add_sentiment")
    out = table.copy()
    out["lang"] = pd.array(langs, dtype="string")
    out["sentiment_score"] = pd.array(scores, dtype="Float64")  # NaN (nothing to score) becomes <NA>
    out["sentiment_label"] = pd.array(labels, dtype="string")
    return like(table, out, ["lang", "sentiment_label"])  # a compact table stays compact (Dataset.compact)
