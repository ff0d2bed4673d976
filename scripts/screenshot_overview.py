"""Screenshot of a rendered overview page for the README: ``python scripts/screenshot_overview.py REPORT_DIR [PNG]``.

Opens ``REPORT_DIR/00-overview.html`` in Debian's chromium (driven by Playwright, offline) at
1280x900, waits until every chart is drawn and writes the first screen to ``docs/overview.png``
(or ``PNG``). Render the report first: ``make report`` (``reports/``).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    if not argv:
        sys.stderr.write(__doc__)
        return 2
    page = Path(argv[0]) / "00-overview.html"
    target = Path(argv[1]) if len(argv) > 1 else ROOT / "docs" / "overview.png"
    browser_path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not page.exists() or browser_path is None:
        sys.stderr.write(f"needs {page} (run make report) and chromium (apt-get install chromium)\n")
        return 2
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=browser_path, args=[
            "--no-sandbox", "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND"])
        try:
            tab = browser.new_page(viewport={"width": 1280, "height": 900})
            tab.goto(page.resolve().as_uri(), wait_until="load")
            tab.wait_for_function("() => [...document.querySelectorAll('.plotly-graph-div')]"
                                  ".every(c => c.querySelector('svg.main-svg'))", timeout=20_000)
            tab.screenshot(path=str(target))
        finally:
            browser.close()
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
