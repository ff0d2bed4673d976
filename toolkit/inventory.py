"""What is in a dataset: coverage per platform, which metrics each export reports, activity over time.

These tables answer "what did I load?" before any analysis: a platform missing here, a metric
never reported there, or a gap in the weeks is the first caveat of every later answer.
"""

from __future__ import annotations

import pandas as pd

from ._dates import parse_day
from .errors import ParameterError
from ._time import freq_code, period_start
from ._validate import did_you_mean, need_tz
from .schema import KNOWN_PLATFORMS, METRICS, require_columns

__all__ = ["coverage", "metrics", "activity", "select",
           "counts", "load_totals"]

# what the functions below read from each table of a dataset
_NEEDED = {"posts": ["platform", "account", "published_at", "source_file"],
           "comments": ["platform", "account", "is_owner", "published_at", "source_file"],
           "daily": ["platform", "account", "date", "source_file"]}


def _check_dataset(dataset, where: str) -> None:
    """Raise a ToolkitError unless ``dataset`` holds the three canonical tables (UTC times)."""
    if not all(hasattr(dataset, t) for t in _NEEDED):
        raise ParameterError(f"{where}: expected a dataset from toolkit.load() (with posts, comments and "
                             f"daily tables), found {type(dataset).__name__}.")
    for table, columns in _NEEDED.items():
        require_columns(getattr(dataset, table), columns, where=f"{where}, dataset.{table}", table=table)


def coverage(dataset, *, tz: str | None = None) -> pd.DataFrame:
    """One row per (table, platform): how many rows, accounts and days the data covers.

    Parameters
    ----------
    dataset : toolkit.io.Dataset
        The result of :func:`toolkit.load`.
    tz : str, optional
        The audience's IANA zone, in which first/last days are shown (default: the dataset's
        ``tz``, as given to :func:`toolkit.load`).

    Returns
    -------
    pandas.DataFrame
        Columns: table, platform, rows, accounts, first_day, last_day, days (calendar days from
        first to last, inclusive), files (source files contributing rows).
    """
    _check_dataset(dataset, "coverage(dataset)")
    tz = need_tz(tz, where="coverage()", dataset=dataset)
    rows = []
    for table, frame in (("posts", dataset.posts), ("comments", dataset.comments), ("daily", dataset.daily)):
        if frame.empty:
            continue
        when = frame["date"] if table == "daily" else frame["published_at"].dt.tz_convert(tz).dt.tz_localize(None)
        grouped = frame.assign(_day=when.dt.normalize()).groupby("platform", sort=True)
        agg = grouped.agg(rows=("platform", "size"), accounts=("account", "nunique"),
                          first_day=("_day", "min"), last_day=("_day", "max"), files=("source_file", "nunique"))
        agg["days"] = (agg["last_day"] - agg["first_day"]).dt.days + 1
        agg.insert(0, "table", table)
        rows.append(agg.reset_index())
    cols = ["table", "platform", "rows", "accounts", "first_day", "last_day", "days", "files"]
    if not rows:
        return pd.DataFrame(columns=cols)
    out = pd.concat(rows, ignore_index=True)[cols]
    out["first_day"] = out["first_day"].dt.date
    out["last_day"] = out["last_day"].dt.date
    return out


def metrics(posts: pd.DataFrame) -> pd.DataFrame:
    """Share of posts reporting each metric, per platform.

    ``<NA>`` means the export did not report the metric; a reported 0 counts as reported. A
    metric at 0 % cannot be used for that platform (so neither can a rate built on it).

    Returns
    -------
    pandas.DataFrame
        One row per platform. Columns: platform, posts, then one ``<metric>_reported_rate``
        column (0..1) per canonical metric.
    """
    require_columns(posts, ["platform"], where="metrics(posts)", table="posts")
    present = [m for m in METRICS if m in posts.columns]
    if posts.empty:
        return pd.DataFrame(columns=["platform", "posts"] + [f"{m}_reported_rate" for m in present])
    reported = posts[present].notna().astype(float)
    reported.columns = [f"{m}_reported_rate" for m in present]
    reported["platform"] = posts["platform"]
    out = reported.groupby("platform", sort=True).mean()
    out.insert(0, "posts", posts.groupby("platform", sort=True).size())
    return out.reset_index()


def activity(dataset, *, tz: str | None = None, freq: str = "W") -> pd.DataFrame:
    """Posts published and comments received per period and platform, in local time ``tz``.

    Parameters
    ----------
    dataset : toolkit.io.Dataset
    tz : str, optional
        The audience's IANA zone; periods are calendar weeks/months/days in this zone (default:
        the dataset's ``tz``).
    freq : {"D", "W", "M"}
        Day, week (starting Monday) or month ("day", "week", "month" work too).

    Returns
    -------
    pandas.DataFrame
        One row per (period, platform). Columns: period (the period's first day), platform,
        posts, comments (user comments, the account's own replies excluded), replies (by the
        account).
    """
    _check_dataset(dataset, "activity(dataset)")
    tz = need_tz(tz, where="activity()", dataset=dataset)
    freq_code(freq, where="activity()", allowed=("D", "W", "M"))

    def per_period(frame: pd.DataFrame, name: str) -> pd.Series:
        start = period_start(frame["published_at"], freq, tz=tz, where="activity()")
        return frame.assign(period=start).groupby(["period", "platform"]).size().rename(name)

    comments = dataset.comments
    parts = [per_period(dataset.posts, "posts"),
             per_period(comments[~comments["is_owner"]], "comments"),
             per_period(comments[comments["is_owner"]], "replies")]
    out = pd.concat(parts, axis=1).fillna(0).astype("int64").reset_index()
    return out.sort_values(["period", "platform"], ignore_index=True)


def _day(value, name: str, tz: str):
    """Midnight (in ``tz``) of a local day given as 'YYYY-MM-DD' or 'dd.mm.yyyy' (None stays None)."""
    day = parse_day(value, parameter=name)
    return None if day is None else pd.Timestamp(day).tz_localize(tz)


def select(dataset, *, date_from: str | None = None, date_to: str | None = None,
           platforms: list[str] | None = None, tz: str | None = None):
    """A copy of ``dataset`` limited to a period (local days in ``tz``, both ends included) and platforms.

    ``date_from`` and ``date_to`` are days written ``YYYY-MM-DD`` or ``dd.mm.yyyy`` (day first);
    a slash date such as ``06/01/2026`` is refused as ambiguous. ``tz`` is the audience's IANA zone
    (default: the dataset's ``tz``, as given to :func:`toolkit.load`). A platform name that is
    neither in the data nor a known platform is refused with the closest names. The load report is
    kept as it was (it describes the files, not the selection). Web-traffic rows are kept where
    their days overlap the period: daily rows are cut exactly, a download's period total cannot be
    split and stays whole when it overlaps; platforms do not apply to them.
    """
    from dataclasses import replace

    _check_dataset(dataset, "select(dataset)")
    tz = need_tz(tz, where="select()", dataset=dataset)
    start = _day(date_from, "date_from", tz)
    end = _day(date_to, "date_to", tz)
    end = end + pd.Timedelta(days=1) if end is not None else None
    if start is not None and end is not None and start >= end:
        raise ParameterError(f"select(date_from={date_from!r}, date_to={date_to!r}): the first day is after the "
                             "last day; swap them.")
    if isinstance(platforms, str):
        platforms = [platforms]
    plats = {str(p).lower() for p in platforms} if platforms else None
    if plats:
        present = sorted(set().union(*(set(getattr(dataset, t)["platform"].dropna().astype(str))
                                       for t in ("posts", "comments", "daily"))))
        for p in sorted(plats - set(present) - set(KNOWN_PLATFORMS)):
            raise ParameterError(f"select(): platforms=[{p!r}] is not a platform of this dataset"
                                 f"{did_you_mean(p, present or KNOWN_PLATFORMS)}; the data holds: "
                                 f"{', '.join(repr(x) for x in present) or 'no rows'}.")

    def keep(frame: pd.DataFrame, col: str) -> pd.DataFrame:
        mask = pd.Series(True, index=frame.index)
        when = frame[col]
        if col == "date":
            when = when.dt.tz_localize(tz)
        if start is not None:
            mask &= when >= start
        if end is not None:
            mask &= when < end
        if plats is not None:
            mask &= frame["platform"].isin(plats)
        return frame.loc[mask].reset_index(drop=True)

    out = replace(dataset, posts=keep(dataset.posts, "published_at"),
                  comments=keep(dataset.comments, "published_at"), daily=keep(dataset.daily, "date"))
    traffic = getattr(dataset, "traffic", None)
    if traffic is not None and len(traffic) and (start is not None or end is not None):
        first, last = traffic["date"], traffic["date_to"].fillna(traffic["date"])
        mask = pd.Series(True, index=traffic.index)
        if start is not None:
            mask &= ~(last < start.tz_localize(None)).fillna(False)
        if end is not None:
            mask &= ~(first >= end.tz_localize(None)).fillna(False)
        out = replace(out, traffic=traffic.loc[mask].reset_index(drop=True))
    return out


def counts(dataset) -> pd.DataFrame:
    """Posts and comments per platform: the first table of the overview.

    Parameters
    ----------
    dataset : toolkit.io.Dataset
        The result of :func:`toolkit.load` (or :func:`toolkit.report.prepare`).

    Returns
    -------
    pandas.DataFrame
        One row per platform with posts or comments, sorted by platform. Columns: platform,
        posts, comments (rows in each table; 0 where a platform has none).

    Examples
    --------
    >>> import toolkit as tk
    >>> ds = tk.load("tests/fixtures/core/posts_ok.csv", tz="UTC")  # doctest: +SKIP
    >>> tk.inventory.counts(ds)  # doctest: +SKIP
    """
    _check_dataset(dataset, "counts(dataset)")
    parts = {t: getattr(dataset, t)["platform"].astype("string").value_counts() for t in ("posts", "comments")}
    out = pd.DataFrame(parts).fillna(0).astype("int64").rename_axis("platform").sort_index()
    return out.reset_index().astype({"platform": "string"})


_LOAD_COUNTS = ["rows_read", "rows_loaded", "duplicates_dropped", "rows_rejected"]


def load_totals(dataset) -> pd.DataFrame:
    """Did every row arrive? The load report's row counts summed over all files.

    Parameters
    ----------
    dataset : toolkit.io.Dataset
        The result of :func:`toolkit.load` (or :func:`toolkit.report.prepare`).

    Returns
    -------
    pandas.DataFrame
        One row. Columns: rows_read, rows_loaded, duplicates_dropped, rows_rejected, accounted
        (True when rows_read = rows_loaded + duplicates_dropped + rows_rejected, as it must be).
    """
    report = getattr(dataset, "load_report", None)
    if not isinstance(report, pd.DataFrame) or not set(_LOAD_COUNTS) <= set(report.columns):
        raise ParameterError("load_totals(dataset): expected a dataset from toolkit.load() (with a load_report).")
    sums = {c: int(pd.to_numeric(report[c]).sum()) for c in _LOAD_COUNTS}
    sums["accounted"] = sums["rows_read"] == sums["rows_loaded"] + sums["duplicates_dropped"] + sums["rows_rejected"]
    return pd.DataFrame([sums])


def __dir__() -> list[str]:
    # dir() and tab completion offer the public names only, not the helpers this module imports
    return sorted(__all__)
