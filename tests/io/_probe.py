"""The loader probe corpus: real-format files mutated the way downloads, spreadsheets and disks
break them, and a runner that checks what ``toolkit.load`` makes of each (issue #18.2, #18.5).

``cases(n, seed)`` is deterministic: the same ``n`` and ``seed`` give the same bytes. Seeds are
the real-format fixtures in ``tests/fixtures/io`` and ``tests/fixtures/core`` and the files of
``data/samples`` (the long ones cut to their first records). Mutations: cut at a random byte,
flip/insert/delete bytes, change the encoding (cp1252, UTF-16, BOM, one line in cp1252), change
line ends, drop/duplicate/reorder/rename columns, change the delimiter, put impossible values in
a random cell (negative, huge, ``inf``, NaN, a year alone, years 0024/9999, control characters,
formulas), break row lengths, replace JSON values and keys, nest JSON deeply, and wrap the
result in zip/tar.gz archives (nested, cut, encrypted).

``run(case, workdir)`` loads each case three ways -- the file alone with ``errors="raise"``, alone
with ``errors="reject"``, and in a folder next to a good file -- and returns one outcome per way.
Allowed outcomes: ``loaded`` (every load-report row accounts for its rows and no value of the
kinds issue #18.4 names is wrong), ``rejected`` (loaded, some rows rejected with a reason),
``error`` (a ToolkitError whose message starts with the file's name and is not a toolkit bug),
``unreadable``/``unrecognised`` (in the folder: the file has its load-report row, the good file
loaded). Anything else is a failure: ``raw:<Exception>``, ``internal``, ``hang``, ``message``,
``accounting``, ``wrong-value``, ``folder-lost``.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import random
import signal
import tarfile
import time
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

import toolkit as tk
from toolkit.errors import ToolkitError
from toolkit.schema import METRICS

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
SAMPLES = ROOT / "data" / "samples"
TZ = "Europe/Berlin"
GOOD = "platform,post_id,published_at,likes\nprobe,good-1,2024-01-15T10:00:00Z,1\n"

#: Cell values that must never load as a number or a date they do not mean.
POISON_CELLS = ["-5", "-1", "inf", "-inf", "Infinity", "NaN", "nan", "", " ", "99999999999999999999999",
                "1e400", "1e30", "9007199254740993", "2024", "2024-03", "0024-01-01 00:00", "9999-12-31 23:59",
                "01/01/0024 10:00", "12/31/9999 23:59", "31.02.2024", "\x00", "=1+1", "x" * 3000, "1,5", "1.5",
                "0x1F", "١٢", "１２", "-0", "+7", "1_000", "\ufeff12", "12\u202f400",
                "ſep 20, 2026", "Frı, Apr 26, 2024", "Decem\u212aer 30"]
#: JSON values that must never load as a number or a date they do not mean.
POISON_JSON = [-5, 10**30, 2**63, float("inf"), float("-inf"), float("nan"), None, "", "2024", "-5",
               "9999-12-31T00:00:00Z", "0024-01-01T00:00:00Z", [], {}, True, "x" * 3000, 1.5, -1e20,
               1e300, "1e400", 0, "\x00"]


@dataclass
class Case:
    """One probe: a file (name + bytes) and what was done to it."""

    id: str
    name: str
    data: bytes
    how: str
    #: Interpretations a poison value must not load as: ("year", 2024) or ("month", 2024, 3).
    forbidden: list = field(default_factory=list)
    seed: str = ""


# --- seeds -----------------------------------------------------------------------------------------


def seeds() -> list[tuple[str, bytes]]:
    """``(relative name, bytes)`` of every real-format file the mutations start from, sorted."""
    out = []
    for base in (FIXTURES / "io", FIXTURES / "core"):
        for p in sorted(base.rglob("*")):
            if p.is_file() and p.suffix != ".py" and "bad" not in p.relative_to(base).parts[:1]:
                out.append((p.relative_to(ROOT).as_posix(), p.read_bytes()))
    for p in sorted(SAMPLES.rglob("*")):
        if not p.is_file() or p.suffix == ".md" or p.name == "TRUTH.json":
            continue
        data = p.read_bytes()
        if len(data) > 60_000:
            data = _head(p.name, data)
            if data is None:
                continue
        out.append((p.relative_to(ROOT).as_posix(), data))
    return out


def _head(name: str, data: bytes, records: int = 25) -> bytes | None:
    """The first records of a long CSV (cut at a record boundary) or JSON list; None otherwise."""
    if name.endswith(".csv"):
        text = data.decode("utf-8-sig")
        buf = io.StringIO(text, newline="")
        reader = csv.reader(buf)
        for _ in range(records + 1):
            next(reader, None)
        return (b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b"") + text[:buf.tell()].encode("utf-8")
    if name.endswith(".json"):
        obj = json.loads(data)
        if isinstance(obj, dict) and isinstance(obj.get("items"), list):
            obj["items"] = obj["items"][:records]
            return json.dumps(obj, ensure_ascii=False, indent=1).encode("utf-8")
    return None


# --- mutations ---------------------------------------------------------------------------------------


def _text_kind(name: str, data: bytes) -> str:
    low = name.lower()
    if low.endswith((".zip", ".xlsx", ".xls", ".tar.gz", ".tgz", ".tar")):
        return "binary"
    if low.endswith((".json", ".js")):
        return "json"
    return "csv"


def _decode(data: bytes) -> str:
    return tk.io._base.decode(data)[0]


def _short(value: str) -> str:
    return value if len(value) <= 30 else value[:20] + "..."


def m_truncate(rng, name, data):
    return data[:rng.randrange(1, max(2, len(data)))], "cut at a random byte"


def m_flip(rng, name, data):
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if b:
            b[rng.randrange(len(b))] ^= rng.randrange(1, 256)
    return bytes(b), "flipped bytes"


def m_insert(rng, name, data):
    i = rng.randrange(len(data) + 1)
    return data[:i] + rng.randbytes(rng.randint(1, 24)) + data[i:], "inserted random bytes"


def m_delete(rng, name, data):
    i = rng.randrange(len(data) + 1)
    return data[:i] + data[i + rng.randint(1, 80):], "deleted a span"


def m_recode(rng, name, data):
    text = _decode(data)
    enc = rng.choice(["cp1252", "utf-16", "utf-8-sig", "latin-1", "utf-16-be", "utf-8"])
    raw = text.encode(enc, errors="replace")
    if enc == "utf-16-be":
        raw = b"\xfe\xff" + raw
    if enc == "utf-8":
        raw = raw.removeprefix(b"\xef\xbb\xbf")
    return raw, f"re-encoded as {enc}"


def m_one_line_cp1252(rng, name, data):
    lines = data.split(b"\n")
    idx = [i for i, ln in enumerate(lines) if any(c > 127 for c in ln)] or list(range(len(lines)))
    i = rng.choice(idx)
    lines[i] = lines[i].decode("utf-8", errors="replace").encode("cp1252", errors="replace")
    return b"\n".join(lines), f"line {i + 1} re-encoded as cp1252"


def m_line_ends(rng, name, data):
    mode = rng.choice(["crlf", "cr", "lf", "mixed", "no-final"])
    t = data.replace(b"\r\n", b"\n")
    if mode == "crlf":
        t = t.replace(b"\n", b"\r\n")
    elif mode == "cr":
        t = t.replace(b"\n", b"\r")
    elif mode == "mixed":
        t = b"".join(ln + (b"\r\n" if k % 2 else b"\n") for k, ln in enumerate(t.split(b"\n")))
    else:
        t = t.rstrip(b"\r\n")
    return t, f"line ends {mode}"


def m_blank_lines(rng, name, data):
    lines = data.split(b"\n")
    for _ in range(rng.randint(1, 4)):
        lines.insert(rng.randrange(len(lines) + 1), rng.choice([b"", b" ", b",,,", b";;", b"\t"]))
    return b"\n".join(lines), "inserted blank lines"


def m_dup_line(rng, name, data):
    lines = data.split(b"\n")
    i = rng.randrange(len(lines))
    lines.insert(i, lines[i])
    return b"\n".join(lines), f"line {i + 1} duplicated"


def m_drop_first_line(rng, name, data):
    return data.split(b"\n", 1)[-1] if b"\n" in data else b"", "first line removed"


def m_blank(rng, name, data):
    return rng.choice([b"", b"   \n\n", b"\xef\xbb\xbf", b"\xff\xfe", b"\n", b"\x00" * 100]), "emptied"


def m_nul(rng, name, data):
    i = rng.randrange(len(data) + 1)
    return data[:i] + b"\x00" * rng.randint(1, 8) + data[i:], "NUL bytes inserted"


_BYTES = [m_truncate, m_flip, m_insert, m_delete, m_blank, m_nul]
_TEXT = [m_recode, m_one_line_cp1252, m_line_ends, m_blank_lines, m_dup_line, m_drop_first_line]


def _csv_rows(data: bytes):
    text = _decode(data)
    bom = text.startswith("\ufeff")
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    delim = tk.io._base.sniff_delimiter(first)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delim))
    return rows, delim, bom


def _csv_bytes(rows, delim, bom, enc="utf-8") -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delim, lineterminator="\n").writerows(rows)
    return ("\ufeff" if bom else "").encode(enc) + buf.getvalue().encode(enc, errors="replace")


def _header_row(rows) -> int:
    """Index of the header row (Meta daily files have a sep= and a title line first)."""
    if rows and rows[0] and rows[0][0].lower().startswith("sep="):
        return 2
    return 0


def m_csv_drop_column(rng, rows, h):
    j = rng.randrange(len(rows[h]))
    return [r[:j] + r[j + 1:] if k >= h else r for k, r in enumerate(rows)], f"column {j + 1} dropped"


def m_csv_dup_column(rng, rows, h):
    j = rng.randrange(len(rows[h]))
    return [r + [r[j]] if k >= h and len(r) > j else r for k, r in enumerate(rows)], f"column {j + 1} duplicated"


def m_csv_reorder(rng, rows, h):
    order = list(range(len(rows[h])))
    rng.shuffle(order)
    return [[r[j] for j in order if j < len(r)] if k >= h else r for k, r in enumerate(rows)], "columns reordered"


def m_csv_rename(rng, rows, h):
    rows = [list(r) for r in rows]
    j = rng.randrange(len(rows[h]))
    rows[h][j] = rng.choice(["", "?", "Spalte 1", rows[h][j].upper(), rows[h][j] + " ", "post_id", "likes"])
    return rows, f"header {j + 1} renamed to {rows[h][j]!r}"


def m_csv_cell(rng, rows, h):
    rows = [list(r) for r in rows]
    data_rows = [k for k in range(h + 1, len(rows)) if rows[k]]
    if not data_rows:
        return rows, "no data row"
    k = rng.choice(data_rows)
    j = rng.randrange(len(rows[k]))
    value = rng.choice(POISON_CELLS)
    rows[k][j] = value
    col = rows[h][j] if j < len(rows[h]) else j
    return rows, f"row {k + 1}, column {col!r} set to {_short(value)!r}"


def m_csv_row_length(rng, rows, h):
    rows = [list(r) for r in rows]
    k = rng.randrange(h, len(rows)) if len(rows) > h else h
    if rows and k < len(rows):
        if rng.random() < 0.5 and rows[k]:
            rows[k].pop(rng.randrange(len(rows[k])))
        else:
            rows[k].insert(rng.randrange(len(rows[k]) + 1), "extra")
    return rows, f"row {k + 1} has a wrong number of fields"


def m_csv_dup_rows(rng, rows, h):
    if len(rows) <= h + 1:
        return rows, "no data row"
    k = rng.randrange(h + 1, len(rows))
    return rows[:k] + [rows[k]] * rng.randint(1, 3) + rows[k:], f"row {k + 1} repeated"


_CSV = [m_csv_drop_column, m_csv_dup_column, m_csv_reorder, m_csv_rename, m_csv_cell, m_csv_cell, m_csv_cell,
        m_csv_row_length, m_csv_dup_rows]


def _csv_mutation(rng, name, data):
    rows, delim, bom = _csv_rows(data)
    h = _header_row(rows)
    if len(rows) <= h or not rows[h]:
        return m_truncate(rng, name, data)
    op = rng.choice(_CSV)
    rows, how = op(rng, rows, h)
    new_delim = delim
    if rng.random() < 0.15:
        new_delim = rng.choice([";", "\t", ","])
        how += f", delimiter {new_delim!r}"
    return _csv_bytes(rows, new_delim, bom), how


def _json_split(data: bytes) -> tuple[str, str]:
    text = _decode(data)
    if text.lstrip().startswith("window.") and "=" in text[:200]:
        i = text.index("=") + 1
        return text[:i] + " ", text[i:]
    return "", text


def _leaves(obj, path=()):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _leaves(v, path + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _leaves(v, path + (i,))
    yield path


def _set(obj, path, value):
    if not path:
        return value
    cur = obj
    for p in path[:-1]:
        cur = cur[p]
    cur[path[-1]] = value
    return obj


def _json_mutation(rng, name, data):
    prefix, body = _json_split(data)
    try:
        obj = json.loads(body)
    except (ValueError, RecursionError):
        return m_truncate(rng, name, data)
    choice = rng.random()
    paths = [p for p in _leaves(obj) if p]
    if choice < 0.55 and paths:
        path = rng.choice(paths)
        value = rng.choice(POISON_JSON)
        obj = _set(obj, path, value)
        how = f"{'/'.join(map(str, path))} set to {_short(str(value))!r}"
    elif choice < 0.75 and paths:
        path = rng.choice(paths)
        parent = obj
        for p in path[:-1]:
            parent = parent[p]
        del parent[path[-1]]
        how = f"{'/'.join(map(str, path))} deleted"
    elif choice < 0.85:
        depth = rng.choice([50, 500, 5000])
        return (prefix + "[" * depth + body + "]" * depth).encode("utf-8"), f"nested {depth} levels deep"
    elif choice < 0.95 and paths:
        path = rng.choice(paths)
        parent = obj
        for p in path[:-1]:
            parent = parent[p]
        if isinstance(parent, list):
            parent.append(parent[path[-1]])
            how = f"{'/'.join(map(str, path))} repeated"
        else:
            parent[path[-1]] = [parent[path[-1]]]
            how = f"{'/'.join(map(str, path))} wrapped in a list"
    else:
        obj = {"data": obj} if rng.random() < 0.5 else [obj]
        how = "wrapped in another container"
    return (prefix + json.dumps(obj, ensure_ascii=rng.random() < 0.3)).encode("utf-8"), how


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for n, d in members.items():
            zf.writestr(zipfile.ZipInfo(n, (2024, 4, 2, 12, 0, 0)), d, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def _tar_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for n, d in members.items():
            ti = tarfile.TarInfo(n)
            ti.size, ti.mtime = len(d), 1712059200
            tf.addfile(ti, io.BytesIO(d))
    return gzip.compress(buf.getvalue(), mtime=0)  # no time stamp: the same bytes every run


def wrap(rng, name, data):
    """Put the file in an archive: zip, tar.gz, zip in zip (2 or 3 deep), cut or encrypted zip."""
    kind = rng.choice(["zip", "tar", "zip2", "zip3", "zip-cut", "zip-encrypted", "tar-cut"])
    member = f"export/{name}"
    if kind == "zip":
        return "download.zip", _zip_bytes({member: data})
    if kind == "tar":
        return "archive.tar.gz", _tar_bytes({member: data})
    if kind in ("zip2", "zip3"):
        inner = _zip_bytes({member: data})
        if kind == "zip3":
            inner = _zip_bytes({"inner.zip": inner})
        return "download.zip", _zip_bytes({"part.zip": inner})
    if kind == "zip-cut":
        z = _zip_bytes({member: data})
        return "download.zip", z[:rng.randrange(1, len(z))]
    if kind == "tar-cut":
        t = _tar_bytes({member: data})
        return "archive.tar.gz", t[:rng.randrange(1, len(t))]
    z = bytearray(_zip_bytes({member: data}))  # set the "encrypted" flag of the member
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        i = z.index(sig)
        z[i + off] |= 1
    return "download.zip", bytes(z)


def mutate(rng: random.Random, name: str, data: bytes) -> tuple[str, bytes, str]:
    """One random mutation of a seed (sometimes two), sometimes wrapped in an archive."""
    kind = _text_kind(name, data)
    hows = []
    for _ in range(1 if rng.random() < 0.8 else 2):
        r = rng.random()
        if kind == "csv" and r < 0.55:
            data, how = _csv_mutation(rng, name, data)
        elif kind == "json" and r < 0.55:
            data, how = _json_mutation(rng, name, data)
        elif kind != "binary" and r < 0.75:
            data, how = rng.choice(_TEXT)(rng, name, data)
        else:
            data, how = rng.choice(_BYTES)(rng, name, data)
        hows.append(how)
    if rng.random() < 0.12:
        name, data = wrap(rng, name, data)
        hows.append(f"wrapped as {name}")
    return name, data, "; ".join(hows)


def _forbidden(how: str) -> list:
    """What a poison value in ``how`` must not be read as (a year alone as 1 January ...)."""
    out = []
    for v in ("'2024-03'", "'2024'"):
        if f"set to {v}" in how:
            out.append(("month", 2024, 3) if v == "'2024-03'" else ("year", 2024))
            break
    return out


def targeted() -> list[Case]:
    """The cases issue #18.2 names, built on real formats."""
    meta = (FIXTURES / "io" / "meta" / "Mar-01-2024_Mar-31-2024_1012345.csv").read_bytes()
    tweets = (FIXTURES / "io" / "x" / "twitter-2025-10-12-abc123def.zip")
    deep = "[" * 100_000 + "]" * 100_000
    big_header = _zip_bytes({"Mar-01-2024_Mar-31-2024_1012345.csv": meta})
    z = bytearray(big_header)  # declare 1 GB in the central directory (a bomb's header, no 1 GB data)
    i = z.index(b"PK\x01\x02")
    z[i + 24:i + 28] = (1024**3).to_bytes(4, "little")
    cases = [
        Case("deep-json", "your_posts_1.json", deep.encode(), "JSON nested 100,000 levels deep"),
        Case("deep-json-obj", "posts_1.json", ('{"a":' * 100_000 + "1" + "}" * 100_000).encode(),
             "JSON objects nested 100,000 levels deep"),
        Case("deep-tweets-js", "tweets.js", ("window.YTD.tweets.part0 = " + deep).encode(),
             "X archive tweets.js nested 100,000 levels deep"),
        Case("year-0024", "Apr-01-2024_Apr-30-2024_1.csv", meta.replace(b"03/31/2024 18:00", b"03/31/0024 18:00"),
             "Meta publish time in year 0024"),
        Case("year-9999", "Apr-01-2024_Apr-30-2024_1.csv", meta.replace(b"03/31/2024 18:00", b"12/31/9999 23:59"),
             "Meta publish time in year 9999"),
        Case("generic-year-0024", "posts.csv", b"platform,post_id,published_at,likes\nx,1,0024-01-01T00:00:00Z,1\n",
             "generic timestamp in year 0024"),
        Case("generic-year-9999", "posts.csv", b"platform,post_id,published_at,likes\nx,1,9999-12-31 23:59,1\n",
             "generic timestamp in year 9999"),
        Case("year-alone", "posts.csv", b"platform,post_id,published_at,likes\nx,1,2024,1\n",
             "a year alone: row 2, column 'published_at' set to '2024'",
             [("year", 2024)]),
        Case("meta-year-alone", "Apr-01-2024_Apr-30-2024_1.csv", meta.replace(b"03/31/2024 18:00", b"2024", 1),
             "Meta publish time set to '2024' (a year alone)", [("year", 2024)]),
        Case("huge-count", "posts.csv",
             b"platform,post_id,published_at,likes\nx,1,2024-03-01T10:00:00Z,99999999999999999999999\n",
             "a count larger than int64"),
        Case("encrypted-member", "encrypted.zip", (FIXTURES / "core" / "bad" / "encrypted.zip").read_bytes(),
             "encrypted zip member"),
        Case("empty-zip", "empty.zip", _zip_bytes({}), "an empty zip"),
        Case("zip-3-deep", "download.zip",
             _zip_bytes({"a.zip": _zip_bytes({"b.zip": _zip_bytes({"Mar.csv": meta})})}), "a zip nested three deep"),
        Case("bomb-header", "bomb.zip", bytes(z), "a member whose header says it unpacks to 1 GB"),
        Case("x-archive-cut", "twitter.zip", tweets.read_bytes()[:700], "an X archive cut short"),
    ]
    for c in cases:
        c.seed = "targeted"
    return cases


def cases(n: int = 480, seed: int = 18) -> list[Case]:
    """``n`` mutated cases (deterministic for a given ``seed``) plus the targeted ones."""
    base = seeds()
    out = []
    for i in range(n):
        rng = random.Random(seed * 100_003 + i)
        src, data = base[i % len(base)]
        name, mutated, how = mutate(rng, src.rsplit("/", 1)[-1], data)
        out.append(Case(f"{i:04d}", name, mutated, how, _forbidden(how), seed=src))
    return out + targeted()


# --- running ---------------------------------------------------------------------------------------------


class Hang(BaseException):
    """A load that did not finish within the time limit (BaseException: loaders cannot catch it)."""


def _alarm(signum, frame):
    raise Hang()


def _timed(fn, limit: float):
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        return fn()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def wrong_values(ds, case: Case) -> list[str]:
    """Values of the kinds issue #18.4 names that must never be loaded."""
    problems = []
    for tname, frame in (("posts", ds.posts), ("comments", ds.comments)):
        cols = [c for c in METRICS if c in frame.columns] if tname == "posts" else ["likes"]
        for c in cols:
            v = frame[c].to_numpy(dtype="float64", na_value=np.nan)
            if ((v < 0) | (v >= 2**53)).any():
                problems.append(f"{tname}.{c} holds {v[(v < 0) | (v >= 2**53)][0]}")
    if len(ds.daily) and np.isinf(ds.daily["value"].to_numpy(dtype="float64", na_value=np.nan)).any():
        problems.append("daily.value holds inf")
    for f in case.forbidden:
        starts = [pd.Timestamp(f[1], f[2] if f[0] == "month" else 1, 1, tz=z) for z in ("UTC", TZ)]
        for tname, frame, col in (("posts", ds.posts, "published_at"), ("comments", ds.comments, "published_at")):
            if frame[col].isin(starts).any():
                problems.append(f"{tname}.{col} holds {starts[0]:%Y-%m-%d} from a poison value")
    return problems


def _accounting(report) -> bool:
    return bool((report.rows_read == report.rows_loaded + report.duplicates_dropped + report.rows_rejected).all())


def _is_bug(text: str) -> bool:
    return "bug in the toolkit" in text


def run(case: Case, workdir: Path, *, limit: float = 10.0) -> dict[str, str]:
    """Outcome of the case per way of loading: {"raise": ..., "reject": ..., "folder": ...}."""
    d = workdir / case.id
    (d / "alone").mkdir(parents=True, exist_ok=True)
    (d / "exports").mkdir(exist_ok=True)
    (d / "alone" / case.name).write_bytes(case.data)
    (d / "exports" / case.name).write_bytes(case.data)
    (d / "exports" / "good.csv").write_text(GOOD)
    out = {}
    cwd = os.getcwd()
    os.chdir(d / "alone")
    try:
        for mode in ("raise", "reject"):
            out[mode] = _outcome(lambda: tk.load(case.name, tz=TZ, errors=mode, progress=False), case, limit,
                                 prefix=case.name)
        os.chdir(d)
        out["folder"] = _outcome(lambda: tk.load("exports", tz=TZ, progress=False), case, limit,
                                 prefix=f"exports/{case.name}", folder=True)
    finally:
        os.chdir(cwd)
    return out


def _outcome(fn, case: Case, limit: float, *, prefix: str, folder: bool = False) -> str:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ds = _timed(fn, limit)
    except Hang:
        return "hang"
    except ToolkitError as exc:
        msg = str(exc)
        if folder:
            return f"folder-lost: {msg[:300]}"
        if getattr(exc, "internal", False) or _is_bug(msg):
            return f"internal: {msg[:300]}"
        if not msg.startswith(prefix):
            return f"message: {msg[:300]}"
        return "error"
    except Exception as exc:  # noqa: BLE001 - exactly what the probe looks for
        return f"raw:{type(exc).__name__}: {str(exc)[:300]}"
    rep = ds.load_report
    if not _accounting(rep):
        return "accounting: " + rep.to_string()[:600]
    wrong = wrong_values(ds, case)
    if wrong:
        return "wrong-value: " + "; ".join(wrong)
    mine = rep[rep.file.str.startswith(prefix)] if folder else rep
    if folder:
        if not ((ds.posts.platform == "probe") & (ds.posts.post_id == "good-1")).any():
            return "folder-lost: the good file did not load"
        special = mine[mine.format.isin([tk.io.UNREADABLE, tk.io.UNRECOGNISED])]
        if special.notes.map(_is_bug).any():
            return "internal: " + special.notes.iloc[0][:300]
        if (~special.notes.str.startswith(prefix)).any():
            return "message: " + special.notes.iloc[0][:300]
        if len(special) and len(special) == len(mine):
            return special.format.iloc[0]
    if int(mine.rows_rejected.sum()) and not (mine.format == tk.io.UNREADABLE).all():
        return "rejected"
    return "loaded"


def run_all(all_cases: list[Case], workdir: Path, *, limit: float = 10.0, progress=None) -> tuple[dict, list]:
    """Run every case; returns (outcome counts per way, failures as (case, way, outcome, how))."""
    counts: dict[str, dict[str, int]] = {"raise": {}, "reject": {}, "folder": {}}
    failures = []
    start = time.perf_counter()
    for k, case in enumerate(all_cases):
        for mode, outcome in run(case, workdir, limit=limit).items():
            label = outcome.split(":")[0]
            counts[mode][label] = counts[mode].get(label, 0) + 1
            if label not in ("loaded", "rejected", "error", "unreadable", "unrecognised"):
                failures.append((case.id, case.seed, mode, outcome, case.how))
        if progress:
            progress(k + 1, len(all_cases), time.perf_counter() - start)
    return counts, failures
