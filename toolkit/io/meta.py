"""Meta Business Suite CSV exports (Facebook pages and Instagram accounts).

Three formats (facts and evidence: ``export-formats.md`` section 2):

``meta_posts_csv``
    Insights > Content > Export, one row per post. UTF-8 with BOM, header on line 1, quoted
    thousands (``"12,400"``), blank = not reported. ``Publish time`` is ``MM/DD/YYYY HH:MM`` with no
    zone: it is read as local time in ``tz=`` (the zone your Business Suite shows). ``Date`` holds
    ``Lifetime``: metrics are lifetime totals as of the export day.
    Columns are mapped by name (English, German and a few machine-translated variants):

    =====================================  ===============
    Meta column                            canonical
    =====================================  ===============
    Post ID                                post_id
    Page name / Account username           account
    Title, Description (the longer one)    text
    Publish time                           published_at
    Permalink                              permalink
    Post type (normalised)                 media_type
    Views                                  views
    Impressions                            impressions
    Reach                                  reach
    Reactions (Facebook) / Likes (IG)      likes
    Comments, Shares, Saves                comments, shares, saves
    Total clicks                           clicks
    Reactions, Comments and Shares         engagements
    =====================================  ===============

    ``engagements`` is Meta's own "Reactions, Comments and Shares" total (it equals the sum of the
    three columns); Instagram exports have no such column, so it stays ``<NA>`` there rather than
    being computed here (``toolkit.performance`` computes interactions from the parts).
    ``Views`` and ``Impressions`` are kept apart (Meta's views count repeat views).
    Platform: ``instagram`` when the header has Instagram's account columns (``Account ID``,
    ``Account username``) or post types start with ``IG``, else ``facebook``.

    **Re-saved by a spreadsheet program** (German Excel: cp1252 or UTF-8 with BOM, ``;``,
    ``07.03.2024 17:30``, ``18.450``, ``12,5``): the number style and the date order are decided
    per file from whole columns (see ``toolkit.io._locale``) and noted. Post IDs turned into
    scientific notation (``1,02938E+15``) are never stored: the real id comes back from the
    permalink when it holds it (``/posts/<id>``, ``/videos/<id>``, ``/reel/<id>``, digits checked
    against the mantissa), else the post is keyed ``link-<hash of the permalink>`` or, without a
    permalink, ``key-<hash of publish minute and text>`` (emoji the cp1252 save turned into ``?``
    are left out of the text, so the key is the same in every re-save). When another file of the
    same load has the post with its real id (same permalink, or same time and text), that id is
    used. A header named twice is read from the column with more cells filled (noted).

``meta_daily_csv``
    Page-level daily files (``Views.csv``, ``Follows.csv`` ...): UTF-16 with a ``sep=,`` line, a
    title line (the metric) and ``"Date","Primary"``; a spreadsheet re-save drops the ``sep=``
    line and may write ``;``, ``01.08.2025 00:00`` and ``1.204``, which is read too. Into
    ``daily`` with ``metric`` = the title in snake_case (``views``); further value columns become
    ``<title>_<column>``. The platform is taken from the file's own title line when it names
    Instagram or Facebook (``Instagram reach`` -> instagram, metric ``reach``), else from the
    nearest folder or zip name that names exactly one of them (``facebook_page_insights.zip``,
    ``Instagram Insights Aug 2025/``; also ``ig``/``fb`` as a word), else ``meta``; the load
    report says which.

``facebook_insights_post_level``
    The legacy (pre-2018) Page Insights "Post level" CSV: header row, then a row of metric
    descriptions (skipped, not counted as data), ``Posted`` as ``M/D/YYYY H:MM`` without zone.
    Lifetime Post Total Reach -> reach, Lifetime Post Total Impressions -> impressions,
    Lifetime Post Consumptions (clicks anywhere in the post) -> clicks, views = Lifetime Organic
    Video Views + Lifetime Paid Video Views. The export repeats column names (two ``Lifetime
    Organic Video Views``, two ``Lifetime Organic views to 95%`` ...); the description row tells
    them apart by its last words, ``(Unique Users)`` or ``(Total Count)``: views, impressions and
    clicks are read from the Total Count column, reach from Unique Users. Without a description
    row the repeated columns are not guessed (not read, noted); the other repeated columns are
    named in the notes.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata

import pandas as pd

from ..errors import ExportFormatError
from ._base import (CellProblems, Context, Loader, Parsed, Records, Source, parse_datetime, read_source_records,
                    register, sniff_delimiter)
from ._daily import daily_values as _daily_values, melt_wide as _melt
from ._headers import choose_column, line_fields, style_for, unique_columns
from ._locale import DE, DERIVED_KEY, count, repair_ids
from ._numbers import date_style, number_columns
from ._resolve import defer, match_derived_keys

__all__ = ["MetaPostsCSV", "MetaDailyCSV", "FacebookPostLevelCSV", "POST_ALIASES", "MEDIA_TYPES", "media_type"]


def _norm(name: str) -> str:
    """Header key: NFKC, lower case, typographic quotes dropped, runs of spaces as one."""
    s = unicodedata.normalize("NFKC", str(name)).strip().lstrip("\ufeff").lower()
    s = re.sub(r"[\"'„“”‘’«»]", "", s)
    return re.sub(r"\s+", " ", s).strip()


#: Header aliases of the per-post export (normalised with lower case, no quotes), by role.
POST_ALIASES: dict[str, tuple[str, ...]] = {
    "post_id": ("post id", "beitrags-id", "publicerings-id", "id de la publicación", "id du post"),
    "page_id": ("page id", "sid-id", "seiten-id"),
    "account_id": ("account id", "konto-id"),
    "page_name": ("page name", "sidnamn", "seitenname", "name der seite"),
    "account_username": ("account username", "konto-benutzername"),
    "account_name": ("account name", "kontoname"),
    "title": ("title", "titel"),
    "description": ("description", "beschreibung"),
    "published_at": ("publish time", "publication time", "veröffentlichungszeitpunkt",
                     "veröffentlichungszeit", "publiceringstid"),
    "permalink": ("permalink",),
    "post_type": ("post type", "beitragstyp", "publiceringstyp"),
    "date": ("date", "datum"),
    "views": ("views", "aufrufe", "visningar"),
    "impressions": ("impressions", "impressionen", "exponeringar"),
    "reach": ("reach", "range", "reichweite", "räckvidd"),
    "likes": ("reactions", "likes", "gefällt mir-angaben", "gefällt mir", "reaktionen", "reaktioner"),
    "comments": ("comments", "kommentare", "kommentarer"),
    "shares": ("shares", "geteilte inhalte", "delningar"),
    "saves": ("saves", "gespeicherte beiträge", "gespeichert"),
    "clicks": ("total clicks", "klicks insgesamt"),
    "engagements": ("reactions, comments and shares", "reaktionen, kommentare und geteilte inhalte"),
}
#: Known columns that are read but not stored (so they are not reported as unknown).
_KNOWN_UNUSED = {
    "duration (sec)", "dauer (sek.)", "caption type", "is crosspost", "is crossposted", "is share",
    "languages", "custom labels", "funded content status", "sponsored content status", "data comment",
    "datenkommentar", "follows", "matched audience targeting consumption (photo click)", "other clicks",
    "link clicks", "matched audience targeting consumption (video click)",
    "negative feedback from users: hide all", "negative feedback from users: hide", "seconds viewed",
    "average seconds viewed", "estimated earnings (usd)", "ad cpm (usd)", "ad impressions",
    "reels_plays:count", "account name", "kontoname",
}
_ALL_ALIASES = {a for aliases in POST_ALIASES.values() for a in aliases}
_GERMAN_KEYS = {"beitrags-id", "veröffentlichungszeitpunkt", "veröffentlichungszeit", "beitragstyp",
                "reichweite", "aufrufe", "kommentare"}
_IG_ROLES = ("account_id", "account_username")
_FB_ROLES = ("page_id", "page_name")

#: ``Post type`` values (normalised) -> canonical ``media_type``.
MEDIA_TYPES = {
    "photos": "photo", "photo": "photo", "videos": "video", "video": "video", "reels": "reel",
    "reel": "reel", "links": "link", "link": "link", "status": "text", "text": "text",
    "ig image": "photo", "ig carousel": "carousel", "ig reel": "reel", "ig video": "video",
    "ig story": "story", "ig bild": "photo", "ig karussell": "carousel", "ig foto": "photo",
    "fotos": "photo", "bilder": "photo",
}

_LIFETIME = {"lifetime", "gesamte laufzeit", "livstid"}
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
                                       "oct", "nov", "dec"), start=1)}


def _roles(header: list[str]) -> dict[str, str]:
    """Map roles to the header names present (first alias in :data:`POST_ALIASES` order wins)."""
    keys = {_norm(h): h for h in reversed(header)}
    out = {}
    for role, aliases in POST_ALIASES.items():
        for a in aliases:
            if a in keys:
                out[role] = keys[a]
                break
    return out


def _columns(recs: Records, notes: list[str]) -> dict[str, str]:
    """Map roles to the frame columns to read; a repeated header is resolved on purpose (noted)."""
    keys = [_norm(h) for h in recs.header]
    out = {}
    for role, aliases in POST_ALIASES.items():
        for a in aliases:
            pos = [i for i, k in enumerate(keys) if k == a]
            if pos:
                out[role] = choose_column(recs, pos, role, notes)
                break
    return out


def media_type(values: pd.Series) -> pd.Series:
    """Normalise Meta ``Post type`` values (``Photos``, ``IG carousel``) to canonical media types."""
    raw = values.astype("string").fillna("")
    keys = {v: _norm(v) for v in raw.unique()}  # distinct values only: cheap on a million rows
    names = {v: MEDIA_TYPES.get(k, k.removeprefix("ig ") if k else None) for v, k in keys.items()}
    return raw.map(names).astype("string")


def _period_end(basename: str) -> pd.Timestamp | None:
    """``Aug-01-2025_Aug-31-2025_123.csv`` -> 2025-08-31 23:59:59 UTC (proxy for the export time)."""
    m = re.search(r"([A-Za-z]{3})-(\d{2})-(\d{4})_([A-Za-z]{3})-(\d{2})-(\d{4})", basename)
    if not m or m.group(4).lower() not in _MONTHS:
        return None
    try:
        return pd.Timestamp(int(m.group(6)), _MONTHS[m.group(4).lower()], int(m.group(5)), 23, 59, 59,
                            tz="UTC")
    except ValueError:
        return None


def _first_line_fields(source: Source, skip: int = 0) -> list[str]:
    lines = source.head(4096).splitlines()
    if len(lines) <= skip:
        return []
    return line_fields(lines[skip])


@register
class MetaPostsCSV(Loader):
    """Meta Business Suite per-post content export (Facebook page or Instagram account)."""

    format = "meta_posts_csv"
    priority = 30

    def sniff(self, source: Source, ctx: Context) -> bool:
        if source.suffix not in (".csv", ".tsv", ".txt", ""):  # Excel's "Unicode text" save is .txt
            return False
        fields = _first_line_fields(source)
        roles = _roles(fields)
        if "post_id" not in roles:
            return False
        owner = any(r in roles for r in _IG_ROLES + _FB_ROLES)
        meta_cols = sum(r in roles for r in ("published_at", "permalink", "post_type", "date"))
        legacy = any(_norm(f).startswith("lifetime post") for f in fields)
        return not legacy and (owner or meta_cols >= 3)

    def read(self, source: Source, ctx: Context) -> Parsed:
        recs = read_source_records(source)
        parsed = Parsed(self.format)
        roles = _columns(recs, parsed.notes)
        missing = [r for r in ("post_id", "published_at") if r not in roles]
        if missing:
            names = {"post_id": "Post ID", "published_at": "Publish time"}
            raise ExportFormatError(
                f"{source.name}, line {recs.header_line}: this Meta Business Suite post export misses the "
                f"column(s) {[names[m] for m in missing]}; expected at least ['Post ID', 'Publish time'] "
                f"(plus metrics such as Views, Reach, Reactions), found {recs.header}. Export the posts "
                f"again from Insights > Content with these columns selected.",
                file=source.name, line=recs.header_line)
        parsed.rejected += [{"table": "posts", **b} for b in recs.bad]
        parsed.rows_read["posts"] = len(recs.frame) + len(recs.bad)
        used = set(roles.values())
        unknown = [h for h, c in zip(recs.header, recs.frame.columns)
                   if c not in used and _norm(h) not in _KNOWN_UNUSED and _norm(h) not in _ALL_ALIASES]
        if unknown:
            parsed.notes.append(f"columns not read (unknown): {unknown}")
        keys = {_norm(h) for h in recs.header}
        german_ui = bool(keys & _GERMAN_KEYS)
        raw = recs.frame
        out = pd.DataFrame(index=raw.index)
        probs = CellProblems(source, recs.lines, "posts")

        types = raw[roles["post_type"]] if "post_type" in roles else pd.Series(pd.NA, index=raw.index,
                                                                              dtype="string")
        is_ig = any(r in roles for r in _IG_ROLES) or \
            bool(types.fillna("").str.strip().str.lower().str.startswith("ig ").any())
        platform = "instagram" if is_ig else "facebook"
        out["platform"] = platform
        acc_role = next((r for r in ("account_username", "page_name") if r in roles), None)
        if acc_role:
            acc = raw[roles[acc_role]].str.strip()
            out["account"] = acc.where(acc != "", pd.NA)
        else:
            out["account"] = pd.Series(pd.NA, index=raw.index, dtype="string")

        metrics = ("impressions", "reach", "views", "likes", "comments", "shares", "saves", "clicks",
                   "engagements")
        style, numbers = number_columns(recs, {roles[m]: "int" for m in metrics if m in roles}, parsed.notes)
        col = roles["published_at"]
        zone = ctx.zone_for(source, parsed.notes)
        native = ("%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S", None) if german_ui else \
            ("%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", None)
        dates = date_style(raw[col], native, column=col,
                           allow_german=german_ui or recs.delimiter == ";" or style is DE)
        if dates.note and not german_ui:
            parsed.notes.append(dates.note)
        when, date_only, bad = parse_datetime(raw[col], tz=zone, formats=dates.formats)
        example = "'01.09.2026 18:00'" if german_ui or dates.german else "'09/28/2026 18:12'"
        probs.add(bad, col, raw[col], f"a publish time (expected like {example}, local time)")
        probs.add(when.isna() & ~bad, col, raw[col], "a publish time (the cell is empty)")
        out["published_at"] = when
        out["date_only"] = date_only

        title = raw[roles["title"]].fillna("") if "title" in roles else pd.Series("", index=raw.index)
        desc = raw[roles["description"]].fillna("") if "description" in roles else \
            pd.Series("", index=raw.index)
        out["text"] = title.where(title.str.len() >= desc.str.len(), desc).astype("string")
        out["media_type"] = media_type(types)
        out["permalink"] = raw[roles["permalink"]].where(raw[roles["permalink"]].str.strip() != "", pd.NA) \
            if "permalink" in roles else pd.NA

        pid = raw[roles["post_id"]].fillna("").str.strip()
        pid, unresolved, note = repair_ids(pid, platform=platform, column=roles["post_id"],
                                           permalink=out["permalink"] if "permalink" in roles else None,
                                           published_at=when, text=out["text"])
        if note:
            parsed.notes.append(note)
        probs.add(pid.fillna("") == "", roles["post_id"], raw[roles["post_id"]], "a post ID (the cell is empty)")
        probs.add(unresolved, roles["post_id"], raw[roles["post_id"]],
                  "a post ID (a spreadsheet program turned it into a number in scientific notation and the row "
                  "has no permalink or publish time to derive a key from; export again and do not re-save the file)")
        out["post_id"] = pid

        for m in metrics:
            if m not in roles:
                out[m] = pd.Series(pd.NA, index=raw.index, dtype="Int64")
                continue
            vals, badm = numbers.count(roles[m], style)
            probs.add(badm, roles[m], raw[roles[m]], f"a whole number in {style.name} format (blank = not reported)")
            out[m] = vals

        if "date" in roles:
            d = raw[roles["date"]].fillna("").str.strip().str.lower()
            other = sorted(set(d[(d != "") & ~d.isin(_LIFETIME)]))
            if other:
                parsed.notes.append(f"column '{roles['date']}' holds {other[:3]} instead of 'Lifetime'; "
                                    f"metrics may cover that period only")
            else:
                parsed.notes.append("metrics are lifetime totals as of the export day")
        out = probs.finish(out, ctx, parsed)
        parsed.tables["posts"] = out
        if (out["post_id"].str.match(DERIVED_KEY)).any():
            defer(ctx, source, lambda parts: match_derived_keys(source, parsed, parts))
        parsed.exported_at = _period_end(source.basename)
        if parsed.exported_at is not None:
            parsed.notes.append(f"export time taken as the end of the period in the file name "
                                f"({parsed.exported_at.date()}) for choosing among duplicates")
        return parsed


def _snake(name: str) -> str:
    s = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", s.lower()).strip("_")


_PLATFORM_WORDS = {"instagram": "instagram", "ig": "instagram", "insta": "instagram",
                   "facebook": "facebook", "fb": "facebook"}


def _platform_in(text: str) -> str | None:
    """The one platform a title or a folder/zip name names (``Instagram views``, ``fb-insights``)."""
    hits = {_PLATFORM_WORDS[w] for w in re.split(r"[^a-z0-9]+", text.lower()) if w in _PLATFORM_WORDS}
    return hits.pop() if len(hits) == 1 else None


def _platform_from_path(name: str) -> str | None:
    """The platform named by the nearest folder or archive (``.../instagram/Views.csv``), if any."""
    for part in reversed(re.split(r"[/\\!]", name)[:-1]):
        hit = _platform_in(re.sub(r"\.(zip|tar|tgz|gz)$", "", part, flags=re.I))
        if hit:
            return hit
    return None


def _daily_layout(source: Source) -> tuple[int, str, str] | None:
    """``(lines before the header, delimiter, title)`` of a page-level daily file, or None.

    Meta writes ``sep=,``, a title line (the metric) and ``"Date","Primary"``; a spreadsheet
    re-save drops the ``sep=`` line (and may write ``;``), so that line is optional.
    """
    lines = source.head(2048).splitlines()[:4]
    i, delim = 0, None
    if lines and lines[0].strip().lower().startswith("sep="):
        delim = lines[0].strip()[4:5] or ","
        i = 1
    if len(lines) < i + 2:
        return None
    header_line = lines[i + 1]
    delim = delim or sniff_delimiter(header_line)
    title = [f for f in line_fields(lines[i], delim) if f.strip()]
    header = [_norm(f) for f in line_fields(header_line, delim)]
    if len(title) != 1 or len(header) < 2 or header[0] not in ("date", "datum"):
        return None
    return i + 1, delim, title[0].strip().strip('"').strip()


@register
class MetaDailyCSV(Loader):
    """Meta Business Suite page-level daily file (``sep=,`` line, title line, ``Date,Primary``)."""

    format = "meta_daily_csv"
    priority = 30

    def sniff(self, source: Source, ctx: Context) -> bool:
        return _daily_layout(source) is not None

    def read(self, source: Source, ctx: Context) -> Parsed:
        skip, delim, title = _daily_layout(source)  # type: ignore[misc]
        recs = read_source_records(source, delimiter=delim, skip_lines=skip)
        parsed = Parsed(self.format)
        recs = unique_columns(recs, parsed.notes)
        platform = _platform_in(title)
        if platform:
            parsed.notes.append(f"platform '{platform}' from the file's title line {title!r}")
        else:
            platform = _platform_from_path(source.name)
            if platform:
                parsed.notes.append(f"platform '{platform}' from the folder or zip name in {source.name!r}")
            else:
                platform = "meta"
                parsed.notes.append("neither the title line nor the folder or zip name says whether the file is "
                                    "about Facebook or Instagram: platform set to 'meta'; put it in a folder "
                                    "named facebook or instagram")
        metric = _snake(" ".join(w for w in re.split(r"(\s+)", title)
                                 if _PLATFORM_WORDS.get(w.lower()) is None)) or "value"
        columns = list(recs.frame.columns)
        values = columns[1:]
        names = {v: metric if _norm(h) == "primary" or len(values) == 1 else f"{metric}_{_snake(h)}"
                 for v, h in zip(values, recs.header[1:])}
        parsed.notes.append(f"metric '{title}' stored as {sorted(set(names.values()))}")
        style = style_for(recs, {v: "int" for v in values}, parsed.notes)
        dates = date_style(recs.frame[columns[0]], ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d", None), column=recs.header[0],
                           allow_german=delim == ";" or style is DE)
        if dates.note:
            parsed.notes.append(dates.note)
        long = _melt(recs.frame, columns[0], values, recs.lines)
        parsed.rejected += [{"table": "daily", "line": b["line"], "column": None, "reason": b["reason"]}
                            for b in recs.bad for _ in values]
        parsed.rows_read["daily"] = len(long) + len(recs.bad) * len(values)
        out = _daily_values(long, source, ctx, parsed, date_col=recs.header[0], names=names,
                            platform=platform, account=pd.NA, date_formats=dates.formats, style=style)
        parsed.tables["daily"] = out
        return parsed


_LEGACY = {
    "post_id": "post id", "permalink": "permalink", "text": "post message", "type": "type",
    "published_at": "posted", "reach": "lifetime post total reach",
    "impressions": "lifetime post total impressions", "clicks": "lifetime post consumptions",
    "_views_organic": "lifetime organic video views", "_views_paid": "lifetime paid video views",
}
#: The unit each legacy metric is read in when its column name is repeated: the description row
#: under the header ends in "(Unique Users)" or "(Total Count)".
_LEGACY_UNITS = {"reach": "unique users", "impressions": "total count", "clicks": "total count",
                 "_views_organic": "total count", "_views_paid": "total count"}
_LEGACY_TYPES = {"photo": "photo", "link": "link", "status": "text", "video": "video"}
_DESCRIPTION = r"^\s*(?:Lifetime|Daily|Weekly|Monthly|28 Days)\s*:"


@register
class FacebookPostLevelCSV(Loader):
    """Legacy Facebook Page Insights "Post level" CSV (header row + description row)."""

    format = "facebook_insights_post_level"
    priority = 30

    def sniff(self, source: Source, ctx: Context) -> bool:
        if source.suffix not in (".csv", ".tsv", ".txt", ""):  # Excel's "Unicode text" save is .txt
            return False
        keys = {_norm(f) for f in _first_line_fields(source)}
        return "post id" in keys and "posted" in keys and any(k.startswith("lifetime post") for k in keys)

    def read(self, source: Source, ctx: Context) -> Parsed:
        recs = read_source_records(source)
        parsed = Parsed(self.format)
        header, cols = recs.header, list(recs.frame.columns)
        frame, lines = recs.frame, recs.lines
        pid_col = cols[[_norm(h) for h in header].index("post id")]
        # The row under the header holds descriptions ("Lifetime: The total number of ...
        # (Unique Users)"): not data, but it tells repeated column names apart.
        described = pd.concat([frame[c].fillna("").str.match(_DESCRIPTION) for c in cols], axis=1).any(axis=1)
        desc = frame[pid_col].fillna("").str.strip().eq("") & described
        units = {c: "" for c in cols}
        if desc.any():
            row = frame.loc[desc.idxmax()]
            for c in cols:
                m = re.search(r"\((total count|unique users)\)\s*$", str(row[c] if pd.notna(row[c]) else ""), re.I)
                units[c] = m.group(1).lower() if m else ""
            frame, lines = frame.loc[~desc].reset_index(drop=True), lines[~desc.to_numpy()]
        keys = self._columns(header, cols, units, parsed.notes)
        missing = [v for v in ("post_id", "published_at") if v not in keys]
        if missing:  # pragma: no cover - sniff requires them
            raise ExportFormatError(f"{source.name}: missing columns {missing}", file=source.name)
        parsed.rejected += [{"table": "posts", **b} for b in recs.bad]
        parsed.rows_read["posts"] = len(frame) + len(recs.bad)
        probs = CellProblems(source, lines, "posts")
        out = pd.DataFrame(index=frame.index)
        out["platform"] = "facebook"
        m = re.search(r"Post Level\)\s*-\s*(.+?)\s*-\s*[\d-]+", source.basename)
        out["account"] = m.group(1) if m else pd.NA
        d = re.search(r"(\d{4}-\d{2}-\d{2})\D*$", source.basename)
        if d:
            try:
                parsed.exported_at = pd.Timestamp(d.group(1), tz="UTC")
            except ValueError:
                pass
        pid = frame[keys["post_id"]].fillna("").str.strip()
        probs.add(pid == "", keys["post_id"], frame[keys["post_id"]], "a post ID (the cell is empty)")
        out["post_id"] = pid
        metrics = [k for k in ("reach", "impressions", "clicks", "_views_organic", "_views_paid") if k in keys]
        style = style_for(dataclasses.replace(recs, frame=frame, lines=lines),
                          {keys[k]: "int" for k in metrics}, parsed.notes)
        zone = ctx.zone_for(source, parsed.notes)
        col = keys["published_at"]
        dates = date_style(frame[col], ("%m/%d/%Y %H:%M", None), column=col,
                           allow_german=recs.delimiter == ";" or style is DE)
        if dates.note:
            parsed.notes.append(dates.note)
        when, date_only, bad = parse_datetime(frame[col], tz=zone, formats=dates.formats)
        probs.add(bad | (when.isna() & ~bad), col, frame[col], "a time (expected like '10/1/2015 21:00')")
        out["published_at"] = when
        out["date_only"] = date_only
        out["text"] = frame[keys["text"]].fillna("") if "text" in keys else ""
        out["media_type"] = frame[keys["type"]].fillna("").str.strip().str.lower().map(
            lambda t: _LEGACY_TYPES.get(t, t or pd.NA)).astype("string") if "type" in keys else pd.NA
        out["permalink"] = frame[keys["permalink"]] if "permalink" in keys else pd.NA
        for canon in metrics:
            vals, badm = count(frame[keys[canon]], style)
            probs.add(badm, keys[canon], frame[keys[canon]], f"a whole number in {style.name} format")
            out[canon] = vals
        if "_views_organic" in out.columns or "_views_paid" in out.columns:
            parts = out[[c for c in ("_views_organic", "_views_paid") if c in out.columns]]
            out["views"] = parts.sum(axis=1, min_count=1).astype("Int64")
            out = out.drop(columns=list(parts.columns))
            parsed.notes.append("views = Lifetime Organic Video Views + Lifetime Paid Video Views (Total Count: "
                                "every view, not the people who viewed)")
        out = probs.finish(out, ctx, parsed)
        parsed.tables["posts"] = out
        parsed.notes.append("legacy Post level export: other Lifetime columns not read")
        return parsed

    @staticmethod
    def _columns(header: list[str], cols: list[str], units: dict[str, str], notes: list[str]) -> dict[str, str]:
        """Role -> frame column; repeated names are told apart by the description row's unit."""
        norm = [_norm(h) for h in header]
        out = {}
        for role, name in _LEGACY.items():
            pos = [i for i, k in enumerate(norm) if k == name]
            if not pos:
                continue
            if len(pos) == 1:
                out[role] = cols[pos[0]]
                continue
            labels = ", ".join(f"column {i + 1} ({units[cols[i]] or 'no description'})" for i in pos)
            want = _LEGACY_UNITS.get(role)
            fit = [i for i in pos if want and units[cols[i]] == want]
            if len(fit) == 1:
                out[role] = cols[fit[0]]
                notes.append(f"{len(pos)} columns are named '{header[pos[0]]}': {labels}; read column {fit[0] + 1} "
                             f"({want}), the other(s) not read")
            else:
                notes.append(f"{len(pos)} columns are named '{header[pos[0]]}': {labels}; the description row "
                             f"does not tell which is the {want or 'right one'}: none read")
        seen = set(out.values())
        for name in sorted({k for k in norm if norm.count(k) > 1} - set(_LEGACY.values())):
            pos = [i for i, k in enumerate(norm) if k == name and cols[i] not in seen]
            labels = ", ".join(f"column {i + 1} ({units[cols[i]] or 'no description'})" for i in pos)
            notes.append(f"{len(pos)} columns are named '{header[pos[0]]}' ({labels}): not read")
        return out
