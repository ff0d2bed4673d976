"""Steps that need the whole load, not only one file.

Some facts are not in a file itself but in the files loaded with it:

- TikTok Studio's daily CSVs write ``December 31`` without a year; sibling files of the same
  download, or the period of the rest of the data, give it (:mod:`toolkit.io.tiktok`).
- A post whose id a spreadsheet destroyed gets a derived key; the same post in another export
  of the load, with its real id, lets the key be replaced by that id (:func:`match_derived_keys`).

A loader registers such a step with :func:`defer` while reading; :func:`toolkit.io.load` runs
them with :func:`run_deferred` after every file is read and before the tables are assembled.
A step edits its own :class:`~toolkit.io.Parsed` in place. A step that cannot finish raises
:class:`~toolkit.errors.ExportFormatError`; :func:`run_deferred` collects these per file.
"""

from __future__ import annotations

from typing import Callable

import pandas as pd

from ..errors import ExportFormatError
from ._base import Context, Parsed, Source

__all__: list[str] = []  # package-internal

Step = Callable[[list[tuple[Source, Parsed]]], None]


def _steps(ctx: Context) -> list[tuple[Source, Step]]:
    # Per-load list, kept on the load's Context (the pattern x.py uses for account names).
    store = ctx.__dict__.get("_deferred")
    if store is None:
        store = []
        ctx.__dict__["_deferred"] = store
    return store


def defer(ctx: Context, source: Source, step: Step) -> None:
    """Run ``step(parts)`` once every file of the load is read (``parts``: all (file name, Parsed)
    pairs of the load)."""
    _steps(ctx).append((source, step))


def run_deferred(parts: list[tuple[str, Parsed]], ctx: Context) -> list[tuple[Source, ExportFormatError]]:
    """Run the deferred steps of this load in registration order.

    Returns the steps that failed as ``(source, error)``; the caller decides whether a failure
    stops the load or makes that file unreadable. Steps are removed once run.
    """
    failed = []
    steps = _steps(ctx)
    while steps:
        source, step = steps.pop(0)
        try:
            step(parts)
        except ExportFormatError as exc:
            failed.append((source, exc))
    return failed


def dated_rows(parsed: Parsed, *, platform: str | None = None) -> pd.Series:
    """Calendar days (naive, midnight) of the rows a file produced: posts' publish days (UTC) and
    daily rows' dates, optionally of one platform only."""
    days = []
    for table, col in (("posts", "published_at"), ("comments", "published_at"), ("daily", "date")):
        frame = parsed.tables.get(table)
        if frame is None or col not in frame.columns or not len(frame):
            continue
        if platform is not None and "platform" in frame.columns:
            frame = frame[frame["platform"] == platform]
        s = pd.to_datetime(frame[col], errors="coerce")
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            s = s.dt.tz_convert("UTC").dt.tz_localize(None)
        days.append(s.dropna().dt.normalize())
    if not days:
        return pd.Series(dtype="datetime64[ns]")
    return pd.concat(days, ignore_index=True).astype("datetime64[ns]")


def match_derived_keys(source: Source, parsed: Parsed, parts: list[tuple[str, Parsed]]) -> None:
    """Give posts keyed ``link-``/``key-`` (ids destroyed by a spreadsheet) their real id when
    another file of the load has the same post with one: same platform and the same permalink,
    or the same publish time and text (compared as :func:`~toolkit.io._locale.text_key`).
    A key that matches posts with different ids is left alone."""
    from ._locale import DERIVED_KEY, canonical_url, text_key

    posts = parsed.tables.get("posts")
    if posts is None or not len(posts):
        return
    derived = posts["post_id"].astype("string").fillna("").str.match(DERIVED_KEY)
    if not derived.any():
        return
    others = [p.tables["posts"] for s, p in parts if p is not parsed and isinstance(p.tables.get("posts"), pd.DataFrame)
              and len(p.tables["posts"])]
    if not others:
        return
    ref = pd.concat([o[[c for c in ("platform", "post_id", "permalink", "published_at", "text") if c in o.columns]]
                     for o in others], ignore_index=True)
    ref = ref[~ref["post_id"].astype("string").fillna("").str.match(DERIVED_KEY) & ref["post_id"].notna()]
    if not len(ref):
        return
    mine = posts.loc[derived]
    found = pd.Series(pd.NA, index=mine.index, dtype="string")
    for how in ("permalink", "time+text"):
        if how == "permalink":
            if "permalink" not in ref.columns or "permalink" not in mine.columns:
                continue
            lk = mine["platform"].astype(str) + "|" + canonical_url(mine["permalink"])
            rk = ref["platform"].astype(str) + "|" + canonical_url(ref["permalink"])
            lk = lk.where(canonical_url(mine["permalink"]).ne(""))
        else:
            if "published_at" not in ref.columns or "text" not in ref.columns:
                continue
            lk = (mine["platform"].astype(str) + "|" + pd.to_datetime(mine["published_at"], utc=True)
                  .dt.strftime("%Y-%m-%dT%H:%M") + "|" + text_key(mine["text"]))
            rk = (ref["platform"].astype(str) + "|" + pd.to_datetime(ref["published_at"], utc=True)
                  .dt.strftime("%Y-%m-%dT%H:%M") + "|" + text_key(ref["text"]))
        ids = pd.DataFrame({"k": rk.to_numpy(), "id": ref["post_id"].astype("string").to_numpy()}).dropna()
        unique = ids.drop_duplicates().groupby("k")["id"].agg(lambda v: v.iloc[0] if len(v) == 1 else pd.NA)
        got = lk.map(unique).astype("string")
        found = found.fillna(got)
    if found.notna().any():
        posts = posts.copy()
        posts.loc[found.index[found.notna()], "post_id"] = found[found.notna()]
        parsed.tables["posts"] = posts
        parsed.notes.append(f"{int(found.notna().sum())} post(s) with a derived key matched to the same post in "
                            f"another file of this load (same permalink, or same publish time and text): their "
                            f"real id is used")
