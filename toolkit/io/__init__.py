"""Reading platform exports into the canonical tables.

``toolkit.load(path, *, tz=None)`` reads a file, a folder (recursively) or archives as downloaded,
detects each file's format from its content, and returns a :class:`Dataset`. One module per
export format registers a loader (see :mod:`toolkit.io._base` for the interface).
"""

from __future__ import annotations

from . import linkedin, meta, meta_dyi  # noqa: F401  (register Meta and LinkedIn loaders)
from . import mastodon, tiktok, x, youtube  # noqa: F401  (register X, YouTube, TikTok and Mastodon loaders)
from . import bluesky, ga4, matomo, threads, ua, whatsapp  # noqa: F401  (web analytics; chats; Threads; Bluesky)
from . import generic  # noqa: F401  (registers the generic CSV loader)
from ._base import DEFAULT_TZ, LIMITS, Context, Loader, Parsed, Source, loaders, register
from ._core import REPORT_COLUMNS, UNREADABLE, UNRECOGNISED, Dataset, load, read

__all__ = ["load", "read", "Dataset", "DEFAULT_TZ", "LIMITS", "REPORT_COLUMNS", "UNREADABLE", "UNRECOGNISED",
           "Source", "Context",
           "Parsed", "Loader", "register", "loaders"]


def __dir__() -> list[str]:
    # dir() and tab completion offer the public names only, not the helpers this module imports
    return sorted(__all__)
