"""What every curated notebook does before and after its own chapter: prepare the data, link the pages.

Public through :mod:`toolkit.report` as ``tk.report.prepare`` and ``tk.report.nav``.
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
import warnings
from dataclasses import dataclass, replace
from pathlib import Path

__all__ = ["prepare", "nav", "Nav", "show_notes"]


# ----------------------------------------------------------------------------------------------
# the toolkit's warnings as notes in notebooks


def _in_warnings(frame) -> bool:
    return frame.f_globals.get("__name__") == "warnings"


def from_toolkit() -> bool:
    """True when the warning being shown right now was raised by the toolkit's own code.

    Call it from a ``warnings.showwarning`` hook: above the hook are the frames of the
    ``warnings`` machinery, and above those the frame that called ``warnings.warn``. A pandas
    or numpy warning raised while the toolkit called pandas has pandas' frame there, so it does
    not count. False when not called while a warning is shown.
    """
    frame = sys._getframe(1)
    while frame is not None and not _in_warnings(frame):  # the hook (and what it called)
        frame = frame.f_back
    while frame is not None and _in_warnings(frame):  # warnings.warn's own machinery
        frame = frame.f_back
    if frame is None:
        return False
    name = frame.f_globals.get("__name__") or ""
    return name == "toolkit" or name.startswith("toolkit.")


class _NoteHook:
    """``warnings.showwarning`` replacement: the toolkit's warnings as notes, the rest as before."""

    def __init__(self, previous):
        self.previous = previous

    def __call__(self, message, category, filename, lineno, file=None, line=None):
        if from_toolkit():
            from IPython.display import display

            from .report import Note

            display(Note(str(message), kind="warning"))
            return
        self.previous(message, category, filename, lineno, file, line)


def show_notes() -> bool:
    """In a notebook, show the toolkit's warnings as formatted notes from now on.

    Warnings the toolkit raises on purpose ("ignored 3 posts without a publish time") then
    appear as a boxed sentence, not as a ``UserWarning`` with a file path and a code line.
    Other warnings (from pandas, numpy, ...) are shown as before. Outside IPython (scripts,
    cron jobs) nothing changes: warnings go to stderr, or to ``logging`` with
    ``logging.captureWarnings(True)``. :func:`prepare` calls this.

    Returns
    -------
    bool
        True when the notes are shown in a notebook (now or already), False outside one.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return False
    shell = get_ipython()
    if shell is None or not hasattr(shell, "kernel"):
        return False
    if not isinstance(warnings.showwarning, _NoteHook):
        warnings.showwarning = _NoteHook(warnings.showwarning)
    return True


def prepare(data, *, tz: str, date_from: str | None = None, date_to: str | None = None,
            platforms: list[str] | None = None, pseudonymize: bool = True, salt: str | None = None,
            progress: bool | None = None):
    """Load a folder of exports and narrow it to the analysed window: the first cell of every notebook.

    One call does what each curated notebook needs before its first question: :func:`toolkit.load`
    with ``errors="reject"`` (a file or row that cannot be read is listed in the load report and
    :func:`toolkit.report.unreadable`, never fatal while any file is readable), then
    :func:`toolkit.inventory.select` to the period and platforms, then, unless switched off,
    :func:`toolkit.community.pseudonymize` of the commenters' names (and their ``@mentions``).
    In a notebook it first calls :func:`show_notes`, so the toolkit's warnings (rows rejected,
    files that could not be read, ...) appear as formatted notes.

    Parameters
    ----------
    data : path, or list of paths
        A file, a folder (searched recursively) or a zip/tar archive with platform exports.
    tz : str
        IANA time zone of the audience (``"Europe/Berlin"``): exports without a zone are read in
        it, and the period's days are local days in it.
    date_from, date_to : str, optional
        First and last day analysed, both included (``"2026-03-01"``); None = from the start / to
        the end of the data.
    platforms : list of str, optional
        Platforms to keep (``["instagram", "facebook"]``); None = all.
    pseudonymize : bool
        Replace commenters' names by stable pseudonyms (the account's own name stays).
    salt : str, optional
        Key of the pseudonyms; None = a random key per Python session.
    progress : bool, optional
        Progress bar while loading; None = only on a terminal or in a notebook.

    Returns
    -------
    toolkit.io.Dataset
        The selected tables (posts, comments, daily, traffic); ``load_report`` and ``rejected``
        describe every file read, before the selection.

    Examples
    --------
    >>> import toolkit as tk
    >>> ds = tk.report.prepare("data/samples", tz="Europe/Berlin", date_from="2026-06-01",
    ...                        date_to="2026-06-30", platforms=["instagram"])  # doctest: +SKIP
    """
    from .community import pseudonymize as _pseudonymize
    from .inventory import select
    from .io import load

    show_notes()
    ds = load(data, tz=tz, errors="reject", progress=progress)
    ds = select(ds, date_from=date_from, date_to=date_to, platforms=platforms, tz=tz)
    if pseudonymize and len(ds.comments):
        ds = replace(ds, comments=_pseudonymize(ds.comments, salt=salt))
    return ds


# ----------------------------------------------------------------------------------------------
# navigation between the chapters


@dataclass(frozen=True)
class Nav:
    """Links from one curated notebook to the previous and next one and to the overview.

    Displays as one line of links in JupyterLab and on report pages (where the renderer points
    them at the ``.html`` pages). Each link is a ``(file name, title)`` pair or None.
    """

    page: str
    previous: tuple[str, str] | None
    next: tuple[str, str] | None
    overview: tuple[str, str] | None

    def _parts(self) -> list[tuple[str, str, str]]:
        parts = []
        if self.previous:
            parts.append(("Previous", *self.previous))
        if self.next:
            parts.append(("Next", *self.next))
        if self.overview and self.overview[0] not in {self.page, *(p[0] for p in (self.previous, self.next) if p)}:
            parts.append(("Back to the overview", *self.overview))
        return parts

    def _repr_markdown_(self) -> str:
        return " &middot; ".join(f"{label}: [{title}]({name})" if label != "Back to the overview"
                                 else f"Back to the [overview]({name})" for label, name, title in self._parts())

    def _repr_html_(self) -> str:
        links = " &middot; ".join(
            f"{html.escape(label)}: <a href=\"{html.escape(name)}\">{html.escape(title)}</a>"
            if label != "Back to the overview" else f"Back to the <a href=\"{html.escape(name)}\">overview</a>"
            for label, name, title in self._parts())
        return f"<p class='toolkit-nav'>{links}</p>"

    def __repr__(self) -> str:
        return " | ".join(f"{label}: {title} ({name})" for label, name, title in self._parts())


def _title(path: Path) -> str:
    """The first Markdown ``# heading`` of a notebook (its question), else its file name."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return path.stem
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            source = "".join(cell.get("source", ""))
            m = re.search(r"^#\s+(.+)$", source, flags=re.M)
            if m:
                return m.group(1).strip()
    return path.stem


def nav(page: str, *, folder: str | os.PathLike | None = None) -> Nav:
    """The links at the end of a curated notebook: previous and next chapter, and the overview.

    The order is the order of :func:`toolkit.report.notebooks` (``00-overview`` first, then by
    number), so a new ``NN-*.ipynb`` is linked from its neighbours without editing them.

    Parameters
    ----------
    page : str
        The notebook's own file name (``"03-when-should-we-post.ipynb"``).
    folder : path, optional
        Folder of the notebooks; default: the curated notebooks shipped with the toolkit.

    Returns
    -------
    Nav
        ``previous`` / ``next`` / ``overview`` as (file name, title), None at the ends.
    """
    from .errors import ParameterError
    from .report import notebooks

    books = notebooks(folder)
    names = [b.name for b in books]
    if page not in names:
        raise ParameterError(f"nav(page={page!r}): not a curated notebook; expected one of {names}.")
    i = names.index(page)
    link = (lambda b: (b.name, _title(b)))
    return Nav(page=page, previous=link(books[i - 1]) if i > 0 else None,
               next=link(books[i + 1]) if i + 1 < len(books) else None,
               overview=link(books[0]) if books[0].name.startswith("00-") else None)


_NOTEBOOK_HREF = re.compile(r"""(\bhref\s*=\s*["'])(\d\d-[^"'/#?]+)\.ipynb(?=[#"'])""")


def html_links(body: str) -> str:
    """Point links between curated notebooks (``NN-name.ipynb``) at their report pages (``NN-name.html``)."""
    return _NOTEBOOK_HREF.sub(lambda m: f"{m.group(1)}{m.group(2)}.html", body)
