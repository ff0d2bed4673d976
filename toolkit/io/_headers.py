"""Header helpers shared by the CSV loaders: alias mapping by name (repeated names resolved on
purpose), required-column errors, count columns in the file's number style, the header line for
sniffing (any delimiter, any encoding the decoder knows)."""

from __future__ import annotations

import csv
import dataclasses
import re

import pandas as pd

from ..errors import ExportFormatError
from ._base import CellProblems, Parsed, Records, Source, sniff_delimiter
from ._locale import EN, NumberStyle, count

__all__: list[str] = []  # package-internal


def _norm(name: str) -> str:
    return re.sub(r"\s+", " ", str(name).strip().lstrip("\ufeff").strip('"').lower())


def _label(header: list[str], i: int) -> str:
    return f"'{header[i]}' (column {i + 1})"


def _filled(frame: pd.DataFrame, col: str) -> int:
    s = frame[col].astype("string").str.strip()
    return int((s.notna() & s.ne("")).sum())


def choose_column(recs: Records, positions: list[int], role: str, notes: list[str]) -> str:
    """Pick one of several columns that mean the same thing, and say which and why.

    Columns with the same name (a repeated header): the one with more filled cells, the first on
    a tie (identical columns are noted as such). Different names (aliases): the first in the file.
    Returns the frame column name of the chosen one.
    """
    cols = list(recs.frame.columns)
    if len(positions) == 1:
        return cols[positions[0]]
    labels = [_label(recs.header, i) for i in positions]
    same_name = len({_norm(recs.header[i]) for i in positions}) == 1
    if same_name:
        filled = [_filled(recs.frame, cols[i]) for i in positions]
        best = positions[filled.index(max(filled))]
        first = recs.frame[cols[positions[0]]].fillna("")
        identical = all(recs.frame[cols[i]].fillna("").equals(first) for i in positions[1:])
        why = "identical content" if identical else \
            ("more filled cells" if filled.count(max(filled)) == 1 else "equally filled: the first")
    else:
        best, why = positions[0], "the first"
    notes.append(f"{len(positions)} columns mean {role}: {', '.join(labels)}; used {_label(recs.header, best)} "
                 f"({why}), the other(s) not read")
    return cols[best]


def _map_header(recs: Records, aliases: dict[str, str], notes: list[str] | None = None
                ) -> tuple[dict[str, str], list[str]]:
    """Map header fields to canonical/extra names by alias.

    Returns ``(found, unknown)``: ``found`` maps a canonical name to the frame column to read (a
    repeated or aliased column is resolved by :func:`choose_column`, noted in ``notes``);
    ``unknown`` lists header fields no alias knows.
    """
    notes = notes if notes is not None else []
    by_role: dict[str, list[int]] = {}
    unknown = []
    for i, h in enumerate(recs.header):
        key = aliases.get(_norm(h))
        if key is None:
            if h not in unknown:
                unknown.append(h)
        else:
            by_role.setdefault(key, []).append(i)
    found = {role: choose_column(recs, pos, role, notes) for role, pos in by_role.items()}
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
                 *, style: NumberStyle = EN) -> None:
    for name in names:
        if name in found:
            col = found[name]
            vals, bad = count(raw[col], style)
            probs.add(bad, col, raw[col], f"a whole number in {style.name} format (blank or '-' = not reported)")
            out[name] = vals


def _unknown_note(parsed: Parsed, unknown: list[str]) -> None:
    if unknown:
        parsed.notes.append(f"unknown columns not loaded: {unknown}")


def line_fields(line: str, delimiter: str | None = None) -> list[str]:
    """Fields of one CSV line (quotes understood), split at ``delimiter`` or the sniffed one."""
    if not line.strip():
        return []
    delim = delimiter or sniff_delimiter(line)
    try:
        return [f.strip().lstrip("\ufeff") for f in next(csv.reader([line], delimiter=delim))]
    except (csv.Error, StopIteration):
        return []


def _head_fields(source: Source, skip: int = 0) -> list[str]:
    """Normalised header fields of line ``skip + 1`` (delimiter ``,``, ``;`` or tab sniffed).

    Worked out once per source (every CSV loader's sniff asks), and again once the text is decoded:
    ``source.head`` may read the start differently then (an encoding only the whole file shows)."""
    known = source.__dict__.setdefault("_head_fields", {})
    key = (skip, source._text is None)
    if key not in known:
        lines = source.head(4096).splitlines()
        known[key] = [] if len(lines) <= skip else [_norm(f) for f in line_fields(lines[skip])]
    return list(known[key])


def first_data_cell(source: Source) -> str:
    """The first cell of the second line (sniffing helper)."""
    lines = source.head(4096).splitlines()
    if len(lines) < 2:
        return ""
    fields = line_fields(lines[1], sniff_delimiter(lines[0]))
    return fields[0].strip().strip('"') if fields else ""


def style_for(recs: Records, kinds: dict[str, str], notes: list[str], *, german_dates: bool = False
              ) -> NumberStyle:
    """The file's number style from the evidence in its number columns (frame column -> ``"int"``
    or ``"float"``); what was assumed goes to ``notes``. See :func:`toolkit.io._locale.number_style`."""
    from ._locale import number_style

    style, note = number_style({c: (recs.frame[c], k) for c, k in kinds.items() if c in recs.frame.columns},
                               delimiter=recs.delimiter, german_dates=german_dates)
    if note:
        notes.append(note)
    return style


def unique_columns(recs: Records, notes: list[str]) -> Records:
    """``recs`` with one column per header name: a name the file repeats is read from one of its
    columns (:func:`choose_column`, noted with both columns), the others are left out."""
    norm = [_norm(h) for h in recs.header]
    if len(set(norm)) == len(norm):
        return recs
    cols = list(recs.frame.columns)
    keep, header = [], []
    for i, key in enumerate(norm):
        pos = [j for j, k in enumerate(norm) if k == key]
        if pos[0] != i:
            continue
        chosen = choose_column(recs, pos, f"'{recs.header[i]}'", notes) if len(pos) > 1 else cols[i]
        keep.append(chosen)
        header.append(recs.header[i])
    frame = recs.frame[keep].copy()
    frame.columns = header
    return dataclasses.replace(recs, frame=frame, header=header)
