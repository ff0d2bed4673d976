"""Meta Business Suite CSV exports: per-post (Facebook, Instagram, German UI), page-level daily, legacy."""

import re
from pathlib import Path

import pandas as pd
import pytest

from tests.io._util import assert_invariant
import toolkit as tk
from toolkit.errors import ExportFormatError

FIX = Path(__file__).parent.parent / "fixtures" / "io" / "meta"
FB = FIX / "Mar-01-2024_Mar-31-2024_1012345.csv"
IG = FIX / "Sep-01-2026_Oct-31-2026_ig.csv"


def utc(s):
    return pd.Timestamp(s, tz="UTC")


def test_facebook_posts_values_and_dst():
    ds = tk.load(FB, tz="Europe/Berlin")
    p = ds.posts.set_index("post_id")
    assert list(p.index) == ["1827720132094663", "1827720132094664", "1827720132094665"]
    assert (ds.posts.platform == "facebook").all() and (ds.posts.account == "Bäckerei Müller").all()
    # 03/31/2024 18:00 Berlin is summer time (UTC+2); 03/30 is winter time (UTC+1)
    assert p.loc["1827720132094663", "published_at"] == utc("2024-03-31 16:00")
    assert p.loc["1827720132094664", "published_at"] == utc("2024-03-30 17:00")
    assert p.loc["1827720132094665", "published_at"] == utc("2024-03-02 06:05")
    assert not ds.posts.date_only.any()
    assert p.loc["1827720132094663", "text"] == ("Frühlingsbrötchen sind zurück! 🥐 \nAb Montag in allen Filialen, "
                                                 "\"wirklich\".\n\n#Bäckerei #Frühling 👩\u200d👩\u200d👧")
    assert p.loc["1827720132094664", "text"] == "Öffnungszeiten über Ostern: Karfreitag geschlossen."  # Description
    assert list(p.media_type) == ["photo", "link", "reel"]
    # "12,400" -> 12400; blank Reach -> <NA> (not reported); 0 reactions -> 0 (reported zero)
    assert p.loc["1827720132094663", "views"] == 12400
    assert pd.isna(p.loc["1827720132094663", "reach"])
    assert pd.isna(p.loc["1827720132094665", "views"])
    assert p.loc["1827720132094664", "likes"] == 0
    row = p.loc["1827720132094663"]
    assert (row.likes, row.comments, row.shares, row.clicks, row.engagements) == (20, 3, 1, 7, 24)
    assert pd.isna(row.impressions) and pd.isna(row.saves)
    assert str(ds.posts.likes.dtype) == "Int64" and str(ds.posts.published_at.dtype) == "datetime64[ns, UTC]"
    assert "assumed Europe/Berlin" in ds.load_report.notes.iloc[0]
    assert_invariant(ds)


def test_instagram_posts():
    ds = tk.load(IG, tz="Europe/Berlin")
    p = ds.posts.set_index("post_id")
    assert (ds.posts.platform == "instagram").all() and (ds.posts.account == "baeckerei.mueller").all()
    assert p.loc["18182686576415017", "published_at"] == utc("2026-09-24 13:30")
    # 10/27/2026 is after the end of summer time (10/25): UTC+1
    assert p.loc["18182686576415018", "published_at"] == utc("2026-10-27 01:30")
    assert p.loc["18182686576415017", "views"] == 15000
    assert p.loc["18182686576415017", "text"] == "Zurück am Strand. 🤍 \nDas Rauschen des Wassers."
    assert p.loc["18182686576415018", "text"] == ""
    assert list(p.media_type) == ["carousel", "reel"]
    assert (p.loc["18182686576415018", "likes"], p.loc["18182686576415018", "saves"]) == (12, 3)
    assert pd.isna(p.loc["18182686576415018", "reach"])
    assert ds.posts.engagements.isna().all()  # Instagram reports no engagements total


def test_german_ui_instagram_export():
    ds = tk.load(FIX / "de_instagram_posts.csv", tz="Europe/Berlin")
    row = ds.posts.iloc[0]
    assert (row.platform, row.account, row.post_id) == ("instagram", "baeckerei.mueller", "18182686576415099")
    assert row.published_at == utc("2026-09-01 16:00")
    assert (row.views, row.reach, row.likes, row.shares, row.comments, row.saves) == (1234, 900, 56, 2, 7, 9)
    assert row.media_type == "carousel" and row.text == "Guten Morgen ☀️"


def test_without_tz_warns_and_assumes_utc():
    with pytest.warns(UserWarning, match="no time zone"):
        ds = tk.load(FB)
    assert ds.posts.published_at.iloc[0] == utc("2024-03-31 18:00")
    assert "assumed UTC" in ds.load_report.notes.iloc[0]


def test_older_month_impressions_unknown_column_and_overlap(tmp_path):
    ds = tk.load([FIX / "Feb-01-2024_Feb-29-2024_1012344.csv", FB], tz="Europe/Berlin")
    assert "Brand new column" in ds.load_report.notes.iloc[0]
    p = ds.posts.set_index("post_id")
    assert len(p) == 4  # 3 + 2 rows, one post in both files
    # the March file is the newer export: its metrics win; impressions, which only the older
    # February export reports, are kept rather than lost (newest non-missing value per column)
    assert p.loc["1827720132094663", "views"] == 12400
    assert p.loc["1827720132094663", "impressions"] == 9000
    assert p.loc["1827720132094600", "impressions"] == 500
    rep = ds.load_report.set_index("file")
    assert rep.loc["Feb-01-2024_Feb-29-2024_1012344.csv", "duplicates_dropped"] == 1
    assert rep.loc["Mar-01-2024_Mar-31-2024_1012345.csv", "duplicates_dropped"] == 0
    assert_invariant(ds)


def test_missing_publish_time_column():
    with pytest.raises(ExportFormatError, match=r"misses the column\(s\) \['Publish time'\].*found \['Post ID'"):
        tk.load(FIX / "broken" / "missing_publish_time_column.csv", tz="Europe/Berlin")


def test_bad_date_line_3_raises_and_rejects():
    with pytest.raises(ExportFormatError, match=r"line 3, column 'Publish time'.*'31.02.2024 09:00'"):
        tk.load(FIX / "broken" / "bad_date_line_3.csv", tz="Europe/Berlin")
    with pytest.warns(UserWarning, match="rejected 1 row"):
        ds = tk.load(FIX / "broken" / "bad_date_line_3.csv", tz="Europe/Berlin", errors="reject")
    assert list(ds.posts.post_id) == ["1827720132094664"]
    assert ds.rejected[["line", "column"]].values.tolist() == [[3, "Publish time"]]
    r = ds.load_report.iloc[0]
    assert (r.rows_read, r.rows_loaded, r.rows_rejected) == (2, 1, 1)


def test_excel_mangled_post_id_is_never_stored_and_keyed_by_the_permalink(tmp_path):
    f = FIX / "broken" / "excel_mangled_post_id.csv"
    (tmp_path / "again.csv").write_bytes(f.read_bytes())
    ds = tk.load([f, tmp_path / "again.csv"], tz="Europe/Berlin")
    assert len(ds.posts) == 1  # the same post in two files: one key, one row
    pid = ds.posts.post_id.iloc[0]
    assert re.fullmatch(r"link-[0-9a-f]{16}", pid)
    notes = ds.load_report.notes.iloc[0]
    assert "'1.82772E+15'" in notes and "1 keyed by the permalink" in notes
    assert ds.load_report.duplicates_dropped.sum() == 1


def test_page_level_daily_utf16():
    raw = (FIX / "instagram" / "Views.csv").read_bytes()
    assert raw.startswith(b"\xff\xfe")  # the fixture is UTF-16LE with BOM, as Meta writes it
    ds = tk.load(FIX / "instagram")  # the folder name tells the platform
    d = ds.daily
    assert list(d.metric) == ["views"] * 3 and (d.platform == "instagram").all()
    assert list(d.date) == list(pd.to_datetime(["2025-08-01", "2025-08-02", "2025-08-03"]))
    assert d.value.iloc[0] == 67753 and d.value.iloc[1] == 1204 and pd.isna(d.value.iloc[2])
    assert_invariant(ds)


def test_page_level_daily_without_platform_folder(tmp_path):
    f = tmp_path / "Views.csv"
    f.write_bytes((FIX / "instagram" / "Views.csv").read_bytes())
    ds = tk.load(f)
    assert (ds.daily.platform == "meta").all()
    assert "platform set to 'meta'" in ds.load_report.notes.iloc[0]


def test_page_level_daily_bad_value_line_5():
    with pytest.raises(ExportFormatError, match=r"line 5, column 'Primary'.*'zwölf'"):
        tk.load(FIX / "broken" / "bad_value_line_5_Follows.csv")


def test_legacy_post_level_export():
    f = FIX / "Facebook Insights Data Export (Post Level) - BoostedUSCTrials - 2015-10-05.csv"
    ds = tk.load(f, tz="America/Los_Angeles")
    p = ds.posts
    assert list(p.post_id) == ["951745098223517_980422845355742", "951745098223517_980422845355743"]
    assert p.account.iloc[0] == "BoostedUSCTrials"
    assert p.published_at.iloc[0] == utc("2015-10-02 04:00")  # 21:00 PDT
    assert p.published_at.iloc[1] == utc("2015-10-02 16:05")
    assert list(p.media_type) == ["photo", "text"]
    assert (p.reach.iloc[0], p.impressions.iloc[0], p.clicks.iloc[0]) == (8, 11, 16)
    r = ds.load_report.iloc[0]
    assert (r.rows_read, r.rows_loaded) == (2, 2)  # the description row is not data


# --- issue 10: German Excel re-saves, repeated columns, the platform of page-level files ---------

RESAVED = FIX / "resaved"
LEGACY_NAME = "Facebook Insights Data Export (Post Level) - Radwerk Speiche - 2016-02-01.csv"


def test_german_excel_resave_of_facebook_posts():
    f = RESAVED / "Mar-01-2024_Mar-31-2024_radwerk_de.csv"
    raw = f.read_bytes()
    assert b";" in raw.splitlines()[0] and b"1,02938E+15" in raw and "ü".encode("cp1252") in raw  # cp1252, ';'
    ds = tk.load(f, tz="Europe/Berlin")
    p = ds.posts.set_index("post_id")
    assert (ds.posts.platform == "facebook").all() and (ds.posts.account == "Radwerk Speiche").all()
    assert not ds.posts.post_id.str.contains("E+", regex=False).any()
    # the real id is back where the permalink holds it (/posts/<id>, /reel/<id>)
    real = p.loc["1029384756102938"]
    assert real.published_at == utc("2024-03-31 16:00")  # 31.03.2024 18:00 Berlin, summer time
    assert (real.views, real.reach, real.likes, real.comments, real.shares, real.clicks, real.engagements) == \
        (18450, 12004, 280, 21, 11, 95, 312)
    assert real.text == "Frühlingscheck für dein Rad ? – jetzt Termin sichern!"  # cp1252 lost the emoji
    reel = p.loc["1029384756104444"]
    assert reel.published_at == utc("2024-03-15 08:05") and pd.isna(reel.views) and reel.reach == 0
    # a pfbid permalink gives a link- key, no permalink a key- from time + text
    link = ds.posts[ds.posts.post_id.str.startswith("link-")].iloc[0]
    assert link.published_at == utc("2024-03-30 17:00") and link.views == 950  # 30.03. is still winter time
    assert link.text == "Ostern: Werkstatt geschlossen; Notdienst per Telefon"
    key = ds.posts[ds.posts.post_id.str.startswith("key-")].iloc[0]
    assert key.published_at == utc("2024-03-07 16:30") and (key.views, key.reach) == (1234, 1020)
    assert key.text == "So zentrierst du ein Laufrad ?\nTeil 1 von 3"
    notes = ds.load_report.notes.iloc[0]
    assert "numbers read in German format" in notes and "TT.MM.JJJJ" in notes
    assert ("4 post id(s) destroyed by a spreadsheet program" in notes and "2 recovered from the permalink" in notes
            and "1 keyed by the permalink" in notes and "1 keyed by publish time + text" in notes)
    assert_invariant(ds)


def test_derived_keys_are_the_same_in_another_resave_and_match_the_original_export(tmp_path):
    f = RESAVED / "Mar-01-2024_Mar-31-2024_radwerk_de.csv"
    # a later re-save of the same month: rows in another order, new metrics, Excel's other decimal look
    text = f.read_bytes().decode("cp1252").split("\r\n")
    again = [text[0]] + list(reversed([t for t in text[1:] if t]))
    later = "\r\n".join(again).replace(";950;720;", ";990;731;") + "\r\n"
    (tmp_path / "Apr-01-2024_Apr-30-2024_radwerk_de.csv").write_bytes(later.encode("cp1252"))
    alone = tk.load(f, tz="Europe/Berlin").posts
    both = tk.load([f, tmp_path / "Apr-01-2024_Apr-30-2024_radwerk_de.csv"], tz="Europe/Berlin")
    assert sorted(both.posts.post_id) == sorted(alone.post_id)  # same keys: 4 posts, not 8
    assert both.load_report.duplicates_dropped.sum() == 4
    assert both.posts.set_index("post_id").loc[alone.post_id[alone.views == 950].iloc[0], "views"] == 990
    # with Meta's own export of the month in the same load, the derived keys become the real ids
    ds = tk.load(RESAVED, tz="Europe/Berlin")
    fb = ds.posts[ds.posts.platform == "facebook"].set_index("post_id")
    assert sorted(fb.index) == ["1029384756102938", "1029384756103001", "1029384756104444", "1029384756109999"]
    assert fb.loc["1029384756109999", "text"] == "So zentrierst du ein Laufrad 🔧\nTeil 1 von 3"
    rep = ds.load_report.set_index(ds.load_report.file.str.split("/").str[-1])
    assert "2 post(s) with a derived key matched" in rep.loc["Mar-01-2024_Mar-31-2024_radwerk_de.csv", "notes"]
    assert_invariant(ds)


def test_excel_utf8_resave_of_instagram_posts_keys_by_shortcode_link():
    ds = tk.load(RESAVED / "Jan-01-2025_Jan-31-2025_ig_utf8.csv", tz="Europe/Berlin")
    p = ds.posts.sort_values("published_at")
    assert (p.platform == "instagram").all() and p.post_id.str.fullmatch(r"link-[0-9a-f]{16}").all()
    assert p.published_at.tolist() == [utc("2025-01-05 18:45"), utc("2025-01-12 11:00")]
    assert p.text.iloc[0] == "Winterpflege: Kette ölen ❄️"  # "CSV UTF-8" keeps the emoji
    assert p.views.tolist() == [2345, 10200] and p.saves.tolist() == [9, 77] and p.media_type.tolist() == ["photo", "reel"]


def test_numbers_in_both_styles_are_named_not_misread(tmp_path):
    f = tmp_path / "Mar-01-2024_Mar-31-2024_x.csv"
    f.write_bytes(("Post ID;Page name;Publish time;Views;Reach\r\n1;A;31.03.2024 18:00;18.450;1.020\r\n"
                   "2;A;30.03.2024 18:00;12,400;7\r\n").encode("cp1252"))
    with pytest.raises(ExportFormatError, match=r"line 3, column 'Views': cannot read '12,400' as a whole number "
                                                r"in German format"):
        tk.load(f, tz="Europe/Berlin")


def test_legacy_post_level_views_from_the_total_count_column():
    ds = tk.load(FIX / "legacy" / LEGACY_NAME, tz="America/Los_Angeles")
    p = ds.posts.set_index("post_id")
    video = p.loc["204060801234567_987650000000001"]
    # organic 210 + paid 35 (Total Count), not 140 + 20 (Unique Users)
    assert video.views == 245 and video.reach == 3120 and video.impressions == 5100 and video.clicks == 410
    assert video.published_at == utc("2016-01-29 02:30")  # 1/28/2016 18:30 PST
    assert pd.isna(p.loc["204060801234567_987650000000002", "views"])
    notes = ds.load_report.notes.iloc[0]
    assert ("2 columns are named 'Lifetime Organic Video Views': column 23 (unique users), column 24 (total count); "
            "read column 24 (total count)") in notes
    assert "2 columns are named 'Lifetime Organic views to 95%'" in notes and ": not read" in notes
    assert_invariant(ds)


def test_legacy_post_level_resaved_by_german_excel_reads_the_same():
    a = tk.load(FIX / "legacy" / LEGACY_NAME, tz="America/Los_Angeles").posts
    b = tk.load(FIX / "legacy" / "resaved" / LEGACY_NAME, tz="America/Los_Angeles").posts
    cols = ["post_id", "published_at", "views", "reach", "impressions", "clicks", "media_type"]
    pd.testing.assert_frame_equal(a[cols], b[cols])
    assert b.text.iloc[1] == "Öffnungszeiten im Februar"


def test_legacy_repeated_columns_without_description_row_are_not_guessed():
    ds = tk.load(FIX / "broken" / "legacy_repeated_columns_without_description_row.csv", tz="UTC")
    assert ds.posts.views.isna().all() and ds.posts.reach.tolist() == [3120, 800]
    assert "does not tell which is the total count: none read" in ds.load_report.notes.iloc[0]


def test_daily_platform_from_title_line_zip_name_or_folder():
    ds = tk.load(FIX / "daily")
    d = ds.daily.set_index(["platform", "metric", "date"]).value
    assert d[("instagram", "reach", pd.Timestamp("2025-08-01"))] == 5311  # title line "Instagram reach"
    assert d[("facebook", "follows", pd.Timestamp("2025-08-02"))] == 9     # zip facebook_page_insights_aug2025.zip
    notes = ds.load_report.set_index(ds.load_report.file.str.split("/").str[-1]).notes
    assert "from the file's title line 'Instagram reach'" in notes["Reach.csv"]
    assert "from the folder or zip name" in notes["facebook_page_insights_aug2025.zip!Follows.csv"]


def test_daily_file_resaved_by_german_excel_without_sep_line():
    raw = (RESAVED / "facebook" / "Views.csv").read_bytes()
    assert not raw.startswith(b"sep=") and raw.startswith(b"Views;")
    ds = tk.load(RESAVED / "facebook")
    d = ds.daily
    assert (d.platform == "facebook").all() and list(d.metric) == ["views"] * 3
    assert list(d.date) == list(pd.to_datetime(["2025-08-01", "2025-08-02", "2025-08-03"]))
    assert d.value.iloc[0] == 1204 and d.value.iloc[1] == 980 and pd.isna(d.value.iloc[2])


def test_repeated_header_in_a_post_export_is_resolved_and_named(tmp_path):
    f = tmp_path / "Mar-01-2024_Mar-31-2024_y.csv"
    f.write_text('\ufeff"Post ID","Page name","Publish time",Views,Reach,Views\n'
                 '1827720132094663,A,"03/31/2024 18:00",,10,"12,400"\n1827720132094664,A,"03/30/2024 18:00",,5,7\n',
                 encoding="utf-8")
    ds = tk.load(f, tz="Europe/Berlin")
    assert ds.posts.views.tolist() == [12400, 7]
    assert ("2 columns mean views: 'Views' (column 4), 'Views' (column 6); used 'Views' (column 6) (more filled "
            "cells), the other(s) not read") in ds.load_report.notes.iloc[0]


def test_ids_cut_to_15_digits_by_a_number_format_are_not_stored(tmp_path):
    # a column formatted as a number keeps 15 significant digits: 1029384756102938 -> 1029384756102930
    f = tmp_path / "Mar-01-2024_Mar-31-2024_z.csv"
    f.write_bytes(("Post ID;Page name;Publish time;Permalink;Views\r\n"
                   "1029384756102930;A;31.03.2024 18:00;https://www.facebook.com/a/posts/1029384756102938;5\r\n"
                   "1029384756103000;A;30.03.2024 18:00;https://www.facebook.com/a/posts/pfbid0xyz;6\r\n"
                   "1029384756109990;A;29.03.2024 18:00;;7\r\n").encode("cp1252"))
    ds = tk.load(f, tz="Europe/Berlin")
    ids = ds.posts.post_id.tolist()
    assert ids[0] == "1029384756102938"  # the digits are back from the permalink
    assert ids[1].startswith("link-") and ids[2].startswith("key-")
    assert "cut to 15 significant digits" in ds.load_report.notes.iloc[0]


def test_excel_unicode_text_save_is_read(tmp_path):
    # Excel's "Unicode text" save: UTF-16 with BOM, tab-separated, .txt
    f = tmp_path / "Mar-01-2024_Mar-31-2024_radwerk.txt"
    text = (RESAVED / "Mar-01-2024_Mar-31-2024_radwerk_de.csv").read_bytes().decode("cp1252")
    import csv
    import io
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    buf = io.StringIO()
    csv.writer(buf, delimiter="\t", lineterminator="\r\n").writerows(rows)
    f.write_bytes(buf.getvalue().encode("utf-16"))
    ds = tk.load(f, tz="Europe/Berlin")
    assert ds.load_report.format.tolist() == ["meta_posts_csv"]
    assert ds.posts.set_index("post_id").loc["1029384756102938", "views"] == 18450
