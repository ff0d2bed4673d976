"""The Parquet store: a :class:`~toolkit.io.Dataset` written to a folder and read back exactly.

Layout of a store folder (format version 1)::

    <dir>/toolkit-store.json                                  the manifest (written last)
    <dir>/<table>/platform=<p>/month=<YYYY-MM>/part-0.parquet one file per partition
    <dir>/_load_report.parquet                                Dataset.load_report
    <dir>/_rejected.parquet                                   Dataset.rejected

``<table>`` is each canonical table (posts, comments, daily, traffic). Partitions follow Hive's
``key=value`` naming, so ``dask.dataframe.read_parquet(f"{dir}/comments")`` or
``pyarrow.dataset.dataset(..., partitioning="hive")`` read a table directly:

* ``platform`` is the table's ``platform`` column. Traffic has none: its ``tool`` takes that place
  (``traffic/platform=ga4/...``) and stays in the files as well, so a reader of the folders sees
  ``tool`` and a ``platform`` equal to it. The value is percent-encoded where a character is not
  safe in a folder name (platform names never need it); a missing one is Hive's
  ``__HIVE_DEFAULT_PARTITION__``.
* ``month`` is the calendar month of the table's main time: ``published_at`` (in UTC) for posts
  and comments, ``date`` for daily and traffic; ``month=none`` holds the rows without one.

The partition columns are not stored inside the files (Hive style): the reader gives back
``platform`` from the folder name, with its original dtype, and drops ``month`` (a reader of the
folders, such as dask, sees ``platform`` and ``month`` as categorical columns).
Every file has a column ``_row`` (int64): the row's position in the original table. Rows inside a
file are in that order; reading sorts by ``_row`` and drops it, so the original row order comes
back. All files of one table share one Arrow schema.

The manifest (JSON) holds the format version, the toolkit version that wrote it, the Dataset's
``tz``, the exact dtype and order of every column of every table (so a read gives back the same
dtypes whatever pyarrow infers), the list of files with their row counts, and, when the store was
written by ``load(..., cache=DIR)``, the fingerprints of the input files and the load parameters
that decide whether the store is still valid (see :func:`fingerprints`).

Writing is atomic: everything is written into a hidden folder next to ``<dir>`` and renamed into
place at the end, with the manifest written last, so a run that is killed leaves either the
previous store or none, never half of one that reads as valid.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import time
import urllib.parse
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from .._compact import expand_frame
from .._progress import logger

#: Messages of the store (cache hits and misses with their times); the command line prints them.
store_log = logger.getChild("store")
from ..errors import InputFileError, ParameterError, ToolkitError

__all__ = ["MANIFEST", "FORMAT", "FORMAT_VERSION", "is_store", "write_store", "read_store", "fingerprints",
           "read_manifest"]

#: File name of the manifest; a folder holding it is a store.
MANIFEST = "toolkit-store.json"
#: ``format`` field of the manifest.
FORMAT = "toolkit-parquet-store"
#: Version of the layout this toolkit writes and reads.
FORMAT_VERSION = 1
#: Name of the row-order column stored in every part file.
ROW_COL = "_row"
#: Bytes of each input file hashed for its fingerprint.
HEAD_BYTES = 64 * 1024
#: Main time column of each table (the month partition), and its partition column.
_MONTH_OF = {"posts": "published_at", "comments": "published_at", "daily": "date", "traffic": "date"}
_PLATFORM_OF = {"traffic": "tool"}
_REPORT_FILE = "_load_report.parquet"
_REJECTED_FILE = "_rejected.parquet"
_NONE = "none"
_NULL_PLATFORM = "__HIVE_DEFAULT_PARTITION__"  # Hive's name for a missing partition value
_TMP_TAG = ".toolkit-tmp-"
_OLD_TAG = ".toolkit-old-"


class _Unsupported(ToolkitError, ValueError):
    pass


# --- dtypes --------------------------------------------------------------------------------------


def _dtype_spec(dtype) -> dict:
    """A JSON description of ``dtype`` that :func:`_dtype_from_spec` turns back into the same dtype."""
    if isinstance(dtype, pd.StringDtype):
        return {"kind": "string", "storage": dtype.storage,
                "na": "nan" if dtype.na_value is not pd.NA else "NA"}
    if isinstance(dtype, pd.CategoricalDtype):
        cats = dtype.categories
        return {"kind": "category", "ordered": bool(dtype.ordered), "categories_dtype": _dtype_spec(cats.dtype),
                "categories": [_json_value(v) for v in cats]}
    if isinstance(dtype, pd.ArrowDtype):
        return {"kind": "arrow", "name": str(dtype)}
    return {"kind": "plain", "name": str(dtype)}


def _dtype_from_spec(spec: dict):
    kind = spec["kind"]
    if kind == "string":
        return pd.StringDtype(spec["storage"], na_value=np.nan if spec["na"] == "nan" else pd.NA)
    if kind == "category":
        cats = pd.Index([_from_json_value(v) for v in spec["categories"]], dtype=object)
        cats = cats.astype(_dtype_from_spec(spec["categories_dtype"]))
        return pd.CategoricalDtype(cats, ordered=spec["ordered"])
    return pd.api.types.pandas_dtype(spec["name"])


# --- object columns (load report notes, rejected rows): values of mixed Python types ----------------


def _json_value(v):
    """A JSON-able form of one cell of an object column (None for a missing value written as None)."""
    if v is None:
        return None
    if v is pd.NA:
        return {"$na": 1}
    if v is pd.NaT:
        return {"$nat": 1}
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return float(v) if np.isfinite(v) else {"$float": repr(float(v))}
    if isinstance(v, str):
        return v
    if isinstance(v, pd.Timestamp):
        return {"$ts": v.isoformat(), "tz": str(v.tz) if v.tz else None}
    if isinstance(v, list):
        return [_json_value(x) for x in v]
    if isinstance(v, tuple):
        return {"$tuple": [_json_value(x) for x in v]}
    if isinstance(v, dict) and all(isinstance(k, str) and not k.startswith("$") for k in v):
        return {k: _json_value(x) for k, x in v.items()}
    raise _Unsupported(f"a value of type {type(v).__name__} ({v!r:.60})")


def _from_json_value(v):
    if isinstance(v, list):
        return [_from_json_value(x) for x in v]
    if isinstance(v, dict):
        if "$na" in v:
            return pd.NA
        if "$nat" in v:
            return pd.NaT
        if "$float" in v:
            return float(v["$float"])
        if "$ts" in v:
            return pd.Timestamp(v["$ts"])
        if "$tuple" in v:
            return tuple(_from_json_value(x) for x in v["$tuple"])
        return {k: _from_json_value(x) for k, x in v.items()}
    return v


def _encode_object(s: pd.Series) -> tuple[pd.Series, str]:
    """Object columns: plain text when every value is a str or None, else one JSON text per cell."""
    values = s.to_numpy()
    if all(v is None or type(v) is str for v in values):
        return pd.Series(values, index=s.index, dtype=object), "text"
    return pd.Series([None if v is None else json.dumps(_json_value(v)) for v in values],
                     index=s.index, dtype=object), "json"


def _decode_object(arr, encoding: str) -> np.ndarray:
    values = arr.to_pylist()
    if encoding == "json":
        values = [None if v is None else _from_json_value(json.loads(v)) for v in values]
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


# --- writing -------------------------------------------------------------------------------------


def _frame_plan(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[dict], dict | None]:
    """The frame as written (object columns encoded, a non-default index as a column) and the
    column descriptions of the manifest."""
    out = {}
    columns = []
    index = None
    if not (isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0 and frame.index.step == 1):
        if isinstance(frame.index, pd.MultiIndex):
            raise _Unsupported("a MultiIndex (reset_index() first)")
        index = {"name": frame.index.name, "dtype": _dtype_spec(frame.index.dtype)}
    for pos, name in enumerate(frame.columns):
        if not isinstance(name, str):
            raise _Unsupported(f"a column name that is not text ({name!r})")
        s = frame.iloc[:, pos]
        col = {"name": name, "dtype": _dtype_spec(s.dtype)}
        if s.dtype == object:
            s, col["encoding"] = _encode_object(s)
        out[name] = s.reset_index(drop=True)
        columns.append(col)
    if index is not None:
        s = pd.Series(frame.index, dtype=frame.index.dtype)
        if s.dtype == object:
            s, index["encoding"] = _encode_object(s)
        out["__index__"] = s.reset_index(drop=True)
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame))), columns, index


def _arrow_table(frame: pd.DataFrame, schema=None):
    import pyarrow as pa

    return pa.Table.from_pandas(frame, schema=schema, preserve_index=False)


def _write_table(frame: pd.DataFrame, path: Path) -> None:
    import pyarrow.parquet as pq

    pq.write_table(_arrow_table(frame), path)


def _month_keys(s: pd.Series) -> np.ndarray:
    """``YYYY-MM`` of each time (``none`` where missing), vectorised."""
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_convert("UTC")
    if not pd.api.types.is_datetime64_any_dtype(s.dtype):
        s = pd.to_datetime(s, errors="coerce", utc=True)
    missing = s.isna().to_numpy()
    ym = (s.dt.year.fillna(0).astype("int64") * 100 + s.dt.month.fillna(0).astype("int64")).to_numpy()
    keys = np.empty(len(s), dtype=object)
    uniq, inv = np.unique(ym, return_inverse=True)
    names = np.array([f"{u // 100:04d}-{u % 100:02d}" for u in uniq], dtype=object)
    keys[:] = names[inv] if len(uniq) else []
    keys[missing] = _NONE
    return keys


def _segment(value) -> str:
    """A partition value as a folder-name-safe text (percent-encoded like pyarrow's hive partitioning)."""
    return urllib.parse.quote(str(value), safe="")


def _write_partitioned(name: str, frame: pd.DataFrame, root: Path, bar) -> dict:
    import pyarrow.parquet as pq

    plat_col = _PLATFORM_OF.get(name, "platform")
    month_col = _MONTH_OF.get(name)
    has_plat = plat_col in frame.columns
    # platform_column: the column that lives only in the folder names (given back on read); traffic keeps its
    # `tool` in the files too, so that a reader of the folders sees `tool` (and `platform` = the tool)
    entry: dict = {"rows": len(frame), "partitioned_by": plat_col if has_plat else None,
                   "platform_column": plat_col if has_plat and plat_col == "platform" else None,
                   "month_column": month_col if month_col in frame.columns else None,
                   "row_column": ROW_COL, "files": []}
    written, columns, index = _frame_plan(frame)
    entry["columns"], entry["index"] = columns, index
    if entry["platform_column"]:
        written = written.drop(columns=[plat_col])
    if ROW_COL in written.columns:
        raise _Unsupported(f"a column named {ROW_COL!r} (the store's row-order column)")
    written[ROW_COL] = np.arange(len(written), dtype="int64")
    (root / name).mkdir()
    if not len(frame):
        return entry
    full = _arrow_table(written)  # one conversion: every part file has this schema
    del written
    if has_plat:
        codes, uniques = pd.factorize(frame[plat_col], use_na_sentinel=True)
        uniques = [None if pd.isna(u) else str(u) for u in uniques]
        plat_key = np.array([_NULL_PLATFORM if u is None else _segment(u) for u in uniques] + [_NULL_PLATFORM],
                            dtype=object)[codes]
        plat_value = np.array(uniques + [None], dtype=object)[codes]
    else:
        plat_key = np.full(len(frame), _NULL_PLATFORM, dtype=object)
        plat_value = np.full(len(frame), None, dtype=object)
    months = _month_keys(frame[month_col]) if entry["month_column"] else np.full(len(frame), _NONE, dtype=object)
    groups = pd.DataFrame({"p": plat_key, "m": months}).groupby(["p", "m"], sort=True).indices
    for (p, m), positions in groups.items():
        folder = root / name / f"platform={p}" / f"month={m}"
        folder.mkdir(parents=True)
        part = full.take(positions) if len(positions) < full.num_rows else full
        pq.write_table(part, folder / "part-0.parquet")
        bar.update(len(part))
        entry["files"].append({"path": f"{name}/platform={p}/month={m}/part-0.parquet", "rows": len(part),
                               "platform": plat_value[positions[0]]})
    return entry


def _single(frame: pd.DataFrame, path: Path) -> dict:
    written, columns, index = _frame_plan(frame)
    _write_table(written, path)
    return {"path": path.name, "rows": len(frame), "columns": columns, "index": index}


def write_store(dataset, path: str | os.PathLike, *, sources: dict | None = None, warnings_: list | None = None,
                parse_seconds: float | None = None, progress: bool | None = None) -> Path:
    """Write ``dataset`` as a store at ``path`` (atomically; see the module's docstring).

    ``path`` must not exist, be an empty folder, or be a store (which is replaced). ``sources``
    (fingerprints and load parameters) is recorded for :func:`cached`, ``warnings_`` (the warnings
    of the load, repeated by every read) and ``parse_seconds`` too. Returns ``path``.
    """
    from .. import __version__

    target = Path(path)
    if target.exists():
        if not target.is_dir():
            raise InputFileError(f"{target}: a file is in the way; the store is a folder. Choose another path or "
                                 f"remove the file.")
        if not (target / MANIFEST).is_file() and any(target.iterdir()):
            raise InputFileError(f"{target}: the folder holds files that are not a toolkit store; it is not "
                                 f"replaced. Choose an empty or new folder for the store.")
    parent = target.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _write_error(target, parent, exc) from None
    _clean_leftovers(parent, target.name)
    t0 = time.perf_counter()
    tmp = parent / f".{target.name}{_TMP_TAG}{os.getpid()}-{secrets.token_hex(4)}"
    try:
        tmp.mkdir()
    except OSError as exc:
        raise _write_error(target, parent, exc) from None
    try:
        manifest = {"format": FORMAT, "version": FORMAT_VERSION, "toolkit_version": __version__,
                    "written_at": pd.Timestamp.now(tz="UTC").isoformat(), "tz": dataset.tz,
                    "layout": "<table>/platform=<platform>/month=<YYYY-MM|none>/part-0.parquet",
                    "row_column": ROW_COL, "tables": {}}
        total = sum(len(f) for f in dataset.tables.values())
        name = ""
        try:
            with _bar(progress, total, f"writing the store {target.name}") as bar:
                for name, frame in dataset.tables.items():
                    bar.set_postfix_str(name, refresh=False)
                    # a compact dataset (Dataset.compact) is stored as the canonical tables it holds
                    manifest["tables"][name] = _write_partitioned(name, expand_frame(frame), tmp, bar)
            name = "load_report"
            manifest["load_report"] = _single(dataset.load_report, tmp / _REPORT_FILE)
            name = "rejected"
            manifest["rejected"] = _single(dataset.rejected, tmp / _REJECTED_FILE)
        except _Unsupported as exc:
            raise ParameterError(f"to_parquet(): table '{name}' holds {exc}, which the store cannot keep "
                                 f"exactly. Convert that column (e.g. .astype('string')) first.") from None
        if sources is not None:
            manifest["sources"] = sources
        manifest["warnings"] = list(warnings_ or [])
        manifest["parse_seconds"] = parse_seconds
        manifest["write_seconds"] = round(time.perf_counter() - t0, 3)
        with open(tmp / MANIFEST, "w", encoding="utf-8") as fh:  # last: a folder without it is no store
            json.dump(manifest, fh, indent=1, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        _commit(tmp, target, parent)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, ToolkitError):
            raise
        raise _write_error(target, parent, exc) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def _write_error(target: Path, parent: Path, exc: OSError) -> InputFileError:
    return InputFileError(f"{target}: cannot write the store ({getattr(exc, 'strerror', None) or exc}). Check that "
                          f"there is free space and that you may write to {parent}; nothing was changed there.")


def _bar(progress: bool | None, total: int, desc: str):
    """The store's progress bar over rows (auto: only when it takes more than 2 s, as load()'s)."""
    from .._progress import bar

    return bar(progress=progress, total=total, desc=desc, unit="row", unit_scale=True, delay=0 if progress else 2)


def _commit(tmp: Path, target: Path, parent: Path) -> None:
    """Rename ``tmp`` to ``target``; a store already there is moved aside first and deleted after."""
    if not target.exists():
        os.rename(tmp, target)
        return
    old = parent / f".{target.name}{_OLD_TAG}{os.getpid()}-{secrets.token_hex(4)}"
    os.rename(target, old)
    os.rename(tmp, target)
    shutil.rmtree(old, ignore_errors=True)


def _clean_leftovers(parent: Path, name: str) -> None:
    """Remove the temporary folders of writers that died (their process id is gone)."""
    prefix = f".{name}"
    try:
        items = list(parent.iterdir())
    except OSError:
        return
    for item in items:
        rest = item.name[len(prefix):] if item.name.startswith(prefix) else ""
        for tag in (_TMP_TAG, _OLD_TAG):
            if rest.startswith(tag):
                pid = rest[len(tag):].split("-")[0]
                if pid.isdigit() and not _alive(int(pid)):
                    shutil.rmtree(item, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


# --- reading -------------------------------------------------------------------------------------


def is_store(path: str | os.PathLike) -> bool:
    """True when ``path`` is a folder holding a store manifest."""
    p = Path(path)
    return p.is_dir() and (p / MANIFEST).is_file()


def read_manifest(path: str | os.PathLike) -> dict:
    """The manifest of the store at ``path``; raises :class:`InputFileError` for a damaged one or an
    unknown format version."""
    p = Path(path)
    try:
        manifest = json.loads((p / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputFileError(f"{p / MANIFEST}: cannot read the store's manifest ({exc}). The store is damaged: "
                             f"delete the folder {p} and write it again from the exports "
                             f"(toolkit.load(EXPORTS).to_parquet(...), or load(EXPORTS, cache=...)).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise InputFileError(f"{p / MANIFEST}: not a toolkit store manifest (format "
                             f"{manifest.get('format') if isinstance(manifest, dict) else None!r}, expected "
                             f"{FORMAT!r}). Delete the file or pass the folder of exports.")
    version = manifest.get("version")
    if version != FORMAT_VERSION:
        from .. import __version__

        by = manifest.get("toolkit_version")
        raise InputFileError(f"{p}: a toolkit store in format version {version!r}"
                             f"{f' (written by toolkit {by})' if by else ''}; this toolkit ({__version__}) reads "
                             f"version {FORMAT_VERSION}. Use the toolkit version that wrote it, or write the store "
                             f"again from the exports with this one: toolkit.load(EXPORTS).to_parquet('{p}') "
                             f"(load(EXPORTS, cache=...) and 'report --cache' rewrite it by themselves).")
    return manifest


def _to_series(arr, col: dict) -> pd.Series:
    """One stored column back as a Series of its recorded dtype."""
    import pyarrow as pa

    dtype = _dtype_from_spec(col["dtype"])
    if col.get("encoding"):
        return pd.Series(_decode_object(arr, col["encoding"]), dtype=object)
    if not isinstance(arr, pa.ChunkedArray):
        arr = pa.chunked_array([arr])
    if pa.types.is_dictionary(arr.type) and not isinstance(dtype, pd.CategoricalDtype):
        arr = pa.chunked_array([c.dictionary_decode() for c in arr.chunks], type=arr.type.value_type)
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.Series(arr.to_pandas()).astype(dtype)
    if hasattr(dtype, "__from_arrow__") and not pa.types.is_null(arr.type):
        try:
            return pd.Series(dtype.__from_arrow__(arr), dtype=dtype)
        except (TypeError, ValueError, NotImplementedError, pa.ArrowException):
            pass
    if pa.types.is_integer(arr.type) and arr.null_count:
        s = pd.Series(pd.Int64Dtype().__from_arrow__(arr))
    elif pa.types.is_boolean(arr.type) and arr.null_count:
        s = pd.Series(pd.BooleanDtype().__from_arrow__(arr))
    else:
        s = pd.Series(arr.to_pandas())
    return s.astype(dtype)


def _frame(table, columns: list[dict], index: dict | None, *, order=None, extra: dict | None = None) -> pd.DataFrame:
    """The stored columns as a frame of their recorded dtypes, in ``order`` (positions) if given.

    Columns are taken out of ``table`` one at a time, so memory holds the Arrow table plus one
    column's copy, not two tables."""
    data = {}
    n = table.num_rows
    for col in columns:
        name = col["name"]
        arr = extra[name] if extra and name in extra else table.column(name)
        if extra is None or name not in extra:
            table = table.drop_columns([name])
        if order is not None:
            arr = arr.take(order)
        data[name] = _to_series(arr, col)
        del arr
    frame = pd.DataFrame(data, index=pd.RangeIndex(n)) if data else pd.DataFrame(index=pd.RangeIndex(n))
    if index is not None:
        arr = table.column("__index__")
        idx = _to_series(arr.take(order) if order is not None else arr,
                         {"dtype": index["dtype"], "encoding": index.get("encoding")})
        frame.index = pd.Index(idx, name=index["name"], dtype=idx.dtype)
    return frame


def _read_partitioned(root: Path, name: str, entry: dict, bar) -> pd.DataFrame:
    import pyarrow as pa

    columns = entry["columns"]
    if not entry["files"]:  # no rows: the empty frame straight from the recorded dtypes
        return pd.DataFrame({c["name"]: pd.Series(dtype=_dtype_from_spec(c["dtype"])) for c in columns})
    parts = []
    for f in entry["files"]:
        t = read_part(root, f["path"], rows=f["rows"])
        parts.append(t)
        bar.update(t.num_rows)
    table = pa.concat_tables(parts, promote_options="default") if len(parts) > 1 else parts[0]
    del parts
    extra = None
    plat_col = entry.get("platform_column")
    if plat_col:  # the partition value of each file, as a dictionary-encoded column
        values = [f.get("platform") for f in entry["files"]]
        codes = np.repeat(np.arange(len(values), dtype="int32"), [f["rows"] for f in entry["files"]])
        extra = {plat_col: pa.chunked_array([pa.DictionaryArray.from_arrays(
            pa.array(codes), pa.array(values, type=pa.string()))])}
    order = np.argsort(table.column(ROW_COL).to_numpy(), kind="stable")
    order = None if np.array_equal(order, np.arange(len(order))) else pa.array(order)
    return _frame(table, columns, entry.get("index"), order=order, extra=extra)


def read_part(root: Path, path: str, *, rows: int | None = None):
    """One Parquet file of the store as an Arrow table; a file that cannot be read, or holds another
    number of rows than the manifest says, raises InputFileError saying to write the store again."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    file = Path(root) / path
    try:
        table = pq.read_table(file)
    except (OSError, pa.ArrowException) as exc:
        raise InputFileError(f"{file}: cannot read this part of the store ({exc}). The store is damaged: "
                             f"delete the folder {root} and write it again from the exports.") from None
    if rows is not None and table.num_rows != rows:
        raise InputFileError(f"{file}: {table.num_rows} rows, the manifest says {rows}. The store is damaged: "
                             f"delete the folder {root} and write it again from the exports.")
    return table


def _read_single(root: Path, entry: dict) -> pd.DataFrame:
    return _frame(read_part(root, entry["path"]), entry["columns"], entry.get("index"))


def read_store(path: str | os.PathLike, *, tz: str | None = None, stacklevel: int = 3,
               progress: bool | None = None):
    """Read the store at ``path`` back into a :class:`~toolkit.io.Dataset` (exactly as written).

    Repeats the warnings recorded when the store was written by ``load(..., cache=)``."""
    from ._core import Dataset

    root = Path(path)
    manifest = read_manifest(root)
    if tz is not None and manifest.get("tz") is not None and tz != manifest["tz"]:
        raise ParameterError(f"load({root}, tz={tz!r}): this store was loaded with tz={manifest['tz']!r}, which "
                             f"decided how times without a zone were read. Pass tz={manifest['tz']!r} (or no tz), "
                             f"or load the exports again with tz={tz!r}.")
    for w in manifest.get("warnings") or []:
        warnings.warn(w["message"], _category(w["category"]), stacklevel=stacklevel)
    total = sum(entry.get("rows", 0) for entry in manifest["tables"].values())
    with _bar(progress, total, f"reading the store {root.name}") as bar:
        tables = {name: _read_partitioned(root, name, entry, bar) for name, entry in manifest["tables"].items()}
    report = _read_single(root, manifest["load_report"])
    rejected = _read_single(root, manifest["rejected"])
    ds = Dataset(tables["posts"], tables["comments"], tables["daily"], report, rejected, manifest.get("tz"))
    if "traffic" in tables:
        ds.traffic = tables["traffic"]
    return ds


# --- fingerprints and the cache ------------------------------------------------------------------


def fingerprints(entries: list[tuple[Path, str]]) -> list[dict]:
    """One fingerprint per input file: the name load() shows, size, mtime_ns and the sha256 of the
    first :data:`HEAD_BYTES` bytes."""
    out = []
    for file, shown in entries:
        try:
            st = file.stat()
            with open(file, "rb") as fh:
                head = hashlib.sha256(fh.read(HEAD_BYTES)).hexdigest()
        except OSError as exc:  # load() reports the file as unreadable; the fingerprint says so too
            out.append({"path": shown, "error": exc.strerror or str(exc)})
            continue
        out.append({"path": shown, "size": st.st_size, "mtime_ns": st.st_mtime_ns, "head_sha256": head})
    return out


def sources(paths: list[Path], entries: list[tuple[Path, str]], params: dict) -> dict:
    """What a cached store depends on: the inputs as given, every input file's fingerprint, and the
    load parameters (with the toolkit version, whose loaders made the tables)."""
    from .. import __version__

    found = {"inputs": [str(p.absolute()) for p in paths], "files": fingerprints(entries),
             "params": params, "toolkit_version": __version__}
    return json.loads(json.dumps(found, default=str))  # as the manifest will hold it (tuples as lists)


def cached(store: Path, wanted: dict) -> tuple[bool, str]:
    """Whether the store at ``store`` was written from exactly these sources; and if not, why."""
    if not is_store(store):
        return False, "no store yet"
    try:
        manifest = read_manifest(store)
    except InputFileError as exc:
        return False, str(exc)
    have = manifest.get("sources")
    if not have:
        return False, "the store was not written as a cache (no input fingerprints)"
    for key in ("inputs", "params", "toolkit_version"):
        if have.get(key) != wanted.get(key):
            return False, f"{key} changed"
    old = {f["path"]: f for f in have.get("files", [])}
    new = {f["path"]: f for f in wanted["files"]}
    if set(old) - set(new):
        return False, f"file(s) removed: {sorted(set(old) - set(new))[:3]}"
    if set(new) - set(old):
        return False, f"file(s) added: {sorted(set(new) - set(old))[:3]}"
    changed = [p for p in new if new[p] != old[p]]
    if changed:
        return False, f"file(s) changed: {changed[:3]}"
    return True, "inputs unchanged"


def load_cached(path, cache: str | os.PathLike, params: dict, *, progress: bool | None = None):
    """``load(path, **params)`` through the store at ``cache``: read it when it was written from
    these very inputs and parameters, else load the exports and write it (see :func:`load`).

    Times go to the ``toolkit.store`` logger (the command line prints them): on a miss the parse
    and write times, on a hit the read time next to the parse time recorded when the store was
    written. The warnings of the load that wrote the store are repeated on every hit.
    """
    from ._core import _entries, load

    store = Path(cache)
    single = isinstance(path, (str, os.PathLike))
    paths = [Path(path)] if single else [Path(p) for p in path]
    src = sources(paths, _entries(paths), params)
    ok, why = cached(store, src)
    if ok:
        t0 = time.perf_counter()
        ds = read_store(store, stacklevel=4, progress=progress)
        manifest = read_manifest(store)
        took = manifest.get("parse_seconds")
        store_log.info("cache: read the store %s in %.2f s instead of parsing the exports (%s%s)", store,
                       time.perf_counter() - t0, why,
                       f"; parsing them took {took:.2f} s when the store was written" if took is not None else "")
        return ds
    if store.exists() and not (store.is_dir() and (is_store(store) or not any(store.iterdir()))):
        raise ParameterError(f"cache={str(cache)!r}: this path holds something that is not a toolkit store; it "
                             f"is not replaced. Choose an empty or new folder for the cache.")
    t0 = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = load(path if single else paths, progress=progress, **params)
    parsed = time.perf_counter() - t0
    said = [{"category": w.category.__name__, "message": str(w.message)} for w in caught]
    for w in said:
        warnings.warn(w["message"], _category(w["category"]), stacklevel=3)
    try:
        write_store(ds, store, sources=src, warnings_=said, parse_seconds=parsed, progress=progress)
    except (OSError, ToolkitError) as exc:  # the cache is a saving, not a condition of the load
        warnings.warn(f"load(): the exports were loaded, but the cache {store} could not be written ({exc}); the "
                      f"next run parses them again. Check the folder (free space, permissions).", stacklevel=3)
        return ds
    store_log.info("cache: parsed the exports in %.2f s (%s); wrote the store %s in %.2f s", parsed, why, store,
                   time.perf_counter() - t0 - parsed)
    return ds


def _category(name: str) -> type[Warning]:
    import builtins

    found = getattr(builtins, name, None)
    return found if isinstance(found, type) and issubclass(found, Warning) else UserWarning
