"""Past one machine's memory: run the toolkit's heavy analyses on a Dask cluster.

``tk.load(path, engine="dask", cache=DIR)`` reads the Parquet store (written from the exports on
the first run) as Dask DataFrames, one partition per platform and month. The analyses take them as
they take pandas tables, and run partition-wise on a ``dask.distributed`` cluster: a
``LocalCluster`` on this computer by default, or the cluster whose scheduler address you pass.

* Row-wise results stay lazy Dask DataFrames: ``tk.text.add_sentiment``, ``add_language``,
  ``sentiment``, ``hashtags`` / ``mentions`` / ``emoji`` / ``urls``, ``tk.community.reply_times``.
  Compute them (``.compute()``), write them (``.to_parquet(...)``) or aggregate them further.
* Aggregates come back as pandas DataFrames, equal to the pandas path:
  ``tk.community.response_rate``, ``care_summary``, ``negative_spikes``, ``workload``,
  ``tk.timing.audience_activity``, ``tk.text.keywords``, ``ngrams``.

Every other function takes pandas tables: compute a (filtered) Dask table first.

Partitions: small part files of the store are read together, up to 250,000 rows per partition
(``dask.config.set({"toolkit.partition-rows": N})`` changes it). Reply times need a comment and the
account's reply in one partition, so those functions shuffle the comments by post once (the
columns they read cross the network once); ``response_rate`` shuffles its per-comment rows a second
time by (platform, account, period) for exact medians.
The packages come with ``pip install 'social-media-research-toolkit[scale]'``; ``import toolkit``
does not import them.

Examples
--------
>>> import toolkit as tk
>>> client = tk.scale.client("tcp://scheduler:8786")              # doctest: +SKIP
>>> ds = tk.load("exports", engine="dask", cache="store", tz="Europe/Berlin")   # doctest: +SKIP
>>> tk.community.care_summary(ds.comments, tz=ds.tz)               # doctest: +SKIP
"""

from __future__ import annotations

import pandas as pd

from ._engine import INSTALL, is_dask, require_dask
from .errors import ParameterError

__all__ = ["client", "from_pandas", "is_dask", "INSTALL"]


def client(scheduler=None, *, n_workers: int | None = None, threads_per_worker: int = 1):
    """A ``distributed.Client`` for the Dask engine: the cluster at ``scheduler``, or a new LocalCluster.

    The client becomes Dask's default, so every Dask table computes on it afterwards (until it is
    closed). Without ``scheduler``, a client already running in this session is reused, else a
    ``LocalCluster`` of worker processes is started on this computer.

    Parameters
    ----------
    scheduler : str, distributed.Client or LocalCluster, optional
        A scheduler address such as ``"tcp://10.0.0.5:8786"`` (``dask scheduler`` prints it), a
        running client (returned as it is) or a cluster object. None: reuse or start a LocalCluster.
    n_workers : int, optional
        Worker processes of a new LocalCluster (default: one per core).
    threads_per_worker : int, default 1
        Threads per worker of a new LocalCluster. The text engines are pure Python, so one thread per
        process uses the cores best.

    Returns
    -------
    distributed.Client
        Connected; ``client.dashboard_link`` shows the cluster's progress.

    Raises
    ------
    ParameterError
        When dask/distributed are not installed (says how to install them), or ``scheduler`` is
        none of the above.

    Examples
    --------
    >>> import toolkit as tk
    >>> c = tk.scale.client(n_workers=2)               # doctest: +SKIP
    >>> c = tk.scale.client("tcp://10.0.0.5:8786")     # doctest: +SKIP
    """
    require_dask("tk.scale.client()")
    from distributed import Client

    if isinstance(scheduler, Client):
        return scheduler
    if scheduler is None:
        try:
            return Client.current(allow_global=True)
        except ValueError:  # no client yet
            pass
        # the client owns this LocalCluster: client.close() stops its workers too
        return Client(n_workers=n_workers, threads_per_worker=threads_per_worker, processes=True,
                      dashboard_address=":0")
    if isinstance(scheduler, str) or hasattr(scheduler, "scheduler_address"):
        return Client(scheduler)
    raise ParameterError(f"tk.scale.client(scheduler={scheduler!r}): expected a scheduler address such as "
                         "'tcp://10.0.0.5:8786', a distributed.Client or a cluster object, or None for a "
                         "LocalCluster on this computer.")


def from_pandas(table: pd.DataFrame, *, npartitions: int | None = None):
    """A pandas table as a Dask DataFrame, for the Dask engine (e.g. a table loaded with pandas).

    Parameters
    ----------
    table : pandas.DataFrame
        Any canonical table (or result table).
    npartitions : int, optional
        Partitions; default one per 100,000 rows (at least 1).

    Returns
    -------
    dask.dataframe.DataFrame
        The same rows, columns, dtypes and index, split in ``npartitions`` pieces in row order.

    Examples
    --------
    >>> import pandas as pd, toolkit as tk
    >>> d = tk.scale.from_pandas(pd.DataFrame({"text": ["a", "b", "c"]}), npartitions=2)  # doctest: +SKIP
    >>> d.npartitions                                                                       # doctest: +SKIP
    2
    """
    dd = require_dask("tk.scale.from_pandas()")
    if is_dask(table):
        return table
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(f"tk.scale.from_pandas(table): expected a pandas DataFrame, found "
                             f"{type(table).__name__}.")
    if npartitions is None:
        npartitions = max(1, -(-len(table) // 100_000))
    import dask

    with dask.config.set({"dataframe.convert-string": False}):  # keep the table's own dtypes
        return dd.from_pandas(table, npartitions=int(npartitions), sort=False)


def __dir__() -> list[str]:
    return sorted(__all__)
