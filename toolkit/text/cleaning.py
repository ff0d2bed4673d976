"""Social-media normalisation of text before scoring or counting words.

:func:`clean` removes what platforms add around the words people write: retweet markers, @mentions,
links and HTML entities. Hashtags keep their word (``#bahnchaos`` becomes ``bahnchaos``), because the
word carries meaning; mentions are dropped, because a handle such as ``@united`` would otherwise be
scored as the English word "united".

Examples
--------
>>> from toolkit.text import clean
>>> clean("RT @united: Thanks!! #happy https://t.co/x1")
'Thanks!! happy'
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

import pandas as pd

from ..errors import ParameterError
from . import patterns

__all__ = ["clean"]

_RT_RE = re.compile(r"^\s*(?:RT|rt)\b:?\s*")
# URL, mention and hashtag patterns live in toolkit.text.patterns (one module for all of them)
_URL_RE, _MENTION_RE, _HASHTAG_RE = patterns.BARE_URL, patterns.MENTION_STRIP, patterns.HASHTAG_STRIP


def _clean_one(text: object) -> str:
    """Clean one value; missing values (None, NaN, <NA>) become ``""``."""
    if text is None or text is pd.NA:
        return ""
    if not isinstance(text, str):
        if isinstance(text, float) and text != text:  # NaN
            return ""
        text = str(text)
    if "&" in text:
        text = html.unescape(text)
    if text.lstrip()[:2] in ("RT", "rt"):
        text = _RT_RE.sub("", text)
    if "http" in text or "www" in text or "/" in text:
        text = _URL_RE.sub(" ", text)
    if "@" in text:
        text = _MENTION_RE.sub(" ", text)
    if "#" in text:
        text = _HASHTAG_RE.sub("", text)
    out = " ".join(text.split())
    return text if out == text else out  # unchanged text: keep the caller's string, no copy


def clean(texts: str | pd.Series | Iterable[str | None]) -> str | pd.Series:
    """Normalise social-media text: drop RT markers, @mentions and URLs, keep hashtag words.

    Steps, in order: HTML entities are decoded (``&amp;`` -> ``&``); a leading ``RT`` marker is removed;
    URLs (``http(s)://...``, ``www....`` and bare ``domain.tld/path``) are removed; @mentions (including
    a trailing colon) are removed; ``#word`` becomes ``word``; runs of whitespace become one space and
    the ends are stripped. Case, punctuation and emoji are kept: sentiment rules use them.

    Parameters
    ----------
    texts : str, pandas.Series or list-like of str
        One text or many. Missing values (``None``, ``NaN``, ``<NA>``) are read as empty text.

    Returns
    -------
    str or pandas.Series
        A ``str`` for a ``str`` input. Otherwise a Series of dtype ``string`` with one row per input
        text, index preserved from a Series input (a fresh 0..n-1 index for a list). The input is not
        modified.

    Raises
    ------
    ParameterError
        If ``texts`` is a DataFrame (pass one column, e.g. ``posts["text"]``).

    Examples
    --------
    >>> clean("@united flight delayed again, thanks a lot &amp; #fail")
    'flight delayed again, thanks a lot & fail'
    >>> clean(["RT @db_bahn: Zug fällt aus", None]).tolist()
    ['Zug fällt aus', '']
    """
    if isinstance(texts, str):
        return _clean_one(texts)
    if isinstance(texts, pd.DataFrame):
        raise ParameterError(
            "clean(texts): got a DataFrame with columns "
            f"{list(texts.columns)[:5]}, expected one text column (a Series) or a list of texts. "
            "Pass e.g. clean(posts['text'])."
        )
    series = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)
    # Clean each distinct text once: comment streams repeat the same short texts a lot.
    values = series.astype(object).tolist()
    cache: dict = {}
    out = []
    for value in values:
        key = value if isinstance(value, str) else None
        if key is None:
            out.append(_clean_one(value))
            continue
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = _clean_one(key)
        out.append(hit)
    return pd.Series(out, index=series.index, dtype="string", name=series.name)
