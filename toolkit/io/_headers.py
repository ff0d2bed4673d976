"""Header helpers shared by the CSV loaders (X, YouTube, TikTok): alias mapping by name,
required-column errors, integer columns, the first header line for sniffing."""

from __future__ import annotations

import re

import pandas as pd

from ..errors import ExportFormatError
from ._base import CellProblems, Parsed, Records, Source, parse_int

__all__: list[str] = []  # package-internal


def _norm(name: str) -> str:
    return re.sub(r"\s+", " ", str(name).strip().lstrip("\ufeff").strip('"').lower())


def _map_header(header: list[str], aliases: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Map header fields to canonical/extra names by alias; return (mapping name->field, unknown)."""
    found: dict[str, str] = {}
    unknown = []
    for h in header:
        key = aliases.get(_norm(h))
        if key is None:
            unknown.append(h)
        elif key not in found:
            found[key] = h
    return found, unknown


def _require(source: Source, recs: Records, found: dict[str, str], required: dict[str, str],
             what: str) -> None:
    """Raise naming the missing columns (``required`` maps name -> label shown to the user)."""
    missing = [label for name, label in required.items() if name not in found]
    if missing:
        raise ExportFormatError(
            f"{source.name}, line {recs.header_line}: this looks like {what} but the column(s) "
            f"{missing} are missing; expected {list(required.values())} (among others), found "
            f"{recs.header}. Export the file again without removing columns.",
            file=source.name, line=recs.header_line)


def _int_columns(out: pd.DataFrame, raw: pd.DataFrame, found: dict[str, str], names, probs: CellProblems,
                 *, thousands: str | None = ",") -> None:
    for name in names:
        if name in found:
            col = found[name]
            vals, bad = parse_int(raw[col], thousands=thousands)
            probs.add(bad, col, raw[col], "a whole number (blank or '-' = not reported)")
            out[name] = vals


def _unknown_note(parsed: Parsed, unknown: list[str]) -> None:
    if unknown:
        parsed.notes.append(f"unknown columns not loaded: {unknown}")


def _head_fields(source: Source) -> list[str]:
    first = source.head(4096).splitlines()[:1]
    if not first:
        return []
    line = first[0]
    delim = "\t" if line.count("\t") > line.count(",") else ","
    return [_norm(f) for f in line.split(delim)]
