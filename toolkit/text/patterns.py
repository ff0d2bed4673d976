"""The URL, hashtag, mention and emoji patterns: one definition each, used everywhere.

Every module that finds or strips a URL, hashtag, mention or emoji imports its pattern from here
(``tk.text.hashtags``/``mentions``/``urls``, ``tk.text.clean``, language detection, sentiment,
``tk.performance.content_effects`` and ``channel_fit``); a test fails when a second definition
appears elsewhere in ``toolkit/``. The rules are spelled out in :mod:`toolkit.text.features`.

Names are stable (other modules import them):

``URL``
    ``http://``, ``https://`` or ``www.`` up to the next space, quote or angle bracket (a ``re``
    pattern, so pandas' ``.str`` methods accept it). Trailing punctuation is trimmed by the callers
    that keep the URL (``URL_TRAIL``).
``BARE_URL``
    ``URL`` or a bare ``domain.tld/path`` (``shop.de/sale``): what :func:`toolkit.text.clean` removes.
``HASHTAG_RUN`` / ``HASHTAG_MARK``
    a run of chained hashtags (``#Kaffee#Kuchen``) / the ``#`` (or fullwidth ``＃``) that starts one.
``MENTION``
    ``@handle`` or ``@user@host.tld``; group 1 = handle, group 2 = host. Not e-mail addresses.
``MENTION_STRIP`` / ``HASHTAG_STRIP``
    what :func:`toolkit.text.clean` removes: a mention with a hyphenated or dotted handle and a
    trailing ``:`` (``@anna-lena:``), and the ``#`` of a hashtag that is not glued to a word or to
    another ``#`` (``##double`` and ``#tag#tag2`` keep their inner marks). Stricter about context
    than ``MENTION``/``HASHTAG_RUN`` on purpose: cleaning must not eat text it cannot place.
``EMAIL``
    an e-mail address.
``EMOJI``
    one emoji: a flag pair, or a pictograph with its variation selector, skin tone and ZWJ-joined
    parts (a ``re`` pattern over the emoji code-point blocks).

>>> from toolkit.text.patterns import URL, MENTION, HASHTAG_RUN, EMOJI
>>> URL.findall("Mehr: https://x.de/a?b=1 und www.y.de")
['https://x.de/a?b=1', 'www.y.de']
>>> [m.group(1) for m in MENTION.finditer("Danke @anna.k und info@firma.de")]
['anna.k']
>>> HASHTAG_RUN.findall("C# ist #Kaffee#Kuchen")
['#Kaffee#Kuchen']
>>> EMOJI.findall("Top 👍🏽 ❤️")
['👍🏽', '❤️']
"""

from __future__ import annotations

import re

import regex

__all__ = ["URL", "URL_TRAIL", "URL_PREFIX", "BARE_URL", "HASHTAG_RUN", "HASHTAG_MARK", "MENTION", "MENTION_STRIP", "HASHTAG_STRIP", "EMAIL", "EMOJI",
           "WORD_CHARS"]

#: Characters of a hashtag or handle body (``regex`` syntax).
WORD_CHARS = r"\p{L}\p{M}\p{N}_"
_W = WORD_CHARS

URL = re.compile(r"(?:https?://|www\.)[^\s<>\"\u201c\u201d\u00ab\u00bb]+", re.IGNORECASE)
#: Characters that end a sentence rather than a URL when they close it.
URL_TRAIL = ".,;:!?'\"\u2019\u201d\u00bb)]}>…"
#: The scheme and ``www.`` at the start of a URL (dropped to compare links).
URL_PREFIX = re.compile(r"^(?:https?://)?(?:www\.)?", re.IGNORECASE)
BARE_URL = re.compile(URL.pattern + r"|\b[\w.-]+\.(?:com|de|org|net|ly|co|at|ch|io)/\S*", re.IGNORECASE)

HASHTAG_RUN = regex.compile(rf"(?<![{_W}&/])(?:[#＃][{_W}]+)+")
HASHTAG_MARK = regex.compile(r"[#＃]")

MENTION = regex.compile(
    rf"(?<![{_W}@＠.+\-])[@＠]([\p{{L}}\p{{N}}_](?:[{_W}.]*[{_W}])?)"
    rf"(?:@([\p{{L}}\p{{N}}\-]+(?:\.[\p{{L}}\p{{N}}\-]+)+))?(?![{_W}@＠])")
# The look-behinds come after the literal '@' / '#' (same matches as "(?<![\w@])@..."): a pattern
# that starts with a literal lets the regex engine jump from '#' to '#' (twice as fast on long texts).
MENTION_STRIP = re.compile(r"@(?<![\w@]@)\w+(?:[.:-]\w+)*(?:@[\w-]+(?:\.[\w-]+)+)?:?")
HASHTAG_STRIP = re.compile(r"#(?<![\w#]#)(?=\w)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

_EMO_BASE = ("\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u21ff\u2300-\u23ff\u24c2\u25a0-\u27bf"
             "\u2900-\u297f\u2b00-\u2bff\u3030\u303d\u3297\u3299\U0001f000-\U0001faff")
EMOJI = re.compile(
    "[\U0001f1e6-\U0001f1ff]{2}"  # flags
    f"|[{_EMO_BASE}][\ufe0f\ufe0e]?[\U0001f3fb-\U0001f3ff]?"
    f"(?:\u200d[{_EMO_BASE}][\ufe0f\ufe0e]?[\U0001f3fb-\U0001f3ff]?)*"
)
