"""Render the curated notebooks on a data folder into shareable HTML.

Each notebook in ``notebooks/`` is executed with papermill (its ``parameters`` cell receives the
data folder, time zone, date range and pseudonymisation switch), then exported to one
self-contained HTML page (plotly.js embedded, no CDN, code hidden unless asked for). An
``index.html`` links the pages. The command line front end is ``python -m toolkit report``.
"""

from __future__ import annotations

import html
import os
import re
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .errors import InputFileError, ReportError

__all__ = ["render", "notebooks", "NOTEBOOK_DIR", "Page"]

#: The curated notebooks shipped with the project (next to the package in a source checkout).
NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"

# Renderer for figures inside executed notebooks: the mimetype keeps JupyterLab interactive, the
# "notebook" renderer embeds plotly.js in the output so nbconvert's HTML draws offline.
_PLOTLY_RENDERER = "plotly_mimetype+notebook"


@dataclass(frozen=True)
class Page:
    """One rendered notebook: its title and the HTML file written."""

    notebook: str
    title: str
    path: Path
    seconds: float


def notebooks(folder: str | os.PathLike | None = None) -> list[Path]:
    """The curated notebooks in order (``NN-*.ipynb``; ``00-overview`` first)."""
    folder = Path(folder) if folder else NOTEBOOK_DIR
    return sorted(p for p in folder.glob("[0-9][0-9]-*.ipynb"))


def render(data: str | os.PathLike, *, out: str | os.PathLike = "reports", tz: str = "Europe/Berlin",
           date_from: str | None = None, date_to: str | None = None, show_code: bool = False,
           pseudonymize: bool = True, notebook_dir: str | os.PathLike | None = None,
           only: list[str] | None = None, timeout: int = 600, progress: bool = True) -> list[Page]:
    """Execute every curated notebook on ``data`` and write HTML pages plus ``index.html`` to ``out``.

    Parameters
    ----------
    data : path
        Folder (or file/archive) of exports, passed to each notebook's ``data_dir`` parameter.
    out : path
        Output folder; created if missing. Executed notebooks go to ``out/_executed/``.
    tz : str
        IANA zone for clock times (``tz`` parameter).
    date_from, date_to : str, optional
        ISO dates limiting the analysed period (``date_from``/``date_to`` parameters).
    show_code : bool
        Include code cells in the HTML (hidden by default).
    pseudonymize : bool
        Replace commenter names by stable pseudonyms (default).
    only : list of str, optional
        Render only notebooks whose file name contains one of these strings.
    timeout : int
        Seconds each cell may run before the report fails.

    Returns
    -------
    list of Page
        The pages written, in order.

    Raises
    ------
    ReportError
        A notebook failed; the message names the notebook and the cell.
    """
    import time

    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter
    from tqdm.auto import tqdm

    data_path = Path(data).resolve()
    if not data_path.exists():
        raise InputFileError(f"{data}: no such file or folder; give the folder holding your exports.")
    books = notebooks(notebook_dir)
    if only:
        books = [b for b in books if any(o in b.name for o in only)]
    if not books:
        raise ReportError(f"no notebooks found in {notebook_dir or NOTEBOOK_DIR}")
    out = Path(out)
    executed_dir = out / "_executed"
    executed_dir.mkdir(parents=True, exist_ok=True)
    params = {"data_dir": str(data_path), "tz": tz, "date_from": date_from, "date_to": date_to,
              "pseudonymize": pseudonymize}
    exporter = HTMLExporter(template_name="lab", exclude_input=not show_code, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    env_before = os.environ.get("PLOTLY_RENDERER")
    os.environ["PLOTLY_RENDERER"] = _PLOTLY_RENDERER
    pages: list[Page] = []
    try:
        for book in tqdm(books, desc="rendering report", unit="notebook", disable=not progress):
            t0 = time.perf_counter()
            target = executed_dir / book.name
            try:
                pm.execute_notebook(str(book), str(target), parameters=params, cwd=str(book.parent),
                                    kernel_name="python3", progress_bar=False, execution_timeout=timeout,
                                    report_mode=False)
            except pm.PapermillExecutionError as exc:
                raise ReportError(f"notebook {book.name} failed in cell {exc.exec_count} "
                                  f"({exc.ename}: {exc.evalue}). Run it in JupyterLab with the same "
                                  f"parameters to see the full traceback; executed copy: {target}") from None
            except TimeoutError as exc:  # pragma: no cover - depends on the machine
                raise ReportError(f"notebook {book.name}: a cell ran longer than {timeout} s ({exc}).") from None
            nb = nbformat.read(target, as_version=4)
            _drop_hidden_cells(nb)
            body, _ = exporter.from_notebook_node(nb)
            title = _title(nb) or book.stem
            page = out / f"{book.stem}.html"
            page.write_text(_finish_page(body, title), encoding="utf-8")
            pages.append(Page(book.name, title, page, time.perf_counter() - t0))
    finally:
        if env_before is None:
            os.environ.pop("PLOTLY_RENDERER", None)
        else:
            os.environ["PLOTLY_RENDERER"] = env_before
    _write_index(out, pages, data_path, tz, date_from, date_to)
    return pages


def _drop_hidden_cells(nb) -> None:
    """Remove cells tagged ``remove`` (checks and plumbing that do not belong in a report)."""
    nb.cells = [c for c in nb.cells if "remove" not in c.get("metadata", {}).get("tags", [])]


def _title(nb) -> str | None:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#\s+(.+)$", cell.source, flags=re.M)
            if m:
                return m.group(1).strip()
    return None


def _finish_page(body: str, title: str) -> str:
    # nbconvert's lab template links require.js and MathJax from CDNs; a shared page must open offline.
    body = re.sub(r'<script[^>]+src="https?://[^"]+"[^>]*>\s*</script>', "", body)
    body = re.sub(r'<link[^>]+href="https?://[^"]+"[^>]*>', "", body)
    body = re.sub(r"<title>.*?</title>", f"<title>{html.escape(title)}</title>", body, count=1, flags=re.S)
    return body


def _write_index(out: Path, pages: list[Page], data: Path, tz: str, date_from, date_to) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    items = "\n".join(f'    <li><a href="{html.escape(p.path.name)}">{html.escape(p.title)}</a></li>'
                      for p in pages)
    period = f"{date_from or 'start'} to {date_to or 'end'}"
    index = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Social media report</title>
<style>body{{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;line-height:1.5;padding:0 1rem}}
li{{margin:.4rem 0}} .meta{{color:#555}}</style></head>
<body>
  <h1>Social media report</h1>
  <p class="meta">Data: {html.escape(data.name)} &middot; time zone {html.escape(tz)} &middot; period {html.escape(period)}
  &middot; rendered {stamp}</p>
  <ol>
{items}
  </ol>
</body></html>
"""
    path = out / "index.html"
    path.write_text(index, encoding="utf-8")
    return path


def _clean_executed(out: Path) -> None:  # pragma: no cover - housekeeping helper
    shutil.rmtree(out / "_executed", ignore_errors=True)
