"""tk.report.summary (toolkit/_summary.py): periods, KPIs against the period before, findings, tiles (#16.1, #16.2, #16.9).

Small datasets are built as canonical tables with figures worked out by hand in the test; the
findings are checked on the samples against the toolkit functions they come from.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

import toolkit as tk
from toolkit._summary import _fmt, parse_period
from toolkit.errors import ParameterError
from toolkit.io import Dataset

TZ = "Europe/Berlin"


# ----------------------------------------------------------------------------------------------
# building small datasets


def _posts(rows) -> pd.DataFrame:
    """rows: (platform, local time 'YYYY-MM-DD HH:MM', likes, comments, reach or None, impressions or None)."""
    frame = pd.DataFrame({
        "platform": [r[0] for r in rows], "account": "acme", "post_id": [f"p{i}" for i in range(len(rows))],
        "published_at": pd.to_datetime([r[1] for r in rows]).tz_localize(TZ).tz_convert("UTC"),
        "text": [f"post number {i}" for i in range(len(rows))], "media_type": "photo",
        "permalink": [f"https://example.org/p{i}" for i in range(len(rows))],
        "likes": pd.array([r[2] for r in rows], dtype="Int64"), "comments": pd.array([r[3] for r in rows], dtype="Int64"),
        "reach": pd.array([r[4] for r in rows], dtype="Int64"),
        "impressions": pd.array([r[5] for r in rows], dtype="Int64"), "source_file": "posts.csv"})
    return tk.schema.POSTS.conform(frame)


def _comments(rows) -> pd.DataFrame:
    """rows: (comment_id, parent_id or None, is_owner, local time, text)."""
    frame = pd.DataFrame({
        "platform": "instagram", "account": "acme", "post_id": "p0", "comment_id": [r[0] for r in rows],
        "parent_id": pd.array([r[1] for r in rows], dtype="string"), "author": ["acme" if r[2] else "fan" for r in rows],
        "is_owner": [r[2] for r in rows],
        "published_at": pd.to_datetime([r[3] for r in rows], format="mixed").tz_localize(TZ).tz_convert("UTC"),
        "text": [r[4] for r in rows], "source_file": "comments.csv"})
    return tk.schema.COMMENTS.conform(frame)


def _dataset(posts=None, comments=None) -> Dataset:
    posts = posts if posts is not None else tk.schema.POSTS.empty()
    comments = comments if comments is not None else tk.schema.COMMENTS.empty()
    report = pd.DataFrame({"file": ["posts.csv"], "format": ["generic"], "table": ["posts"], "rows_read": [len(posts)],
                           "rows_loaded": [len(posts)], "duplicates_dropped": [0], "rows_rejected": [0], "notes": [""]})
    return Dataset(posts=posts, comments=comments, daily=tk.schema.DAILY.empty(), load_report=report, tz=TZ)


def _two_months(reach: bool = True) -> pd.DataFrame:
    # July: 3 posts, August: 4 posts (one on Aug 1st 00:30 local = July 31st 22:30 UTC: counts for August)
    r = (lambda v: v) if reach else (lambda v: None)
    return _posts([
        ("instagram", "2026-07-02 10:00", 10, 2, r(100), None),
        ("instagram", "2026-07-15 10:00", 20, 0, r(400), None),
        ("instagram", "2026-07-31 23:30", 5, 1, r(100), None),
        ("instagram", "2026-08-01 00:30", 30, 0, r(200), None),
        ("instagram", "2026-08-10 10:00", 8, 2, r(100), None),
        ("instagram", "2026-08-20 10:00", 12, 0, r(300), None),
        ("instagram", "2026-08-31 23:00", 0, 0, r(400), None),
    ])


def _kpi(s, name):
    return next(k for k in s["kpis"] if k["name"] == name)


# ----------------------------------------------------------------------------------------------
# periods


def test_period_strings():
    cur, prev = parse_period("2026-08", tz=TZ)
    assert (cur.label, str(cur.start), str(cur.end)) == ("August 2026", "2026-08-01 00:00:00+02:00",
                                                         "2026-09-01 00:00:00+02:00")
    assert prev.label == "July 2026"
    cur, prev = parse_period("2026-01", tz=TZ)
    assert (prev.spec, str(prev.start)) == ("2025-12", "2025-12-01 00:00:00+01:00")
    cur, prev = parse_period("2026-q1", tz=TZ)
    assert (cur.label, prev.label, str(cur.end.date()), str(prev.start.date())) == ("Q1 2026", "Q4 2025",
                                                                                     "2026-04-01", "2025-10-01")
    cur, prev = parse_period("2026-Q3", tz=TZ)
    assert (str(cur.start.date()), str(cur.end.date()), prev.label) == ("2026-07-01", "2026-10-01", "Q2 2026")
    cur, prev = parse_period("last-28d", tz=TZ, last_day=pd.Timestamp("2026-09-02"))
    assert (str(cur.start.date()), str(cur.last_day.date())) == ("2026-08-06", "2026-09-02")
    assert (str(prev.start.date()), str(prev.last_day.date())) == ("2026-07-09", "2026-08-05")
    cur, prev = parse_period("2025", tz=TZ)
    assert (cur.label, prev.label) == ("2025", "2024")


def test_default_period_is_the_last_full_month_in_the_data():
    # data to the last day of August: August; data into September: still August (September is not full)
    assert parse_period(None, tz=TZ, last_day=pd.Timestamp("2026-08-31"))[0].label == "August 2026"
    cur, prev = parse_period(None, tz=TZ, last_day=pd.Timestamp("2026-09-02"), first_day=pd.Timestamp("2026-03-01"))
    assert (cur.label, prev.label) == ("August 2026", "July 2026")
    # data inside one month only: that month (the only one with data), against the month before
    cur, prev = parse_period(None, tz=TZ, last_day=pd.Timestamp("2026-08-20"), first_day=pd.Timestamp("2026-08-03"))
    assert (cur.label, prev.label) == ("August 2026", "July 2026")


@pytest.mark.parametrize("bad", ["2026/08", "Aug 2026", "2026-13", "last-0d", "2026-Q5", "last-4w"])
def test_unreadable_period_says_what_is_expected(bad):
    with pytest.raises(ParameterError, match=re.escape(repr(bad)) + r".*'2026-08'.*'2026-Q3'.*'last-28d'"):
        parse_period(bad, tz=TZ, last_day=pd.Timestamp("2026-08-31"))


def test_tz_comes_from_the_dataset_or_is_required():
    ds = _dataset(_two_months())
    assert tk.report.summary(ds, n_boot=200)["period"]["tz"] == TZ
    ds.tz = None
    with pytest.raises(ParameterError, match="tz"):
        tk.report.summary(ds)


# ----------------------------------------------------------------------------------------------
# KPIs


def test_counts_and_engagement_rate_against_the_month_before():
    s = tk.report.summary(_dataset(_two_months()), n_boot=300, min_n=2)
    assert (s["period"]["label"], s["previous"]["label"]) == ("August 2026", "July 2026")
    posts = _kpi(s, "posts")
    # local days decide: Jul 31 23:30 is July, Aug 1 00:30 is August (UTC would say otherwise)
    assert (posts["value"], posts["previous"], posts["change"]) == (4, 3, 1)
    assert posts["change_pct"] == pytest.approx(100 / 3)
    assert posts["display"] == "4" and posts["display_change"] == "+1 (+33.3\u00a0%)"
    reach = _kpi(s, "reach")
    assert (reach["value"], reach["previous"]) == (1000, 600)
    inter = _kpi(s, "interactions")
    assert (inter["value"], inter["previous"]) == (30 + 10 + 12 + 0, 10 + 2 + 20 + 5 + 1)
    er = _kpi(s, "engagement_rate")
    assert er["value"] == pytest.approx(52 / 1000) and er["previous"] == pytest.approx(38 / 600)
    assert er["change"] == pytest.approx(52 / 1000 - 38 / 600)
    assert er["display"] == "5.2\u00a0%" and er["display_previous"] == "6.3\u00a0%" and er["display_change"].startswith("-1.1\u00a0pp")
    lo, hi = er["interval"]
    assert lo <= er["value"] <= hi and lo < hi
    assert er["definition"].startswith("interactions") and "/ reach, else impressions" in er["definition"]
    # a complete count has no sampling interval
    assert posts["interval"] is None


def test_comment_kpis_response_rate_reply_time_and_negative_share():
    rows = []
    # July: 4 top-level user comments, 2 answered after 60 and 180 minutes
    for i, (day, reply_after) in enumerate([("2026-07-03", 60), ("2026-07-10", 180), ("2026-07-12", None),
                                            ("2026-07-20", None)]):
        rows.append((f"j{i}", None, False, f"{day} 10:00", "Great coffee, thanks"))
        if reply_after:
            t = pd.Timestamp(f"{day} 10:00") + pd.Timedelta(minutes=reply_after)
            rows.append((f"jr{i}", f"j{i}", True, str(t), "Thank you!"))
    # August: 5 user comments, 4 answered after 10, 20, 30 and 600 minutes; two are clearly negative
    texts = ["Terrible service, really disappointed", "Awful, the worst order ever", "Nice", "Lovely", "Good"]
    for i, reply_after in enumerate([10, 20, 30, 600, None]):
        rows.append((f"a{i}", None, False, f"2026-08-0{i + 2} 09:00", texts[i]))
        if reply_after:
            t = pd.Timestamp(f"2026-08-0{i + 2} 09:00") + pd.Timedelta(minutes=reply_after)
            rows.append((f"ar{i}", f"a{i}", True, str(t), "Thanks for telling us"))
    ds = _dataset(_two_months(), _comments(rows))
    s = tk.report.summary(ds, n_boot=300, min_n=3)
    com = _kpi(s, "comments")
    assert (com["value"], com["previous"]) == (5, 4)  # the account's own replies do not count
    rr = _kpi(s, "response_rate")
    assert (rr["value"], rr["previous"], rr["n"], rr["previous_n"]) == (0.8, 0.5, 5, 4)
    assert rr["display"] == "80.0\u00a0%" and rr["display_change"] == "+30.0\u00a0pp (+60.0\u00a0%)"
    lo, hi = rr["interval"]
    assert lo < 0.8 < hi <= 1  # Wilson: inside 0..1 even near 1
    med = _kpi(s, "median_reply_minutes")
    assert (med["value"], med["previous"]) == (25, 120)
    assert med["display"] == "25 min" and med["display_previous"] == "2 h"
    neg = _kpi(s, "negative_share")
    assert (neg["value"], neg["n"]) == (2 / 5, 5) and neg["previous"] == 0
    # with the default minimum of 20 comments, the same small figures get no change, and say why
    small = tk.report.summary(ds, n_boot=300)
    rr = _kpi(small, "response_rate")
    assert rr["change"] is None and rr["display_change"] == "n too small (5 vs 4 comments)"
    assert rr["value"] == 0.8 and rr["note"] == "a change needs at least 20 comments in each period"
    assert _kpi(small, "comments")["change"] == 1  # a complete count always compares


def test_kpis_the_data_cannot_give_say_why():
    # no reach, impressions or views anywhere; no comments export; one month of data only
    posts = _posts([("x", "2026-08-03 10:00", 5, 1, None, None), ("x", "2026-08-20 10:00", 7, 0, None, None)])
    s = tk.report.summary(_dataset(posts), n_boot=200)
    assert (s["period"]["label"], s["period"]["data"], s["previous"]["data"]) == ("August 2026", "partial", "none")
    names = [k["name"] for k in s["kpis"]]
    assert names == ["posts", "reach", "interactions", "engagement_rate", "comments", "response_rate",
                     "median_reply_minutes", "negative_share"]  # nothing vanishes
    for name in ("reach", "engagement_rate"):
        k = _kpi(s, name)
        assert k["value"] is None and k["display"] == "not available"
        assert "no export reports reach, impressions or views" in k["note"]
    for name in ("comments", "response_rate", "median_reply_minutes", "negative_share"):
        assert _kpi(s, name)["note"] == "no comments export in the data"
    p = _kpi(s, "posts")
    assert p["value"] == 2 and p["previous"] is None and p["change"] is None
    assert p["note"] == "no data for July 2026 (the data starts on 2026-08-03)" and p["display_change"] == "no comparison"
    text = json.dumps(s)
    assert "NaN" not in text and "nan" not in text.lower().replace("nanoseconds", "")


def test_comments_without_the_accounts_replies_give_no_response_rate():
    rows = [(f"c{i}", None, False, f"2026-08-{i + 1:02d} 10:00", "Is this in stock?") for i in range(25)]
    s = tk.report.summary(_dataset(_two_months(), _comments(rows)), n_boot=200)
    rr = _kpi(s, "response_rate")
    assert rr["value"] is None and "no reply by the account" in rr["note"]  # never a made-up 0 %
    assert _kpi(s, "comments")["value"] == 25
    assert not any(f["page"].startswith("06-") for f in s["findings"])  # unanswered cannot be told either


def test_same_seed_same_summary_and_json_round_trip(tmp_path):
    ds = _dataset(_two_months())
    a, b = tk.report.summary(ds, n_boot=300, seed=3), tk.report.summary(ds, n_boot=300, seed=3)
    assert a == b
    path = tmp_path / "summary.json"
    a.to_json(path)
    back = json.loads(path.read_text(encoding="utf-8"))
    assert set(back) == {"period", "previous", "kpis", "findings", "lang"}
    for k in back["kpis"]:
        assert {"name", "value", "previous", "change", "change_pct", "unit", "interval", "display"} <= set(k)
    assert back == json.loads(json.dumps(dict(a)))


def test_format_one_layer():
    assert [_fmt(1234567, "count"), _fmt(0.0754, "share"), _fmt(-0.0123, "share", signed=True)] == [
        "1,234,567", "7.5\u00a0%", "-1.2\u00a0pp"]
    assert [_fmt(59.6, "minutes"), _fmt(61, "minutes"), _fmt(60 * 24 * 2 + 75, "minutes")] == [
        "1 h", "1 h 1 min", "2 d 1 h"]
    assert _fmt(float("nan"), "share") == "–" and _fmt(pd.NA, "count") == "–"


# ----------------------------------------------------------------------------------------------
# findings and tiles on the samples


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(markup: str) -> str:
    parser = _Text()
    parser.feed(markup)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


@pytest.fixture(scope="module")
def sample_summary(sample_dataset):
    return tk.report.summary(sample_dataset, n_boot=300)


def test_samples_summary_findings_come_from_the_toolkit(sample_dataset, sample_summary):
    s = sample_summary
    assert (s["period"]["label"], s["previous"]["label"]) == ("August 2026", "July 2026")
    assert 3 <= len(s["findings"]) <= 5
    pages = {p.stem for p in tk.report.notebooks()}
    for f in s["findings"]:
        assert f["page"].removesuffix(".html") in pages and f["n"] > 0
        assert f"{f['n']:,}" in f["text"]
    # the unanswered-questions sentence counts what tk.community and tk.text count
    rt = tk.community.reply_times(sample_dataset.comments)
    local = rt["published_at"].dt.tz_convert(TZ)
    aug = rt[(local >= pd.Timestamp("2026-08-01", tz=TZ)) & (local < pd.Timestamp("2026-09-01", tz=TZ))]
    q = aug[tk.text.is_question(aug["text"]).to_numpy(dtype=bool)]
    care = next(f for f in s["findings"] if f["page"].startswith("06-"))
    assert care["n"] == len(q)
    assert care["text"].startswith(f"{int((~q['replied']).sum()):,} of the {len(q):,} questions")
    # the best-slot sentence names a slot best_times recommends
    slots = tk.timing.best_times(sample_dataset.posts, tz=TZ, n_boot=300, progress=False)
    timing = next(f for f in s["findings"] if f["page"].startswith("03-"))
    rec = slots[slots["recommended"]]
    assert any(f"{r.platform.capitalize()}: {r.slot} " in timing["text"] for r in rec.itertuples())
    # every KPI has a figure on the samples, and a change
    for k in s["kpis"]:
        assert k["value"] is not None and k["display_change"], k


def test_tiles_show_every_display_string_and_finding(sample_summary):
    markup = sample_summary._repr_html_()
    text = visible_text(markup)
    norm = lambda t: re.sub(r"\s+", " ", t)  # noqa: E731 - figures keep their unit with a no-break space
    assert norm(sample_summary["period"]["label"]) in text and norm(sample_summary["previous"]["label"]) in text
    for k in sample_summary["kpis"]:
        tile = re.search(rf"<div class='tk-tile' data-kpi='{k['name']}'>(.*?)</div>", markup).group(1)
        tile_text = visible_text(tile)
        for key in ("label", "display", "display_previous", "display_change", "display_interval"):
            assert norm(k[key]) in tile_text, (k["name"], key)
    for f in sample_summary["findings"]:
        assert norm(f["text"]) in text
        assert f"href='{f['page'].removesuffix('.html')}.ipynb'" in markup  # the report points it at the page
    assert "nan" not in text.lower() and "<NA>" not in text
    assert not re.search(r"\d\.\d{4,}", text)  # no raw floats


def test_thin_selections_of_the_samples_keep_every_tile(sample_dataset):
    from dataclasses import replace

    one_day = tk.inventory.select(sample_dataset, date_from="2026-05-12", date_to="2026-05-12", tz=TZ)
    s = tk.report.summary(one_day, n_boot=200)
    # no full month in one day: the month it falls in, against a month without data
    assert (s["period"]["label"], s["period"]["data"], s["previous"]["data"]) == ("May 2026", "partial", "none")
    for k in s["kpis"]:
        assert k["value"] is not None and k["previous"] is None and k["display_change"] == "no comparison", k
        assert k["note"] == "no data for April 2026 (the data starts on 2026-05-12)"
    no_replies = replace(sample_dataset, comments=sample_dataset.comments[~sample_dataset.comments["is_owner"]])
    s = tk.report.summary(no_replies, n_boot=200, period="2026-06")
    for name in ("response_rate", "median_reply_minutes"):
        assert _kpi(s, name)["value"] is None and "no reply by the account" in _kpi(s, name)["note"]
    assert _kpi(s, "negative_share")["value"] > 0


def test_german_summary_says_it_in_german():
    ds = _dataset(_two_months())
    en, de = tk.report.summary(ds, n_boot=200, min_n=2), tk.report.summary(ds, n_boot=200, min_n=2, lang="de")
    assert (en["lang"], de["lang"]) == ("en", "de")
    assert de["period"]["label"] == "August 2026" and de["previous"]["label"] == "Juli 2026"
    assert [k["label"] for k in de["kpis"]][:2] == ["Beiträge", "Reichweite"]
    er = _kpi(de, "engagement_rate")
    assert er["display"] == "5,2\u00a0%" and er["display_interval"].startswith("95-%-Intervall")
    # every sentence differs from its English twin (numbers apart): nothing left untranslated
    for a, b in zip(en["kpis"], de["kpis"]):
        for key in ("label", "note", "display_change_interval"):
            if re.search(r"[A-Za-z]{4,}", a[key]):
                assert a[key] != b[key], (key, a[key])
    for a, b in zip(en["findings"], de["findings"]):
        assert a["text"] != b["text"] and a["n"] == b["n"] and a["page"] == b["page"]
    html = de._repr_html_()
    assert "Vorher:" in html and "Previous" not in html and "im Vergleich mit" in html
    with pytest.raises(ParameterError, match="lang='xx'"):
        tk.report.summary(ds, lang="xx")
