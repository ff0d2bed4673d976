"""Daily tables in wide form (``Date, metric, metric...``), shared by the X, YouTube, TikTok, Meta and
LinkedIn loaders: melted into canonical ``daily`` rows with every bad cell reported by line."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..errors import ExportFormatError
from ._base import CellProblems, Context, Parsed, Records, Source, parse_datetime
from ._digits import cell_bytes
from ._headers import _norm, choose_column
from ._locale import EN, DateStyle, NumberStyle, number
from ._numbers import date_style, number_columns

__all__ = ["daily_from_wide", "daily_values", "melt_wide", "metric_name"]


def metric_name(header: str) -> str:
    """``"New follows"`` -> ``"new_follows"``; ``"Watch time (hours)"`` -> ``"watch_time_hours"``."""
    return re.sub(r"[^0-9a-z]+", "_", _norm(header)).strip("_")


def daily_from_wide(recs: Records, source: Source, ctx: Context, parsed: Parsed, *, platform: str,
                    account, dates: pd.Series, date_hint: str, skip: tuple[str, ...] = (),
                    kind=lambda name: "float", german_dates: bool = False) -> Parsed:
    """Melt a ``Date, metric, metric...`` table into canonical ``daily`` rows.

    ``rows_read["daily"]`` counts (day, metric) cells, so the load report's invariant holds; a row
    with an unreadable date rejects each of its cells. Metric names are the headers in snake_case;
    a header repeated is read once (see :func:`toolkit.io._headers.choose_column`, noted).
    Numbers are read in the file's style (English or German, decided from all metric columns;
    ``kind(metric_name)`` says ``"int"`` for counts, which makes ``18.450`` decisive).
    """
    date_col = recs.frame.columns[0]
    by_name: dict[str, list[int]] = {}
    for i, h in enumerate(recs.header[1:], start=1):
        if h and h not in skip:
            by_name.setdefault(metric_name(h), []).append(i)
    cols = {name: choose_column(recs, pos, f"'{name}'", parsed.notes) for name, pos in by_name.items()}
    raw = recs.frame
    n = len(cols)
    parsed.rows_read["daily"] = (len(raw) + len(recs.bad)) * n
    for b in recs.bad:
        parsed.rejected += [{"table": "daily", **b} for _ in range(n)]
    parsed.notes.append(f"{n} metric(s) per day {list(cols)}; rows counted per (day, metric)")
    # the usual file (digits only): its numbers at once, without the distinct cells (_plain_counts)
    plain = None if german_dates else _plain_counts(raw, list(cols.values()), None, recs.delimiter, dtype="Float64")
    if plain is None:
        style, numbers = number_columns(recs, {c: kind(name) for name, c in cols.items()}, parsed.notes,
                                         german_dates=german_dates)
    else:
        style = EN
    bad_date = dates.isna().to_numpy(dtype=bool)
    if bad_date.any() and ctx.errors == "raise":
        i = int(np.flatnonzero(bad_date)[0])
        line = int(recs.lines[i])
        raise ExportFormatError(
            f"{source.name}, line {line}, column '{date_col}': cannot read {raw[date_col].iloc[i]!r} as "
            f"{date_hint} ({int(bad_date.sum())} bad date(s) in all). Fix the cell or export the file "
            f"again; or pass errors='reject' to load().", file=source.name, line=line, column=date_col)
    # each metric's kept days and values, made one frame at the end (a frame per metric and a concat
    # cost more than the values of a small file)
    day_values = dates.to_numpy()
    days, values, sizes = [], [], []
    for name, h in cols.items():
        if plain is None:
            vals, bad = numbers.number(h, style)
            bad = bad.to_numpy(dtype=bool)
        else:
            vals, bad = plain[h], np.zeros(len(raw), dtype=bool)
        if bad.any() and ctx.errors == "raise":
            i = int(np.flatnonzero(bad)[0])
            line = int(recs.lines[i])
            raise ExportFormatError(
                f"{source.name}, line {line}, column '{h}': cannot read {raw[h].iloc[i]!r} as a number in "
                f"{style.name} format ({int(bad.sum())} bad cell(s) in this column). Fix the cell or export the "
                f"file again; or pass errors='reject' to load().", file=source.name, line=line, column=h)
        drop = bad | bad_date
        for i in np.flatnonzero(drop):
            why = f"cannot read {raw[date_col].iloc[i]!r} as {date_hint}" if bad_date[i] else \
                f"cannot read {raw[h].iloc[i]!r} as a number"
            parsed.rejected.append({"table": "daily", "line": int(recs.lines[i]),
                                    "column": date_col if bad_date[i] else h, "reason": why})
        keep = ~drop
        days.append(day_values[keep])
        values.append(vals[keep] if plain is not None else vals[keep].to_numpy())
        sizes.append(int(keep.sum()))
    total = sum(sizes)
    simple = total and isinstance(platform, str) and (isinstance(account, str) or account is pd.NA)
    if simple and plain is not None:
        # counts read at once (whole numbers, no NaN): the columns made in the dtypes schema.conform
        # casts them to ("string", Float64), so that it has none to cast
        import pyarrow as pa

        index = pd.RangeIndex(total)
        metric = pa.chunked_array([pa.repeat(pa.scalar(name, pa.large_string()), k) for name, k in zip(cols, sizes)],
                                  type=pa.large_string())
        out = pd.DataFrame({"platform": _constant(platform, index), "account": _constant(account, index),
                            "date": np.concatenate(days),
                            "metric": pd.Series(pd.StringDtype().__from_arrow__(metric), index=index),
                            "value": type(values[0])._concat_same_type(values)}, index=index)
    else:
        if plain is not None:  # (as the general reading gives them)
            values = [v.to_numpy() for v in values]
        if simple:
            index = pd.RangeIndex(total)  # (object arrays of str: the dtype pandas gives the scalar, cheaper)
            out = pd.DataFrame({"platform": np.full(total, platform, dtype=object),
                                "account": _constant(account, index), "date": np.concatenate(days),
                                "metric": np.repeat(np.array(list(cols), dtype=object), sizes),
                                "value": np.concatenate(values)}, index=index)
        elif total:
            out = pd.DataFrame({"platform": platform, "account": account, "date": np.concatenate(days),
                                "metric": np.repeat(np.array(list(cols), dtype=object), sizes),
                                "value": np.concatenate(values)})
            out["account"] = out["account"].astype("string")
        else:  # (no row: the dtypes a frame per metric gives; none at all without a metric)
            frames = [pd.DataFrame({"platform": platform, "account": account, "date": d, "metric": name, "value": v})
                      for name, d, v in zip(cols, days, values)]
            out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
                columns=["platform", "account", "date", "metric", "value"])
            out["account"] = out["account"].astype("string")
    parsed.tables["daily"] = out
    return parsed


def melt_wide(frame: pd.DataFrame, date_col: str, value_cols: list[str], lines: np.ndarray) -> pd.DataFrame:
    """Wide daily rows -> one row per (row, value column) with the source line."""
    parts = []
    for c in value_cols:
        parts.append(pd.DataFrame({"_date": frame[date_col].to_numpy(), "_col": c,
                                   "_value": frame[c].to_numpy(), "_line": lines}))
    if not parts:
        return pd.DataFrame({"_date": pd.Series(dtype="string"), "_col": pd.Series(dtype="string"),
                             "_value": pd.Series(dtype="string"), "_line": pd.Series(dtype="int64")})
    long = pd.concat(parts, ignore_index=True)
    for c in ("_date", "_col", "_value"):
        long[c] = long[c].astype("string")
    return long


def daily_values(long: pd.DataFrame, source: Source, ctx: Context, parsed: Parsed, *, date_col: str,
                  names: dict[str, str], platform: str, account, date_formats: tuple,
                  style: NumberStyle = EN) -> pd.DataFrame:
    """Parse a melted daily frame (``_date, _col, _value, _line``) into canonical daily rows."""
    probs = CellProblems(source, long["_line"].to_numpy(dtype=np.int64), "daily")
    when, _, bad = parse_datetime(long["_date"], tz="UTC", formats=date_formats)
    probs.add(bad | (when.isna() & ~bad), date_col, long["_date"], "a date (expected like '2025-08-01')")
    value, badv = number(long["_value"], style)
    for c in names:
        probs.add(badv & (long["_col"] == c), c, long["_value"],
                  f"a number in {style.name} format (blank = not reported)")
    out = pd.DataFrame({"platform": platform, "account": account,
                        "date": when.dt.tz_localize(None).dt.normalize(),
                        "metric": long["_col"].map(names).astype("string"), "value": value})
    return probs.finish(out, ctx, parsed)


# --- shortcuts from a column's bytes (platform CSV loaders, issue #14.1) ---------------------------------
# Answers of the general readers (toolkit.io._numbers, toolkit.io._locale) for the columns that exports
# write the usual way, decided from the bytes of the Arrow string columns without a pass per cell or a
# regex; None/False when not certain, and the general reader decides. Large numpy temporaries are
# avoided on purpose: they are fresh pages in every file (Arrow's memory pool keeps its buffers), which is
# what costs most in a fresh process.

def _cell_bytes(arr) -> np.ndarray:
    """The UTF-8 bytes of all cells of an Arrow string chunk, one after the other (a view of its data
    buffer, no copy; :func:`toolkit.io._digits.cell_bytes`)."""
    return cell_bytes(arr)[1]


def _byte_count(b: np.ndarray, byte: int) -> int:
    """How many bytes of ``b`` are ``byte`` (in blocks: no large temporary array)."""
    step = 1 << 16
    return sum(int(np.count_nonzero(b[k:k + step] == byte)) for k in range(0, len(b), step))


def _no_byte(s: pd.Series, byte: int) -> bool:
    """True when no cell of an Arrow string column holds the ASCII character ``byte`` (read from the
    column's buffers: missing cells' bytes too, which can only make the answer False); False when
    not known (another dtype)."""
    if not (isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow"):
        return False
    import pyarrow as pa

    for chunk in s.array._pa_array.chunks:
        if not pa.types.is_large_string(chunk.type) or _byte_count(_cell_bytes(chunk), byte):
            return False
    return True


def _date_style(s: pd.Series, native: tuple, *, column: str, allow_german: bool) -> DateStyle:
    """``_numbers.date_style``: without a ``.`` or ``/`` in the column its answer (the native formats,
    no note) from the bytes, without a pass per cell."""
    if _no_byte(s, 46) and _no_byte(s, 47):
        return DateStyle(tuple(native), False, None)
    return date_style(s, native, column=column, allow_german=allow_german)


def _plain_counts(frame: pd.DataFrame, counts: list[str], decimals: str | None, delimiter: str, *,
                  dtype: str = "Int64") -> dict[str, pd.api.extensions.ExtensionArray] | None:
    """The count columns ``counts`` of a frame of Arrow string cells as :func:`number_columns` (the style
    of ``counts`` and of the column of decimals ``decimals``) and then :func:`int_columns` read them,
    when their answer is certain without them: then style English without a note, no bad cell, Int64
    values (blank = <NA>). None otherwise (they decide). ``decimals`` (X's engagement rate) only takes
    part in the style decision here; it is not read. ``dtype="Float64"``: the values ``number`` gives for
    such cells (:func:`daily_from_wide`'s).

    Certain when the file is not ``;``-separated, no cell is missing, every count cell fits
    ``_locale._PLAIN_COUNT`` of the English style (``""``, ``"3656"``, ``"3656.0"``: X's and YouTube
    Studio's own writing; none of them is German evidence) and no cell of ``decimals`` holds a ``,``
    or two ``.`` (every German pattern of ``_locale._STYLE_PAIR`` needs one of them). The values are
    ``_plain_count_cells``' (a cast via float64, exact below 2**53), for all columns in one cast.

    The pattern is checked without a regex, over all count cells at once: every byte is ``.`` or
    ``0``-``9`` (or ``/``), every non-blank cell is a number Arrow casts to float64 (so not ``/`` nor
    ``1.2.0``: at most one ``.``), there are as many ``.`` as cells ending in ``.0`` (so no other
    cell has one), no such cell is ``.0`` itself, and none holds more than 15 digits.
    tests/io/test_x_speed.py compares both paths on tricky cells.
    """
    if delimiter == ";" or not counts or not len(frame):
        return None
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:
        return None
    arrays = []
    for c in counts + ([decimals] if decimals is not None else []):
        s = frame[c]
        if not (isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow" and s.dtype.na_value is pd.NA):
            return None
        arr = s.array._pa_array
        if arr.null_count:
            return None
        arrays.append(arr)
    if len({a.type for a in arrays}) != 1 or not pa.types.is_large_string(arrays[0].type):
        return None
    if decimals is not None:
        cells = arrays[-1].combine_chunks()
        if _byte_count(_cell_bytes(cells), 44) or pc.max(pc.count_substring(cells, ".")).as_py() > 1:
            return None  # a ',' or two '.' in a cell: maybe German evidence
    chunks = [ch for a in arrays[:len(counts)] for ch in a.chunks]
    cells = pa.concat_arrays(chunks) if len(chunks) > 1 else chunks[0]
    b = _cell_bytes(cells)
    if len(b) and (b.min() < 46 or b.max() > 57):  # a byte other than '.', '/' and '0'-'9'
        return None
    dots = _byte_count(b, 46)
    size = pc.binary_length(cells)
    if dots:
        ends = pc.ends_with(cells, ".0")
        if dots != pc.sum(ends).as_py() or pc.any(pc.and_(ends, pc.less(size, 3))).as_py():
            return None  # a '.' elsewhere than in a '.0' ending, or the cell '.0'
        digits = pc.subtract(size, pc.multiply(ends.cast(pa.int64()), 2))
    if pc.max(size).as_py() > 15 and (not dots or pc.max(digits).as_py() > 15):
        return None  # more than 15 digits
    blank = pc.equal(size, 0)
    if pc.any(blank).as_py():
        cells = pc.if_else(blank, pa.scalar(None, cells.type), cells)
    try:
        if dots:
            values = cells.cast(pa.float64())
            if dtype == "Int64":
                values = values.cast(pa.int64())
        else:  # digits only: the same numbers (below 2**53) read as whole numbers, a cheaper parse
            values = cells.cast(pa.int64())
            if dtype != "Int64":
                values = values.cast(pa.float64())
    except pa.ArrowInvalid:  # '/', '1.2.0', '12.': not a count
        return None
    n, make = len(frame), (pd.Int64Dtype() if dtype == "Int64" else pd.Float64Dtype()).__from_arrow__
    return {c: make(values.slice(i * n, n)) for i, c in enumerate(counts)}


def _constant(value, index: pd.Index) -> pd.Series:
    """``pd.Series(value, index=index, dtype="string")`` for a string or ``pd.NA``: made by Arrow
    (``pa.repeat``), without an object array of ``len(index)`` references converted cell by cell."""
    dtype = pd.StringDtype()
    try:
        import pyarrow as pa
    except ImportError:
        pa = None
    if pa is None or dtype.storage != "pyarrow" or not (isinstance(value, str) or value is pd.NA):
        return pd.Series(value, index=index, dtype="string")
    cells = pa.nulls(len(index), pa.large_string()) if value is pd.NA else \
        pa.repeat(pa.scalar(value, pa.large_string()), len(index))
    return pd.Series(dtype.__from_arrow__(cells), index=index)


def _cut_links(link: pd.Series, prefixes: tuple[str, ...], marker: str, *, forbid: str = ""):
    """(the part between the prefix and ``marker``, the digits after ``marker``) of every cell of an
    Arrow string column whose every cell is ``<prefix><part><marker><digits>`` (a permalink of a
    platform's own form: ``https://www.tiktok.com/@`` user ``/video/`` 7300...), as Arrow arrays; None
    when a cell does not fit (or when not known), for the caller's general reading.

    Fits: the cell starts with one of ``prefixes`` (none a prefix of another, all with the same
    number of ``/``), ``marker`` (which starts and ends with ``/``) comes after at least one more
    byte, the column holds no more ``/`` than the prefixes and markers (so the part and the digits
    hold none: the part is ``[^/]+``), no character of ``forbid``, and what follows ``marker`` is
    ASCII digits to the end of the cell. Decided without a regex; the part and the digits are cut by
    offsets into the column's bytes (one copy each)."""
    if not (isinstance(link.dtype, pd.StringDtype) and link.dtype.storage == "pyarrow") or not len(link):
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    slashes = {p.count("/") for p in prefixes}
    arr = link.array._pa_array
    if arr.null_count or not pa.types.is_large_string(arr.type) or len(slashes) != 1:
        return None
    arr = arr.combine_chunks()
    n = len(arr)
    head = np.zeros(n, dtype=np.int64)
    for p in prefixes:
        head[pc.starts_with(arr, p).to_numpy(zero_copy_only=False)] = len(p.encode("utf-8"))
    if not head.all():
        return None
    b = _cell_bytes(arr)
    if _byte_count(b, ord("/")) != (slashes.pop() + marker.count("/")) * n or \
            any(_byte_count(b, ord(c)) for c in forbid):
        return None
    pos = pc.find_substring(arr, marker).to_numpy(zero_copy_only=False)  # (bytes into the cell; -1: none)
    if (pos <= head).any():
        return None
    off = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset:arr.offset + n + 1]
    every_other = pa.array(np.arange(0, 2 * n, 2))

    def cut(starts: np.ndarray, ends: np.ndarray):
        # cells [start, end) of the bytes, the bytes between them as cells in between (dropped)
        bounds = np.empty(2 * n + 1, dtype=np.int64)
        bounds[0:2 * n:2], bounds[1:2 * n:2], bounds[2 * n] = starts, ends, off[-1]
        cells = pa.Array.from_buffers(pa.large_string(), 2 * n, [None, pa.py_buffer(bounds), arr.buffers()[2]])
        return cells.take(every_other)
    digits = cut(off[:-1] + pos + len(marker), off[1:])
    if not pc.all(pc.ascii_is_decimal(digits)).as_py():  # (false for an empty cell too)
        return None
    return cut(off[:-1] + head, off[:-1] + pos), digits


def _ascii_visible(s: pd.Series) -> bool:
    """True when every cell of an Arrow string column is present and holds only printable ASCII
    without spaces (``!``..``~``): then ``fillna("")`` and ``str.strip()`` leave it as it is."""
    return _bytes_between(s, 0x21, 0x7E)


def _bytes_between(s: pd.Series, low: int, high: int) -> bool:
    """True when ``s`` is an Arrow string column without missing cells whose every byte is from
    ``low`` to ``high`` (one look at the bytes its cells use)."""
    if not (isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow"):
        return False
    import pyarrow as pa

    arr = s.array._pa_array
    if arr.null_count:
        return False
    for chunk in arr.chunks:
        if not pa.types.is_large_string(chunk.type):
            return False
        b = _cell_bytes(chunk)
        if len(b) and (b.min() < low or b.max() > high):
            return False
    return True


def _stripped(s: pd.Series) -> pd.Series:
    """``s.fillna("").str.strip()``; ``s`` itself when nothing is missing, every byte is ASCII (below
    ``\x7f``) and no cell is empty or starts or ends with a control character or space (checked on the
    first and last byte of each cell: no pass over the text)."""
    if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow" and len(s):
        import pyarrow as pa

        arr = s.array._pa_array
        ok = not arr.null_count
        for chunk in arr.chunks if ok else ():
            if not pa.types.is_large_string(chunk.type) or not len(chunk):
                ok = False
                break
            b = _cell_bytes(chunk)
            off = np.frombuffer(chunk.buffers()[1], dtype=np.int64)[chunk.offset:chunk.offset + len(chunk) + 1]
            off = off - off[0]
            size = np.diff(off)
            if not len(b) or size.min() == 0 or b.max() > 0x7E or b[off[:-1]].min() <= 0x20 or \
                    b[off[1:] - 1].min() <= 0x20:
                ok = False
                break
        if ok:
            return s
    return s.fillna("").str.strip()


def _prefixed(prefix: str, s: pd.Series) -> pd.Series:
    """``prefix + s`` of an Arrow string column without a missing cell, joined by Arrow (pandas' own
    ``+`` goes the long way round); ``prefix + s`` itself otherwise."""
    if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow" and s.dtype.na_value is pd.NA:
        import pyarrow as pa
        import pyarrow.compute as pc

        arr = s.array._pa_array
        if not arr.null_count and pa.types.is_large_string(arr.type):
            joined = pc.binary_join_element_wise(pa.scalar(prefix, pa.large_string()), arr,
                                                 pa.scalar("", pa.large_string()))
            return pd.Series(s.dtype.__from_arrow__(joined), index=s.index, name=s.name)
    return prefix + s
