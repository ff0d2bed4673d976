"""toolkit/_dates.py: the one reader of every day a user types (API, notebook parameters, CLI)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from toolkit._dates import ACCEPTED, iso_day, parse_day
from toolkit.errors import ParameterError


@pytest.mark.parametrize("text", ["2026-06-01", "01.06.2026", "1.6.2026", " 2026-6-1 "])
def test_iso_and_german_days_are_the_first_of_june(text):
    assert parse_day(text, parameter="date_to") == dt.date(2026, 6, 1)
    assert iso_day(text, parameter="date_to") == "2026-06-01"


def test_day_first_is_always_day_first():
    assert parse_day("15.06.2026", parameter="date_from") == dt.date(2026, 6, 15)
    assert parse_day("06.01.2026", parameter="date_from") == dt.date(2026, 1, 6)


@pytest.mark.parametrize("text, why", [
    ("06/01/2026", "a date with slashes is ambiguous"),
    ("31.06.2026", "there is no such day"),
    ("2026-02-29", "there is no such day"),
    ("June 1st", "cannot read this as a day"),
    ("2026-06-01 10:00", "cannot read this as a day"),
])
def test_ambiguous_impossible_or_unknown_spellings_are_refused_naming_the_parameter(text, why):
    with pytest.raises(ParameterError) as err:
        parse_day(text, parameter="--from")
    msg = str(err.value)
    assert msg.startswith(f"--from={text!r}: {why}")
    assert ACCEPTED in msg and "'01.06.2026'" in msg and "'2026-06-01'" in msg


def test_empty_none_and_date_objects():
    assert parse_day(None, parameter="date_from") is None
    assert parse_day("", parameter="date_from") is None
    assert parse_day(dt.date(2026, 6, 1), parameter="date_from") == dt.date(2026, 6, 1)
    assert parse_day(pd.Timestamp("2026-06-01 23:30"), parameter="date_from") == dt.date(2026, 6, 1)
    with pytest.raises(ParameterError, match="expected a day as text, found int"):
        parse_day(20260601, parameter="date_from")


def test_cli_refuses_an_ambiguous_from_before_any_work(tmp_path, capsys):
    from toolkit.__main__ import main

    out = tmp_path / "r"
    code = main(["report", str(tmp_path), "--out", str(out), "--from", "06/01/2026"])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert err.startswith("error: --from='06/01/2026': a date with slashes is ambiguous")
    assert "'dd.mm.yyyy'" in err


def test_render_refuses_an_impossible_day_naming_the_parameter(tmp_path):
    import toolkit as tk

    with pytest.raises(ParameterError, match=r"date_to='31.06.2026': there is no such day"):
        tk.report.render(tmp_path, out=tmp_path / "r", date_to="31.06.2026")
    assert not (tmp_path / "r").exists()


def test_methods_states_the_period_in_one_spelling(sample_dataset):
    import toolkit as tk

    m = tk.report.methods(sample_dataset, tz="Europe/Berlin", date_from="01.03.2026", date_to="2026-03-31")
    period = m.loc[m["item"] == "Period", "detail"].iloc[0]
    assert period.startswith("2026-03-01 to 2026-03-31")


def test_holidays_are_read_day_first_too():
    import toolkit as tk

    # a question on Monday 1 June 2026, 10:00 in Berlin, answered on Tuesday at 10:00
    comments = pd.DataFrame({
        "platform": "facebook", "account": "kaffee", "post_id": "p1", "comment_id": ["c1", "r1"],
        "parent_id": [None, "c1"], "author": ["Anna", "kaffee"], "is_owner": [False, True],
        "published_at": pd.to_datetime(["2026-06-01 08:00", "2026-06-02 08:00"], utc=True), "text": ["?", "!"]})

    def business_minutes(holidays):
        rt = tk.community.reply_times(comments, tz="Europe/Berlin", business_hours=("09:00", "17:00"),
                                      holidays=holidays)
        return float(rt["business_minutes_to_reply"].iloc[0])

    assert business_minutes(None) == 8 * 60  # 10:00-17:00 Monday + 09:00-10:00 Tuesday
    assert business_minutes(["01.06.2026"]) == business_minutes(["2026-06-01"]) == 60  # Monday off
    assert business_minutes(["06.01.2026"]) == 8 * 60  # 6 January: not this week
    with pytest.raises(ParameterError, match=r"holidays\[1\]='06/01/2026': a date with slashes is ambiguous"):
        business_minutes(["2026-12-24", "06/01/2026"])
