"""Hashtags, mentions, emoji, URLs, keywords, n-grams and questions in social-media text.

Every extractor returns a tidy long table: one row per (text, item), with the id columns of the input
first, then the item, then ``position`` (0 for the first item of that kind in the text, 1 for the
second ...). A text without items has no rows. All of them accept a table (``text_col``,
``id_cols``) or plain texts (a list or Series; the id column is then ``id``: the Series index, or the
position in the list).

Rules, decided once for all platforms:

Hashtags
    ``#`` or the fullwidth ``＃`` followed by letters, digits, marks and ``_`` in any script
    (``#Kreuzworträtsel``, ``#Straße``, ``#東京``). A hashtag needs at least one letter: ``#1`` and
    ``#2024`` are not hashtags, ``#123abc`` is. Not a hashtag: ``#`` right after a letter or digit
    (``C#``, ``abc#def``), after ``&`` (HTML entities such as ``&#39;``) or ``/``, or inside a URL
    (``https://x.de/#anchor``). Chained tags (``#Kaffee#Kuchen``) are two hashtags. Punctuation ends
    a hashtag (``#Kaffee!`` is ``Kaffee``). The key ``hashtag`` is the text after ``#``,
    NFKC-normalised (fullwidth letters become plain ones) and lower-cased with :meth:`str.lower`, so
    ``#Röstfrisch`` and ``#röstfrisch`` share the key ``röstfrisch`` and ``ß`` stays ``ß``
    (``str.casefold`` would turn ``straße`` into ``strasse``).
Mentions
    ``@handle`` (or ``＠``), handles of letters, digits, ``_`` and inner dots, and the fediverse form
    ``@user@host.tld`` kept whole. Not a mention: e-mail addresses (``info@firma.de``: the ``@``
    follows a letter), ``@`` inside URLs. Key ``mention``: lower-cased, without the leading ``@``.
Emoji
    As the ``emoji`` package finds them: ZWJ sequences (👨‍👩‍👧‍👦), flags, keycaps, skin-tone
    modifiers and the variation selector VS16 (❤️) stay with their base as one item; ❤️ and ❤ are
    different items (the sequence is kept as written).
URLs
    ``http://``, ``https://`` or ``www.`` up to the next space; trailing punctuation (``.,;:!?`` and
    closing quotes or brackets that were not opened inside the URL) is not part of it. ``domain`` is
    the lower-cased host without ``www.`` and port.

Examples
--------
>>> import pandas as pd, toolkit as tk
>>> posts = pd.DataFrame({"platform": ["instagram"], "post_id": ["1"],
...                       "text": ["Neu: #Röstfrisch & #röstfrisch 2x ☕ #1"]})
>>> tk.text.hashtags(posts)
    platform post_id     hashtag      display  position
0  instagram       1  röstfrisch  #Röstfrisch         0
1  instagram       1  röstfrisch  #röstfrisch         1
"""

from __future__ import annotations

import functools
import unicodedata
import warnings
from collections import Counter
from collections.abc import Callable, Iterable
from importlib import resources
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import regex

from .._progress import wanted
from ..errors import ParameterError, SchemaError
from .._compat import renamed
from .._engine import is_dask
from .._validate import check_kind, did_you_mean
from . import patterns

__all__ = ["hashtags", "mentions", "emoji", "urls", "keywords", "ngrams", "is_question",
           "stopwords"]

_DEFAULT_IDS = ("platform", "post_id")
_PROGRESS_MIN = 50_000  # distinct texts before a progress bar is worth showing

# --- patterns ----------------------------------------------------------------------------------
# URL, hashtag and mention patterns: one definition each, in toolkit.text.patterns
_URL_RE, _URL_TRAIL = patterns.URL, patterns.URL_TRAIL
_HASHTAG_RUN_RE, _HASHTAG_SPLIT_RE, _MENTION_RE = patterns.HASHTAG_RUN, patterns.HASHTAG_MARK, patterns.MENTION
_LETTER_RE = regex.compile(r"\p{L}")
_TOKEN_OK_RE = regex.compile(rf"^{patterns.HASHTAG_MARK.pattern}?\p{{L}}[\p{{L}}\p{{M}}\p{{N}}_'’\-]*$")
_QUESTION_MARK_RE = regex.compile(r"[?？¿]")

# Interrogative openings (lower-case), matched at the start of the text or of a sentence, after any
# leading @mentions, emoji or punctuation. Ambiguous words ("wie", "was", "how", "what", ...) count only
# with a continuation that makes a question ("wie lange", "what time"), so "Wie geil!" and
# "What a day" are not questions.
_OPENERS_DE = [
    r"wann", r"warum", r"wieso", r"weshalb", r"woher", r"wohin", r"womit", r"wozu", r"wofür",
    r"worüber", r"worauf", r"wo", r"welche[rsnm]?",
    r"wie (?:lange|viel|viele|oft|teuer|weit|spät|früh|geht|kann|können|komme|kommt|kommen|bekomme"
    r"|bekommt|funktioniert|ist|sind|war|sieht|macht|mache|machen|heißt|heisst|läuft|soll|sollen"
    r"|hoch|groß|gross|alt|genau|denn|habt|hast|haben|wäre|würde|erreiche|erreicht)",
    r"was (?:kostet|kosten|ist|sind|macht|machen|soll|sollen|kann|bedeutet|heißt|heisst|genau|denkt"
    r"|meint|haltet|passiert|gibt|war|los|habt|hast|muss|denn|tun|mache|bringt)",
    r"wer (?:ist|war|hat|kann|weiß|weiss|kennt|macht|will|möchte|kommt)",
    r"gibt es", r"gibt's", r"gibts", r"habt ihr", r"hast du", r"haben sie", r"hat jemand",
    r"hat (?:das|die|der) (?:schon )?jemand",
    r"kann man", r"kann ich", r"kann mir", r"kannst du", r"können sie", r"könnt ihr", r"könnte man",
    r"könntet ihr", r"könnten sie", r"ist es", r"ist das", r"ist die", r"ist der", r"ist hier",
    r"sind die", r"seid ihr", r"bist du", r"sind sie", r"weiß jemand", r"weiss jemand",
    r"kennt jemand", r"muss ich", r"muss man", r"darf ich", r"darf man", r"soll ich", r"sollte ich",
    r"bekommt man", r"bekomme ich", r"geht das", r"lohnt sich", r"wird es", r"wird das",
]
_OPENERS_EN = [
    r"why",
    r"how (?:do|does|did|can|could|would|should|is|are|was|were|much|many|long|often|far|old|to"
    r"|come|about)",
    r"(?:when|where) (?:is|are|was|were|do|does|did|will|can|could|should|would)",
    r"what (?:is|are|was|were|do|does|did|can|could|should|would|will|time|happened|about|if|kind)",
    r"who (?:is|are|was|were|knows|has|can|will|else|did|does|wants)",
    r"which (?:one|is|are|do|does|did|can|should|would)",
    r"is it", r"is there", r"is this", r"is that", r"are you", r"are there", r"are they", r"do you",
    r"does (?:it|anyone|anybody|this|that)", r"did you", r"did anyone", r"can i", r"can you",
    r"can we", r"can someone", r"can anyone", r"could you", r"could i", r"would you", r"will you",
    r"will there", r"should i", r"has anyone", r"have you", r"anyone know", r"any idea", r"any news",
    r"any update",
]
_OPENER_RE = regex.compile(
    r"(?:^|[.!…\n])(?:[^\w@]|@[\w.]+)*(?:" + "|".join(_OPENERS_DE + _OPENERS_EN) + r")(?![\w'])",
    regex.IGNORECASE)


# --- public extractors -------------------------------------------------------------------------

def hashtags(table, *, text_col: str = "text", id_cols=_DEFAULT_IDS) -> pd.DataFrame:
    """Hashtags of each text, one row per (text, hashtag occurrence).

    See the module docstring for what counts as a hashtag.

    Parameters
    ----------
    table : pandas.DataFrame, or list / Series of str
        Posts, comments or any table with a text column; or plain texts.
        A Dask DataFrame runs on the Dask engine and gives a lazy Dask DataFrame (:mod:`toolkit.scale`).
    text_col : str, default "text"
        Column holding the text (tables only).
    id_cols : sequence of str, default ("platform", "post_id")
        Columns copied to the result to say which text an item came from (tables only); use
        ``("platform", "comment_id")`` for comments. Plain texts get one column ``id``.

    Returns
    -------
    pandas.DataFrame
        One row per hashtag occurrence, in text order. Columns: the id columns, ``hashtag`` (key:
        without ``#``, NFKC-normalised, lower-case), ``display`` (as written, with its ``#`` or
        ``＃``), ``position`` (0-based order among the hashtags of that text).

    Examples
    --------
    >>> import toolkit as tk
    >>> tags = tk.text.hashtags(["#Straße & ＃Kaffee, https://x.de/#anchor #1"])
    >>> tags["hashtag"].tolist(), tags["display"].tolist()
    (['straße', 'kaffee'], ['#Straße', '＃Kaffee'])
    """
    return _extract(table, text_col, id_cols, _find_hashtags, ("hashtag", "display"), "hashtags")


def mentions(table, *, text_col: str = "text", id_cols=_DEFAULT_IDS) -> pd.DataFrame:
    """@mentions of each text, one row per (text, mention occurrence).

    Parameters are those of :func:`hashtags`.

    Returns
    -------
    pandas.DataFrame
        One row per mention, in text order. Columns: the id columns, ``mention`` (lower-case handle
        without the leading ``@``; fediverse mentions keep their ``@host``), ``display`` (as
        written, with ``@``), ``position``.

    Examples
    --------
    >>> import toolkit as tk
    >>> tk.text.mentions(["Danke @DB_Bahn und @Anna@mastodon.social! Mail: info@firma.de"])
       id               mention                display  position
    0   0               db_bahn               @DB_Bahn         0
    1   0  anna@mastodon.social  @Anna@mastodon.social         1
    """
    return _extract(table, text_col, id_cols, _find_mentions, ("mention", "display"), "mentions")


def emoji(table, *, text_col: str = "text", id_cols=_DEFAULT_IDS) -> pd.DataFrame:
    """Emoji of each text, one row per (text, emoji occurrence).

    Parameters are those of :func:`hashtags`.

    Returns
    -------
    pandas.DataFrame
        One row per emoji, in text order. Columns: the id columns, ``emoji`` (the sequence as
        written, modifiers, VS16 and ZWJ parts included), ``name`` (the ``emoji`` package's English
        name without colons, underscores as spaces, e.g. ``"thumbs up medium skin tone"``),
        ``position``.

    Examples
    --------
    >>> import toolkit as tk
    >>> tk.text.emoji(["Top 👍🏽❤️"])[["emoji", "name"]]
      emoji                        name
    0    👍🏽  thumbs up medium skin tone
    1    ❤️                   red heart
    """
    return _extract(table, text_col, id_cols, _find_emoji, ("emoji", "name"), "emoji")


def urls(table, *, text_col: str = "text", id_cols=_DEFAULT_IDS) -> pd.DataFrame:
    """Links in each text, one row per (text, URL occurrence).

    Parameters are those of :func:`hashtags`.

    Returns
    -------
    pandas.DataFrame
        One row per URL, in text order. Columns: the id columns, ``url`` (as written, without
        trailing punctuation), ``domain`` (lower-case host without ``www.`` and port),
        ``position``.

    Examples
    --------
    >>> import toolkit as tk
    >>> tk.text.urls(["Mehr auf https://WWW.Bahn.de/angebote. Oder www.example.com/x?a=1)"])
       id                           url       domain  position
    0   0  https://WWW.Bahn.de/angebote      bahn.de         0
    1   0         www.example.com/x?a=1  example.com         1
    """
    return _extract(table, text_col, id_cols, _find_urls, ("url", "domain"), "urls")


@renamed(top="n")
def keywords(table, *, text_col: str = "text", weight_col: str | None = None,
             lang: str | Iterable[str] | None = None, n: int | None = 30, min_docs: int = 1,
             extra_stopwords: Iterable[str] = (), progress: bool | None = None) -> pd.DataFrame:
    """The most used words, optionally weighted by engagement.

    Texts are NFKC-normalised, URLs removed and tokenised with nltk's ``TweetTokenizer``
    (lower-case, @handles dropped, "soooo" shortened to "sooo"). A keyword is a token that starts
    with a letter (a leading ``#`` is dropped, so ``#Bahn`` counts as ``bahn``), is at least 2
    characters long and is not a stop word. Pure numbers, emoji and punctuation are never keywords.

    Parameters
    ----------
    table : pandas.DataFrame, or list / Series of str
        Posts, comments or plain texts.
        A Dask DataFrame runs on the Dask engine and gives the same table (:mod:`toolkit.scale`).
    text_col : str, default "text"
        Column holding the text (tables only).
    weight_col : str, optional
        Numeric column to weight by (e.g. ``"engagements"`` or ``"likes"``; tables only).
        ``<NA>`` (not reported) is left out of ``weight`` and ``weight_mean``, with a warning.
    lang : {"en", "de"} or list of them, optional
        Stop-word lists to apply; default both English and German. The texts are not filtered by
        language: use :func:`toolkit.text.add_language` and select rows for that.
    n : int or None, default 30
        Number of rows to return; ``None`` for all. (Called ``top=`` before 0.2.)
    min_docs : int, default 1
        Keep only keywords used in at least this many texts.
    extra_stopwords : iterable of str
        More words to ignore (brand names, the account's own name...); compared lower-case.
    progress : bool, optional
        Show a progress bar when there are many distinct texts. Default None: only on a
        terminal or in a notebook.

    Returns
    -------
    pandas.DataFrame
        One row per keyword, best first. Columns: ``keyword``; ``n_docs`` (texts containing it);
        ``doc_rate`` = n_docs / number of non-empty texts; ``n_occurrences`` (all uses, repeats
        within a text included); with ``weight_col`` also ``weight`` = sum of ``weight_col`` over
        the texts containing the keyword and ``weight_mean`` = that sum / number of those texts
        with a reported weight. Sorted by ``weight`` when weighted, else by ``n_docs``, then
        ``n_occurrences``, then ``keyword``.

    Examples
    --------
    >>> import pandas as pd, toolkit as tk
    >>> posts = pd.DataFrame({"text": ["Der Kaffee ist super", "Kaffee und Kuchen", "The coffee is great"],
    ...                       "likes": [10, 2, 5]})
    >>> tk.text.keywords(posts, weight_col="likes", n=3)
      keyword  n_docs  doc_rate  n_occurrences  weight  weight_mean
    0  kaffee       2  0.666667              2    12.0          6.0
    1   super       1  0.333333              1    10.0         10.0
    2  coffee       1  0.333333              1     5.0          5.0
    """
    return _count_terms(table, order=1, text_col=text_col, weight_col=weight_col, lang=lang, top=n,
                        min_docs=min_docs, extra_stopwords=extra_stopwords, progress=progress,
                        name="keywords", term_col="keyword")


def _old_ngrams_call(kwargs: dict) -> bool:
    # before 0.2 ``n`` was the n-gram order and ``top`` the rows: a call with top=, or with a small n and
    # no order=, is an old call (mapped with a DeprecationWarning; nobody asks for the top 1-3 n-grams).
    n = kwargs.get("n")
    return "top" in kwargs or ("order" not in kwargs and isinstance(n, int) and not isinstance(n, bool)
                               and 1 <= n <= 3)


@renamed(n="order", top="n", when=_old_ngrams_call)
def ngrams(table, *, order: int = 2, text_col: str = "text", weight_col: str | None = None,
           lang: str | Iterable[str] | None = None, n: int | None = 30, min_docs: int = 1,
           extra_stopwords: Iterable[str] = (), progress: bool | None = None) -> pd.DataFrame:
    """The most used phrases of ``n`` words, optionally weighted by engagement.

    Tokens as in :func:`keywords`. An n-gram is ``n`` consecutive word tokens within one stretch of
    text: punctuation, emoji, URLs, handles and numbers break a stretch, so no n-gram spans "Danke!
    Super". Stop words may sit inside an n-gram ("kaffee und kuchen") but not at its start or end.

    Parameters
    ----------
    order : int, default 2
        Words per n-gram (1 gives the same as :func:`keywords`). (Called ``n=`` before 0.2; for one
        release ``n=1..3`` without ``order=`` is still read as the order, with a DeprecationWarning.)
    table, text_col, weight_col, lang, n, min_docs, extra_stopwords, progress
        As in :func:`keywords` (``n`` = rows returned, called ``top=`` before 0.2).

    Returns
    -------
    pandas.DataFrame
        One row per n-gram, best first. Columns: ``ngram`` (words joined by a space), ``n_docs``,
        ``doc_rate``, ``n_occurrences`` and, with ``weight_col``, ``weight`` and ``weight_mean``,
        defined and sorted as in :func:`keywords`.

    Examples
    --------
    >>> import toolkit as tk
    >>> tk.text.ngrams(["Kaffee und Kuchen!", "Heute Kaffee und Kuchen 😍"], order=3)
                   ngram  n_docs  doc_rate  n_occurrences
    0  kaffee und kuchen       2       1.0              2
    """
    if not isinstance(order, (int, np.integer)) or isinstance(order, bool) or order < 1:
        raise ParameterError(f"ngrams(order={order!r}): expected a whole number >= 1, e.g. order=2.")
    term_col = "keyword" if order == 1 else "ngram"
    return _count_terms(table, order=int(order), text_col=text_col, weight_col=weight_col, lang=lang, top=n,
                        min_docs=min_docs, extra_stopwords=extra_stopwords, progress=progress,
                        name="ngrams", term_col=term_col)


def is_question(texts) -> pd.Series:
    """Whether each text asks a question (English or German).

    True when the text has a question mark (``?``, ``？`` or ``¿``) outside URLs, or a sentence opens
    with an interrogative such as "wann", "wo", "warum", "wie lange", "gibt es", "habt ihr", "kann
    man", "why", "how do", "when is", "is it", "do you", "can i" (after any leading @mentions or
    emoji), even without a question mark. Ambiguous openers count only with a continuation that
    makes a question, so "Wie geil!" and "What a day" are not questions. Missing texts are False.

    Parameters
    ----------
    texts : str, list of str, or pandas.Series
        The texts; for a table pass its column (``comments["text"]``).

    Returns
    -------
    pandas.Series
        One bool per text, name ``"is_question"``, index of the input Series (else ``0..n-1``).

    Examples
    --------
    >>> import toolkit as tk
    >>> tk.text.is_question(["Wann öffnet ihr morgen", "Toller Post!", "see https://x.com/?q=1",
    ...                      "@shop do you ship to Austria"]).tolist()
    [True, False, False, True]
    """
    if isinstance(texts, pd.DataFrame):
        raise ParameterError("is_question(texts=DataFrame): expected texts; pass the text column, "
                             "e.g. is_question(comments['text']).")
    series = _as_text_series(texts)
    out = np.zeros(len(series), dtype=bool)
    present = series.notna().to_numpy()
    if present.any():
        raw = series[present].map(lambda v: v if isinstance(v, str) else str(v))
        codes, uniques = pd.factorize(raw, use_na_sentinel=False)
        answers = np.array([_is_question_one(t) for t in uniques], dtype=bool)
        out[present] = answers[codes]
    return pd.Series(out, index=series.index, name="is_question")


@functools.lru_cache(maxsize=4)
def stopwords(lang: str) -> frozenset[str]:
    """The shipped stop-word list of ``lang`` ("en" or "de") as a frozenset of lower-case words.

    English: scikit-learn's ``ENGLISH_STOP_WORDS`` (BSD-3-Clause) plus social-media additions;
    German: written for this toolkit (MIT). Sources and licences are at the top of
    ``toolkit/text/data/stopwords_<lang>.txt``.
    """
    if lang not in ("en", "de"):
        raise ParameterError(f"stopwords(lang={lang!r}): expected 'en' or 'de'.")
    text = resources.files("toolkit.text").joinpath("data", f"stopwords_{lang}.txt").read_text("utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


# --- helpers: inputs ---------------------------------------------------------------------------

def _as_text_series(texts) -> pd.Series:
    if isinstance(texts, pd.Series):
        return texts
    if texts is None or isinstance(texts, str) or not isinstance(texts, Iterable):
        return pd.Series([texts], dtype=object)
    return pd.Series(list(texts), dtype=object)


def _texts_and_ids(table, text_col: str, id_cols, name: str) -> tuple[pd.Series, pd.DataFrame]:
    """The texts (object Series, "" for missing, plain index) and the id frame (same length)."""
    if isinstance(table, pd.DataFrame):
        check_kind(table, ("posts", "comments"), where=f"{name}(table)")
        ids = [id_cols] if isinstance(id_cols, str) else list(id_cols)
        missing = [c for c in [text_col, *ids] if c not in table.columns]
        if missing:
            hint = (" For comments pass id_cols=('platform', 'comment_id')."
                    if any(c in ids for c in missing) else " Pass text_col=... naming the text column.")
            raise SchemaError(f"{name}(): column(s) {missing} not in the table"
                              f"{did_you_mean(missing[0], table.columns)}; present: "
                              f"{list(table.columns)}.{hint}", problems=[f"missing {missing}"])
        texts = table[text_col]
        id_frame = table[ids].reset_index(drop=True)
    else:
        texts = _as_text_series(table)
        id_frame = pd.DataFrame({"id": texts.index})
    texts = pd.Series([v if isinstance(v, str) else ("" if _isna(v) else str(v)) for v in texts],
                      dtype=object)
    return texts, id_frame


def _isna(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _extract(table, text_col, id_cols, finder: Callable[[str], list[tuple]], columns: tuple[str, str],
             name: str) -> pd.DataFrame:
    if is_dask(table):  # engine="dask": lazy, partition by partition
        from .._dask import extract as on_dask

        return on_dask(_extract, table, text_col, id_cols, finder, columns, name)
    texts, ids = _texts_and_ids(table, text_col, id_cols, name)
    codes, uniques = pd.factorize(texts, use_na_sentinel=False)
    found = [finder(t) for t in uniques]
    counts_u = np.array([len(f) for f in found], dtype=np.int64)
    flat = [item for f in found for item in f]
    offsets_u = np.concatenate([[0], np.cumsum(counts_u)[:-1]]) if len(found) else np.zeros(0, np.int64)
    counts = counts_u[codes] if len(codes) else np.zeros(0, np.int64)
    rows = np.repeat(np.arange(len(texts)), counts)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    position = np.arange(len(rows)) - starts
    take = np.repeat(offsets_u[codes] if len(codes) else np.zeros(0, np.int64), counts) + position
    out = ids.iloc[rows].reset_index(drop=True)
    for i, col in enumerate(columns):
        values = [flat[j][i] for j in take]
        out[col] = pd.array(values, dtype="string")
    out["position"] = position.astype("int64")
    return out


# --- helpers: finders (one text -> list of item tuples) ---------------------------------------

def _find_hashtags(text: str) -> list[tuple[str, str]]:
    if "#" not in text and "＃" not in text:
        return []
    out = []
    for run in _HASHTAG_RUN_RE.finditer(_URL_RE.sub(" ", text)):
        s = run.group()
        marks = [m.start() for m in _HASHTAG_SPLIT_RE.finditer(s)] + [len(s)]
        for a, b in zip(marks[:-1], marks[1:]):
            body = s[a + 1:b]
            if body and _LETTER_RE.search(body):
                out.append((unicodedata.normalize("NFKC", body).lower(), s[a:b]))
    return out


def _find_mentions(text: str) -> list[tuple[str, str]]:
    if "@" not in text and "＠" not in text:
        return []
    out = []
    for m in _MENTION_RE.finditer(_URL_RE.sub(" ", text)):
        key = m.group(1) + (f"@{m.group(2)}" if m.group(2) else "")
        out.append((unicodedata.normalize("NFKC", key).lower(), m.group()))
    return out


def _find_emoji(text: str) -> list[tuple[str, str]]:
    if text.isascii():
        return []
    import emoji as _emoji

    out = []
    for item in _emoji.emoji_list(text):
        seq = item["emoji"]
        data = _emoji.EMOJI_DATA.get(seq) or _emoji.EMOJI_DATA.get(seq.replace("\ufe0f", "")) or {}
        out.append((seq, data.get("en", "").strip(":").replace("_", " ")))
    return out


def _find_urls(text: str) -> list[tuple[str, str]]:
    if "http" not in text.lower() and "www." not in text.lower():
        return []
    out = []
    for m in _URL_RE.finditer(text):
        url = _trim_url(m.group())
        if url:
            out.append((url, _domain(url)))
    return out


def _trim_url(url: str) -> str:
    pairs = {")": "(", "]": "[", "}": "{", ">": "<"}
    while url and url[-1] in _URL_TRAIL:
        last = url[-1]
        if last in pairs and url.count(pairs[last]) >= url.count(last):
            break  # balanced bracket, e.g. Wikipedia links
        url = url[:-1]
    return url


def _domain(url: str) -> str:
    try:
        host = urlsplit(url if "://" in url else "http://" + url).hostname or ""
    except ValueError:
        return ""
    host = host.lower()
    return host[4:] if host.startswith("www.") else host


# --- helpers: keywords and n-grams ---------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _tokenizer():
    from nltk.tokenize import TweetTokenizer

    return TweetTokenizer(preserve_case=False, reduce_len=True, strip_handles=True,
                          match_phone_numbers=False)


def _stretches(text: str) -> list[list[str]]:
    """Runs of word tokens (lower-case, '#' dropped); anything else breaks a run."""
    text = _URL_RE.sub(" . ", unicodedata.normalize("NFKC", text))
    runs, current = [], []
    for tok in _tokenizer().tokenize(text):
        if _TOKEN_OK_RE.match(tok):
            current.append(tok.lstrip("#＃"))
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _terms(text: str, n: int, stop: frozenset[str]) -> list[str]:
    out = []
    for run in _stretches(text):
        if n == 1:
            out.extend(t for t in run if len(t) >= 2 and t not in stop)
            continue
        for i in range(len(run) - n + 1):
            gram = run[i:i + n]
            if gram[0] in stop or gram[-1] in stop or len(gram[0]) < 2 or len(gram[-1]) < 2:
                continue
            out.append(" ".join(gram))
    return out


def _stop_set(lang, extra: Iterable[str], name: str) -> frozenset[str]:
    if lang is None:
        langs = ["en", "de"]
    elif isinstance(lang, str):
        langs = [lang]
    else:
        langs = list(lang)
    bad = [x for x in langs if x not in ("en", "de")]
    if bad:
        raise ParameterError(f"{name}(lang={lang!r}): expected 'en', 'de', a list of them or None "
                             f"(both); found {bad}.")
    if isinstance(extra, str):
        extra = [extra]
    words = set().union(*(stopwords(x) for x in langs))
    words |= {unicodedata.normalize("NFKC", w).lower() for w in extra}
    return frozenset(words)


def _count_terms(table, *, order: int, text_col: str, weight_col, lang, top, min_docs, extra_stopwords,
                 progress: bool | None, name: str, term_col: str) -> pd.DataFrame:
    if top is not None and (not isinstance(top, (int, np.integer)) or isinstance(top, bool) or top < 1):
        raise ParameterError(f"{name}(n={top!r}): expected a whole number >= 1 (rows to return) or None for all.")
    if not isinstance(min_docs, (int, np.integer)) or isinstance(min_docs, bool) or min_docs < 1:
        raise ParameterError(f"{name}(min_docs={min_docs!r}): expected a whole number >= 1.")
    stop = _stop_set(lang, extra_stopwords, name)
    if is_dask(table):  # engine="dask": counts per partition, added up (toolkit/_dask.py)
        from .._dask import term_table as on_dask

        return on_dask(table, order=order, text_col=text_col, weight_col=weight_col, stop=stop, progress=progress,
                       name=name, top=top, min_docs=min_docs, term_col=term_col)
    counts, n_texts = _term_counts(table, order=order, text_col=text_col, weight_col=weight_col, stop=stop,
                                   progress=progress, name=name)
    return _term_table(counts, n_texts, weighted=weight_col is not None, top=top, min_docs=min_docs,
                       term_col=term_col)


def _term_counts(table, *, order: int, text_col: str, weight_col, stop, progress, name: str
                 ) -> tuple[pd.DataFrame, int]:
    """(one row per term: n_docs, n_occurrences, with weights also weight and reported (texts with a
    reported weight), indexed by term; the number of non-empty texts). Sums over parts of a table give
    the whole's: the Dask engine adds up its partitions' (toolkit/_dask.py)."""
    texts, _ = _texts_and_ids(table, text_col, (), name)
    weights = None
    if weight_col is not None:
        if not isinstance(table, pd.DataFrame):
            raise ParameterError(f"{name}(weight_col={weight_col!r}): weights need a table; plain "
                                 f"texts have no columns.")
        if weight_col not in table.columns:
            raise SchemaError(f"{name}(weight_col={weight_col!r}): no such column"
                              f"{did_you_mean(weight_col, table.columns)}; present: "
                              f"{list(table.columns)}.", problems=[f"missing column {weight_col!r}"])
        try:
            weights = pd.to_numeric(table[weight_col]).astype("Float64").reset_index(drop=True)
        except (TypeError, ValueError):
            bad = pd.to_numeric(table[weight_col], errors="coerce").isna() & table[weight_col].notna()
            example = table[weight_col][bad].iloc[0] if bad.any() else None
            raise ParameterError(f"{name}(weight_col={weight_col!r}): the column is not numeric (found "
                                 f"{example!r} in {int(bad.sum())} row(s)); pick a count column such as "
                                 "'engagements'.") from None
    non_empty = texts.str.strip().ne("").to_numpy(dtype=bool)
    n_texts = int(non_empty.sum())
    codes, uniques = pd.factorize(texts, use_na_sentinel=False)
    frame = pd.DataFrame({"code": codes, "one": 1})
    if weights is not None:
        unreported = int((weights.isna().to_numpy() & non_empty).sum())
        if unreported:
            warnings.warn(f"{name}(): {weight_col!r} is not reported (<NA>) for {unreported} of "
                          f"{n_texts} texts; they count for n_docs but not for weight.", stacklevel=4)
        frame["w"] = weights.fillna(0.0).to_numpy(dtype=float)
        frame["r"] = weights.notna().to_numpy(dtype=int)
    per_text = frame.groupby("code", sort=True).sum()
    mult = per_text["one"].to_numpy()
    w_sum = per_text["w"].to_numpy() if weights is not None else None
    r_sum = per_text["r"].to_numpy() if weights is not None else None

    n_docs: Counter = Counter()
    n_occ: Counter = Counter()
    weight: Counter = Counter()
    reported: Counter = Counter()
    iterator = range(len(uniques))
    if len(uniques) >= _PROGRESS_MIN and wanted(progress):
        from tqdm.auto import tqdm
        iterator = tqdm(iterator, desc=name, unit="text")
    for u in iterator:
        text = uniques[u]
        if not text:
            continue
        counts = Counter(_terms(text, order, stop))
        m = int(mult[u])
        for term, c in counts.items():
            n_docs[term] += m
            n_occ[term] += m * c
            if w_sum is not None:
                weight[term] += float(w_sum[u])
                reported[term] += int(r_sum[u])

    terms = list(n_docs)
    counts = pd.DataFrame({"n_docs": np.array([n_docs[t] for t in terms], dtype=np.int64),
                           "n_occurrences": np.array([n_occ[t] for t in terms], dtype=np.int64)},
                          index=pd.Index(terms, dtype=object, name="term"))
    if weights is not None:
        counts["weight"] = np.array([weight[t] for t in terms], dtype=float)
        counts["reported"] = np.array([reported[t] for t in terms], dtype=np.int64)
    return counts, n_texts


def _term_table(counts: pd.DataFrame, n_texts: int, *, weighted: bool, top, min_docs: int,
                term_col: str) -> pd.DataFrame:
    """keywords'/ngrams' table (rates, sorted, top rows) from :func:`_term_counts`."""
    terms = list(counts.index)
    n_docs_a = counts["n_docs"].to_numpy(dtype=np.int64)
    out = pd.DataFrame({
        term_col: pd.array(terms, dtype="string"),
        "n_docs": n_docs_a,
        "doc_rate": n_docs_a / n_texts if n_texts else np.zeros(len(terms)),
        "n_occurrences": counts["n_occurrences"].to_numpy(dtype=np.int64),
    })
    sort_cols = ["n_docs", "n_occurrences"]
    if weighted:
        out["weight"] = counts["weight"].to_numpy(dtype=float)
        rep = counts["reported"].to_numpy(dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            out["weight_mean"] = pd.array(np.where(rep > 0, out["weight"].to_numpy() / np.where(rep > 0, rep, 1),
                                                   np.nan), dtype="Float64")
        sort_cols = ["weight", *sort_cols]
    out = out[out["n_docs"] >= min_docs]
    out = out.sort_values([*sort_cols, term_col], ascending=[False] * len(sort_cols) + [True],
                          kind="stable")
    if top is not None:
        out = out.head(int(top))
    return out.reset_index(drop=True)


def _is_question_one(text: str) -> bool:
    if "?" in text or "？" in text or "¿" in text:
        if _QUESTION_MARK_RE.search(_URL_RE.sub(" ", text)):
            return True
    return _OPENER_RE.search(text) is not None
