"""The shortcuts of toolkit/io/youtube.py give what the code they stand in for gives (issue #14.1)."""

from __future__ import annotations

import pandas as pd
import pytest

import toolkit.io.youtube as yt

from ._util import assert_same_answer, load_or_error


@pytest.mark.parametrize("text", ["2025-12-31", "2024-02-29", "2025-02-29", "2025-02-30", "2025-13-01", "2025-00-10",
                                  "0001-01-01", "2262-04-12", "1677-09-20", "9999-12-31", "2025-12-31T10:00", "20251231",
                                  "2025-1-31", "2025-12-31 ", "x", "", "٢٠٢٥-١٢-٣١", "2025-12-31\n"])
def test_range_day_equals_to_datetime(text):
    want = pd.to_datetime(text, errors="coerce")
    got = yt._range_day(text)
    if pd.isna(want):
        assert pd.isna(got)
    else:
        assert got == want and got.unit == want.unit and type(got) is type(want)


def _table_csv(rows: int, odd: dict[str, str], *, total: str = "first", extra: dict[str, str] | None = None) -> str:
    """A Studio ``Table data.csv`` of ``rows`` videos (large enough for the fast CSV reader): the Total row
    first (``total="first"``), in the middle or absent; row 5 with the ``odd`` cells (quoted)."""
    header = ["Content", "Video title", "Video publish time", "Views", "Impressions", "Likes", "Comments added",
              "Shares"] + list(extra or {})
    lines = [",".join(header)]
    body = []
    for i in range(rows):
        row = [f"vid{i:08d}", f"\"Title {i}, part {i % 7}\"", f"2025-05-{1 + i % 28:02d} 16:{i % 60:02d}:00",
               str(i % 1000), str(i * 13), str(i % 50), str(i % 9), str(i % 4)] + list((extra or {}).values())
        if i == 5:
            row = ['"' + odd[h] + '"' if h in odd else v for h, v in zip(header, row)]
        body.append(",".join(row))
    tot = "Total,,," + ",".join(["12345"] * 5) + "".join("," for _ in (extra or {}))
    if total == "first":
        body.insert(0, tot)
    elif total == "middle":
        body.insert(rows // 2, tot)
    return "\n".join(lines + body) + "\n"


@pytest.mark.parametrize("odd", [{}, {"Views": ""}, {"Likes": "12.0"}, {"Likes": "1.234"}, {"Shares": "1,234"},
                                 {"Views": "-3"}, {"Impressions": "1e5"}, {"Likes": "١٢"}, {"Views": "12345678901234567"},
                                 {"Video publish time": "20.05.2025 16:00"}, {"Content": "Total"}])
@pytest.mark.parametrize("total", ["first", "middle", "none"])
@pytest.mark.parametrize("errors", ["raise", "reject"])
def test_studio_table_loads_as_with_the_general_path(tmp_path, monkeypatch, odd, total, errors):
    """Whole zips (fast CSV reader): the same tables, notes, rejects and errors with the shortcuts and without."""
    import zipfile

    f = tmp_path / "Content 2025-01-01_2025-12-31 Chan nel.zip"
    with zipfile.ZipFile(f, "w") as zf:
        zf.writestr("Table data.csv", _table_csv(1500, odd, total=total))

    def load():
        return load_or_error(f, errors=errors, tz="Europe/Berlin")

    answers = []
    shortcut = yt._plain_counts
    monkeypatch.setattr(yt, "_plain_counts", lambda *args: answers.append(shortcut(*args)) or answers[-1])
    fast = load()
    taken = odd in ({}, {"Views": ""}, {"Likes": "12.0"}, {"Video publish time": "20.05.2025 16:00"}, {"Content": "Total"})
    assert answers and all((a is not None) is taken for a in answers)  # (read once, or again to report an error)
    monkeypatch.setattr(yt, "_plain_counts", lambda *args: None)
    general = load()
    assert_same_answer(fast, general)


def test_studio_table_with_decimal_columns_keeps_the_general_path(tmp_path):
    """A decimal column (watch time) takes part in the style decision: no shortcut then."""
    import toolkit as tk

    f = tmp_path / "Table data.csv"
    f.write_text(_table_csv(1500, {}, extra={"Watch time (hours)": "40.2"}), encoding="utf-8")
    ds = tk.load(f, progress=False, tz="UTC")
    assert ds.posts.watch_time_hours.eq(40.2).all() and len(ds.posts) == 1500


@pytest.mark.parametrize("value", ["youtube", "", "Grüße 🎉", pd.NA])
@pytest.mark.parametrize("n", [0, 1, 7])
def test_constant_equals_a_string_series(value, n):
    from toolkit.io._daily import _constant

    index = pd.RangeIndex(3, 3 + n)
    pd.testing.assert_series_equal(_constant(value, index), pd.Series(value, index=index, dtype="string"))


@pytest.mark.parametrize("cells", [["2024-01-01", "2024-02-29", "2025-12-31"], ["2024-02-30", "2024-01-01"], ["2024-1-05"],
                                   [" 2024-01-01"], ["2024-01-01", None], ["", "2024-01-01"], ["1677-01-01"], ["1678-01-01"],
                                   ["2261-12-31"], ["2262-05-01"], ["Sep 20, 2026"], ["20.09.2026"], ["2024-01-01T00:00"],
                                   ["١٩٩٩-٠١-٠١"], ["2024-01-01\n"], ["+2024-01-01"], ["20240101"]])
@pytest.mark.parametrize("german", [False, True])
def test_iso_days_equal_the_general_reading(monkeypatch, cells, german):
    s = pd.Series(cells, dtype="string", name="0")

    def day():
        try:
            return yt._studio_day(s, german=german)
        except Exception as exc:  # (a day pandas cannot hold in nanoseconds: the same error both ways)
            return type(exc).__name__

    fast = day()
    monkeypatch.setattr(yt, "_iso_days", lambda s: None)
    general = day()
    if isinstance(general, str):
        assert fast == general
    else:
        pd.testing.assert_series_equal(fast, general)


def _old_daily(raw: pd.DataFrame, cols: dict[str, str], dates: pd.Series, platform: str, account) -> pd.DataFrame:
    """daily_from_wide's table as it was made before (a frame per metric, concatenated), from the
    general number reading: the oracle of the one-frame build (rows without a bad cell)."""
    from toolkit.io._numbers import NumberColumns

    numbers = NumberColumns(raw, {c: "float" for c in cols.values()})
    style, _ = numbers.style(delimiter=",")
    frames = []
    for name, h in cols.items():
        vals, bad = numbers.number(h, style)
        keep = ~(bad | dates.isna()).to_numpy()
        frames.append(pd.DataFrame({"platform": platform, "account": account, "date": dates[keep].to_numpy(),
                                    "metric": name, "value": vals[keep].to_numpy()}))
    out = pd.concat(frames, ignore_index=True)
    out["account"] = out["account"].astype("string")
    return out


@pytest.mark.parametrize("rows", [[("2024-01-01", "5", "7")], [("2024-01-01", "5", ""), ("2024-01-02", "", "3.0")],
                                  [("2024-01-01", "5", "7"), ("bad day", "1", "2")], [("bad day", "1", "2")],
                                  [("2024-01-01", "1.5", "2")], [("2024-01-01", "1,234", "2")]])
@pytest.mark.parametrize("account", ["Chan nel", pd.NA])
def test_daily_from_wide_equals_a_frame_per_metric(rows, account):
    from toolkit.io._base import Context, Parsed, Source, read_source_records
    from toolkit.io._daily import daily_from_wide

    text = "Date,Views,Watch time (hours)\n" + "".join(",".join(f'"{c}"' for c in r) + "\n" for r in rows)
    recs = read_source_records(Source("Totals.csv", text.encode()))
    date_col, views, hours = recs.frame.columns
    dates = yt._studio_day(recs.frame[date_col])
    parsed = daily_from_wide(recs, Source("Totals.csv", text.encode()), Context(tz="UTC", errors="reject"),
                             Parsed("youtube_studio_totals"), platform="youtube", account=account, dates=dates,
                             date_hint="a day", kind=lambda name: "float")
    want = _old_daily(recs.frame, {"views": views, "watch_time_hours": hours}, dates, "youtube", account)
    got = parsed.tables["daily"]
    if str(got["value"].dtype) == "Float64":  # (counts read at once: made in the canonical dtypes)
        from toolkit import schema

        assert got.dtypes.astype(str).tolist() == ["string", "string", "datetime64[ns]", "string", "Float64"]
        got, want = schema.DAILY.conform(got), schema.DAILY.conform(want)
    pd.testing.assert_frame_equal(got, want)


@pytest.mark.parametrize("cells", [["dQw4w9WgXcQ", "-abcDEF1234"], ["abc_de"], ["abcde"], ["dQw4w9WgXcQ", ""],
                                   ["dQw4w9WgXcQ", None], ["dQw4w9WgXcQ\n"], ["dQw4w9 gXcQ"], ["dQw4w9WgXcQ!"], ["Grüße1234"],
                                   ["１２３４５６"], ["abc\u00a0def"], ["Total", "dQw4w9WgXcQ"], ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"]])
def test_video_ids_equal_fullmatch(cells):
    for dtype in ("string", "str", object):
        ids = pd.Series(cells, dtype=dtype)
        want = bool(ids.str.fullmatch(r"[A-Za-z0-9_-]{6,}").fillna(False).all()) and dtype != object
        assert yt._video_ids(ids) is want
        if dtype == "string":
            two = pd.concat([ids, ids], ignore_index=True)
            assert yt._video_ids(two) is want


@pytest.mark.parametrize("cells", [["519", "204"], ["519", ""], ["519.0", "7"], ["1.234", "7"], ["1,5", "7"], ["12.5", "7"],
                                   ["-3", "7"]])
@pytest.mark.parametrize("errors", ["raise", "reject"])
def test_studio_days_load_as_with_the_general_path(tmp_path, monkeypatch, cells, errors):
    """A zip's Totals.csv and Chart data.csv: the same daily table, report and rejects with the counts read
    at once (and the rows made in canonical dtypes) and without."""
    import zipfile

    import toolkit.io._daily as daily

    f = tmp_path / "Content 2025-01-01_2025-12-31 Chan nel.zip"
    with zipfile.ZipFile(f, "w") as zf:
        zf.writestr("Table data.csv", _table_csv(20, {}))
        zf.writestr("Totals.csv", "Date,Views,Watch time (hours)\n" + "".join(
            f"2024-01-{d:02d},{cells[d % 2]},{d}\n" for d in range(1, 29)))
        zf.writestr("Chart data.csv", "Date,Views\n2024-01-01,3\n2024-01-02,\n")

    def load():
        return load_or_error(f, errors=errors, tz="UTC", table="daily")

    fast = load()
    monkeypatch.setattr(daily, "_plain_counts", lambda *args, **kwargs: None)
    general = load()
    assert_same_answer(fast, general)


@pytest.mark.parametrize("cells", [["dQw4w9WgXcQ", "Total"], [" -abcDEF1234", "x"], ["a ", "b"], ["a\tb", "c"], ["", "a"],
                                   ["a", None], ["Grüße"], ["a\u00a0"], ["\u2009a"], ["2025-05-28 16:17:00"], ["a\x1f"],
                                   ["~"], ["a\x7f"]])
def test_stripped_and_prefixed_equal_pandas(cells):
    from toolkit.io._daily import _prefixed, _stripped

    for dtype in ("string", "str", object):
        s = pd.Series(cells, dtype=dtype, name="Content", index=range(3, 3 + len(cells)))
        pd.testing.assert_series_equal(_stripped(s), s.fillna("").str.strip())
        t = s.fillna("")
        pd.testing.assert_series_equal(_prefixed("https://www.youtube.com/watch?v=", t),
                                       "https://www.youtube.com/watch?v=" + t)
        if dtype == "string":
            two = pd.concat([s, s])
            pd.testing.assert_series_equal(_stripped(two), two.fillna("").str.strip())
