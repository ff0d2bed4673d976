"""Helpers shared by the loaders of Meta "Download your information" archives (Facebook,
Instagram, Threads): record-level problems, Unix times, and the canonical post and comment
frames with derived IDs (``dyi-<unix time>-<hash>`` for posts without a media number,
``dyi-<hash>`` for comments; identical entries share an id)."""

from __future__ import annotations

import hashlib
import re
from pathlib import PurePosixPath

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


#: Unix times an export can hold: 1970 up to (not including) 2100. Anything else (-inf, 1e300, a
#: negative number) is not a time the platform wrote, and the record is rejected naming the field.
_TS_RANGE = (0, 4_102_444_800)


def _ts(value):
    if type(value) is int:  # what the archives hold (bool, a subclass of int, is not a time: below)
        return value if _TS_RANGE[0] <= value < _TS_RANGE[1] else None
    if isinstance(value, str) and not value.isascii():
        value = _fix_str(value)  # the value as the repaired archive holds it
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value if _TS_RANGE[0] <= value < _TS_RANGE[1] else None  # also False for nan
    if isinstance(value, str) and re.fullmatch(r"\d{9,11}", value.strip()):
        return int(value) if int(value) < _TS_RANGE[1] else None
    return None


def _content_id(ts: pd.Series, *parts: pd.Series) -> pd.Series:
    """``dyi-<unix time>-<8 hex>``: the time plus a hash of the content (text, media file names,
    ...), so identical entries share an id and re-downloads give the same ids in any order."""
    secs = ts.astype("int64").astype(str)
    body = secs.tolist()
    for part in parts:  # plain lists: one Python pass per column, no pandas call per row
        body = [b + "\x1f" + " ".join(t.split()) for b, t in zip(body, part.fillna("").astype(str).tolist())]
    sha1 = hashlib.sha1
    digest = pd.Series([sha1(k.encode("utf-8")).hexdigest()[:8] for k in body], index=ts.index, dtype=secs.dtype)
    return "dyi-" + secs + "-" + digest


def _identical_note(ids: pd.Series, what: str, parsed: Parsed) -> None:
    n = int(ids.duplicated().sum())
    if n:
        parsed.notes.append(f"{n} {what} identical to an earlier one in this file (same time, text and media): "
                            f"counted once, as duplicates")


def _post_frame(frame: pd.DataFrame, platform: str, parsed: Parsed) -> pd.DataFrame:
    if frame.empty:
        from ..schema import POSTS
        return POSTS.empty()
    frame = frame.sort_values("_record", kind="stable")
    fallback = _content_id(frame["ts"], frame["text"], frame["media"])
    pid = frame["post_id"].where(frame["post_id"].notna(), fallback)
    if frame["post_id"].isna().any():
        parsed.notes.append(f"{pid[frame['post_id'].isna()].nunique()} post(s) without a media file number: "
                            f"post_id = 'dyi-<unix time>-<hash of text and media>'")
    _identical_note(pid, "post(s)", parsed)
    return pd.DataFrame({
        "platform": platform, "account": pd.NA, "post_id": pid.astype("string"),
        "published_at": pd.to_datetime(frame["ts"].astype("int64"), unit="s", utc=True),
        "date_only": False, "text": frame["text"].fillna("").astype("string"),
        "media_type": frame["media_type"].astype("string"), "permalink": pd.NA,
    }).reset_index(drop=True)


def _comment_frame(frame: pd.DataFrame, platform: str, parsed: Parsed) -> pd.DataFrame:
    if frame.empty:
        from ..schema import COMMENTS
        return COMMENTS.empty()
    frame = frame.sort_values("_record", kind="stable")
    keys = frame["ts"].astype("int64").astype(str) + "|" + frame["author"].fillna("").astype(str) + "|" + \
        frame["text"].astype(str) + "|" + frame["media_owner"].fillna("").astype(str)
    # identical entries (same time, author, text, post owner) are one comment: same id, deduplicated
    sha1 = hashlib.sha1
    cid = pd.Series(["dyi-" + sha1(k.encode("utf-8")).hexdigest()[:16] for k in keys.tolist()], index=keys.index,
                    dtype=keys.dtype)
    _identical_note(cid, "comment(s)", parsed)
    out = pd.DataFrame({
        "platform": platform, "account": pd.NA, "post_id": pd.NA, "comment_id": cid.astype("string"),
        "parent_id": pd.NA, "author": frame["author"].astype("string"), "is_owner": True,
        "published_at": pd.to_datetime(frame["ts"].astype("int64"), unit="s", utc=True),
        "text": frame["text"].astype("string"), "likes": pd.Series(pd.NA, index=frame.index, dtype="Int64"),
    })
    if frame["media_owner"].notna().any():
        out["media_owner"] = frame["media_owner"].astype("string")
    return out.reset_index(drop=True)


def fix_mojibake(value):
    """Repair Meta's per-byte escapes in a JSON value (strings, keys, nested lists and dicts).

    >>> fix_mojibake({"Comment": "M\\u00c3\\u00bcller \\u00f0\\u009f\\u0098\\u00a2"})
    {'Comment': 'Müller 😢'}
    >>> fix_mojibake("Café")   # already correct: the round trip fails, the text is kept
    'Café'
    """
    if isinstance(value, str):
        return _fix_str(value)
    if isinstance(value, list):
        return [fix_mojibake(v) for v in value]
    if isinstance(value, dict):
        return {_fix_str(k) if isinstance(k, str) else k: fix_mojibake(v) for k, v in value.items()}
    return value


def uri_name(uri: str) -> str:
    """``PurePosixPath(uri).name`` without building a path object per media file (a plain
    ``a/b/c.jpg`` is split at its last slash; anything unusual goes through pathlib)."""
    if "//" in uri or "/." in uri or uri.endswith("/") or uri.startswith("."):
        return PurePosixPath(uri).name
    return uri.rpartition("/")[2]


def uri_stem(uri: str) -> str:
    """``PurePosixPath(uri).stem``, as :func:`uri_name` does the name."""
    name = uri_name(uri)
    i = name.rfind(".")
    return name[:i] if 0 < i < len(name) - 1 else name


def fixed(value):
    """``value`` as :func:`fix_mojibake` of the whole archive would hold it: loaders repair only the
    values they read (a string costs one ``isascii`` check), not every key and value of the file."""
    if isinstance(value, str):
        return _fix_str(value) if not value.isascii() else value
    return fix_mojibake(value) if isinstance(value, (list, dict)) else value


def _fix_str(s: str) -> str:
    for _ in range(3):  # double-encoded text has been seen; repeat while it changes
        if s.isascii():
            return s
        try:
            t = s.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return s
        if t == s:
            return s
        s = t
    return s
