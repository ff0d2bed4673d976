"""A rendered report page draws its charts in a real browser (headless Chromium), offline.

Chromium runs with a fresh profile, no sandbox (CI containers), a dead proxy and a resolver that
resolves nothing, so any attempt to reach the network fails instead of silently succeeding.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (.ci/run installs it)")


def _chromium(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess:
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
           f"--user-data-dir={profile}", "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
           "--hide-scrollbars", "--virtual-time-budget=20000", *extra, page.as_uri()]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def _png_pixels(path: Path) -> tuple[int, int, int, bytes]:
    """(width, height, bytes per pixel, raw pixel rows) of an 8-bit RGB/RGBA PNG, without Pillow."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
            assert depth == 8 and color in (2, 6) and interlace == 0
            bpp = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw, stride = zlib.decompress(idat), width * bpp
    out, prev = bytearray(), bytearray(stride)
    for y in range(height):
        ftype, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
            if ftype == 1:
                line[i] = (line[i] + a) & 255
            elif ftype == 2:
                line[i] = (line[i] + b) & 255
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out += line
        prev = line
    return width, height, bpp, bytes(out)


def _colourful(path: Path) -> int:
    """Pixels with a clearly saturated colour (chart lines and bars; text and tables are grey)."""
    _, _, bpp, px = _png_pixels(path)
    n = 0
    for i in range(0, len(px), bpp * 2):  # every second pixel is plenty
        r, g, b = px[i], px[i + 1], px[i + 2]
        if max(r, g, b) - min(r, g, b) > 80:
            n += 1
    return n


@pytest.fixture(scope="module")
def page(samples_report):
    """Page 06 (charts, tables and user text) of the samples report rendered once per test run."""
    return [p for p in samples_report.pages if p.name.startswith("06-")][0]


def test_charts_are_drawn_offline(page, tmp_path):
    proc = _chromium(page, tmp_path / "profile", "--dump-dom")
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    charts = page.read_text(encoding="utf-8").count("Plotly.newPlot")
    assert charts >= 1
    # plotly replaces each placeholder div by an SVG; each drawn chart has two .main-svg layers
    assert dom.count('class="main-svg"') >= 2 * charts
    assert dom.count('class="trace ') + dom.count("class='trace ") >= charts or "scatterlayer" in dom


def test_screenshot_shows_coloured_charts_only_when_plotly_draws(page, tmp_path):
    # the same page with the plotting calls disabled is the baseline: tables, text, no charts
    static = tmp_path / "static.html"
    static.write_text(page.read_text(encoding="utf-8").replace("Plotly.newPlot(", "void("), encoding="utf-8")
    shots = {}
    for name, html_file in (("drawn", page), ("static", static)):
        path = tmp_path / f"{name}.png"
        proc = _chromium(html_file, tmp_path / f"profile_{name}", "--window-size=1280,6000", f"--screenshot={path}")
        assert proc.returncode == 0 and path.exists(), proc.stderr[-2000:]
        shots[name] = _colourful(path)
    # drawn charts add thousands of saturated pixels (platform colours) that the static page lacks
    assert shots["drawn"] > shots["static"] + 2000, shots
