"""Input checks shared by every public function: the time zone, the kind of table, option values.

One definition each (issue #12.2, #19.3, #19.5):

- :func:`check_tz` - the time-zone validator (``toolkit.schema.check_tz`` is its public name);
- :func:`table_kind` / :func:`check_kind` - which canonical table a frame is, and a
  :class:`~toolkit.errors.SchemaError` when a function gets the wrong one (comments for posts...);
- :func:`did_you_mean` / :func:`check_choice` - "did you mean ...?" plus the valid names for an
  unknown column, metric, formula, platform or option value.

This module imports only :mod:`toolkit.errors`, so every other module (``io`` included) can use it.
"""

from __future__ import annotations

import difflib
import sys
import warnings
from collections.abc import Iterable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ParameterError, SchemaError

__all__ = ["check_tz", "need_tz", "table_kind", "check_kind", "did_you_mean", "check_choice", "refuse_overwrite", "user_stacklevel", "KINDS"]

# --------------------------------------------------------------------------------------------
# time zone


def check_tz(tz: str | None, *, parameter: str = "tz") -> str | None:
    """Return ``tz`` if it names an IANA zone (or is None), else raise :class:`ParameterError`.

    >>> check_tz("Europe/Berlin")
    'Europe/Berlin'
    >>> check_tz("Europe/Berlinn")
    Traceback (most recent call last):
    ...
    toolkit.errors.ParameterError: tz='Europe/Berlinn' is not an IANA time zone name (did you mean 'Europe/Berlin'?); use e.g. 'Europe/Berlin', 'America/New_York' or 'UTC'.
    """
    if tz is None:
        return None
    try:
        ZoneInfo(str(tz))
    except (ZoneInfoNotFoundError, ValueError):
        hint = _zone_hint(str(tz))
        raise ParameterError(f"{parameter}={tz!r} is not an IANA time zone name{hint}; use e.g. "
                             f"'Europe/Berlin', 'America/New_York' or 'UTC'.") from None
    return str(tz)


def _zone_hint(tz: str) -> str:
    try:
        from zoneinfo import available_timezones
        close = difflib.get_close_matches(tz, sorted(available_timezones()), n=1, cutoff=0.8)
    except Exception:  # no tz database listing: no hint
        close = []
    return f" (did you mean {close[0]!r}?)" if close else ""


def need_tz(tz: str | None, *, where: str, dataset=None) -> str:
    """The audience zone of a function that reads clock or calendar time.

    ``tz`` when given, else the dataset's zone (``ds.tz``, set by ``toolkit.load(path, tz=...)``). A call
    without either still works for one release, in UTC, with a :class:`DeprecationWarning` (before
    issue #12.3 these functions defaulted to UTC silently).
    """
    if tz is None and dataset is not None:
        tz = getattr(dataset, "tz", None)
    if tz is None:
        warnings.warn(f"{where}: pass tz=... (the audience's IANA zone, e.g. tz='Europe/Berlin'); without it "
                      "the days and hours are read in UTC. tz= becomes required in 0.3.",
                      DeprecationWarning, stacklevel=user_stacklevel())
        return "UTC"
    return check_tz(tz)


def user_stacklevel() -> int:
    """``stacklevel`` for a warning raised by the caller so that it points at the user's own line.

    Counts the frames inside the toolkit (decorators and inner helpers included) from the function
    that warns up to the first frame outside it.
    """
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_globals.get("__name__", "").split(".")[0] == "toolkit":
        frame, level = frame.f_back, level + 1
    return level


# --------------------------------------------------------------------------------------------
# kind of table

#: Canonical tables a function can take, with the columns that tell each one apart.
KINDS = {
    "comments": ("comment_id",),
    "daily": ("date", "metric", "value"),
    "traffic": ("tool", "breakdown", "sessions"),
    "posts": ("post_id", "published_at"),
}
_PASS = {"posts": "ds.posts", "comments": "ds.comments", "daily": "ds.daily", "traffic": "ds.traffic"}


def table_kind(frame) -> str | None:
    """Which canonical table ``frame`` is, from its canonical columns; None when none fits.

    A frame with ``comment_id`` is the comments table (it also has ``post_id``); one with ``date``,
    ``metric`` and ``value`` is the daily table; ``tool``/``breakdown``/``sessions`` mark traffic;
    ``post_id`` and ``published_at`` without those mark posts.
    """
    cols = set(getattr(frame, "columns", ()))
    for kind, marks in KINDS.items():
        if all(m in cols for m in marks):
            return kind
    return None


def check_kind(frame, expected: str | Iterable[str], *, where: str) -> None:
    """Raise :class:`SchemaError` when ``frame`` is a canonical table other than ``expected``.

    Frames that are no canonical table (a user's own frame, a result table) pass: their columns are
    checked by the function itself.
    """
    allowed = (expected,) if isinstance(expected, str) else tuple(expected)
    kind = table_kind(frame)
    if kind is None or kind in allowed:
        return
    want = " or ".join(f"the {a} table ({_PASS.get(a, a)})" for a in allowed)
    marks = ", ".join(KINDS[kind])
    raise SchemaError(f"{where}: got the {kind} table (it has {marks}); pass {want} instead.",
                      problems=[f"{kind} table where {' or '.join(allowed)} was expected"])


# --------------------------------------------------------------------------------------------
# option values


def did_you_mean(value, valid: Iterable) -> str:
    """``" (did you mean 'x'?)"`` for the closest valid names, or ``""`` when none is close.

    >>> did_you_mean("like", ["likes", "shares", "comments"])
    " (did you mean 'likes'?)"
    """
    names = [str(v) for v in valid]
    close = difflib.get_close_matches(str(value), names, n=2, cutoff=0.6)
    if not close:
        lower = {n.lower(): n for n in names}
        close = [lower[str(value).lower()]] if str(value).lower() in lower else []
    if not close:
        return ""
    return " (did you mean " + " or ".join(repr(c) for c in close) + "?)"


def refuse_overwrite(table, columns, *, overwrite: bool, where: str) -> None:
    """Raise :class:`ParameterError` when ``table`` already has any of ``columns`` and not ``overwrite``.

    ``add_*`` functions never replace a column silently: the message names the columns and both ways out.
    """
    clash = [c for c in columns if c in getattr(table, "columns", ())]
    if clash and not overwrite:
        raise ParameterError(f"{where}(): the table already has column(s) {clash}; pass overwrite=True to "
                             f"replace them, or drop them first (table.drop(columns={clash})).")


def check_choice(value, valid: Iterable, *, parameter: str, where: str, what: str = "value"):
    """Return ``value`` if it is one of ``valid``, else raise :class:`ParameterError` with the closest names.

    >>> check_choice("month", ["D", "W", "M"], parameter="freq", where="channel_kpis()")
    Traceback (most recent call last):
    ...
    toolkit.errors.ParameterError: channel_kpis(): freq='month' is not a known value; valid: 'D', 'W', 'M'.
    """
    names = list(valid)
    if value in names:
        return value
    raise ParameterError(f"{where}: {parameter}={value!r} is not a known {what}{did_you_mean(value, names)}; "
                         f"valid: {', '.join(repr(n) for n in names)}.")
