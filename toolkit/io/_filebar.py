"""The bar inside one large file, under :func:`toolkit.io.load`'s bar over files (issue #14.1).

``load()`` shows one bar over all files (by bytes, naming file k of n). A file of at least
``_base.FILE_BAR_MIN_ROWS`` records also gets a bar of its own while its records are parsed, so a
single export of a million comments shows movement: CSV files advance block by block
(``_base.read_csv_records``), JSON and text loaders record by record (:func:`tracked`) or block by
block (:func:`records_bar`). Outside ``load()``, or with ``progress=False``, no such bar is shown, and a
loop over records costs nothing extra.
"""

from __future__ import annotations

from . import _base

#: Records between two updates of a bar (an update per record would cost more than the record).
STEP = 1 << 14


def _on(total: int, min_total: int | None) -> bool:
    from .._progress import wanted

    return total >= (_base.FILE_BAR_MIN_ROWS if min_total is None else min_total) \
        and wanted(_base.FILE_PROGRESS.get())


def records_bar(total: int, name: str, *, unit: str = "record", min_total: int | None = None):
    """A tqdm bar over ``total`` units of the file ``name``; disabled unless ``total`` reaches
    ``min_total`` (default ``_base.FILE_BAR_MIN_ROWS``) and the running ``load()`` shows progress.
    Advance it with ``bar.update(n)``; use it in a ``with``."""
    from .._progress import bar

    return bar(progress=_on(total, min_total), total=total, desc=f"reading {name}".strip(), unit=unit,
               unit_scale=True, leave=False, position=1)


def tracked(items, name: str, *, unit: str = "record"):
    """``items`` (a list) as they are, or, for a large file while ``load()`` shows progress, an iterator
    over them that advances a bar of its own every :data:`STEP` items."""
    if not _on(len(items), None):
        return items
    return _walk(items, name, unit)


def _walk(items, name: str, unit: str):
    with records_bar(len(items), name, unit=unit) as bar:
        for k in range(0, len(items), STEP):
            yield from items[k:k + STEP]
            bar.update(min(STEP, len(items) - k))
