"""Daily tables in wide form (``Date, metric, metric...``), shared by the X, YouTube, TikTok, Meta and
LinkedIn loaders: melted into canonical ``daily`` rows with every bad cell reported by line."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..errors import ExportFormatError
from ._base import CellProblems, Context, Parsed, Records, Source, parse_datetime
from ._headers import _norm, choose_column
from ._locale import EN, NumberStyle, number
from ._numbers import number_columns

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
    style, numbers = number_columns(recs, {c: kind(name) for name, c in cols.items()}, parsed.notes,
                                     german_dates=german_dates)
    bad_date = dates.isna()
    if bad_date.any() and ctx.errors == "raise":
        i = int(np.flatnonzero(bad_date.to_numpy())[0])
        line = int(recs.lines[i])
        raise ExportFormatError(
            f"{source.name}, line {line}, column '{date_col}': cannot read {raw[date_col].iloc[i]!r} as "
            f"{date_hint} ({int(bad_date.sum())} bad date(s) in all). Fix the cell or export the file "
            f"again; or pass errors='reject' to load().", file=source.name, line=line, column=date_col)
    frames = []
    for name, h in cols.items():
        vals, bad = numbers.number(h, style)
        if bad.any() and ctx.errors == "raise":
            i = int(np.flatnonzero(bad.to_numpy())[0])
            line = int(recs.lines[i])
            raise ExportFormatError(
                f"{source.name}, line {line}, column '{h}': cannot read {raw[h].iloc[i]!r} as a number in "
                f"{style.name} format ({int(bad.sum())} bad cell(s) in this column). Fix the cell or export the "
                f"file again; or pass errors='reject' to load().", file=source.name, line=line, column=h)
        drop = bad | bad_date
        for i in np.flatnonzero(drop.to_numpy()):
            why = f"cannot read {raw[date_col].iloc[i]!r} as {date_hint}" if bad_date.iloc[i] else \
                f"cannot read {raw[h].iloc[i]!r} as a number"
            parsed.rejected.append({"table": "daily", "line": int(recs.lines[i]),
                                    "column": date_col if bad_date.iloc[i] else h, "reason": why})
        keep = ~drop.to_numpy()
        frames.append(pd.DataFrame({"platform": platform, "account": account, "date": dates[keep].to_numpy(),
                                    "metric": name, "value": vals[keep].to_numpy()}))
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
