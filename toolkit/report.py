"""Render the curated notebooks on a data folder into shareable HTML, and export tables safely.

Each notebook in ``notebooks/`` is executed with papermill (its ``parameters`` cell receives the
data folder, time zone, date range, pseudonymisation switch and one salt per report run), then
exported to one self-contained HTML page (plotly.js embedded, no CDN, code hidden unless asked
for) that ends with a methods section (:func:`methods`). An ``index.html`` links the pages. The
command line front end is ``python -m toolkit report``.

User text (comments, captions, names) is untrusted: pages show it escaped, and :func:`to_csv` /
:func:`to_excel` neutralise spreadsheet formulas (``=HYPERLINK(...)``) before writing.

Examples
--------
>>> import pandas as pd, toolkit as tk
>>> t = pd.DataFrame({"text": ["=HYPERLINK(\\"http://x\\")", "fine", "-5 Sterne"], "n": [1, -2, 3]})
>>> tk.report.neutralize(t)["text"].tolist()
['\\'=HYPERLINK("http://x")', 'fine', "'-5 Sterne"]
"""

from __future__ import annotations

import errno
import html
import os
import re
import secrets
import shutil
import signal
import socket
import tempfile
import threading
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

import pandas as pd

from . import _format, _pages
from ._chapters import Nav, html_links as _html_links, nav, prepare, show_notes
from ._dates import iso_day
from ._pdf import PDF_NAME, PdfUnavailable
from ._progress import ENV as PROGRESS_ENV
from ._progress import bar as progress_bar
from ._progress import logger, wanted
from .io._store import _alive  # whether a process lives: the lock of a report, as of a store's writer
from ._summary import Summary, check_period, summary, summary_shown
from .errors import InputFileError, ParameterError, ReportError

__all__ = ["render", "notebooks", "methods", "benchmarks", "neutralize", "to_csv", "to_excel", "show", "unreadable",
           "Note", "NOTEBOOK_DIR", "Page", "prepare", "nav", "Nav", "summary", "Summary", "PdfUnavailable",
           "show_notes"]

#: The curated notebooks: the repository's ``notebooks/``, shipped in the package as ``toolkit._notebooks``.
NOTEBOOK_DIR = Path(str(resources.files("toolkit._notebooks")))
_BENCHMARKS = Path(str(resources.files("toolkit._docs").joinpath("benchmarks.md")))

# Renderer for figures inside executed notebooks: the mimetype keeps JupyterLab interactive, the
# "notebook" renderer embeds plotly.js in the output so nbconvert's HTML draws offline.
_PLOTLY_RENDERER = "plotly_mimetype+notebook"

# Pages may run their own inline scripts (plotly) but never load or send anything over the network.
_CSP = ("default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
        "img-src data: blob:; font-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'")

# Hidden first cell of every executed notebook: pandas Styler tables escape cell text like plain
# DataFrames do (user text such as "<script>" shows as text), also after ``.style.format({...})``.
_SAFE_SETUP = """import sys as _sys
# jsonschema (which plotly's renderers import through nbformat) builds an IRI grammar at import when
# rfc3987_syntax is installed: about 3 s per notebook for a check a report never uses.
_sys.modules.setdefault("rfc3987_syntax", None)
import functools as _ft
import pandas as _pd
from pandas.io.formats.style import Styler as _Styler
_pd.set_option("styler.format.escape", "html")
_Styler.format = _ft.partialmethod(_Styler.format, escape="html")
_Styler.format_index = _ft.partialmethod(_Styler.format_index, escape="html")
import warnings as _warnings
# a report reader needs the warning, not the file name and source line it was raised from
_warnings.formatwarning = lambda message, category, *args, **kwargs: f"Note: {message}\\n"
# renamed options (toolkit._compat) concern whoever maintains the notebook, not the page's reader
_warnings.filterwarnings("ignore", category=DeprecationWarning)
"""

# Leading characters that make a spreadsheet cell a formula (OWASP "CSV injection").
_RISKY = ("=", "+", "-", "@", "\t", "\r")

_COMMUNITY_DEFINITIONS = [
    ("reply_rate", "user comments with at least one reply by the account / user comments (top-level "
                   "comments not written by the account)"),
    ("median_minutes / p90_minutes", "median / 90th percentile of the minutes from a user comment to the "
                                     "account's first reply, over replied comments"),
    ("business minutes", "the same, counting only minutes inside business hours (Mon-Fri 09:00-17:00 "
                         "unless a notebook says otherwise)"),
    ("unanswered question", "top-level user comment detected as a question (English or German, "
                            "tk.text.is_question) without a reply by the account"),
    ("negative spike", "a day whose share of negative comments is at least 2x its baseline (previous 28 "
                       "days), with at least 5 negative comments and a binomial p-value below 0.01 / "
                       "days tested (Bonferroni)"),
]

_LEXICONS = [
    ("English", "VADER rules and lexicon (vaderSentiment, Hutto & Gilbert 2014; MIT licence)"),
    ("German", "German Polarity Lexicon (Klenner, Clematide, Wiegand & Peters 2010; Apache 2.0 via "
               "textblob-de) plus the toolkit's German social-media words, with VADER-style rules "
               "(negation, boosters, emphasis); licences in toolkit/text/LEXICONS.md"),
    ("Emoji", "Emoji Sentiment Ranking (Kralj Novak, Smailović, Sluban & Mozetič 2015) plus documented "
              "additions"),
    ("Unknown language", "short texts (\"Toll! 😍\") are scored with both lexicons merged"),
]


@dataclass(frozen=True)
class Page:
    """One rendered notebook: its title and the HTML file written."""

    notebook: str
    title: str
    path: Path
    seconds: float


def notebooks(folder: str | os.PathLike | None = None) -> list[Path]:
    """The curated notebooks in order (``NN-*.ipynb``; ``00-overview`` first)."""
    folder = Path(folder) if folder else NOTEBOOK_DIR
    return sorted(p for p in folder.glob("[0-9][0-9]-*.ipynb"))


# ----------------------------------------------------------------------------------------------
# what a page says when a section has nothing to show

_NOTE_STYLE = {
    "info": "border-left:4px solid #9e9e9e;background:#f5f5f5;padding:.6rem 1rem;margin:.4rem 0",
    "warning": "border-left:4px solid #e69f00;background:#fff8e6;padding:.6rem 1rem;margin:.4rem 0",
}


class Note:
    """A sentence (and optionally a small table) shown in a notebook or report page instead of a
    bare table or chart.

    Displays as a short boxed paragraph in JupyterLab and in rendered pages, as plain text
    elsewhere; all text is HTML-escaped. An empty note displays nothing.

    Attributes
    ----------
    text : str
        The sentence.
    table : pandas.DataFrame or None
        Rows shown under the sentence.
    kind : {"info", "warning"}
        How prominently it is shown.
    """

    def __init__(self, text: str, *, table: pd.DataFrame | None = None, kind: str = "info") -> None:
        if kind not in _NOTE_STYLE:
            raise ParameterError(f"Note(kind={kind!r}): expected one of {sorted(_NOTE_STYLE)}.")
        self.text = str(text)
        self.table = table
        self.kind = kind

    def __bool__(self) -> bool:
        return bool(self.text)

    def __repr__(self) -> str:
        if self.table is None or self.table.empty:
            return self.text
        return self.text + "\n" + self.table.to_string(index=False)

    def _repr_html_(self) -> str:
        if not self.text:
            return ""
        body = f"<p style='margin:0'>{html.escape(self.text)}</p>"
        if self.table is not None and not self.table.empty:
            body += self.table.to_html(index=False, escape=True, border=0)
        return f"<div class='toolkit-note' style='{_NOTE_STYLE[self.kind]}'>{body}</div>"


def _has_data(result) -> bool:
    import plotly.graph_objects as go

    if isinstance(result, go.Figure):
        for trace in result.data:
            for attr in ("x", "y", "z", "values", "r"):
                values = getattr(trace, attr, None)
                if values is not None and len(values) and pd.notna(pd.Series(list(values), dtype=object)).any():
                    return True
        return False
    table = getattr(result, "data", result) if type(result).__name__ == "Styler" else result
    if isinstance(table, (pd.DataFrame, pd.Series)):
        return len(table) > 0
    raise ParameterError(f"show(): expected a table, a styled table or a figure, found {type(result).__name__}.")


def show(result, *, empty: str):
    """``result`` itself when it holds anything, else a :class:`Note` saying so in one sentence.

    Notebooks wrap the tables and charts of sections that thin data can leave empty (no
    comments, no replies, a one-day period), so the page reads "No comments in this period, so
    ..." instead of an empty table or a blank chart.

    Parameters
    ----------
    result : DataFrame, Series, pandas Styler or plotly Figure
        What the section shows. A table is empty without rows; a figure when no trace holds a
        value.
    empty : str
        The sentence to show instead, written for the reader of the page: what is missing and,
        where it helps, why. ``""`` shows nothing (for a second view of data whose first view
        already said so).

    Returns
    -------
    The unchanged ``result``, or a :class:`Note`.

    Examples
    --------
    >>> import pandas as pd, toolkit as tk
    >>> tk.report.show(pd.DataFrame({"a": []}), empty="No comments in this period.")
    No comments in this period.
    >>> tk.report.show(pd.DataFrame({"a": [1]}), empty="No comments in this period.")
       a
    0  1
    """
    return result if _has_data(result) else Note(empty)


_NOT_READ = ("unreadable", "unrecognised")


def unreadable(dataset) -> Note:
    """The files of a load that could not be used, with what was wrong and what to do, as a box.

    Lists the load report's rows with format "unreadable" (a file that could not be read: empty,
    cut off, not an export, a broken archive) or "unrecognised" (a file that is not an export the
    toolkit knows). Every other file was used.

    Parameters
    ----------
    dataset : toolkit.io.Dataset
        The result of :func:`toolkit.load`.

    Returns
    -------
    Note
        A warning box with one row per file (columns file, problem), or an empty note (which
        displays nothing) when every file was read. ``note.table`` holds the rows.
    """
    report = getattr(dataset, "load_report", None)
    if not isinstance(report, pd.DataFrame) or not {"file", "format", "notes"} <= set(report.columns):
        raise ParameterError("unreadable(dataset): expected a dataset from toolkit.load() (with a load_report).")
    bad = report[report["format"].astype(str).isin(_NOT_READ)].drop_duplicates("file")
    table = pd.DataFrame({"file": bad["file"].astype(str).to_numpy(),
                          "problem": [(("Could not be read: " if f == "unreadable" else "Not an export: ") + str(n))
                                      for f, n in zip(bad["format"].astype(str), bad["notes"].fillna(""))]})
    if table.empty:
        return Note("", table=table)
    n_files = report["file"].nunique()
    text = (f"{len(table)} of {n_files} file(s) could not be used; every page is based on the other files. "
            "Fix or remove these files and run the report again:")
    return Note(text, table=table, kind="warning")


# ----------------------------------------------------------------------------------------------
# safe exports


def neutralize(table: pd.DataFrame) -> pd.DataFrame:
    """Make text cells safe to open in a spreadsheet program.

    Text cells (and column names) starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return get a leading single quote, so Excel, LibreOffice and Google Sheets show them as text
    instead of running them as formulas (``=HYPERLINK("http://evil", "click")``). Numbers, dates
    and missing values are left alone, so a negative number stays a number.

    Parameters
    ----------
    table : pandas.DataFrame
        Any table; not modified.

    Returns
    -------
    pandas.DataFrame
        The same rows and columns, risky text cells prefixed with ``'``.
    """
    out = table.copy()
    for col in out.columns:
        s = out[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype(object)  # categories are written as their text, so they need the same care
        if not (pd.api.types.is_string_dtype(s.dtype) or s.dtype == object):
            continue
        # plain Python bools (an Arrow-backed column would map to an Arrow boolean with nulls)
        is_text = s.astype(object).map(lambda v: isinstance(v, str)).astype(bool)
        risky = is_text & s.where(is_text, "").astype(str).str.startswith(_RISKY)
        if risky.any():
            fixed = s.astype(object).copy()
            fixed[risky] = "'" + s[risky].astype(str)
            out[col] = fixed.astype(s.dtype) if pd.api.types.is_string_dtype(s.dtype) else fixed
    out.columns = ["'" + c if isinstance(c, str) and c.startswith(_RISKY) else c for c in out.columns]
    return out


def _out_path(path, where: str) -> Path:
    path = Path(path)
    if not path.parent.exists():
        raise InputFileError(f"{where}: folder {path.parent} does not exist; create it or choose another path.")
    return path


def _zoned_times(table: pd.DataFrame, tz: str | None, where: str) -> pd.DataFrame:
    """Zone-aware time columns as wall-clock times of ``tz``, each column named for its zone.

    ``published_at`` becomes ``published_at (Europe/Berlin)``: spreadsheets cannot hold a zone,
    so the name carries it. Without ``tz`` the table is returned as it is.
    """
    if tz is None:
        return table
    from ._validate import check_tz

    tz = check_tz(tz, parameter="tz")
    out = table.copy()
    renames = {}
    for col in out.columns:
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].dt.tz_convert(tz).dt.tz_localize(None)
            renames[col] = f"{col} ({tz})"
    return out.rename(columns=renames)


def to_csv(table: pd.DataFrame, path: str | os.PathLike, *, sep: str = ",", encoding: str = "utf-8-sig",
           tz: str | None = None) -> Path:
    """Write ``table`` to CSV with spreadsheet formulas neutralised (see :func:`neutralize`).

    Parameters
    ----------
    table : pandas.DataFrame
        Table to write (not modified); the index is not written.
    path : path
        Target file; its folder must exist.
    sep : str
        Field separator (``";"`` for German Excel).
    encoding : str
        ``utf-8-sig`` (default) adds the byte-order mark Excel needs to show umlauts and emoji.
    tz : str, optional
        IANA zone of the readers: zone-aware times are written as wall-clock times of this zone
        (``2026-03-01 10:00:00``) and their column is named for it (``published_at
        (Europe/Berlin)``). Default: times are written as they are, with their UTC offset.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    path = _out_path(path, "to_csv")
    out = _zoned_times(table, tz, "to_csv")
    neutralize(out).to_csv(path, index=False, sep=sep, encoding=encoding)
    return path


def to_excel(table: pd.DataFrame, path: str | os.PathLike, *, sheet_name: str = "data",
             tz: str | None = None) -> Path:
    """Write ``table`` to an ``.xlsx`` workbook with formulas neutralised (see :func:`neutralize`).

    Text is stored as text (IDs keep all digits). Excel cannot hold a time zone, so zone-aware
    timestamps are written as wall-clock times: in the readers' zone ``tz`` when given, the
    column named for it (``published_at`` becomes ``published_at (Europe/Berlin)``); otherwise
    in UTC, the column name getting the suffix ``_utc``.

    Parameters
    ----------
    table : pandas.DataFrame
        Table to write (not modified); the index is not written.
    path : path
        Target ``.xlsx`` file; its folder must exist.
    sheet_name : str
        Name of the worksheet.
    tz : str, optional
        IANA zone of the people who read the workbook (``"Europe/Berlin"``).

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import pandas as pd, tempfile, openpyxl, toolkit as tk
    >>> t = pd.DataFrame({"post_id": ["1"], "published_at": pd.to_datetime(["2026-07-01 08:30"], utc=True)})
    >>> path = tk.report.to_excel(t, tempfile.mkdtemp() + "/posts.xlsx", tz="Europe/Berlin")
    >>> [[c.value for c in row] for row in openpyxl.load_workbook(path).active.iter_rows()]
    [['post_id', 'published_at (Europe/Berlin)'], ['1', datetime.datetime(2026, 7, 1, 10, 30)]]
    """
    path = _out_path(path, "to_excel")
    if path.suffix.lower() != ".xlsx":
        raise ParameterError(f"to_excel(path={str(path)!r}): expected a file name ending in .xlsx.")
    out = neutralize(_zoned_times(table, tz, "to_excel"))
    renames = {}
    for col in out.columns:
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].dt.tz_convert("UTC").dt.tz_localize(None)
            renames[col] = f"{col}_utc"
    out = out.rename(columns=renames)
    # pandas' nullable dtypes become plain objects so openpyxl writes <NA> as an empty cell
    out = out.astype(object).where(out.notna(), None)
    out.to_excel(path, index=False, sheet_name=sheet_name, engine="openpyxl")
    return path


# ----------------------------------------------------------------------------------------------
# methods section


def _benchmark_rows() -> list[tuple[str, str]]:
    """Rows of the first table under a 'Sentiment' heading of docs/benchmarks.md (empty if none)."""
    if not _BENCHMARKS.exists():
        return []
    lines = _BENCHMARKS.read_text(encoding="utf-8").splitlines()
    rows, inside, header = [], False, None
    for line in lines:
        if line.startswith("#"):
            if inside and rows:
                break
            inside = "sentiment" in line.lower()
            continue
        if not inside or not line.strip().startswith("|"):
            if inside and rows:
                break
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if all(set(c) <= set("-: ") for c in cells):
            continue
        if header is None:
            header = cells
            continue
        cells = [re.sub(r"[*`]", "", c) for c in cells]
        rows.append((cells[0], "; ".join(f"{h}: {v}" for h, v in zip(header[1:], cells[1:]) if v)))
    return rows


def benchmarks() -> pd.DataFrame:
    """The measured sentiment accuracy, as written up in ``docs/benchmarks.md`` ("Sentiment accuracy").

    Returns
    -------
    pandas.DataFrame
        One row per scorer and test file. Columns: scorer, result (the other columns of the
        benchmark table, such as data set, macro-F1 and target, as "name: value" text). Empty
        when the file is not available (an installed package without the docs).
    """
    return pd.DataFrame(_benchmark_rows(), columns=["scorer", "result"]).astype("string")


_MAX_FILES_LISTED = 20


def _rejected_by_file(dataset) -> list[tuple[str, str, str]]:
    """One methods row per file with rejected rows: how many and the most common reasons."""
    rej = dataset.rejected
    if rej is None or not len(rej) or "file" not in rej.columns:
        return []
    if "kind" in rej.columns:
        rej = rej[rej["kind"].astype(str) != "skipped"]  # totals rows and the like are not data
    rows = []
    for file, part in list(rej.groupby("file", sort=True))[:_MAX_FILES_LISTED]:
        top = part["reason"].astype(str).value_counts().head(2)
        why = "; ".join(f"{n} x {r}" for r, n in top.items())
        rows.append(("Excluded", f"Rejected rows in {file}", f"{len(part):,} row(s): {why}"))
    return rows


def methods(dataset, *, tz: str, date_from: str | None = None, date_to: str | None = None,
            platforms: list[str] | None = None, pseudonymize: bool = True) -> pd.DataFrame:
    """What a report is based on: data window, time zone, exclusions, formulas and lexicons.

    Parameters
    ----------
    dataset : toolkit.io.Dataset
        The loaded data (:func:`toolkit.load`), before any :func:`toolkit.inventory.select`.
    tz : str
        The time zone the report uses.
    date_from, date_to : str, optional
        The analysed period (local days in ``tz``, both included; ``YYYY-MM-DD`` or ``dd.mm.yyyy``);
        None = all data.
    platforms : list of str, optional
        The platforms analysed; None = all.
    pseudonymize : bool
        Whether commenter names were replaced by pseudonyms.

    Returns
    -------
    pandas.DataFrame
        One row per statement. Columns: section ("Data", "Excluded", "Engagement rates",
        "Community", "Sentiment", "Privacy"), item, detail (all strings).
    """
    from .inventory import coverage, select
    from ._validate import check_tz

    tz = check_tz(tz)
    date_from, date_to = iso_day(date_from, parameter="date_from"), iso_day(date_to, parameter="date_to")
    chosen = select(dataset, date_from=date_from, date_to=date_to, platforms=platforms, tz=tz)
    rows: list[tuple[str, str, str]] = []
    cov = coverage(chosen, tz=tz)
    period = f"{date_from or 'first day in the data'} to {date_to or 'last day in the data'}"
    rows.append(("Data", "Period", f"{period} (local days in {tz}, both included)"))
    rows.append(("Data", "Time zone", f"{tz}: weekdays, hours and days are local times in this zone"))
    report = dataset.load_report
    if len(report):
        formats = ", ".join(sorted(report["format"].astype(str).unique()))
        rows.append(("Data", "Files", f"{report['file'].nunique()} file(s) read; formats: {formats}"))
    for table in ("posts", "comments", "daily"):
        part = cov[cov["table"] == table]
        if len(part):
            spans = "; ".join(f"{r.platform} {r.rows:,} ({r.first_day} to {r.last_day})"
                              for r in part.itertuples())
            rows.append(("Data", f"{table} rows", spans))
    if len(report):
        rej = int(report["rows_rejected"].sum())
        dup = int(report["duplicates_dropped"].sum())
        reasons = ""
        if rej and len(dataset.rejected):
            top = dataset.rejected["reason"].astype(str).value_counts().head(3)
            reasons = "; most common: " + "; ".join(f"{n} x {r}" for r, n in top.items())
        rows.append(("Excluded", "Rejected rows", f"{rej:,} row(s) could not be read{reasons} "
                                                  "(listed in the load report)"))
        rows += _rejected_by_file(dataset)
        not_read = unreadable(dataset).table
        for r in not_read.head(_MAX_FILES_LISTED).itertuples():
            rows.append(("Excluded", f"File not used: {r.file}", r.problem))
        if len(not_read) > _MAX_FILES_LISTED:
            rows.append(("Excluded", "Files not used", f"and {len(not_read) - _MAX_FILES_LISTED} more "
                                                       "(listed in the load report)"))
        rows.append(("Excluded", "Duplicates", f"{dup:,} row(s) were the same post or comment in two "
                                               "exports; the newer export's metrics were kept"))
    outside = {t: len(getattr(dataset, t)) - len(getattr(chosen, t)) for t in ("posts", "comments", "daily")}
    rows.append(("Excluded", "Outside the period or platforms",
                 ", ".join(f"{n:,} {t}" for t, n in outside.items())))
    unlinked = int(chosen.comments["post_id"].isna().sum()) if "post_id" in chosen.comments.columns else 0
    rows.append(("Excluded", "Comments without a post", f"{unlinked:,} comment(s) could not be linked to a "
                                                        "post; they count for the community, not per post"))
    try:
        from .performance import formulas
        for f in formulas().itertuples():
            rows.append(("Engagement rates", str(f.name),
                         f"{f.numerator} / {f.denominator} ({f.applies_to}); source: {f.source}"))
    except (ImportError, AttributeError):  # pragma: no cover - performance is part of the package
        pass
    rows += [("Community", item, detail) for item, detail in _COMMUNITY_DEFINITIONS]
    rows += [("Sentiment", f"Lexicon: {item}", detail) for item, detail in _LEXICONS]
    bench = _benchmark_rows()
    if bench:
        rows += [("Sentiment", f"Measured accuracy: {name}", detail) for name, detail in bench]
    else:
        rows.append(("Sentiment", "Measured accuracy", "see docs/benchmarks.md (three-class macro-F1 on "
                                                       "labelled English and German test sets)"))
    rows.append(("Privacy", "Commenter names",
                 "replaced by pseudonyms (keyed hash, one key per report; the account's own name stays)"
                 if pseudonymize else "shown as exported (pseudonymisation switched off)"))
    return pd.DataFrame(rows, columns=["section", "item", "detail"]).astype("string")


# ----------------------------------------------------------------------------------------------
# the output folder: checked first, locked, written aside and swapped in whole

# Size of one page (plotly.js is embedded, ~4.8 MB) plus its executed notebook, with a margin.
_BYTES_PER_NOTEBOOK = 12 * 1024**2
_PROBE_BYTES = 1024**2
# errors that mean "this folder cannot take the report" rather than a bug
_WRITE_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM,
                 errno.ENOTDIR, errno.EISDIR, errno.EEXIST, errno.ENOENT, errno.EIO}
_PAGE_NAME = re.compile(r"^((index|\d\d-[^/]*)\.html|summary\.json|report\.pdf)$")
# files a file browser leaves in any folder it showed; they do not make a report folder someone else's
_OS_FILES = {".DS_Store", "Thumbs.db", "desktop.ini"}

try:
    import fcntl as _fcntl
except ImportError:  # pragma: no cover - Windows: the lock falls back to a pid file
    _fcntl = None


class _Output:
    """Where one :func:`render` writes: ``out`` is only ever replaced whole, by a complete report.

    Pages go to a hidden staging folder next to ``out`` (same file system, so the final move is
    a rename). When every page is written, the staging folder takes the place of ``out`` in one
    atomic exchange (Linux ``renameat2``; elsewhere two renames right after each other) and the
    previous report is deleted. Until then ``out`` is untouched: a stopped, killed or failed run
    leaves the previous complete report, or nothing. A lock file next to ``out`` keeps two runs
    from writing the same folder; it is released by the operating system when a run dies.
    """

    def __init__(self, out: str | os.PathLike) -> None:
        self.shown = str(out)
        # a symlinked --out is replaced where it points, so the link keeps working
        self.path = Path(os.path.realpath(os.fspath(out)))
        self.parent = self.path.parent
        self.staging: Path | None = None
        self._lock_fd: int | None = None
        self._lock_path = self.parent / f".{self.path.name}.lock"

    # -- messages
    def error(self, reason: str) -> ReportError:
        return ReportError(f"cannot write to {self.shown} ({reason}); choose another --out")

    def reason(self, exc: OSError) -> str:
        if exc.errno == errno.ENOTDIR:
            return "a part of the path is a file, not a folder"
        return (exc.strerror or str(exc)).lower()

    # -- checks, before any notebook runs
    def check(self, n_notebooks: int) -> None:
        """Refuse a folder the report cannot be written to, with the reason, before any work."""
        if not self.parent.exists():
            if any(p.exists() and not p.is_dir() for p in self.parent.parents):
                raise self.error("a part of the path is a file, not a folder")
            raise self.error(f"folder {self.parent} does not exist")
        if not self.parent.is_dir():
            raise self.error(f"{self.parent} is a file, not a folder")
        if self.path.exists():
            if not self.path.is_dir():
                raise self.error("it is a file, not a folder")
            others = sorted(e.name for e in self.path.iterdir()
                            if not (_PAGE_NAME.match(e.name) or e.name == "_executed" or e.name in _OS_FILES
                                    or e.name in _pages.allowed_names()))
            if others:
                listed = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
                raise self.error(f"it holds files that are not part of a report ({listed}); the report "
                                 "replaces the whole folder")
        need = n_notebooks * _BYTES_PER_NOTEBOOK
        try:
            free = shutil.disk_usage(self.parent).free
        except OSError as exc:
            raise self.error(self.reason(exc)) from None
        if free < need:
            raise self.error(f"only {free / 1024**2:,.0f} MB free on its disk; the report needs about "
                             f"{need / 1024**2:,.0f} MB")

    # -- lock
    def lock(self) -> None:
        """Take the folder's lock, or raise naming the run that holds it."""
        try:
            fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise self.error(self.reason(exc)) from None
        if _fcntl is None:  # pragma: no cover - no advisory locks: a pid file, stale when its pid is dead
            os.close(fd)
            return self._lock_by_pid()
        while True:
            try:
                _fcntl.flock(fd, _fcntl.LOCK_EX | _fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                raise self._busy() from None
            # the previous holder may have removed the file between our open() and flock()
            try:
                same = os.fstat(fd).st_ino == os.stat(self._lock_path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
            fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        os.ftruncate(fd, 0)
        os.write(fd, self._holder().encode())
        self._lock_fd = fd

    def _holder(self) -> str:
        return f"{os.getpid()} {socket.gethostname()} {datetime.now().strftime('%Y-%m-%d %H:%M:%S')}\n"

    def _busy(self) -> ReportError:
        try:
            pid, _host, day, clock = self._lock_path.read_text(encoding="utf-8").split()[:4]
            who = f"process {pid}, started {day} {clock}"
        except (OSError, ValueError):
            who = "another process"
        return ReportError(f"another report is being written to {self.shown} ({who}); wait until it has "
                           "finished, or choose another --out")

    def _lock_by_pid(self) -> None:  # pragma: no cover - used where fcntl is missing
        try:
            pid = int(self._lock_path.read_text(encoding="utf-8").split()[0])
        except (OSError, ValueError, IndexError):
            pid = None
        if pid and pid != os.getpid() and _alive(pid):
            raise self._busy()
        self._lock_path.write_text(self._holder(), encoding="utf-8")
        self._lock_fd = -1

    def unlock(self) -> None:
        if self._lock_fd is None:
            return
        try:
            self._lock_path.unlink()  # while still holding it: a waiting run then locks a fresh file
        except OSError:
            pass
        if self._lock_fd >= 0:
            os.close(self._lock_fd)
        self._lock_fd = None

    # -- staging
    def stage(self) -> Path:
        """Remove what dead runs left next to ``out`` and create this run's staging folder."""
        ours = re.compile(rf"^\.{re.escape(self.path.name)}\.(\d+|old)-[A-Za-z0-9_]+-tmp$")
        for left in self.parent.iterdir():
            if ours.match(left.name):
                shutil.rmtree(left, ignore_errors=True)  # we hold the lock: no live run owns these
        try:
            self.staging = Path(tempfile.mkdtemp(prefix=f".{self.path.name}.{os.getpid()}-", suffix="-tmp",
                                                 dir=self.parent))
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(self.staging, 0o777 & ~umask)  # mkdtemp's 0700 would end up on the report folder
            with open(self.staging / ".probe", "wb") as fh:
                fh.write(b"\0" * _PROBE_BYTES)
                fh.flush()
                os.fsync(fh.fileno())
            (self.staging / ".probe").unlink()
        except OSError as exc:
            self.discard()
            raise self.error(self.reason(exc)) from None
        return self.staging

    def discard(self) -> None:
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None

    def commit(self) -> None:
        """Put the staged report in place of ``out`` in one step; delete the previous report."""
        assert self.staging is not None
        staged, self.staging = self.staging, None
        try:
            if self.path.exists() and _exchange(staged, self.path):
                shutil.rmtree(staged, ignore_errors=True)  # now holds the previous report
                return
            if self.path.exists():
                old = Path(tempfile.mkdtemp(prefix=f".{self.path.name}.old-", suffix="-tmp", dir=self.parent))
                os.rmdir(old)
                os.rename(self.path, old)
                os.rename(staged, self.path)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.rename(staged, self.path)
        except OSError as exc:
            shutil.rmtree(staged, ignore_errors=True)
            raise self.error(self.reason(exc)) from None


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError, TypeError):  # no such call (older C library, macOS, Windows)
        return False
    at_fdcwd, rename_exchange = -100, 2
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code))


def _interrupt(_signum, _frame):
    raise KeyboardInterrupt


def _stop_on_sigterm():
    """Treat ``kill PID`` (SIGTERM) like Ctrl-C while rendering, so it cleans up the same way.

    Returns the previous handler (None when not in the main thread, where handlers cannot be set).
    """
    if threading.current_thread() is not threading.main_thread():
        return None
    before = signal.getsignal(signal.SIGTERM)
    if before is None:  # a handler installed outside Python: leave it alone
        return None
    signal.signal(signal.SIGTERM, _interrupt)
    return before


@contextmanager
def _no_interrupts(*, deliver: bool = True):
    """Hold Ctrl-C (and ``kill``) back until the block is done, then let it through.

    Used around cleanup and the final swap, so an interrupt cannot leave half a folder behind;
    an interrupt that arrives meanwhile is not lost but acted on right after the block
    (``deliver=False``: dropped, for the last step of a run that has then finished its work).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    before = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        handler = signal.getsignal(signum)
        if handler is not None:  # None: a handler installed outside Python, left alone
            before[signum] = handler
            signal.signal(signum, lambda num, _frame: held.append(num))
    try:
        yield
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)
        for signum in dict.fromkeys(held) if deliver else ():
            handler = before[signum]
            if callable(handler):
                handler(signum, None)
            elif handler == signal.SIG_DFL:
                raise KeyboardInterrupt


# ----------------------------------------------------------------------------------------------
# rendering


def render(data: str | os.PathLike, *, out: str | os.PathLike = "reports", tz: str = "Europe/Berlin",
           date_from: str | None = None, date_to: str | None = None, show_code: bool = False,
           pseudonymize: bool = True, salt: str | None = None, notebook_dir: str | os.PathLike | None = None,
           only: list[str] | None = None, timeout: int = 600, progress: bool | None = None,
           keep_executed: bool = False, period: str | None = None, pdf: bool = False, lang: str | None = None,
           self_contained: bool = False, cache: str | os.PathLike | None = None) -> list[Page]:
    """Execute every curated notebook on ``data`` and write HTML pages plus ``index.html`` to ``out``.

    Every page is a single file that opens offline: plotly.js is embedded, external scripts and
    stylesheets are removed, and a Content-Security-Policy forbids any network access. Each page
    ends with the methods section (:func:`methods`).

    Parameters
    ----------
    data : path
        Folder (or file/archive) of exports, passed to each notebook's ``data_dir`` parameter.
    out : path
        Output folder, replaced whole by the new report once every page is written (see Notes);
        its parent folder must exist.
    tz : str
        IANA zone for clock times (``tz`` parameter).
    date_from, date_to : str, optional
        Days limiting the analysed period, ``YYYY-MM-DD`` or ``dd.mm.yyyy`` (day first); passed on
        to the notebooks' ``date_from``/``date_to`` parameters as ``YYYY-MM-DD``.
    show_code : bool
        Include code cells in the HTML (hidden by default).
    pseudonymize : bool
        Replace commenter names by stable pseudonyms (default).
    salt : str, optional
        Key of the pseudonyms, the same for every notebook of the report (``salt`` parameter).
        Default: a new random key per report, so pseudonyms cannot be recomputed from names.
    only : list of str, optional
        Render only notebooks whose file name contains one of these strings.
    timeout : int
        Seconds each cell may run before the report fails.
    progress : bool, optional
        Show a progress bar (one step per notebook). Default None: only on a terminal or in a
        notebook, never into a log file.
    keep_executed : bool
        Keep the executed notebooks in ``out/_executed/``. When a notebook fails, its executed
        copy is kept in a temporary folder that the error message names.
    period : str, optional
        The period the overview's executive summary analyses ("2026-08", "2026-Q3",
        "last-28d"; None = the last full month), see :func:`summary`. With the overview page,
        the summary it shows is also written beside the pages as ``summary.json``.
    pdf : bool
        Also write ``report.pdf`` (every page, A4) with the Chromium installed on the machine
        (needs the ``pdf`` extra). Without a browser or the extra, a :class:`PdfUnavailable`
        warning says so and how to get one; the HTML report is written all the same.
    lang : str, optional
        Language of the pages (``"en"``, ``"de"``): words, numbers and dates. Default: the
        environment's locale when the toolkit has a catalog for it, else English.
    self_contained : bool
        Embed plotly.js in every page (one file per page, about 5 MB) instead of loading the one
        shared ``plotly.min.js`` next to the pages.
    cache : path, optional
        Folder of a Parquet store of the exports (see :func:`toolkit.load`'s ``cache``): read
        instead of parsing the exports while no input file changed, else written anew; the
        notebooks then read the store too.

    Returns
    -------
    list of Page
        The pages written, in order.

    Raises
    ------
    ReportError
        ``out`` cannot be written (checked before any notebook runs), another run is writing
        it, the period holds no data, or a notebook failed or timed out (the message names the
        notebook and the cell).

    Notes
    -----
    ``out`` is replaced whole, and only by a complete report: the pages are written to a hidden
    folder next to it and moved into place when every page is written. A run that fails, is
    stopped (Ctrl-C) or is killed leaves the previous report untouched (or no folder). An
    existing ``out`` must hold only a previous report (``index.html``, ``NN-*.html``,
    ``_executed/``); a folder with other files is refused rather than replaced.
    """
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter

    from .inventory import select
    from .io import load
    from ._validate import check_tz

    tz = check_tz(tz, parameter="tz")
    date_from, date_to = iso_day(date_from, parameter="date_from"), iso_day(date_to, parameter="date_to")
    data_path = Path(data).resolve()
    if not data_path.exists():
        raise InputFileError(f"{data}: no such file or folder; give the folder holding your exports.")
    if timeout < 1:
        raise ParameterError(f"render(timeout={timeout}): expected seconds per cell, at least 1.")
    books = notebooks(notebook_dir)
    if only:
        books = [b for b in books if any(o in b.name for o in only)]
    if not books:
        raise ReportError(f"no notebooks found in {notebook_dir or NOTEBOOK_DIR}"
                          + (f" matching {only}" if only else ""))
    from .locale import default_language, languages

    lang = lang or default_language()
    if lang not in languages():
        raise ParameterError(f"render(lang={lang!r}): no translation for this language; expected one of "
                             f"{languages()} (a new language is a catalog in toolkit/locale/).")
    target = _Output(out)
    if cache is not None and Path(cache).resolve().is_relative_to(target.path.resolve()):
        raise ParameterError(f"render(cache={str(cache)!r}): the cache is inside the output folder {out}, which "
                             f"every report replaces whole. Keep the cache elsewhere.")
    target.check(len(books))
    check_period(period)
    params = {"data_dir": str(data_path), "tz": tz, "date_from": date_from, "date_to": date_to,
              "pseudonymize": pseudonymize, "salt": salt or secrets.token_hex(16), "period": period}
    shown_summary = None
    exporter = HTMLExporter(template_name="lab", exclude_input=not show_code, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    env_before = os.environ.get("PLOTLY_RENDERER")
    quiet_before = os.environ.get(PROGRESS_ENV)
    progress = wanted(progress)  # decided here: the notebooks' kernels below run with bars off
    pages: list[Page] = []
    target.lock()
    term_before = _stop_on_sigterm()
    try:
        staging = target.stage()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # fails early, before any notebook, if nothing is readable; unreadable cells and files
            # are counted and listed in the methods section instead of stopping the report
            dataset = load(data_path, tz=tz, errors="reject", progress=False, cache=cache)
        if cache is not None:  # the notebooks read the store written (or found) just now
            params["data_dir"] = str(Path(cache).resolve())
        chosen = select(dataset, date_from=date_from, date_to=date_to, tz=tz)
        _check_window(dataset, chosen, tz, date_from, date_to)
        methods_html = _methods_html(methods(dataset, tz=tz, date_from=date_from, date_to=date_to,
                                             pseudonymize=pseudonymize), lang)
        os.environ["PLOTLY_RENDERER"] = _PLOTLY_RENDERER
        os.environ[PROGRESS_ENV] = "off"  # nobody watches the notebooks' kernels: no bars on the pages
        executed_dir = staging / "_executed"
        executed_dir.mkdir()
        bar = progress_bar(books, progress=progress, desc="rendering report", unit="notebook")
        for book in bar:
            bar.set_postfix_str(book.name)
            t0 = time.perf_counter()
            executed = executed_dir / book.name
            declared = _declared(book, params)
            if book.stem != "00-overview":  # the summary's window; other notebooks' `period` is a bucket size
                declared.pop("period", None)
            setup = _pages.setup_code(lang=lang, tz=tz, tables_dir=staging / _pages.TABLES_DIR, page=book.stem)
            _execute(pm, book, executed, declared, timeout, setup=setup, lang=lang)
            nb = nbformat.read(executed, as_version=4)
            _drop_hidden_cells(nb)
            shown_summary = shown_summary or summary_shown(nb)  # summary.json = what the overview shows
            body, _ = exporter.from_notebook_node(nb)
            title = _title(nb) or book.stem
            name = f"{book.stem}.html"
            (staging / name).write_text(_pages.finish(_finish_page(body, title, methods_html), lang=lang,
                                                      self_contained=self_contained), encoding="utf-8")
            pages.append(Page(book.name, title, target.path / name, time.perf_counter() - t0))
            logger.info("report: %s rendered in %.0f s", book.name, pages[-1].seconds)
        if not keep_executed:
            shutil.rmtree(executed_dir)
        if shown_summary is not None or any(b.stem == "00-overview" for b in books):  # written with the overview
            Summary(shown_summary or summary(chosen, period=period, tz=tz)).to_json(staging / "summary.json")
        if not self_contained:
            _pages.write_plotly(staging)
        if pdf:
            _print_pdf(staging, pages)
        _write_index(staging, pages, data_path, tz, date_from, date_to, pseudonymize, lang)
        with _no_interrupts(deliver=False):  # the report is complete once swapped in: finish the run
            target.commit()
    except OSError as exc:
        if exc.errno not in _WRITE_ERRNOS:
            raise
        raise target.error(target.reason(exc)) from None
    finally:
        try:
            with _no_interrupts():
                target.discard()
                target.unlock()
                if env_before is None:
                    os.environ.pop("PLOTLY_RENDERER", None)
                else:
                    os.environ["PLOTLY_RENDERER"] = env_before
                if quiet_before is None:
                    os.environ.pop(PROGRESS_ENV, None)
                else:
                    os.environ[PROGRESS_ENV] = quiet_before
        finally:
            if term_before is not None:
                signal.signal(signal.SIGTERM, term_before)
    return pages


def _check_window(dataset, chosen, tz: str, date_from, date_to) -> None:
    """Refuse a period without any post, comment or daily value, naming what the data covers."""
    if not (date_from or date_to) or any(len(t) for t in chosen.tables.values()):
        return
    from .inventory import coverage

    cov = coverage(dataset, tz=tz)
    covers = (f"the data covers {cov['first_day'].min()} to {cov['last_day'].max()}" if len(cov)
              else "the data holds no dated rows")
    raise ReportError(f"no posts, comments or daily values from {date_from or 'the start'} to "
                      f"{date_to or 'the end'} ({covers}); choose another --from/--to")


def _declared(book: Path, params: dict) -> dict:
    """The report parameters the notebook's ``parameters`` cell assigns (all when it has no such cell)."""
    import nbformat

    try:
        cells = nbformat.read(book, as_version=4).cells
    except Exception:  # noqa: BLE001 - papermill will report an unreadable notebook
        return params
    for cell in cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            names = set(re.findall(r"^([A-Za-z_]\w*)\s*(?::[^=]+)?=", cell.source, flags=re.M))
            return {k: v for k, v in params.items() if k in names}
    return params


def _cell_number(book: Path, source: str, fallback: int, *, prefix: bool = False) -> str:
    """1-based position of the cell with ``source`` in the notebook as the user sees it."""
    import nbformat

    try:
        cells = nbformat.read(book, as_version=4).cells
    except Exception:  # noqa: BLE001 - fall back to the executed notebook's position
        return f"cell {fallback}" if fallback >= 0 else "a cell"
    for i, cell in enumerate(cells, start=1):
        if cell.source == source or (prefix and source and cell.source.startswith(source)):
            return f"cell {i} of {len(cells)}"
    return f"cell {fallback}" if fallback >= 0 else "a cell"


def _first_line(source: str) -> str:
    return next((ln.strip() for ln in str(source).splitlines() if ln.strip()), "")[:80]


def _execute(pm, book: Path, target: Path, params: dict, timeout: int, *, setup: str = "",
             lang: str = "en") -> None:
    import nbformat

    nb = nbformat.read(book, as_version=4)
    # Widget cells need a live kernel and a browser; headless they only cost time and can stall
    # nbclient until the timeout (seen with ipywidgets.interact), so the report does not run them.
    nb.cells = [c for c in nb.cells if "interactive" not in c.get("metadata", {}).get("tags", [])]
    _pages.translate_markdown(nb, book.name, lang)
    setup = nbformat.v4.new_code_cell(_SAFE_SETUP + setup)
    setup.metadata["tags"] = ["remove"]
    nb.cells.insert(0, setup)
    try:
        _run_kernel(pm, nb, book, target, params, timeout)
    except pm.PapermillExecutionError as exc:
        where = _cell_number(book, exc.source, exc.cell_index)
        raise ReportError(f"notebook {book.name} failed in {where} (starting {_first_line(exc.source)!r}): "
                          f"{exc.ename}: {exc.evalue}. {_keep_failed(target)}") from None
    except TimeoutError as exc:
        # nbclient's message carries a preview of the cell's source between two dashed lines
        m = re.search(r"-{5,}\n(.*?)\n-{5,}", str(exc), flags=re.S)
        preview = m.group(1) if m else ""
        where = "a cell"
        if preview:
            where = f"{_cell_number(book, preview, -1, prefix=True)} (starting {_first_line(preview)!r})"
        raise ReportError(f"notebook {book.name}: {where} ran longer than {timeout} s and was stopped. "
                          "Narrow the period with --from/--to, or raise --timeout.") from None
    except RuntimeError as exc:  # nbclient's DeadKernelError: the kernel process ended (out of memory?)
        if type(exc).__name__ != "DeadKernelError":
            raise
        raise ReportError(f"notebook {book.name}: the Python process running it stopped ({exc}); is the "
                          f"computer out of memory? {_keep_failed(target)}") from None


def _run_kernel(pm, nb, book: Path, target: Path, params: dict, timeout: int) -> None:
    """Execute ``nb`` with papermill in a worker thread, on a kernel this function owns.

    The kernel's own output (warnings, its tracebacks when it is shut down) goes to a log file
    next to the executed notebook, not to the user's terminal. The main thread only waits, so
    Ctrl-C reaches it at once; then the kernel is shut down before the interrupt goes on, and no
    kernel outlives the report.
    """
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    failure: list[BaseException] = []

    def work() -> None:
        try:
            pm.execute_notebook(nb, str(target), parameters=params, kernel_name="python3", km=km,
                                progress_bar=False, execution_timeout=timeout, report_mode=False)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            failure.append(exc)

    with open(target.with_suffix(".log"), "wb") as log:
        km = AsyncKernelManager(kernel_name="python3")
        worker = threading.Thread(target=work, name=f"toolkit report: {book.name}", daemon=True)
        try:
            run_sync(km.start_kernel)(cwd=str(book.parent), stdout=log, stderr=log)
            worker.start()
            while worker.is_alive():
                worker.join(0.2)
        finally:
            with _no_interrupts():
                _stop_kernel(km, run_sync)
                if worker.ident is not None:
                    worker.join(30)
    if failure:
        raise failure[0]


def _stop_kernel(km, run_sync) -> None:
    """Shut the kernel down now, whatever state it is in."""
    try:
        if run_sync(km.is_alive)():
            run_sync(km.shutdown_kernel)(now=True)
    except Exception:  # noqa: BLE001 - last resort: the process itself
        pid = getattr(getattr(km, "provisioner", None), "pid", None)
        if pid:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    try:
        run_sync(km.cleanup_resources)()
    except Exception:  # noqa: BLE001 - connection files only
        pass


def _keep_failed(executed: Path) -> str:
    """Copy a failed executed notebook out of the staging folder (which is removed); say where."""
    try:
        keep = Path(tempfile.mkdtemp(prefix="toolkit-report-failed-")) / executed.name
        shutil.copyfile(executed, keep)
        if executed.with_suffix(".log").exists():  # what the kernel itself printed
            shutil.copyfile(executed.with_suffix(".log"), keep.with_suffix(".log"))
    except OSError:
        return "Run the notebook in JupyterLab with the same parameters for the full traceback."
    return (f"Open the executed copy {keep} in JupyterLab for the full traceback, or run the notebook "
            "there with the same parameters.")


def _methods_html(table: pd.DataFrame, lang: str = "en") -> str:
    fmt = _format.Format(lang)
    table = table.copy()
    for col in table.columns:  # fixed sentences are translated; sentences with numbers stay as written
        table[col] = table[col].map(lambda v: _format._translate_core(v, fmt) if isinstance(v, str) else v)
    body = fmt.table_html(table, max_rows=len(table) + 1)
    intro = fmt._("What this page is based on: the data window, what was left out and why, and the formulas "
                  "and lexicons behind the numbers.")
    return ('<section id="methods" class="jp-RenderedHTMLCommon" style="padding:1rem 2rem 3rem">'
            f"<h2>{html.escape(fmt._('Methods'))}</h2><p>{html.escape(intro)}</p>" + body + "</section>")


def _drop_hidden_cells(nb) -> None:
    """Remove cells tagged ``remove`` (checks and plumbing that do not belong in a report)."""
    nb.cells = [c for c in nb.cells if "remove" not in c.get("metadata", {}).get("tags", [])]


def _title(nb) -> str | None:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#\s+(.+)$", cell.source, flags=re.M)
            if m:
                return m.group(1).strip()
    return None


# A link or form target that runs code (``javascript:alert(1)`` from a hostile permalink): blocked
# outside <script> elements (plotly.js itself mentions such URLs in its own code). Browsers ignore
# tabs, newlines and control characters inside the scheme ("java\tscript:"), so the pattern does too.
_GAP = r"[\s\x00-\x1f]*"
_CODE_URL = re.compile(r"(\b(?:href|action|formaction|xlink:href)\s*=\s*)([\"']?)" + _GAP + "(?:"
                       + "|".join(_GAP.join(word) for word in ("javascript", "vbscript", "data")) + ")" + _GAP + ":",
                       flags=re.I)


def _block_code_links(body: str) -> str:
    parts = re.split(r"(<script\b.*?</script>)", body, flags=re.S | re.I)
    return "".join(part if i % 2 else _CODE_URL.sub(lambda m: f"{m.group(1)}{m.group(2)}#blocked:", part)
                   for i, part in enumerate(parts))


def _finish_page(body: str, title: str, methods_html: str = "") -> str:
    body = _html_links(_block_code_links(body))  # links between notebooks lead to their pages
    # nbconvert's lab template links require.js and MathJax from CDNs; a shared page must open offline.
    body = re.sub(r'<script[^>]+src="(?:https?:)?//[^"]+"[^>]*>\s*</script>', "", body)
    body = re.sub(r'<link[^>]+href="(?:https?:)?//[^"]+"[^>]*>', "", body)
    body = re.sub(r"<title>.*?</title>", lambda _: f"<title>{html.escape(title)}</title>", body, count=1,
                  flags=re.S)
    csp = f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
    body = re.sub(r"<head>", lambda _: f"<head>\n{csp}", body, count=1)
    if methods_html:
        idx = body.rfind("</body>")
        body = body[:idx] + methods_html + "\n" + body[idx:] if idx >= 0 else body + methods_html
    return body


def _print_pdf(staging: Path, pages: list[Page]) -> None:
    """Write report.pdf into the staging folder, or warn (PdfUnavailable) in one sentence why not."""
    from . import _pdf

    why = _pdf.missing()
    if why is None:
        try:
            _pdf.write_pdf([staging / p.path.name for p in pages], staging / PDF_NAME)
            return
        except Exception as exc:  # noqa: BLE001 - a browser that fails must not cost the HTML report
            why = f"no PDF written: the browser could not print the pages ({type(exc).__name__}: {exc}) " \
                  "(the HTML report was written)"
    warnings.warn(why, PdfUnavailable, stacklevel=3)


def _write_index(out: Path, pages: list[Page], data: Path, tz: str, date_from, date_to,
                 pseudonymize: bool = True, lang: str = "en") -> Path:
    _ = _format.Format(lang)._
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    items = "\n".join(f'    <li><a href="{html.escape(p.path.name)}">{html.escape(p.title)}</a></li>'
                      for p in pages)
    period = f"{date_from or _('start')} {_('to')} {date_to or _('end')}"
    names = _("commenter names pseudonymised") if pseudonymize else _("commenter names shown")
    links = [f'<a href="{name}">{html.escape(text)}</a>' for name, text in (
        (PDF_NAME, _("The whole report as one PDF (A4)")), ("summary.json", _("KPIs and findings as JSON")))
        if (out / name).exists()]
    pdf_link = f"  <p>{' &middot; '.join(links)}</p>\n" if links else ""
    index = f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<title>{html.escape(_("Social media report"))}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;line-height:1.5;padding:0 1rem}}
li{{margin:.4rem 0}} .meta{{color:#555}}</style></head>
<body>
  <h1>{html.escape(_("Social media report"))}</h1>
  <p class="meta">{html.escape(_("Data"))}: {html.escape(data.name)} &middot; {html.escape(_("time zone"))} {html.escape(tz)}
  &middot; {html.escape(_("period"))} {html.escape(period)} &middot; {html.escape(names)} &middot; {html.escape(_("rendered"))} {stamp}</p>
  <ol>
{items}
  </ol>
  <p class="meta">{html.escape(_("Each page ends with its methods: data window, exclusions, formulas and lexicons."))}</p>
{pdf_link}</body></html>
"""
    path = out / "index.html"
    path.write_text(index, encoding="utf-8")
    return path


def __dir__() -> list[str]:
    # dir() and tab completion offer the public names only, not the helpers this module imports
    return sorted(__all__)
