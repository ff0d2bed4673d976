"""The Arrow memory pool :func:`toolkit.io.load` parses with.

pyarrow's default pool on Linux and Windows is mimalloc (3.x in pyarrow 26). It gives memory that a
parse frees back to the system after a second (``purge_delay`` 1000 ms, ``purge_decommits``), and
the next buffers then fault in fresh pages that the kernel zeroes first. Reading CSV exports
allocates and frees a few buffers per 4 MB block of every file, so a first load of a 160 MB
folder spent about 0.6 s of its 1.9 s in the kernel zeroing pages (``perf``: ``clear_page_erms``
under Arrow's string builders); a second load in the same process did not. jemalloc, which pyarrow
also ships on Linux and macOS, keeps freed pages for reuse a little longer: the first load of that
folder took a quarter less CPU time (median 1.55 s against 2.04 s) and its peak memory fell from 554
to 482 MB (docs/benchmarks.md, "Loaders at scale"). The tables are the same whichever pool holds
their bytes.

So ``load()`` makes jemalloc Arrow's default pool while it parses, and puts back the pool it
found afterwards: buffers remember the pool they came from, so tables made during the load stay
valid and are freed to it later. The pool is not changed when

- this pyarrow has no jemalloc (``pyarrow.jemalloc_memory_pool`` raises ``NotImplementedError``:
  Windows wheels), or pyarrow is not installed;
- the user chose a pool (the ``ARROW_DEFAULT_MEMORY_POOL`` environment variable), or the pool is
  already jemalloc.
"""

from __future__ import annotations

import contextlib
import os
import threading

_LOCK = threading.Lock()
_DEPTH = [0]
_SAVED: list = []


def _jemalloc():
    """pyarrow's jemalloc pool, or None (no pyarrow, or built without jemalloc)."""
    try:
        import pyarrow as pa

        return pa.jemalloc_memory_pool()
    except (ImportError, NotImplementedError, AttributeError):
        return None


@contextlib.contextmanager
def parsing_pool():
    """Arrow's default memory pool is jemalloc inside the ``with`` block (see the module docstring).

    Re-entrant and safe across threads: the pool found by the outermost block is put back when the
    last open block ends. Yields the pool in use (None when it was left alone).

    Examples
    --------
    >>> with parsing_pool():
    ...     pass
    """
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        yield None
        return
    pool = _jemalloc()
    if pool is None:
        yield None
        return
    import pyarrow as pa

    with _LOCK:
        if _DEPTH[0] == 0:
            before = pa.default_memory_pool()
            _SAVED[:] = [before]
            if before.backend_name != pool.backend_name:
                pa.set_memory_pool(pool)
        _DEPTH[0] += 1
    try:
        yield pool
    finally:
        with _LOCK:
            _DEPTH[0] -= 1
            if _DEPTH[0] == 0:
                pa.set_memory_pool(_SAVED.pop())
