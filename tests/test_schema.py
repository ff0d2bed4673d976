"""The canonical tables: names, dtypes, and validate() collecting every problem."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import toolkit as tk
from toolkit.errors import SchemaError, ToolkitError
from toolkit.schema import COMMENTS, DAILY, METRICS, POSTS


def _posts(**overrides) -> pd.DataFrame:
    base = {
        "platform": ["instagram", "x"],
        "account": ["bergkaffee", "bergkaffee"],
        "post_id": ["17900000000000001", "1900000000000000001"],
        "published_at": pd.to_datetime(["2026-03-31 16:00", "2026-03-30 17:00"], utc=True),
        "date_only": [False, False],
        "text": ["Frisch geröstet ☕ #Röstfrisch", ""],
        "media_type": ["reel", "text"],
        "permalink": ["https://www.instagram.com/p/abc/", pd.NA],
        "likes": [12, 0],
        "source_file": ["a.csv", "b.csv"],
    }
    base.update(overrides)
    return POSTS.conform(pd.DataFrame(base))


def test_contract_column_names_are_exact():
    assert POSTS.names[:8] == ["platform", "account", "post_id", "published_at", "date_only", "text",
                               "media_type", "permalink"]
    assert [c for c in POSTS.names if c in METRICS] == ["impressions", "reach", "views", "likes", "comments",
                                                          "shares", "saves", "clicks", "engagements"]
    assert COMMENTS.names == ["platform", "account", "post_id", "comment_id", "parent_id", "author", "is_owner",
                              "published_at", "text", "likes", "source_file"]
    assert DAILY.names == ["platform", "account", "date", "metric", "value", "source_file"]
    assert POSTS.grain == "one row per post" and POSTS.key == ("platform", "post_id")


def test_conform_gives_canonical_dtypes_and_keeps_missing_apart_from_zero():
    posts = _posts()
    assert str(posts["published_at"].dtype) == "datetime64[ns, UTC]"
    assert str(posts["likes"].dtype) == "Int64"
    assert posts["likes"].tolist() == [12, 0]
    assert posts["shares"].isna().all()  # not reported is <NA>, not 0
    assert posts["text"].tolist()[1] == ""
    POSTS.validate(posts)


def test_conform_converts_other_zones_to_utc():
    berlin = pd.to_datetime(["2026-03-31 18:00"]).tz_localize("Europe/Berlin")
    posts = _posts(published_at=list(berlin) * 2)
    assert posts["published_at"].iloc[0] == pd.Timestamp("2026-03-31 16:00", tz="UTC")


def test_conform_refuses_fractional_counts():
    with pytest.raises(SchemaError, match="likes"):
        _posts(likes=[1.5, 2.0])


def test_validate_collects_every_problem_before_raising():
    bad = _posts()
    bad.loc[1, "platform"] = "Instagram"
    bad.loc[1, "post_id"] = bad.loc[0, "post_id"]
    bad["platform"] = bad["platform"].astype("string")
    bad = bad.drop(columns=["source_file"])
    bad["likes"] = bad["likes"].astype("float64")
    with pytest.raises(SchemaError) as info:
        POSTS.validate(bad, source="export.csv")
    problems = info.value.problems
    assert any("missing columns ['source_file']" in p for p in problems)
    assert any("'likes' has dtype float64" in p for p in problems)
    assert any("lowercase" in p and "Instagram" in p for p in problems)
    assert "export.csv" in str(info.value)
    assert isinstance(info.value, ToolkitError) and isinstance(info.value, ValueError)


def test_validate_finds_duplicate_keys_and_naive_timestamps():
    dup = pd.concat([_posts(), _posts()], ignore_index=True)
    with pytest.raises(SchemaError, match="share a key"):
        POSTS.validate(dup)
    naive = _posts()
    naive["published_at"] = naive["published_at"].dt.tz_localize(None)
    with pytest.raises(SchemaError, match="published_at"):
        POSTS.validate(naive)


def test_validate_rejects_nulls_in_required_columns_but_not_in_optional_ones():
    posts = _posts()
    posts.loc[0, "media_type"] = pd.NA
    POSTS.validate(posts)
    posts.loc[1, "post_id"] = pd.NA
    with pytest.raises(SchemaError, match="'post_id' is empty in 1 row"):
        POSTS.validate(posts)


def test_daily_and_comments_tables_validate():
    daily = DAILY.conform(pd.DataFrame({"platform": ["facebook"], "account": ["Bergkaffee"],
                                        "date": ["2026-03-01"], "metric": ["followers"], "value": [1200],
                                        "source_file": ["d.csv"]}))
    assert str(daily["date"].dtype) == "datetime64[ns]" and str(daily["value"].dtype) == "Float64"
    DAILY.validate(daily)
    comments = COMMENTS.conform(pd.DataFrame({
        "platform": ["facebook"], "comment_id": ["c1"], "published_at": ["2026-03-01T10:00:00Z"],
        "text": ["Toll! 😍"], "source_file": ["c.csv"]}))
    assert comments["is_owner"].tolist() == [False]
    assert comments["parent_id"].isna().all() and comments["post_id"].isna().all()
    tk.schema.validate(comments, "comments")
    with pytest.raises(tk.errors.ParameterError, match="expected one of"):
        tk.schema.validate(comments, "tweets")


def test_empty_tables_are_valid():
    for table in (POSTS, COMMENTS, DAILY):
        table.validate(table.empty())


def test_require_columns_names_missing_and_present_columns():
    from toolkit.errors import ParameterError
    from toolkit.schema import require_columns

    require_columns(pd.DataFrame({"a": [1], "b": [2]}), ["a"], where="f(posts)")
    with pytest.raises(SchemaError, match=r"f\(posts\): missing column\(s\) \['c'\]; present: \['a', 'b'\]"):
        require_columns(pd.DataFrame({"a": [1], "b": [2]}), ["a", "c"], where="f(posts)")
    with pytest.raises(ParameterError, match="canonical comments table as a pandas DataFrame, found list"):
        require_columns([1, 2], ["a"], where="g(comments)", table="comments")


def test_require_columns_refuses_naive_or_text_times_with_the_fix():
    from toolkit.schema import require_columns

    aware = pd.DataFrame({"published_at": pd.to_datetime(["2026-03-01 10:00"]).tz_localize("Europe/Berlin")})
    require_columns(aware, ["published_at"], where="f(posts)")  # any zone is fine; functions convert
    naive = aware.assign(published_at=aware["published_at"].dt.tz_localize(None))
    with pytest.raises(SchemaError, match=r"f\(posts\): column 'published_at' has no time zone .*"
                                          + re.escape('posts["published_at"].dt.tz_localize("Europe/Berlin")')):
        require_columns(naive, ["published_at"], where="f(posts)")
    text = aware.assign(published_at=["2026-03-01 10:00"])
    with pytest.raises(SchemaError, match=r"holds .* values, expected UTC times .*conform\(df, 'comments'\)"):
        require_columns(text, ["published_at"], where="g(comments)", table="comments")


_CONFORM_CASES = {
    "posts, object cells": (POSTS, pd.DataFrame({"platform": ["x", "x"], "post_id": ["1", "2"], "likes": [1.0, None],
                                                 "zz": [1, 2], "published_at": ["2024-01-01T00:00Z", None]},
                                                index=[7, 3])),
    "posts, canonical already": (POSTS, _posts()),
    "posts, empty": (POSTS, pd.DataFrame({"platform": pd.Series(dtype="string"), "extra": pd.Series(dtype=object)})),
    "posts, no rows no columns": (POSTS, pd.DataFrame(index=pd.RangeIndex(0))),
    "posts, naive and aware times": (POSTS, pd.DataFrame({"published_at": pd.to_datetime(["2024-03-31 02:30"]),
                                                          "date_only": [None], "text": [None]})),
    "posts, str dtype and Int64": (POSTS, pd.DataFrame({"platform": pd.Series(["x"], dtype="str"),
                                                        "likes": pd.array([3], dtype="Int64"),
                                                        "views": pd.array([2], dtype="int32")})),
    "posts, fraction in a count": (POSTS, pd.DataFrame({"likes": [1.5], "shares": ["a"]})),
    "daily, dates": (DAILY, pd.DataFrame({"date": ["2024-01-02 13:00", None], "value": ["1", "2.5"],
                                          "metric": ["followers", "followers"]}, index=["a", "b"])),
    "daily, days already": (DAILY, pd.DataFrame({"date": pd.to_datetime(["2024-01-02", None, "1969-12-31"]),
                                                 "value": [1.0, 2.0, None], "metric": ["a", "b", "c"]})),
    "daily, a time of day": (DAILY, pd.DataFrame({"date": pd.to_datetime(["2024-01-02 00:00:01", "1969-12-31 23:00:00"]),
                                                  "value": [1.0, 2.0], "metric": ["a", "b"]})),
    "daily, seconds": (DAILY, pd.DataFrame({"date": pd.Series(pd.to_datetime(["2024-01-02"])).astype("datetime64[s]"),
                                            "value": [1.0], "metric": ["a"]})),
    "comments, extra columns first": (COMMENTS, pd.DataFrame({"z": [1], "comment_id": [5], "is_owner": [None]})),
    # canonical already, in order (the one look at the dtypes): other index, extra columns after
    "posts, canonical with a labelled index": (POSTS, POSTS.conform(_posts()).set_axis([9, 4], axis=0).assign(zz=[1, 2])),
    "daily, canonical in order": (DAILY, DAILY.conform(pd.DataFrame({"date": ["2024-01-02", "2024-01-03"], "value": [1.0, 2.0],
                                                                     "metric": ["a", "b"]}))),
    "daily, canonical but a time of day": (DAILY, DAILY.conform(pd.DataFrame({"date": ["2024-01-02"], "value": [1.0],
                                                                              "metric": ["a"]})).assign(
        date=pd.to_datetime(["2024-01-02 13:00"]))),
}


@pytest.mark.parametrize("name", list(_CONFORM_CASES))
def test_conform_at_once_equals_one_by_one(name):
    table, frame = _CONFORM_CASES[name]
    frame.attrs["note"] = "kept"
    try:
        want = table._conform_one_by_one(frame)
    except SchemaError as exc:
        with pytest.raises(SchemaError) as got:
            table.conform(frame)
        assert str(got.value) == str(exc)
        return
    got = table.conform(frame)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert list(got.columns) == list(want.columns) and got.columns.dtype == want.columns.dtype
    assert got.attrs == want.attrs


_PLATFORM_CELLS = ["x", "X", "x\n", "\nx", " x", "x ", "", "1x", "face book", "tik.tok", "a-b", "a_b", "ü", "x\t",
                   "threads", "x$", "^x", None]


@pytest.mark.parametrize("dtype", ["string", pd.StringDtype("python"), "str", object, "category"])
@pytest.mark.parametrize("how", ["match", "fullmatch"])
def test_odd_platforms_remembered_equal_checked_now(dtype, how):
    from toolkit.schema import _PLATFORM_VERDICTS, _odd_platforms, _odd_platforms_checked
    _PLATFORM_VERDICTS.clear()
    for cells in (_PLATFORM_CELLS, _PLATFORM_CELLS[::-1], ["x", "x", None], ["instagram"], [None], []):
        s = pd.Series(cells, dtype=dtype)
        for _ in range(2):  # the first time checked, the second remembered
            assert _outcome(_odd_platforms, s, how) == _outcome(_odd_platforms_checked, s, how)


def _outcome(fn, *args):
    try:
        return fn(*args)
    except AttributeError as exc:  # a categorical of no string (all missing): pandas' .str refuses it
        return str(exc)


@pytest.mark.parametrize("index", [pd.RangeIndex(5), pd.Index(["a", "b", "c"]), pd.RangeIndex(0)],
                         ids=["range", "labels", "empty"])
def test_missing_columns_equal_a_series_of_na_in_the_dtype(index):
    """_missing makes Arrow string columns from Arrow's nulls: the same as a Series of <NA> cast to it."""
    from toolkit.schema import TABLES, _fixed_dtype, _missing
    for table in TABLES.values():
        for c in table.columns:
            got = _missing(index, c)
            na = pd.NaT if c.dtype in ("utc", "date") else pd.NA
            try:
                want = pd.Series(na, index=index, dtype=_fixed_dtype(c.pandas_dtype))
            except (TypeError, ValueError):
                want = pd.Series(na, index=index, dtype=object)
            pd.testing.assert_series_equal(got, want, obj=f"{table.name}.{c.name}")
            if isinstance(got.dtype, pd.StringDtype) and got.dtype.storage == "pyarrow":
                assert got.array._pa_array.type == want.array._pa_array.type
