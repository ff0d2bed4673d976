"""Reading one web-analytics fixture through the loader interface (what load() does per file)."""

from __future__ import annotations

from pathlib import Path

from toolkit.io import Source, read

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "io"


def parse(path: Path, *, tz: str | None = "Europe/Berlin", errors: str = "raise"):
    """``Parsed`` of one file, with the row accounting checked: every row is loaded or rejected."""
    parsed = read(Source(path.name, path.read_bytes()), tz=tz, errors=errors)
    for table, frame in parsed.tables.items():
        rejected = sum(1 for r in parsed.rejected if r.get("table") == table)
        assert parsed.rows_read.get(table, len(frame) + rejected) == len(frame) + rejected, (table, parsed.rows_read)
    return parsed


def totals_oracle(raw, columns) -> list[bool]:
    """Which rows ``totals_mask(raw, columns)`` must mark, the slow way: every dimension cell blank, or a
    totals word in one and the others blank or totals words (stripped, compared by ``norm_header``)."""
    import numpy as np

    from toolkit.io._traffic import TOTAL_WORDS, norm_header
    n = len(raw)
    want_empty, want_word, want_rest = np.ones(n, bool), np.zeros(n, bool), np.ones(n, bool)
    for f in columns:
        t = raw[f].fillna("").str.strip()
        blank = (t == "").to_numpy(dtype=bool)
        total = np.array([norm_header(v) in TOTAL_WORDS for v in t])
        want_empty &= blank
        want_word |= total
        want_rest &= blank | total
    return (want_empty | (want_word & want_rest)).tolist()
