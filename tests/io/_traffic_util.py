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
