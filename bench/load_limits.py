"""Peak memory and time of ``toolkit.load`` on hostile and very large inputs (issue #18.3).

Run: ``.venv/bin/python bench/load_limits.py [--accept-mb 100] [--probe N]``

Builds, in a temporary folder:

- ``bomb.zip``: one CSV member that unpacks to 1 GiB (a few MB on disk);
- ``liar.zip``: the same archive with size headers patched to claim 1,000 bytes (a header that
  lies, so the declared-size check cannot see the bomb);
- ``accepted.zip``: a realistic generic posts CSV of ``--accept-mb`` MB, which is loaded;
- ``wide_unnamed.csv``: 590 KB, 10 rows and 50,000 empty columns without a name (a spreadsheet's
  trailing ``,,,,``), and ``wide_named.csv``: 50,000 empty named columns;
- ``deep.json``: JSON nested 100,000 levels.

and runs ``load()`` on each in a fresh Python process, printing the outcome, the wall time and
the process's peak resident memory (``ru_maxrss``), next to an empty run (import only). With
``--probe N`` it also runs a probe corpus of N mutated files (tests/io/_probe.py, a different seed
than the test's) and prints the outcome counts. Nothing is written outside the temporary folder.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CHILD = r"""
import json, resource, sys, time, warnings
t0 = time.perf_counter()
import toolkit as tk
out = {"outcome": "import only"}
if sys.argv[1] != "-":
    warnings.simplefilter("ignore")
    t = time.perf_counter()
    try:
        ds = tk.load(sys.argv[1], tz="UTC", progress=False)
        bad = ds.unreadable
        out["outcome"] = (f"loaded {len(ds.posts):,} posts" + (f"; unreadable: {bad.notes.iloc[0][:150]}" if len(bad) else ""))
    except Exception as exc:
        out["outcome"] = f"{type(exc).__name__}: {str(exc)[:220]}"
    out["seconds"] = time.perf_counter() - t
# VmHWM: this process's peak resident memory (ru_maxrss would include the parent's at fork time)
hwm = [ln for ln in open("/proc/self/status") if ln.startswith("VmHWM")]
out["peak_mb"] = int(hwm[0].split()[1]) / 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def measure(path: Path | None, timeout: float = 600) -> dict:
    """Run load() on ``path`` in a fresh process; outcome, seconds and peak RSS in MB."""
    start = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, "-c", _CHILD, path.name if path else "-"], capture_output=True,
                              text=True, timeout=timeout, cwd=path.parent if path else None)
    except subprocess.TimeoutExpired:
        return {"outcome": f"no answer within {timeout:.0f} s", "seconds": timeout, "peak_mb": float("nan")}
    if proc.returncode:
        return {"outcome": f"process failed: {proc.stderr[-300:]}", "seconds": time.perf_counter() - start,
                "peak_mb": float("nan")}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bomb(path: Path, size: int = 1024**3) -> Path:
    """A zip whose one CSV member unpacks to ``size`` bytes: rows that repeat every 100 (a few MB)."""
    row = "facebook,{i},2024-03-01T10:00:00Z,5\n"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open("posts/Mar-01-2024_Mar-31-2024.csv", "w", force_zip64=True) as fh:
            fh.write(b"platform,post_id,published_at,likes\n")
            written = 0
            block = "".join(row.format(i=i % 100) for i in range(30_000)).encode()
            while written + len(block) <= size:
                fh.write(block)
                written += len(block)
            fh.write(b"0" * (size - written - 37))
    return path


def liar(src: Path, path: Path, claimed: int = 1000) -> Path:
    """``src`` with the member's uncompressed size patched to ``claimed`` in both headers."""
    raw = bytearray(src.read_bytes())
    info = zipfile.ZipFile(src).infolist()[0]
    local = info.header_offset
    name_len = int.from_bytes(raw[local + 26:local + 28], "little")
    extra_len = int.from_bytes(raw[local + 28:local + 30], "little")
    central = raw.rindex(b"PK\x01\x02")
    raw[local + 22:local + 26] = claimed.to_bytes(4, "little")
    raw[central + 24:central + 28] = claimed.to_bytes(4, "little")
    for start, length in ((local + 30 + name_len, extra_len),
                          (central + 46 + int.from_bytes(raw[central + 28:central + 30], "little"),
                           int.from_bytes(raw[central + 30:central + 32], "little"))):
        extra = raw[start:start + length]  # zip64 extra field: sizes are 8 bytes each
        i = extra.find(b"\x01\x00")
        if i >= 0:
            raw[start + i + 4:start + i + 12] = claimed.to_bytes(8, "little")
    path.write_bytes(bytes(raw))
    return path


def accepted(path: Path, mb: int) -> Path:
    """A generic posts CSV of about ``mb`` MB, zipped: what a large real export looks like."""
    lines = ["platform,account,post_id,published_at,text,likes,comments,shares\n"]
    size, i = 0, 0
    while size < mb * 1024**2:
        line = (f"instagram,acc{i % 50},{10**15 + i},2025-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:15:00Z,"
                f"\"Post number {i} about coffee, cake and the weekend ☕ #kaffee #{i % 97}\",{i % 500},{i % 40},"
                f"{i % 7}\n")
        lines.append(line)
        size += len(line.encode())
        i += 1
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("posts.csv", "".join(lines))
    return path


def wide(path: Path, named: bool, columns: int = 50_000) -> Path:
    extra = ("," + ",".join(f"c{i}" for i in range(columns))) if named else "," * columns
    rows = ["platform,post_id,published_at,likes" + extra]
    rows += [f"x,{i},2024-03-01T10:00:00Z,{i}" + "," * columns for i in range(10)]
    path.write_text("\n".join(rows) + "\n")
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accept-mb", type=int, default=100)
    ap.add_argument("--probe", type=int, default=0)
    args = ap.parse_args()
    print(f"machine: {platform.node()} {platform.machine()}, Python {platform.python_version()}, "
          f"{time.strftime('%Y-%m-%d')}")
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        t = time.perf_counter()
        b = bomb(d / "bomb.zip")
        print(f"built bomb.zip: {b.stat().st_size / 1024**2:.1f} MB on disk, 1,024 MB unpacked "
              f"({time.perf_counter() - t:.0f} s)")
        inputs = {
            "import only": None,
            "bomb.zip (1 GiB member)": b,
            "liar.zip (same, headers say 1,000 B)": liar(b, d / "liar.zip"),
            f"accepted.zip ({args.accept_mb} MB CSV member)": accepted(d / "accepted.zip", args.accept_mb),
            "wide_unnamed.csv (50,000 empty columns)": wide(d / "wide_unnamed.csv", named=False),
            "wide_named.csv (50,000 named empty columns)": wide(d / "wide_named.csv", named=True),
        }
        (d / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
        inputs["deep.json (100,000 levels)"] = d / "deep.json"
        print(f"\n{'input':44} {'on disk':>10} {'seconds':>8} {'peak RSS':>9}  outcome")
        for label, path in inputs.items():
            r = measure(path)
            disk = f"{path.stat().st_size / 1024:,.0f} KB" if path else ""
            secs = f"{r['seconds']:.2f}" if "seconds" in r else ""
            print(f"{label:44} {disk:>10} {secs:>8} {r['peak_mb']:>6.0f} MB  {r['outcome']}")
        if args.probe:
            sys.path.insert(0, str(ROOT))
            from tests.io import _probe
            cases = _probe.cases(args.probe, seed=2026)
            t = time.perf_counter()
            counts, failures = _probe.run_all(cases, d / "probe")
            print(f"\nprobe corpus: {len(cases)} cases (seed 2026) in {time.perf_counter() - t:.0f} s")
            for mode, c in counts.items():
                print(f"  {mode:7} " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))
            for f in failures[:20]:
                print("  FAILURE", f[0], f[1], f[2], f[3][:200], "|", f[4][:80])


if __name__ == "__main__":
    main()
