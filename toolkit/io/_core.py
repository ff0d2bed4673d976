"""``load()``: files, folders and archives in; three canonical tables and a load report out."""

from __future__ import annotations

import io
import os
import tarfile
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from ..errors import ExportFormatError, InputFileError, ParameterError
from ..schema import COMMENTS, DAILY, POSTS, TABLES
from ._base import Context, Parsed, Source, check_tz, loaders

__all__ = ["Dataset", "load", "read", "REPORT_COLUMNS", "LIMITS"]

#: Columns of ``Dataset.load_report``.
REPORT_COLUMNS = ["file", "format", "table", "rows_read", "rows_loaded", "duplicates_dropped",
                  "rows_rejected", "notes"]

#: Limits for archives (zip/tar) read in memory: members, total and per-member uncompressed bytes.
LIMITS = {"max_members": 20_000, "max_total_bytes": 2 * 1024**3, "max_member_bytes": 1024**3}

_ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz")
_IGNORED_NAMES = {".ds_store", "thumbs.db", "desktop.ini"}
_IGNORED_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".mp4", ".mov", ".heic", ".mp3", ".m4a",
                     ".webm", ".pdf", ".html", ".htm", ".css", ".md", ".ipynb", ".py", ".svg", ".ico"}


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
        ``rows_read == rows_loaded + duplicates_dropped + rows_rejected``.
    rejected : pandas.DataFrame
        One row per rejected input row: file, table, line, column, kind, reason. ``kind`` is
        "invalid" (a row that could not be read; load() warns) or "skipped" (a row that is not
        data by design: a totals row, a repost of someone else's post, a list of liked URIs).
    tz : str or None
        The ``tz=`` the data was loaded with.
    """

    posts: pd.DataFrame
    comments: pd.DataFrame
    daily: pd.DataFrame
    load_report: pd.DataFrame
    rejected: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["file", "table", "line", "column", "kind", "reason"]))
    tz: str | None = None

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The three tables by name."""
        return {"posts": self.posts, "comments": self.comments, "daily": self.daily}

    def __repr__(self) -> str:
        files = self.load_report["file"].nunique() if len(self.load_report) else 0
        plats = sorted(set(self.posts["platform"].dropna()) | set(self.comments["platform"].dropna())
                       | set(self.daily["platform"].dropna()))
        return (f"<Dataset: {len(self.posts):,} posts, {len(self.comments):,} comments, "
                f"{len(self.daily):,} daily values from {files} file(s); platforms: {', '.join(plats) or '-'}>")


def load(path: str | os.PathLike | list, *, tz: str | None = None, columns: dict[str, str] | None = None,
         errors: str = "raise", year: int | None = None, progress: bool | None = None) -> Dataset:
    """Load platform exports (a file, a folder searched recursively, or zip/tar archives) into the
    canonical tables.

    Every input row ends up in a table, or is counted in the load report as a duplicate or as
    rejected with its reason.

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
        ``"raise"`` (default) stops at the first file with unreadable cells and names the line
        and column; ``"reject"`` drops such rows and lists them in ``Dataset.rejected`` and the
        load report.
    year : int, optional
        Year for exports whose dates have none (TikTok's overview CSV).
    progress : bool, optional
        Show a progress bar over files (default: only when loading takes more than 2 s;
        ``False`` never shows it).

    Returns
    -------
    Dataset

    Raises
    ------
    InputFileError
        The path does not exist or holds no readable file.
    ExportFormatError
        A file is empty, misses required columns or has unreadable values (with ``errors="raise"``).
    """
    if errors not in ("raise", "reject"):
        raise ParameterError(f"errors={errors!r}: expected 'raise' or 'reject'.")
    ctx = Context(tz=check_tz(tz), errors=errors, columns=dict(columns or {}), year=year)
    paths = [path] if isinstance(path, (str, os.PathLike)) else list(path)
    entries: list[tuple[Path, bool, str]] = []
    for p in paths:
        p = Path(p)
        if not p.exists():
            raise InputFileError(f"{p}: no such file or folder. Check the path (current folder: {Path.cwd()}).")
        if p.is_dir():
            files = sorted(f for f in p.rglob("*")
                           if f.is_file() and not _ignored(f.name) and not _skip_suffix(f.name))
            entries += [(f, False, (Path(p.resolve().name) / f.relative_to(p)).as_posix()) for f in files]
        else:
            entries.append((p, True, p.name))
    if not entries:
        raise InputFileError(f"{', '.join(map(str, paths))}: no files found. Put your exports in this folder.")
    parts: list[tuple[Source, Parsed]] = []
    skipped: list[dict] = []
    # By default the bar appears only when loading takes longer than two seconds.
    bar = tqdm(entries, desc="loading exports", unit="file", disable=progress is False,
               delay=0 if progress else 2)
    for file, explicit, shown in bar:
        for source, member in _sources(file, shown):
            parsed = _read_source(source, ctx, explicit=explicit and not member)
            if parsed is None:
                skipped.append({"file": source.name, "format": "unrecognised", "table": "",
                                "rows_read": 0, "rows_loaded": 0, "duplicates_dropped": 0,
                                "rows_rejected": 0, "notes": _unrecognised_note(source)})
            else:
                parts.append((source, parsed))
    _run_deferred(parts, ctx)
    return _assemble(parts, skipped, ctx)


def _run_deferred(parts: list[tuple[Source, Parsed]], ctx: Context) -> None:
    """Steps that need every file of the load (toolkit/io/_resolve.py): TikTok's year-less dates
    from sibling files, ids destroyed by spreadsheets matched to other exports. A step that
    cannot finish stops the load with its file's error."""
    from ._resolve import run_deferred

    failed = run_deferred(parts, ctx)
    if failed:
        raise failed[0][1]


def read(source: Source, *, tz: str | None = None, errors: str = "raise") -> Parsed:
    """Read one in-memory :class:`Source` with the first loader that recognises it (for tests/tools)."""
    ctx = Context(tz=check_tz(tz), errors=errors)
    parsed = _read_source(source, ctx, explicit=True)
    assert parsed is not None
    _run_deferred([(source, parsed)], ctx)
    return parsed


def _ignored(name: str) -> bool:
    low = name.lower()
    return low in _IGNORED_NAMES or low.startswith(".") or low.endswith("truth.json")


def _sources(file: Path, shown: str):
    """Yield ``(Source, is_archive_member)`` for a file or the members of an archive.

    ``shown`` is the name used in messages and ``source_file`` (relative to the loaded folder).
    """
    name = file.name.lower()
    try:
        if name.endswith(".zip"):
            yield from ((s, True) for s in _zip_members(file, shown))
            return
        if name.endswith((".tar", ".tar.gz", ".tgz")):
            yield from ((s, True) for s in _tar_members(file, shown))
            return
        yield Source(shown, file.read_bytes()), False
    except (zipfile.BadZipFile, tarfile.TarError) as exc:
        raise InputFileError(f"{file}: cannot open the archive ({exc}). Download it again.") from None
    except OSError as exc:
        raise InputFileError(f"{file}: cannot read the file ({exc.strerror or exc}).") from None


def _zip_members(file: Path, shown: str):
    with zipfile.ZipFile(file) as zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        _check_limits(file, [(i.filename, i.file_size) for i in infos])
        for info in infos:
            if _ignored(Path(info.filename).name) or _skip_suffix(info.filename):
                continue
            with zf.open(info) as fh:  # never extracted to disk: names cannot escape anywhere
                data = fh.read(LIMITS["max_member_bytes"] + 1)
            if len(data) > LIMITS["max_member_bytes"]:
                raise InputFileError(f"{file}!{info.filename}: member larger than "
                                     f"{LIMITS['max_member_bytes']:,} bytes; refusing to read it.")
            if info.filename.lower().endswith(".zip"):
                nested = f"{shown}!{info.filename}"
                with zipfile.ZipFile(io.BytesIO(data)) as inner:
                    inner_infos = [i for i in inner.infolist() if not i.is_dir()]
                    _check_limits(nested, [(i.filename, i.file_size) for i in inner_infos])
                    for ii in inner_infos:
                        if not (_ignored(Path(ii.filename).name) or _skip_suffix(ii.filename)):
                            yield Source(f"{nested}!{ii.filename}", inner.read(ii), modified=_zip_time(ii))
                continue
            yield Source(f"{shown}!{info.filename}", data, modified=_zip_time(info))


def _zip_time(info: zipfile.ZipInfo) -> pd.Timestamp | None:
    """The member's modification time as the zip stores it (local, no zone); None if invalid."""
    try:
        return pd.Timestamp(*info.date_time)
    except (ValueError, TypeError):
        return None


def _tar_members(file: Path, shown: str):
    with tarfile.open(file, mode="r:*") as tf:
        members = [m for m in tf.getmembers() if m.isfile()]
        _check_limits(file, [(m.name, m.size) for m in members])
        for m in members:
            if _ignored(Path(m.name).name) or _skip_suffix(m.name):
                continue
            fh = tf.extractfile(m)  # read into memory only
            if fh is not None:
                modified = pd.Timestamp(m.mtime, unit="s") if m.mtime else None
                yield Source(f"{shown}!{m.name}", fh.read(), modified=modified)


def _skip_suffix(name: str) -> bool:
    low = name.lower()
    return any(low.endswith(s) for s in _IGNORED_SUFFIXES)


def _check_limits(file: Path, members: list[tuple[str, int]]) -> None:
    if len(members) > LIMITS["max_members"]:
        raise InputFileError(f"{file}: archive has {len(members):,} members, more than the limit of "
                             f"{LIMITS['max_members']:,}; unpack the part you need or raise "
                             f"toolkit.io.LIMITS['max_members'].")
    total = sum(size for _, size in members)
    if total > LIMITS["max_total_bytes"]:
        raise InputFileError(f"{file}: archive would unpack to {total:,} bytes, more than the limit of "
                             f"{LIMITS['max_total_bytes']:,}; refusing (possible zip bomb).")


def _read_source(source: Source, ctx: Context, *, explicit: bool) -> Parsed | None:
    if not source.data.strip(b"\xef\xbb\xbf\xff\xfe \r\n\t\x00"):
        raise ExportFormatError(f"{source.name}: the file is empty. Export it again, or remove it from "
                                f"the folder.", file=source.name)
    for loader in loaders():
        if loader.sniff(source, ctx):
            parsed = loader.read(source, ctx)
            parsed.format = parsed.format or loader.format
            return parsed
    if explicit:
        raise ExportFormatError(f"{source.name}: not a recognised export. {_unrecognised_note(source)}",
                                file=source.name)
    return None


def _unrecognised_note(source: Source) -> str:
    first = source.head(300).splitlines()[0][:200] if source.head(300).strip() else ""
    return (f"not a recognised export (first line: {first!r}); skipped. For a CSV of your own, name the "
            f"columns like the canonical tables (toolkit.schema) or pass columns={{...}} to load().")


def _assemble(parts: list[tuple[Source, Parsed]], skipped: list[dict], ctx: Context) -> Dataset:
    report_rows: list[dict] = []
    rejected_rows: list[dict] = []
    frames: dict[str, list[pd.DataFrame]] = {t: [] for t in TABLES}
    for order, (source, parsed) in enumerate(parts):
        for r in parsed.rejected:
            rejected_rows.append({"file": source.name, **r})
        tables = set(parsed.tables) | set(parsed.rows_read)
        for table in sorted(tables):
            frame = parsed.tables.get(table)
            if frame is None:
                frame = TABLES[table].empty()
            frame = frame.copy()
            if "source_file" not in frame.columns or frame["source_file"].isna().all():
                frame["source_file"] = source.name
            frame["_order"] = order
            frame["_exported_at"] = parsed.exported_at if parsed.exported_at is not None else pd.NaT
            frames[table].append(frame)
            n_rej = sum(1 for r in parsed.rejected if r.get("table") == table)
            report_rows.append({"file": source.name, "format": parsed.format, "table": table,
                                "rows_read": parsed.rows_read.get(table, len(frame) + n_rej),
                                "rows_loaded": len(frame), "duplicates_dropped": 0,
                                "rows_rejected": n_rej, "notes": "; ".join(dict.fromkeys(parsed.notes)),
                                "_order": order})
        untabled = [r for r in parsed.rejected if r.get("table") not in tables]
        if untabled:
            report_rows.append({"file": source.name, "format": parsed.format, "table": "",
                                "rows_read": len(untabled), "rows_loaded": 0, "duplicates_dropped": 0,
                                "rows_rejected": len(untabled), "notes": "; ".join(parsed.notes),
                                "_order": order})
    report = pd.DataFrame(report_rows, columns=REPORT_COLUMNS + ["_order"])
    out = {}
    for name, table in TABLES.items():  # posts first: the others borrow its accounts
        if name != "posts":
            for i, frame in enumerate(frames[name]):
                frames[name][i], note = _fill_account(frame, out["posts"])
                if note:
                    sel = (report["_order"] == frame["_order"].iloc[0]) & (report["table"] == name)
                    report.loc[sel, "notes"] = report.loc[sel, "notes"].map(lambda n: f"{n}; {note}" if n else note)
        out[name], dropped = _dedupe(frames[name], table)
        for order, n in dropped.items():
            sel = (report["_order"] == order) & (report["table"] == name)
            report.loc[sel, "duplicates_dropped"] = n
            report.loc[sel, "rows_loaded"] = report.loc[sel, "rows_loaded"] - n
    report = pd.concat([report.drop(columns="_order"), pd.DataFrame(skipped, columns=REPORT_COLUMNS)],
                       ignore_index=True)
    for c in ("rows_read", "rows_loaded", "duplicates_dropped", "rows_rejected"):
        report[c] = report[c].astype("int64")
    rejected = pd.DataFrame(rejected_rows, columns=["file", "table", "line", "column", "kind", "reason"])
    rejected["kind"] = rejected["kind"].astype(object).fillna("invalid")
    invalid = int((rejected["kind"] == "invalid").sum())
    if invalid:
        warnings.warn(f"load(): rejected {invalid:,} row(s) that could not be read; see Dataset.rejected and the load report.",
                      stacklevel=3)
    return Dataset(out["posts"], out["comments"], out["daily"], report, rejected, ctx.tz)


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
    frames = [f for f in frames if len(f)]
    if not frames:
        return table.empty(), {}
    data = pd.concat([table.conform(f) for f in frames], ignore_index=True)
    data["_row"] = range(len(data))
    key = list(table.key)
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
        filled = winners.merge(merged.drop(columns=["_row"]).reset_index(), on=key, how="left",
                               validate="one_to_one").set_index(winners.index)
        kept = kept.copy()
        cols = [c for c in filled.columns if c not in key and c != "_row"]
        for c in cols:
            kept.loc[filled.index, c] = filled[c].astype(kept[c].dtype)
    kept = kept.sort_values("_row", kind="stable")
    kept = kept.drop(columns=["_order", "_exported_at", "_row"]).reset_index(drop=True)
    kept = table.conform(kept)
    table.validate(kept)
    return kept, {int(k): int(v) for k, v in dropped.items()}
