"""Assertions shared by the loader tests."""

from __future__ import annotations

import contextlib
import warnings


def assert_invariant(ds) -> None:
    """Every input row is loaded, a counted duplicate, or rejected with a reason."""
    r = ds.load_report
    assert (r.rows_read == r.rows_loaded + r.duplicates_dropped + r.rows_rejected).all(), r


@contextlib.contextmanager
def no_unreadable_rows_warning():
    """Rows skipped by design (reposts, totals rows, URI lists) are counted, not warned about."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    assert not [w for w in caught if "could not be read" in str(w.message)]


def load_or_error(path, *, errors: str, tz: str, table: str = "posts"):
    """``(table, load report, rejected rows)`` of ``tk.load(path)``, or ``(error type, message)`` when it
    raises a toolkit error: what a shortcut and the general path must both give."""
    import toolkit as tk
    from toolkit.errors import ToolkitError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ds = tk.load(path, errors=errors, progress=False, tz=tz)
    except ToolkitError as exc:
        return type(exc).__name__, str(exc)
    return getattr(ds, table), ds.load_report, ds.rejected


def assert_same_answer(fast, general) -> None:
    """Two :func:`load_or_error` answers are the same: the same error, or equal tables, report and rejects."""
    import pandas as pd

    if isinstance(general, tuple) and isinstance(general[0], str):
        assert fast == general
        return
    for a, b in zip(fast, general):
        pd.testing.assert_frame_equal(a, b)
