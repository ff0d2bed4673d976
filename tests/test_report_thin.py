"""`python -m toolkit report` on thin data renders every page (issue #18, points 7 and 12).

Four small folders cut from the samples, each rendered once by the real command line in a
module-scoped fixture (the four runs go in parallel): (a) only Meta post CSVs, (b) posts and
comments without any reply by the account (plus hostile post and comment texts), (c) a single
platform, (d) a ``--from/--to`` window of one day. Each run exits 0 with every page and
``index.html``; a section without data says so in one sentence instead of an empty table or
chart. The runs also carry a socket audit hook (``sitecustomize`` on ``PYTHONPATH``, so the
notebook kernels have it too): nothing may connect outside this machine while rendering.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

import toolkit as tk

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
TZ = "Europe/Berlin"
DAY = "2026-05-12"
MONTHS = ("Mar-01-2026_Mar-31-2026_1.csv", "Apr-01-2026_Apr-30-2026_2.csv")
EVIL = {
    "script": "<script>alert(1)</script> Wann liefert ihr?",
    "img": "<img src=x onerror=alert(2)> Preis?",
    "svg": "</script><svg onload=alert(3)> schlecht",
    "markdown": "[Gutschein](javascript:alert(4)) Wo gibt es den?",
}
EVIL_NAME = "<b>Mallory</b> Quux"
EVIL_LINK = "javascript:alert(5)"

# Records every connection and name lookup outside this machine, in this process and in every
# Python process started from it (the notebook kernels), into the file named by the env variable.
AUDIT = textwrap.dedent('''
    import os, sys

    def _toolkit_net_audit(event, args, _log=os.environ.get("TOOLKIT_NET_AUDIT")):
        if not _log or event not in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname"):
            return
        where = args[1] if event == "socket.connect" else args[0]
        host = where[0] if isinstance(where, tuple) else where
        if isinstance(host, bytes):
            host = host.decode(errors="replace")
        if not isinstance(host, str) or host.startswith("/") or host in ("", "localhost", "127.0.0.1", "::1") \\
                or host.startswith("127."):
            return
        with open(_log, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()} {event} {where!r}\\n")

    sys.addaudithook(_toolkit_net_audit)
''')


def _copy(files, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copy(f, folder / f.name)


def _meta_posts(root: Path) -> Path:
    """(a) Facebook and Instagram post CSVs of two months, nothing else."""
    data = root / "meta_posts"
    for platform in ("facebook", "instagram"):
        _copy([SAMPLES / platform / m for m in MONTHS], data / platform)
    return data


def _no_replies(root: Path) -> Path:
    """(b) Facebook posts of two months and their comments without any by the account, plus a
    hostile post and hostile comments (markup, script breakers, javascript: and Markdown links)."""
    data = root / "no_replies"
    _copy([SAMPLES / "facebook" / m for m in MONTHS], data)
    posts = tk.load(data, tz=TZ, progress=False).posts
    comments = pd.read_csv(SAMPLES / "facebook" / "toolkit-comments.csv", dtype=str, keep_default_na=False)
    keep = comments["post_id"].isin(posts["post_id"]) & (comments["is_owner"] == "False")
    comments = comments[keep]
    post = posts.sort_values("published_at").iloc[-1]
    evil_post = pd.DataFrame({
        "platform": ["facebook"], "account": [post["account"]], "post_id": ["evil-post"],
        "published_at": ["2026-04-20T09:00:00+00:00"], "text": [EVIL["svg"] + " " + EVIL["markdown"]],
        "media_type": ["photo"], "permalink": [EVIL_LINK], "reach": [100], "likes": [90], "comments": [4],
        "shares": [5], "source_file": ["extra/posts.csv"]})
    extra = pd.DataFrame({
        "platform": "facebook", "account": post["account"], "post_id": ["evil-post"] * 4,
        "comment_id": [f"evil-{k}" for k in EVIL], "parent_id": "", "author": [EVIL_NAME, "Eve <i>E</i>",
                                                                                 "Trudy Tester", "Oscar <u>O</u>"],
        # the newest comments, so they head the list of open questions
        "is_owner": "False", "published_at": [f"2026-09-0{i}T18:00:00+00:00" for i in range(1, 5)],
        "text": list(EVIL.values()), "likes": "0", "source_file": "extra/comments.csv", "exported_at": ""})
    (data / "extra").mkdir()
    evil_post.to_csv(data / "extra" / "posts.csv", index=False)
    pd.concat([comments, extra], ignore_index=True).to_csv(data / "extra" / "comments.csv", index=False)
    return data


def _one_platform(root: Path) -> Path:
    """(c) Mastodon only: its archive, comments and daily values."""
    data = root / "one_platform"
    shutil.copytree(SAMPLES / "mastodon", data)
    return data


CASES = {
    "meta_posts": (_meta_posts, []),
    "no_replies": (_no_replies, []),
    "one_platform": (_one_platform, []),
    "one_day": (lambda root: SAMPLES, ["--from", DAY, "--to", DAY]),
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Render the four cases with the command line, in parallel; their folders, outputs and logs."""
    root = tmp_path_factory.mktemp("thin")
    hook = root / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(AUDIT, encoding="utf-8")
    procs = {}
    for name, (make, extra) in CASES.items():
        data = make(root)
        out = root / f"out-{name}"
        log = root / f"net-{name}.log"
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(hook), str(ROOT)]), "TOOLKIT_NET_AUDIT": str(log)}
        cmd = [sys.executable, "-m", "toolkit", "report", str(data), "--out", str(out), "--tz", TZ, *extra]
        procs[name] = (subprocess.Popen(cmd, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True), data, out, log)
    results = {}
    for name, (proc, data, out, log) in procs.items():
        _, err = proc.communicate(timeout=1200)
        results[name] = {"rc": proc.returncode, "stderr": err, "data": data, "out": out, "log": log}
    return results


def _pages(out: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(out.glob("*.html"))}


def _visible(page: str) -> str:
    """The page's output areas without the methods section (what the reader sees of the data)."""
    page = page[:page.find('<section id="methods"')] if '<section id="methods"' in page else page
    return re.sub(r"<script\b.*?</script>", "", page, flags=re.S)


@pytest.mark.parametrize("case", list(CASES))
def test_every_page_renders_on_thin_data(runs, case):
    run = runs[case]
    assert run["rc"] == 0, run["stderr"][-2000:]
    assert f"wrote {len(tk.report.notebooks())} page(s) and index.html to {run['out']}" in run["stderr"]
    pages = _pages(run["out"])
    expected = {f"{b.stem}.html" for b in tk.report.notebooks()} | {"index.html"}
    assert set(pages) == expected
    for name, page in pages.items():
        if name == "index.html":
            continue
        visible = _visible(page)
        assert "Traceback" not in visible, name
        assert not re.search(r"<tbody>\s*</tbody>", visible), f"{case}: an empty table on {name}"
        assert "Empty DataFrame" not in visible, name


def _sentences(page: str) -> list[str]:
    return re.findall(r"""<div class=["']toolkit-note["'][^>]*><p style=["']margin:0["']>(.*?)</p>""", page)


def test_sections_without_comments_say_so_in_one_sentence(runs):
    pages = _pages(runs["meta_posts"]["out"])
    care = _sentences(pages["06-is-the-community-looked-after.html"])
    assert "No comments in this period, so there is no reply rate to show." in care
    assert len(care) >= 6  # every section says it; no empty table or chart is left
    assert all(a != b for a, b in zip(care, care[1:]))  # and says it once, not again under the next table
    assert "No comments in this period, so there is no mood to show." in _sentences(
        pages["04-how-does-the-community-feel.html"])
    assert "No comments in this period, so there is no audience activity to show." in _sentences(
        pages["03-when-should-we-post.html"])
    overview = _sentences(pages["00-overview.html"])
    assert "No comments in this period, so there is no reply rate." in overview


def test_an_account_that_never_replied_gets_rate_zero_and_no_waits(runs):
    page = _pages(runs["no_replies"]["out"])["06-is-the-community-looked-after.html"]
    notes = _sentences(page)
    assert notes.count("The account did not reply to any comment in this period, so there are no waiting times "
                       "to show.") == 1  # said once, not again for the chart in business hours
    # the key-number table: platform, user comments, replied 0, reply rate 0.0 %, no median waits (en dash)
    cell = r"\s*<td[^>]*>"
    assert re.search(rf"{cell}Facebook</td>{cell}[\d,]{{3,}}</td>{cell}0</td>{cell}0\.0\xa0%</td>{cell}\u2013</td>", page)


def test_a_one_day_window_is_stated_and_rendered(runs):
    pages = _pages(runs["one_day"]["out"])
    assert f"{DAY} to {DAY} (local days in {TZ}" in pages["01-what-is-in-my-data.html"]
    assert f"period {DAY} to {DAY}" in pages["index.html"]


def test_a_window_without_data_exits_2_with_one_line(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "toolkit", "report", str(SAMPLES), "--out", str(tmp_path / "out"),
                           "--from", "2030-01-01", "--to", "2030-01-31"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip() and "IPKernelApp" not in ln]
    assert len(lines) == 1 and re.fullmatch(r"error: no posts, comments or daily values from 2030-01-01 to 2030-01-31 "
                                            r"\(the data covers 2026-03-01 to 2026-09-0\d\); choose another --from/--to",
                                            lines[0]), lines
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------------------------------------
# what already holds (point 12): hostile text is text, nothing leaves the machine, names stay hidden


def test_hostile_post_and_comment_texts_show_as_text_on_every_page(runs):
    pages = _pages(runs["no_replies"]["out"])
    shown = set()
    for name, page in pages.items():
        visible = _visible(page)
        assert "<script>alert" not in visible and "<svg onload" not in visible, name
        assert "<img src=x onerror" not in visible and "<b>Mallory" not in visible, name
        assert not re.search(r"""href\s*=\s*["']?\s*javascript:""", page, flags=re.I), name
        assert not re.search(r"<a [^>]*>Gutschein</a>", page), name  # Markdown is not turned into a link
        shown |= {k for k, v in EVIL.items() if _escaped(v) in page}
    # each hostile text appears somewhere (escaped), so the checks above looked at it
    assert shown == set(EVIL), shown


def _without_plotly_js(page: str) -> str:
    """The page without the embedded plotly.js library (the charts' data stays)."""
    start = page.find("plotly.js v")
    end = page.find("</script>", start)
    return page if start < 0 else page[:start] + page[end:]


def _escaped(text: str) -> str:
    import html

    return html.escape(text, quote=False).split(" ")[0]


def test_rendering_connects_to_nothing_outside_this_machine(runs):
    for case, run in runs.items():
        assert run["rc"] == 0
        logged = run["log"].read_text(encoding="utf-8") if run["log"].exists() else ""
        assert logged == "", f"{case}: {logged[:500]}"


def test_the_audit_hook_sees_a_connection_attempt(tmp_path):
    """The hook used above records what it must (else the test above could never fail)."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(AUDIT, encoding="utf-8")
    log = tmp_path / "net.log"
    code = "import socket\ntry:\n    socket.create_connection(('192.0.2.1', 80), timeout=0.01)\nexcept OSError:\n    pass"
    env = {**os.environ, "PYTHONPATH": str(hook), "TOOLKIT_NET_AUDIT": str(log)}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)
    assert "192.0.2.1" in log.read_text(encoding="utf-8")


def test_commenter_names_never_appear_when_pseudonymised(runs):
    run = runs["no_replies"]
    authors = tk.load(run["data"], tz=TZ, progress=False).comments["author"].dropna().unique()
    names = [a for a in authors if len(a) >= 6]
    assert len(names) > 200
    for name, page in _pages(run["out"]).items():
        page = _without_plotly_js(page)
        leaks = [a for a in names if a in page or _escaped(a) in page and len(_escaped(a)) >= 6]
        assert leaks == [], f"{name}: {leaks[:5]}"


def test_runs_leave_nothing_next_to_the_output(runs):
    for case, run in runs.items():
        left = [p.name for p in run["out"].parent.iterdir() if p.name.startswith(f".{run['out'].name}.")]
        assert left == [], f"{case}: {left}"


def test_a_folder_without_web_analytics_says_so_once(runs):
    page = _pages(runs["meta_posts"]["out"])["07-does-social-bring-visitors.html"]
    assert _sentences(page) == ["This folder holds no web-analytics downloads (Google Analytics 4, Universal "
                                "Analytics or Matomo), so this page cannot say whether social media brings visitors "
                                "to the website."]
    assert 'class="plotly-graph-div"' not in _visible(page)  # no empty chart either
