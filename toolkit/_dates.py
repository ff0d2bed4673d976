"""One reader for every day a user types: API parameters, notebook parameters, the command line.

Two spellings are accepted, nothing else: ISO ``YYYY-MM-DD`` (``2026-06-01``) and the German/European
``dd.mm.yyyy`` (``01.06.2026``, day first, always). A slash date such as ``06/01/2026`` is refused,
because half the world reads it as 6 January and the other half as 1 June; an impossible day such as
``31.06.2026`` is refused too. Both refusals are :class:`~toolkit.errors.ParameterError` naming the
parameter and showing the accepted spellings.

>>> from toolkit._dates import parse_day
>>> parse_day("01.06.2026", parameter="date_to")
datetime.date(2026, 6, 1)
>>> parse_day("2026-06-01", parameter="date_to")
datetime.date(2026, 6, 1)
"""

from __future__ import annotations

import datetime as _dt
import re

from .errors import ParameterError

__all__ = ["parse_day", "parse_days", "iso_day", "ACCEPTED"]

ACCEPTED = "'YYYY-MM-DD' (e.g. '2026-06-01') or 'dd.mm.yyyy', day first (e.g. '01.06.2026')"

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2,4})")


def _refuse(parameter: str, value, why: str) -> ParameterError:
    return ParameterError(f"{parameter}={value!r}: {why}. Accepted spellings: {ACCEPTED}.")


def parse_day(value, *, parameter: str) -> _dt.date | None:
    """The calendar day ``value`` names, or None for None/"".

    Parameters
    ----------
    value : str, datetime.date, datetime.datetime, pandas.Timestamp or None
        A day as a user writes it: ``"2026-06-01"`` or ``"01.06.2026"``. Date and timestamp objects
        are taken as they are (their calendar day).
    parameter : str
        The name the user gave the value under (``"date_from"``, ``"--to"``), used in errors.

    Raises
    ------
    toolkit.errors.ParameterError
        For an ambiguous spelling (``06/01/2026``), an impossible day (``31.06.2026``) or anything
        else that is not one of the accepted spellings.
    """
    if value is None:
        return None
    if isinstance(value, _dt.datetime):  # includes pandas.Timestamp
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if type(value).__name__ == "datetime64":  # numpy's day or time
        import pandas as pd

        stamp = pd.Timestamp(value)
        return None if pd.isna(stamp) else stamp.date()
    if not isinstance(value, str):
        raise _refuse(parameter, value, f"expected a day as text, found {type(value).__name__}")
    text = value.strip()
    if not text:
        return None
    if m := _ISO.fullmatch(text):
        year, month, day = (int(g) for g in m.groups())
    elif m := _DOTTED.fullmatch(text):
        day, month, year = (int(g) for g in m.groups())
    elif _SLASHED.fullmatch(text):
        raise _refuse(parameter, value, "a date with slashes is ambiguous (is 06/01 the 6th of January or "
                                        "the 1st of June?)")
    else:
        raise _refuse(parameter, value, "cannot read this as a day")
    try:
        return _dt.date(year, month, day)
    except ValueError:
        raise _refuse(parameter, value, f"there is no such day (day {day} of month {month} in {year})") from None


def iso_day(value, *, parameter: str) -> str | None:
    """``parse_day`` written back as ``YYYY-MM-DD`` (None stays None): the one spelling passed on."""
    day = parse_day(value, parameter=parameter)
    return None if day is None else day.isoformat()


def parse_days(values, *, parameter: str) -> list[_dt.date]:
    """Every day of a list (``holidays=["24.12.2026", "2026-12-25"]``); errors name the item."""
    if isinstance(values, (str, _dt.date)):
        values = [values]
    days = [parse_day(v, parameter=f"{parameter}[{k}]") for k, v in enumerate(values)]
    return [d for d in days if d is not None]
