"""Text analysis for English and German social-media text.

``tk.text.clean`` normalises social-media text, ``tk.text.detect_language`` tells English from German,
``tk.text.sentiment`` / ``tk.text.add_sentiment`` score it, ``tk.text.SentimentModel`` learns from a user's own
labels, and ``tk.text.hashtags`` / ``mentions`` / ``emoji`` / ``urls`` / ``keywords`` extract features as tidy tables.
"""

from __future__ import annotations

import importlib

# public name -> submodule that defines it (loaded on first use)
_NAMES = {
    "clean": "cleaning",
    "sentiment": "scoring",
    "add_sentiment": "scoring",
    "load_lexicon": "lexicons",
    "SentimentModel": "model",
    "detect_language": "language",
    "add_language": "language",
    "hashtags": "features",
    "mentions": "features",
    "emoji": "features",
    "urls": "features",
    "keywords": "features",
    "ngrams": "features",
    "is_question": "features",
}
__all__ = sorted(_NAMES)


def __getattr__(name: str):
    module = _NAMES.get(name)
    if module is None:
        raise AttributeError(f"module 'toolkit.text' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    # dir() and tab completion offer the public names only (loaded or not yet), not the helpers
    return sorted(__all__)
