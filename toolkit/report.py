"""Render the curated notebooks on a data folder into shareable HTML, and export tables safely.

Each notebook in ``notebooks/`` is executed with papermill (its ``parameters`` cell receives the
data folder, time zone, date range, pseudonymisation switch and one salt per report run), then
exported to one self-contained HTML page (plotly.js embedded, no CDN, code hidden unless asked
for) that ends with a methods section (:func:`methods`). An ``index.html`` links the pages. The
command line front end is ``python -m toolkit report``.

User text (comments, captions, names) is untrusted: pages show it escaped, and :func:`to_csv` /
:func:`to_excel` neutralise spreadsheet formulas (``=HYPERLINK(...)``) before writing.

Examples
--------
>>> import pandas as pd, toolkit as tk
>>> t = pd.DataFrame({"text": ["=HYPERLINK(\\"http://x\\")", "fine", "-5 Sterne"], "n": [1, -2, 3]})
>>> tk.report.neutralize(t)["text"].tolist()
['\\'=HYPERLINK("http://x")', 'fine', "'-5 Sterne"]
"""

from __future__ import annotations

import html
import os
import re
import secrets
import shutil
import time
import warnings
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

import pandas as pd

from .errors import InputFileError, ParameterError, ReportError

__all__ = ["render", "notebooks", "methods", "benchmarks", "neutralize", "to_csv", "to_excel", "NOTEBOOK_DIR", "Page"]

#: The curated notebooks: the repository's ``notebooks/``, shipped in the package as ``toolkit._notebooks``.
NOTEBOOK_DIR = Path(str(resources.files("toolkit._notebooks")))
_BENCHMARKS = Path(str(resources.files("toolkit._docs").joinpath("benchmarks.md")))

# Renderer for figures inside executed notebooks: the mimetype keeps JupyterLab interactive, the
# "notebook" renderer embeds plotly.js in the output so nbconvert's HTML draws offline.
_PLOTLY_RENDERER = "plotly_mimetype+notebook"

# Pages may run their own inline scripts (plotly) but never load or send anything over the network.
_CSP = ("default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
        "img-src data: blob:; font-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'")

# Hidden first cell of every executed notebook: pandas Styler tables escape cell text like plain
# DataFrames do (user text such as "<script>" shows as text), also after ``.style.format({...})``.
_SAFE_SETUP = """import functools as _ft
import pandas as _pd
from pandas.io.formats.style import Styler as _Styler
_pd.set_option("styler.format.escape", "html")
_Styler.format = _ft.partialmethod(_Styler.format, escape="html")
_Styler.format_index = _ft.partialmethod(_Styler.format_index, escape="html")
import warnings as _warnings
# a report reader needs the warning, not the file name and source line it was raised from
_warnings.formatwarning = lambda message, category, *args, **kwargs: f"Note: {message}\\n"
"""

# Leading characters that make a spreadsheet cell a formula (OWASP "CSV injection").
_RISKY = ("=", "+", "-", "@", "\t", "\r")

_COMMUNITY_DEFINITIONS = [
    ("reply_rate", "user comments with at least one reply by the account / user comments (top-level "
                   "comments not written by the account)"),
    ("median_minutes / p90_minutes", "median / 90th percentile of the minutes from a user comment to the "
                                     "account's first reply, over replied comments"),
    ("business minutes", "the same, counting only minutes inside business hours (Mon-Fri 09:00-17:00 "
                         "unless a notebook says otherwise)"),
    ("unanswered question", "top-level user comment detected as a question (English or German, "
                            "tk.text.is_question) without a reply by the account"),
    ("negative spike", "a day whose share of negative comments is at least 2x its baseline (previous 28 "
                       "days), with at least 5 negative comments and a binomial p-value below 0.01 / "
                       "days tested (Bonferroni)"),
]

_LEXICONS = [
    ("English", "VADER rules and lexicon (vaderSentiment, Hutto & Gilbert 2014; MIT licence)"),
    ("German", "German Polarity Lexicon (Klenner, Clematide, Wiegand & Peters 2010; Apache 2.0 via "
               "textblob-de) plus the toolkit's German social-media words, with VADER-style rules "
               "(negation, boosters, emphasis); licences in toolkit/text/LEXICONS.md"),
    ("Emoji", "Emoji Sentiment Ranking (Kralj Novak, Smailović, Sluban & Mozetič 2015) plus documented "
              "additions"),
    ("Unknown language", "short texts (\"Toll! 😍\") are scored with both lexicons merged"),
]


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


# ----------------------------------------------------------------------------------------------
# safe exports


def neutralize(table: pd.DataFrame) -> pd.DataFrame:
    """Make text cells safe to open in a spreadsheet program.

    Text cells (and column names) starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return get a leading single quote, so Excel, LibreOffice and Google Sheets show them as text
    instead of running them as formulas (``=HYPERLINK("http://evil", "click")``). Numbers, dates
    and missing values are left alone, so a negative number stays a number.

    Parameters
    ----------
    table : pandas.DataFrame
        Any table; not modified.

    Returns
    -------
    pandas.DataFrame
        The same rows and columns, risky text cells prefixed with ``'``.
    """
    out = table.copy()
    for col in out.columns:
        s = out[col]
        if not (pd.api.types.is_string_dtype(s.dtype) or s.dtype == object):
            continue
        is_text = s.map(lambda v: isinstance(v, str), na_action="ignore").fillna(False).astype(bool)
        risky = is_text & s.where(is_text, "").astype(str).str.startswith(_RISKY)
        if risky.any():
            fixed = s.astype(object).copy()
            fixed[risky] = "'" + s[risky].astype(str)
            out[col] = fixed.astype(s.dtype) if pd.api.types.is_string_dtype(s.dtype) else fixed
    out.columns = ["'" + c if isinstance(c, str) and c.startswith(_RISKY) else c for c in out.columns]
    return out


def _out_path(path, where: str) -> Path:
    path = Path(path)
    if not path.parent.exists():
        raise InputFileError(f"{where}: folder {path.parent} does not exist; create it or choose another path.")
    return path


def to_csv(table: pd.DataFrame, path: str | os.PathLike, *, sep: str = ",", encoding: str = "utf-8-sig") -> Path:
    """Write ``table`` to CSV with spreadsheet formulas neutralised (see :func:`neutralize`).

    Parameters
    ----------
    table : pandas.DataFrame
        Table to write (not modified); the index is not written.
    path : path
        Target file; its folder must exist.
    sep : str
        Field separator (``";"`` for German Excel).
    encoding : str
        ``utf-8-sig`` (default) adds the byte-order mark Excel needs to show umlauts and emoji.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    path = _out_path(path, "to_csv")
    neutralize(table).to_csv(path, index=False, sep=sep, encoding=encoding)
    return path


def to_excel(table: pd.DataFrame, path: str | os.PathLike, *, sheet_name: str = "data") -> Path:
    """Write ``table`` to an ``.xlsx`` workbook with formulas neutralised (see :func:`neutralize`).

    Text is stored as text (IDs keep all digits). Time-zone-aware timestamps, which Excel cannot
    hold, are written as UTC wall-clock times; the column name gets the suffix ``_utc``.

    Parameters
    ----------
    table : pandas.DataFrame
        Table to write (not modified); the index is not written.
    path : path
        Target ``.xlsx`` file; its folder must exist.
    sheet_name : str
        Name of the worksheet.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    path = _out_path(path, "to_excel")
    if path.suffix.lower() != ".xlsx":
        raise ParameterError(f"to_excel(path={str(path)!r}): expected a file name ending in .xlsx.")
    out = neutralize(table)
    renames = {}
    for col in out.columns:
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].dt.tz_convert("UTC").dt.tz_localize(None)
            renames[col] = f"{col}_utc"
    out = out.rename(columns=renames)
    # pandas' nullable dtypes become plain objects so openpyxl writes <NA> as an empty cell
    out = out.astype(object).where(out.notna(), None)
    out.to_excel(path, index=False, sheet_name=sheet_name, engine="openpyxl")
    return path


# ----------------------------------------------------------------------------------------------
# methods section


def _benchmark_rows() -> list[tuple[str, str]]:
    """Rows of the first table under a 'Sentiment' heading of docs/benchmarks.md (empty if none)."""
    if not _BENCHMARKS.exists():
        return []
    lines = _BENCHMARKS.read_text(encoding="utf-8").splitlines()
    rows, inside, header = [], False, None
    for line in lines:
        if line.startswith("#"):
            if inside and rows:
                break
            inside = "sentiment" in line.lower()
            continue
        if not inside or not line.strip().startswith("|"):
            if inside and rows:
                break
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if all(set(c) <= set("-: ") for c in cells):
            continue
        if header is None:
            header = cells
            continue
        cells = [re.sub(r"[*`]", "", c) for c in cells]
        rows.append((cells[0], "; ".join(f"{h}: {v}" for h, v in zip(header[1:], cells[1:]) if v)))
    return rows


def benchmarks() -> pd.DataFrame:
    """The measured sentiment accuracy, as written up in ``docs/benchmarks.md`` ("Sentiment accuracy").

    Returns
    -------
    pandas.DataFrame
        One row per scorer and test file. Columns: scorer, result (the other columns of the
        benchmark table, such as data set, macro-F1 and target, as "name: value" text). Empty
        when the file is not available (an installed package without the docs).
    """
    return pd.DataFrame(_benchmark_rows(), columns=["scorer", "result"]).astype("string")


def methods(dataset, *, tz: str, date_from: str | None = None, date_to: str | None = None,
            platforms: list[str] | None = None, pseudonymize: bool = True) -> pd.DataFrame:
    """What a report is based on: data window, time zone, exclusions, formulas and lexicons.

    Parameters
    ----------
    dataset : toolkit.io.Dataset
        The loaded data (:func:`toolkit.load`), before any :func:`toolkit.inventory.select`.
    tz : str
        The time zone the report uses.
    date_from, date_to : str, optional
        The analysed period (local days in ``tz``, both included); None = all data.
    platforms : list of str, optional
        The platforms analysed; None = all.
    pseudonymize : bool
        Whether commenter names were replaced by pseudonyms.

    Returns
    -------
    pandas.DataFrame
        One row per statement. Columns: section ("Data", "Excluded", "Engagement rates",
        "Community", "Sentiment", "Privacy"), item, detail (all strings).
    """
    from .inventory import coverage, select
    from .io._base import check_tz

    tz = check_tz(tz)
    chosen = select(dataset, date_from=date_from, date_to=date_to, platforms=platforms, tz=tz)
    rows: list[tuple[str, str, str]] = []
    cov = coverage(chosen, tz=tz)
    period = f"{date_from or 'first day in the data'} to {date_to or 'last day in the data'}"
    rows.append(("Data", "Period", f"{period} (local days in {tz}, both included)"))
    rows.append(("Data", "Time zone", f"{tz}: weekdays, hours and days are local times in this zone"))
    report = dataset.load_report
    if len(report):
        formats = ", ".join(sorted(report["format"].astype(str).unique()))
        rows.append(("Data", "Files", f"{report['file'].nunique()} file(s) read; formats: {formats}"))
    for table in ("posts", "comments", "daily"):
        part = cov[cov["table"] == table]
        if len(part):
            spans = "; ".join(f"{r.platform} {r.rows:,} ({r.first_day} to {r.last_day})"
                              for r in part.itertuples())
            rows.append(("Data", f"{table} rows", spans))
    if len(report):
        rej = int(report["rows_rejected"].sum())
        dup = int(report["duplicates_dropped"].sum())
        reasons = ""
        if rej and len(dataset.rejected):
            top = dataset.rejected["reason"].astype(str).value_counts().head(3)
            reasons = "; most common: " + "; ".join(f"{n} x {r}" for r, n in top.items())
        rows.append(("Excluded", "Rejected rows", f"{rej:,} row(s) could not be read{reasons} "
                                                  "(listed in the load report)"))
        rows.append(("Excluded", "Duplicates", f"{dup:,} row(s) were the same post or comment in two "
                                               "exports; the newer export's metrics were kept"))
    outside = {t: len(getattr(dataset, t)) - len(getattr(chosen, t)) for t in ("posts", "comments", "daily")}
    rows.append(("Excluded", "Outside the period or platforms",
                 ", ".join(f"{n:,} {t}" for t, n in outside.items())))
    unlinked = int(chosen.comments["post_id"].isna().sum()) if "post_id" in chosen.comments.columns else 0
    rows.append(("Excluded", "Comments without a post", f"{unlinked:,} comment(s) could not be linked to a "
                                                        "post; they count for the community, not per post"))
    try:
        from .performance import formulas
        for f in formulas().itertuples():
            rows.append(("Engagement rates", str(f.name),
                         f"{f.numerator} / {f.denominator} ({f.applies_to}); source: {f.source}"))
    except (ImportError, AttributeError):  # pragma: no cover - performance is part of the package
        pass
    rows += [("Community", item, detail) for item, detail in _COMMUNITY_DEFINITIONS]
    rows += [("Sentiment", f"Lexicon: {item}", detail) for item, detail in _LEXICONS]
    bench = _benchmark_rows()
    if bench:
        rows += [("Sentiment", f"Measured accuracy: {name}", detail) for name, detail in bench]
    else:
        rows.append(("Sentiment", "Measured accuracy", "see docs/benchmarks.md (three-class macro-F1 on "
                                                       "labelled English and German test sets)"))
    rows.append(("Privacy", "Commenter names",
                 "replaced by pseudonyms (keyed hash, one key per report; the account's own name stays)"
                 if pseudonymize else "shown as exported (pseudonymisation switched off)"))
    return pd.DataFrame(rows, columns=["section", "item", "detail"]).astype("string")


# ----------------------------------------------------------------------------------------------
# rendering


def render(data: str | os.PathLike, *, out: str | os.PathLike = "reports", tz: str = "Europe/Berlin",
           date_from: str | None = None, date_to: str | None = None, show_code: bool = False,
           pseudonymize: bool = True, salt: str | None = None, notebook_dir: str | os.PathLike | None = None,
           only: list[str] | None = None, timeout: int = 600, progress: bool = True,
           keep_executed: bool = False) -> list[Page]:
    """Execute every curated notebook on ``data`` and write HTML pages plus ``index.html`` to ``out``.

    Every page is a single file that opens offline: plotly.js is embedded, external scripts and
    stylesheets are removed, and a Content-Security-Policy forbids any network access. Each page
    ends with the methods section (:func:`methods`).

    Parameters
    ----------
    data : path
        Folder (or file/archive) of exports, passed to each notebook's ``data_dir`` parameter.
    out : path
        Output folder; created if missing.
    tz : str
        IANA zone for clock times (``tz`` parameter).
    date_from, date_to : str, optional
        ISO dates limiting the analysed period (``date_from``/``date_to`` parameters).
    show_code : bool
        Include code cells in the HTML (hidden by default).
    pseudonymize : bool
        Replace commenter names by stable pseudonyms (default).
    salt : str, optional
        Key of the pseudonyms, the same for every notebook of the report (``salt`` parameter).
        Default: a new random key per report, so pseudonyms cannot be recomputed from names.
    only : list of str, optional
        Render only notebooks whose file name contains one of these strings.
    timeout : int
        Seconds each cell may run before the report fails.
    progress : bool
        Show a progress bar (one step per notebook).
    keep_executed : bool
        Keep the executed notebooks in ``out/_executed/`` (always kept when a notebook fails).

    Returns
    -------
    list of Page
        The pages written, in order.

    Raises
    ------
    ReportError
        A notebook failed or timed out; the message names the notebook and the cell.
    """
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter
    from tqdm.auto import tqdm

    from .io import load
    from .io._base import check_tz

    tz = check_tz(tz, parameter="tz")
    data_path = Path(data).resolve()
    if not data_path.exists():
        raise InputFileError(f"{data}: no such file or folder; give the folder holding your exports.")
    if timeout < 1:
        raise ParameterError(f"render(timeout={timeout}): expected seconds per cell, at least 1.")
    books = notebooks(notebook_dir)
    if only:
        books = [b for b in books if any(o in b.name for o in only)]
    if not books:
        raise ReportError(f"no notebooks found in {notebook_dir or NOTEBOOK_DIR}"
                          + (f" matching {only}" if only else ""))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dataset = load(data_path, tz=tz)  # fails early, before any notebook, if nothing is readable
    methods_html = _methods_html(methods(dataset, tz=tz, date_from=date_from, date_to=date_to,
                                         pseudonymize=pseudonymize))
    out = Path(out)
    executed_dir = out / "_executed"
    executed_dir.mkdir(parents=True, exist_ok=True)
    params = {"data_dir": str(data_path), "tz": tz, "date_from": date_from, "date_to": date_to,
              "pseudonymize": pseudonymize, "salt": salt or secrets.token_hex(16)}
    exporter = HTMLExporter(template_name="lab", exclude_input=not show_code, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    env_before = os.environ.get("PLOTLY_RENDERER")
    os.environ["PLOTLY_RENDERER"] = _PLOTLY_RENDERER
    pages: list[Page] = []
    try:
        bar = tqdm(books, desc="rendering report", unit="notebook", disable=not progress)
        for book in bar:
            bar.set_postfix_str(book.name)
            t0 = time.perf_counter()
            target = executed_dir / book.name
            _execute(pm, book, target, _declared(book, params), timeout)
            nb = nbformat.read(target, as_version=4)
            _drop_hidden_cells(nb)
            body, _ = exporter.from_notebook_node(nb)
            title = _title(nb) or book.stem
            page = out / f"{book.stem}.html"
            page.write_text(_finish_page(body, title, methods_html), encoding="utf-8")
            pages.append(Page(book.name, title, page, time.perf_counter() - t0))
    finally:
        if env_before is None:
            os.environ.pop("PLOTLY_RENDERER", None)
        else:
            os.environ["PLOTLY_RENDERER"] = env_before
    if not keep_executed:
        shutil.rmtree(executed_dir, ignore_errors=True)
    _write_index(out, pages, data_path, tz, date_from, date_to, pseudonymize)
    return pages


def _declared(book: Path, params: dict) -> dict:
    """The report parameters the notebook's ``parameters`` cell assigns (all when it has no such cell)."""
    import nbformat

    try:
        cells = nbformat.read(book, as_version=4).cells
    except Exception:  # noqa: BLE001 - papermill will report an unreadable notebook
        return params
    for cell in cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            names = set(re.findall(r"^([A-Za-z_]\w*)\s*(?::[^=]+)?=", cell.source, flags=re.M))
            return {k: v for k, v in params.items() if k in names}
    return params


def _cell_number(book: Path, source: str, fallback: int, *, prefix: bool = False) -> str:
    """1-based position of the cell with ``source`` in the notebook as the user sees it."""
    import nbformat

    try:
        cells = nbformat.read(book, as_version=4).cells
    except Exception:  # noqa: BLE001 - fall back to the executed notebook's position
        return f"cell {fallback}" if fallback >= 0 else "a cell"
    for i, cell in enumerate(cells, start=1):
        if cell.source == source or (prefix and source and cell.source.startswith(source)):
            return f"cell {i} of {len(cells)}"
    return f"cell {fallback}" if fallback >= 0 else "a cell"


def _first_line(source: str) -> str:
    return next((ln.strip() for ln in str(source).splitlines() if ln.strip()), "")[:80]


def _execute(pm, book: Path, target: Path, params: dict, timeout: int) -> None:
    import nbformat

    nb = nbformat.read(book, as_version=4)
    # Widget cells need a live kernel and a browser; headless they only cost time and can stall
    # nbclient until the timeout (seen with ipywidgets.interact), so the report does not run them.
    nb.cells = [c for c in nb.cells if "interactive" not in c.get("metadata", {}).get("tags", [])]
    setup = nbformat.v4.new_code_cell(_SAFE_SETUP)
    setup.metadata["tags"] = ["remove"]
    nb.cells.insert(0, setup)
    try:
        pm.execute_notebook(nb, str(target), parameters=params, cwd=str(book.parent),
                            kernel_name="python3", progress_bar=False, execution_timeout=timeout,
                            report_mode=False)
    except pm.PapermillExecutionError as exc:
        where = _cell_number(book, exc.source, exc.cell_index)
        raise ReportError(f"notebook {book.name} failed in {where} (starting {_first_line(exc.source)!r}): "
                          f"{exc.ename}: {exc.evalue}. Open the executed copy {target} in JupyterLab for the "
                          "full traceback, or run the notebook there with the same parameters.") from None
    except TimeoutError as exc:
        # nbclient's message carries a preview of the cell's source between two dashed lines
        m = re.search(r"-{5,}\n(.*?)\n-{5,}", str(exc), flags=re.S)
        preview = m.group(1) if m else ""
        where = "a cell"
        if preview:
            where = f"{_cell_number(book, preview, -1, prefix=True)} (starting {_first_line(preview)!r})"
        raise ReportError(f"notebook {book.name}: {where} ran longer than {timeout} s and was stopped. "
                          "Narrow the period with --from/--to, or raise --timeout.") from None


def _methods_html(table: pd.DataFrame) -> str:
    body = table.to_html(index=False, escape=True, border=0, classes="methods-table")
    return ('<section id="methods" class="jp-RenderedHTMLCommon" style="padding:1rem 2rem 3rem">'
            "<h2>Methods</h2><p>What this page is based on: the data window, what was left out and why, "
            "and the formulas and lexicons behind the numbers.</p>" + body + "</section>")


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


def _finish_page(body: str, title: str, methods_html: str = "") -> str:
    # nbconvert's lab template links require.js and MathJax from CDNs; a shared page must open offline.
    body = re.sub(r'<script[^>]+src="(?:https?:)?//[^"]+"[^>]*>\s*</script>', "", body)
    body = re.sub(r'<link[^>]+href="(?:https?:)?//[^"]+"[^>]*>', "", body)
    body = re.sub(r"<title>.*?</title>", lambda _: f"<title>{html.escape(title)}</title>", body, count=1,
                  flags=re.S)
    csp = f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
    body = re.sub(r"<head>", lambda _: f"<head>\n{csp}", body, count=1)
    if methods_html:
        idx = body.rfind("</body>")
        body = body[:idx] + methods_html + "\n" + body[idx:] if idx >= 0 else body + methods_html
    return body


def _write_index(out: Path, pages: list[Page], data: Path, tz: str, date_from, date_to,
                 pseudonymize: bool = True) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    items = "\n".join(f'    <li><a href="{html.escape(p.path.name)}">{html.escape(p.title)}</a></li>'
                      for p in pages)
    period = f"{date_from or 'start'} to {date_to or 'end'}"
    names = "commenter names pseudonymised" if pseudonymize else "commenter names shown"
    index = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<title>Social media report</title>
<style>body{{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;line-height:1.5;padding:0 1rem}}
li{{margin:.4rem 0}} .meta{{color:#555}}</style></head>
<body>
  <h1>Social media report</h1>
  <p class="meta">Data: {html.escape(data.name)} &middot; time zone {html.escape(tz)} &middot; period {html.escape(period)}
  &middot; {names} &middot; rendered {stamp}</p>
  <ol>
{items}
  </ol>
  <p class="meta">Each page ends with its methods: data window, exclusions, formulas and lexicons.</p>
</body></html>
"""
    path = out / "index.html"
    path.write_text(index, encoding="utf-8")
    return path
