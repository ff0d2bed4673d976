"""The C-parser path of read_csv_records gives exactly what the record-by-record path gives (issue #14.1).

Large, well-formed CSV files are read by a C parser with line numbers recovered from the bytes;
files that need care (ragged rows, a cut-off last record, broken quoting) keep the csv.reader
path. Both must agree on cells, line numbers, rejected rows and notes.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import toolkit as tk
from toolkit.io import _base
from toolkit.io._base import Source, read_csv_records

FIX = Path(__file__).parent.parent / "fixtures"
SAMPLES = Path(__file__).parent.parent.parent / "data" / "samples"


def _read(text: str, *, fast: bool, monkeypatch, **kw):
    """read_csv_records on ``text`` with the fast path allowed on any size (or never), and whether it was taken."""
    monkeypatch.setattr(_base, "FAST_MIN_CHARS", 0 if fast else 1 << 62)
    taken = []
    real = _base._fast_records

    def spy(*a, **k):
        got = real(*a, **k)
        taken.append(got is not None)
        return got
    monkeypatch.setattr(_base, "_fast_records", spy)
    src = Source("f.csv", text.encode("utf-8"))
    recs = read_csv_records(text, source=src, **kw)
    monkeypatch.setattr(_base, "_fast_records", real)
    return recs, src.notes, bool(taken and taken[0])


def _same(a, b):
    (ra, na, _), (rb, nb, _) = a, b
    pd.testing.assert_frame_equal(ra.frame, rb.frame)
    assert ra.lines.tolist() == rb.lines.tolist()
    assert ra.bad == rb.bad and ra.header == rb.header and ra.header_line == rb.header_line
    assert ra.delimiter == rb.delimiter and na == nb


WELL_FORMED = {
    "embedded newlines": 'id,text,n\n1,"one\ntwo\nthree",3\n2,plain,4\n3,"a ""quoted"" word, and a comma",5\n'
                         '4,"",6\n5,"last\nline",7',
    "crlf with newlines in cells": 'id;text;n\r\n1;"x\r\ny";3\r\n\r\n2;"";4\r\n3;"ü 👍\r\n\r\nz";5\r\n',
    "blank lines between rows": "a,b\n\n1,2\n\n\n3,4\n",
    "quotes everywhere": '"a","b"\n"1","2"\n"""q""",""""\n',
    "tabs": "a\tb\tc\n1\t\t3\n\t\t\n",
}


@pytest.mark.parametrize("name", list(WELL_FORMED))
def test_well_formed_files_take_the_fast_path_with_the_same_records(name, monkeypatch):
    text = WELL_FORMED[name]
    fast, careful = _read(text, fast=True, monkeypatch=monkeypatch), _read(text, fast=False, monkeypatch=monkeypatch)
    assert fast[2] and not careful[2]
    _same(fast, careful)


def test_line_numbers_count_newlines_inside_quoted_cells(monkeypatch):
    recs, _, taken = _read(WELL_FORMED["embedded newlines"], fast=True, monkeypatch=monkeypatch)
    assert taken
    assert recs.lines.tolist() == [2, 5, 6, 7, 8]
    assert recs.frame["text"].tolist() == ["one\ntwo\nthree", "plain", 'a "quoted" word, and a comma', "",
                                           "last\nline"]
    recs, _, taken = _read(WELL_FORMED["crlf with newlines in cells"], fast=True, monkeypatch=monkeypatch)
    assert taken and recs.lines.tolist() == [2, 5, 6]
    assert recs.frame["text"].tolist() == ["x\r\ny", "", "ü 👍\r\n\r\nz"]


NEEDS_CARE = {
    # name: (text, rejected lines, loaded lines)
    "ragged rows": ('id,text,n\n1,"a\nb",3\n2,too,many,4\n3,few\n4,"c",5\n', [4, 5], [2, 6]),
    "cut-off last row": ('id,text,n\n1,"a\nb",3\n2,ok,4\n3,"cut\noff', [5], [2, 4]),
    "cut-off last row with newlines": ('id,text,n\n1,x,3\n2,"a\n\nb",4\n3,"cut\nin the\nmiddle,', [6], [2, 3]),
    "trailing empty fields": ("a,b\n1,2,,\n3,4\n", [], [2, 3]),
    "whitespace-only line": ("a,b\n1,2\n   \n3,4\n", [], [2, 4]),
    "lone carriage return": ('a,b\r1,"x\ry"\r3,4\r', [], [2, 4]),
}


@pytest.mark.parametrize("name", list(NEEDS_CARE))
def test_files_that_need_care_keep_the_careful_path_and_its_line_numbers(name, monkeypatch):
    text, rejected, loaded = NEEDS_CARE[name]
    fast, careful = _read(text, fast=True, monkeypatch=monkeypatch), _read(text, fast=False, monkeypatch=monkeypatch)
    assert not fast[2]
    _same(fast, careful)
    assert [b["line"] for b in fast[0].bad] == rejected
    assert fast[0].lines.tolist() == loaded


@pytest.mark.parametrize("text", ['a,b\n1,x"y\n', 'a,b\n1, "x"\n', 'a,b\n1,"x"y\n', 'a,b\n1,"x""\n2,3\n'])
def test_quotes_that_are_not_rfc_4180_keep_the_careful_path(text, monkeypatch):
    fast, careful = _read(text, fast=True, monkeypatch=monkeypatch), _read(text, fast=False, monkeypatch=monkeypatch)
    assert not fast[2]
    _same(fast, careful)


def test_unnamed_empty_and_repeated_columns_are_noted_alike(monkeypatch):
    text = "id,n,id,,\n1,2,1,,\n2,3,9,,\n"
    fast, careful = _read(text, fast=True, monkeypatch=monkeypatch), _read(text, fast=False, monkeypatch=monkeypatch)
    assert fast[2]
    _same(fast, careful)
    assert list(fast[0].frame.columns) == ["id", "n", "id.1"] and len(fast[1]) == 2


def _csv_files():
    out = []
    for root in (FIX, SAMPLES):
        out += sorted(p for p in root.rglob("*") if p.suffix.lower() in (".csv", ".tsv", ".txt"))
    return out


def test_every_fixture_and_sample_csv_reads_the_same_on_both_paths(monkeypatch):
    taken = 0
    for path in _csv_files():
        text = Source(path.name, path.read_bytes()).text
        got = []
        for fast in (True, False):
            try:
                got.append(_read(text, fast=fast, monkeypatch=monkeypatch))
            except tk.errors.ExportFormatError as exc:
                got.append(str(exc))
        if isinstance(got[0], str) or isinstance(got[1], str):
            assert got[0] == got[1], path
            continue
        _same(got[0], got[1])
        taken += got[0][2]
    assert taken >= 50  # most fixtures are well-formed: the comparison covered the fast path


def test_a_large_generated_file_reads_the_same_on_both_paths(monkeypatch):
    rng = np.random.default_rng(7)
    words = np.array(["plain", "with, comma", 'say ""hi""', "two\nlines", "ümlaut 👍", "", "crlf\r\ninside"])
    rows = []
    for i in range(3000):
        w = words[rng.integers(len(words))]
        cell = f'"{w}"' if any(c in w for c in ',"\n') or rng.random() < 0.3 else w
        rows.append(f'{i},{cell},"{rng.integers(0, 10**6):,}"')
        if i % 500 == 0:
            rows.append("")
    text = "id,text,n\r\n" + "\r\n".join(rows) + "\r\n"
    fast, careful = _read(text, fast=True, monkeypatch=monkeypatch), _read(text, fast=False, monkeypatch=monkeypatch)
    assert fast[2] and len(fast[0].frame) == 3000
    _same(fast, careful)


@pytest.mark.parametrize("name", ["embedded newlines", "crlf with newlines in cells", "ragged rows",
                                  "cut-off last row"])
def test_without_pyarrow_pandas_c_parser_gives_the_same_records(name, monkeypatch):
    text = {**WELL_FORMED, **{k: v[0] for k, v in NEEDS_CARE.items()}}[name]
    careful = _read(text, fast=False, monkeypatch=monkeypatch)
    monkeypatch.setitem(__import__("sys").modules, "pyarrow.csv", None)  # as if pyarrow were not installed
    fast = _read(text, fast=True, monkeypatch=monkeypatch)
    assert fast[2] == (name in WELL_FORMED)
    _same(fast, careful)


def test_samples_load_the_same_when_every_csv_takes_the_fast_path(monkeypatch):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = tk.load(SAMPLES, tz="Europe/Berlin", progress=False)
        monkeypatch.setattr(_base, "FAST_MIN_CHARS", 0)
        fast = tk.load(SAMPLES, tz="Europe/Berlin", progress=False)
    for name in ("posts", "comments", "daily", "traffic"):
        pd.testing.assert_frame_equal(getattr(fast, name), getattr(plain, name))
    pd.testing.assert_frame_equal(fast.load_report, plain.load_report)


_WEB_NUMBERS = ["1,204", "1.204", "66,67 %", "66.67%", "25\xa0%", "£0.00", "US$ 0,00", "1 200", "", "-", "abc",
                "3,215", "0.5", "12", None]


@pytest.mark.parametrize("decimal", [".", ","])
def test_web_numbers_and_days_parsed_per_distinct_value_equal_cell_by_cell(decimal):
    from toolkit.io._traffic import _label, _source_medium, parse_day, parse_number
    rng = np.random.default_rng(5)
    s = pd.Series(rng.choice(np.array(_WEB_NUMBERS, dtype=object), 4000), dtype="string")
    for got, want in zip(parse_number(s, decimal=decimal), parse_number.__wrapped__(s, decimal=decimal)):
        pd.testing.assert_series_equal(got, want)
    days = pd.Series(rng.choice(np.array(["20240301", "20240302", "2024-03-03", "", "x", None], dtype=object), 4000),
                     dtype="string")
    for got, want in zip(parse_day(days, ("%Y%m%d", "%Y-%m-%d")), parse_day.__wrapped__(days, ("%Y%m%d", "%Y-%m-%d"))):
        pd.testing.assert_series_equal(got, want)
    labels = pd.Series(rng.choice(np.array(["google / organic", " '=cmd", "(not set)", "a - b", "", None],
                                           dtype=object), 4000), dtype="string")
    pd.testing.assert_series_equal(_label(labels), _label.__wrapped__(labels))
    sm = _label(labels)
    for got, want in zip(_source_medium(sm), _source_medium.__wrapped__(sm)):
        pd.testing.assert_series_equal(got, want)


def test_the_whitespace_class_is_pythons_backslash_s_and_lets_pandas_use_arrow():
    import re
    import sys
    from toolkit.io._base import _WS
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    assert re.findall(r"\s", every) == re.findall(_WS, every)
    col = pd.Series(["2024-03-01 ", "x"] * 10, dtype="string")
    if col.dtype.storage == "pyarrow":
        assert not col.array._needs_python_regex(_base._DATE_ONLY_RE)  # matched by Arrow, not cell by cell


@pytest.mark.parametrize("kind", ["int", "float"])
def test_number_style_cells_are_classified_as_the_one_regex_does(kind):
    from toolkit.io._locale import _STYLE_RE, _classify
    cells = ["1.234", "1,234", "1.234,5", "1,234.5", "3,5", "3.5", "0,5", "0.5", "18.450", "12,400", " 7 ",
             "-1.234.567", "1,234,567", "6,14 %", "6.14%", "6,14\xa0%", "1.2345", "12,34,5", "٣,٥", "1.234\n",
             "abc", ""]
    de, en = _classify(pd.Index(cells), kind)
    want = [(m.lastgroup if m else None) for m in map(_STYLE_RE[kind].match, cells)]
    assert de.tolist() == [g == "de" for g in want] and en.tolist() == [g == "en" for g in want]


def test_web_patterns_spelled_for_arrow_match_what_the_python_patterns_match():
    import re
    import sys
    from toolkit.io._traffic import _CURRENCY, _CURRENCY_RE, _SPACES, _SPACES_TEXT
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    assert re.findall(_SPACES, every) == re.findall(_SPACES_TEXT, every)
    for letter in "usergbpchfd":  # the case variants Python's IGNORECASE accepts, and no others
        variants = f"[{letter.upper()}{letter}{'ſ' if letter == 's' else ''}]"
        assert "".join(re.findall(f"(?i){letter}", every)) == "".join(re.findall(variants, every))
    for cell in ["US$ 1,00", "uſ$3", "12 EUR", "eur", "CHF 4", "Fr. 5", "£0.00", "1 200 usd", "Gbp", "x"]:
        assert re.sub(_CURRENCY_RE, "", cell) == re.sub(_CURRENCY, "", cell)


def test_source_medium_split_by_arrow_equals_pandas_extract():
    from toolkit.io._base import extract as _extract_pair
    from toolkit.io._traffic import _label
    pat = r"^(.*?)\s*(?:/|\s-\s)\s*([^/]*)$"
    vals = ["google / organic", "(not set)", "a - b", "a/b/c", "x - y - z", " / ", "a\n/b", "ü / ß", "a -b", "a- b",
            "/x", "x/", "", None, "a  /  b", "a\u00a0/\u00a0b", "a\x1c/b", "a\n- b", "a -\nb", "a\x85-\x85b"]
    s = _label(pd.Series(vals, dtype="string"))
    from toolkit.io._base import _in_arrow
    # the Arrow path really runs (a "(?:" group once sent every such pattern to pandas)
    assert _in_arrow(s, pat) == (s.dtype.storage == "pyarrow")
    assert not _in_arrow(s, r"(?<=x)(a)") and not _in_arrow(s, r"(?P<n>a)")
    got = _extract_pair(s, pat)
    pd.testing.assert_frame_equal(got, s.str.extract(pat))


@pytest.mark.parametrize("pattern", [r"/video/(\d+)", r"tiktok\.com/@([^/?]+)", r"^(.*?)\s*(?:/|\s-\s)\s*([^/]*)$"])
def test_extract_by_arrow_equals_pandas_extract(pattern):
    from toolkit.io._base import extract
    vals = ["https://www.tiktok.com/@a.b/video/7300000000000000001?x=1", "https://tiktok.com/@x/video/٣٤٥",
            "/video/12/video/34", "tiktok.com/@/video/", "https://www.tiktok.com/@ü_ß/photo/1", "", None,
            "a / b", "(not set)", "a\n/b", "x - y"]
    s = pd.Series(vals, dtype="string")
    pd.testing.assert_frame_equal(extract(s, pattern), s.str.extract(pattern))


def test_visits_log_sums_stay_missing_for_groups_without_a_value(tmp_path):
    head = "idSite,idVisit,visitorId,goalConversions,siteName,firstActionTimestamp,actions,referrerType,referrerName," \
           "totalEcommerceRevenue\n"
    rows = ["1,1,a,1,Shop,1710233100,3,search,Google,10.5", "1,2,b,,Shop,1710233200,1,search,Google,",
            "1,3,c,,Shop,1710233300,2,direct,,", "1,4,c,,Shop,1710233400,1,direct,,"]
    (tmp_path / "Export _ Besucher-Log _ Tag.csv").write_text(head + "\n".join(rows) + "\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = tk.load(tmp_path, tz="UTC", progress=False).traffic.set_index("channel")
    assert t.loc["search", ["sessions", "users", "bounces", "conversions"]].tolist() == [2, 2, 1, 1]
    assert t.loc["search", "revenue"] == 10.5
    assert t.loc["direct", ["sessions", "users", "bounces"]].tolist() == [2, 1, 1]
    assert pd.isna(t.loc["direct", "conversions"]) and pd.isna(t.loc["direct", "revenue"])


def test_a_large_file_gets_its_own_bar_when_progress_is_on(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(_base, "FAST_MIN_CHARS", 0)
    monkeypatch.setattr(_base, "FILE_BAR_MIN_ROWS", 500)
    rows = [f"x,p{i},2024-03-01T10:00:00Z,{i}" for i in range(600)]
    (tmp_path / "big_posts.csv").write_text("platform,post_id,published_at,likes\n" + "\n".join(rows) + "\n")
    (tmp_path / "small_posts.csv").write_text("platform,post_id,published_at,likes\n" + "\n".join(rows[:10]) + "\n")
    ds = tk.load(tmp_path, progress=True)
    err = capsys.readouterr().err
    assert len(ds.posts) == 600 and "reading big_posts.csv" in err and "reading small_posts.csv" not in err
    tk.load(tmp_path, progress=False)
    assert "reading big_posts.csv" not in capsys.readouterr().err


# --- read_source_records: the same records from the bytes, without decoding the file ---------------

def _from_bytes(data: bytes, monkeypatch, **kw):
    """read_source_records and read_csv_records(source.text) on the same bytes (fast path allowed on any size)."""
    monkeypatch.setattr(_base, "FAST_MIN_CHARS", 0)
    got = []
    for how in ("bytes", "text"):
        src = Source("f.csv", data)
        try:
            recs = _base.read_source_records(src, **kw) if how == "bytes" else \
                read_csv_records(src.text, source=src, **kw)
            got.append((recs, src.notes, src.encoding))
        except tk.errors.ExportFormatError as exc:
            got.append(str(exc))
    return got


@pytest.mark.parametrize("name", list(WELL_FORMED) + list(NEEDS_CARE))
def test_records_from_the_bytes_equal_records_from_the_text(name, monkeypatch):
    text = {**WELL_FORMED, **{k: v[0] for k, v in NEEDS_CARE.items()}}[name]
    for data in (text.encode("utf-8"), b"\xef\xbb\xbf" + text.encode("utf-8"), text.encode("utf-16"),
                 text.encode("utf-8") + b"\xe4 cp1252 byte\n"):
        a, b = _from_bytes(data, monkeypatch)
        if isinstance(a, str) or isinstance(b, str):
            assert a == b
            continue
        pd.testing.assert_frame_equal(a[0].frame, b[0].frame)
        assert a[0].lines.tolist() == b[0].lines.tolist() and a[0].bad == b[0].bad
        assert (a[0].header, a[0].header_line, a[0].delimiter) == (b[0].header, b[0].header_line, b[0].delimiter)
        assert a[1:] == b[1:]  # notes and encoding


def test_records_from_the_bytes_skip_decoding_a_large_utf8_file(monkeypatch):
    rows = "".join(f"{i},ü 👍 {i},{i % 7}\n" for i in range(20_000))
    data = ("id,text,n\n" + rows).encode("utf-8")
    src = Source("big.csv", data)
    recs = _base.read_source_records(src, skip_lines=0)
    assert src._text is None and src.encoding == "utf-8" and len(recs.frame) == 20_000
    ref = Source("big.csv", data)
    same = read_csv_records(ref.text, source=ref)
    pd.testing.assert_frame_equal(recs.frame, same.frame)
    assert recs.lines.tolist() == same.lines.tolist()


def test_utf8_check_in_arrow_accepts_exactly_what_python_decodes():
    cases = [b"", b"abc", "é😀".encode(), b"\xed\xa0\x80", b"\xc0\xaf", b"\xe0\x80\xaf", b"\xf4\x90\x80\x80",
             b"\xf5\x80\x80\x80", b"\xff", b"\xc3", b"a\xe2\x82", b"\xf0\x8f\xbf\xbf", b"\xed\x9f\xbf", b"\xee\x80\x80"]
    cases += [bytes([a, b]) for a in range(0x80, 0x100) for b in (0x41, 0x80, 0xbf, 0xc0)]
    cases += [bytes([0xe0 + a, b, 0x80]) for a in range(16) for b in range(0x80, 0xc0, 7)]
    cases += [bytes([0xf0 + a, b, 0x80, 0x80]) for a in range(8) for b in range(0x80, 0xc0, 5)]

    def py(b):
        try:
            return len(b.decode("utf-8"))
        except UnicodeDecodeError:
            return None
    got = [_base._utf8_chars(memoryview(b)) for b in cases]
    assert [c if c is None else c() for c in got] == [py(b) for b in cases]


TIMES = ["2026-03-01T09:15:00+00:00", "2026-03-01 09:15:00Z", "2026-03-01T09:15+02:00",
         "2026-03-01T09:15:00.123456-05:30", "2026-03-01", "2026", "2026-03", " 2026-03-01T09:15:00+00:00",
         "2026-03-01T09:15:00+00:00\n", "",
         "n/a", "2026-03-01T09:15:00", "2026-03-01T09:15:00 UTC", "2026-02-30T09:15:00+00:00",
         "2026-03-01T25:15:00+00:00", "٢٠٢٦-03-01T09:15:00+00:00", "2026-03-01T09:15:00z",
         "9999-03-01T09:15:00+00:00",
         "2026-03-01T09:15:00+0000", "2026-03-01T09:15:00.1234567891+00:00"]


@pytest.mark.parametrize("value", TIMES)
def test_iso_times_with_a_zone_are_recognised_only_where_the_checks_would_agree(value):
    s = pd.Series([value, "2026-03-01T09:15:00+00:00"] * 3000, dtype="string")  # per-distinct and direct
    got = _base.parse_datetime(s, tz="Europe/Berlin")
    short = s.iloc[:2]
    exact = _base.parse_datetime.__wrapped__(short, tz="Europe/Berlin")
    if _base.iso_with_zone(s):  # the shortcut's verdicts must be the checks' verdicts
        t = short.str.strip()
        assert not t.isna().any() and not t.isin(_base._NA_TOKENS).any()
        assert not t.str.match(_base._DATE_ONLY_RE).any() and not t.str.fullmatch(_base._YEAR_MONTH_RE).any()
        assert t.str.contains(_base._OFFSET_RE, regex=True).all()
    for a, b in zip(got, exact):
        pd.testing.assert_series_equal(a.iloc[:2], b, check_names=False)
    with_na = pd.Series([value, None], dtype="string")
    assert not _base.iso_with_zone(with_na) and not _base.iso_with_zone(with_na.astype(object))


def test_mostly_distinct_columns_skip_factorizing_and_give_the_same_result():
    ids = pd.Series([f"p{i}" for i in range(20_000)], dtype="string")
    counts = pd.Series([str(i % 300) for i in range(20_000)], dtype="string")
    assert _base._mostly_distinct(ids) and not _base._mostly_distinct(counts)
    assert not _base._mostly_distinct(ids.iloc[:1000])  # short: the per-distinct test decides


def test_times_checked_byte_by_byte_are_times_the_pattern_matches():
    import pyarrow as pa
    import re as _re
    cells = TIMES + ["2026-03-01T09:15:00-11:59", "2026-03-01 09:15:00+00:00", "2026-03-01T09:15:00.12Z",
                     "2026-03-01T09:15:00+00:0a", "2026/03/01T09:15:00+00:00", "2026-03-01T09:15:00+00 00"]
    for value in cells:
        for typ in (pa.string(), pa.large_string()):
            arr = pa.array(["2026-03-01T09:15:00Z", value, value], type=typ).slice(1)  # an offset into the buffers
            if B_iso(arr):
                assert _re.fullmatch(_base._ISO_ZONED_RE, value, flags=_re.ASCII), value


def B_iso(arr) -> bool:
    return _base._iso_zoned_bytes(arr)


def test_iso_times_computed_from_their_digits_equal_pandas_or_leave_the_column_to_it(monkeypatch):
    rng = np.random.default_rng(14)
    cells = ["2024-02-29T12:00:00+00:00", "2023-02-29T12:00:00+00:00", "2024-04-31T00:00:00Z",
             "2024-12-31 23:59:59-12:00",
             "2024-01-01T24:00:00Z", "2024-01-01T23:60:00Z", "2024-01-01T23:59:60Z", "1900-02-29T00:00:00Z",
             "2000-02-29T00:00:00Z", "1677-12-31T23:59:59Z", "1678-01-01T00:00:00+14:00", "2261-12-31T23:59:59-14:00",
             "2262-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "2024-00-10T00:00:00Z", "2024-13-10T00:00:00Z",
             "2024-06-00T00:00:00Z", "2024-06-15T00:00:00+15:00", "2024-06-15T00:00:00+14:60",
             "2024-06-15T00:00:00-00:00"]
    for _ in range(400):
        y, mo, d, h, mi, sec = (rng.integers(1670, 2270), rng.integers(0, 14), rng.integers(0, 33), rng.integers(0, 26),
                                rng.integers(0, 61), rng.integers(0, 62))
        sign = "+-"[rng.integers(2)]
        zone = "Z" if rng.random() < 0.3 else f"{sign}{rng.integers(0, 16):02d}:{rng.integers(0, 61):02d}"
        cells.append(f"{y:04d}-{mo:02d}-{d:02d}{'T '[rng.integers(2)]}{h:02d}:{mi:02d}:{sec:02d}{zone}")
    fast = []
    for cell in cells:
        s = pd.Series([cell, cell], dtype="string")
        got = _base._iso_zoned_times(s)
        if got is None:
            continue
        fast.append(cell)
        want = pd.to_datetime(s, errors="coerce", utc=True, format="ISO8601")
        assert want.notna().all(), cell
        assert (got.astype("datetime64[ns, UTC]") == want.astype("datetime64[ns, UTC]")).all(), cell
        assert got.dtype == "datetime64[ns, UTC]"
    assert len(fast) > 30
    # whole columns through parse_datetime: the same as with the parser (times out of range included)
    for col in (pd.Series(fast * 50, dtype="string"), pd.Series(cells * 10, dtype="string")):
        got = _base.parse_datetime(col, tz="UTC")
        with monkeypatch.context() as m:
            m.setattr(_base, "_iso_zoned_times", lambda s: None)
            want = _base.parse_datetime(col, tz="UTC")
        for a, b in zip(got, want):
            pd.testing.assert_series_equal(a, b)


def test_mostly_distinct_looks_at_a_quarter_of_a_mid_sized_column():
    """A column of 10,000 cells is judged on its first 2,500 (before: factorized whole to find it distinct)."""
    ids = pd.Series([f"p{i}" for i in range(10_000)], dtype="string")
    times = pd.Series([f"2025-01-01 00:{i % 60:02d}:00" for i in range(10_000)], dtype="string")
    assert _base._mostly_distinct(ids) and not _base._mostly_distinct(times)
    assert not _base._mostly_distinct(ids.iloc[:3999])
    for s in (ids, times):
        got = _base.parse_datetime(s, tz="UTC")
        want = _base.parse_datetime.__wrapped__(s, tz="UTC")
        for a, b in zip(got, want):
            pd.testing.assert_series_equal(a, b)
