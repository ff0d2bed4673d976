"""The report command renders notebooks into self-contained, safe HTML pages; exports are formula-safe."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pandas as pd
import pytest

import toolkit as tk
from toolkit.errors import InputFileError, ParameterError, ReportError

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
@pytest.fixture(scope="module")
def rendered(samples_report):
    out = samples_report.out
    authors = tk.load(samples_report.data, tz="UTC").comments.query("~is_owner")["author"].dropna().unique()
    return out, samples_report.pages, authors


def _pages(out: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(out.glob("*.html"))}


def test_render_writes_index_and_a_page_per_notebook(rendered):
    out, pages, _ = rendered
    expected = [b.with_suffix(".html").name for b in tk.report.notebooks()]
    assert [p.name for p in pages] == expected and "06-is-the-community-looked-after.html" in expected
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="06-is-the-community-looked-after.html"' in index and "Is the community looked after?" in index
    assert not (out / "_executed").exists()  # removed after success unless keep_executed=True


def test_pages_open_offline_with_one_shared_plotly_js(rendered):
    out, _, _ = rendered
    shared = out / "plotly.min.js"
    assert shared.stat().st_size > 3_000_000  # plotly.js (~4.6 MB), once per report folder
    for name, page in _pages(out).items():
        assert re.findall(r'<script[^>]+src=["\']?(?:https?:)?//', page) == [], name
        assert re.findall(r'<link[^>]+href=["\']?(?:https?:)?//', page) == [], name
        assert "connect-src 'none'" in page, name  # the CSP forbids any network access
        if name != "index.html":
            assert "Plotly.newPlot" in page, name  # a chart is drawn ...
            assert '<script src="plotly.min.js"></script>' in page, name  # ... by the shared plotly.js
            assert "script-src 'self'" in page, name  # which the CSP allows from the page's folder only
            assert len(page.encode()) <= 1_500_000, name


def test_code_is_hidden_by_default(rendered):
    out, _, _ = rendered
    page = (out / "06-is-the-community-looked-after.html").read_text(encoding="utf-8")
    assert "a folder, file or zip with your exports" not in page  # the parameters cell
    assert "tk.report.prepare(" not in page
    assert "jp-OutputArea-output" in page and "Loaded: " in page  # the outputs stay


def test_every_page_ends_with_a_methods_section(rendered):
    out, pages, _ = rendered
    for p in pages:
        page = p.read_text(encoding="utf-8")
        methods = page[page.index('<section id="methods"'):]
        assert "Europe/Berlin" in methods and "interactions / reach" in methods
        assert "Rejected rows" in methods and "Lexicon: German" in methods


def test_user_markup_is_shown_as_text_never_run(rendered):
    out, _, _ = rendered
    for name, page in _pages(out).items():
        assert "<script>alert(1)" not in page, name
        assert "<img src=x onerror" not in page, name
    # the hostile question is listed (escaped) among the unanswered questions of notebook 06
    sixes = [page for name, page in _pages(out).items() if name.startswith("06-")]
    if sixes:
        assert "&lt;script&gt;alert(1)&lt;/script&gt; Wann liefert ihr?" in sixes[0]


def _leaks(out: Path, authors, *, mentions: bool) -> list[str]:
    names = [a for a in authors if len(a) >= 6]
    assert len(names) > 1000
    found = []
    for name, page in _pages(out).items():
        start = page.find("plotly.js v")  # the embedded library holds no user text; the charts' data stays
        page = page if start < 0 else page[:start] + page[page.find("</script>", start):]
        text = page if mentions else re.sub(r"@[^<@]{0,40}", "", page)  # drop "@Name ..." mentions
        found += [f"{name}: {a}" for a in names if a in text]
    return found


def test_no_commenter_names_when_pseudonymised(rendered):
    out, _, authors = rendered
    assert _leaks(out, authors, mentions=False) == []


def test_no_commenter_names_in_mentions_when_pseudonymised(rendered):
    out, _, authors = rendered
    assert _leaks(out, authors, mentions=True) == []


def test_cli_reports_a_missing_folder_clearly(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "toolkit", "report", str(tmp_path / "nope"), "--out",
                           str(tmp_path / "out")], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2
    assert "nope: no such file or folder" in proc.stderr


def test_cli_rejects_an_unknown_time_zone(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "toolkit", "report", str(SAMPLES), "--out",
                           str(tmp_path / "out"), "--tz", "Europe/Berlni"], capture_output=True, text=True,
                          cwd=ROOT)
    assert proc.returncode == 2 and "--tz='Europe/Berlni' is not an IANA time zone" in proc.stderr


def test_render_refuses_missing_data(tmp_path):
    with pytest.raises(InputFileError):
        tk.report.render(tmp_path / "missing", out=tmp_path / "out", progress=False)


# ---------------------------------------------------------------------------------------------
# failures name the notebook and the cell


def _notebook(folder: Path, name: str, *sources: str) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('data_dir = "x"\ntz = "UTC"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {name}"), params,
                *[nbformat.v4.new_code_cell(s) for s in sources]]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / name
    nbformat.write(nb, path)
    return path


def _tiny_data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    (data / "posts.csv").write_bytes((ROOT / "tests/fixtures/core/posts_ok.csv").read_bytes())
    return data


def test_a_failing_cell_is_named_with_its_notebook(tmp_path):
    books = tmp_path / "books"
    books.mkdir()
    _notebook(books, "07-broken.ipynb", "x = 1", "raise ValueError('boom in the cell')")
    with pytest.raises(ReportError, match=r"07-broken\.ipynb failed in cell 4 of 4 \(starting \"raise ValueError.*boom in the cell") as err:
        tk.report.render(_tiny_data(tmp_path), out=tmp_path / "out", notebook_dir=books, progress=False)
    kept = Path(re.search(r"executed copy (\S+\.ipynb)", str(err.value)).group(1))
    assert kept.exists() and "boom in the cell" in kept.read_text(encoding="utf-8")  # kept for debugging ...
    assert sorted(p.name for p in tmp_path.iterdir()) == ["books", "data"]  # ... outside the output folder


def test_a_slow_cell_times_out_with_a_clear_message(tmp_path):
    books = tmp_path / "books"
    books.mkdir()
    _notebook(books, "08-slow.ipynb", "import time\ntime.sleep(30)")
    with pytest.raises(ReportError, match=r"08-slow\.ipynb: cell 3 of 3 \(starting 'import time'\) ran longer than 2 s"):
        tk.report.render(_tiny_data(tmp_path), out=tmp_path / "out", notebook_dir=books, progress=False,
                         timeout=2)


def test_render_passes_one_salt_to_every_notebook(tmp_path):
    books = tmp_path / "books"
    books.mkdir()
    for name in ("10-a.ipynb", "11-b.ipynb"):
        path = _notebook(books, name, "print('salt=' + salt)")
        nb = nbformat.read(path, as_version=4)
        nb.cells[1].source += "\nsalt = None"
        nbformat.write(nb, path)
    pages = tk.report.render(_tiny_data(tmp_path), out=tmp_path / "out", notebook_dir=books, progress=False,
                             show_code=True)
    salts = {re.search(r"salt=([0-9a-f]{32})", p.path.read_text(encoding="utf-8")).group(1) for p in pages}
    assert len(salts) == 1


# ---------------------------------------------------------------------------------------------
# methods and safe exports


def test_methods_states_window_exclusions_and_formulas():
    ds = tk.load(ROOT / "tests/fixtures/core/posts_ok.csv", tz="UTC")
    m = tk.report.methods(ds, tz="Europe/Berlin", date_from="2030-01-01", pseudonymize=False)
    assert list(m.columns) == ["section", "item", "detail"]
    by_item = m.set_index("item")["detail"]
    assert by_item["Period"].startswith("2030-01-01 to last day in the data (local days in Europe/Berlin")
    assert by_item["Outside the period or platforms"] == f"{len(ds.posts):,} posts, 0 comments, 0 daily"
    assert "shown as exported" in by_item["Commenter names"]
    assert set(m["section"]) >= {"Data", "Excluded", "Engagement rates", "Community", "Sentiment", "Privacy"}


def test_neutralize_prefixes_only_risky_text():
    t = pd.DataFrame({"text": pd.array(["=1+1", "+49 170", "-minus", "@all", "\tx", "\rx", "ok", None],
                                       dtype="string"),
                      "n": pd.array([-1, 2, 3, 4, 5, 6, 7, None], dtype="Int64")})
    out = tk.report.neutralize(t)
    assert out["text"].tolist()[:7] == ["'=1+1", "'+49 170", "'-minus", "'@all", "'\tx", "'\rx", "ok"]
    assert out["text"].isna().iloc[7] and out["n"].tolist()[:2] == [-1, 2]
    assert t["text"].iloc[0] == "=1+1"  # input untouched


def test_to_csv_and_to_excel_write_formulas_as_text(tmp_path):
    t = pd.DataFrame({"post_id": pd.array(["1234567890123456789"], dtype="string"),
                      "text": pd.array(['=HYPERLINK("http://evil.example","klick") Grüße 😀'], dtype="string"),
                      "published_at": pd.to_datetime(["2026-03-01 10:00"]).tz_localize("Europe/Berlin"),
                      "likes": pd.array([-3], dtype="Int64")})
    csv = tk.report.to_csv(t, tmp_path / "t.csv", sep=";")
    raw = csv.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in raw and "Grüße 😀" in raw and "1234567890123456789" in raw
    xlsx = tk.report.to_excel(t, tmp_path / "t.xlsx")
    with zipfile.ZipFile(xlsx) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula cell anywhere
    back = pd.read_excel(xlsx, dtype={"post_id": str})
    assert back.loc[0, "text"].startswith("'=HYPERLINK") and back.loc[0, "post_id"] == "1234567890123456789"
    assert str(back.loc[0, "published_at_utc"]) == "2026-03-01 09:00:00" and back.loc[0, "likes"] == -3


def test_exports_refuse_a_missing_folder_and_wrong_suffix(tmp_path):
    t = pd.DataFrame({"a": [1]})
    with pytest.raises(InputFileError, match="does not exist"):
        tk.report.to_csv(t, tmp_path / "nope" / "t.csv")
    with pytest.raises(ParameterError, match=r"ending in \.xlsx"):
        tk.report.to_excel(t, tmp_path / "t.xls")


def test_interactive_cells_are_not_run_for_the_report(tmp_path):
    # widget cells need a live kernel; headless they can stall, so render() skips them
    books = tmp_path / "books"
    books.mkdir()
    path = _notebook(books, "12-widgets.ipynb", "raise RuntimeError('a widget cell ran')", "print('after')")
    nb = nbformat.read(path, as_version=4)
    nb.cells[2].metadata["tags"] = ["remove", "interactive"]
    nbformat.write(nb, path)
    pages = tk.report.render(_tiny_data(tmp_path), out=tmp_path / "out", notebook_dir=books, progress=False,
                             show_code=True)
    html = pages[0].path.read_text(encoding="utf-8")
    assert "after" in html and "a widget cell ran" not in html


def test_report_renders_on_real_format_exports_the_notebooks_never_saw(exports_report):
    """Every notebook renders on the loaders' small real-format fixtures (other brands, other
    years, tiny counts), not only on the samples they were written against."""
    assert [p.name for p in exports_report.pages] == [b.with_suffix(".html").name for b in tk.report.notebooks()]
    for page in exports_report.pages:
        html = page.read_text(encoding="utf-8")
        assert re.findall(r'<script[^>]+src="https?://', html) == [], page.name
        assert "Traceback (most recent call last)" not in html, page.name


def test_warnings_in_pages_show_the_message_not_the_code(tmp_path):
    books = tmp_path / "books"
    books.mkdir()
    _notebook(books, "13-warn.ipynb", "import warnings\nwarnings.warn('left out 3 young posts')")
    pages = tk.report.render(_tiny_data(tmp_path), out=tmp_path / "out", notebook_dir=books, progress=False)
    html = pages[0].path.read_text(encoding="utf-8")
    box = html.find("toolkit-note")
    assert 0 < box < html.find("left out 3 young posts") and "warnings.warn(" not in html


def test_exports_leave_no_cell_that_a_spreadsheet_would_run(tmp_path):
    risky = ["=1+1", "+49 170", "-2+3", "@SUM(A1)", "\tx", "\rx"]
    t = pd.DataFrame({"text": pd.array(risky, dtype="string"), "obj": pd.Series(risky, dtype=object),
                      "cat": pd.Categorical(risky), "n": pd.array([-1, 2, 3, 4, 5, 6], dtype="Int64"),
                      "=col": ["ok"] * 6})
    csv = tk.report.to_csv(t, tmp_path / "t.csv")
    back = pd.read_csv(csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    cells = list(back.columns) + [v for col in ("text", "obj", "cat", "=col") if col in back
                                  for v in back[col]] + [v for v in back["'=col"]]
    assert [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))] == []
    assert back["n"].tolist()[0] == "-1"  # numbers stay numbers
    xlsx = tk.report.to_excel(t, tmp_path / "t.xlsx")
    sheet = pd.read_excel(xlsx, dtype=str)
    texts = list(sheet.columns) + [v for col in sheet.columns if col != "n" for v in sheet[col]]
    assert [c for c in texts if c.startswith(("=", "+", "-", "@", "\t", "\r"))] == []
    with zipfile.ZipFile(xlsx) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()


def test_show_returns_the_result_or_one_sentence():
    table = pd.DataFrame({"a": [1]})
    assert tk.report.show(table, empty="No posts.") is table
    note = tk.report.show(table.iloc[:0], empty="No posts in this period.")
    assert isinstance(note, tk.report.Note) and repr(note) == "No posts in this period."
    assert "No posts in this period." in note._repr_html_()
    assert isinstance(tk.report.show(table.iloc[:0].style, empty="x"), tk.report.Note)
    assert isinstance(tk.report.show(pd.Series([], dtype="int64"), empty="x"), tk.report.Note)
    empty_chart = tk.plots.best_times(tk.timing.best_times(tk.schema.POSTS.empty(), tz="UTC", progress=False))
    assert isinstance(tk.report.show(empty_chart, empty="No slots."), tk.report.Note)
    chart = tk.plots.activity(pd.DataFrame({"period": pd.to_datetime(["2026-03-02"]), "platform": ["x"],
                                            "posts": [3], "comments": [0], "replies": [0]}))
    assert tk.report.show(chart, empty="x") is chart
    with pytest.raises(ParameterError, match="expected a table, a styled table or a figure"):
        tk.report.show([1, 2], empty="x")


def test_notes_show_user_text_as_text():
    note = tk.report.Note("<b>2 files</b> could not be read:", table=pd.DataFrame({"file": ["<script>x</script>"]}),
                          kind="warning")
    html = note._repr_html_()
    assert "&lt;b&gt;2 files&lt;/b&gt;" in html and "&lt;script&gt;x&lt;/script&gt;" in html and "<script>" not in html
    assert tk.report.Note("")._repr_html_() == "" and not tk.report.Note("")


def _with_unreadable(ds):
    """``ds`` plus a load-report row as load() writes it for a file it cannot read (format "unreadable")."""
    from dataclasses import replace

    row = {"file": "exports/cut-off.json", "format": "unreadable", "table": "", "rows_read": 0, "rows_loaded": 0,
           "duplicates_dropped": 0, "rows_rejected": 0,
           "notes": "exports/cut-off.json, line 3, column 7: the file ends in the middle of a record. Download it "
                    "again."}
    return replace(ds, load_report=pd.concat([ds.load_report, pd.DataFrame([row])], ignore_index=True))


def test_unreadable_files_are_listed_with_what_to_do(tmp_path):
    data = _tiny_data(tmp_path)
    (data / "notes.csv").write_text("Kunde;Umsatz\nA;3\n", encoding="utf-8")  # not an export
    ds = _with_unreadable(tk.load(data, tz="UTC"))
    note = tk.report.unreadable(ds)
    assert note.kind == "warning" and note.text.startswith("2 of 3 file(s) could not be used")
    assert note.table["file"].tolist() == ["data/notes.csv", "exports/cut-off.json"]
    assert note.table["problem"].iloc[1] == ("Could not be read: exports/cut-off.json, line 3, column 7: the file "
                                             "ends in the middle of a record. Download it again.")
    assert note.table["problem"].iloc[0].startswith("Not an export: data/notes.csv: not a recognised export")
    m = tk.report.methods(ds, tz="UTC").set_index("item")["detail"]
    assert m["File not used: exports/cut-off.json"].endswith("Download it again.")
    (tmp_path / "ok").mkdir()
    assert not tk.report.unreadable(tk.load(_tiny_data(tmp_path / "ok"), tz="UTC"))  # every file read: nothing shown


def test_methods_name_the_files_with_rejected_rows():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = tk.load(ROOT / "tests/fixtures/core/bad_count_line_3.csv", tz="UTC", errors="reject")
    m = tk.report.methods(ds, tz="UTC").set_index("item")["detail"]
    assert re.fullmatch(r"1 row\(s\): 1 x .+", m["Rejected rows in bad_count_line_3.csv"])


def test_links_that_run_code_are_blocked_but_scripts_are_kept():
    page = tk.report._finish_page(
        "<html><head></head><body><a href='javascript:alert(1)'>open</a><a href=\"java\tscript:x\">b</a>"
        "<a href='https://example.org/p/1'>ok</a><img src='data:image/png;base64,AA'>"
        "<script>location.href=\"data:x\"</script></body></html>", "t")
    assert "javascript:" not in page.split("<script>")[0] and "java\tscript" not in page
    assert "href='#blocked:alert(1)'" in page and "https://example.org/p/1" in page
    assert "src='data:image/png;base64,AA'" in page and 'location.href="data:x"' in page


def test_the_report_shows_files_it_could_not_use_on_top(tmp_path):
    data = _tiny_data(tmp_path)
    (data / "notes.csv").write_text("Kunde;Umsatz\nA;3\n", encoding="utf-8")
    pages = tk.report.render(data, out=tmp_path / "out", only=["00-", "01-"], progress=False, timeout=300)
    for page in pages:
        html = page.path.read_text(encoding="utf-8")
        box = html.find("toolkit-note")
        assert 0 < box < html.find("<h2"), page.notebook  # before the first section
        assert "1 of 2 file(s) could not be used" in html and "data/notes.csv" in html
        assert "File not used: data/notes.csv" in html[html.index('<section id="methods"'):]


def test_the_report_renders_around_an_empty_file(tmp_path):
    data = _tiny_data(tmp_path)
    (data / "empty.csv").write_bytes(b"")
    pages = tk.report.render(data, out=tmp_path / "out", only=["01-"], progress=False, timeout=300)
    html = pages[0].path.read_text(encoding="utf-8")
    assert "data/empty.csv" in html[:html.find("<h2")] and "File not used: data/empty.csv" in html
