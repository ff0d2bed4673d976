"""The Dask engine end to end (issue #14.4/#14.5): load from the Parquet store, sentiment, community tables.

Importable: :func:`run` takes a store folder and a ``distributed.Client`` and returns wall times per
step and the peak memory (RSS) of the client process and of every worker during each step::

    from distributed import Client
    import dask_engine                                  # bench/ on sys.path
    result = dask_engine.run("store", Client("tcp://..."))

From the command line it writes a store of ``--n`` generated comments (the sample comments copied
with new ids until ``n`` rows: every thread keeps its replies, one post per copy, so texts repeat the way
real comments do; times shifted by a week per copy), starts a LocalCluster (or connects to
``--scheduler``), runs the pipeline and prints the table::

    nice .venv/bin/python bench/dask_engine.py --n 1000000 --workers 2

Worker memory is sampled every 0.2 s with psutil from this process when the workers run on this
computer, else with ``client.run`` (then a busy worker answers late and a short peak can be missed).
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # _sampling

import toolkit as tk  # noqa: E402
from _sampling import Sampling  # noqa: E402

TZ = "Europe/Berlin"
MB = 2 ** 20


def _rss() -> int:
    import psutil

    return psutil.Process().memory_info().rss


class _Peaks(Sampling):
    """Peak RSS of this process and of the workers per step, sampled in a thread."""

    def __init__(self, client, every: float = 0.2):
        import psutil

        super().__init__(every)
        self.client = client
        info = client.run(lambda: (socket.gethostname(), os.getpid()))
        local = all(host == socket.gethostname() for host, _ in info.values())
        self.procs = {addr: psutil.Process(pid) for addr, (_, pid) in info.items()} if local else None
        self.step = None
        self.peaks: dict[str, dict] = {}

    def begin(self, step: str) -> None:
        self.step = step
        self.peaks[step] = {"client": 0, "workers": {}}
        self.sample()

    def _workers(self) -> dict:
        if self.procs is not None:
            out = {}
            for addr, proc in self.procs.items():
                try:
                    out[addr] = proc.memory_info().rss
                except Exception:  # noqa: BLE001  (a worker restarted by its nanny)
                    pass
            return out
        return self.client.run(_rss)

    def sample(self) -> None:
        step = self.step
        if step is None:
            return
        p = self.peaks[step]
        p["client"] = max(p["client"], _rss())
        for addr, rss in self._workers().items():
            p["workers"][addr] = max(p["workers"].get(addr, 0), rss)


def run(store, client, *, tz: str = TZ) -> dict:
    """The pipeline on the store at ``store`` with ``client``: wall seconds and peak RSS (MB) per step.

    Steps: ``load`` (read the comments from the store into the workers' memory), ``sentiment``
    (``add_sentiment``, kept in memory), ``community`` (care_summary, response_rate per week,
    negative_spikes per day, workload), ``activity`` (audience_activity), ``hashtags`` (hashtag counts
    and the top 100 keywords).

    Returns
    -------
    dict
        n_comments, partitions, workers, seconds {step: s}, total_seconds, client_peak_mb {step: MB},
        worker_peak_mb {step: {worker address: MB}}, worker_peak_mb_max (largest worker over all steps),
        results {name: small pandas table} (to check the output).
    """
    from distributed import wait

    seconds, results = {}, {}
    with _Peaks(client) as peaks:
        t_all = time.perf_counter()

        def step(name):
            peaks.begin(name)
            return time.perf_counter()

        t = step("load")
        ds = tk.load(store, engine="dask", scheduler=client, tz=None)
        comments = ds.comments.persist()
        wait(comments)
        n = int(comments.map_partitions(len).compute().sum())
        seconds["load"] = time.perf_counter() - t

        t = step("sentiment")
        scored = tk.text.add_sentiment(comments).persist()
        wait(scored)
        del comments
        seconds["sentiment"] = time.perf_counter() - t

        t = step("community")
        results["care_summary"] = tk.community.care_summary(scored, tz=tz)
        results["response_rate"] = tk.community.response_rate(scored, tz=tz, freq="W")
        results["negative_spikes"] = tk.community.negative_spikes(scored, tz=tz)
        results["workload"] = tk.community.workload(scored, tz=tz)
        seconds["community"] = time.perf_counter() - t

        t = step("activity")
        results["audience_activity"] = tk.timing.audience_activity(scored, tz=tz)
        seconds["activity"] = time.perf_counter() - t

        t = step("hashtags")
        tags = tk.text.hashtags(scored, id_cols=("platform", "comment_id"))
        results["hashtags"] = tags["hashtag"].value_counts().compute().head(20).rename("uses").reset_index()
        results["keywords"] = tk.text.keywords(scored, n=100)
        seconds["hashtags"] = time.perf_counter() - t
        peaks.step = None
        total = time.perf_counter() - t_all
        partitions = scored.npartitions
        del scored
    workers = {s: {a: round(v / MB, 1) for a, v in p["workers"].items()} for s, p in peaks.peaks.items()}
    return {"n_comments": n, "partitions": partitions, "workers": len(client.scheduler_info()["workers"]),
            "seconds": {k: round(v, 2) for k, v in seconds.items()}, "total_seconds": round(total, 2),
            "client_peak_mb": {s: round(p["client"] / MB, 1) for s, p in peaks.peaks.items()},
            "worker_peak_mb": workers,
            "worker_peak_mb_max": max((v for w in workers.values() for v in w.values()), default=0.0),
            "results": results}


def generate_store(folder, n: int, *, samples=ROOT / "data" / "samples") -> Path:
    """A store of ``n`` comments: the sample comments copied with new ids (see the module docstring)."""
    base = tk.load(samples, tz=TZ)
    c = base.comments
    copies = -(-n // len(c))
    k = np.repeat(np.arange(copies), len(c))[:n]
    rows = np.tile(np.arange(len(c)), copies)[:n]
    big = c.iloc[rows].reset_index(drop=True)
    suffix = pd.Series(k, dtype="int64").astype("string").radd("-")
    for col in ("post_id", "comment_id", "parent_id"):
        big[col] = (big[col] + suffix).astype(c[col].dtype)
    big["published_at"] = big["published_at"] + pd.to_timedelta(k % 104, unit="W")
    # a reply whose parent fell past n (the last copy is cut) keeps an unmatched parent id: harmless
    ds = tk.io.Dataset(base.posts, big, base.daily, base.load_report, base.rejected, TZ)
    return ds.to_parquet(Path(folder))


def _print(result: dict) -> None:
    print(f"{result['n_comments']:,} comments in {result['partitions']} partitions, {result['workers']} workers; "
          f"total {result['total_seconds']:.1f} s")
    print(f"{'step':<10} {'wall s':>8} {'client MB':>10} {'worker MB (max)':>16}")
    for s, sec in result["seconds"].items():
        w = result["worker_peak_mb"].get(s, {})
        print(f"{s:<10} {sec:>8.1f} {result['client_peak_mb'].get(s, 0):>10.0f} {max(w.values(), default=0):>16.0f}")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=200_000, help="generated comments (default 200,000)")
    ap.add_argument("--store", help="an existing store to use instead of generating one")
    ap.add_argument("--scheduler", help="scheduler address (default: a LocalCluster)")
    ap.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes (1 thread each)")
    args = ap.parse_args(argv)
    from distributed import Client, LocalCluster

    with tempfile.TemporaryDirectory() as tmp:
        store = Path(args.store) if args.store else generate_store(Path(tmp) / "store", args.n)
        if args.scheduler:
            with Client(args.scheduler) as client:
                _print(run(store, client))
            return
        with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                          dashboard_address=":0") as cluster, Client(cluster) as client:
            _print(run(store, client))


if __name__ == "__main__":
    main()
