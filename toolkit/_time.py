"""Calendar pieces shared by every analysis: weekday names and period bucketing (issue #12.2).

One definition each:

- :data:`WEEKDAY_NAMES` / :data:`WEEKDAY_ABBR` - index 0 = Monday, as ``Series.dt.day_of_week``
  (public as ``tk.timing.WEEKDAY_NAMES``);
- :func:`freq_code` - the accepted spellings of ``freq=`` ("D"/"day", "W"/"week", "M"/"month",
  "Q"/"quarter", "Y"/"year");
- :func:`period_start` - the first day of the calendar period a time falls in, read in the
  audience's zone; used by ``tk.performance.channel_kpis``, ``tk.community.response_rate``,
  ``tk.inventory.activity`` and ``tk.plots.sentiment_timeline``.

Weeks start on Monday (ISO 8601), months and quarters on their first day.
"""

from __future__ import annotations

import pandas as pd

from ._validate import check_tz, did_you_mean
from .errors import ParameterError

__all__ = ["WEEKDAY_NAMES", "WEEKDAY_ABBR", "FREQS", "freq_code", "local_time", "period_start"]

#: Weekday names, index 0 = Monday (as ``Series.dt.day_of_week``).
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: Three-letter weekday names for chart axes ("Mon" ...).
WEEKDAY_ABBR = tuple(name[:3] for name in WEEKDAY_NAMES)

#: Spellings accepted by ``freq=`` -> pandas period code.
FREQS = {"D": "D", "day": "D", "W": "W", "week": "W", "M": "M", "month": "M", "Q": "Q", "quarter": "Q",
         "Y": "Y", "year": "Y"}
_NAMES = {"D": "day", "W": "week (Monday to Sunday)", "M": "month", "Q": "quarter", "Y": "year"}


def freq_code(freq: str, *, where: str, allowed: tuple[str, ...] = ("D", "W", "M", "Q", "Y")) -> str:
    """The pandas period code of ``freq`` ("week" -> "W"), or a ParameterError listing the valid ones.

    >>> freq_code("month", where="channel_kpis()")
    'M'
    >>> freq_code("monthly", where="channel_kpis()")
    Traceback (most recent call last):
    ...
    toolkit.errors.ParameterError: channel_kpis(): freq='monthly' is not a known bucket size (did you mean 'month'?); valid: 'D' or 'day', 'W' or 'week', 'M' or 'month', 'Q' or 'quarter', 'Y' or 'year'.
    """
    key = freq if freq in FREQS else (str(freq).lower() if str(freq).lower() in FREQS else str(freq).upper())
    code = FREQS.get(key)
    if code is None or code not in allowed:
        names = [k for k in FREQS if FREQS[k] in allowed]
        valid = ", ".join(f"{c!r} or {n!r}" for n, c in FREQS.items() if n != c and c in allowed)
        raise ParameterError(f"{where}: freq={freq!r} is not a known bucket size{did_you_mean(freq, names)}; "
                             f"valid: {valid}.")
    return code


def local_time(ts: pd.Series, tz: str) -> pd.Series:
    """UTC times as naive wall-clock times in ``tz`` (what a person there read on the clock)."""
    return ts.dt.tz_convert(check_tz(tz)).dt.tz_localize(None)


def periods(ts: pd.Series, freq: str, *, tz: str | None = None, where: str) -> pd.Series:
    """The calendar period (a pandas ``Period``) each time or date falls in: the one bucketing of the toolkit.

    Parameters
    ----------
    ts : pandas.Series
        Time-zone-aware times (read in ``tz``) or naive calendar dates (taken as they are).
    freq : str
        Bucket size, see :func:`freq_code`.
    tz : str, optional
        The audience's zone; required for time-zone-aware ``ts``.
    where : str
        The public call, for error messages.

    >>> s = pd.Series(pd.to_datetime(["2026-03-31 23:30"]).tz_localize("UTC"))
    >>> periods(s, "M", tz="Europe/Berlin", where="x").astype(str).tolist()
    ['2026-04']
    """
    code = freq_code(freq, where=where)
    if isinstance(ts.dtype, pd.DatetimeTZDtype):
        if tz is None:
            raise ParameterError(f"{where}: pass tz=... (the audience's IANA zone) to bucket times by period.")
        ts = local_time(ts, tz)
    else:
        ts = pd.to_datetime(ts)
    return ts.dt.to_period(code)


def period_start(ts: pd.Series, freq: str, *, tz: str | None = None, where: str) -> pd.Series:
    """First day (naive, midnight) of the calendar period each time or date falls in (see :func:`periods`).

    >>> s = pd.Series(pd.to_datetime(["2026-03-01 23:30", "2026-03-04 08:00"]).tz_localize("UTC"))
    >>> period_start(s, "W", tz="Europe/Berlin", where="x").dt.strftime("%Y-%m-%d").tolist()
    ['2026-03-02', '2026-03-02']
    """
    return periods(ts, freq, tz=tz, where=where).dt.start_time.astype("datetime64[ns]")


def period_end(ts: pd.Series, freq: str, *, tz: str | None = None, where: str) -> pd.Series:
    """Last day (naive, midnight) of the calendar period each time or date falls in (see :func:`periods`)."""
    return periods(ts, freq, tz=tz, where=where).dt.end_time.dt.normalize().astype("datetime64[ns]")
