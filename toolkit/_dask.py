"""The Dask engine: the heavy analyses partition-wise on a ``dask.distributed`` cluster.

The public functions (``tk.text.add_sentiment``, ``tk.community.response_rate``, ...) dispatch here
when they get a Dask DataFrame (see toolkit/_engine.py); this module never changes what they
compute, it runs the same pandas code on pieces of the table and puts the pieces together:

* **Row-wise results** (``add_sentiment``, ``add_language``, ``sentiment``, ``hashtags`` and the
  other extractors, ``reply_times``) stay lazy: ``map_partitions`` of the pandas function, a Dask
  DataFrame that the caller computes, writes (``to_parquet``) or aggregates further. Sentiment and
  language score each distinct text once per partition (the pandas functions deduplicate).
* **Aggregates** (``response_rate``, ``care_summary``, ``negative_spikes``, ``workload``,
  ``audience_activity``, ``keywords``/``ngrams``) return a computed pandas DataFrame equal to the
  pandas path. Counts that add up (comments per day, per weekday-hour, per term) are computed per
  partition by the same helper the pandas function uses (``_spike_counts``, ``_workload_counts``,
  ``_activity_counts``, ``_term_counts``), summed in a tree on the workers (8 pieces at a time),
  and only the small sum goes to the client, where the pandas function's finishing step
  (``_spike_test``, ...) makes the table.
* **Reply pairs** need the user comment and the account's reply in one partition. The store
  partitions by platform and month, and a reply can come a month after its comment, so the
  comments are shuffled by (platform, post_id) first (a reply carries its parent's post_id in
  every loader; comments without a post go together per platform). The shuffle moves the columns
  that reply matching reads once over the network (about the size of those columns; text is only
  moved for ``reply_times`` and ``care_summary``'s questions). Medians and 90th percentiles of
  reply times do not add up, so ``response_rate`` shuffles its per-comment rows a second time by
  (platform, account, period) - a much smaller table - and runs the pandas aggregation per
  partition; groups never straddle partitions, so the pieces are exact. Up to 64 partitions the
  shuffles use Dask's task method (on 1M comments in 5 partitions about 3x faster than P2P), beyond
  that Dask's default (P2P on a cluster); ``dask.config.set({"dataframe.shuffle.method": ...})`` decides
  when set. On 1M comments (2 workers, 5 partitions) ``workload`` took 1 s, ``reply_times`` 10 s,
  ``response_rate`` 13 s (pandas: 0.2, 1.4, 1.4 s): the shuffles are the engine's price for not
  holding the table in one process.

Where the work runs: on the default ``distributed.Client`` (``tk.load(..., engine="dask")`` and
``tk.scale.client()`` start or connect one), or on whatever ``dask.config.set(scheduler=...)``
says. No home-made pools: only Dask's schedulers.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ._engine import require_dask

#: Partial results combined per step of the tree reduction.
SPLIT_EVERY = 8
#: Up to this many partitions the shuffles use Dask's task-based method (measured 3x faster than P2P on
#: 1M comments in 5 partitions); above it, and whenever ``dataframe.shuffle.method`` is configured, Dask's
#: choice (P2P on a distributed cluster, which spills to disk and scales to many partitions).
TASKS_SHUFFLE_UP_TO = 64
_KEY = "_toolkit_key"


# ----------------------------------------------------------------------------------------------
# generic machinery


def _meta(table):
    """The empty pandas frame with the columns and dtypes of a Dask collection."""
    return table._meta


def rows(func, table, *args, where: str, **kwargs):
    """Lazy ``map_partitions(func)``: a row-wise pandas function applied partition by partition.

    The function runs once on the table's empty meta first, so wrong columns or options raise here,
    at the call, with the pandas function's own message (not later on a worker)."""
    require_dask(where)
    meta = func(_meta(table), *args, **kwargs)
    return table.map_partitions(func, *args, **kwargs, meta=meta)


def _reduce(table, partial, combine, *, split_every: int = SPLIT_EVERY):
    """A Delayed holding ``combine`` over ``partial(partition)`` of every partition (a tree of
    ``split_every`` pieces at a time, so no single task holds all partitions' results)."""
    import dask

    parts = [dask.delayed(partial)(p) for p in table.to_delayed()]
    if not parts:
        parts = [dask.delayed(partial)(_meta(table))]
    while len(parts) > 1:
        parts = [dask.delayed(combine)(parts[i:i + split_every]) for i in range(0, len(parts), split_every)]
    return parts[0]


def _compute(*delayed):
    import dask

    return dask.compute(*delayed)


def _by_post(comments, columns: list[str]):
    """The comments (only ``columns``) shuffled so that every post's comments share a partition."""
    keep = [c for c in dict.fromkeys(columns) if c in comments.columns]
    part = comments[keep]
    if part.npartitions == 1:  # already together
        return part

    def add_key(df):
        plat = df["platform"].astype("string").fillna("")
        post = df["post_id"].astype("string").fillna("") if "post_id" in df.columns else ""
        out = df.copy()
        out[_KEY] = (plat + "\x1f" + post).astype(object)
        return out

    meta = add_key(_meta(part))
    keyed = part.map_partitions(add_key, meta=meta)
    return _shuffle(keyed)


def _shuffle(frame):
    """``frame`` shuffled on the key column (see :data:`TASKS_SHUFFLE_UP_TO` for the method)."""
    import dask

    method = dask.config.get("dataframe.shuffle.method", None)
    if method is None and frame.npartitions <= TASKS_SHUFFLE_UP_TO:
        method = "tasks"
    return frame.shuffle(on=_KEY, npartitions=frame.npartitions, shuffle_method=method)


def _drop_key(df):
    return df.drop(columns=[_KEY]) if _KEY in df.columns else df


def _pandas(func):
    """``func`` on one shuffled partition, without the shuffle key."""
    def run(df, *args, **kwargs):
        return func(_drop_key(df), *args, **kwargs)
    run.__name__ = getattr(func, "__name__", "run")
    return run


# ----------------------------------------------------------------------------------------------
# text


def add_sentiment(table, **kwargs):
    from .text.scoring import add_sentiment as pandas_add_sentiment

    kwargs["progress"] = False  # a bar per partition on the workers would be noise
    return rows(pandas_add_sentiment, table, where="add_sentiment()", **kwargs)


def sentiment(texts, **kwargs):
    from .text.scoring import sentiment as pandas_sentiment

    kwargs["progress"] = False
    return rows(pandas_sentiment, texts, where="sentiment()", **kwargs)


def add_language(table, **kwargs):
    from .text.language import add_language as pandas_add_language

    kwargs["progress"] = False
    return rows(pandas_add_language, table, where="add_language()", **kwargs)


def extract(func, table, *args):
    """hashtags / mentions / emoji / urls (``features._extract``) partition by partition."""
    return rows(func, table, *args, where=f"{args[-1]}()")


def _add_frames(frames: list[pd.DataFrame], how: dict | None = None) -> pd.DataFrame:
    frames = [f for f in frames if len(f)] or frames[:1]
    both = pd.concat(frames)
    levels = list(range(both.index.nlevels))
    if how is None:
        return both.groupby(level=levels, sort=True).sum()
    return both.groupby(level=levels, sort=True).agg(how)


def term_table(table, *, order, text_col, weight_col, stop, progress, name, top, min_docs, term_col):
    """keywords / ngrams: term counts per partition, added up in a tree, finished on the client."""
    from .text import features

    require_dask(f"{name}()")
    features._term_counts(_meta(table), order=order, text_col=text_col, weight_col=weight_col, stop=stop,
                          progress=False, name=name)  # wrong columns raise here, not on a worker

    def partial(df):
        return features._term_counts(df, order=order, text_col=text_col, weight_col=weight_col, stop=stop,
                                     progress=False, name=name)

    def combine(parts):
        return _add_frames([p[0] for p in parts]), sum(p[1] for p in parts)

    (counts, n_texts), = _compute(_reduce(table, partial, combine))
    return features._term_table(counts, n_texts, weighted=weight_col is not None, top=top, min_docs=min_docs,
                                term_col=term_col)


# ----------------------------------------------------------------------------------------------
# timing


def audience_activity(comments, *, tz: str, include_owner: bool):
    from . import timing

    require_dask("audience_activity()")
    zone = timing._check_tz(tz)
    timing._check_table(_meta(comments), ["platform", "published_at"], "comments")

    def partial(df):
        ts = timing._utc(df["published_at"], "comments")
        keep = ts.notna().to_numpy().copy()
        if not include_owner and "is_owner" in df:
            keep &= ~df["is_owner"].fillna(False).astype(bool).to_numpy()
        return timing._activity_counts(df["platform"], ts, keep, zone), int(ts.isna().sum())

    def combine(parts):
        how = {f"c{i}": "sum" for i in range(168)} | {"first": "min", "last": "max"}
        return _add_frames([p[0] for p in parts], how), sum(p[1] for p in parts)

    (counts, n_missing), = _compute(_reduce(comments, partial, combine))
    if n_missing:
        warnings.warn(f"audience_activity ignored {n_missing} comment(s) without a time.", stacklevel=3)
    return timing._activity_table(counts, tz=tz, zone=zone)


# ----------------------------------------------------------------------------------------------
# community


def workload(comments, *, tz: str, a: int, b: int, weekdays):
    from . import community

    require_dask("workload()")

    def partial(df):
        counts = community._workload_counts(df, tz=tz).reset_index()
        counts[["weekday", "hour"]] = counts[["weekday", "hour"]].astype("int64")
        return counts.set_index(["platform", "weekday", "hour"])

    counts, = _compute(_reduce(comments, partial, _add_frames))
    return community._workload_table(counts, a=a, b=b, weekdays=weekdays)


def negative_spikes(comments, *, by: str, tz, label_col, score_col, negative_below, test: dict):
    from . import community

    require_dask("negative_spikes()")

    def partial(df):
        return community._spike_counts(df, by=by, tz=tz, label_col=label_col, score_col=score_col,
                                       negative_below=negative_below)

    how = {"comments": "sum", "negative": "sum"} | ({"first_comment_at": "min"} if by == "post" else {})

    def combine(parts):
        return _add_frames([p[0] for p in parts], how), sum(p[1] for p in parts)

    (agg, n_un), = _compute(_reduce(comments, partial, combine))
    if n_un:
        warnings.warn(f"negative_spikes(by='post'): ignored {n_un} comments not linked to a post.", stacklevel=3)
    return community._spike_test(agg, by=by, **test)


_REPLY_COLUMNS = ["platform", "account", "post_id", "comment_id", "parent_id", "author", "is_owner",
                  "published_at", "text"]


def reply_times(comments, **kwargs):
    """Lazy: one row per user comment (as the pandas function), partitions of whole posts."""
    from . import community

    require_dask("reply_times()")
    shuffled = _by_post(comments, _REPLY_COLUMNS)
    return rows(_pandas(community.reply_times), shuffled, where="reply_times()", **kwargs)


def _rate_rows(df, *, tz, freq, match, top_level, business_hours, weekdays, holidays):
    """Per partition of whole posts: the user comments' reply times (kind "u") and the account replies
    (kind "r"), with the (platform, account, period) key of the second shuffle."""
    from . import community
    from ._time import period_start

    df = _drop_key(df)
    rt = community._reply_times(df, tz=tz, match=match, top_level=top_level, business_hours=business_hours,
                                weekdays=weekdays, holidays=holidays, where="response_rate")
    cols = ["platform", "account", "published_at", "replied", "minutes_to_reply"]
    if business_hours is not None:
        cols.append("business_minutes_to_reply")
    users = rt[[c for c in cols if c in rt.columns]].copy()
    users["_kind"] = "u"
    owner = df["is_owner"].fillna(False).astype(bool).to_numpy()
    reps = df.loc[owner & df["parent_id"].notna().to_numpy(),
                  [c for c in ("platform", "account", "published_at", "is_owner", "parent_id") if c in df.columns]]
    reps = reps.reset_index(drop=True).assign(_kind="r")
    out = pd.concat([users, reps], ignore_index=True)
    for c in ("replied", "is_owner"):  # one dtype in every partition (the shuffle needs one schema)
        out[c] = out[c].astype("boolean").fillna(False).astype(bool)
    out["parent_id"] = out["parent_id"].astype("string")
    account = out["account"].astype("string").fillna("") if "account" in out.columns else ""
    key = out["platform"].astype("string").fillna("") + "\x1f" + account
    if freq is not None:
        key = key + "\x1f" + period_start(out["published_at"], freq, tz=tz, where="response_rate()").astype(
            "string").fillna("")
    out[_KEY] = key.astype(object)
    return out


def _rate_part(df, *, tz, freq, business_hours, weekdays, holidays):
    from . import community

    df = _drop_key(df)
    kind = df["_kind"].to_numpy()
    rt = df[kind == "u"].drop(columns=["_kind", "is_owner", "parent_id"], errors="ignore").reset_index(drop=True)
    reps = df[kind == "r"].drop(columns=["_kind"]).reset_index(drop=True)
    if not len(rt):
        return None
    return community._rate_table(rt, reps, tz=tz, freq=freq, business_hours=business_hours, weekdays=weekdays,
                                 holidays=holidays)


def _rate_delayed(shuffled, *, tz, freq, match, top_level, business_hours, weekdays, holidays):
    """Delayed response_rate tables of the groups in each partition (``shuffled``: by post)."""
    import dask

    opts = dict(tz=tz, freq=freq, business_hours=business_hours, weekdays=weekdays, holidays=holidays)
    meta = _rate_rows(_meta(shuffled), match=match, top_level=top_level, **opts)
    per_comment = shuffled.map_partitions(_rate_rows, match=match, top_level=top_level, **opts, meta=meta)
    grouped = per_comment if per_comment.npartitions == 1 else _shuffle(per_comment)
    return [dask.delayed(_rate_part)(p, **opts) for p in grouped.to_delayed()]


def _rate_finish(parts, keys: list[str], empty) -> pd.DataFrame:
    parts = [p for p in parts if p is not None]
    if not parts:
        return empty()
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


def response_rate(comments, *, tz, freq, match, top_level, business_hours, weekdays, holidays):
    from . import community

    require_dask("response_rate()")
    shuffled = _by_post(comments, [c for c in _REPLY_COLUMNS if c != "text"])  # text is not needed
    parts = _rate_delayed(shuffled, tz=tz, freq=freq, match=match, top_level=top_level,
                          business_hours=business_hours, weekdays=weekdays, holidays=holidays)
    parts = _compute(*parts)
    keys = ["platform", "account"] + (["period_start"] if freq is not None else [])
    return _rate_finish(parts, keys, lambda: community.response_rate(
        _meta(comments), tz=tz, freq=freq, match=match, top_level=top_level, business_hours=business_hours,
        weekdays=weekdays, holidays=holidays))


def _open_questions(df, *, match, top_level):
    from . import community

    q = community.unanswered_questions(_drop_key(df), match=match, top_level=top_level)
    return q["platform"].astype("string").value_counts()


def care_summary(comments, *, tz, business_hours, match, top_level):
    import dask

    from . import community

    require_dask("care_summary()")
    opts = dict(tz=tz, freq=None, business_hours=business_hours, weekdays=community._WEEKDAYS, holidays=None)
    shuffled = _by_post(comments, _REPLY_COLUMNS)  # one shuffle for the reply times and the open questions
    parts = _rate_delayed(shuffled, match=match, top_level=top_level, **opts)
    questions = [dask.delayed(_open_questions)(p, match=match, top_level=top_level) for p in shuffled.to_delayed()]
    *parts, counts = _compute(*parts, dask.delayed(lambda xs: [x for x in xs])(questions))
    care = _rate_finish(parts, ["platform", "account"], lambda: community.response_rate(
        _meta(comments), match=match, top_level=top_level, **opts))
    open_q = pd.concat([c for c in counts if len(c)] or [pd.Series(dtype="int64")])
    open_q = open_q.groupby(level=0).sum() if len(open_q) else open_q
    care["unanswered_questions"] = (care["platform"].astype("string").map(open_q).fillna(0)
                                    .astype("int64").to_numpy())
    return care


# ----------------------------------------------------------------------------------------------
# the Parquet store as Dask DataFrames (layout: toolkit/io/_store.py)


#: Rows per partition when reading a store: consecutive part files (platform x month) are read together
#: up to this many rows. Change it with ``dask.config.set({"toolkit.partition-rows": N})``.
PARTITION_ROWS = 250_000


def _partition_rows() -> int:
    import dask

    return int(dask.config.get("toolkit.partition-rows", PARTITION_ROWS))


def _groups(files: list[dict], limit: int) -> list[list[dict]]:
    """Consecutive part files, each group at most ``limit`` rows (a larger file is a group alone)."""
    groups: list[list[dict]] = []
    rows = 0
    for f in files:
        if groups and rows + f["rows"] <= limit:
            groups[-1].append(f)
            rows += f["rows"]
        else:
            groups.append([f])
            rows = f["rows"]
    return groups


def _read_group(files: list[dict], *, root: str, entry: dict):
    """Part files read into one partition (see :func:`_read_part`)."""
    frames = [_read_part(f, root=root, entry=entry) for f in files]
    return frames[0] if len(frames) == 1 else pd.concat(frames)


def _read_part(file: dict, *, root: str, entry: dict):
    """One part file of the store as a pandas frame with the table's dtypes; the index is each row's
    position in the whole table (the store's ``_row``), so a computed table sorts back into the
    pandas path's order with ``sort_index()``."""
    import pyarrow as pa

    from .io import _store

    table = _store.read_part(root, file["path"], rows=file["rows"])
    extra = None
    plat_col = entry.get("platform_column")
    if plat_col:  # the partition value (from the folder name), as the store's reader gives it back
        extra = {plat_col: pa.chunked_array([pa.DictionaryArray.from_arrays(
            pa.array(np.zeros(table.num_rows, dtype="int32")), pa.array([file.get("platform")], type=pa.string()))])}
    frame = _store._frame(table, entry["columns"], entry.get("index"), extra=extra)
    if entry.get("index") is None:
        frame.index = pd.Index(table.column(_store.ROW_COL).to_numpy(), dtype="int64")
    return frame


def _empty(entry: dict) -> pd.DataFrame:
    from .io import _store

    frame = pd.DataFrame({c["name"]: pd.Series(dtype=_store._dtype_from_spec(c["dtype"])) for c in entry["columns"]})
    frame.index = pd.Index([], dtype="int64")
    return frame


def read_table(root, name: str, entry: dict):
    """One table of the store at ``root`` as a Dask DataFrame: one partition per part file
    (platform x month), read on the workers."""
    import dask

    dd = require_dask("load(engine='dask')")
    meta = _empty(entry)
    with dask.config.set({"dataframe.convert-string": False}):  # the dtypes the manifest records
        if not entry["files"]:
            return dd.from_pandas(meta, npartitions=1, sort=False)
        return dd.from_map(_read_group, _groups(entry["files"], _partition_rows()), root=str(root), entry=entry,
                           meta=meta, label=f"read-store-{name}", enforce_metadata=False)


def read_store(path, *, tz=None, client=None):
    """The store at ``path`` as a :class:`DaskDataset` (tables lazy, load report and rejected rows
    read at once: they are small)."""
    from pathlib import Path

    from .errors import ParameterError
    from .io import _store

    root = Path(path)
    manifest = _store.read_manifest(root)
    if tz is not None and manifest.get("tz") is not None and tz != manifest["tz"]:
        raise ParameterError(f"load({root}, tz={tz!r}, engine='dask'): this store was loaded with "
                             f"tz={manifest['tz']!r}, which decided how times without a zone were read. Pass "
                             f"tz={manifest['tz']!r} (or no tz), or load the exports again with tz={tz!r}.")
    category = getattr(_store, "_category", lambda name: UserWarning)
    for w in manifest.get("warnings") or []:  # the warnings of the load that wrote the store, as load() repeats them
        warnings.warn(w["message"], category(w["category"]), stacklevel=4)
    tables = {name: read_table(root, name, entry) for name, entry in manifest["tables"].items()}
    report = _store._read_single(root, manifest["load_report"])
    rejected = _store._read_single(root, manifest["rejected"])
    ds = dask_dataset_class()(tables["posts"], tables["comments"], tables["daily"], report, rejected, manifest.get("tz"))
    if "traffic" in tables:
        ds.traffic = tables["traffic"]
    ds.client = client
    ds.store = root
    ds.rows = {name: int(entry["rows"]) for name, entry in manifest["tables"].items()}
    return ds


_DASK_DATASET = []


def dask_dataset_class():
    """:class:`DaskDataset`, defined on first use (toolkit.io is not imported with this module)."""
    if _DASK_DATASET:
        return _DASK_DATASET[0]
    from .io._core import Dataset

    class DaskDataset(Dataset):
        """A :class:`~toolkit.io.Dataset` whose tables are Dask DataFrames read from a Parquet store
        (``load(..., engine="dask")``); ``client`` is the ``distributed.Client`` they compute on."""

        def to_parquet(self, path):
            """Refused: the tables already live in a store (``self.store``); copy that folder instead."""
            from .errors import ParameterError

            raise ParameterError(f"to_parquet({str(path)!r}): this dataset was read with engine='dask' from the "
                                 f"store {getattr(self, 'store', '?')}; copy that folder, or write one table with "
                                 "ds.comments.to_parquet(...) (Dask).")

        def __repr__(self) -> str:
            rows = getattr(self, "rows", {})
            parts = ", ".join(f"{rows[n]:,} {n}" for n in ("posts", "comments", "daily") if n in rows)
            where = getattr(self.client, "scheduler", None)
            addr = getattr(where, "address", None) if where is not None else None
            return (f"<Dataset (engine='dask'): {parts} in {self.comments.npartitions} comment partition(s) "
                    f"from the store {getattr(self, 'store', '?')}; scheduler {addr or 'default'}>")

    DaskDataset.__module__ = __name__
    _DASK_DATASET.append(DaskDataset)
    return DaskDataset


def load(path, *, cache, scheduler, tz, params: dict, progress):
    """``load(path, engine="dask", ...)``: connect the client, make sure the store is current (written
    from the exports with the pandas loaders when it is missing or an input changed), read it lazily."""
    from pathlib import Path

    from .errors import ParameterError
    from .io import _store
    from .scale import client as get_client

    require_dask("load(engine='dask')")  # before anything is parsed or written
    single = isinstance(path, (str, bytes)) or hasattr(path, "__fspath__")
    if single and _store.is_store(path):
        return read_store(path, tz=tz, client=get_client(scheduler))
    if cache is None:
        raise ParameterError(f"load({str(path)!r}, engine='dask'): the Dask engine reads a Parquet store. Pass "
                             "cache='a folder' (written from the exports on the first run, reused while they are "
                             "unchanged), or the folder of a store written with Dataset.to_parquet().")
    from .io import load as pandas_load
    from .io._core import _entries

    paths = [Path(path)] if single else [Path(p) for p in path]
    ok, _why = _store.cached(Path(cache), _store.sources(paths, _entries(paths), {"tz": tz, **params}))
    if not ok:  # parse the exports once (pandas loaders) and write the store
        pandas_load(path, tz=tz, cache=cache, progress=progress, **params)
    return read_store(Path(cache), tz=tz, client=get_client(scheduler))
