"""Generic CSV: files whose columns are (or are mapped onto) the canonical names.

Which table a file holds follows from its columns: ``comment_id`` -> comments; ``metric`` and
``value`` -> daily; ``post_id`` -> posts. Column names match ignoring case, spaces and
underscores (``Post ID`` = ``post_id``). Map other names with ``load(..., columns={...})``::

    tk.load("my_export.csv", columns={"Beitrags-ID": "post_id", "Datum": "published_at",
                                      "Plattform": "platform"})

Common German and English header names are understood without a mapping (:data:`ALIASES`):
``Plattform`` -> platform, ``Beitrags-ID`` -> post_id, ``Datum``/``Veröffentlicht`` ->
published_at (``date`` in a daily table), ``Beitragstext``/``Text`` -> text, ``Reichweite`` -> reach,
``Impressionen`` -> impressions, ``Aufrufe`` -> views, ``Gefällt mir``/``Likes``/``Reaktionen`` ->
likes, ``Kommentare`` -> comments, ``Geteilt``/``Shares``/``Reposts`` -> shares, ``Gespeichert`` ->
saves, ``Klicks`` -> clicks, ``Interaktionen`` -> engagements. Your ``columns=`` win over aliases,
canonical names over aliases.

An optional ``exported_at`` column says when the file was exported: when the same row is in
several files, the newest export's values win (without it, files read later win).
Timestamps may carry an offset (``2026-03-01T09:15:00+00:00``) or not (then they are local time
in ``tz=``); a date alone (``2026-03-01``, ``01.03.2026``) sets ``date_only``. Counts accept
``12,400``-style thousands and ``-``/blank for "not reported". Unknown extra columns are kept in
the table and named in the load report's notes.

Files re-saved by a German spreadsheet program (``;`` delimiter, cp1252, CRLF, ``TT.MM.JJJJ hh:mm``
dates, decimal comma and ``1.234`` thousands) are read as such. The number style is decided for
the whole file from the cells only one style explains (``18.450`` in a count column, ``3,5``, or
``12,400``, ``3.5`` for English); when none does, a ``;`` delimiter means German. A cell that
only fits the other style is reported as unreadable, never read as something else. The load
report says what was assumed (``toolkit.io._locale``). IDs the spreadsheet turned into numbers
(``1,00619E+15``, ``1.00619E+15``) are never stored: the row gets a stable key from its
permalink (or the real id, when the permalink holds it), else from its time and text (and, for
comments, author); destroyed references (a comment's ``post_id``/``parent_id``) become
``<NA>``. All of this is noted. A header named twice is read from one column (noted).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..errors import ExportFormatError
from ..schema import METRICS, TABLES
from ._base import (_WS, CellProblems, Context, Loader, Parsed, Source, iso_with_zone, parse_bool, parse_datetime,
                    per_distinct, read_source_records,
                    register)
from ._digits import cell_bytes
from ._headers import unique_columns
from ._locale import DERIVED_KEY, count, mangled, number, number_style, repair_ids
from ._resolve import defer, match_derived_keys

__all__ = ["GenericCSV", "REQUIRED", "ALIASES", "normalise_name"]

#: Columns a generic CSV must have, per table.
REQUIRED = {
    "posts": ("platform", "post_id", "published_at"),
    "comments": ("platform", "comment_id", "published_at"),
    "daily": ("platform", "date", "metric", "value"),
}
_CANONICAL = {c for t in TABLES.values() for c in t.names}

#: Header aliases (normalised with :func:`normalise_name`, quotes removed) -> canonical column.
#: German names as written by German-language tools and spreadsheets, and English renames.
ALIASES = {
    "plattform": "platform", "netzwerk": "platform", "network": "platform",
    "konto": "account", "profil": "account", "seite": "account", "seitenname": "account",
    "page_name": "account", "account_name": "account", "username": "account",
    "beitrags_id": "post_id", "beitrag_id": "post_id", "beitragsid": "post_id", "post": "post_id",
    "datum": "published_at", "date": "published_at", "veröffentlicht": "published_at",
    "veröffentlicht_am": "published_at", "veröffentlichungsdatum": "published_at",
    "veröffentlichungszeitpunkt": "published_at", "erstellt_am": "published_at", "zeitpunkt": "published_at",
    "publish_time": "published_at", "published": "published_at", "created_at": "published_at",
    "beitragstext": "text", "nachricht": "text", "inhalt": "text", "message": "text", "caption": "text",
    "beitragstyp": "media_type", "medientyp": "media_type", "typ": "media_type", "post_type": "media_type",
    "link": "permalink", "url": "permalink",
    "impressionen": "impressions", "reichweite": "reach", "aufrufe": "views",
    "gefällt_mir": "likes", "gefällt_mir_angaben": "likes", "reaktionen": "likes", "reactions": "likes",
    "favorites": "likes", "favourites": "likes", "kommentare": "comments", "geteilt": "shares",
    "geteilte_inhalte": "shares", "reposts": "shares", "gespeichert": "saves",
    "gespeicherte_beiträge": "saves", "klicks": "clicks", "interaktionen": "engagements",
    "kommentar_id": "comment_id", "autor": "author", "antwort_auf": "parent_id",
    "metrik": "metric", "kennzahl": "metric", "wert": "value",
}
#: Aliases meaning "the date" that become ``date`` in a daily table (``published_at`` elsewhere).
_DATE_WORDS = {"datum", "date", "tag"}
_DE_DATE = r"^\s*\d{1,2}\.\d{1,2}\.\d{4}\s*$".replace(r"\s", _WS)
_DE_FORMATS = (None, "%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y", "%d.%m.%y %H:%M", "%d.%m.%y")


def normalise_name(name: str) -> str:
    """``"Post ID"`` -> ``"post_id"``: lower case, runs of spaces/dashes/dots as one underscore."""
    return re.sub(r"[\s\-./]+", "_", str(name).strip().lstrip("\ufeff").lower()).strip("_")


def _key(name: str) -> str:
    return normalise_name(re.sub(r"[\"'„“”‘’]", "", str(name)))


def _mapping(header: list[str], ctx: Context) -> dict[str, str]:
    user = {_key(k): v for k, v in ctx.columns.items()}
    out = {}
    taken = set()
    for pass_ in ("user", "canonical", "alias"):
        for h in header:
            if h in out:
                continue
            key = _key(h)
            target = user.get(key) if pass_ == "user" else key if pass_ == "canonical" and key in _CANONICAL \
                else ALIASES.get(key) if pass_ == "alias" else None
            if target and (target not in taken or pass_ == "user"):
                out[h] = target
                taken.add(target)
    table = _table_of(set(out.values()))
    for h, target in list(out.items()):  # "Datum" is the day in a daily table
        if table == "daily" and target == "published_at" and _key(h) in _DATE_WORDS and "date" not in taken:
            out[h] = "date"
            taken.add("date")
        elif table in ("posts", "comments") and target == "date" and "published_at" not in taken:
            out[h] = "published_at"
            taken.add("published_at")
    return out


def _table_of(names: set[str]) -> str | None:
    if "comment_id" in names:
        return "comments"
    if {"metric", "value"} <= names:
        return "daily"
    if "post_id" in names:
        return "posts"
    return None


@register
class GenericCSV(Loader):
    """Canonical-column CSV (any delimiter among ``,``/``;``/tab), with optional user mapping."""

    format = "generic_csv"
    priority = 90

    def sniff(self, source: Source, ctx: Context) -> bool:
        if source.suffix not in (".csv", ".tsv", ".txt", ""):
            return False
        first = source.head(4096).splitlines()[:1]
        if not first:
            return False
        from ._base import sniff_delimiter
        fields = [f.strip().strip('"') for f in first[0].split(sniff_delimiter(first[0]))]
        # Recognised when the header names a table's key column (canonical or mapped).
        return _table_of(set(_mapping(fields, ctx).values())) is not None

    def read(self, source: Source, ctx: Context) -> Parsed:
        recs = read_source_records(source)
        repeated: list[str] = []
        recs = unique_columns(recs, repeated)
        mapping = _mapping(recs.header, ctx)
        names = set(mapping.values())
        table = _table_of(names)
        if table is None:  # pragma: no cover - sniff guarantees a key column
            raise ExportFormatError(f"{source.name}: cannot tell which table this CSV holds.", file=source.name)
        missing = [c for c in REQUIRED[table] if c not in names]
        if missing:
            raise ExportFormatError(
                f"{source.name}, line {recs.header_line}: looks like a {table} table but misses required "
                f"column(s) {missing}; expected {list(REQUIRED[table])} (see toolkit.schema), found "
                f"{recs.header}. Rename the columns or pass columns={{'your name': '{missing[0]}'}} to load().",
                file=source.name, line=recs.header_line)
        parsed = Parsed(self.format)
        parsed.notes += repeated
        parsed.rejected += [{"table": table, **b} for b in recs.bad]
        parsed.rows_read[table] = len(recs.frame) + len(recs.bad)
        exported = [h for h in recs.header if normalise_name(h) == "exported_at"]
        if exported:
            # File-level: when the data was exported (newer exports win duplicate rows).
            when, _, bad = parse_datetime(recs.frame[exported[0]], tz="UTC")
            if len(when.dropna()):
                parsed.exported_at = when.max()
            if bad.any():
                parsed.notes.append(f"column '{exported[0]}': {int(bad.sum())} unreadable value(s) ignored")
        extra = [h for h in recs.header if h not in mapping and h not in exported]
        if extra:
            parsed.notes.append(f"extra columns kept: {extra}")
        raw = recs.frame.rename(columns={k: v for k, v in mapping.items()})
        raw = raw.loc[:, ~raw.columns.duplicated()]
        out: dict = {}  # the columns, made into a frame at once (inserting them one by one cost more)
        probs = CellProblems(source, recs.lines, table)
        spec = TABLES[table]
        kinds = {c: ("int" if spec.column(c).dtype == "Int64" else "float") for c in raw.columns
                 if c in spec.names and spec.column(c).dtype in ("Int64", "Float64")}
        style, note = number_style({c: (raw[c], k) for c, k in kinds.items()}, delimiter=recs.delimiter)
        if note:
            parsed.notes.append(note)
        zone = None
        for col in spec.names:
            if col not in raw.columns:
                continue
            s = raw[col]
            dtype = spec.column(col).dtype
            if dtype == "utc":
                iso = iso_with_zone(s)  # every cell like 2026-03-01T09:15:00+00:00: none naive, none German
                if zone is None and not iso and _has_naive(s):
                    zone = ctx.zone_for(source, parsed.notes)
                vals, date_only, bad = parse_datetime(s, tz=zone or ctx.tz, formats=_DE_FORMATS)
                if iso:
                    date_only = date_only.astype(_match_dtype(s))  # the dtype the match below gives
                else:
                    date_only = date_only | s.fillna("").str.match(_DE_DATE)
                probs.add(bad, _orig(mapping, col), s, "a timestamp (expected like '2026-03-01T09:15:00+00:00', "
                          "'2026-03-01 10:15' or '01.03.2026 10:15' in tz=)")
                empty = vals.isna() & ~bad
                if not spec.column(col).nullable:
                    probs.add(empty, _orig(mapping, col), s, "a timestamp (the cell is empty)")
                out[col] = vals
                if col == "published_at" and "date_only" in spec.names and "date_only" not in raw.columns:
                    out["date_only"] = date_only
            elif dtype == "date":
                vals, _, bad = parse_datetime(s, tz="UTC", formats=_DE_FORMATS)
                probs.add(bad | vals.isna(), _orig(mapping, col), s,
                          "a date (expected like '2026-03-01' or '01.03.2026')")
                out[col] = vals.dt.tz_localize(None).dt.normalize()
            elif dtype == "Int64":
                vals, bad = count(s, style)
                probs.add(bad, _orig(mapping, col), s,
                          f"a whole number in {style.name} format (blank or '-' = not reported)")
                out[col] = vals
            elif dtype == "Float64":
                vals, bad = number(s, style)
                probs.add(bad, _orig(mapping, col), s, f"a number in {style.name} format")
                out[col] = vals
            elif dtype == "bool":
                vals, bad = parse_bool(s)
                probs.add(bad, _orig(mapping, col), s, "true/false")
                out[col] = vals
            elif col == "platform":
                vals, empty, odd = _platform_cells(s)
                probs.add(empty, _orig(mapping, col), s, "a platform name (the cell is empty)")
                probs.add(odd, _orig(mapping, col),
                          s, "a platform name (lowercase letters, digits, '_', '.' or '-', like 'facebook')")
                out[col] = vals
            else:
                vals = s.fillna("") if col == "text" else s.where(s.str.strip() != "", pd.NA)
                if not spec.column(col).nullable and col != "text":
                    probs.add(vals.isna(), _orig(mapping, col), s, f"a {col} (the cell is empty)")
                out[col] = vals
        out = pd.DataFrame(out, index=raw.index, copy=False)
        kept = [c for c in dict.fromkeys(extra) if c not in out.columns and normalise_name(c) not in spec.names]
        if kept:  # one concat: inserting thousands of columns one by one took minutes
            out = pd.concat([out, raw[kept]], axis=1)
        self._repair_ids(out, table, mapping, raw, probs, parsed)
        out = probs.finish(out, ctx, parsed)
        if table == "posts" and out["post_id"].fillna("").str.match(DERIVED_KEY).any():
            defer(ctx, source, lambda parts: match_derived_keys(source, parsed, parts))
        parsed.tables[table] = out
        return parsed


    @staticmethod
    def _repair_ids(out: pd.DataFrame, table: str, mapping: dict, raw: pd.DataFrame, probs: CellProblems,
                    parsed: Parsed) -> None:
        """IDs a spreadsheet turned into scientific notation are never stored: the row's own id gets
        a stable key (:func:`toolkit.io._locale.repair_ids`); a destroyed reference (a comment's
        ``post_id``/``parent_id``) cannot be rebuilt and becomes ``<NA>``, noted."""
        own = "post_id" if table == "posts" else "comment_id" if table == "comments" else None
        intact = set()
        if own and own in out.columns and not _maybe_destroyed(out[own]):
            intact.add(own)  # no id of any platform is in scientific notation or has 16+ digits: nothing to repair
            own = None
        if own and own in out.columns:
            plats = out["platform"].fillna("").astype(str) if "platform" in out.columns else \
                pd.Series("", index=out.index)
            ids = out[own].astype("string")
            notes, unresolved = [], pd.Series(False, index=out.index)
            for plat in plats.unique():
                sel = plats.eq(plat)
                body = out.loc[sel, "text"] if "text" in out.columns else None
                if own == "comment_id" and "author" in out.columns and body is not None:
                    body = out.loc[sel, "author"].fillna("").astype(str) + "|" + body.fillna("").astype(str)
                got, bad, note = repair_ids(ids[sel], platform=plat, column=_orig(mapping, own),
                                            permalink=out.loc[sel, "permalink"] if "permalink" in out.columns else None,
                                            published_at=out.loc[sel, "published_at"] if "published_at" in out.columns
                                            else None, text=body, what=own.removesuffix("_id"))
                ids[sel] = got
                unresolved[sel] = bad
                if note:
                    notes.append(note)
            out[own] = ids
            parsed.notes += notes
            probs.add(unresolved, _orig(mapping, own), raw[own],
                      "an ID (turned into scientific notation by a spreadsheet program, and the row has no "
                      "permalink or time to derive a key from; export again and do not re-save it)")
        for ref in ("post_id", "parent_id"):
            if ref == own or ref in intact or ref not in out.columns:
                continue
            if not _could_be_destroyed(out[ref]):
                continue
            bad = mangled(out[ref])
            if bad.any():
                out[ref] = out[ref].mask(bad)
                parsed.notes.append(f"column '{_orig(mapping, ref)}': {int(bad.sum())} reference(s) destroyed by a "
                                    f"spreadsheet program (scientific notation like {raw[ref][bad].iloc[0]!r}) set to "
                                    f"<NA>: the link to the {ref.removesuffix('_id')} is lost for these rows")


def _orig(mapping: dict[str, str], canonical: str) -> str:
    for k, v in mapping.items():
        if v == canonical:
            return k
    return canonical


@per_distinct
def _platform_cells(s: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Platform cells as stored (stripped, lower case, blank -> <NA>), which are empty, which are not a
    platform name; once per distinct value (a file holds a few platforms)."""
    vals = s.where(s.str.strip() != "", pd.NA).str.strip().str.lower()
    return vals, vals.isna(), ~vals.str.fullmatch(r"[a-z][a-z0-9_.-]*").fillna(True).astype(bool)


def _match_dtype(s: pd.Series):
    """The dtype of ``s.str.match(...)``: nullable ``boolean`` for ``string`` columns, ``bool`` for ``str``."""
    return s.iloc[:0].str.match("x").dtype


def _maybe_destroyed(ids: pd.Series) -> bool:
    """Whether any id could be one a spreadsheet destroyed (:func:`mangled` or, per platform,
    :func:`truncated` needs 16+ digits): a cheap test over the whole column before the per-platform work."""
    if not _could_be_destroyed(ids):
        return False
    if mangled(ids).any():
        return True
    return bool(ids.astype("string").fillna("").str.strip().str.fullmatch(r"\d{16,}").fillna(False).any())


def _could_be_destroyed(ids: pd.Series) -> bool:
    """False when no cell has an ``e``/``E`` (scientific notation needs one) nor 16 characters (a
    cut id has 16+ digits): spares the exact tests of most id columns. For Arrow strings it looks
    at the bytes the cells use (a cell of 16 characters has at least 16 bytes; a byte ``e`` is the
    letter in UTF-8), without a pass per test."""
    if not (isinstance(ids.dtype, pd.StringDtype) and ids.dtype.storage == "pyarrow"):
        return True
    import pyarrow.compute as pc
    arr = ids.array._pa_array
    if not len(arr):
        return True
    for chunk in arr.chunks:
        if not len(chunk):
            continue
        got = cell_bytes(chunk)
        if got is None:
            if pc.any(pc.greater_equal(pc.utf8_length(chunk), 16)).as_py() or \
                    any(pc.any(pc.match_substring(chunk, e)).as_py() for e in "eE"):
                return True
            continue
        offsets, data = got
        if (np.diff(offsets) >= 16).any():
            return True
        used = data.tobytes()
        if b"e" in used or b"E" in used:  # (the bytes under missing cells too: at worst a "maybe")
            return True
    return False


def _has_naive(s: pd.Series) -> bool:
    from ._base import _OFFSET_RE
    t = s.dropna().str.strip()
    t = t[t != ""]
    return bool(len(t)) and not t.str.contains(_OFFSET_RE, regex=True).all()


# Metrics listed for documentation of the generic format.
_ = METRICS
