"""Plumbing shared by the sentiment scorers and the language rule: a bounded token cache and the
progress-bar default."""

from __future__ import annotations

_PROGRESS_MIN = 20_000  # distinct texts from which a progress bar is shown by default
_CACHE_MAX = 100_000  # entries per token cache of a scorer (bounded memory on streams of unique words)


class _TokenCache(dict):
    """token -> computed record; a miss computes it with ``make`` and keeps it while the cache has
    fewer than ``_CACHE_MAX`` entries. ``list(map(cache.__getitem__, tokens))`` looks tokens up
    without a Python call per known token."""

    __slots__ = ("make",)

    def __init__(self, make) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: str):
        value = self.make(key)
        if len(self) < _CACHE_MAX:  # read at call time: tests lower it
            self[key] = value
        return value


def _show_progress(total: int, enabled: bool | None) -> bool:
    """``progress=None`` means: show a bar from ``_PROGRESS_MIN`` distinct texts on, where someone
    watches (a terminal or a notebook; see :mod:`toolkit._progress`)."""
    from .._progress import wanted

    return wanted(enabled, size=total, min_size=_PROGRESS_MIN)
