"""Same-table hand readers for the web-analytics loaders (issue #14.1): GA4 CSV, UA CSV, Matomo Visits Log.

Each reader is what an analyst who knows the export would write with plain, vectorised pandas to get
the table ``toolkit.load(folder, tz="UTC", progress=False).traffic`` gives on the benchmark files
(bench/_scale_data.py): the canonical traffic columns in their order, the same values, rows and dtypes
-- and nothing else (no checks, no load report, no bad-cell handling, no format detection). The
column list and dtypes are written out below (:data:`COLUMNS`), not imported: the readers use no
toolkit code. ``READERS`` maps the case names of bench/loaders_scale.py to the readers;
:func:`check` compares a reader with ``toolkit.load`` on a folder.

Run all checks: ``nice .venv/bin/python bench/_same_traffic.py /tmp/lsd [more folders ...]``: every
``<base>/<case>/<rows>/`` (or ``<base>/<case>/``) folder of the three cases found under the bases.

What the readers do (each file read once with ``pd.read_csv``, the files concatenated in name order):

- ``ga4_csv``: the ``#`` block gives the property (``# Property:``) and segment (its last text line);
  the ``Grand total`` row under the header is skipped by its line number; ``Date`` (``YYYYMMDD``) is
  ``date`` and ``date_to``; ``Session source / medium`` is split at the first ``" / "``
  (``str.partition``); ``Key events`` is ``conversions``, ``Total revenue`` is ``revenue``;
  ``Engagement rate`` is dropped (the toolkit recomputes rates).
- ``ua_csv``: the ``#`` block gives the view (property) and the period (``date``/``date_to`` of every
  row); numbers are read with ``thousands=","``; the totals row (empty dimension) is dropped;
  ``bounces`` = bounce rate x sessions, rounded; revenue without its ``$``, whose symbol is the
  ``currency``.
- ``matomo_visits_csv``: the visits of all files (pages of one Visits Log), a visit in more than one
  file counted once (``drop_duplicates`` on site and ``idVisit``, the last file's copy), are added up
  per UTC day x referrer type x source x medium x campaign x content (``sessions`` = visits, ``users`` =
  distinct visitors, ``bounces`` = one-action visits, conversions and revenue summed); each row names
  the last file holding one of its visits, the rows listed by that file. (Until 2026-12-07 the toolkit
  added up each file on its own and kept one file's row per key: 154,518 of 1,000,000 visits. This
  reader found it.)

Casts and tolerances in :func:`check`: none. The readers end in ``astype`` to the dtypes of
:data:`COLUMNS` (what an analyst who targets the canonical table writes; absent columns are made all
<NA> in their dtype), and the frames are compared with ``pd.testing.assert_frame_equal(...,
check_exact=True)``: dtypes, column order, row order and every value, floats (``revenue``) bit for bit.

Timing: ``bench/loaders_scale.py`` measures these readers (``same``) side by side with ``toolkit.load``
and the shortest hand readers.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pandas as pd

#: The canonical traffic table (toolkit.schema.TRAFFIC), written out: column -> dtype.
COLUMNS = {
    "tool": "string", "property": "string", "segment": "string", "breakdown": "string",
    "date": "datetime64[ns]", "date_to": "datetime64[ns]",
    "channel": "string", "source": "string", "medium": "string", "campaign": "string", "content": "string",
    "landing_page": "string",
    "sessions": "Int64", "engaged_sessions": "Int64", "bounces": "Int64", "users": "Int64",
    "new_users": "Int64", "conversions": "Int64", "revenue": "Float64",
    "currency": "string", "tz": "string", "source_file": "string",
}


def _files(folder: str, pattern: str = "*.csv") -> list[Path]:
    return sorted(Path(folder).glob(pattern))


def _shown(folder: str, path: Path) -> str:
    """The file's name as ``toolkit.load`` shows it in ``source_file``: ``<folder name>/<file name>``."""
    return f"{Path(folder).resolve().name}/{path.name}"


def _canonical(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The files' rows in one frame with the canonical columns (absent ones all <NA>) and dtypes."""
    df = pd.concat(frames, ignore_index=True)
    return pd.DataFrame({c: df[c].astype(t) if c in df else pd.Series(pd.NA, index=df.index, dtype=t)
                         for c, t in COLUMNS.items()})


# --- GA4 report download -----------------------------------------------------------------------

def same_ga4_csv(folder: str) -> pd.DataFrame:
    """GA4 Traffic acquisition downloads (``Date, Session source / medium, ...``) -> traffic rows."""
    frames = []
    for path in _files(folder):
        with open(path, encoding="utf-8") as fh:
            head = [next(fh).strip() for _ in range(9)]  # the '#' block
        prop = next(h.split(":", 1)[1].strip() for h in head if h.startswith("# Property:"))
        df = pd.read_csv(path, skiprows=[*range(9), 10], dtype={"Date": str})  # line 10: Grand total
        day = pd.to_datetime(df["Date"], format="%Y%m%d")
        sm = df["Session source / medium"].str.partition(" / ")
        frames.append(pd.DataFrame({
            "tool": "ga4", "property": prop, "segment": head[6].lstrip("# "), "breakdown": "date,source,medium",
            "date": day, "date_to": day, "source": sm[0], "medium": sm[2],
            "sessions": df["Sessions"], "engaged_sessions": df["Engaged sessions"],
            "conversions": df["Key events"], "revenue": df["Total revenue"],
            "tz": "UTC", "source_file": _shown(folder, path)}))
    return _canonical(frames)


# --- Universal Analytics report download -------------------------------------------------------

def same_ua_csv(folder: str) -> pd.DataFrame:
    """UA Source / Medium downloads (``Source / Medium, Sessions, ..., Revenue``) -> traffic rows."""
    frames = []
    for path in _files(folder):
        with open(path, encoding="utf-8") as fh:
            head = [next(fh).strip() for _ in range(5)]  # dashes, view, report, period, dashes
        start, end = head[3].lstrip("# ").split("-")
        df = pd.read_csv(path, skiprows=6, thousands=",")
        df = df[df["Source / Medium"].notna()]  # the totals row
        sm = df["Source / Medium"].str.partition(" / ")
        sessions = df["Sessions"]
        bounce_rate = df["Bounce Rate"].str.rstrip("%").astype(float) / 100
        revenue = df["Revenue"]
        frames.append(pd.DataFrame({
            "tool": "ua", "property": head[1].lstrip("# "), "breakdown": "source,medium",
            "date": pd.Timestamp(start), "date_to": pd.Timestamp(end), "source": sm[0], "medium": sm[2],
            "sessions": sessions, "bounces": (bounce_rate * sessions).round(), "new_users": df["New Users"],
            "conversions": df["Goal Completions"],
            "revenue": revenue.str.replace("$", "", regex=False).str.replace(",", "", regex=False).astype(float),
            "currency": revenue.iloc[0][0], "tz": "UTC", "source_file": _shown(folder, path)}))
    return _canonical(frames)


# --- Matomo Visits Log -------------------------------------------------------------------------

_VISIT_KEYS = ["date", "channel", "source", "medium", "campaign", "content"]


def same_matomo_visits_csv(folder: str) -> pd.DataFrame:
    """Matomo Visits Log CSVs (one row per visit, UTF-16) -> traffic rows per day and referrer."""
    frames = []
    for k, path in enumerate(_files(folder)):
        frames.append(pd.read_csv(path, encoding="utf-16", dtype={"visitorId": str}, usecols=[
            "idVisit", "visitorId", "goalConversions", "siteCurrency", "siteName", "firstActionTimestamp", "actions",
            "referrerType", "referrerName", "campaignSource", "campaignMedium", "campaignName", "campaignContent",
            "totalEcommerceRevenue"]).assign(file=k))
    # pages of one log: a visit in several files counts once (the last file's copy)
    v = pd.concat(frames, ignore_index=True).drop_duplicates(["siteName", "idVisit"], keep="last")
    is_campaign = v["referrerType"] == "campaign"
    agg = v.assign(
        date=pd.to_datetime(v["firstActionTimestamp"], unit="s").dt.normalize(),
        channel=v["referrerType"],
        source=v["campaignSource"].fillna(v["referrerName"].where(~is_campaign)),
        medium=v["campaignMedium"],
        campaign=v["campaignName"].fillna(v["referrerName"].where(is_campaign)).str.lower(),
        content=v["campaignContent"],
        bounce=v["actions"] == 1,
    ).groupby(_VISIT_KEYS, dropna=False).agg(
        sessions=("visitorId", "size"), users=("visitorId", "nunique"), bounces=("bounce", "sum"),
        conversions=("goalConversions", "sum"), revenue=("totalEcommerceRevenue", "sum"), file=("file", "max"),
    ).reset_index()
    # each row is listed with the last file that holds one of its visits, the files in name order
    agg = agg.sort_values("file", kind="stable")
    names = [_shown(folder, p) for p in _files(folder)]
    return _canonical([agg.assign(tool="matomo", property=v["siteName"].iloc[0], date_to=agg["date"],
                                  breakdown=",".join(_VISIT_KEYS), currency=v["siteCurrency"].iloc[0], tz="UTC",
                                  source_file=agg["file"].map(dict(enumerate(names))))])


#: case name (as in bench/loaders_scale.CASES) -> reader(folder) -> the traffic table.
READERS = {
    "ga4_csv": same_ga4_csv,
    "ua_csv": same_ua_csv,
    "matomo_visits_csv": same_matomo_visits_csv,
}


def check(case: str, folder) -> None:
    """Assert that ``READERS[case](folder)`` equals ``toolkit.load(folder, tz="UTC", progress=False).traffic``.

    Raises AssertionError (from ``pd.testing.assert_frame_equal``, exact) on the first difference.
    """
    import warnings

    import toolkit as tk
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "times had no zone" and the like: the load report's business
        want = tk.load(str(folder), tz="UTC", progress=False).traffic
    got = READERS[case](str(folder))
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True), check_exact=True)


def _folders(base: Path) -> list[tuple[str, Path]]:
    """``(case, folder)`` for ``base/<case>/<rows>/`` and ``base/<case>/`` folders holding files."""
    out = []
    for case in READERS:
        root = base / case
        if not root.is_dir():
            continue
        subs = sorted(p for p in root.iterdir() if p.is_dir())
        out += [(case, p) for p in subs] if subs else [(case, root)]
    return out


def main(argv: list[str]) -> int:
    from tqdm.auto import tqdm
    if not argv:
        raise SystemExit("usage: _same_traffic.py BASE [BASE ...]  (folders holding <case>/<rows>/)")
    todo = [cf for base in argv for cf in _folders(Path(base))]
    failed = 0
    for case, folder in tqdm(todo, desc="checks", unit="folder"):
        t = time.perf_counter()
        try:
            check(case, folder)
            verdict = "same table"
        except AssertionError as exc:
            failed += 1
            verdict = "DIFFERENT: " + " ".join(str(exc).split())[:300]
        tqdm.write(f"{case} {folder}: {verdict} ({time.perf_counter() - t:.1f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
