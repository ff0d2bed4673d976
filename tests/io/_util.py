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
