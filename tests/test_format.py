"""The one formatting layer (toolkit/_format.py): numbers, dates, tables and figures as a page shows them."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd
import plotly.graph_objects as go
import pytest

from toolkit._format import EN_DASH, NBSP, Format, translate_figure
from toolkit.locale import default_language, languages, translations


class _Cells(HTMLParser):
    """Header and body cells of the first table, as visible text."""

    def __init__(self):
        super().__init__()
        self.head, self.body, self._in, self._buf, self.footnotes, self._foot = [], [], None, "", [], False

    def handle_starttag(self, tag, attrs):
        if tag in ("th", "td"):
            self._in, self._buf = tag, ""
        if tag == "tr" and self._in is None:
            self.body.append([])
        if tag == "p" and "toolkit-footnote" in (dict(attrs).get("class") or ""):
            self._foot, self._buf = True, ""

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._in:
            (self.head if tag == "th" else self.body[-1]).append(self._buf)
            self._in = None
        if tag == "p" and self._foot:
            self.footnotes.append(self._buf)
            self._foot = False

    def handle_data(self, data):
        if self._in or self._foot:
            self._buf += data


def _cells(html: str) -> _Cells:
    p = _Cells()
    p.feed(html)
    p.body = [r for r in p.body if r]
    return p


@pytest.fixture
def kpis():
    return pd.DataFrame({
        "platform": ["instagram", "youtube", "mastodon"],
        "posts": pd.array([1234, 18450, 7], dtype="Int64"),
        "engagement_rate": pd.array([0.0754, 0.0123456, None], dtype="Float64"),
        "median_minutes": [312.4, 45.0, None],
        "posts_growth_rate": [None, 0.25, -0.125],
        "slot": ["Mon 07-10", "Sat 18-21", "Sun 20-22"],
        "published_at": pd.to_datetime(["2026-08-03 12:05", "2026-08-03 23:30", "2026-03-29 00:30"], utc=True),
    })


def test_numbers_percentages_durations_follow_the_language():
    en, de = Format("en"), Format("de")
    assert en.number(18450) == "18,450" and de.number(18450) == "18.450"
    assert en.percent(0.075) == f"7.5{NBSP}%" and de.percent(0.075) == f"7,5{NBSP}%"
    assert en.number(0.797242) == "0.80" and en.number(18.008333) == "18.0"
    assert en.duration(312) == "5 h 12 min" and de.duration(312) == "5 Std. 12 Min."
    assert en.duration(3 * 1440 + 125) == "3 d 2 h" and en.duration(0.2) == "< 1 min"
    assert en.percent(None) == EN_DASH and en.number(float("nan")) == EN_DASH


def test_table_has_human_headers_no_index_and_formatted_cells(kpis):
    html = Format("en", tz="Europe/Berlin").table_html(kpis)
    t = _cells(html)
    assert t.head == ["Platform", "Posts", "Engagement rate", "Median wait", "Posts growth", "Slot", "Published"]
    first = t.body[0]
    assert first[:4] == ["Instagram", "1,234", f"7.5{NBSP}%", "5 h 12 min"]
    assert first[6] == "Aug 3, 2026, 14:05"  # 12:05 UTC is 14:05 in Berlin (summer time)
    assert t.body[1][4] == f"+25.0{NBSP}%" and t.body[2][4] == f"-12.5{NBSP}%"
    assert t.body[2][6] == "Mar 29, 2026, 01:30"  # before the change to summer time that night
    assert t.body[2][2] == EN_DASH and t.body[0][4] == EN_DASH
    # every missing value is explained under the table, per column
    assert "Engagement rate: not reported in the export" in t.footnotes[0]
    assert "Posts growth: first period: nothing to compare with" in t.footnotes[0]
    assert not re.search(r"\d\.\d{4}", html.split("</style>")[-1])


def test_german_table(kpis):
    t = _cells(Format("de", tz="Europe/Berlin").table_html(kpis))
    assert t.head[:3] == ["Plattform", "Beiträge", "Interaktionsrate"]
    assert t.body[0][:4] == ["Instagram", "1.234", f"7,5{NBSP}%", "5 Std. 12 Min."]
    assert t.body[0][5] == "Mo 07-10" and t.body[1][5] == "Sa 18-21"
    assert t.body[0][6] == "03.08.2026, 14:05"
    assert "bedeutet" in t.footnotes[0]


def test_named_index_becomes_a_column_and_a_plain_index_disappears():
    fmt = Format("en")
    s = pd.Series([3, 4], index=pd.Index(["x", "instagram"], name="platform"), name="open_questions")
    t = _cells(fmt.table_html(s))
    assert t.head == ["Platform", "Open questions"] and t.body == [["X", "3"], ["Instagram", "4"]]
    t = _cells(fmt.table_html(pd.DataFrame({"n_posts": [1, 2]}, index=[5, 9])))
    assert t.head == ["Posts"] and t.body == [["1"], ["2"]]
    # a pivot (columns named, index named) comes out flat
    pivot = pd.DataFrame({"platform": ["x", "x"], "table": ["posts", "comments"], "rows": [3, 40]}).pivot(
        index="platform", columns="table", values="rows")
    t = _cells(fmt.table_html(pivot))
    assert t.head == ["Platform", "Comments", "Posts"] and t.body == [["X", "40", "3"]]


def test_dict_and_user_text_are_shown_as_text():
    fmt = Format("en")
    t = _cells(fmt.mapping_html({"date_only": 0, "too_young": 22}))
    assert t.head == ["Date only", "Too young"] and t.body == [["0"], ["22"]]
    html = fmt.table_html(pd.DataFrame({"text": ["<script>alert(1)</script> " + "long " * 40],
                                        "permalink": ["javascript:alert(1)"]}))
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "href='javascript" not in html
    assert "\u2026" in _cells(html).body[0][0]  # cut with an ellipsis, full text in the tooltip


def test_long_table_shows_the_top_rows_and_links_the_full_csv(tmp_path):
    fmt = Format("en", tables_dir=tmp_path / "tables", page="05-what-content-works")
    df = pd.DataFrame({"word": [f"=w{i}" for i in range(60)], "n_posts": range(60)})
    html = fmt.table_html(df, max_rows=10)
    t = _cells(html)
    assert len(t.body) == 10
    assert "The first 10 of 60 rows." in t.footnotes[-1]
    link = re.search(r"href='([^']+\.csv)'", html).group(1)
    assert link == "tables/05-what-content-works-1.csv"
    full = pd.read_csv(tmp_path / link, encoding="utf-8-sig")
    assert len(full) == 60 and full["word"][0] == "'=w0"  # formula neutralised


def test_figure_words_and_separators_in_german():
    fig = go.Figure(go.Bar(x=["Mon 07-10"], y=[1.5], name="instagram"))
    fig.update_layout(title="Posts", xaxis_title="Slot", yaxis_title="Engagement rate", legend_title="Platform")
    out = translate_figure(fig.to_plotly_json(), Format("de"))
    layout = out["layout"]
    assert layout["title"]["text"] == "Beiträge" and layout["yaxis"]["title"]["text"] == "Interaktionsrate"
    assert layout["legend"]["title"]["text"] == "Plattform" and layout["separators"] == ",."
    assert out["data"][0]["name"] == "instagram"  # platform names are data, not words


def test_catalogs_are_found_and_the_default_language_comes_from_the_environment():
    assert {"en", "de"} <= set(languages())
    assert translations("de").gettext("Platform") == "Plattform"
    assert default_language({"LANG": "de_DE.UTF-8"}) == "de"
    assert default_language({"LANGUAGE": "fr:de", "LANG": "fr_FR.UTF-8"}) == "de"
    assert default_language({"LANG": "C.UTF-8"}) == "en" and default_language({}) == "en"


def test_columns_whose_headers_coincide_still_render():
    # "group" and "message" are both "Botschaft..." in German, n_posts and posts both "Posts" in English
    t = _cells(Format("en").table_html(pd.DataFrame({"n_posts": [1], "posts": [2]})))
    assert t.head == ["Posts", "Posts"] and t.body == [["1", "2"]]
    t = _cells(Format("de").table_html(pd.DataFrame({"group": ["a"], "message": ["b"]})))
    assert len(t.head) == 2 and t.body == [["a", "b"]]


def test_every_header_and_unit_has_a_german_translation():
    from toolkit._format import _HEADERS, _MISSING, _TERMS

    catalog = translations("de")._catalog
    words = set(_HEADERS.values()) | set(_TERMS.values()) | {w for _, w in _MISSING} | {"h", "min", "d", "yes", "no"}
    assert sorted(w for w in words if w not in catalog) == []


@pytest.mark.parametrize("storage", ["python", "pyarrow"])
def test_blank_and_missing_labels_read_alike_in_either_string_storage(storage):
    # Arrow-backed strings (pandas' default with pyarrow) once failed here on a column without any value
    fmt = Format("en")
    labels = pd.Series(["reach", None, "   "], dtype=pd.StringDtype(storage))
    t = _cells(fmt.table_html(pd.DataFrame({"formula": labels, "posts": [3, 4, 5]})))
    assert t.body[0] == ["Reach", "3"]
    assert t.body[1][0] == t.body[2][0] != "   "  # the blank label is shown as the missing one
    nothing = pd.Series([None, None], dtype=pd.StringDtype(storage))
    t = _cells(fmt.table_html(pd.DataFrame({"formula": nothing, "posts": [3, 4]})))
    assert t.body == [[t.body[0][0], "3"], [t.body[0][0], "4"]] and t.body[0][0].strip() == EN_DASH
