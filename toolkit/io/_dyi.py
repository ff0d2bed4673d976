"""Helpers shared by the loaders of Meta "Download your information" archives (Facebook,
Instagram, Threads): record-level problems, Unix times, and the canonical post and comment
frames with derived IDs (``dyi-<unix time>`` for posts, ``dyi-<hash>`` for comments)."""

from __future__ import annotations

import hashlib
import re

import pandas as pd

from ..errors import ExportFormatError
from ._base import Context, Parsed, Source

__all__: list[str] = []  # package-internal


def _problems(source: Source, ctx: Context, parsed: Parsed, table: str, problems: list) -> None:
    if ctx.errors == "raise":
        i, key, val, expected = problems[0]
        more = f" ({len(problems)} bad record(s) in all; first at records {[p[0] for p in problems[:5]]})" \
            if len(problems) > 1 else ""
        where = f", key '{key}'" if key else ""
        raise ExportFormatError(
            f"{source.name}, record {i}{where}: cannot read {_short(val)} as {expected}{more}. Download the "
            f"archive again; or pass errors='reject' to load() to skip bad records and list them in the "
            f"load report.", file=source.name, line=i, column=key)
    for i, key, val, expected in problems:
        parsed.rejected.append({"table": table, "line": i, "column": key,
                                "reason": f"record {i} (position in the JSON list, not a line): cannot read "
                                          f"{_short(val)} as {expected}"})


def _short(val) -> str:
    s = repr(val)
    return s if len(s) <= 80 else s[:77] + "..."


def _ts(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{9,11}", value.strip()):
        return int(value)
    return None


def _post_frame(frame: pd.DataFrame, platform: str, parsed: Parsed) -> pd.DataFrame:
    if frame.empty:
        from ..schema import POSTS
        return POSTS.empty()
    frame = frame.sort_values("_record", kind="stable")
    fallback = "dyi-" + frame["ts"].astype("int64").astype(str)
    nth = fallback.groupby(fallback).cumcount()
    fallback = fallback.where(nth == 0, fallback + "-" + (nth + 1).astype(str))
    pid = frame["post_id"].where(frame["post_id"].notna(), fallback)
    if frame["post_id"].isna().any():
        parsed.notes.append(f"{int(frame['post_id'].isna().sum())} post(s) without a media file number: "
                            f"post_id = 'dyi-<unix time>'")
    return pd.DataFrame({
        "platform": platform, "account": pd.NA, "post_id": pid.astype("string"),
        "published_at": pd.to_datetime(frame["ts"].astype("int64"), unit="s", utc=True),
        "date_only": False, "text": frame["text"].fillna("").astype("string"),
        "media_type": frame["media_type"].astype("string"), "permalink": pd.NA,
    }).reset_index(drop=True)


def _comment_frame(frame: pd.DataFrame, platform: str) -> pd.DataFrame:
    if frame.empty:
        from ..schema import COMMENTS
        return COMMENTS.empty()
    frame = frame.sort_values("_record", kind="stable")
    keys = frame["ts"].astype("int64").astype(str) + "|" + frame["author"].fillna("").astype(str) + "|" + \
        frame["text"].astype(str) + "|" + frame["media_owner"].fillna("").astype(str)
    cid = keys.map(lambda k: "dyi-" + hashlib.sha1(k.encode("utf-8")).hexdigest()[:16])
    nth = cid.groupby(cid).cumcount()
    cid = cid.where(nth == 0, cid + "-" + (nth + 1).astype(str))
    out = pd.DataFrame({
        "platform": platform, "account": pd.NA, "post_id": pd.NA, "comment_id": cid.astype("string"),
        "parent_id": pd.NA, "author": frame["author"].astype("string"), "is_owner": True,
        "published_at": pd.to_datetime(frame["ts"].astype("int64"), unit="s", utc=True),
        "text": frame["text"].astype("string"), "likes": pd.Series(pd.NA, index=frame.index, dtype="Int64"),
    })
    if frame["media_owner"].notna().any():
        out["media_owner"] = frame["media_owner"].astype("string")
    return out.reset_index(drop=True)
