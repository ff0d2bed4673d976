"""Loaders at scale: ``toolkit.load`` against a hand-written json/csv + pandas reader (issue #14.1).

Run: ``nice .venv/bin/python bench/loaders_scale.py [--rows 1000000] [--only youtube_comment_threads]
[--keep DIR]``

For each loader it generates ``--rows`` rows in the loader's real format (bench/_scale_data.py;
files of at most 100,000 rows, as platforms paginate or split exports), or the largest size the format
realistically reaches when that is smaller (``MAX_ROWS``: one account's Meta/Threads archive, one
Mastodon outbox, one Bluesky repository), then measures in a fresh Python process each:

- ``toolkit``: ``toolkit.load(folder, tz="UTC", progress=False)`` (canonical tables, checks, load report);
- ``hand``: the shortest honest reader an analyst would write: ``json.load`` / ``pd.read_csv``,
  one ``pd.DataFrame``, the dates parsed once per column with ``pd.to_datetime``, ``pd.concat``;
- ``same`` (CSV loaders): the hand-written pandas reader that gives *the same table* as ``toolkit.load``
  (canonical columns, values, dtypes and row order; bench/_same_posts.py, bench/_same_traffic.py, whose
  ``check`` proves the equality and tests/test_bench_same_*.py keeps it), without checks or load report.

The readers take turns (toolkit, hand, same, toolkit, ...). Each measurement gives wall time of the call
and the process's peak resident memory (VmHWM, which includes the import of pandas, or of the toolkit);
the table shows medians and the ratios toolkit / hand and toolkit / same. Progress bars: one overall
(measurements), one per generated file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tqdm.auto import tqdm

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import _scale_data as gen  # noqa: E402


# --- hand-written readers (what the toolkit must not be much slower or bigger than) ----------------

def hand_youtube_comment_threads(folder: str):
    import pandas as pd
    frames = []
    for path in sorted(Path(folder).glob("*.json")):
        with open(path, encoding="utf-8") as fh:
            pages = json.load(fh)
        rows = []
        for page in pages:
            for th in page["items"]:
                top = th["snippet"]["topLevelComment"]
                for c in [top] + th.get("replies", {}).get("comments", []):
                    s = c["snippet"]
                    rows.append({"post_id": s["videoId"], "comment_id": c["id"], "parent_id": s.get("parentId"),
                                 "author": s["authorDisplayName"], "published_at": s["publishedAt"],
                                 "text": s["textOriginal"], "likes": s["likeCount"]})
        df = pd.DataFrame(rows)
        df["published_at"] = pd.to_datetime(df["published_at"], utc=True)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def hand_meta_posts_csv(folder: str):
    import pandas as pd
    frames = []
    for path in sorted(Path(folder).glob("*.csv")):
        df = pd.read_csv(path, dtype={"Post ID": str, "Page ID": str}, thousands=",")
        df["Publish time"] = pd.to_datetime(df["Publish time"], format="%m/%d/%Y %H:%M").dt.tz_localize("UTC")
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def hand_x_archive_tweets(folder: str):
    import pandas as pd
    frames = []
    for path in sorted((Path(folder) / "data").glob("tweets*.js")):
        text = path.read_text(encoding="utf-8")
        df = pd.DataFrame([item["tweet"] for item in json.loads(text[text.index("=") + 1:])])
        df["created_at"] = pd.to_datetime(df["created_at"], format="%a %b %d %H:%M:%S %z %Y", utc=True)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def hand_generic_posts_csv(folder: str):
    import pandas as pd
    frames = []
    for path in sorted(Path(folder).glob("*.csv")):
        df = pd.read_csv(path, dtype={"post_id": str, "account": str})
        df["published_at"] = pd.to_datetime(df["published_at"], utc=True, format="ISO8601")
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


# === CSV-shaped loaders (TikTok, X analytics, YouTube Studio, LinkedIn, GA4, UA, Matomo; branch csv-fast) ====
# The same honest reader for each: pd.read_csv (skipping the format's preamble), one pd.to_datetime per
# date column, pd.concat; no checks, no load report.

def _read_all(paths, read):
    import pandas as pd
    return pd.concat([read(p) for p in sorted(paths)], ignore_index=True)


def hand_tiktok_content_csv(folder: str):
    import pandas as pd

    def read(path):
        df = pd.read_csv(path, dtype={"Video link": str})
        df["Post time"] = pd.to_datetime(df["Post time"], format="%Y-%m-%d %H:%M:%S").dt.tz_localize("UTC")
        return df
    return _read_all(Path(folder).glob("*.csv"), read)


def hand_x_tweet_activity_csv(folder: str):
    import pandas as pd

    def read(path):
        df = pd.read_csv(path, dtype={"Tweet id": str})
        df["time"] = pd.to_datetime(df["time"], format="ISO8601", utc=True)  # ('2025-12-19 17:34 +0000': the
        # fastest spelling; format="%Y-%m-%d %H:%M %z" takes 0.55 s per 100k rows, 18x as long)
        return df
    return _read_all(Path(folder).glob("*.csv"), read)


def hand_youtube_studio_zip(folder: str):
    import zipfile

    import pandas as pd

    def read(path):
        with zipfile.ZipFile(path) as zf, zf.open("Table data.csv") as fh:
            df = pd.read_csv(fh)
        df = df[df["Content"] != "Total"]
        df["Video publish time"] = pd.to_datetime(df["Video publish time"], format="%Y-%m-%d %H:%M:%S"
                                                  ).dt.tz_localize("UTC")
        return df
    return _read_all(Path(folder).glob("*.zip"), read)


def hand_linkedin_content_xlsx(folder: str):
    import pandas as pd

    def read(path):
        df = pd.read_excel(path, sheet_name="All posts", skiprows=1)
        df["Created date"] = pd.to_datetime(df["Created date"], format="%m/%d/%Y").dt.tz_localize("UTC")
        return df
    return _read_all(Path(folder).glob("*.xlsx"), read)


def hand_ga4_csv(folder: str):
    import pandas as pd

    def read(path):
        df = pd.read_csv(path, comment="#", skiprows=[10], dtype={"Date": str})  # the Grand total row
        df["Date"] = pd.to_datetime(df["Date"], format="%Y%m%d")
        return df
    return _read_all(Path(folder).glob("*.csv"), read)


def hand_ua_csv(folder: str):
    import pandas as pd

    def read(path):
        df = pd.read_csv(path, skiprows=6, thousands=",")
        return df[df["Source / Medium"].notna()]
    return _read_all(Path(folder).glob("*.csv"), read)


def hand_matomo_visits_csv(folder: str):
    import pandas as pd

    def read(path):
        df = pd.read_csv(path, encoding="utf-16", dtype={"visitorId": str})
        df["lastActionDateTime"] = pd.to_datetime(df["lastActionDateTime"], format="%Y-%m-%d %H:%M:%S"
                                                  ).dt.tz_localize("UTC")
        return df
    return _read_all(Path(folder).glob("*.csv"), read)


#: name -> (generator, hand reader, canonical table, default rows: the largest size the format
#: reaches, see docs/benchmarks.md "Loaders at scale")
CSV_CASES = {
    "tiktok_content_csv": (gen.tiktok_content_csv, hand_tiktok_content_csv, "posts", 100_000),
    "x_tweet_activity_csv": (gen.x_tweet_activity_csv, hand_x_tweet_activity_csv, "posts", 100_000),
    "youtube_studio_zip": (gen.youtube_studio_zip, hand_youtube_studio_zip, "posts", 100_000),
    "linkedin_content_xlsx": (gen.linkedin_content_xlsx, hand_linkedin_content_xlsx, "posts", 100_000),
    "ga4_csv": (gen.ga4_csv, hand_ga4_csv, "traffic", 1_000_000),
    "ua_csv": (gen.ua_csv, hand_ua_csv, "traffic", 100_000),
    "matomo_visits_csv": (gen.matomo_visits_csv, hand_matomo_visits_csv, "traffic", 1_000_000),
}


#: name -> (generator(folder, n, progress), hand reader, canonical table)
CASES = {
    "youtube_comment_threads": (gen.youtube_comment_threads, hand_youtube_comment_threads, "comments"),
    "meta_posts_csv": (gen.meta_posts_csv, hand_meta_posts_csv, "posts"),
    "x_archive_tweets": (gen.x_archive_tweets, hand_x_archive_tweets, "posts"),
    "generic_posts_csv": (gen.generic_posts_csv, hand_generic_posts_csv, "posts"),
}
CASES.update({k: v[:3] for k, v in CSV_CASES.items()})


# =================================================================================================
# JSON and text loaders (issue #14.1, branch json-scale): hand readers, cases and the sizes used.
# Each hand reader: json.load (or the text, or libipld for the CAR), the fields the canonical table
# needs into one pd.DataFrame per file, each date column parsed once, pd.concat.
# =================================================================================================

def _hand_unmoji(s):
    """Meta's per-byte escapes undone column-wise (what an analyst who knows the bug writes)."""
    return s.str.encode("latin-1", errors="ignore").str.decode("utf-8", errors="replace")


def _each_file(paths, frame_of):
    """``pd.concat`` of ``frame_of(path)`` for every file, in name order."""
    import pandas as pd
    return pd.concat([frame_of(p) for p in sorted(paths)], ignore_index=True)


def _json(path: Path):
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _dyi_frame(rows: list[dict]):
    """Meta/Threads archive rows: the text's escapes undone, the Unix time ``ts`` parsed once."""
    import pandas as pd
    df = pd.DataFrame(rows)
    df["text"] = _hand_unmoji(df["text"])
    df["published_at"] = pd.to_datetime(df["ts"], unit="s", utc=True)
    return df


def hand_meta_dyi_json(folder: str):
    def frame(path):
        recs = _json(path)
        if "post_comments" in path.name:
            return _dyi_frame([{"ts": r["string_map_data"]["Time"]["timestamp"],
                                "text": r["string_map_data"]["Comment"]["value"],
                                "media_owner": r["string_map_data"]["Media Owner"]["value"]} for r in recs])
        return _dyi_frame([{"ts": r["timestamp"], "text": r["data"][0]["post"],
                            "media": [d.get("media", {}).get("uri") for a in r.get("attachments", [])
                                      for d in a["data"]]} for r in recs])
    return _each_file(Path(folder).rglob("*.json"), frame)


def hand_threads_dyi_json(folder: str):
    def frame(path):
        return _dyi_frame([{"ts": r.get("creation_timestamp", r["media"][0]["creation_timestamp"]),
                            "text": r.get("title", r["media"][0]["title"]),
                            "is_reply": r["media"][0]["text_app_post"]["is_reply"],
                            "uri": r["media"][0].get("uri")} for r in _json(path)["text_post_app_text_posts"]])
    return _each_file(Path(folder).rglob("threads_and_replies.json"), frame)


def hand_mastodon_outbox(folder: str):
    import pandas as pd

    def frame(path):
        df = pd.DataFrame([{"id": a["object"]["id"], "published": a["object"]["published"],
                            "content": a["object"]["content"], "url": a["object"]["url"],
                            "in_reply_to": a["object"]["inReplyTo"], "summary": a["object"]["summary"],
                            "tags": [t["name"] for t in a["object"]["tag"]]}
                           for a in _json(path)["orderedItems"] if a["type"] == "Create"])
        df["text"] = df["content"].str.replace(r"<[^>]+>", "", regex=True)
        df["published_at"] = pd.to_datetime(df["published"], utc=True, format="ISO8601")
        return df
    return _each_file(Path(folder).rglob("outbox.json"), frame)


def hand_bluesky_car(folder: str):
    import libipld
    import pandas as pd

    def frame(path):
        header, blocks = libipld.decode_car(path.read_bytes())
        rows, stack = [], [blocks[header["roots"][0]]["data"]]
        while stack:  # the repository's tree gives each record its key (the post id)
            node = blocks.get(stack.pop())
            if node is None:
                continue
            stack += [node["l"]] if node["l"] else []
            prev = b""
            for e in node["e"]:
                key = prev[:e["p"]] + e["k"]
                prev = key
                rec = blocks.get(e["v"])
                if rec.get("$type") == "app.bsky.feed.post":
                    rows.append({"key": key.decode(), "text": rec["text"], "createdAt": rec["createdAt"],
                                 "reply_root": rec.get("reply", {}).get("root", {}).get("uri")})
                if e["t"]:
                    stack.append(e["t"])
        df = pd.DataFrame(rows)
        df["published_at"] = pd.to_datetime(df["createdAt"], utc=True, format="ISO8601")
        return df
    return _each_file(Path(folder).glob("*.car"), frame)


def hand_whatsapp_chat(folder: str):
    import pandas as pd

    def frame(path):
        lines = pd.Series(path.read_text(encoding="utf-8").split("\n"))
        df = lines.str.extract(r"^(\d\d\.\d\d\.\d\d, \d\d:\d\d) - ([^:]+): (.*)$").dropna()
        df.columns = ["when", "author", "text"]
        df["published_at"] = pd.to_datetime(df["when"], format="%d.%m.%y, %H:%M").dt.tz_localize("UTC")
        return df
    return _each_file(Path(folder).glob("*.txt"), frame)


def hand_ga4_api_json(folder: str):
    import pandas as pd

    def frame(path):
        rep = _json(path)
        cols = [h["name"] for h in rep["dimensionHeaders"]] + [h["name"] for h in rep["metricHeaders"]]
        df = pd.DataFrame([[c["value"] for c in r["dimensionValues"]] + [c["value"] for c in r["metricValues"]]
                           for r in rep["rows"]], columns=cols)
        for c in cols[len(rep["dimensionHeaders"]):]:
            df[c] = pd.to_numeric(df[c])
        df["date"] = pd.to_datetime(df["date"], format="%Y%m%d")
        return df
    return _each_file(Path(folder).glob("*.json"), frame)


CASES.update({
    "meta_dyi_json": (gen.meta_dyi_json, hand_meta_dyi_json, "posts+comments"),
    "threads_dyi_json": (gen.threads_dyi_json, hand_threads_dyi_json, "posts+comments"),
    "mastodon_outbox": (gen.mastodon_outbox, hand_mastodon_outbox, "posts"),
    "bluesky_car": (gen.bluesky_car, hand_bluesky_car, "posts+comments"),
    "whatsapp_chat": (gen.whatsapp_chat, hand_whatsapp_chat, "comments"),
    "ga4_api_json": (gen.ga4_api_json, hand_ga4_api_json, "traffic"),
})

#: The largest size a format realistically reaches, used instead of ``--rows`` when smaller (the
#: reasons are in docs/benchmarks.md, "JSON and text loaders").
MAX_ROWS = {
    "meta_dyi_json": 200_000,     # one account's own posts and comments (a very active page over ten years)
    "threads_dyi_json": 100_000,  # one account's threads and replies since 2023, one file
    "mastodon_outbox": 150_000,   # one outbox.json; 150k activities are ~250 MB, the per-file limit (LIMITS)
    "bluesky_car": 200_000,       # posts and replies of one repository (+ as many likes/reposts/follows)
}

_CHILD = r"""
import json, resource, sys, time, warnings
sys.path.insert(0, sys.argv[4])
mode, case, folder = sys.argv[1], sys.argv[2], sys.argv[3]
warnings.simplefilter("ignore")
if mode == "toolkit":
    import toolkit as tk
    load = tk.load  # imports toolkit.io (lazy) before the clock starts, as the hand reader imports pandas
    t = time.perf_counter()
    ds = load(folder, tz="UTC", progress=False)
    rows = sum(len(getattr(ds, t)) for t in sys.argv[5].split("+"))
elif mode == "same":
    import pandas as pd
    import loaders_scale
    reader = loaders_scale.same_table_readers()[case]
    t = time.perf_counter()
    rows = len(reader(folder))
else:
    import pandas as pd
    import loaders_scale
    t = time.perf_counter()
    rows = len(loaders_scale.CASES[case][1](folder))
secs = time.perf_counter() - t
hwm = [ln for ln in open("/proc/self/status") if ln.startswith("VmHWM")]
peak = int(hwm[0].split()[1]) / 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": secs, "peak_mb": peak, "rows": rows}))
"""


def measure(mode: str, case: str, folder: Path) -> dict:
    """One measurement in a fresh process (so peak memory is this reader's alone)."""
    table = CASES[case][2]
    res = subprocess.run([sys.executable, "-c", _CHILD, mode, case, str(folder), str(HERE), table],
                         capture_output=True, text=True, cwd=ROOT)
    if res.returncode:
        raise SystemExit(f"{mode} on {case} failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=None,
                    help="rows per loader (default: 1,000,000, or the largest size the format reaches, CSV_CASES)")
    ap.add_argument("--only", nargs="*", default=None, help="loader names (default: all)")
    ap.add_argument("--repeat", type=int, default=1, help="measurements per reader (median is shown)")
    ap.add_argument("--keep", type=Path, default=None, help="generate into / reuse this folder")
    args = ap.parse_args(argv)
    cases = args.only or list(CASES)
    base = args.keep or Path(tempfile.mkdtemp(prefix="loaders_scale_"))
    def rows_of(case: str) -> int:
        return args.rows or (CSV_CASES[case][3] if case in CSV_CASES else 1_000_000)
    print(f"# loaders at scale: {args.rows or 'default':} rows each; {platform.node()} {platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    results = []
    modes_of = {case: ("toolkit", "hand") + (("same",) if case in same_table_readers() else ()) for case in cases}
    overall = tqdm(total=sum(len(m) for m in modes_of.values()) * args.repeat, desc="measurements", unit="run",
                   position=0)
    for case in cases:
        rows = min(rows_of(case), MAX_ROWS.get(case, rows_of(case)))  # MAX_ROWS: JSON formats' realistic sizes
        folder = base / case / str(rows)
        if not folder.exists() or not any(folder.iterdir()):
            with tqdm(total=rows, desc=f"generating {case}", unit="row", position=1, leave=False) as bar:
                CASES[case][0](folder, rows, progress=bar)
        found = [p for p in folder.rglob("*") if p.is_file()]
        size, files = sum(p.stat().st_size for p in found), len(found)
        runs: dict[str, list[dict]] = {m: [] for m in modes_of[case]}
        for _ in range(args.repeat):  # the readers take turns, so a busier minute hits each alike
            for mode in modes_of[case]:
                runs[mode].append(measure(mode, case, folder))
                overall.update()
        got = {}
        for mode, rs in runs.items():
            rs.sort(key=lambda r: r["seconds"])
            got[mode] = rs[len(rs) // 2] | {"peak_mb": sorted(r["peak_mb"] for r in rs)[len(rs) // 2]}
        results.append((case, files, size, got))
    overall.close()
    print("\n| loader | rows | files | MB on disk | toolkit s | hand s | same-table s | time toolkit/hand | "
          "time toolkit/same | toolkit peak MB | hand peak MB | same peak MB | memory toolkit/hand | "
          "memory toolkit/same |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for case, files, size, got in results:
        print(_row(case, files, size, got))


def _row(case: str, files: int, size: int, got: dict) -> str:
    """One line of the table; ``-`` where no same-table reader exists."""
    tk_, hd, sm = got["toolkit"], got["hand"], got.get("same")

    def of(r, key, fmt):
        return format(r[key], fmt) if r is not None else "-"

    def ratio(r, key):
        return f"{tk_[key] / r[key]:.2f}" if r is not None else "-"
    return (f"| {case} | {tk_['rows']:,} | {files} | {size / 1e6:,.0f} | {tk_['seconds']:.2f} | {hd['seconds']:.2f} | "
            f"{of(sm, 'seconds', '.2f')} | {ratio(hd, 'seconds')} | {ratio(sm, 'seconds')} | {tk_['peak_mb']:,.0f} | "
            f"{hd['peak_mb']:,.0f} | {of(sm, 'peak_mb', ',.0f')} | {ratio(hd, 'peak_mb')} | {ratio(sm, 'peak_mb')} |")


def same_table_readers() -> dict:
    """The same-table readers (bench/_same_posts.py, bench/_same_traffic.py): case -> reader."""
    import _same_posts
    import _same_traffic
    return {**_same_posts.READERS, **_same_traffic.READERS}

if __name__ == "__main__":
    main()
