"""One rule for progress bars: shown where someone watches, silent where nobody does.

Every public ``progress=`` parameter of the toolkit defaults to ``None`` = auto: a bar is shown
only in a Jupyter notebook (a widget bar) or when standard error is a terminal. A script whose
standard error goes to a file or a pipe (a cron job, a CI log) gets no bar, so its log holds no
carriage-return noise. ``True`` or ``False`` force the bar on or off. The environment variable
``TOOLKIT_PROGRESS`` (``off`` or ``on``) overrides the auto choice for a whole process and its
children: :func:`toolkit.report.render` sets it to ``off`` for the notebooks it executes, whose
pages nobody watches while they run.

The toolkit's messages for scripts go through :mod:`logging`, on the ``toolkit`` logger
(:data:`logger`); the library configures no handler, so an application decides where they go
(``logging.basicConfig(level=logging.INFO)`` shows them).

>>> from toolkit._progress import wanted
>>> wanted(False), wanted(True)
(False, True)
>>> wanted(True, size=10, min_size=1000)  # forced on: shown whatever the size
True
"""

from __future__ import annotations

import logging
import sys

__all__ = ["wanted", "bar", "watched", "logger", "ENV"]

ENV = "TOOLKIT_PROGRESS"

logger = logging.getLogger("toolkit")
"""The toolkit's logger; no handler is configured by the library (Python's default applies)."""


def _in_notebook() -> bool:
    """True inside a Jupyter kernel (JupyterLab, Notebook, VS Code), where tqdm draws a widget bar."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
    except Exception:  # pragma: no cover - a broken IPython install is not ours to fix
        return False
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def _on_terminal() -> bool:
    stream = sys.stderr
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):  # replaced by an object without isatty, or closed
        return False


def watched() -> bool:
    """True where someone watches: in a notebook, or with standard error on a terminal.

    ``TOOLKIT_PROGRESS=off`` (or ``0``, ``false``, ``no``) in the environment says nobody does;
    ``on`` (``1``, ``true``, ``yes``) says someone does.
    """
    import os

    setting = os.environ.get(ENV, "").strip().lower()
    if setting in ("off", "0", "false", "no"):
        return False
    if setting in ("on", "1", "true", "yes"):
        return True
    return _in_notebook() or _on_terminal()


def wanted(progress: bool | None, *, size: int | None = None, min_size: int = 0) -> bool:
    """Whether to show a bar: ``progress`` if given, else auto (watched, and ``size >= min_size``).

    Parameters
    ----------
    progress : bool or None
        The user's choice; None = auto.
    size : int, optional
        How much work there is (items); with ``min_size``, auto skips the bar for small jobs.
    min_size : int
        Smallest ``size`` that is worth a bar in auto mode.
    """
    if progress is not None:
        if not isinstance(progress, (bool, int)):
            from .errors import ParameterError

            raise ParameterError(f"progress={progress!r}: expected None (auto: a bar only on a terminal or in "
                                 "a notebook), True or False.")
        return bool(progress)
    if size is not None and size < min_size:
        return False
    return watched()


def bar(iterable=None, *, progress: bool | None, size: int | None = None, min_size: int = 0,
        **options):
    """A tqdm bar (``tqdm.auto``: a widget in notebooks) over ``iterable``, disabled unless :func:`wanted`.

    ``options`` go to tqdm (``desc``, ``unit``, ``total``, ``leave``, ``delay``...).
    """
    from tqdm.auto import tqdm

    if size is None:
        size = options.get("total")
        if size is None and iterable is not None and hasattr(iterable, "__len__"):
            size = len(iterable)
    return tqdm(iterable, disable=not wanted(progress, size=size, min_size=min_size), **options)
