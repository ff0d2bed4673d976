"""The rendered samples report as its reader gets it (issue #16, points 3, 4, 5, 6 and 8).

Reads the session's rendered samples report (fixture ``samples_report`` in conftest.py) and one
German rendering (``--lang de``, the one extra rendering):

* every page is small (plotly.js shared, <= 1.5 MB) and the visible text holds no pandas
  internals (dtype lines, reprs, ``<NA>``, ``NaT``, ``nan``, printed dicts, bare 0, 1, 2 index
  columns, numbers with more than three decimals);
* the German pages leave no English text that the English pages show;
* in headless Chromium (Debian's ``chromium`` driven by Playwright) at 1280x900 every chart drew,
  nothing is wider than the window and the console shows no error.
"""

from __future__ import annotations

import re
import shutil
import warnings
from html.parser import HTMLParser
from pathlib import Path

import pytest

import toolkit as tk

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
MAX_PAGE = 1_500_000

def _render(out: Path, **kwargs) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tk.report.render(SAMPLES, out=out, tz="Europe/Berlin", progress=False, timeout=600, **kwargs)
    return out


@pytest.fixture(scope="session")
def report_en(request) -> Path:
    """The samples report of this test run (English unless the environment's locale says otherwise)."""
    return request.getfixturevalue("samples_report").out


@pytest.fixture(scope="module")
def report_de(tmp_path_factory) -> Path:
    """The samples report in German (the one extra rendering of this test session)."""
    return _render(tmp_path_factory.mktemp("samples_de") / "out", lang="de")


def _pages(folder: Path) -> dict[str, Path]:
    return {p.name: p for p in sorted(folder.glob("[0-9][0-9]-*.html"))}


class _Visible(HTMLParser):
    """Visible text nodes of a page (no scripts, styles or title), with the class of their cell."""

    SKIP = {"script", "style", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skip, self.nodes, self.stack, self.tables = 0, [], [], []

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class") or ""
        if tag in self.SKIP:
            self.skip += 1
        if tag not in ("br", "img", "meta", "link", "input", "hr", "col"):
            self.stack.append((tag, cls))
        if tag == "table":
            self.tables.append([])
        if tag == "tr" and self.tables:
            self.tables[-1].append([])
        if tag in ("td", "th") and self.tables and self.tables[-1]:
            self.tables[-1][-1].append("")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self.skip or not data.strip():
            return
        user = any("toolkit-user" in c or t in ("code", "pre") for t, c in self.stack)
        self.nodes.append((data.strip(), user))
        if self.tables and self.tables[-1] and self.tables[-1][-1] and any(t in ("td", "th") for t, _ in self.stack):
            self.tables[-1][-1][-1] += data.strip()


def _visible(path: Path) -> _Visible:
    p = _Visible()
    p.feed(path.read_text(encoding="utf-8"))
    return p


DEFECTS = [
    (re.compile(r"dtype:"), "a dtype line"),
    (re.compile(r"Name: .*dtype"), "a Series footer"),
    (re.compile(r"<Dataset"), "the Dataset repr"),
    (re.compile(r"<NA>"), "<NA>"),
    (re.compile(r"\bNaT\b"), "NaT"),
    (re.compile(r"\bnan\b", re.I), "nan"),
    (re.compile(r"\{'[^']*': "), "a printed dict"),
    (re.compile(r"(?<![\d.,])\d+[.,]\d{4,}(?![\d.,]*\d)"), "a number with more than 3 decimals"),
]


def _defects(path: Path) -> list[str]:
    page = _visible(path)
    found = [f"{why}: {text[:80]!r}" for text, user in page.nodes if not user
             for pattern, why in DEFECTS if pattern.search(text)]
    for table in page.tables:
        rows = [r for r in table if r]
        body = [r[0] for r in rows[1:]]
        if len(body) >= 3 and body[:3] == ["0", "1", "2"]:
            found.append(f"a bare 0, 1, 2 index column (header {rows[0][:3]})")
    return found


def test_every_page_is_small_and_plotly_js_is_shared(report_en):
    pages = _pages(report_en)
    assert len(pages) == len(tk.report.notebooks())
    sizes = {name: p.stat().st_size for name, p in pages.items()}
    assert max(sizes.values()) <= MAX_PAGE, sizes
    assert (report_en / "plotly.min.js").stat().st_size > 3_000_000


def test_no_pandas_internals_in_the_visible_text(report_en):
    found = {name: _defects(p) for name, p in _pages(report_en).items()}
    assert {k: v for k, v in found.items() if v} == {}


def test_the_check_finds_what_it_looks_for(tmp_path):
    """The scan above can fail: a page with each defect is caught."""
    page = tmp_path / "bad.html"
    page.write_text("<html><body><p>Name: count, dtype: Int64</p><p>&lt;Dataset: 3 posts&gt;</p><p>&lt;NA&gt;</p>"
                    "<p>{'date_only': 0}</p><table><tr><th></th><th>a</th></tr><tr><td>0</td><td>x</td></tr>"
                    "<tr><td>1</td><td>y</td></tr><tr><td>2</td><td>z</td></tr></table><p>0.797242</p>"
                    "<script>var x = 0.797242;</script><p>2026-08-31 is fine, so is 18.450</p></body></html>")
    whys = " ".join(_defects(page))
    for why in ("a Series footer", "the Dataset repr", "<NA>", "a printed dict", "index column",
                "more than 3 decimals"):
        assert why in whys, why
    assert whys.count("more than 3 decimals") == 1  # the script's number is not visible


# ---------------------------------------------------------------------------------------------
# German

# words that are the same in German (names, loan words) or user data the pages quote
_SAME = {"Community", "Emoji", "Neutral", "Video", "Reel", "Thread", "Dashboard", "Lift", "Format", "Link", "Text", "Hashtag", "Likes", "Engagements", "Account", "Detail", "Problem",
         "Name", "Label", "Follower", "Instagram", "Facebook", "YouTube", "TikTok", "LinkedIn", "Mastodon", "X",
         "Bluesky", "Threads", "XING", "WhatsApp", "Europe/Berlin", "CSV", "Plotly", "VADER", "Reels", "Hashtags",
         "Tool", "Conversions", "Traffic", "Accounts", "Matomo", "Google Analytics 4"}


def _chart_words(path: Path) -> list[tuple[str, bool]]:
    """Titles, axis titles, annotations and menu labels of the page's charts (as plotly draws them)."""
    import json

    out = []
    for script in re.findall(r"Plotly\.newPlot\(.*?</script>", path.read_text(encoding="utf-8"), flags=re.S):
        for raw in re.findall(r'"(?:text|label)":\s*("(?:[^"\\]|\\.)*")', script):
            text = re.sub(r"<[^>]+>", " ", json.loads(raw)).strip()
            if text:
                out.append((text, False))
    return out


_PLATFORMS = {"facebook", "instagram", "linkedin", "mastodon", "tiktok", "x", "youtube", "threads", "bluesky",
              "whatsapp"}


def _english_left(de: Path, en: Path) -> list[str]:
    english = {t for t, user in _visible(en).nodes + _chart_words(en) if not user}
    left = []
    for text, user in _visible(de).nodes + _chart_words(de):
        if user or text not in english or text in _SAME or text.lower() in _PLATFORMS \
                or text.startswith("Google Analytics 4 ("):  # the tool and the property's name
            continue
        if re.fullmatch(r"[\w.+/=()\"'-]+", text) and re.search(r"[_=(./]", text):
            continue  # an identifier or code (a file format, a parameter), the same in every language
        words = re.findall(r"[A-Za-z]{4,}", text)
        if words and not all(w in _SAME for w in words):
            left.append(text[:100])
    return left


# Nothing English may be left on a German page (the web-traffic line is built from the catalog too).
KNOWN_ENGLISH: tuple[str, ...] = ()


def test_german_pages_say_it_in_german(report_de, report_en):
    de, en = _pages(report_de), _pages(report_en)
    assert set(de) == set(en)
    for name, page in de.items():
        html = page.read_text(encoding="utf-8")
        assert '<html lang="de">' in html, name
    left = {name: [t for t in _english_left(de[name], en[name]) if not t.startswith(KNOWN_ENGLISH)] for name in de}
    left = {k: v for k, v in left.items() if v}
    assert left == {}, {k: v[:10] for k, v in left.items()}


def test_german_pages_have_no_pandas_internals(report_de):
    found = {name: _defects(p) for name, p in _pages(report_de).items()}
    assert {k: v for k, v in found.items() if v} == {}


# ---------------------------------------------------------------------------------------------
# in a real browser

_MEASURE = """() => {
  const W = document.documentElement.clientWidth;
  const charts = [...document.querySelectorAll('.plotly-graph-div')];
  const wide = [...document.querySelectorAll('table, .plotly-graph-div, svg.main-svg, img, pre')]
    .filter(e => e.getBoundingClientRect().right > W + 1)
    .map(e => e.tagName + ' ' + (e.id || (e.className && e.className.baseVal !== undefined ? e.className.baseVal
                                                                                          : e.className)));
  const tiles = [...document.querySelectorAll('.toolkit-kpi, .kpi-tile, [data-kpi]')];
  return {width: W, scroll: document.documentElement.scrollWidth, charts: charts.length,
          drawn: charts.filter(c => c.querySelector('svg.main-svg')).length, wide: wide.slice(0, 5),
          tiles: tiles.length, tiles_in_view: tiles.filter(t => t.getBoundingClientRect().bottom <= 900).length};
}"""


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("needs Debian's chromium (apt-get install chromium); no browser is downloaded")
    sync = pytest.importorskip("playwright.sync_api", reason="needs the playwright package (dev extra)")
    with sync.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND"])
        try:
            yield b
        finally:
            b.close()


def _open(browser, path: Path) -> tuple[dict, list[str]]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_function("() => [...document.querySelectorAll('.plotly-graph-div')]"
                               ".every(c => c.querySelector('svg.main-svg'))", timeout=20_000)
        return page.evaluate(_MEASURE), errors
    finally:
        page.close()


def test_every_page_draws_fits_1280px_and_logs_no_error(browser, report_en):
    problems = {}
    for name, path in _pages(report_en).items():
        m, errors = _open(browser, path)
        bad = []
        if m["drawn"] != m["charts"]:
            bad.append(f"{m['charts'] - m['drawn']} of {m['charts']} charts not drawn")
        if m["scroll"] > m["width"] or m["wide"]:
            bad.append(f"wider than the window ({m['scroll']} px): {m['wide']}")
        if errors:
            bad.append(f"console: {errors[:3]}")
        if name.startswith("00-") and m["tiles"] and m["tiles_in_view"] < m["tiles"]:
            bad.append(f"only {m['tiles_in_view']} of {m['tiles']} KPI tiles in the first screen")
        if bad:
            problems[name] = bad
    assert problems == {}


def test_the_browser_check_sees_a_chart_that_did_not_draw_and_a_wide_table(browser, report_en, tmp_path):
    """The checks above can fail: a page whose charts are not drawn and whose table is too wide."""
    src = next(iter(p for n, p in _pages(report_en).items() if "Plotly.newPlot" in p.read_text(encoding="utf-8")))
    html = src.read_text(encoding="utf-8").replace("Plotly.newPlot(", "void(")
    html = html.replace("</body>", "<table><tr><td style='min-width:3000px'>wide</td></tr></table></body>")
    bad = tmp_path / src.name
    bad.write_text(html, encoding="utf-8")
    (tmp_path / "plotly.min.js").write_bytes((report_en / "plotly.min.js").read_bytes())
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(bad.as_uri(), wait_until="load")
        m = page.evaluate(_MEASURE)
    finally:
        page.close()
    assert m["charts"] >= 1 and m["drawn"] == 0
    assert m["scroll"] > m["width"] and m["wide"]
