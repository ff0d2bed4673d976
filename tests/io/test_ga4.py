"""GA4 report/exploration downloads and Data API JSON -> the traffic table."""

import re

import pandas as pd
import pytest

import toolkit as tk
from toolkit.errors import ExportFormatError
from toolkit.schema import TRAFFIC

from ._traffic_util import FIX, parse, totals_oracle

GA4 = FIX / "ga4"


def day(s):
    return pd.Timestamp(s)


def test_channel_report_with_grand_total_and_date_section():
    p = parse(GA4 / "Traffic_acquisition_Session_primary_channel_group_(Default_Channel_Group).csv")
    assert p.format == "ga4_csv"
    t = p.tables["traffic"]
    TRAFFIC.validate(t)
    ch = t[t.breakdown == "channel"].set_index("channel")
    assert list(ch.index) == ["Organic Social", "Direct", "Organic Search", "Unassigned"]   # Grand total skipped
    assert ch.loc["Organic Social", ["sessions", "engaged_sessions", "conversions"]].tolist() == [400, 260, 12]
    assert ch.loc["Direct", "revenue"] == 400.0 and ch.loc["Unassigned", "conversions"] == 0
    assert (ch.date == day("2024-03-01")).all() and (ch.date_to == day("2024-03-03")).all()
    assert set(t.property) == {"Bergkaffee Shop - GA4"} and set(t.segment) == {"All Users"}
    assert set(t.tz) == {"Europe/Berlin"}
    daily = t[t.breakdown == "date"]
    assert daily.date.tolist() == [day("2024-03-01"), day("2024-03-02"), day("2024-03-03")]
    assert daily.sessions.tolist() == [300, 450, 250] and (daily.date == daily.date_to).all()
    assert [r["reason"] for r in p.rejected] == ["totals row (the sum of the other rows)"]
    assert p.rejected[0]["line"] == 11 and p.rejected[0]["kind"] == "skipped"


def test_german_headers_and_preamble_source_medium_split():
    p = parse(GA4 / "Traffic-Akquisition_Sitzung_Quelle_Medium.csv")
    t = p.tables["traffic"].set_index("source")
    assert t.loc["l.facebook.com", "medium"] == "referral"
    assert t.loc["instagram", ["sessions", "engaged_sessions", "users", "conversions"]].tolist() == [250, 170, 200, 11]
    assert t.loc["instagram", "revenue"] == 700.5          # "Nutzer insgesamt" wins over "Aktive Nutzer"
    assert t.loc["(not set)", "medium"] == "(not set)" and t.loc["(direct)", "medium"] == "(none)"
    assert (t.date == day("2024-03-01")).all() and (t.date_to == day("2024-03-31")).all()
    assert set(t.segment) == {"Alle Nutzer"} and set(t.breakdown) == {"source,medium"}
    assert p.rejected[0]["reason"].startswith("totals row")   # "Gesamtsumme"


def test_french_preamble_dates_and_property():
    t = parse(GA4 / "Acquisition_de_trafic_Source_support.csv").tables["traffic"]
    assert t[["source", "medium", "sessions"]].values.tolist() == [["lnkd.in", "referral", 30]]
    assert t.date.item() == day("2026-07-01") and t.date_to.item() == day("2026-07-07")
    assert t.property.item() == "Bergkaffee Boutique" and t.segment.item() == "Tous les utilisateurs"


def test_conversions_before_2024_campaign_and_ad_content_crlf():
    p = parse(GA4 / "Traffic_acquisition_Session_source_medium (4).csv")
    t = p.tables["traffic"].set_index("content")
    assert t.loc["buffer2e55e", ["source", "medium", "campaign", "conversions", "users"]].tolist() == \
        ["facebook.com", "social", "buffer", 2, 35]
    assert t.loc["271723", ["source", "medium", "campaign"]].tolist() == ["hootsuite", "twitter", "hootsuite"]
    assert t.loc["7001", "campaign"] == "8812"                       # a numeric campaign stays text
    assert set(t.breakdown) == {"source,medium,campaign,content"}
    assert len(p.rejected) == 1                                       # ",,Grand total" in the last dimension


def test_exploration_range_line_and_totals_in_last_dimension():
    p = parse(GA4 / "Free_form_1.csv")
    t = p.tables["traffic"]
    assert t[["date", "source", "medium", "sessions", "conversions"]].values.tolist() == [
        [day("2024-03-01"), "instagram.com", "referral", 10, 1], [day("2024-03-01"), "t.co", "referral", 3, 0],
        [day("2024-03-02"), "instagram.com", "referral", 10, 2]]
    assert p.rejected[0]["line"] == 8


@pytest.mark.parametrize("name, why", [
    ("User_acquisition_First_user_primary_channel_group_(Default_Channel_Group).csv", "first-user"),
    ("Events_Event_name.csv", "'Event name'")])
def test_reports_that_are_not_traffic_by_source_are_counted_as_skipped(name, why):
    p = parse(GA4 / name)
    assert p.tables["traffic"].empty
    assert p.rows_read["traffic"] == len(p.rejected) >= 2
    assert all(r["kind"] == "skipped" and why in r["reason"] for r in p.rejected)


def test_api_json_with_rows_parses_strings_by_name_and_keeps_zone_and_currency():
    p = parse(GA4 / "runreport_daily_source_medium.json")
    assert p.format == "ga4_api_json"
    t = p.tables["traffic"]
    TRAFFIC.validate(t)
    assert t[["date", "source", "medium", "campaign", "sessions", "engaged_sessions", "conversions"]].values.tolist() == [
        [day("2024-06-14"), "facebook", "social", "sommer24", 2, 1, 1],
        [day("2024-06-15"), "(direct)", "(none)", "(not set)", 7, 3, 0]]
    assert t.revenue.tolist() == [19.9, 0.0] and set(t.currency) == {"EUR"} and set(t.tz) == {"Europe/Berlin"}


def test_api_json_without_rows_is_an_empty_report_in_its_zone():
    p = parse(GA4 / "runreport_without_rows.json", tz=None)
    assert p.tables["traffic"].empty and p.rows_read["traffic"] == 0
    assert any("no 'rows'" in n for n in p.notes)


def test_broken_files_name_line_column_and_remedy():
    with pytest.raises(ExportFormatError, match=r"line 12, column 'Sessions': cannot read 'zwölf'"):
        parse(GA4 / "broken" / "bad_sessions_line_12.csv")
    with pytest.raises(ExportFormatError, match=r"line 12, column 'Date': cannot read '31.03.2024' as a day like 20240312"):
        parse(GA4 / "broken" / "bad_date_line_12.csv")
    with pytest.raises(ExportFormatError, match="no table.*Download the report again"):
        parse(GA4 / "broken" / "preamble_only_cut_off.csv")
    with pytest.raises(ExportFormatError, match="row 2: 1 dimension and 1 metric values"):
        parse(GA4 / "broken" / "runreport_row_2_missing_metric.json")


def test_reject_mode_keeps_the_good_rows_and_lists_the_bad_one():
    p = parse(GA4 / "broken" / "bad_sessions_line_12.csv", errors="reject")
    assert p.tables["traffic"].source.tolist() == ["facebook"]
    bad = [r for r in p.rejected if r.get("kind") != "skipped"]
    assert bad == [{"table": "traffic", "line": 12, "column": "Sessions", "reason": "cannot read 'zwölf' as a number"}]


def test_totals_row_that_does_not_add_up_is_noted(tmp_path):
    text = (GA4 / "Traffic-Akquisition_Sitzung_Quelle_Medium.csv").read_text(encoding="utf-8")
    f = tmp_path / "ga4_totals_mismatch.csv"
    f.write_text(text.replace("Gesamtsumme,900", "Gesamtsumme,1900"), encoding="utf-8")
    p = parse(f)
    assert any("totals row says 1,900 sessions, the rows add up to 900" in n for n in p.notes)


def test_decimal_comma_resave_is_read_as_german_numbers(tmp_path):
    text = (GA4 / "Traffic-Akquisition_Sitzung_Quelle_Medium.csv").read_text(encoding="utf-8")
    text = text.replace(",1500.5", ",\"1.500,5\"").replace(",700.5", ",\"700,5\"")
    f = tmp_path / "excel_resaved.csv"
    f.write_text(text, encoding="utf-8")
    t = parse(f).tables["traffic"].set_index("source")
    assert t.loc["instagram", "revenue"] == 700.5 and t.loc["l.facebook.com", "revenue"] == 450.0


def test_german_exploration_tsv_in_utf16():
    f = GA4 / "Freies_Format_1.tsv"
    assert f.read_bytes()[:2] == b"\xff\xfe"
    p = parse(f)
    t = p.tables["traffic"]
    assert t[["date", "source", "medium", "campaign", "sessions", "engaged_sessions", "conversions"]].values.tolist() == [
        [day("2024-03-01"), "facebook", "social", "fruehling24", 12, 8, 2],
        [day("2024-03-02"), "(direct)", "(none)", "(direct)", 7, 4, 0]]
    assert set(t.breakdown) == {"date,source,medium,campaign"} and p.rejected[0]["line"] == 8


def test_batch_run_reports_and_unknown_api_dimension(tmp_path):
    import json
    one = json.loads((GA4 / "runreport_daily_source_medium.json").read_text(encoding="utf-8"))
    device = {"dimensionHeaders": [{"name": "deviceCategory"}], "metricHeaders": [{"name": "sessions"}],
              "rows": [{"dimensionValues": [{"value": "mobile"}], "metricValues": [{"value": "5"}]}]}
    f = tmp_path / "batch.json"
    f.write_text(json.dumps({"reports": [one, device]}), encoding="utf-8")
    p = parse(f)
    assert len(p.tables["traffic"]) == 2 and p.rows_read["traffic"] == 3
    assert p.rejected[0]["kind"] == "skipped" and "deviceCategory" in p.rejected[0]["reason"]


def test_folder_load_counts_every_row_and_a_repeated_download_as_duplicates(tmp_path):
    import shutil
    import warnings

    import toolkit as tk

    src = GA4 / "Traffic-Akquisition_Sitzung_Quelle_Medium.csv"
    shutil.copy(src, tmp_path / src.name)
    shutil.copy(src, tmp_path / (src.stem + " (1).csv"))           # the browser's name for a second download
    shutil.copy(GA4 / "Events_Event_name.csv", tmp_path / "Events_Event_name.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("error")                              # skipped rows are not "unreadable"
        ds = tk.load(tmp_path, tz="Europe/Berlin")
    r = ds.load_report[ds.load_report.table == "traffic"].set_index("file")
    assert (r.rows_read == r.rows_loaded + r.duplicates_dropped + r.rows_rejected).all()
    assert r.rows_read.sum() == 5 + 5 + 3 and r.rows_loaded.sum() == 4
    assert r.duplicates_dropped.sum() == 4 and r.rows_rejected.sum() == 1 + 1 + 3


def test_a_stray_blank_line_inside_a_section_does_not_start_a_new_table(tmp_path):
    text = (GA4 / "Traffic_acquisition_Session_primary_channel_group_(Default_Channel_Group).csv").read_text()
    f = tmp_path / "blank_line_inside_a_section.csv"
    f.write_text(text.replace("Date,Sessions\n", "Date,Sessions\n\t\n").replace("Organic Social,", "\nOrganic Social,"),
                 encoding="utf-8")
    t = parse(f).tables["traffic"]
    assert t[t.breakdown == "date"].sessions.tolist() == [300, 450, 250]
    assert t[t.breakdown == "channel"].sessions.tolist() == [400, 350, 200, 50]


@pytest.mark.parametrize("key, value", [("dimensionHeaders", '["date", {"name": "sessionSource"}]'),
                                        ("metricHeaders", '"sessions"'), ("metadata", '"Europe/Vienna"')])
def test_api_json_with_headers_of_the_wrong_shape_names_the_key(tmp_path, key, value):
    # found by the loader probe corpus: a header that is a string, not {"name": ...}, made the
    # loader fail with AttributeError instead of saying what is wrong with the file
    body = {"dimensionHeaders": '[{"name": "date"}, {"name": "sessionSource"}]',
            "metricHeaders": '[{"name": "sessions", "type": "TYPE_INTEGER"}]',
            "metadata": '{"timeZone": "Europe/Vienna"}'}
    body[key] = value
    f = tmp_path / "runreport.json"
    f.write_text("{" + ", ".join(f'"{k}": {v}' for k, v in body.items()) + ', "kind": "analyticsData#runReport"}',
                 encoding="utf-8")
    with pytest.raises(ExportFormatError, match=rf"runreport.json: report 0, {key}\b.*expected") as err:
        tk.load(f)
    assert not getattr(err.value, "internal", False)


def test_api_json_row_of_the_wrong_shape_names_the_row(tmp_path):
    f = tmp_path / "runreport.json"
    f.write_text('{"dimensionHeaders": [{"name": "date"}], "metricHeaders": [{"name": "sessions"}], '
                 '"metadata": {"timeZone": "Europe/Vienna"}, "kind": "analyticsData#runReport", "rows": ['
                 '{"dimensionValues": [{"value": "20260501"}], "metricValues": [{"value": "3"}]}, '
                 '{"dimensionValues": ["20260502"], "metricValues": [{"value": "4"}]}]}', encoding="utf-8")
    with pytest.raises(ExportFormatError, match=r"runreport.json: report 0, row 2: expected a row like"):
        tk.load(f)


@pytest.mark.parametrize("value", ["ga4", "Traffic_acquisition_Session_source_medium (12).csv", "", None])
@pytest.mark.parametrize("n", [0, 1, 8191, 8192, 8193, 30000])
def test_constant_column_equals_a_column_of_the_value_and_shares_one_block(value, n):
    from toolkit.io._traffic import constant
    got = constant(value, n, pd.RangeIndex(n))
    want = pd.Series(pd.NA if value is None else value, index=pd.RangeIndex(n), dtype="string")
    pd.testing.assert_series_equal(got, want, check_exact=True)
    both = pd.concat([got, got], ignore_index=True)  # what load() does with the files' frames
    pd.testing.assert_series_equal(both, pd.concat([want, want], ignore_index=True), check_exact=True)
    if n > 8192 and got.dtype.storage == "pyarrow":
        buffers = {b.address for ch in got.array._pa_array.chunks for b in ch.buffers() if b is not None}
        assert len(buffers) <= 3  # validity, offsets and characters of one block, whatever n is


def test_currency_found_by_arrow_is_the_one_str_extract_finds_first():
    import re

    from toolkit.io._traffic import _CURRENCY_RE, _first_currency
    cells = [None, "", "12.50", "x", "uſ$ 3", "12 EUR", "£0.00", "eur 4", "Fr. 5", "1 200 usd", "CHF 1", "Gbp 2"]
    for k in range(len(cells)):
        s = pd.Series(cells[k:] + cells[:k], dtype="string")
        sym = s.str.extract(f"({_CURRENCY_RE.pattern})", flags=re.I)[0]
        assert _first_currency(s) == (sym.dropna().iloc[0] if sym.notna().any() else None)
    assert _first_currency(pd.Series([None, "1.00"], dtype="string")) is None


def _sections_by_line(lines: list[str]) -> tuple[list[str], list[tuple[list[str], int, int]]]:
    """``_sections`` walking every line: the plain reference the fast version must equal."""
    from toolkit.io._report_download import _is_data_row

    out, comments, preamble = [], [], []
    i, n = 0, len(lines)
    while i < n:
        s = lines[i].lstrip("\ufeff").strip()
        if s.startswith("#"):
            comments.append(s)
            i += 1
            continue
        if not s:
            i += 1
            continue
        j = i
        while j < n and lines[j].strip() and not lines[j].lstrip().startswith("#"):
            j += 1
        if not out:
            preamble = comments
        if out and not comments and _is_data_row(lines[i]):
            out[-1] = (out[-1][0], out[-1][1], j)  # rows after a stray blank line continue the table above
        else:
            out.append((comments, i, j))
        comments = []
        i = j
    return preamble, out


def test_sections_found_from_the_few_odd_lines_equal_a_walk_over_every_line():
    import random
    import sys

    from toolkit.io._report_download import _ODD_FIRST, _sections
    assert {c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()} <= _ODD_FIRST
    pieces = ["# ----", "# Start date: 20240301", "#", " # indented comment", "\ufeff# bom comment", "\ufeff",
              "", " ", "\t", "\u00a0", "Date,Sessions", "20240301,3", ",,5", " 20240302,4", "\ufeffx,1", "a,b",
              "Grand total,9", "\u2003row", "x\u2028y", "\x1cz", "#x,1", "  ", "1 200,3"]
    rng = random.Random(7)
    for _ in range(3000):
        text = "\n".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        lines = text.splitlines()
        assert _sections(lines) == _sections_by_line(lines), text


def test_source_medium_split_by_arrow_equals_the_python_regex():
    import random

    from toolkit.io._traffic import _label, _source_medium
    vals = ["google / organic", "(not set)", "a - b", "a/b/c", "x - y - z", " / ", "a\n/b", "ü / ß", "a -b", "a- b",
            "/x", "x/", "", None, "a  /  b", "a\u00a0/\u00a0b", "a\x1c/b", "a\n- b", "a -\nb", "a\x85-\x85b",
            "a / b\n", "a/\n", "a\u2028/ b", "- / -", "a - / b", "a\t-\tb", "a\u3000-\u3000b", "--", " - "]
    rng = random.Random(11)
    vals += ["".join(rng.choice(["a", " ", "/", "-", "\n", "\u00a0", "ü", "(", "x"]) for _ in range(rng.randint(0, 7)))
             for _ in range(2000)]
    sm = _label.__wrapped__(pd.Series(vals, dtype="string"))
    _assert_source_medium_like_python_re(sm, _source_medium.__wrapped__(sm))


def _assert_source_medium_like_python_re(sm, got):
    """``got`` (source, medium) equals the pattern run by Python's ``re`` cell by cell ("(not set)" alone: both)."""
    want = sm.str.extract(r"^(.*?)\s*(?:/|\s-\s)\s*([^/]*)$")
    odd = sm.notna() & want[0].isna()
    want.loc[odd, 0] = sm[odd]
    want.loc[odd, 1] = sm[odd]
    pd.testing.assert_series_equal(got[0], want[0].astype("string").str.strip(), check_exact=True)
    pd.testing.assert_series_equal(got[1], want[1].astype("string").str.strip(), check_exact=True)


def test_labels_unguarded_only_where_a_quote_starts_the_cell_equal_the_regex_on_every_cell():
    from toolkit.io._traffic import _label
    vals = ["'=cmd", "'+1", "'-x", "'@a", "''=x", "'a", "a'=b", " '=x ", "'", "", None, "x", "  ", "'\u00a0=y",
            "\ufeff'=z"]
    s = pd.Series(vals * 3, dtype="string")
    t = s.str.strip().str.replace(r"^'(?=[=+\-@])", "", regex=True)
    pd.testing.assert_series_equal(_label.__wrapped__(s), t.mask(t == ""), check_exact=True)


def test_totals_rows_found_per_distinct_cell_equal_a_check_of_every_stripped_cell():
    import numpy as np

    from toolkit.io._traffic import totals_mask
    cells = ["Grand total", " grand total ", "\ufeffGesamtsumme", "Totals", "TOTAL", "Total général", "", "  ", None,
             "google / organic", "totally", "20240301", "Summe", "insgesamt ", "(not set)"]
    rng = np.random.default_rng(2)
    raw = pd.DataFrame({"a": rng.choice(np.array(cells, dtype=object), 3000),
                        "b": rng.choice(np.array(cells, dtype=object), 3000)}).astype("string")
    assert totals_mask(raw, ["a", "b"]).to_numpy().tolist() == totals_oracle(raw, ["a", "b"])


def test_plain_source_medium_cells_split_without_the_regex_equal_the_python_regex():
    import random

    from toolkit.io._traffic import _PLAIN_SOURCE_MEDIUM, _label, _source_medium
    rng = random.Random(4)
    parts = ["google", "(direct)", "(none)", "organic", "t.co", "a-b", "ü", "x\u200by", "-", "'=x", "a\\b", "(not_set)"]
    vals = [f"{rng.choice(parts)} / {rng.choice(parts)}" for _ in range(3000)] + [None, " google / cpc "]
    near = ["a / b / c", "a  / b", "a /b", "a\u00a0/ b", "a / b\n", "(not set)", "a - b", "a / -"]
    for extra in ([], near):  # every cell plain (split), and some not (those by the regex)
        sm = _label.__wrapped__(pd.Series(vals + extra, dtype="string"))
        if sm.dtype.storage == "pyarrow":
            plain = sm.str.fullmatch(_PLAIN_SOURCE_MEDIUM).fillna(True)
            assert plain.all() == (not extra)
        _assert_source_medium_like_python_re(sm, _source_medium.__wrapped__(sm))


@pytest.mark.parametrize("cell", ["1e30", "inf", "9007199254740993"])
def test_a_count_too_large_for_the_table_is_a_bad_cell_with_its_line(tmp_path, cell):
    # such a cell became -9223372036854775808 (an overflow) and was reported without its line
    src = (FIX / "ga4" / "Acquisition_de_trafic_Source_support.csv").read_text(encoding="utf-8")
    (tmp_path / "a.csv").write_text(src.replace("lnkd.in / referral,30,20,2", f"lnkd.in / referral,{cell},20,2"),
                                    encoding="utf-8")
    import toolkit as tk
    with pytest.raises(ExportFormatError, match=rf"line 12, column 'Sessions'.*{re.escape(cell)}"):
        tk.load(tmp_path / "a.csv", progress=False)
    ds = tk.load(tmp_path / "a.csv", errors="reject", progress=False)
    bad = ds.rejected[ds.rejected.kind == "invalid"]
    assert bad.line.tolist() == [12] and "-9223372036854775808" not in " ".join(bad.reason)
