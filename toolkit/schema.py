"""The canonical tables: grain, columns, dtypes, validation.

Every loader produces these tables and every analysis consumes them. They are a contract:
columns may be added, never renamed.

``posts``
    One row per post (key: platform, post_id).
``comments``
    One row per comment or reply (key: platform, comment_id).
``daily``
    One row per (platform, account, date, metric): account-level daily series such as followers
    or page views.
``traffic``
    Web analytics (GA4, Universal Analytics, Matomo): one row per reported period (a day, or the
    whole range of a report without a date column) x channel x source/medium x campaign x content
    x landing page, as far as the report breaks sessions down (see :data:`TRAFFIC`).

Conventions: timestamps are UTC (``datetime64[ns, UTC]``); "not reported" is ``<NA>`` and a reported
zero is ``0``; counts are nullable ``Int64``; IDs are strings.

Examples
--------
>>> import toolkit as tk
>>> tk.schema.POSTS.key
('platform', 'post_id')
>>> tk.schema.POSTS.empty().dtypes["likes"]
Int64Dtype()
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import pandas as pd

from ._validate import check_kind, check_tz, did_you_mean
from .errors import SchemaError

__all__ = [
    "Column",
    "Table",
    "POSTS",
    "COMMENTS",
    "DAILY",
    "TRAFFIC",
    "TRAFFIC_TOOLS",
    "TABLES",
    "METRICS",
    "KNOWN_PLATFORMS",
    "UTC_DTYPE",
    "validate",
    "conform",
    "require_columns",
    "check_tz",
    "table_kind",
]

from ._validate import table_kind  # noqa: E402  (public here: which canonical table a frame is)

#: dtype of every timestamp column.
UTC_DTYPE = pd.DatetimeTZDtype("ns", "UTC")
#: Platforms the toolkit knows by name; any other lowercase name is accepted too.
KNOWN_PLATFORMS = ("facebook", "instagram", "x", "linkedin", "youtube", "tiktok", "mastodon",
                   "xing", "whatsapp", "threads", "bluesky", "pinterest")
#: Per-post metrics, all nullable Int64 (``<NA>`` = not reported, 0 = reported zero).
METRICS = ("impressions", "reach", "views", "likes", "comments", "shares", "saves", "clicks",
           "engagements")

_PLATFORM_RE = re.compile(r"^[a-z][a-z0-9_.-]*$")
_MAX_LISTED = 5


@dataclass(frozen=True)
class Column:
    """One column of a canonical table.

    Parameters
    ----------
    name : str
        Column name (snake_case).
    dtype : str
        pandas dtype name: ``"string"``, ``"Int64"``, ``"Float64"``, ``"boolean"``, ``"bool"``,
        ``"utc"`` (``datetime64[ns, UTC]``) or ``"date"`` (naive ``datetime64[ns]`` at midnight).
        A ``"string"`` column may also be a categorical of strings: what ``Dataset.compact()`` makes of
        the repetitive ones; the checks accept both.
    nullable : bool
        Whether ``<NA>``/``NaT`` is allowed.
    label : str
        Human axis label for charts.
    description : str
        What the column holds.
    """

    name: str
    dtype: str
    nullable: bool = True
    label: str = ""
    description: str = ""

    @property
    def pandas_dtype(self):
        """The dtype object pandas uses for this column."""
        if self.dtype == "utc":
            return UTC_DTYPE
        if self.dtype == "date":
            return "datetime64[ns]"
        return self.dtype


@dataclass(frozen=True)
class Table:
    """A canonical table: its grain, key and columns.

    Use :meth:`empty` for a typed empty frame, :meth:`conform` to cast a frame to the schema and
    :meth:`validate` to check one (all problems are collected before raising).
    """

    name: str
    grain: str
    key: tuple[str, ...]
    columns: tuple[Column, ...] = field(default_factory=tuple)

    @property
    def names(self) -> list[str]:
        """Column names in canonical order."""
        return [c.name for c in self.columns]

    @property
    def dtypes(self) -> dict[str, object]:
        """Mapping of column name to pandas dtype."""
        return {c.name: c.pandas_dtype for c in self.columns}

    def column(self, name: str) -> Column:
        """The :class:`Column` called ``name``."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def labels(self) -> dict[str, str]:
        """Axis labels for charts (``{"likes": "Likes", ...}``)."""
        return {c.name: c.label or c.name.replace("_", " ").capitalize() for c in self.columns}

    def empty(self) -> pd.DataFrame:
        """A zero-row frame with every canonical column and dtype."""
        return pd.DataFrame({c.name: pd.Series(dtype=c.pandas_dtype) for c in self.columns})

    def conform(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Return a copy with canonical columns first, cast to canonical dtypes.

        Missing nullable columns are added as ``<NA>``; extra columns are kept after the
        canonical ones. Values are not parsed here (loaders parse); a column that cannot be cast
        raises :class:`~toolkit.errors.SchemaError` naming it.
        """
        if frame.columns.is_unique and frame.index.is_unique:
            return self._conform_at_once(frame)
        return self._conform_one_by_one(frame)

    def _conform_one_by_one(self, frame: pd.DataFrame) -> pd.DataFrame:
        """:meth:`conform` of any frame (repeated column names or index labels too): each column
        inserted into a copy of the frame, then reordered. :meth:`_conform_at_once` must give the same
        for frames it takes (tests/test_schema.py compares them)."""
        out = frame.copy(deep=False)  # copy-on-write: the columns cast below never touch ``frame``
        problems = []
        for c in self.columns:
            if c.name not in out.columns:
                if c.dtype == "bool":
                    out[c.name] = False
                elif c.dtype == "string" and c.name == "text":
                    out[c.name] = ""
                else:  # all missing: made in its dtype at once (what casting an object column of NA gives)
                    out[c.name] = _missing(out.index, c)
            elif c.dtype != "date" and str(out[c.name].dtype) == str(pd.api.types.pandas_dtype(c.pandas_dtype)):
                continue  # already canonical (compared by name: pandas' "str" dtype == "string" is True)
            try:
                out[c.name] = _cast(out[c.name], c)
            except (TypeError, ValueError) as exc:
                problems.append(f"column '{c.name}': cannot cast to {c.dtype} ({exc})")
        if problems:
            raise SchemaError(f"table '{self.name}': " + "; ".join(problems), problems=problems)
        extra = [col for col in out.columns if col not in self.names]
        return out[self.names + extra].reset_index(drop=True)

    def _conform_at_once(self, frame: pd.DataFrame) -> pd.DataFrame:
        """:meth:`conform` of a frame with unique column names and index: the same columns, cast the
        same way, collected and put into the new frame at once instead of inserted one by one (each
        insert costs about as much as the cast; a file of a few hundred rows paid more for them than
        for reading). tests/test_schema.py compares both ways."""
        index = frame.index
        if self._canonical_already(frame):  # (a loader that made the table in order: nothing to cast)
            out = frame.copy(deep=False)
            return out.reset_index(drop=True) if not _plain_index(index) else out
        cols: dict[str, pd.Series] = {}
        problems = []
        for c in self.columns:
            if c.name not in frame.columns:
                if c.dtype == "bool":
                    s = pd.Series(False, index=index)
                elif c.dtype == "string" and c.name == "text":
                    s = pd.Series("", index=index)
                else:  # all missing: made in its dtype at once (what casting an object column of NA gives)
                    s = _missing(index, c)
            else:
                s = frame[c.name]
            if c.dtype != "date" and str(s.dtype) == _dtype_name(c.pandas_dtype) or c.dtype == "date" and _days(s):
                cols[c.name] = s  # already canonical (compared by name: pandas' "str" == "string" is True;
                continue  # a cast to its own dtype, as conform made of a missing column, changes nothing)
            try:
                cols[c.name] = _cast(s, c)
            except (TypeError, ValueError) as exc:
                problems.append(f"column '{c.name}': cannot cast to {c.dtype} ({exc})")
        if problems:
            raise SchemaError(f"table '{self.name}': " + "; ".join(problems), problems=problems)
        for col in frame.columns:
            if col not in cols:
                cols[col] = frame[col]
        out = pd.DataFrame(cols, index=index, copy=False)  # (index given: no union of the columns' indexes)
        out.columns = pd.Index(list(cols))
        return out.reset_index(drop=True).__finalize__(frame)

    def _canonical_already(self, frame: pd.DataFrame) -> bool:
        """Whether ``frame`` starts with this table's columns, in order, each of its canonical dtype
        (what :meth:`_conform_at_once` would keep as it is): one look at ``frame.dtypes``."""
        n = len(self.columns)
        if len(frame.columns) < n or list(frame.columns[:n]) != self.names:
            return False
        for c, dtype in zip(self.columns, frame.dtypes.iloc[:n]):
            if c.dtype == "date":
                if not _days(frame[c.name]):
                    return False
            elif str(dtype) != _dtype_name(c.pandas_dtype):
                return False
        return True

    def validate(self, frame: pd.DataFrame, *, source: str | None = None) -> pd.DataFrame:
        """Check ``frame`` against the schema and return it unchanged if it passes.

        Collects every problem (missing columns, wrong dtypes, nulls in required columns,
        non-UTC timestamps, platform names that are not lowercase, duplicate keys) and raises one
        :class:`~toolkit.errors.SchemaError` listing them.

        Parameters
        ----------
        frame : pandas.DataFrame
            The table to check.
        source : str, optional
            Where the table came from, for the message (a file name).

        Returns
        -------
        pandas.DataFrame
            ``frame`` itself.
        """
        return self._validate(frame, source=source)

    def _validate(self, frame: pd.DataFrame, *, source: str | None = None, key: bool = True) -> pd.DataFrame:
        problems: list[str] = []
        missing = [n for n in self.names if n not in frame.columns]
        if missing:
            problems.append(f"missing columns {missing}; present: {list(frame.columns)}")
        for c in self.columns:
            if c.name not in frame.columns:
                continue
            s = frame[c.name]
            if not _dtype_ok(s, c):
                problems.append(f"column '{c.name}' has dtype {s.dtype}, expected {c.dtype}")
                continue
            if not c.nullable:
                bad = s.isna()
                if bad.any():
                    problems.append(f"column '{c.name}' is empty in {int(bad.sum())} row(s), "
                                    f"first at row(s) {_first_rows(bad)}")
        if "platform" in frame.columns and _dtype_ok(frame["platform"], self.column("platform")):
            plat = frame["platform"]  # (<NA> is never one of the odd names: no copy without it needed)
            odd = _odd_platforms(plat, "match")  # each distinct value checked once
            if odd and (bad := plat.isin(odd)).any():
                examples = sorted(set(plat[bad].head(_MAX_LISTED)))
                problems.append(f"column 'platform' must be a lowercase name such as 'facebook'; "
                                f"found {examples} in {int(bad.sum())} row(s)")
        if not missing and self.key and key:
            dup = frame.duplicated(list(self.key), keep=False)
            if dup.any():
                problems.append(f"{int(dup.sum())} row(s) share a key {self.key} (one row per "
                                f"{self.grain.removeprefix('one row per ')} expected), first at "
                                f"row(s) {_first_rows(dup)}")
        if problems:
            where = f" from {source}" if source else ""
            head = problems[:10]
            more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
            raise SchemaError(f"table '{self.name}'{where} does not match the canonical schema: "
                              + "; ".join(head) + more
                              + ". See toolkit.schema for the expected columns.",
                              problems=problems)
        return frame


@functools.lru_cache(maxsize=None)
def _dtype_name(spec) -> str:
    """``str(pd.api.types.pandas_dtype(spec))``, looked up once per spec (pandas searches its registry
    of dtypes on every call: a third of :meth:`Table.conform` on a small file)."""
    return str(pd.api.types.pandas_dtype(spec))


@functools.lru_cache(maxsize=None)
def _fixed_dtype(spec):
    """``pd.api.types.pandas_dtype(spec)`` for the specs whose dtype does not depend on pandas' options
    (``"string"`` does: its storage), looked up once; other specs are returned as they are."""
    return spec if spec == "string" else pd.api.types.pandas_dtype(spec)


def _plain_index(index: pd.Index) -> bool:
    """Whether ``index`` is already what ``reset_index(drop=True)`` gives: 0, 1, ..., n - 1."""
    return isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1 and index.name is None


def _days(s: pd.Series) -> bool:
    """Whether a column is naive ``datetime64[ns]`` at midnight (or NaT) throughout: what casting
    it to a ``"date"`` column (to_datetime, normalize) returns unchanged."""
    if s.dtype != "datetime64[ns]":
        return False
    i8 = s.array.asi8
    return not bool(((i8 % 86_400_000_000_000 != 0) & (i8 != pd.NaT.value)).any())


def _missing(index: pd.Index, c: Column) -> pd.Series:
    """An all-missing column of ``c``'s dtype (<NA>, or NaT for times)."""
    if c.dtype in ("utc", "date"):
        return pd.Series(pd.NaT, index=index, dtype=_fixed_dtype(c.pandas_dtype))
    if c.pandas_dtype == "string" and pd.StringDtype().storage == "pyarrow":  # Arrow's nulls: no cell made
        import pyarrow as pa
        arr = pd.arrays.ArrowStringArray(pa.chunked_array([pa.nulls(len(index), pa.large_string())]))
        return pd.Series(arr, index=index)
    try:
        return pd.Series(pd.NA, index=index, dtype=_fixed_dtype(c.pandas_dtype))
    except (TypeError, ValueError):
        return pd.Series(pd.NA, index=index, dtype=object)


def _odd_platforms(plat: pd.Series, how: str) -> list:
    """The distinct values of ``plat`` that are not platform names (``_PLATFORM_RE``), checked once
    each (a table holds a handful of platforms over millions of rows); ``how``: "match" or "fullmatch".

    Each value's verdict is remembered per dtype and ``how`` (:data:`_PLATFORM_VERDICTS`): a load
    checks the same few names in every file, and the check itself (a Series and a regex pass)
    cost more than reading a small file's platform column. Only values not seen before are
    checked, by :func:`_odd_platforms_checked` (the same verdicts; a test compares both).
    """
    uniques = plat.unique()
    verdicts = _PLATFORM_VERDICTS.setdefault((plat.dtype, how), {})
    try:
        todo = [v for v in uniques if v not in verdicts]
    except TypeError:  # an unhashable value (a list in an object column): no memory of it
        return _odd_platforms_checked(plat, how)
    if todo:
        if sum(map(len, _PLATFORM_VERDICTS.values())) > 10_000:  # bounded: a column of odd values
            _PLATFORM_VERDICTS.clear()
            verdicts = _PLATFORM_VERDICTS.setdefault((plat.dtype, how), {})
        new = pd.Series(todo, dtype=plat.dtype)
        odd = set(_odd_platforms_checked(new, how))
        for v, na in zip(todo, new.isna().to_numpy(dtype=bool)):
            verdicts[v] = (not na) and v in odd  # a missing value is never odd (dropped, as before)
    return [v for v in uniques if verdicts[v]]


#: (dtype, how) -> {value: whether it is not a platform name}: what :func:`_odd_platforms` found before.
_PLATFORM_VERDICTS: dict = {}


def _odd_platforms_checked(plat: pd.Series, how: str) -> list:
    """:func:`_odd_platforms`, every distinct value checked now."""
    uniques = pd.Series(plat.unique(), dtype=plat.dtype).dropna()  # (no copy of the column without its NA)
    ok = getattr(uniques.str, how)(_PLATFORM_RE)
    return list(uniques[~ok.astype(bool)])


def _first_rows(mask: pd.Series) -> list:
    return list(mask[mask].index[:_MAX_LISTED])


def _dtype_ok(s: pd.Series, c: Column) -> bool:
    if c.dtype == "utc":
        return isinstance(s.dtype, pd.DatetimeTZDtype) and str(s.dtype.tz) == "UTC"
    if c.dtype == "date":
        return pd.api.types.is_datetime64_dtype(s.dtype) and not isinstance(s.dtype, pd.DatetimeTZDtype)
    if c.dtype == "string" and isinstance(s.dtype, pd.CategoricalDtype):  # a compact table (Dataset.compact)
        return pd.api.types.is_string_dtype(s.dtype.categories.dtype) \
            and not pd.api.types.is_object_dtype(s.dtype.categories.dtype)
    if c.dtype == "string":
        return pd.api.types.is_string_dtype(s.dtype) and not pd.api.types.is_object_dtype(s.dtype) \
            or (pd.api.types.is_object_dtype(s.dtype) and s.dropna().map(type).eq(str).all())
    if c.dtype == "bool":
        return pd.api.types.is_bool_dtype(s.dtype) and not s.isna().any()
    if c.dtype == "boolean":
        return pd.api.types.is_bool_dtype(s.dtype)
    if c.dtype == "Int64":
        return str(s.dtype) == "Int64"
    if c.dtype == "Float64":
        return str(s.dtype) in ("Float64", "float64")
    return str(s.dtype) == c.dtype


def _cast(s: pd.Series, c: Column) -> pd.Series:
    if c.dtype == "utc":
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            return s.dt.tz_convert("UTC").astype(UTC_DTYPE)
        if pd.api.types.is_datetime64_dtype(s.dtype):
            return s.dt.tz_localize("UTC").astype(UTC_DTYPE)
        if s.isna().all():
            return pd.Series(pd.NaT, index=s.index, dtype=UTC_DTYPE)
        return pd.to_datetime(s, utc=True).astype(UTC_DTYPE)
    if c.dtype == "date":
        if s.isna().all() and not pd.api.types.is_datetime64_dtype(s.dtype):
            return pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
        out = pd.to_datetime(s)
        if isinstance(out.dtype, pd.DatetimeTZDtype):
            out = out.dt.tz_localize(None)
        return out.dt.normalize().astype("datetime64[ns]")
    if c.dtype == "string":
        return s.astype("string")
    if c.dtype == "bool":
        return s.fillna(False).astype(bool)
    if c.dtype == "Int64":
        if pd.api.types.is_float_dtype(s.dtype):
            frac = s.dropna() % 1 != 0
            if frac.any():
                raise ValueError(f"non-integer values such as {s.dropna()[frac].iloc[0]}")
        return s.astype("Int64")
    return s.astype(c.dtype)


def _posts() -> Table:
    cols = [
        Column("platform", "string", False, "Platform", "lowercase platform name"),
        Column("account", "string", True, "Account", "the page, profile or channel that posted"),
        Column("post_id", "string", False, "Post ID", "the platform's id of the post, as text"),
        Column("published_at", "utc", False, "Published (UTC)", "publish time in UTC"),
        Column("date_only", "bool", False, "Date only",
               "True when the export gave a date but no time of day"),
        Column("text", "string", False, "Text", 'post text, "" when none'),
        Column("media_type", "string", True, "Media type", "photo, video, reel, carousel, link, text, ..."),
        Column("permalink", "string", True, "Link", "URL of the post"),
    ]
    cols += [Column(m, "Int64", True, m.capitalize(), f"{m} as reported by the platform")
             for m in METRICS]
    cols.append(Column("source_file", "string", False, "Source file", "file the row came from"))
    return Table("posts", "one row per post", ("platform", "post_id"), tuple(cols))


def _comments() -> Table:
    cols = (
        Column("platform", "string", False, "Platform", "lowercase platform name"),
        Column("account", "string", True, "Account", "the page the comment was made on"),
        Column("post_id", "string", True, "Post ID", "post commented on; <NA> if the export does not link it"),
        Column("comment_id", "string", False, "Comment ID", "the platform's id of the comment"),
        Column("parent_id", "string", True, "Parent ID", "comment replied to; <NA> for top-level comments"),
        Column("author", "string", True, "Author", "display name or handle of the writer"),
        Column("is_owner", "bool", False, "By the account", "True when written by the account itself"),
        Column("published_at", "utc", False, "Published (UTC)", "time of the comment in UTC"),
        Column("text", "string", False, "Text", "comment text"),
        Column("likes", "Int64", True, "Likes", "likes of the comment"),
        Column("source_file", "string", False, "Source file", "file the row came from"),
    )
    return Table("comments", "one row per comment or reply", ("platform", "comment_id"), cols)


def _daily() -> Table:
    cols = (
        Column("platform", "string", False, "Platform", "lowercase platform name"),
        Column("account", "string", True, "Account", "the page, profile or channel"),
        Column("date", "date", False, "Date", "calendar day as reported by the platform"),
        Column("metric", "string", False, "Metric", "snake_case metric name, e.g. followers, page_views"),
        Column("value", "Float64", True, "Value", "value of the metric on that day"),
        Column("source_file", "string", False, "Source file", "file the row came from"),
    )
    return Table("daily", "one row per (platform, account, date, metric)",
                 ("platform", "account", "date", "metric"), cols)


#: Web-analytics tools whose exports fill the traffic table.
TRAFFIC_TOOLS = ("ga4", "ua", "matomo")
#: Traffic dimensions, in key order; ``<NA>`` in one means "the report is not broken down by it".
_TRAFFIC_DIMENSIONS = ("channel", "source", "medium", "campaign", "content", "landing_page")


def _traffic() -> Table:
    dim = "as the tool reports it (case and spelling kept); <NA> = the report is not broken down by it, " \
          "'(not set)' = the tool says it is unknown"
    cols = (
        Column("tool", "string", False, "Tool", "web-analytics tool: " + ", ".join(TRAFFIC_TOOLS)),
        Column("property", "string", True, "Property",
               "GA4 property, UA view or Matomo site as the export names it; <NA> if it does not"),
        Column("segment", "string", True, "Segment", "comparison/segment the rows belong to (GA4 'All Users')"),
        Column("breakdown", "string", False, "Breakdown",
               "the dimensions the report was broken down by, canonical names joined by ',' "
               "(e.g. 'date,source,medium'); different breakdowns of one property count the same sessions "
               "again, so never add rows of two breakdowns"),
        Column("date", "date", True, "Date",
               "first day of the period the row covers, a calendar day in the tool's reporting zone (tz); "
               "<NA> when the export does not say its period"),
        Column("date_to", "date", True, "Date to", "last day (inclusive) of that period; equals date for daily rows"),
        Column("channel", "string", True, "Channel", "the tool's channel group (GA4 'Organic Social', "
               "Matomo 'Social Networks'), " + dim),
        Column("source", "string", True, "Source", "traffic source (utm_source or referrer), " + dim),
        Column("medium", "string", True, "Medium", "traffic medium (utm_medium), " + dim),
        Column("campaign", "string", True, "Campaign", "campaign name (utm_campaign; Matomo lower-cases it), " + dim),
        Column("content", "string", True, "Content", "ad content (utm_content), " + dim),
        Column("landing_page", "string", True, "Landing page", "first page of the session, " + dim),
        Column("sessions", "Int64", True, "Sessions", "sessions (GA4, UA) or visits (Matomo)"),
        Column("engaged_sessions", "Int64", True, "Engaged sessions",
               "GA4 engaged sessions (longer than 10 s, a key event or 2+ page views); <NA> for tools "
               "without the concept"),
        Column("bounces", "Int64", True, "Bounces",
               "single-page sessions (Matomo bounce count; UA bounce rate x sessions, rounded)"),
        Column("users", "Int64", True, "Users", "users / unique visitors (not additive across rows or days)"),
        Column("new_users", "Int64", True, "New users", "first-time users"),
        Column("conversions", "Int64", True, "Conversions",
               "key events (GA4, called conversions before 2024), goal completions (UA), conversions (Matomo)"),
        Column("revenue", "Float64", True, "Revenue", "revenue in the property's currency, where reported"),
        Column("currency", "string", True, "Currency", "ISO code or symbol of revenue, where the export says"),
        Column("tz", "string", True, "Reporting zone",
               "IANA zone the tool's days are in (from the export, else tz= of load())"),
        Column("source_file", "string", False, "Source file", "file the row came from"),
    )
    return Table("traffic", "one row per (tool, property, segment, breakdown, period, channel, source, medium, "
                 "campaign, content, landing page)",
                 ("tool", "property", "segment", "breakdown", "date", "date_to") + _TRAFFIC_DIMENSIONS, cols)


POSTS = _posts()
COMMENTS = _comments()
DAILY = _daily()
TRAFFIC = _traffic()
TABLES = {"posts": POSTS, "comments": COMMENTS, "daily": DAILY, "traffic": TRAFFIC}


def validate(frame: pd.DataFrame, table: str, *, source: str | None = None) -> pd.DataFrame:
    """Validate ``frame`` as the canonical table named ``table`` ("posts", "comments", "daily", "traffic").

    Returns the frame unchanged, or raises :class:`~toolkit.errors.SchemaError` listing every problem.
    """
    return _table(table).validate(frame, source=source)


def conform(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Cast ``frame`` to the canonical table named ``table``; see :meth:`Table.conform`."""
    return _table(table).conform(frame)


def _table(name: str) -> Table:
    try:
        return TABLES[name]
    except KeyError:
        from .errors import ParameterError
        raise ParameterError(f"table={name!r}: expected one of {sorted(TABLES)}") from None


def require_columns(frame, columns, *, where: str, table: str = "posts") -> None:
    """Raise unless ``frame`` is a DataFrame holding ``columns`` (the analyses' input check).

    The message names the function (``where``), the missing and the present columns, and the
    canonical table expected, e.g. ``best_times(posts): missing column(s) ['published_at']``.
    A canonical table of another kind (comments where posts are expected) is refused first, naming
    the table it got and the one to pass (:func:`toolkit._validate.check_kind`).
    Canonical timestamp columns among ``columns`` (``published_at``) must be time-zone-aware: a
    naive or text column gets one :class:`~toolkit.errors.SchemaError` telling how to fix it.
    """
    from ._engine import is_dask
    from .errors import ParameterError

    if is_dask(frame) and isinstance(getattr(frame, "_meta", None), pd.DataFrame):
        frame = frame._meta  # a Dask DataFrame (engine="dask"): its columns and dtypes
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(f"{where}: expected the canonical {table} table as a pandas DataFrame, found "
                             f"{type(frame).__name__}. Load exports with toolkit.load().")
    check_kind(frame, table, where=where)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        hints = "".join(did_you_mean(c, frame.columns).replace(" (", f" ('{c}': ", 1) for c in missing[:3])
        raise SchemaError(f"{where}: missing column(s) {missing}{hints}; present: {list(frame.columns)}. Pass a "
                          f"canonical {table} table (toolkit.load(), or toolkit.schema.conform(df, '{table}')).",
                          problems=[f"missing column '{c}'" for c in missing])
    _require_utc(frame, columns, where=where, table=table)


def _require_utc(frame: pd.DataFrame, columns, *, where: str, table: str) -> None:
    """Raise unless the canonical timestamp columns among ``columns`` hold time-zone-aware times.

    A time-zone-naive column gets one message telling how to localise it (analyses group by
    local clock time, which a naive time cannot give without knowing its zone).
    """
    spec = TABLES.get(table)
    stamps = [c for c in columns if spec is not None and c in spec.names and spec.column(c).dtype == "utc"]
    for c in stamps:
        dtype = frame[c].dtype
        if isinstance(dtype, pd.DatetimeTZDtype):
            continue
        if pd.api.types.is_datetime64_dtype(dtype):
            raise SchemaError(
                f"{where}: column '{c}' has no time zone (found {dtype}, expected UTC times as toolkit.load() "
                f"returns them). Localise it to the zone the times were written in, e.g. "
                f"{table}[\"{c}\"] = {table}[\"{c}\"].dt.tz_localize(\"Europe/Berlin\"), or load the exports "
                f"with toolkit.load(path, tz=\"Europe/Berlin\").", problems=[f"column '{c}' without time zone"])
        raise SchemaError(
            f"{where}: column '{c}' holds {dtype} values, expected UTC times (datetime64[ns, UTC]). Cast the "
            f"table with toolkit.schema.conform(df, '{table}') or load the exports with toolkit.load().",
            problems=[f"column '{c}' is not a timestamp"])


def __dir__() -> list[str]:
    # dir() and tab completion offer the public names only, not the helpers this module imports
    return sorted(__all__)
