"""``load()``: files, folders and archives in; three canonical tables and a load report out.

One file never costs the rest of a folder: every file is read on its own (per-file isolation),
and a file that cannot be read becomes one row of the load report (format ``"unreadable"``) with
the reason and the remedy instead of stopping the load. See :func:`load` for the contract.
"""

from __future__ import annotations

import contextvars
import io
import json
import lzma
import os
import re
import tarfile
import warnings
import zipfile
import zlib
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from .._progress import logger, wanted
from ..errors import ExportFormatError, InputFileError, ParameterError, SchemaError, ToolkitError
from ..schema import TABLES, _dtype_name, _odd_platforms
from .._engine import check_engine
from ._base import FILE_PROGRESS, LIMITS, MAX_COUNT, Context, Parsed, Source, check_tz, loaders, parse_ahead
from ._pool import parsing_pool
from ._report_download import parse_sections_ahead

_STORE_MANIFEST = "toolkit-store.json"  # a folder holding it is a Parquet store (toolkit/io/_store.py)

__all__ = ["Dataset", "load", "read", "REPORT_COLUMNS", "LIMITS", "UNREADABLE", "UNRECOGNISED"]

#: Columns of ``Dataset.load_report``.
REPORT_COLUMNS = ["file", "format", "table", "rows_read", "rows_loaded", "duplicates_dropped",
                  "rows_rejected", "notes"]
#: ``format`` of a load-report row for a file that could not be read (broken, cut off, not data).
UNREADABLE = "unreadable"
#: ``format`` of a load-report row for a well-formed file that no loader knows (e.g. the many
#: JSON files of a Meta "Download your information" archive that hold no posts or comments).
UNRECOGNISED = "unrecognised"

_ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz")
_IGNORED_NAMES = {".ds_store", "thumbs.db", "desktop.ini"}
_IGNORED_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".mp4", ".mov", ".heic", ".mp3", ".m4a",
                     ".webm", ".pdf", ".html", ".htm", ".css", ".md", ".ipynb", ".py", ".svg", ".ico"}
#: Errors the zip/tar/zlib/lzma/bz2 modules raise for damaged, truncated or unsupported archives.
_ARCHIVE_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, tarfile.TarError, EOFError, zlib.error,
                   lzma.LZMAError, NotImplementedError, RuntimeError, ValueError, OSError, KeyError)


@dataclass
class Dataset:
    """The result of :func:`load`: three canonical tables and an account of every input row.

    Attributes
    ----------
    posts, comments, daily : pandas.DataFrame
        The canonical tables (see :mod:`toolkit.schema`).
    load_report : pandas.DataFrame
        One row per (source file, table): file, format, table, rows_read, rows_loaded,
        duplicates_dropped, rows_rejected, notes. For every row
        ``rows_read == rows_loaded + duplicates_dropped + rows_rejected``. ``file`` is the path
        relative to the loaded folder (``folder/sub/x.csv``; ``dl.zip!member`` inside archives).
        A file that could not be read has one row with format ``"unreadable"``, table ``""``,
        rows_read = its data rows when they could be counted (else 0), rows_rejected =
        rows_read, and in ``notes`` the message: the file, the line/record/member where known,
        what is wrong and what to do. A well-formed file that no loader knows has one row with
        format ``"unrecognised"`` (rows 0) and what it looked like.
    rejected : pandas.DataFrame
        One row per rejected input row of the files that were read: file, table, line, column,
        kind, reason. ``kind`` is "invalid" (a row that could not be read; load() warns) or
        "skipped" (a row that is not data by design: a totals row, a repost of someone else's
        post, a list of liked URIs). Rows of unreadable files are counted in the load report,
        not listed here one by one.
    tz : str or None
        The ``tz=`` the data was loaded with.
    traffic : pandas.DataFrame
        Web analytics (GA4, Universal Analytics, Matomo): the canonical traffic table, empty when
        the exports hold none (see :data:`toolkit.schema.TRAFFIC` and :mod:`toolkit.traffic`).
    """

    posts: pd.DataFrame
    comments: pd.DataFrame
    daily: pd.DataFrame
    load_report: pd.DataFrame
    rejected: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["file", "table", "line", "column", "kind", "reason"]))
    tz: str | None = None
    traffic: pd.DataFrame = field(default_factory=lambda: TABLES["traffic"].empty())

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The canonical tables by name (posts, comments, daily, traffic)."""
        return {"posts": self.posts, "comments": self.comments, "daily": self.daily, "traffic": self.traffic}

    @property
    def unreadable(self) -> pd.DataFrame:
        """The files that could not be read: one row each, with columns file, rows_read, notes.

        ``notes`` says what is wrong (naming line, record or archive member where known) and what
        to do. Empty when every file was read.
        """
        rep = self.load_report
        return rep.loc[rep["format"] == UNREADABLE, ["file", "rows_read", "notes"]].reset_index(drop=True)

    def to_parquet(self, path: str | os.PathLike, *, progress: bool | None = None) -> Path:
        """Write the dataset as a Parquet store that :func:`load` reads back exactly.

        Every table (partitioned by platform and month), ``load_report``, ``rejected`` and
        ``tz`` are kept with their dtypes and row order; the folder layout is described in
        :mod:`toolkit.io._store`. Writing is atomic: a run that is stopped leaves the previous
        store (or none), never half of one.

        Parameters
        ----------
        path : str or path-like
            The store's folder: new, empty, or a store written before (it is replaced).
        progress : bool, optional
            Progress bar over the rows written; None = only on a terminal or in a notebook, and
            only when writing takes more than 2 s.

        Returns
        -------
        pathlib.Path
            ``path``.

        Raises
        ------
        InputFileError
            ``path`` holds files that are not a store, or cannot be written (the message says why);
            missing parent folders are created.

        Examples
        --------
        >>> ds = tk.load("data/samples", tz="Europe/Berlin")   # doctest: +SKIP
        >>> ds.to_parquet("store")                             # doctest: +SKIP
        >>> tk.load("store").posts.equals(ds.posts)            # doctest: +SKIP
        True
        """
        from ._store import write_store

        return write_store(self, path, progress=progress)

    def compact(self) -> "Dataset":
        """The same dataset with its repetitive text columns held as categoricals (about half the memory).

        Platform, account, the post a comment belongs to, its parent, author, metric names, source file
        and, in traffic, the dimension columns repeat across rows; as categoricals each row holds a small
        code and each distinct value is stored once (the columns are listed in
        ``toolkit._compact.COMPACT_COLUMNS``). Values, row order and index are unchanged, and every
        analysis of the toolkit gives the same results on a compact dataset. The tables are shallow
        copies: ``self`` is not modified. :func:`toolkit.text.add_sentiment` and
        :func:`~toolkit.text.add_language` keep a compact table compact.

        Not the default because user code may rely on the canonical ``string`` dtype: assigning a value
        that is not yet a category raises, and ``pd.concat`` of a compact table with a plain one gives
        ``object`` columns. Use it for large datasets (docs/benchmarks.md, "Memory of the canonical
        tables").

        Returns
        -------
        Dataset
            A new dataset; ``load_report``, ``rejected`` and ``tz`` are the same objects.

        Examples
        --------
        >>> ds = tk.load("data/samples", tz="Europe/Berlin").compact()   # doctest: +SKIP
        >>> ds.comments["platform"].dtype                                # doctest: +SKIP
        CategoricalDtype(categories=['facebook', 'instagram', ...], ordered=False, categories_dtype=str)
        """
        from .._compact import compact_frame

        return replace(self, **{name: compact_frame(frame, name) for name, frame in self.tables.items()})

    def __repr__(self) -> str:
        files = self.load_report["file"].nunique() if len(self.load_report) else 0
        plats = sorted(set(self.posts["platform"].dropna()) | set(self.comments["platform"].dropna())
                       | set(self.daily["platform"].dropna()))
        bad = len(self.unreadable)
        unread = f"; {bad} unreadable (see .unreadable)" if bad else ""
        web = f", {len(self.traffic):,} traffic rows" if len(self.traffic) else ""
        return (f"<Dataset: {len(self.posts):,} posts, {len(self.comments):,} comments, "
                f"{len(self.daily):,} daily values{web} from {files} file(s){unread}; "
                f"platforms: {', '.join(plats) or '-'}>")


@dataclass
class _Unreadable:
    """A file (or archive member) that could not be read, with the error that says why."""

    name: str
    error: ToolkitError
    rows_read: int = 0
    format: str = UNREADABLE

    @property
    def note(self) -> str:
        return str(self.error)


def load(path: str | os.PathLike | list, *, tz: str | None = None, columns: dict[str, str] | None = None,
         errors: str = "raise", strict: bool = False, year: int | None = None,
         owner: str | list[str] | None = None, dayfirst: bool | None = None,
         progress: bool | None = None, cache: str | os.PathLike | None = None, engine: str = "pandas",
         scheduler=None) -> Dataset:
    """Load platform exports (a file, a folder searched recursively, or zip/tar archives) into the
    canonical tables.

    Every input row ends up in a table, or is counted in the load report as a duplicate or as
    rejected with its reason. One file never costs the rest: in a folder, a list or an archive,
    a file that cannot be read is skipped and reported, and every other file is loaded.

    Parameters
    ----------
    path : str, path-like or list of them
        A file, a folder (searched recursively), or an archive as downloaded from a platform.
    tz : str, optional
        IANA zone for exports whose times carry no zone (Meta's ``Publish time``, LinkedIn
        dates). Without it such times are read as UTC, with a warning and a note in the report.
    columns : dict, optional
        Extra mapping of your column names onto canonical ones for generic CSV files, e.g.
        ``{"Beitrags-ID": "post_id", "Datum": "published_at"}``. Matching ignores case and
        surrounding spaces.
    errors : {"raise", "reject"}
        What to do with cells that cannot be read (a count ``-5`` or ``inf``, a date ``2024``, a
        row cut off). ``"raise"`` (default): a file with such a cell is not loaded; a file you
        name alone raises :class:`~toolkit.errors.ExportFormatError` naming line, column and
        value, a file in a folder becomes "unreadable" with that message (the other files load).
        ``"reject"``: such rows are dropped and listed in ``Dataset.rejected`` and the load
        report with their reasons; the rest of the file loads.
    strict : bool
        For folders, lists and archives: stop at the first file that cannot be read and raise
        its error instead of reporting it (default False).
    year : int, optional
        Year for exports whose dates have none (TikTok's overview CSV).
    owner : str or list of str, optional
        The account's own people in chat exports (WhatsApp display names): their messages are the
        account's replies, so reply times can be measured.
    dayfirst : bool, optional
        Day/month order of chat exports whose dates cannot tell (every day <= 12); by default the
        order is inferred from the whole file and asked for only when it cannot be.
    progress : bool, optional
        Show a progress bar over files (it advances by bytes read and names the file being read,
        ``file 3/10: exports/comments_03.json``). Default None: only on a terminal or in a
        notebook, and only when loading takes more than 2 s; ``False`` never shows it, ``True`` always.
        A CSV file of 200,000 records or more also gets a bar of its own while its records are read.
    cache : str or path-like, optional
        Folder of a Parquet store kept for these exports: when it was written
        from the same input files with the same parameters, it is read instead of parsing them
        (about 8x faster on the samples); otherwise the exports are parsed and the store is
        written (again). A file counts as changed when its size, modification time (ns) or
        the sha256 of its first 64 KiB differ; a file added or removed, ``path`` naming another
        place, another ``tz``,
        ``columns``, ``errors``, ``strict``, ``year``, ``owner`` or ``dayfirst``, or another
        toolkit version also mean parsing again. A hit repeats the warnings of the load that
        wrote the store. The folder must be new, empty or a store (a folder with other files
        is refused); a store inside the exports folder is not read as an export.
    engine : {"pandas", "dask"}, default "pandas"
        Execution backend. ``"dask"`` reads the Parquet store (``path`` itself, or ``cache``, written
        from the exports on the first run) as Dask DataFrames, one partition per platform and month,
        and the analyses that take them run partition-wise on a ``dask.distributed`` cluster (see
        :mod:`toolkit.scale`; needs ``pip install 'social-media-research-toolkit[scale]'``).
    scheduler : str or distributed.Client, optional
        With ``engine="dask"``: the cluster's scheduler address (``"tcp://host:8786"``) or a client;
        default a client already running in this session, else a new LocalCluster on this computer.

    Returns
    -------
    Dataset
        See :class:`Dataset`; ``Dataset.unreadable`` lists the files that could not be read. With
        ``engine="dask"`` posts, comments, daily and traffic are Dask DataFrames (their index is each
        row's position in the pandas table) and ``ds.client`` is the ``distributed.Client``.

    Raises
    ------
    InputFileError
        The path does not exist, holds no files, or no file in it could be read (the message
        names the folder and summarises why, file by file).
    ExportFormatError
        A single file you named cannot be read: empty, cut off, not an export, a required
        column missing, or (with ``errors="raise"``) an unreadable cell. With ``strict=True``,
        the first such file of a folder. Messages start with the file's path relative to the
        folder loaded (``folder/sub/x.csv``, ``dl.zip!member.json``), name the line, record or
        member where known, and say what to do.

    Warns
    -----
    UserWarning
        Once per call when files could not be read: ``load(): 2 of 41 file(s) could not be read
        and were skipped: folder/a.csv (the file is empty), folder/b.zip (cannot open the
        archive ...). Everything else was loaded; Dataset.unreadable says why and what to do (or
        pass strict=True to stop at the first such file).`` Also once when rows were rejected.

    Notes
    -----
    ``path`` may be a Parquet store written by :meth:`Dataset.to_parquet` (or by ``cache=``): a
    folder holding ``toolkit-store.json``. It is read back exactly (tables with their dtypes and
    row order, ``load_report``, ``rejected``, ``tz``), without parsing; ``tz`` must then be None
    or the store's own, the other parsing parameters do not apply. A store written in a format
    version this toolkit does not know raises :class:`~toolkit.errors.InputFileError` saying
    how to write it again. The layout (Hive partitions that ``dask.dataframe.read_parquet`` and
    ``pyarrow.dataset`` read directly) is described in ``toolkit/io/_store.py``.

    What counts as unreadable: an empty file; a file cut off (JSON that ends early, a CSV whose
    last row is short or ends inside a quoted cell); binary junk; an HTML page (a login page
    saved instead of the export); Office/LibreOffice lock files (``~$name.xlsx``,
    ``.~lock.name#``); a broken or password-protected archive or member; archives nested deeper
    or unpacking to more than :data:`toolkit.io.LIMITS` allows; a loader's
    :class:`~toolkit.errors.ExportFormatError` (e.g. a required column missing). A well-formed
    file that no loader knows (``profile_information.json`` in a Meta archive, a CSV of your own
    without canonical column names) is listed as ``"unrecognised"`` instead: nothing is wrong
    with it, the toolkit just does not read it (name its columns like the canonical tables or
    pass ``columns=``). ``load()`` does not warn about those.

    Examples
    --------
    >>> import toolkit as tk
    >>> ds = tk.load("data/samples", tz="Europe/Berlin")                     # doctest: +SKIP
    >>> ds = tk.load("data/samples", tz="Europe/Berlin", cache="samples.store")  # doctest: +SKIP
    >>> tk.load("samples.store").posts.equals(ds.posts)                       # doctest: +SKIP
    True
    >>> ds = tk.load("exports", tz="Europe/Berlin", engine="dask", cache="store")  # doctest: +SKIP
    """
    if check_engine(engine, where="load") == "dask":  # the store as Dask DataFrames (toolkit/_dask.py)
        from .._dask import load as load_dask

        return load_dask(path, cache=cache, scheduler=scheduler, tz=tz, progress=progress,
                         params={"columns": columns, "errors": errors, "strict": strict, "year": year,
                                 "owner": owner, "dayfirst": dayfirst})
    if scheduler is not None:
        raise ParameterError(f"load(scheduler={scheduler!r}): a scheduler is for engine='dask'; pass "
                             "engine='dask' too, or leave scheduler out.")
    if isinstance(path, (str, os.PathLike)) and Path(path, _STORE_MANIFEST).is_file():  # a Parquet store
        from ._store import read_store

        return read_store(path, tz=tz, progress=progress)
    if cache is not None:  # the Parquet store (toolkit/io/_store.py): read it, or parse and write it
        from ._store import load_cached

        params = {"tz": tz, "columns": columns, "errors": errors, "strict": strict, "year": year, "owner": owner,
                  "dayfirst": dayfirst}
        return load_cached(path, cache, params, progress=progress)
    if errors not in ("raise", "reject"):
        raise ParameterError(f"errors={errors!r}: expected 'raise' or 'reject'.")
    if not isinstance(strict, bool):
        raise ParameterError(f"strict={strict!r}: expected True or False.")
    if dayfirst not in (None, True, False):
        raise ParameterError(f"dayfirst={dayfirst!r}: expected True, False or None (infer from the file).")
    owners = (owner,) if isinstance(owner, str) else tuple(owner or ())
    ctx = Context(tz=check_tz(tz), errors=errors, columns=dict(columns or {}), year=year, owner=owners,
                  dayfirst=dayfirst)
    with parsing_pool():  # jemalloc while parsing: toolkit/io/_pool.py says why
        FILE_PROGRESS.set(progress)  # a bar inside each large file too (read_csv_records), as progress= says
        single = isinstance(path, (str, os.PathLike))
        paths = [Path(path)] if single else [Path(p) for p in path]
        entries = _entries(paths)
        # A file named alone is read strictly: its own error is the most useful answer.
        alone = single and paths[0].is_file() and not _archive_kind(paths[0].name)
        parts: list[tuple[str, Parsed]] = []
        skipped: list[_Unreadable] = []
        # By default the bar appears only when loading takes longer than two seconds. It advances by
        # bytes (one large export is most of the work) and names the file being read and its place.
        sizes = [_size(file) for file, _ in entries]
        bar = tqdm(total=sum(sizes), desc="loading exports", unit="B", unit_scale=True, unit_divisor=1024,
                   disable=not wanted(progress), delay=0 if progress else 2)
        # One thread reads and parses the next file while this one is checked (_looking_ahead), when
        # a core is free for it.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="toolkit-read-ahead") as ahead:
            events = _events(entries, sizes)
            ahead_now = _read_ahead_now(entries, sizes)
            for event, k, shown, item in _looking_ahead(events, ahead.submit) if ahead_now else events:
                if event == "file":
                    bar.set_postfix_str(f"file {k}/{len(entries)}: {shown}", refresh=k == 1 or bool(progress))
                    continue
                if event == "done":
                    bar.update(item)
                    continue
                if isinstance(item, Source):
                    large = len(item.data) >= _TRIM_AFTER_BYTES
                    item = _read_one(item, ctx, strict=strict or alone)
                    if large:
                        _trim_heap()  # what reading a large file freed goes back to the system, not to the peak
                if isinstance(item, _Unreadable):
                    if alone or (strict and item.format == UNREADABLE):
                        raise item.error
                    skipped.append(item)
                else:
                    parts.append(item)
        bar.close()
        parts = _run_deferred(parts, skipped, ctx, strict=strict or alone)
        if not parts:
            raise _nothing_readable(paths, skipped)
        bad = [s for s in skipped if s.format == UNREADABLE]
        if bad:
            total = len(parts) + len(skipped)
            names = ", ".join(f"{s.name} ({_short_reason(s)})" for s in bad[:5]) + \
                (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
            warnings.warn(f"load(): {len(bad)} of {total} file(s) could not be read and were skipped: {names}. "
                          f"Everything else was loaded; Dataset.unreadable says why and what to do (or pass "
                          f"strict=True to stop at the first such file).", stacklevel=2)
        dataset = _assemble(parts, skipped, ctx)
    logger.info("load: %d file(s) read, %d skipped; %d posts, %d comments, %d daily rows", len(parts),
                len(skipped), len(dataset.posts), len(dataset.comments), len(dataset.daily))
    return dataset


def read(source: Source, *, tz: str | None = None, errors: str = "raise") -> Parsed:
    """Read one in-memory :class:`Source` with the first loader that recognises it (for tests/tools).

    Raises the file's :class:`~toolkit.errors.ToolkitError` when it cannot be read.
    """
    ctx = Context(tz=check_tz(tz), errors=errors)
    try:
        parsed = _parse(source, ctx)
    except _NotAnExport as exc:
        raise exc.error from None
    _run_deferred([(source.name, parsed)], [], ctx, strict=True)
    return parsed


def _run_deferred(parts: list[tuple[str, Parsed]], skipped: list, ctx: Context, *,
                  strict: bool) -> list[tuple[str, Parsed]]:
    """Steps that need every file of the load (toolkit/io/_resolve.py): TikTok's year-less dates
    from sibling files, ids destroyed by spreadsheets matched to other exports.

    A file whose step cannot finish becomes unreadable (its error says why), or stops the load
    when ``strict``. Returns the parts still readable.
    """
    from ._resolve import run_deferred

    failed = run_deferred(parts, ctx)
    if not failed:
        return parts
    if strict:
        raise failed[0][1]
    names = {source.name for source, _ in failed}
    for source, exc in failed:
        rows = next((sum(_rows_read(p).values()) for n, p in parts if n == source.name), 0)
        skipped.append(_Unreadable(source.name, exc, rows_read=rows))
    return [(n, p) for n, p in parts if n not in names]


# --- walking the inputs ----------------------------------------------------------------------------


def _events(entries: list, sizes: list[int]):
    """``("file", k, shown, None)``, then ``("item", k, shown, Source or _Unreadable)`` per file or
    archive member, then ``("done", k, shown, size)``, for every entry in order."""
    for k, ((file, shown), size) in enumerate(zip(entries, sizes), start=1):
        yield "file", k, shown, None
        for item in _sources(file, shown):
            yield "item", k, shown, item
        yield "done", k, shown, size


#: Whether :func:`load` reads the next file in a worker thread: None = the environment variable
#: ``TOOLKIT_READ_AHEAD`` (``on``/``off``) if set, else when it pays (:func:`_read_ahead_now`);
#: True or False = always or never, whatever the files and the machine.
READ_AHEAD: bool | None = None


def _worth_reading_ahead(entries: list, sizes: list[int]) -> bool:
    """Whether a file after the first has something for the worker to parse: a CSV of 64 KB or more
    (the size :func:`parse_sections_ahead` starts at), or an archive of 1 MB or more. Small files and
    small archives only: handing them over costs more than the worker saves (it needs the GIL for
    unzipping and for the few Python steps of a small file; a folder of ten YouTube Studio zips took
    0.345 s with the worker against 0.325 s without, where X's ten 3 MB CSVs took 0.27 against 0.37 s)."""
    for (file, _), size in list(zip(entries, sizes))[1:]:
        name = str(file).lower()
        if (name.endswith((".csv", ".tsv", ".txt")) and size >= 1 << 16) or (_archive_kind(name) and size >= 1 << 20):
            return True
    return False


def _read_ahead_now(entries: list, sizes: list[int]) -> bool:
    """Whether to read ahead in this :func:`load`. Unless :data:`READ_AHEAD` or ``TOOLKIT_READ_AHEAD``
    decide, when the files have something to parse ahead (:func:`_worth_reading_ahead`), the process
    may run on two cores or more and the system's load average (last minute) is at most their number. On a machine whose cores are all busy the worker only competes with
    the main thread for the GIL and a core: a YouTube Studio folder took 1.22 s with it against
    0.42 s without at load 3-5 on two cores, where on a free machine it takes a third off a folder
    of large CSV files."""
    if READ_AHEAD is not None:
        return READ_AHEAD
    setting = os.environ.get("TOOLKIT_READ_AHEAD", "").strip().lower()
    if setting:
        return setting not in ("0", "off", "false", "no")
    if not _worth_reading_ahead(entries, sizes):
        return False
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if cores < 2:
        return False
    try:
        busy = os.getloadavg()[0]
    except (AttributeError, OSError):  # (Windows: no load average)
        return True
    return busy <= cores  # (a load() that runs counts about one itself: with more, the cores are taken)


def _looking_ahead(events, submit):
    """``events`` in their order, read one file ahead: while the caller checks a file, a worker
    (``submit``: a one-thread executor's) reads the next file or archive member from disk and parses
    its CSV records (:func:`parse_ahead`). Only the worker advances ``events``, one step at a
    time; an exception it meets is raised here after the events before it."""
    it = iter(events)
    ctx = contextvars.copy_context()  # the worker's own bar for a large file follows load(progress=)

    def pull():
        got = []
        try:
            for ev in it:
                got.append(ev)
                if ev[0] == "item" and isinstance(ev[3], Source):
                    _ = parse_sections_ahead(ev[3]) or parse_ahead(ev[3])  # a GA4/UA download, or any CSV
                    break
        except BaseException as exc:  # noqa: BLE001 - raised in the main thread, in its place
            return got, exc
        return got, None
    pending = submit(ctx.run, pull)
    while True:
        got, exc = pending.result()
        if exc is None and got:
            pending = submit(ctx.run, pull)  # the next file, while the caller works on this one
        yield from got
        if exc is not None:
            raise exc
        if not got:
            return


def _entries(paths: list[Path]) -> list[tuple[Path, str]]:
    """``(file, shown name)`` for every input file; folders are walked recursively, sorted."""
    entries: list[tuple[Path, str]] = []
    for p in paths:
        if not p.exists():
            raise InputFileError(f"{p}: no such file or folder. Check the path (current folder: {Path.cwd()}).")
        if p.is_dir():
            root = Path(p.resolve().name)
            files = []
            for dirpath, dirs, names in os.walk(p):  # does not follow links to folders (no loops)
                dirs[:] = [d for d in dirs if not _is_store_dir(Path(dirpath, d))]  # a cache inside is no export
                files += [Path(dirpath) / n for n in names
                          if _is_lock_file(n) or not (_ignored(n) or _skip_suffix(n))]
            entries += [(f, (root / f.relative_to(p)).as_posix()) for f in sorted(files) if f.is_file()]
        else:
            entries.append((p, p.name))
    if not entries:
        raise InputFileError(f"{', '.join(map(str, paths))}: no files found. Put your exports in this folder.")
    return entries


def _is_store_dir(folder: Path) -> bool:
    """A Parquet store, or the hidden folder of one being written (toolkit/io/_store.py)."""
    return (folder / _STORE_MANIFEST).is_file() or ".toolkit-tmp-" in folder.name or ".toolkit-old-" in folder.name


def _size(file: Path) -> int:
    try:
        return file.stat().st_size
    except OSError:
        return 0


def _ignored(name: str) -> bool:
    low = name.lower()
    return low in _IGNORED_NAMES or low.startswith(".") or low.endswith("truth.json")


def _skip_suffix(name: str) -> bool:
    low = name.lower()
    return any(low.endswith(s) for s in _IGNORED_SUFFIXES)


def _is_lock_file(name: str) -> bool:
    """Office (``~$Book.xlsx``) and LibreOffice (``.~lock.Book.xlsx#``) lock files."""
    return name.startswith("~$") or (name.startswith(".~lock.") and name.endswith("#"))


def _lock_error(shown: str) -> ExportFormatError:
    base = re.split(r"[/!]", shown)[-1]
    doc = base[2:] if base.startswith("~$") else base[len(".~lock."):-1]
    return ExportFormatError(
        f"{shown}: a lock file that a spreadsheet program (Excel or LibreOffice) writes while '{doc}' is "
        f"open; it holds no data. Close the file in the spreadsheet program (the lock file then goes "
        f"away) or delete it.", file=shown)


def _archive_kind(name: str) -> str | None:
    low = name.lower()
    if low.endswith(".zip"):
        return "zip"
    if low.endswith((".tar", ".tar.gz", ".tgz")):
        return "tar"
    return None


def _sources(file: Path, shown: str):
    """Yield a :class:`Source` (or an :class:`_Unreadable`) per file, or per archive member."""
    if _is_lock_file(file.name):
        yield _Unreadable(shown, _lock_error(shown))
        return
    kind = _archive_kind(file.name)
    try:
        if kind:
            with open(file, "rb") as fh:
                yield from _archive(fh, kind, shown, depth=1, budget=[0])
            return
        size = file.stat().st_size
        if size > LIMITS["max_file_bytes"]:
            yield _Unreadable(shown, _too_big(shown, size, "the file is"))
            return
        data = file.read_bytes()
    except OSError as exc:
        yield _Unreadable(shown, InputFileError(f"{shown}: cannot read the file ({exc.strerror or exc}). Check "
                                                f"that it is not open in another program and that you may read it."))
        return
    yield Source(shown, data)


def _too_big(name: str, size: int, what: str) -> InputFileError:
    limit = LIMITS["max_file_bytes"]
    return InputFileError(f"{name}: {what} {size:,} bytes, more than the limit of {limit:,} bytes "
                          f"(toolkit.io.LIMITS['max_file_bytes']); refused before parsing, so memory stays "
                          f"bounded (possible zip bomb). If you trust the file, raise "
                          f"toolkit.io.LIMITS['max_file_bytes'] and load again.")


def _archive(fileobj, kind: str, shown: str, *, depth: int, budget: list[int]):
    """Yield the members of a zip/tar (read in memory, never extracted to disk), nested archives too.

    A zip's declared sizes are checked before anything is unpacked; a tar is read as a stream
    (its sizes are only known by reading through it), adding up declared sizes as it goes. Every
    member is checked again while unpacking: one that turns out larger than its header says is
    stopped at the limit. ``budget`` counts the bytes unpacked from the outermost archive.
    """
    try:
        arc = zipfile.ZipFile(fileobj) if kind == "zip" else tarfile.open(fileobj=fileobj, mode="r:*")
    except _ARCHIVE_ERRORS as exc:
        yield _Unreadable(shown, InputFileError(f"{shown}: cannot open the archive ({_reason(exc)}). Is the "
                                                f"download complete? Download it again."))
        return
    n = declared = 0
    with arc:
        try:
            if isinstance(arc, zipfile.ZipFile):
                infos = [i for i in arc.infolist() if not i.is_dir()]
                problem = _limits_problem(shown, len(infos), sum(i.file_size for i in infos), exact=True)
                if problem:
                    yield _Unreadable(shown, problem)
                    return
                items = ((i.filename, i.file_size, bool(i.flag_bits & 0x1) or i.compress_type == 99, i)
                         for i in infos)
            else:
                items = ((m.name, m.size, False, m) for m in arc if m.isfile())
            for name, size, encrypted, handle in items:
                n += 1
                declared += size
                problem = _limits_problem(shown, n, declared)
                if problem:
                    yield _Unreadable(shown, problem)
                    return
                member = f"{shown}!{name}"
                base = name.rsplit("/", 1)[-1]
                if _is_lock_file(base):
                    yield _Unreadable(member, _lock_error(member))
                    continue
                if _ignored(base) or _skip_suffix(name):
                    continue
                if encrypted:
                    yield _Unreadable(member, InputFileError(
                        f"{member}: the member is encrypted (password-protected). Unpack the archive with its "
                        f"password and load the unpacked folder."))
                    continue
                if size > LIMITS["max_file_bytes"]:
                    yield _Unreadable(member, _too_big(member, size, "the member would unpack to"))
                    continue
                try:
                    data = _read_capped(arc, handle, LIMITS["max_file_bytes"])
                except _ARCHIVE_ERRORS as exc:
                    yield _Unreadable(member, InputFileError(f"{member}: cannot unpack this member "
                                                             f"({_reason(exc)}); the archive is damaged. "
                                                             f"Download it again."))
                    continue
                if data is None:
                    yield _Unreadable(member, _too_big(member, LIMITS["max_file_bytes"] + 1, f"while unpacking "
                                                       f"(its header said {size:,} bytes), the member grew past"))
                    continue
                budget[0] += len(data)
                if budget[0] > LIMITS["max_total_bytes"]:
                    yield _Unreadable(member, InputFileError(
                        f"{member}: the archive unpacks to more than {LIMITS['max_total_bytes']:,} bytes "
                        f"(toolkit.io.LIMITS['max_total_bytes']); stopped here, later members were not read "
                        f"(possible zip bomb). If you trust the archive, raise the limit or unpack it."))
                    return
                inner = _archive_kind(name)
                if inner and depth >= LIMITS["max_depth"]:
                    yield _Unreadable(member, InputFileError(
                        f"{member}: an archive inside {depth} archive(s), deeper than "
                        f"toolkit.io.LIMITS['max_depth'] = {LIMITS['max_depth']}. Unpack the outer archive and "
                        f"load the folder."))
                elif inner:
                    yield from _archive(io.BytesIO(data), inner, member, depth=depth + 1, budget=budget)
                else:
                    yield Source(member, data, modified=_member_time(handle))
        except _ARCHIVE_ERRORS as exc:
            yield _Unreadable(shown, InputFileError(f"{shown}: the archive is damaged after {n - 1} member(s) "
                                                    f"({_reason(exc)}). Download it again."))
            return
    if n == 0:
        yield _Unreadable(shown, InputFileError(f"{shown}: the archive is empty. Download it again."))


def _member_time(handle) -> pd.Timestamp | None:
    """The modification time an archive records for a member (naive, as stored), or None.

    Evidence of when the export was made (TikTok's year-less dates use it)."""
    try:
        if isinstance(handle, zipfile.ZipInfo):
            return pd.Timestamp(*handle.date_time)
        return pd.Timestamp(handle.mtime, unit="s") if handle.mtime else None
    except (ValueError, TypeError, OverflowError):
        return None


def _limits_problem(shown: str, members: int, declared: int, *, exact: bool = False) -> InputFileError | None:
    """The error for an archive with too many members or too many declared bytes, if it has.

    ``exact``: the counts are the archive's totals (a zip's directory), not a running count (tar).
    """
    least = "" if exact else "at least "
    if members > LIMITS["max_members"]:
        return InputFileError(f"{shown}: the archive has {least}{members:,} members, more than the limit of "
                              f"{LIMITS['max_members']:,} (toolkit.io.LIMITS['max_members']); unpack the part you "
                              f"need, or raise the limit.")
    if declared > LIMITS["max_total_bytes"]:
        return InputFileError(f"{shown}: the archive would unpack to {least}{declared:,} bytes, more than the limit "
                              f"of {LIMITS['max_total_bytes']:,} (toolkit.io.LIMITS['max_total_bytes']); refused "
                              f"before unpacking (possible zip bomb). If you trust it, raise the limit or unpack it.")
    return None


def _read_capped(arc, handle, limit: int) -> bytes | None:
    """The member's bytes, or None when it holds more than ``limit`` bytes (reading stops there)."""
    fh = arc.open(handle) if isinstance(arc, zipfile.ZipFile) else arc.extractfile(handle)
    if fh is None:
        return b""
    with fh:
        chunks, n = [], 0
        while n <= limit:
            chunk = fh.read(min(1 << 22, limit + 1 - n))
            if not chunk:
                break
            chunks.append(chunk)
            n += len(chunk)
    return None if n > limit else b"".join(chunks)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    if "password required" in text or "encrypted" in text:
        return "it is encrypted (password-protected)"
    return text[:200]


# --- reading one file ------------------------------------------------------------------------------


def _read_one(source: Source, ctx: Context, *, strict: bool) -> tuple[str, Parsed] | _Unreadable:
    """Read one source; a file that cannot be read becomes an :class:`_Unreadable` (or raises if strict)."""
    try:
        return source.name, _parse(source, ctx)
    except _NotAnExport as exc:
        return _Unreadable(source.name, exc.error, format=UNRECOGNISED)
    except ToolkitError as exc:
        if strict:
            raise
        cell = isinstance(exc, ExportFormatError) and (exc.line is not None or exc.column is not None)
        rows = _count_rows(source, ctx) if ctx.errors == "raise" and cell else 0
        return _Unreadable(source.name, exc, rows_read=rows)


def _count_rows(source: Source, ctx: Context) -> int:
    """Data rows of a file that failed on a bad cell, counted by reading it again in reject mode."""
    ctx.errors = "reject"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = _parse(source, ctx)
    except ToolkitError:
        return 0
    finally:
        ctx.errors = "raise"
    return sum(_rows_read(parsed).values())


def _rows_read(parsed: Parsed) -> dict[str, int]:
    """Input rows per table of a parsed file ("" for rejected rows of no table)."""
    tables = set(parsed.tables) | set(parsed.rows_read)
    out = {}
    for t in sorted(tables):
        n_rej = sum(1 for r in parsed.rejected if r.get("table") == t)
        out[t] = parsed.rows_read.get(t, len(parsed.tables.get(t, ())) + n_rej)
    untabled = sum(1 for r in parsed.rejected if r.get("table") not in tables)
    if untabled:
        out[""] = untabled
    return out


class _NotAnExport(Exception):
    """No loader recognises a well-formed file (internal signal, never leaves this module)."""

    def __init__(self, error: ExportFormatError) -> None:
        super().__init__(str(error))
        self.error = error


def _parse(source: Source, ctx: Context) -> Parsed:
    """Run the first loader that recognises ``source``; every failure is a ToolkitError naming the file."""
    if _is_lock_file(source.basename):
        raise _lock_error(source.name)
    blank = b"\xef\xbb\xbf\xff\xfe \r\n\t\x00"
    if not source.data[:64].strip(blank) and not source.data.strip(blank):  # (no copy of a file with data)
        raise ExportFormatError(f"{source.name}: the file is empty. Export it again, or remove it from "
                                f"the folder.", file=source.name)
    _check_container(source)
    for loader in loaders():
        if _guarded(loader.sniff, source, ctx, loader.format):
            parsed = _guarded(loader.read, source, ctx, loader.format)
            parsed.format = parsed.format or loader.format
            _check(parsed, source, ctx)
            if source.notes:
                parsed.notes[:0] = source.notes
            return parsed
    fmt, error = _diagnose(source)
    if fmt == UNRECOGNISED:
        raise _NotAnExport(error)
    raise error


def _guarded(fn, source: Source, ctx: Context, loader: str):
    """Call a loader's sniff/read; turn what the bytes can provoke into errors that name the file."""
    try:
        return fn(source, ctx)
    except ToolkitError as exc:
        if str(exc).startswith(source.name):
            raise
        raise ExportFormatError(f"{source.name}: {exc}", file=source.name) from exc
    except RecursionError:
        raise ExportFormatError(f"{source.name}: the data is nested too deeply to be read (no platform export "
                                f"nests that deep): the file is damaged or not an export. Download it again, "
                                f"or remove it from the folder.", file=source.name) from None
    except MemoryError:
        raise InputFileError(f"{source.name}: not enough memory to read this file ({len(source.data):,} bytes). "
                             f"Close other programs or split the file; lower toolkit.io.LIMITS['max_file_bytes'] "
                             f"to have such files refused up front.") from None
    except Exception as exc:  # noqa: BLE001 - a loader bug must cost one file, not the folder
        err = ExportFormatError(
            f"{source.name}: could not be read: the {loader} loader failed ({type(exc).__name__}: "
            f"{str(exc)[:200]}). This is a bug in the toolkit, please report it with the file; the other "
            f"files were loaded.", file=source.name)
        err.internal = True  # the loader probe tests count these as failures
        raise err from exc


def _check_container(source: Source) -> None:
    """Refuse a zip-based file (xlsx) whose parts would unpack past ``LIMITS['max_file_bytes']``."""
    if source.data[:4] != b"PK\x03\x04":
        return
    try:
        with zipfile.ZipFile(io.BytesIO(source.data)) as zf:
            size = sum(i.file_size for i in zf.infolist())
    except _ARCHIVE_ERRORS:
        return  # not a readable zip: the loaders or the diagnosis say so
    if size > LIMITS["max_file_bytes"]:
        raise _too_big(source.name, size, "its parts would unpack to")


#: Per table, the columns :func:`_check` looks at (counts, numbers, platform, required columns).
_CHECKED: dict[str, tuple] = {}


def _checked_columns(table) -> tuple:
    """The columns of ``table`` that :func:`_check` has a rule for: counts and numbers (range),
    ``platform`` (a platform name) and the required ones (not empty); ``source_file`` is filled in
    by ``load()``. Any other column would only be looked up to find nothing."""
    if table.name not in _CHECKED:
        _CHECKED[table.name] = tuple(
            c for c in table.columns if c.name != "source_file"
            and (c.dtype in ("Int64", "Float64") or c.name == "platform" or (not c.nullable and c.dtype != "bool")))
    return _CHECKED[table.name]


def _check(parsed: Parsed, source: Source, ctx: Context) -> None:
    """Cast each table to the schema and apply the rules every loader shares.

    - Values no table may hold (a required cell empty, a negative, infinite or >= 2**53 count, an
      infinite daily value) are rejected rows (``errors="reject"``) or an error: a safety net
      behind the loaders' own, line-precise checks.
    - With ``errors="raise"``, rows the loader rejected as unreadable (a cut-off last row, a
      row with too many fields) make the file an error, like an unreadable cell does.
    """
    for name, frame in list(parsed.tables.items()):
        table = TABLES[name]
        try:
            frame = table.conform(frame)
        except SchemaError as exc:
            raise ExportFormatError(f"{source.name}: the rows read do not fit the {name} table ({exc}). This is "
                                    f"a bug in the toolkit, please report it with the file.", file=source.name) from exc
        if "text" in frame.columns and frame["text"].hasnans:
            frame["text"] = frame["text"].fillna("")  # no text is "", never <NA>
        drop = np.zeros(len(frame), dtype=bool)
        for col in _checked_columns(table) if len(frame) else ():
            s = frame[col.name]
            why = ""
            if col.dtype == "Int64" and isinstance(s.array, pd.arrays.IntegerArray) and s.dtype == "Int64":
                # the same verdicts from the integers themselves (an int64 below 2**53 converts exactly,
                # one at or above it converts to at least 2**53): no float copy of the column
                ints, missing = s.array._data, s.array._mask
                bad = ~missing & ((ints < 0) | (ints >= MAX_COUNT))
                why = "a count must be a whole number from 0 to 2**53"
            elif col.dtype in ("Int64", "Float64"):
                if s.count():
                    num = s.to_numpy(dtype="float64", na_value=np.nan)
                    with np.errstate(invalid="ignore"):
                        bad = (num < 0) | (num >= MAX_COUNT) if col.dtype == "Int64" else np.isinf(num)
                else:  # all <NA> (a column the export lacks): nothing out of range
                    bad = np.zeros(len(frame), dtype=bool)
                why = "a count must be a whole number from 0 to 2**53" if col.dtype == "Int64" else "infinite"
            else:
                bad = np.zeros(len(frame), dtype=bool)
            if col.name == "platform":
                names = _odd_platforms(s, "fullmatch")  # each distinct value checked once
                odd = s.isin(names).to_numpy(dtype=bool) if names else None
                if odd is not None and odd.any():
                    bad, why = bad | odd, "not a platform name (lowercase letters, digits, '_', '.', '-')"
            if not col.nullable and col.dtype != "bool":
                empty = s.isna().to_numpy(dtype=bool)
                if empty.any():
                    bad, why = bad | empty, why or "the cell is empty"
            bad &= ~drop
            if not bad.any():
                continue
            rows = np.flatnonzero(bad)
            if ctx.errors == "raise":
                raise ExportFormatError(
                    f"{source.name}: column '{col.name}' of the {name} table holds {s.iloc[rows[0]]!r} ({why}) in "
                    f"{len(rows)} row(s). Fix the file or export it again; or pass errors='reject' to load() to "
                    f"skip such rows.", file=source.name, column=col.name)
            parsed.rejected += [{"table": name, "line": None, "column": col.name,
                                 "reason": f"{col.name} {s.iloc[i]!r}: {why}"} for i in rows]
            drop |= bad
        frame = frame.loc[~drop].reset_index(drop=True) if drop.any() else frame
        parsed.tables[name] = _share_repeats(frame)
    if ctx.errors == "raise":
        invalid = [r for r in parsed.rejected if r.get("kind", "invalid") == "invalid"]
        if invalid:
            first = invalid[0]
            line = first.get("line")
            col = first.get("column")
            where = (f", line {line}" if line is not None else "") + (f", column '{col}'" if col else "")
            more = f" ({len(invalid)} such row(s) in all)" if len(invalid) > 1 else ""
            raise ExportFormatError(f"{source.name}{where}: {first.get('reason')}{more}. Export or download the "
                                    f"file again; or pass errors='reject' to load() to load the other rows and list "
                                    f"these in the load report.", file=source.name, line=line, column=col)


#: Columns whose values repeat (a platform, an account, the post a comment is on, a language, a
#: metric name): equal values are made to share one string object (see :func:`_share_repeats`).
_REPEATED = ("platform", "account", "post_id", "parent_id", "author", "channel_id", "lang", "langs",
             "media_type", "metric", "in_reply_to_screen_name", "source_file")


def _share_repeats(frame: pd.DataFrame) -> pd.DataFrame:
    """Make equal strings of a repetitive column one object, so the table holds each once.

    A JSON or CSV reader makes a new string per cell: 100,000 comments on 2,000 videos hold the
    video id 100,000 times. Rebuilding such a column from its distinct values keeps the dtype and
    every value (results cannot change) while the memory is a pointer per row plus one string per
    distinct value: about the saving of a categorical, without its different behaviour.
    Arrow-backed strings (pandas' default where pyarrow is installed) hold no Python objects, so
    there is nothing to share: only Python-backed string columns are rebuilt.
    """
    if len(frame) < 1000:
        return frame
    for col in _REPEATED:
        if col in frame.columns and isinstance(frame[col].dtype, pd.StringDtype) \
                and frame[col].dtype.storage == "python":
            codes, uniques = frame[col].array.factorize()
            if len(uniques) <= len(frame) // 2:
                frame[col] = pd.Series(uniques.take(codes, allow_fill=True), index=frame.index, name=col)
    return frame


# --- files no loader recognises ----------------------------------------------------------------------

_MAGIC = [
    (b"%PDF", "a PDF document"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"), (b"PK\x03\x04", "a zip archive (or a Word/Excel file)"),
    (b"PK\x05\x06", "an empty zip archive"), (b"\xd0\xcf\x11\xe0", "an Office document (.xls/.doc)"),
    (b"\x1f\x8b", "a gzip-compressed file"), (b"7z\xbc\xaf", "a 7-Zip archive"), (b"Rar!", "a RAR archive"),
    (b"SQLite format 3", "an SQLite database"), (b"BZh", "a bzip2-compressed file"),
]


def _diagnose(source: Source) -> tuple[str, ExportFormatError]:
    """What a file no loader recognises is: ``("unreadable", error)`` for broken or non-data
    content, ``("unrecognised", error)`` for a well-formed file the toolkit does not read."""
    name = source.name
    raw = source.data.lstrip(b"\xef\xbb\xbf \r\n\t")

    def err(kind: str, msg: str, line: int | None = None) -> tuple[str, ExportFormatError]:
        return kind, ExportFormatError(msg, file=name, line=line)

    for magic, what in _MAGIC:
        if raw.startswith(magic):
            if magic == b"PK\x03\x04" and b"xl/" in source.data[:1 << 16]:
                return err(UNRECOGNISED, f"{name}: an Excel workbook, not a recognised export (the toolkit reads "
                                         f"LinkedIn's workbooks). Save the sheet as CSV with canonical column names "
                                         f"(toolkit.schema), or pass columns={{...}} to load().")
            tip = "unpack it and load the folder" if "archive" in what or "compressed" in what else \
                "is it the right file? Remove it from the folder or export the data again"
            return err(UNREADABLE, f"{name}: {what}, not a data export the toolkit reads; {tip}.")
    head = source.head(8192)
    utf16 = source.data[:2] in (b"\xff\xfe", b"\xfe\xff")
    control = sum(1 for c in head if ord(c) < 32 and c not in "\t\r\n\f\v")
    if (b"\x00" in source.data[:8192] and not utf16) or control > max(2, len(head) // 100):
        return err(UNREADABLE, f"{name}: binary content, not a text export (damaged, or not the exported file). "
                               f"Download or export it again, or remove it from the folder.")
    low = head.lstrip().lower()
    if low.startswith(("<!doctype html", "<html")) or ("<html" in low[:1024] and "<body" in low):
        title = re.search(r"<title[^>]*>([^<]{0,80})", head, re.I)
        shown = f" ('{title.group(1).strip()}')" if title and title.group(1).strip() else ""
        return err(UNREADABLE, f"{name}: an HTML web page{shown}, not an export: probably a login or error page "
                               f"saved instead of the download. Log in to the platform and download the export "
                               f"again.")
    stripped = head.lstrip()
    if stripped.startswith(("{", "[")) or source.suffix in (".json", ".js"):
        body = source.text
        body = body[body.index("=") + 1:] if stripped.startswith("window.") and "=" in body[:200] else body
        try:
            data = json.loads(body)
        except json.JSONDecodeError as exc:
            cut = " The file ends early: it was cut off." if exc.pos >= len(body.rstrip()) - 1 else ""
            return err(UNREADABLE, f"{name}, line {exc.lineno}: not valid JSON ({exc.msg}).{cut} Download or "
                                   f"export it again.", line=exc.lineno)
        except RecursionError:
            return err(UNREADABLE, f"{name}: JSON nested too deeply to be read (no platform export nests that "
                                   f"deep): the file is damaged or not an export. Remove it from the folder.")
        keys = list(data)[:6] if isinstance(data, dict) else \
            list(data[0])[:6] if isinstance(data, list) and data and isinstance(data[0], dict) else []
        return err(UNRECOGNISED, f"{name}: JSON, but not a recognised export (keys: {keys}); skipped.")
    lines = head.splitlines()
    if source.suffix in (".csv", ".tsv") and len(lines) == 1 and not source.text.endswith(("\n", "\r")) and \
            len(source.text) < 8192 and any(d in lines[0] for d in ",;\t"):
        return err(UNREADABLE, f"{name}: only part of a header line ({lines[0][:120]!r}) and no data: the file "
                               f"is cut off. Export it again, or remove it from the folder.")
    first = lines[0][:200] if lines else ""
    return err(UNRECOGNISED, f"{name}: not a recognised export (first line: {first!r}); skipped. For "
                             f"a CSV of your own, name the columns like the canonical tables (toolkit.schema) or "
                             f"pass columns={{...}} to load().")


def _short_reason(item: _Unreadable) -> str:
    """The message without the file name, to its first sentence (for the one-line warning)."""
    msg = item.note
    if msg.startswith(item.name):
        msg = msg[len(item.name):].lstrip(":, ")
    msg = msg.split(". ")[0].rstrip(".")
    return msg if len(msg) <= 70 else msg[:67] + "..."


def _nothing_readable(paths: list[Path], skipped: list[_Unreadable]) -> InputFileError:
    where = ", ".join(map(str, paths))
    if not skipped:
        return InputFileError(f"{where}: no export found (only files the toolkit ignores, such as images). Put "
                              f"your exports in this folder.")
    kinds = {}
    for s in skipped:
        kinds[s.format] = kinds.get(s.format, 0) + 1
    counts = " and ".join(f"{n} {k}" for k, n in kinds.items())
    listed = "; ".join(s.note for s in skipped[:3]) + (f"; and {len(skipped) - 3} more" if len(skipped) > 3 else "")
    return InputFileError(f"{where}: none of the {len(skipped)} file(s) could be read ({counts}): {listed}")


# --- putting the tables together ---------------------------------------------------------------------


def _assemble(parts: list[tuple[str, Parsed]], skipped: list[_Unreadable], ctx: Context) -> Dataset:
    report_rows: list[dict] = []
    rejected_rows: list[dict] = []
    frames: dict[str, list[pd.DataFrame]] = {t: [] for t in TABLES}
    if sum(getattr(p, "visits", None) is not None for _, p in parts) > 1:  # Matomo Visits Log in several files
        from .matomo import merge_visits_logs
        merge_visits_logs(parts)
    for order, (name, parsed) in enumerate(parts):
        for r in parsed.rejected:
            rejected_rows.append({"file": name, **r})
        counts = _rows_read(parsed)
        notes = "; ".join(dict.fromkeys(parsed.notes))
        for table in [t for t in counts if t]:
            frame = parsed.tables.pop(table, None)  # the table's frames list holds the only reference
            if frame is None:
                frame = _empty(table)
            frame = frame.copy(deep=False)  # copy-on-write: the columns added below stay out of the parsed table
            if "source_file" not in frame.columns or frame["source_file"].isna().all():
                frame["source_file"] = pd.Series(name, index=frame.index, dtype="string")
            frame["_order"] = order
            frame["_exported_at"] = parsed.exported_at if parsed.exported_at is not None else pd.NaT
            frames[table].append(frame)
            n_rej = sum(1 for r in parsed.rejected if r.get("table") == table)
            report_rows.append({"file": name, "format": parsed.format, "table": table,
                                "rows_read": counts[table], "rows_loaded": len(frame),
                                "duplicates_dropped": parsed.merged if table == "traffic" else 0,
                                "rows_rejected": n_rej, "notes": notes, "_order": order})
        if "" in counts:
            report_rows.append({"file": name, "format": parsed.format, "table": "",
                                "rows_read": counts[""], "rows_loaded": 0, "duplicates_dropped": 0,
                                "rows_rejected": counts[""], "notes": notes, "_order": order})
    report = pd.DataFrame(report_rows, columns=REPORT_COLUMNS + ["_order"])
    frame = None  # frames[table] holds the only reference to each frame: _dedupe frees them as it goes
    out = {}
    for name, table in TABLES.items():  # posts first: the others borrow its accounts
        if name != "posts":
            for i, frame in enumerate(frames[name]):
                frames[name][i], note = _fill_account(frame, out["posts"])
                if note:
                    sel = (report["_order"] == frame["_order"].iloc[0]) & (report["table"] == name)
                    report.loc[sel, "notes"] = report.loc[sel, "notes"].map(lambda n: f"{n}; {note}" if n else note)
            frame = None
        out[name], dropped = _dedupe(frames[name], table)
        if dropped:  # each file's duplicates on its row of this table (all files at once: a folder of
            # repeated exports drops rows from nearly every file)
            n = report["_order"].map(dropped).where(report["table"] == name).fillna(0).to_numpy(dtype=np.int64)
            report["duplicates_dropped"] = report["duplicates_dropped"] + n
            report["rows_loaded"] = report["rows_loaded"] - n
    if not ctx.owner and len(out["comments"]):  # chats without owner=: the account's names elsewhere (#13.4)
        from .whatsapp import owner_from_accounts
        out["comments"], note = owner_from_accounts(out["comments"], out["posts"])
        if note:
            sel = (report["format"] == "whatsapp_chat") & (report["table"] == "comments")
            report.loc[sel, "notes"] = report.loc[sel, "notes"].map(lambda n: f"{n}; {note}" if n else note)
    skipped_rows = pd.DataFrame([{"file": s.name, "format": s.format, "table": "", "rows_read": s.rows_read,
                                  "rows_loaded": 0, "duplicates_dropped": 0, "rows_rejected": s.rows_read,
                                  "notes": s.note} for s in skipped], columns=REPORT_COLUMNS)
    report = pd.concat([report.drop(columns="_order"), skipped_rows], ignore_index=True)
    for c in ("rows_read", "rows_loaded", "duplicates_dropped", "rows_rejected"):
        report[c] = report[c].astype("int64")
    rejected = pd.DataFrame(rejected_rows, columns=["file", "table", "line", "column", "kind", "reason"])
    rejected["kind"] = rejected["kind"].astype(object).fillna("invalid")
    invalid = int((rejected["kind"] == "invalid").sum())
    if invalid:
        warnings.warn(f"load(): rejected {invalid:,} row(s) that could not be read; see Dataset.rejected and the "
                      f"load report.", stacklevel=3)
    return Dataset(out["posts"], out["comments"], out["daily"], report, rejected, ctx.tz, traffic=out["traffic"])


_EMPTY: dict[str, pd.DataFrame] = {}


def _empty(table: str) -> pd.DataFrame:
    """A zero-row canonical table (built once per process; a copy each time)."""
    if table not in _EMPTY:
        _EMPTY[table] = TABLES[table].empty()
    return _EMPTY[table].copy()


def _fill_account(frame: pd.DataFrame, posts: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Fill a missing ``account`` from what the posts say, and say how many rows were filled.

    Comments take the account of the post they belong to; rows still without one take the
    platform's account when the posts of that platform name exactly one (exports such as
    Meta's daily files or YouTube's comment API name no account).
    """
    if "account" not in frame.columns or not len(frame) or frame["account"].notna().all():
        return frame, ""
    frame = frame.copy()
    account = frame["account"].astype("string")
    before = int(account.isna().sum())
    if "post_id" in frame.columns and len(posts):
        by_post = posts.dropna(subset=["account"]).drop_duplicates(["platform", "post_id"]).set_index(
            ["platform", "post_id"])["account"]
        keys = pd.MultiIndex.from_arrays([frame["platform"].astype("string"), frame["post_id"].astype("string")])
        account = account.fillna(pd.Series(by_post.reindex(keys).to_numpy(), index=frame.index, dtype="string"))
    single = posts.dropna(subset=["account"]).groupby("platform")["account"].unique()
    single = single[single.map(len) == 1].map(lambda a: a[0])
    account = account.fillna(frame["platform"].astype("string").map(single).astype("string"))
    frame["account"] = account
    filled = before - int(account.isna().sum())
    return frame, (f"account taken from the posts for {filled} row(s) whose export names none" if filled else "")


def _dedupe(frames: list[pd.DataFrame], table) -> tuple[pd.DataFrame, dict[int, int]]:
    """Concatenate and keep one row per key, merging what overlapping exports know.

    For each column the value of the most recent export that reports it wins: a newer
    export's metrics replace older ones, and a value only an older (or another kind of)
    export carries, such as impressions from X's analytics CSV next to its archive, is kept
    instead of being lost with the older row. Recency is the export time a loader found in
    the file, else the order files were read in (sorted paths), else the row order in a file.
    A precise publish time wins over a date-only one. The duplicate is counted against the
    file whose row was superseded.
    """
    parts = [f for f in frames if len(f)]
    frames.clear()  # each file's frame is freed once concatenated (the caller keeps no other reference)
    if not parts:
        return _empty(table.name), {}
    data = _concat(parts)  # each frame was cast to the schema when read
    del parts
    key = list(table.key)
    if not _any_duplicated(data, key):  # the usual case: nothing to merge, keep the order read
        kept = _as_schema(data.drop(columns=["_order", "_exported_at"]), table)
        del data
        table._validate(kept, key=False)  # keys: unique, just checked
        return kept, {}
    data["_row"] = range(len(data))
    ordered = data.sort_values(["_exported_at", "_order", "_row"], na_position="first", kind="stable")
    dup = ordered.duplicated(key, keep="last")
    dropped = ordered.loc[dup, "_order"].value_counts().to_dict() if dup.any() else {}
    kept = ordered.loc[~dup]
    if dup.any():
        in_group = ordered.duplicated(key, keep=False)
        group = ordered.loc[in_group]
        if "date_only" in group.columns:
            # A precise publish time beats a date-only one whatever the export's age (LinkedIn's
            # export has dates only; a scheduler's CSV has the time): blank the date-only times
            # of groups that also have a precise one, so the precise one is the last non-missing.
            precise = ~group["date_only"].astype(bool)
            has_precise = precise.groupby([group[k] for k in key], dropna=False).transform("any")
            blank = ~precise & has_precise
            group = group.assign(published_at=group["published_at"].mask(blank),
                                 date_only=group["date_only"].astype("boolean").mask(blank))
        # newest non-missing value per column within each duplicated key
        merged = group.groupby(key, sort=False, dropna=False).last()
        winners = kept.loc[in_group.loc[kept.index], key + ["_row"]]
        right = merged.drop(columns=["_row"]).reset_index()
        # an all-missing key column comes back from groupby as float NaN under Python string storage
        right = right.astype({k: winners[k].dtype for k in key if right[k].dtype != winners[k].dtype})
        filled = winners.merge(right, on=key, how="left",
                               validate="one_to_one").set_index(winners.index)
        kept = kept.copy()
        cols = [c for c in filled.columns if c not in key and c != "_row"]
        for c in cols:
            kept.loc[filled.index, c] = filled[c].astype(kept[c].dtype)
    kept = kept.sort_values("_row", kind="stable")
    kept = kept.drop(columns=["_order", "_exported_at", "_row"]).reset_index(drop=True)
    kept = _as_schema(kept, table)
    table.validate(kept)
    return kept, {int(k): int(v) for k, v in dropped.items()}


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """``pd.concat(parts, ignore_index=True)``, emptying the list ``parts`` as it goes.

    When every part has the same columns and dtypes (files of one kind), the table is put
    together one column at a time and each part's column is released once copied, so memory
    holds the table plus one column instead of the table twice (GA4, 1,000,000 rows: 85 MB less).
    The caller keeps no other reference to the parts.
    """
    first = parts[0]
    if len(parts) == 1 or not first.columns.is_unique or any(
            not p.columns.equals(first.columns) or not p.dtypes.equals(first.dtypes) for p in parts[1:]):
        return pd.concat(parts, ignore_index=True)
    columns = {}
    large = sum(map(len, parts)) >= _TRIM_AFTER_ROWS
    names = list(first.columns)
    pieces: dict = {c: [] for c in names}
    for p in parts:
        for c, col in p.items():
            pieces[c].append(col.array)
    parts.clear()  # the caller's list: the frames go, these lists hold the only references to their columns
    for c in names:
        arrays = pieces.pop(c)
        if isinstance(arrays[0], pd.api.extensions.ExtensionArray) and \
                not isinstance(arrays[0], pd.arrays.NumpyExtensionArray):
            # what pd.concat of Series of one dtype does, without an index per part (20 small files: 3x faster)
            values = type(arrays[0])._concat_same_type(arrays)
        else:
            values = np.concatenate([np.asarray(a) for a in arrays])
        del arrays  # this column of every part is freed here
        columns[c] = pd.Series(values, name=c, copy=False)
        if large:
            _trim_heap()  # the parts' column is freed in small blocks the next column cannot reuse
    return pd.DataFrame(columns, copy=False)


#: A file at least this large is followed by :func:`_trim_heap` in :func:`load`, and so is each
#: column concatenated for a table of at least this many rows.
_TRIM_AFTER_BYTES, _TRIM_AFTER_ROWS = 4 * 1024**2, 400_000
_MALLOC_TRIM: list = []


def _trim_heap() -> None:
    """Return the memory freed into the C heap to the system (glibc's ``malloc_trim``; elsewhere nothing).

    glibc keeps freed blocks of the heap resident for later use. Reading a large export frees tens
    of MB in blocks of a few hundred KB (one column of one chunk), which the next, larger arrays
    cannot reuse: without trimming, the process holds them until it ends and the peak of a load of
    ten 100,000-row files is about 70 MB higher. Takes about 2 ms.
    """
    if not _MALLOC_TRIM:
        fn = None
        try:
            import ctypes
            import platform

            if platform.system() == "Linux" and platform.libc_ver()[0] == "glibc":
                fn = ctypes.CDLL("libc.so.6").malloc_trim
                fn.argtypes, fn.restype = [ctypes.c_size_t], ctypes.c_int
        except (OSError, AttributeError, ValueError):
            fn = None
        _MALLOC_TRIM.append(fn)
    if _MALLOC_TRIM[0] is not None:
        _MALLOC_TRIM[0](0)


def _any_duplicated(frame: pd.DataFrame, key: list[str]) -> bool:
    """``frame.duplicated(key).any()`` (missing values equal each other), one key column at a time.

    pandas factorizes every key column before combining them (about 90 MB held at once for
    GA4's 12 key columns at 1,000,000 rows); here each column's codes are folded into one code
    per row and compressed, and the check stops as soon as the rows are all distinct.
    """
    n = len(frame)
    if _unique_column(frame, key):  # rows distinct in one key column are distinct in the key
        return False
    if n > 100_000 and _distinct_by_hash(frame, key):  # most large tables: no repeated key at all
        return False
    codes = None
    for c in key:
        labels, uniques = pd.factorize(frame[c])
        labels = labels.astype("int64")
        labels += 1  # missing (-1) is a value of its own; in place, as below: no temporary arrays
        if codes is None:
            codes = labels
        else:
            codes *= len(uniques) + 1
            codes += labels
        del labels, uniques
        codes, distinct = pd.factorize(codes)  # codes < n, so the next product stays far inside int64
        if len(distinct) == n:
            return False
    return codes is not None and len(distinct) < n


#: Multiplier folding one key column's hashes into the row's (odd: a bijection modulo 2**64).
_FOLD = np.uint64(0x9E3779B97F4A7C15)
#: The hash of a missing cell (any fixed value: missing cells equal each other, as for ``duplicated``).
_NA_HASH = np.uint64(0x2545F4914F6CDD1D)


def _distinct_by_hash(frame: pd.DataFrame, key: list[str]) -> bool:
    """Whether the rows of ``frame`` are distinct in ``key``, told by a 64-bit hash per row; False
    also when two hashes are equal (a repeated key, or by chance), for the exact check to decide.

    Equal keys have equal hashes (a missing cell hashes to one constant), so distinct hashes prove
    distinct keys. Arrow string columns are hashed from their buffers (:func:`_cell_hashes`), other
    columns by their factorized codes; each column is folded into the row's hash in place. Holds
    two 8-byte arrays per row where factorizing the folded codes held a hash table of every
    distinct key (GA4's 12 key columns at 1,000,000 rows: the peak of ``load()``).
    """
    n = len(frame)
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for c in key:
            s = frame[c]
            hc = None
            if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":
                arr = s.array._pa_array
                # slices of 16,384 cells: _cell_hashes holds 24 bytes per byte of text while it works
                parts = [_cell_hashes(chunk.slice(k, 1 << 14)) for chunk in arr.chunks
                         for k in range(0, len(chunk), 1 << 14)]
                if parts and all(p is not None for p in parts):
                    hc = np.concatenate(parts)
                    del parts
                    if arr.null_count:
                        hc[s.isna().to_numpy(dtype=bool)] = _NA_HASH
            if hc is None:
                hc = pd.factorize(s)[0].astype(np.uint64)  # missing: code -1, one value for all of them
            h *= _FOLD
            h += hc
            del hc
    h.sort()
    return not bool((h[1:] == h[:-1]).any())


def _unique_column(frame: pd.DataFrame, key: list[str]) -> bool:
    """Whether a key column that looks like an id (its first cells all differ) holds no value twice.

    For Arrow string columns: a 64-bit hash of every cell's bytes, made from the Arrow buffers with
    a few numpy passes per chunk, sorted; no two equal hashes means no two equal cells (equal cells
    have equal hashes). Equal hashes (a repeated id, or by chance) say nothing: the full check
    decides, as it does for other columns. On 1,000,000 post ids this takes about 0.15 s and 20 MB,
    where factorizing takes 0.3 s and 90 MB (the peak of ``load()``). A missing value counts as a
    value of its own, as it does for ``duplicated``: two of them are a repeat.
    """
    from ._base import _mostly_distinct
    for c in key:
        s = frame[c]
        if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow" and _mostly_distinct(s):
            arr = s.array._pa_array
            if arr.null_count > 1:
                return False
            hashes = [_cell_hashes(chunk) for chunk in arr.chunks]
            if any(h is None for h in hashes):
                import pyarrow.compute as pc
                return pc.count_distinct(arr, mode="all").as_py() == len(s)
            h = np.concatenate(hashes) if len(hashes) != 1 else hashes[0]
            del hashes
            h.sort()
            return not bool((h[1:] == h[:-1]).any())
    return False


#: Random odd weights of the bytes of a cell by position (fixed seed: the same in every run).
_HASH_WEIGHTS = np.random.default_rng(20261207).integers(1, 2**63, size=1024, dtype=np.uint64) | np.uint64(1)


def _cell_hashes(chunk) -> np.ndarray | None:
    """``sum(weight[i] * byte[i]) ^ length * golden`` (mod 2**64) of every cell of an Arrow string
    chunk, from its buffers; None for another type or cells longer than the weights."""
    import pyarrow as pa

    wide = pa.types.is_large_string(chunk.type)
    if not (wide or pa.types.is_string(chunk.type)):
        return None
    n = len(chunk)
    if not n:
        return np.zeros(0, dtype=np.uint64)
    buffers = chunk.buffers()
    offsets = np.frombuffer(buffers[1], dtype=np.int64 if wide else np.int32)[chunk.offset:chunk.offset + n + 1]
    first = int(offsets[0])
    offsets = offsets.astype(np.int64) - first
    lengths = np.diff(offsets)
    if lengths.min() < 0 or lengths.max() > len(_HASH_WEIGHTS):
        return None
    data = np.zeros(0, dtype=np.uint8) if buffers[2] is None else np.frombuffer(buffers[2], dtype=np.uint8)
    data = data[first:first + int(offsets[-1])]
    position = np.arange(len(data), dtype=np.int64)
    position -= np.repeat(offsets[:-1], lengths)  # of each byte within its cell
    weighted = _HASH_WEIGHTS[position] * data  # uint64: wraps round, as a hash should
    del position
    sums = np.zeros(len(data) + 1, dtype=np.uint64)
    np.cumsum(weighted, out=sums[1:])
    del weighted
    h = sums[offsets[1:]] - sums[offsets[:-1]]
    h ^= lengths.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    return h


def _as_schema(frame: pd.DataFrame, table) -> pd.DataFrame:
    """``table.conform(frame)``, skipped when every canonical column already has its dtype."""
    if all(c.name in frame.columns and str(frame[c.name].dtype) == _dtype_name(c.pandas_dtype)
           for c in table.columns):  # compared by name: pandas' "str" dtype == "string" is True
        extra = [c for c in frame.columns if c not in table.names]
        return frame[table.names + extra]
    return table.conform(frame)
