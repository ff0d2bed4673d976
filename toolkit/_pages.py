"""Page-level finishing of a rendered report: shared plotly.js, layout that fits, language.

Used by :func:`toolkit.report.render`:

* plotly.js is written once per report folder (``OUT/plotly.min.js``, from the installed
  plotly package) and each page loads it by relative path, so a page is a few hundred kB
  instead of 5 MB; ``self_contained=True`` inlines it into every page instead (one file to mail).
* every page gets a stylesheet that keeps tables and charts inside the content column at
  1280 px (text wraps; long tables were already cut by :mod:`toolkit._format`).
* ``<html lang="..">`` and the markdown cells in the page's language (``toolkit/locale``).
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["PLOTLY_FILE", "write_plotly", "finish", "setup_code", "translate_markdown", "allowed_names"]

#: The shared copy of plotly.js next to the pages.
PLOTLY_FILE = "plotly.min.js"
#: Folder (next to the pages) holding the full versions of long tables.
TABLES_DIR = "tables"

_CSS = """<style id="toolkit-pages">
.jp-Notebook{max-width:100%;box-sizing:border-box}
.jp-OutputArea-output{max-width:100%;overflow-x:auto}
.toolkit-table-wrap{max-width:100%;overflow-x:auto;margin:.3rem 0 .8rem}
table.toolkit-table{border-collapse:collapse;font-size:.85rem;max-width:100%;table-layout:auto}
.jp-RenderedHTMLCommon table.toolkit-table th,.jp-RenderedHTMLCommon table.toolkit-table td,
table.toolkit-table th,table.toolkit-table td{padding:.25rem .55rem;border-bottom:1px solid #e0e0e0;
  white-space:normal;overflow-wrap:anywhere;vertical-align:top;max-width:28rem;text-align:left}
table.toolkit-table th{background:#f5f5f5;font-weight:600}
.toolkit-footnote{font-size:.8rem;color:#555;margin:.2rem 0}
.jp-RenderedHTMLCommon table{max-width:100%}
.jp-RenderedHTMLCommon td,.jp-RenderedHTMLCommon th{white-space:normal;overflow-wrap:anywhere}
.plotly-graph-div{max-width:100%}
</style>"""


def allowed_names() -> set[str]:
    """Names (besides pages) a report folder may hold."""
    return {PLOTLY_FILE, TABLES_DIR}


def write_plotly(folder: Path) -> Path:
    """Copy plotly.js (the installed plotly package's bundle) into ``folder``."""
    from plotly.offline import get_plotlyjs

    path = Path(folder) / PLOTLY_FILE
    path.write_text(get_plotlyjs(), encoding="utf-8")
    return path


def setup_code(*, lang: str, tz: str, tables_dir: Path, page: str) -> str:
    """Code for the hidden first cell of a report kernel: the formatting layer, installed."""
    return ("from toolkit import _format as _tk_format\n"
            f"_tk_format.install(lang={lang!r}, tz={tz!r}, tables_dir={str(tables_dir)!r}, page={page!r})\n")


# nbconvert's loader for widget views fetches a script from a CDN (which the CSP blocks, so the
# browser logs an error); widget outputs (progress bars of the run) mean nothing on a page.
_WIDGET_LOADER = re.compile(r"<script>\s*\(function\(\) \{\s*function addWidgetsRenderer\(\).*?</script>", re.S)
_WIDGET_DATA = re.compile(r'<script type="application/vnd\.jupyter\.widget-(?:view|state)\+json">.*?</script>', re.S)


def finish(page: str, *, lang: str, self_contained: bool) -> str:
    """Add plotly.js (shared file or inline), the layout stylesheet and the language to a page."""
    page = _WIDGET_DATA.sub("", _WIDGET_LOADER.sub("", page, count=1))
    if self_contained:
        from plotly.offline import get_plotlyjs

        # "</script" cannot occur inside a script element; plotly.js has none, this keeps it so
        script = "<script>" + get_plotlyjs().replace("</script", "<\\/script") + "</script>"
    else:
        script = f'<script src="{PLOTLY_FILE}"></script>'
        # the shared file is a script from the page's own folder: allow exactly that
        page = page.replace("script-src ", "script-src 'self' ", 1)
    page = re.sub(r"<html([^>]*)>", lambda m: "<html" + re.sub(r'\s+lang="[^"]*"', "", m.group(1))
                  + f' lang="{lang}">', page, count=1)
    head_end = page.find("</head>")
    extra = script + "\n" + _CSS + "\n"
    return page[:head_end] + extra + page[head_end:] if head_end >= 0 else extra + page


def translate_markdown(nb, notebook: str, lang: str) -> int:
    """Replace the markdown cells of ``nb`` by their translation into ``lang``, where the catalog has one.

    The catalog ``toolkit/locale/<lang>/LC_MESSAGES/notebooks.po`` is keyed by ``notebook#cell-id``
    (``msgctxt``) and the English source (``msgid``): a cell whose English text changed since it
    was translated stays English until the catalog is updated. Returns the number of cells left
    untranslated.
    """
    from .locale import translations

    if lang == "en":
        return 0
    tr = translations(lang, "notebooks")
    missing = 0
    for cell in nb.cells:
        if cell.cell_type != "markdown" or not cell.source.strip():
            continue
        done = tr.pgettext(f"{notebook}#{cell.get('id', '')}", cell.source)
        if done == cell.source:
            missing += 1
        else:
            cell.source = done
    return missing
