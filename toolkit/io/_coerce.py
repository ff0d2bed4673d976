"""``pd.to_datetime(..., errors="coerce")`` that keeps its promise on any text (bug found in #14.1 work).

pandas matches month and day names (``%a``, ``%A``, ``%b``, ``%B``) with a case-insensitive regular
expression, in which ``ſ`` (long s), ``ı`` (dotless i), ``İ`` and ``K`` (Kelvin sign) match ``s``, ``i``
and ``k``; the name is then looked up lower-cased, is not found, and ``to_datetime`` raises ``KeyError``
even with ``errors="coerce"`` (``'ſep 20, 2026'``, ``'Frı, Apr 26, 2024'``). Such a cell is a bad date
like any other: here it becomes NaT, so the loader reports its line and column.
"""

from __future__ import annotations

import pandas as pd

#: Cells that hold any character outside ASCII: the only ones that can make pandas' name lookup fail
#: (English month and day names are ASCII, so none of these cells can be read by such a format).
_NON_ASCII = r"[^\x00-\x7f]"


def to_datetime(values, **kw):
    """``pd.to_datetime(values, errors="coerce", **kw)``; a cell that makes pandas raise ``KeyError``
    (a name with a letter that case-folds to ASCII) is NaT instead. ``values``: a Series, or one string."""
    try:
        return pd.to_datetime(values, errors="coerce", **kw)
    except KeyError:
        pass
    if not isinstance(values, pd.Series):  # one value: it is the cell that failed
        return pd.NaT
    text = values.astype("string")
    odd = text.str.contains(_NON_ASCII, regex=True, na=False)
    return pd.to_datetime(values.where(~odd.to_numpy(dtype=bool)), errors="coerce", **kw)
