"""Refresh the expected outputs of the notebooks' key-number cells.

Cells whose source starts with ``# NBVAL_CHECK_OUTPUT`` carry ``keep_output`` metadata: nbstripout
keeps their outputs and ``pytest --nbval-lax`` compares a fresh run against them. After changing
the sample data or a computation on purpose, run ``make checks``, read the diff, and commit it.

Usage: python scripts/refresh_notebook_checks.py [NOTEBOOK ...]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import nbformat
import papermill as pm

MARK = "# NBVAL_CHECK_OUTPUT"


def refresh(path: Path) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / path.name
        source = nbformat.read(path, as_version=4)
        # widget cells need a live kernel and can stall headless execution (see toolkit/report.py)
        source.cells = [c for c in source.cells if "interactive" not in c.get("metadata", {}).get("tags", [])]
        pm.execute_notebook(source, str(out), cwd=str(path.parent), kernel_name="python3",
                            progress_bar=False)
        executed = nbformat.read(out, as_version=4)
    by_source = {c.source: c for c in executed.cells if c.cell_type == "code"}
    nb = nbformat.read(path, as_version=4)
    n = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if cell.source.startswith(MARK):
            cell.metadata["keep_output"] = True
            cell.outputs = [o for o in by_source[cell.source].outputs if o.get("output_type") != "stream"]
            n += 1
            # nbval only compares cells that look executed: give them a count.
            cell.execution_count = n
            for o in cell.outputs:
                if "execution_count" in o:
                    o["execution_count"] = n
                o.get("metadata", {}).clear()
            continue
        else:
            cell.outputs = []
            cell.metadata.pop("keep_output", None)
        cell.execution_count = None
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
    nb.metadata.pop("papermill", None)
    nbformat.write(nb, path)
    return n


if __name__ == "__main__":
    books = [Path(a) for a in sys.argv[1:]] or sorted(Path("notebooks").glob("[0-9][0-9]-*.ipynb"))
    for book in books:
        print(f"{book}: {refresh(book)} check cell(s) refreshed")
