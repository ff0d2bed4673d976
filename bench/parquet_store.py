"""The Parquet store against parsing the exports (issue #14.3).

Run: ``nice .venv/bin/python bench/parquet_store.py [--rows 1000000] [--keep DIR] [--skip-samples]``

Two folders: ``data/samples`` and a generated one (bench/_scale_data.py): ``--rows`` YouTube comments in the
Data API's commentThreads shape (files of 100,000) plus ``--rows // 10`` Meta Business Suite posts. For each,
in fresh Python processes (so each peak memory is that step's own, imports included):

- ``parse``: ``toolkit.load(folder)`` (what every run costs without a store);
- ``write``: the same load, then ``Dataset.to_parquet(store)``; the time shown is the write alone;
- ``read``: ``toolkit.load(store)`` (checked equal to the parse, ``assert_frame_equal`` on every table, in
  another process);
- ``cache hit``: ``toolkit.load(folder, cache=...)`` with unchanged inputs (fingerprints + read), after one
  run that wrote that cache.

Prints one Markdown table row per folder and step: wall seconds, CPU seconds of the step (user + system; less
sensitive to other people's load on a shared machine), peak resident memory (VmHWM, whole process), store size.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import _scale_data as gen  # noqa: E402

_CHILD = r"""
import json, resource, sys, time, warnings
warnings.simplefilter("ignore")
import pandas as pd
import toolkit as tk
step, folder, store, tz = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] or None
out = {}
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
if step == "write":  # the parse is not counted: only to_parquet
    ds = tk.load(folder, tz=tz, progress=False)
c, t = cpu(), time.perf_counter()
if step == "parse":
    ds = tk.load(folder, tz=tz, progress=False)
elif step == "write":
    ds.to_parquet(store)
elif step == "read":
    ds = tk.load(store)
elif step in ("prime", "hit"):
    ds = tk.load(folder, tz=tz, progress=False, cache=store + ".cache")
secs, cpus = time.perf_counter() - t, cpu() - c
if step == "verify":
    ds, ref = tk.load(store), tk.load(folder, tz=tz, progress=False)
    for name in ("posts", "comments", "daily", "traffic", "load_report", "rejected"):
        pd.testing.assert_frame_equal(getattr(ds, name), getattr(ref, name), check_exact=True)
    out["equal"] = True
hwm = [ln for ln in open("/proc/self/status") if ln.startswith("VmHWM")]
out.update(seconds=secs, cpu=cpus, peak_mb=int(hwm[0].split()[1]) / 1024, rows=len(ds.posts) + len(ds.comments))
print(json.dumps(out))
"""


def run(step: str, folder: Path, store: Path, tz: str) -> dict:
    res = subprocess.run([sys.executable, "-c", _CHILD, step, str(folder), str(store), tz], capture_output=True,
                         text=True, cwd=ROOT)
    if res.returncode:
        raise SystemExit(f"{step} on {folder} failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="generated comments (posts: a tenth)")
    ap.add_argument("--keep", type=Path, default=None, help="generate into / reuse this folder")
    ap.add_argument("--skip-samples", action="store_true")
    args = ap.parse_args(argv)
    base = args.keep or Path(tempfile.mkdtemp(prefix="parquet_store_"))
    big = base / f"exports_{args.rows}"
    if not big.exists():
        gen.youtube_comment_threads(big / "youtube", args.rows)
        gen.meta_posts_csv(big / "facebook", max(1, args.rows // 10))
    folders = ([("data/samples", ROOT / "data" / "samples", "Europe/Berlin")] if not args.skip_samples else []) + \
        [(f"generated {args.rows:,} comments + {max(1, args.rows // 10):,} posts", big, "UTC")]
    load = os.getloadavg()
    print(f"# Parquet store vs parsing; {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average "
          f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    print("\n| folder | rows (posts + comments) | input MB | step | seconds | CPU s | peak MB | store MB |")
    print("|---|---:|---:|---|---:|---:|---:|---:|")
    for label, folder, tz in folders:
        store = base / (folder.name + ".store")
        shutil.rmtree(store, ignore_errors=True)
        shutil.rmtree(str(store) + ".cache", ignore_errors=True)
        got = {step: run(step, folder, store, tz) for step in ("parse", "write", "read", "verify", "prime", "hit")}
        assert got["verify"].get("equal")
        mb_in, mb_store = size_mb(folder), size_mb(store)
        for step, name in (("parse", "parse the exports (load)"), ("write", "write the store (to_parquet)"),
                           ("read", "read the store (load(store))"), ("hit", "cache hit (load(..., cache=))")):
            r = got[step]
            print(f"| {label} | {r['rows']:,} | {mb_in:,.1f} | {name} | {r['seconds']:.2f} | {r['cpu']:.2f} | "
                  f"{r['peak_mb']:,.0f} | "
                  f"{mb_store:,.1f} |")
    load = os.getloadavg()
    print(f"\nload average after: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


if __name__ == "__main__":
    main()
