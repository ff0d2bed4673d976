"""Translations of the toolkit's pages: gettext catalogs, one folder per language.

``<lang>/LC_MESSAGES/toolkit.po`` holds the words of tables, charts, notes and the report frame
(table headers, axis labels, footnotes, the methods section); ``<lang>/LC_MESSAGES/notebooks.po``
holds the notebooks' markdown cells, one entry per cell with the notebook and cell id as context
(``msgctxt "03-when-should-we-post.ipynb#f51b2177"``) and the English text as ``msgid``. A new
language is a new folder with these two files: nothing in the code lists the languages.

The ``.po`` files are read with Babel and compiled in memory when first used, so an installed
wheel needs nothing but the ``.po`` files (shipped as package data) and no build step can leave a
stale ``.mo`` behind. ``python -m toolkit.locale`` refreshes ``notebooks.pot`` (the template of the
notebooks' cells) and lists the cells each language is missing.
"""

from __future__ import annotations

import gettext
import io
import os
from functools import lru_cache
from importlib import resources

__all__ = ["translations", "languages", "default_language", "DOMAINS"]

#: The catalogs of each language.
DOMAINS = ("toolkit", "notebooks")


def languages() -> list[str]:
    """The languages with a catalog (always including English, the source language)."""
    root = resources.files("toolkit.locale")
    found = {p.name for p in root.iterdir() if p.is_dir() and (p / "LC_MESSAGES").is_dir()}
    return sorted(found | {"en"})


def default_language(env: dict | None = None) -> str:
    """The language of the user's environment when a catalog exists for it, else English.

    Looks at ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` in that order (as gettext
    does), e.g. ``de_DE.UTF-8`` gives ``"de"``.
    """
    env = os.environ if env is None else env
    known = languages()
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var) or ""
        for part in value.split(":"):
            code = part.split(".")[0].split("@")[0].split("_")[0].lower()
            if code in ("c", "posix", ""):
                continue
            if code in known:
                return code
    return "en"


@lru_cache(maxsize=None)
def translations(lang: str, domain: str = "toolkit") -> gettext.NullTranslations:
    """The catalog ``domain`` of ``lang`` (a no-op for English or a language without one)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    path = resources.files("toolkit.locale").joinpath(lang, "LC_MESSAGES", f"{domain}.po")
    if lang == "en" or not path.is_file():
        return gettext.NullTranslations()
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang, domain=domain)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return Translations(buf, domain=domain)
