"""The language of distinct cleaned texts for sentiment scoring: a fast word rule first, the
detector of :mod:`toolkit.text.language` only for the texts the rule cannot decide."""

from __future__ import annotations

# The rule lives in toolkit.text.language, next to the detector, so that a text's language has one
# definition; this module keeps the names scoring and the model import.
from .language import _detect, _detect_cleaned, _quick_lang  # noqa: F401

__all__: list[str] = []
