"""Matomo report exports (UTF-16 CSV/TSV, translated or raw headers), API JSON and Visits Log -> traffic."""

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import ExportFormatError
from toolkit.io._traffic import parse_number
from toolkit.io.matomo import period_from_name
from toolkit.schema import TRAFFIC

from ._traffic_util import FIX, parse

MT = FIX / "matomo"


def test_german_campaign_export_utf16_with_goals_and_formula_guard():
    f = MT / "Export _ Kampagnen _ März 2024.csv"
    assert f.read_bytes()[:2] == b"\xff\xfe" and not f.read_bytes().endswith(b"\n\x00")
    p = parse(f)
    assert p.format == "matomo_csv"
    t = p.tables["traffic"].set_index("campaign")
    TRAFFIC.validate(p.tables["traffic"])
    assert list(t.index) == ["fruehling24", "facebook", "-rabatt"]       # leading "'" guard removed
    assert t.loc["fruehling24", ["sessions", "users", "bounces", "conversions"]].tolist() == [45, 40, 15, 6]
    assert t.loc["-rabatt", "revenue"] == 12.25
    assert (t.date == pd.Timestamp("2024-03-01")).all() and (t.date_to == pd.Timestamp("2024-03-31")).all()
    assert set(t.breakdown) == {"campaign"} and t.engaged_sessions.isna().all()


def test_tsv_channel_types_in_german():
    t = parse(MT / "Export _ Kanaltyp _ März 2024 (1).csv").tables["traffic"].set_index("channel")
    assert t.loc["Soziale Netzwerke", ["sessions", "bounces", "conversions"]].tolist() == [160, 40, 9]
    assert t.loc["Direkte Zugriffe", "revenue"] == 80.5


def test_api_csv_raw_names_several_days_goal_columns_summed():
    p = parse(MT / "piwik-report-export.csv")
    t = p.tables["traffic"]
    assert t[["date", "source", "sessions", "conversions"]].values.tolist() == [
        [pd.Timestamp("2024-03-11"), "Facebook", 12, 3], [pd.Timestamp("2024-03-11"), "Instagram", 4, 0],
        [pd.Timestamp("2024-03-12"), "XING", 2, 1]]
    assert any("sum of the goal columns" in n for n in p.notes)


def test_weekly_periods_in_one_cell():
    t = parse(MT / "Export _ Social Networks _ week.csv").tables["traffic"]
    assert t[["date", "date_to", "sessions", "users"]].values.tolist() == [
        [pd.Timestamp("2024-03-11"), pd.Timestamp("2024-03-17"), 70, 60],
        [pd.Timestamp("2024-03-18"), pd.Timestamp("2024-03-24"), 50, 41]]


def test_no_data_available_is_an_empty_report():
    p = parse(MT / "Export _ Webseiten _ Februar 2024.csv")
    assert p.tables["traffic"].empty and p.rows_read["traffic"] == 0


def test_api_json_source_medium_and_dates():
    t = parse(MT / "MarketingCampaignsReporting.getSourceMedium_day.json").tables["traffic"]
    assert t[["source", "medium", "sessions", "conversions"]].values.tolist() == [
        ["facebook", "social", 15, 2], ["newsletter", "email", 3, 0]]
    assert t.revenue.tolist() == [19.9, 0.0] and t.date.isna().all()     # the period is not in the file
    d = parse(MT / "Referrers.getCampaigns_last3.json").tables["traffic"]
    assert d[["date", "campaign", "sessions"]].values.tolist() == [
        [pd.Timestamp("2024-03-11"), "fruehling24", 7], [pd.Timestamp("2024-03-12"), "fruehling24", 5]]


def test_visits_log_csv_adds_up_visits_per_local_day_with_campaign_fields():
    p = parse(MT / "Export _ Besucher-Log _ 12. März 2024.csv")
    assert p.format == "matomo_visits_log"
    t = p.tables["traffic"].set_index("channel")
    row = t.loc["campaign"]
    assert [row.source, row.medium, row.campaign, row.content] == ["facebook", "social", "fruehling24", "post-0312"]
    assert [row.sessions, row.users, row.bounces, row.conversions, row.revenue] == [3, 2, 1, 1, 19.9]
    assert t.loc["social", "date"] == pd.Timestamp("2024-03-13")       # 23:00 UTC is after midnight in Berlin
    assert t.loc["social", "source"] == "Instagram" and set(t.property) == {"Bergkaffee"}
    assert any("5 visit(s) added up into 3" in n for n in p.notes)


def test_visits_log_json_core_matomo_landing_page():
    t = parse(MT / "Live.getLastVisitsDetails.json").tables["traffic"].set_index("channel")
    assert t.loc["campaign", "campaign"] == "fruehling24" and pd.isna(t.loc["campaign", "source"])
    assert t.loc["campaign", "landing_page"] == "https://bergkaffee.example/fruehling?mtm_campaign=Fruehling24"
    assert t.loc["social", "source"] == "LinkedIn"


def test_percentages_with_no_break_space_and_decimal_comma():
    vals, bad = parse_number(pd.Series(["66,67\u00a0%", "100\u00a0%", "25 %", "1.234,5"]), decimal=",")
    assert [round(v, 4) for v in vals] == [0.6667, 1.0, 0.25, 1234.5] and not bad.any()


def test_period_from_the_file_name():
    assert period_from_name("Export _ Kampagnen _ März 2024.csv") == (pd.Timestamp("2024-03-01"), pd.Timestamp("2024-03-31"))
    assert period_from_name("Export _ Campaigns _ March 2024 (1).csv")[1] == pd.Timestamp("2024-03-31")
    assert period_from_name("Export _ Besucher-Log _ 12. März 2024.csv") == (pd.Timestamp("2024-03-12"),) * 2
    assert period_from_name("piwik-report-export.csv") == (None, None)


def test_broken_and_unplaceable_reports():
    with pytest.raises(ExportFormatError, match=r"line 3, column 'Besuche': cannot read 'neun'"):
        parse(MT / "broken" / "Export _ Kampagnen _ März 2024 bad_visits_line_3.csv")
    with pytest.raises(ExportFormatError, match=r"line 2, column 'firstActionTimestamp': cannot read 'gestern'"):
        parse(MT / "broken" / "visits_log_bad_timestamp_line_2.csv")
    p = parse(MT / "broken" / "Export _ Bericht _ unknown_report_label.csv")
    assert p.tables["traffic"].empty and len(p.rejected) == 2
    assert "cannot tell which Matomo report" in p.rejected[0]["reason"]


def test_visits_log_reject_mode_counts_the_bad_visit():
    p = parse(MT / "broken" / "visits_log_bad_timestamp_line_2.csv", errors="reject")
    assert p.tables["traffic"].sessions.tolist() == [1]
    assert p.rows_read["traffic"] == 2 and len(p.rejected) == 1


@pytest.mark.parametrize("dtype", ["string", "str"])
@pytest.mark.parametrize("cells", [["1721582073", "0", "007", "123456789012345678"], ["1", "-1"], ["1", "+1"],
                                   ["1", " 1"], ["1", "1.5"], ["1", ""], ["1", None], ["1", "1e3"], ["٣", "1"],
                                   ["1234567890123456789", "1"], ["99999999999999999999"], []])
def test_visits_log_numbers_cast_by_arrow_equal_to_numeric(dtype, cells):
    from toolkit.io.matomo import _numeric
    s = pd.Series(cells, dtype=dtype, name="actions", index=pd.RangeIndex(3, 3 + len(cells)))
    pd.testing.assert_series_equal(_numeric(s), pd.to_numeric(s, errors="coerce"), check_exact=True)


@pytest.mark.parametrize("na_value", [pd.NA, np.nan])
def test_visits_log_numbers_read_per_distinct_cell_equal_to_numeric_of_every_cell(na_value):
    from toolkit.io.matomo import _numeric
    rng = np.random.default_rng(8)
    pools = [["0", "1", "12", "3"], ["38.31", "0", "19.21", "", None], ["1721582073", "1727696897"],
             ["1e3", "-2", " 4", "x", "0x10", "1_000", "inf"], ["5", None], [None], ["12.50", "7"]]
    for pool in pools:
        for n in (10, 5000):
            s = pd.Series(rng.choice(np.array(pool, dtype=object), n), dtype=pd.StringDtype(na_value=na_value),
                          name="totalEcommerceRevenue")
            pd.testing.assert_series_equal(_numeric(s), pd.to_numeric(s, errors="coerce"), check_exact=True)


_VISIT_HEADER = ("idSite,idVisit,visitorId,goalConversions,siteCurrency,siteName,firstActionTimestamp,actions,"
                 "referrerType,referrerName,campaignSource,campaignMedium,totalEcommerceRevenue")


def _visit_rows(n: int) -> list[str]:
    """n visits over three days by seven visitors, four referrers; some visits report no revenue."""
    refs = [("campaign", "fruehling24", "facebook", "social"), ("social", "Instagram", "", ""),
            ("search", "Google", "", ""), ("direct", "", "", "")]
    out = []
    for i in range(n):
        kind, name, src, med = refs[i % 4]
        rev = "" if i % 3 == 0 else f"{(i % 5) * 2.5:.2f}"
        out.append(f"1,{1000 + i},v{i % 7:02d},{i % 2},EUR,Bergkaffee,{1710230000 + i * 5400},{1 + i % 3},"
                   f"{kind},{name},{src},{med},{rev}")
    return out


def _write(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([_VISIT_HEADER, *rows]) + "\n", encoding="utf-8")


def test_visits_log_split_over_files_adds_up_every_visit_once(tmp_path):
    import toolkit as tk
    rows = _visit_rows(90)
    _write(tmp_path / "whole" / "visits.csv", rows)
    # pages of an export, the second overlapping the first by ten visits (exported twice)
    _write(tmp_path / "pages" / "visits_1.csv", rows[:40])
    _write(tmp_path / "pages" / "visits_2.csv", rows[30:70])
    _write(tmp_path / "pages" / "visits_3.csv", rows[70:])
    one = tk.load(tmp_path / "whole", tz="Europe/Berlin", progress=False)
    many = tk.load(tmp_path / "pages", tz="Europe/Berlin", progress=False)
    cols = [c for c in TRAFFIC.names if c != "source_file"]
    key = list(TRAFFIC.key)
    a = one.traffic[cols].sort_values(key).reset_index(drop=True)
    b = many.traffic[cols].sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(b, a)  # sessions, distinct users across files, bounces, conversions, revenue
    assert many.traffic.sessions.sum() == 90
    r = many.load_report
    assert (r.rows_read == r.rows_loaded + r.duplicates_dropped + r.rows_rejected).all()
    assert r.rows_loaded.sum() == len(many.traffic)
    assert "10 visit(s) in more than one file counted once" in r.notes.iloc[0]
    # a row is attributed to the last file holding one of its visits
    last = {f"visits_{k}.csv": k for k in (1, 2, 3)}
    assert many.traffic.source_file.map(lambda f: last[f.rsplit("/", 1)[-1]]).ge(1).all()


def test_visits_log_files_of_other_zones_or_columns_are_not_added_up_together(tmp_path):
    import toolkit as tk
    rows = _visit_rows(20)
    _write(tmp_path / "a" / "visits_1.csv", rows[:10])
    no_actions = [_VISIT_HEADER.replace(",actions", "")] + [",".join(r.split(",")[:7] + r.split(",")[8:])
                                                             for r in rows[10:]]
    (tmp_path / "a" / "visits_2.csv").write_text("\n".join(no_actions) + "\n", encoding="utf-8")
    ds = tk.load(tmp_path / "a", tz="Europe/Berlin", progress=False)
    assert ds.traffic.sessions.sum() <= 20
    assert not any("added up together" in n for n in ds.load_report.notes)


def test_visits_logs_of_two_sites_with_the_same_visit_ids_count_each_site_s_visits(tmp_path):
    # a visit counts once per site: the same idVisit in another site's file (another Matomo) is another visit
    import toolkit as tk
    rows = _visit_rows(40)
    other = [r.replace(",Bergkaffee,", ",Talkaffee,").replace(",v0", ",w0") for r in rows[:20]]  # same idVisit
    _write(tmp_path / "visits_1.csv", rows[:25])
    _write(tmp_path / "visits_2.csv", rows[20:])  # 5 visits of the first site in both files
    _write(tmp_path / "visits_3.csv", other)
    ds = tk.load(tmp_path, tz="Europe/Berlin", progress=False)
    t = ds.traffic
    assert t.groupby("property").sessions.sum().to_dict() == {"Bergkaffee": 40, "Talkaffee": 20}
    assert "5 visit(s) in more than one file counted once" in ds.load_report.notes.iloc[0]


def test_visits_log_of_several_sites_keeps_each_site_apart(tmp_path):
    # an export with idSite=all: every visit was put under the first site's name
    import toolkit as tk
    rows = _visit_rows(40)
    other = [r.replace("1,", "2,", 1).replace("EUR,Bergkaffee", "CHF,Bergtee") for r in rows[20:]]
    _write(tmp_path / "one" / "visits.csv", rows[:20] + other)
    _write(tmp_path / "pages" / "visits_1.csv", rows[:10] + other[:12])
    _write(tmp_path / "pages" / "visits_2.csv", rows[10:20] + other[8:])
    for folder in ("one", "pages"):
        t = tk.load(tmp_path / folder, tz="Europe/Berlin", progress=False).traffic
        by_site = t.groupby("property")["sessions"].sum().to_dict()
        assert by_site == {"Bergkaffee": 20, "Bergtee": 20}, folder
        assert {p: set(c.dropna()) for p, c in t.groupby("property")["currency"]} == \
            {"Bergkaffee": {"EUR"}, "Bergtee": {"CHF"}}
