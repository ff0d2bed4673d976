"""One A4 PDF of the rendered report pages, printed by the Chromium installed on the machine (``--pdf``).

Playwright drives the system's Chromium (never a browser of its own: nothing is downloaded);
each page is opened offline, its plotly charts are drawn, it is printed to A4, and the pages
are joined with pypdf in report order, so every notebook starts on a new sheet.
Both libraries are the optional extra ``pdf``: ``pip install 'social-media-research-toolkit[pdf]'``.
"""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

__all__ = ["find_chromium", "write_pdf", "PdfUnavailable", "PDF_NAME"]

PDF_NAME = "report.pdf"
_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Printed sheet: A4 with 12 mm margins. The page is laid out 1024 CSS px wide (the width the
# charts are drawn at) and scaled onto the printable width, so nothing is cut at the right edge.
_A4_MM = (210, 297)
_MARGIN_MM = 12
_LAYOUT_PX = 1024
_PRINT_CSS = """
@page { size: A4; }
html, body { background: #fff !important; }
.jp-Cell, .jp-OutputArea-output, .tk-tile, table, .plotly-graph-div, .toolkit-note, figure, img
  { break-inside: avoid; page-break-inside: avoid; }
h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
/* paper cannot scroll: wide output wraps or shrinks instead of being cut at the right edge */
.jp-OutputArea-output, .jp-RenderedHTMLCommon { overflow: visible !important; }
.jp-RenderedHTMLCommon table { font-size: 11px !important; max-width: 100%; }
pre { white-space: pre-wrap !important; word-break: break-word; }
section#methods { break-before: page; page-break-before: always; }
"""
# every plotly chart on the page has drawn its SVG (or there is none)
_CHARTS_DRAWN = """() => Array.from(document.querySelectorAll('.plotly-graph-div'))
  .every(d => d.querySelector('.main-svg') !== null)"""


class PdfUnavailable(UserWarning):
    """``--pdf`` could not be written (no browser or no Playwright); the HTML report was."""


def find_chromium() -> str | None:
    """Path of a Chromium-family browser on this machine (``TOOLKIT_CHROMIUM`` first), or None."""
    env = os.environ.get("TOOLKIT_CHROMIUM")
    if env:
        return env if Path(env).exists() else shutil.which(env)
    return next((p for p in map(shutil.which, _BROWSERS) if p), None)


def missing() -> str | None:
    """Why no PDF can be printed here, in one sentence with the remedy; None when it can."""
    try:
        import playwright.sync_api  # noqa: F401
        import pypdf  # noqa: F401
    except ImportError:
        return ("no PDF written: the PDF needs Playwright and pypdf, which are not installed; run "
                "pip install 'social-media-research-toolkit[pdf]' (the HTML report was written)")
    if find_chromium() is None:
        return ("no PDF written: no Chromium or Chrome found on this computer; install one (Debian/Ubuntu: "
                "apt-get install chromium; macOS/Windows: Google Chrome) or set TOOLKIT_CHROMIUM to its path "
                "(the HTML report was written)")
    return None


def write_pdf(pages: list[Path], target: Path, *, timeout: float = 120) -> Path:
    """Print ``pages`` (HTML files, in order) into one A4 PDF at ``target``.

    Each page opens offline (any request that is not a local file is refused), waits until every
    plotly chart has drawn, and is printed with backgrounds, A4, 12 mm margins. The methods
    section starts on a new sheet; tiles, tables and charts are not split across sheets.
    """
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader, PdfWriter

    browser_path = find_chromium()
    if browser_path is None:
        raise FileNotFoundError(missing())
    printable_mm = _A4_MM[0] - 2 * _MARGIN_MM
    scale = round(printable_mm / 25.4 * 96 / _LAYOUT_PX, 3)
    writer = PdfWriter()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=browser_path, headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        try:
            context = browser.new_context(viewport={"width": _LAYOUT_PX, "height": 1400}, offline=True)
            context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                          else route.abort())
            page = context.new_page()
            for html_file in pages:
                page.goto(Path(html_file).resolve().as_uri(), wait_until="load", timeout=timeout * 1000)
                page.wait_for_function(_CHARTS_DRAWN, timeout=timeout * 1000)
                page.add_style_tag(content=_PRINT_CSS)
                page.emulate_media(media="print")
                data = page.pdf(format="A4", print_background=True, scale=scale,
                                margin={side: f"{_MARGIN_MM}mm" for side in ("top", "right", "bottom", "left")})
                for sheet in PdfReader(io.BytesIO(data)).pages:
                    writer.add_page(sheet)
        finally:
            browser.close()
    with open(target, "wb") as fh:
        writer.write(fh)
    return target
