"""One formatting layer: every number, date, table and chart label a page shows, in the reader's language.

Notebooks compute with raw tables (rates as 0..1 fractions, waits in minutes, UTC timestamps);
this module turns them into what a marketing lead reads: ``7.5 %``, ``18,450``, ``5 h 12 min``,
dates in the audience's time zone, human column headers, no index column, a missing value as an
en dash whose reason is given in a footnote under the table. Numbers and dates are formatted by
Babel (CLDR data) for the page's language, words through the gettext catalogs in
``toolkit/locale/``. Tables are rendered with pandas' Styler.

A report installs it in each notebook's kernel (:func:`install`): then every DataFrame, Series,
Styler, dict and Dataset a cell displays, and every plotly figure, goes through :class:`Format`,
so no notebook needs a formatting call of its own.

Examples
--------
>>> from toolkit._format import Format
>>> en, de = Format("en"), Format("de")
>>> en.percent(0.075), de.percent(0.075)
('7.5\\xa0%', '7,5\\xa0%')
>>> en.number(18450), de.number(18450)
('18,450', '18.450')
>>> en.duration(312), de.duration(312)
('5 h 12 min', '5 Std. 12 Min.')
"""

from __future__ import annotations

import datetime as _dt
import html
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ._time import WEEKDAY_ABBR, WEEKDAY_NAMES

__all__ = ["Format", "install", "translate_figure"]

EN_DASH = "\u2013"
NBSP = "\u00a0"
#: The Format :func:`install` set up in this kernel (None outside a report kernel).
ACTIVE = None
#: Rows of a table shown on a page; longer tables show these and link the full table as CSV.
MAX_ROWS = 25
#: Characters of a text cell shown; the full text is in the linked CSV and the cell's tooltip.
MAX_TEXT = 90

# Human headers for the toolkit's column names (English msgids; other languages via the catalog).
_HEADERS = {
    "platform": "Platform", "account": "Account", "post_id": "Post", "comment_id": "Comment",
    "period_start": "Period", "posts": "Posts", "comments": "Comments", "reach": "Reach",
    "impressions": "Impressions", "views": "Views", "likes": "Likes", "shares": "Shares", "saves": "Saves",
    "clicks": "Clicks", "engagements": "Engagements", "interactions": "Interactions",
    "engagement_rate": "Engagement rate", "formula": "Formula", "followers": "Followers",
    "posts_growth_rate": "Posts growth", "reach_growth_rate": "Reach growth",
    "engagement_rate_change_rate": "Change of engagement rate", "followers_growth_rate": "Follower growth",
    "slot": "Slot", "n_posts": "Posts", "lift": "Lift", "lift_raw": "Lift (unshrunk)", "ci_low": "Interval from",
    "ci_high": "Interval to", "recommended": "Recommended", "flagged": "Clear effect", "feature": "Feature",
    "value": "Value", "date": "Date", "negative": "Negative", "negative_rate": "Negative share",
    "reply_rate": "Reply rate", "median_minutes": "Median wait", "p90_minutes": "Wait (90th percentile)",
    "business_median_minutes": "Median wait (business hours)", "open_questions": "Open questions",
    "unanswered_questions": "Unanswered questions", "user_comments": "User comments", "replied": "Answered",
    "account_replies": "Replies by the account", "replies_outside_hours": "Replies outside business hours",
    "outside_hours_rate": "Share outside business hours", "rank": "Rank", "author": "Member",
    "mean_sentiment": "Mean sentiment", "replied_rate": "Answered share", "text": "Text", "permalink": "Link",
    "media_type": "Format", "published_at": "Published", "created_at": "Written", "age_hours": "Waiting for",
    "file": "File", "problem": "Problem", "table": "Table", "rows": "Rows", "first_day": "First day",
    "last_day": "Last day", "rows_read": "Rows read", "rows_loaded": "Rows loaded",
    "duplicates_dropped": "Duplicates dropped", "rows_rejected": "Rows rejected", "format": "Format",
    "notes": "Notes", "reason": "Reason", "line": "Line", "kind": "Kind", "name": "Name",
    "numerator": "Numerator", "denominator": "Denominator", "applies_to": "Applies to", "source": "Source",
    "n_groups": "Shared messages", "group": "Message group", "matched_by": "Matched by", "message": "Message",
    "baseline": "Usual post", "weight_mean": "Mean interactions", "word": "Word", "docs": "Posts",
    "term": "Word", "section": "Section", "item": "Item", "detail": "Detail", "scorer": "Scorer",
    "result": "Result", "count": "Count", "share": "Share", "sentiment": "Sentiment", "label": "Label",
    "q_value": "q-value", "p_value": "p-value", "week": "Week", "month": "Month", "day": "Day",
    "hour": "Hour", "weekday": "Weekday", "language": "Language", "metric": "Metric", "hashtag": "Hashtag",
    "weekday_name": "Weekday", "hour_start": "From", "hour_end": "To", "slot_hours": "Hours in slot",
    "n_account_posts": "Posts of the account", "n_excluded_young": "Too young (left out)", "slots": "Slots",
    "n_slots": "Slots", "n_recommended": "Recommended slots", "activity_index": "Activity (1 = average hour)",
    "q10_minutes": "10 % after", "q25_minutes": "25 % after", "q50_minutes": "Half after", "q75_minutes": "75 % after",
    "q90_minutes": "90 % after", "mean_minutes": "Mean wait", "within_1h_rate": "Within an hour",
    "within_24h_rate": "Within a day", "score": "Score", "first_comment_at": "First comment", "ratio": "Ratio",
    "is_owner": "By the account", "sentiment_label": "Tone", "sentiment_score": "Sentiment score",
    "n_other": "Other posts", "p_adjusted": "p-value (adjusted)", "keyword": "Word", "n_docs": "Posts",
    "doc_rate": "Share of posts", "n_occurrences": "Occurrences", "weight": "Weight", "first_at": "First",
    "last_at": "Last", "platforms": "Platforms", "lang": "Language", "n_comments": "Comments",
    "baseline_rate": "Usual share", "content": "Content", "skipped": "Skipped", "document": "Document",
    "description": "Description", "column": "Column", "accounts": "Accounts", "emoji": "Emoji",
    "negative_share": "Negative share", "expected": "Expected", "excess": "Excess", "n": "Number",
    "excluded": "Left out", "date_only": "Date only", "missing_metric": "Missing metric", "too_young": "Too young",
    # web traffic (tk.traffic)
    "tool": "Tool", "channel": "Channel", "sessions": "Sessions", "engaged_sessions": "Engaged sessions",
    "engaged_session_rate": "Engaged-session rate", "conversions": "Conversions",
    "share_of_sessions": "Share of sessions", "exposure": "Exposure of the posts",
    "conversions_per_1000": "Conversions per 1,000", "per": "Per", "campaign": "Campaign", "n_post_days": "Post days",
    "n_other_days": "Other days", "sessions_post_days": "Sessions per post day",
    "sessions_other_days": "Sessions per other day", "clear": "Clear difference",
}
_PLATFORMS = {"youtube": "YouTube", "tiktok": "TikTok", "linkedin": "LinkedIn", "x": "X", "xing": "XING",
              "whatsapp": "WhatsApp", "ga4": "GA4", "bluesky": "Bluesky"}
# Why a value is missing, by column (the footnote under a table); first match wins.
_MISSING = [
    (re.compile(r"_(growth|change)_rate$"), "first period: nothing to compare with"),
    (re.compile(r"^followers"), "no follower counts in the exports"),
    (re.compile(r"(minutes|hours|wait)$"), "no reply by the account"),
    (re.compile(r"^(ci_low|ci_high)$"), "too few posts for an interval"),
    (re.compile(r"^formula$"), "no reach, impressions or views in the export"),
    (re.compile(r"^(impressions|reach|views|likes|comments|shares|saves|clicks|engagements|interactions"
                r"|engagement_rate)$"), "not reported in the export"),
]
# columns whose values are the toolkit's own categories (translated), not user text
_TERM_COLS = {"formula", "feature", "media_type", "label", "language", "table", "matched_by", "kind", "section",
              "metric", "sentiment_label", "lang", "name", "reference", "per", "channel", "denominator_used"}
_TERMS = {"auto": "Automatic", "reach": "Reach", "impressions": "Impressions", "views": "Views",
          "followers": "Followers", "native_engagements": "Native engagements", "weighted_followers": "Weighted by followers",
          "text_length": "Text length", "media_type": "Format", "hashtags": "Number of hashtags", "emoji": "Emoji",
          "link": "Link", "question": "Question", "hashtag": "Hashtag", "negative": "Negative", "neutral": "Neutral",
          "positive": "Positive", "posts": "Posts", "comments": "Comments", "daily": "Daily values", "de": "German",
          "en": "English", "unknown": "Unknown", "image": "Image", "video": "Video", "reel": "Reel", "carousel": "Carousel",
          "text": "Text", "short": "Short", "story": "Story", "yes": "yes", "no": "no", "photo": "Photo",
          "thread": "Thread", "direct": "Direct", "week": "Week", "day": "Day", "month": "Month",
          "shared_link": "Same link", "similar_text": "Similar text"}
_ID_COLS = ("post_id", "comment_id", "parent_id")
_PLATFORMS_LOWER = {"facebook", "instagram", "linkedin", "mastodon", "tiktok", "x", "youtube", "xing", "threads",
                    "bluesky", "pinterest", "whatsapp"}
_WEEKDAYS = WEEKDAY_ABBR
_SLOT = re.compile(rf"^({'|'.join(WEEKDAY_ABBR)})\b(.*)$")
_TEXT_COLS = {"text", "message", "notes", "problem", "reason", "detail", "result", "author", "file", "value",
              "word", "term", "hashtag", "group", "post_id", "comment_id", "account"}
# user text (comments, captions, names): shown escaped, never translated, marked for tests
_USER_COLS = {"text", "message", "author", "account", "value", "word", "term", "hashtag", "file", "group",
              "post_id", "comment_id", "keyword", "content", "document", "emoji", "platforms", "tool", "campaign",
              "property", "source_medium", "column"}
# the toolkit's own sentences (load-report notes, formulas, benchmarks): translated where the catalog knows them
_SENTENCE_COLS = {"notes", "problem", "reason", "detail", "result", "scorer", "description", "numerator",
                  "denominator", "applies_to", "source", "item", "baseline"}
_WEEKDAY_NAMES = WEEKDAY_NAMES


def _is_missing(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


# numbers, dates and times inside a sentence: "22", "3", "2026-08-31 18:10"
_NUMBERS = re.compile(r"\d+(?:[-.,:/ ]\d+)*")


def _record_missing(text: str) -> None:
    import json
    import os

    target = os.environ.get("TOOLKIT_I18N_MISSING")
    if target and re.search(r"[A-Za-z]{2}", text):
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(text, ensure_ascii=False) + "\n")


class Format:
    """Formats numbers, dates, tables and figures for one language and time zone.

    Parameters
    ----------
    lang : str
        Language of the page (``"en"``, ``"de"``, any with a catalog in ``toolkit/locale``).
    tz : str, optional
        IANA zone of the audience: timestamps are shown in it. None leaves them as stored (UTC).
    tables_dir : path, optional
        Folder where the full versions of long tables are written (as CSV, formulas neutralised,
        times in ``tz`` with the zone in the column name); the page links them relative to ``link_prefix``. None: long tables are cut without a link.
    page : str
        File-name stem of the page, used to name those CSV files.
    """

    def __init__(self, lang: str = "en", *, tz: str | None = None, tables_dir=None, page: str = "table",
                 link_prefix: str = "tables/") -> None:
        from babel import Locale

        from .locale import translations

        self.lang = lang
        self.locale = Locale.parse(lang)
        self.tz = tz
        self.tables_dir = Path(tables_dir) if tables_dir else None
        self.page = page
        self.link_prefix = link_prefix
        self._tr = translations(lang)
        self._n_tables = 0

    # -- words
    def _(self, text: str) -> str:
        """``text`` in the page's language (unchanged when the catalog has no translation).

        With the environment variable ``TOOLKIT_I18N_MISSING`` set to a file name, every text
        without a translation is appended to that file (one JSON string per line), which is how
        translators find what a catalog still lacks.
        """
        if not text or self.lang == "en":
            return text
        done = self.lookup(text)
        if done is None:
            _record_missing(_NUMBERS.sub(lambda m, c=iter(range(99)): "{%d}" % next(c), text))
            return text
        return done

    def lookup(self, text: str) -> str | None:
        """The translation of ``text``, or None. A sentence with numbers in it ("left out 22
        post(s) ...") is also found by its template ("left out {0} post(s) ...")."""
        if self.lang == "en":
            return text
        catalog = getattr(self._tr, "_catalog", {})
        if text in catalog:  # also words that stay the same ("Lift", "Community")
            return catalog[text]
        values = _NUMBERS.findall(text)
        if values:
            template = _NUMBERS.sub(lambda m, c=iter(range(len(values))): "{%d}" % next(c), text)
            if template in catalog:
                return catalog[template].format(*values)
        return None

    def header(self, col) -> str:
        """Human header for column ``col`` (``engagement_rate`` -> ``Engagement rate``)."""
        if isinstance(col, tuple):
            return " ".join(self.header(c) for c in col if str(c))
        name = str(col)
        if name in _HEADERS:
            return self._(_HEADERS[name])
        if name.endswith("_reported_rate"):
            return self._("{metric} reported").format(metric=self.header(name[:-len("_reported_rate")]))
        human = name.replace("_", " ").strip()
        human = human[:1].upper() + human[1:]
        return self._(human)

    # -- numbers
    def number(self, value, decimals: int | None = None) -> str:
        """Thousands separated; ``decimals`` None: 0 for whole numbers, else by size (at most 2)."""
        from babel.numbers import format_decimal

        if _is_missing(value):
            return EN_DASH
        value = float(value)
        if decimals is None:
            if value == int(value) and abs(value) < 1e15:
                decimals = 0
            else:
                decimals = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(round(value, decimals), format=pattern, locale=self.locale)

    def percent(self, rate, decimals: int = 1, *, signed: bool = False) -> str:
        """A 0..1 rate as a percentage: ``0.075`` -> ``7.5 %`` (``7,5 %`` in German)."""
        if _is_missing(rate):
            return EN_DASH
        pct = float(rate) * 100
        if 0 < abs(pct) < 0.1 and decimals == 1:
            decimals = 2
        text = self.number(pct, decimals)
        if signed and pct > 0:
            text = "+" + text
        return text + NBSP + "%"

    def duration(self, minutes) -> str:
        """Minutes as ``5 h 12 min`` / ``3 d 4 h`` / ``45 min`` (``< 1 min`` under a minute)."""
        if _is_missing(minutes):
            return EN_DASH
        m = float(minutes)
        h_, min_, d_ = self._("h"), self._("min"), self._("d")
        if m < 1:
            return f"< 1 {min_}"
        total = int(round(m))
        days, rest = divmod(total, 24 * 60)
        hours, mins = divmod(rest, 60)
        if days:
            return f"{days} {d_} {hours} {h_}" if hours else f"{days} {d_}"
        if hours:
            return f"{hours} {h_} {mins} {min_}" if mins else f"{hours} {h_}"
        return f"{mins} {min_}"

    # -- dates
    def _local(self, value):
        ts = pd.Timestamp(value)
        if ts.tzinfo is not None and self.tz:
            ts = ts.tz_convert(self.tz)
        return ts

    def date(self, value) -> str:
        """A day: ``Aug 3, 2026`` / ``03.08.2026``."""
        from babel.dates import format_date

        if _is_missing(value):
            return EN_DASH
        return format_date(self._local(value).date(), "medium", locale=self.locale)

    def datetime(self, value) -> str:
        """A moment in the audience's zone: ``Aug 3, 2026, 14:05``."""
        from babel.dates import format_date, format_time

        if _is_missing(value):
            return EN_DASH
        ts = self._local(value)
        return f"{format_date(ts.date(), 'medium', locale=self.locale)}, " \
               f"{format_time(ts.time(), 'HH:mm', locale=self.locale)}"

    def weekday(self, abbr: str) -> str:
        """English weekday abbreviation (``Mon``) in the page's language (``Mo``)."""
        from babel.dates import get_day_names

        if abbr not in _WEEKDAYS:
            return abbr
        return get_day_names("abbreviated", locale=self.locale)[_WEEKDAYS.index(abbr)].rstrip(".")

    # -- cells
    def _kind(self, name: str, s: pd.Series) -> str:
        n = name.lower()
        if pd.api.types.is_bool_dtype(s.dtype):
            return "bool"
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            return "datetime"
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            ok = s.dropna()
            return "date" if len(ok) == 0 or (ok.dt.normalize() == ok).all() else "datetime"
        if pd.api.types.is_numeric_dtype(s.dtype):
            if re.search(r"_(growth|change)_rate$", n):
                return "signed_percent"
            if n.endswith("_rate") or n in ("share", "rate"):
                return "percent"
            if n.endswith("_pct"):
                return "pct"
            if n.endswith("_minutes"):
                return "minutes"
            if n.endswith("_hours"):
                return "hours"
            if n in ("p_value", "q_value"):
                return "p"
            if n in ("lift", "lift_raw", "ci_low", "ci_high", "baseline") or "sentiment" in n:
                return "ratio"
            return "number"
        vals = s.dropna()
        if len(vals) and all(isinstance(v, _dt.date) for v in vals.head(50)):
            return "date" if all(not isinstance(v, _dt.datetime) for v in vals.head(50)) else "datetime"
        if len(vals) and all(isinstance(v, (dict, list, tuple, set)) for v in vals.head(50)):
            return "mapping"
        if n == "permalink" or n.endswith("_url"):
            return "link"
        if n == "platform":
            return "platform"
        if n == "slot":
            return "slot"
        if n in _TERM_COLS:
            return "term"
        if n in _SENTENCE_COLS:
            return "sentence"
        if len(vals) and all(str(v) in _WEEKDAY_NAMES for v in vals.head(50)):
            return "weekday"
        return "text"

    def cell(self, kind: str, value) -> str:
        """HTML of one cell of a column of ``kind`` (escaped)."""
        if kind == "mapping":
            if _is_missing(value) if not isinstance(value, (dict, list, tuple, set)) else False:
                return EN_DASH
            return html.escape(self.mapping_text(value))
        if _is_missing(value):
            return EN_DASH
        if kind == "bool":
            return self._("yes") if bool(value) else self._("no")
        if kind == "percent":
            return self.percent(value)
        if kind == "signed_percent":
            return self.percent(value, signed=True)
        if kind == "pct":
            return self.percent(float(value) / 100)
        if kind == "minutes":
            return self.duration(value)
        if kind == "hours":
            return self.duration(float(value) * 60)
        if kind == "p":
            return "< " + self.number(0.001, 3) if float(value) < 0.001 else self.number(value, 3)
        if kind == "ratio":
            return self.number(value, 2)
        if kind == "number":
            return self.number(value)
        if kind == "date":
            return self.date(value)
        if kind == "datetime":
            return self.datetime(value)
        if kind == "link":
            url = str(value)
            if not url.lower().startswith(("http://", "https://")):
                return html.escape(url)
            return f"<a href='{html.escape(url, quote=True)}' target='_blank' rel='noopener'>{self._('open')}</a>"
        if kind == "platform":
            name = str(value)
            return html.escape(_PLATFORMS.get(name, name[:1].upper() + name[1:]))
        if kind == "term":
            return html.escape(_translate_core(self.term(str(value)), self))
        if kind == "sentence":
            return self.text(_translate_core(str(value), self))
        if kind == "weekday":
            from babel.dates import get_day_names

            return html.escape(get_day_names("wide", locale=self.locale)[_WEEKDAY_NAMES.index(str(value))])
        if kind == "slot":
            m = _SLOT.match(str(value))
            return html.escape(self.weekday(m.group(1)) + m.group(2) if m else str(value))
        return self.text(value)

    def term(self, value: str) -> str:
        """A category the toolkit names (formula, feature, media type, label) as the reader says it."""
        if re.fullmatch(r"[a-z0-9_]+", value):
            return _TERMS.get(value) or (_HEADERS.get(value) or value.replace("_", " ").capitalize())
        return value

    def text(self, value, limit: int = MAX_TEXT) -> str:
        text = " ".join(str(value).split())
        if len(text) > limit:
            return f"<span title='{html.escape(text, quote=True)}'>{html.escape(text[:limit - 1])}\u2026</span>"
        return html.escape(text)

    def mapping_text(self, value) -> str:
        if isinstance(value, dict):
            return "; ".join(f"{self.header(k)}: {self.plain(v)}" for k, v in value.items())
        return ", ".join(self.plain(v) for v in value)

    def plain(self, value) -> str:
        """A single value as text (numbers formatted, missing as en dash)."""
        if _is_missing(value):
            return EN_DASH
        if isinstance(value, (bool, np.bool_)):
            return self._("yes") if value else self._("no")
        if isinstance(value, (int, float, np.integer, np.floating)):
            return self.number(value)
        return str(value)

    # -- tables
    def frame(self, obj) -> pd.DataFrame:
        """A DataFrame with every meaningful index level as a column and flat column names."""
        if isinstance(obj, pd.Series):
            name = obj.name if obj.name is not None else "value"
            if obj.index.name is None and not pd.api.types.is_integer_dtype(obj.index):
                # a Series keyed by column names (``table[cols].sum()``): the names become headers
                return pd.DataFrame({"item": [self.header(i) for i in obj.index], str(name): obj.to_numpy()})
            obj = obj.to_frame(name=name)
        df = obj
        if isinstance(df.columns, pd.MultiIndex):
            df = df.copy()
            df.columns = ["_".join(str(p) for p in c if str(p)) for c in df.columns]
        named = [n for n in df.index.names if n is not None]
        if named or not isinstance(df.index, (pd.RangeIndex,)) and not pd.api.types.is_integer_dtype(df.index):
            df = df.reset_index()
        else:
            df = df.reset_index(drop=True)
        df.columns = [str(c) for c in df.columns]
        return df

    def _footnote(self, df: pd.DataFrame) -> str:
        reasons: dict[str, list[str]] = {}
        for col in df.columns:
            if not df[col].isna().any():
                continue
            why = next((w for pat, w in _MISSING if pat.search(col)), "not available")
            reasons.setdefault(self._(why), []).append(self.header(col))
        if not reasons:
            return ""
        parts = [f"{', '.join(cols)}: {why}" for why, cols in reasons.items()]
        return f"{EN_DASH} {self._('means')}: " + "; ".join(parts) + "."

    def _save_full(self, df: pd.DataFrame) -> str | None:
        if self.tables_dir is None:
            return None
        from .report import to_csv

        self.tables_dir.mkdir(parents=True, exist_ok=True)
        self._n_tables += 1
        name = f"{self.page}-{self._n_tables}.csv"
        to_csv(df, self.tables_dir / name, tz=self.tz)  # times as the page shows them, the zone in the header
        return self.link_prefix + name

    def table_html(self, obj, *, max_rows: int = MAX_ROWS) -> str:
        """The HTML of a table as a page shows it (see the module docstring)."""
        df = self.frame(obj)
        if any(self._kind(c, df[c]) == "link" for c in df.columns):
            # the link leads to the post; its raw IDs would only widen the table (the CSV keeps them)
            df = df.drop(columns=[c for c in _ID_COLS if c in df.columns])
        for c in df.columns:  # an empty label (a formula that could not be chosen) is a missing value
            if c not in _USER_COLS and (df[c].dtype == object or pd.api.types.is_string_dtype(df[c].dtype)):
                # plain bools: on an Arrow-backed column map() would give an Arrow boolean with nulls
                empty = df[c].astype(object).map(lambda v: isinstance(v, str) and not v.strip()).astype(bool)
                if empty.any():
                    df = df.assign(**{c: df[c].mask(empty.to_numpy())})
        if self.lang != "en" and {"emoji", "name"} <= set(df.columns):
            df = df.assign(name=[self._emoji_name(e, n) for e, n in zip(df["emoji"], df["name"])])
        total = len(df)
        link = None
        if total > max_rows:
            link = self._save_full(df)
            shown = df.head(max_rows)
        else:
            shown = df
        kinds = {c: self._kind(c, df[c]) for c in df.columns}
        cells = pd.DataFrame({c: [self.cell(kinds[c], v) for v in shown[c].tolist()] for c in df.columns},
                             index=range(len(shown)))
        headers = [html.escape(self.header(c)) for c in df.columns]
        cells.columns = [f"c{i}" for i in range(len(df.columns))]  # headers may repeat ("Posts" twice)
        styler = cells.style.hide(axis="index").relabel_index(headers, axis="columns")
        styler = styler.format(escape=None)  # cells are escaped HTML already
        right = [k for k, c in zip(cells.columns, df.columns) if kinds[c] in  # numbers line up on the right
                 ("number", "percent", "signed_percent", "pct", "minutes", "hours", "p", "ratio")]
        if right:
            styler = styler.set_properties(subset=right, **{"text-align": "right"})
        user = [k for k, c in zip(cells.columns, df.columns) if c in _USER_COLS]
        if user:
            styler = styler.set_td_classes(pd.DataFrame(
                [["toolkit-user" if k in user else "" for k in cells.columns]] * len(cells),
                index=cells.index, columns=cells.columns))
        table = styler.set_table_attributes("class='toolkit-table'").to_html()
        notes = []
        foot = self._footnote(shown)
        if foot:
            notes.append(html.escape(foot))
        if total > max_rows:
            more = self._("The first {shown} of {total} rows.").format(shown=self.number(max_rows),
                                                                     total=self.number(total))
            if link:
                more += f" <a href='{html.escape(link, quote=True)}' download>{self._('All rows as CSV')}</a>"
            notes.append(more)
        note_html = "".join(f"<p class='toolkit-footnote'>{n}</p>" for n in notes)
        return f"<div class='toolkit-table-wrap'>{table}{note_html}</div>"

    def _emoji_name(self, char, name):
        """The emoji's name in the page's language (the emoji package's CLDR names), else ``name``."""
        try:
            import emoji

            local = emoji.demojize(str(char), language=self.lang)
        except (ImportError, NotImplementedError, KeyError, ValueError):
            return name
        return local.strip(":").replace("_", " ") if local != str(char) and local.startswith(":") else name

    def mapping_html(self, value: dict) -> str:
        rows = pd.DataFrame({"item": [self.header(k) for k in value],
                             "value": [self.plain(v) for v in value.values()]})
        body = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
                       for k, v in zip(rows["item"], rows["value"]))
        return f"<div class='toolkit-table-wrap'><table class='toolkit-table'>{body}</table></div>"

    def note_html(self, note) -> str:
        """A :class:`toolkit.report.Note` in the page's language, its table formatted like any other."""
        from .report import _NOTE_STYLE

        if not note.text:
            return ""
        body = f"<p style='margin:0'>{html.escape(_translate_core(note.text, self))}</p>"
        if note.table is not None and not note.table.empty:
            body += self.table_html(note.table)
        return f"<div class='toolkit-note' style='{_NOTE_STYLE[note.kind]}'>{body}</div>"

    def nav_html(self, nav) -> str:
        """The chapter links (:class:`toolkit.report.Nav`) with labels and titles in the page's language."""
        if self.lang == "en":
            return nav._repr_html_()
        parts = []
        for label, name, title in nav._parts():
            title = html.escape(self._notebook_title(name, title))
            if label == "Back to the overview":
                parts.append(f"{html.escape(self._('Back to the overview'))}: <a href=\"{html.escape(name)}\">{title}</a>")
            else:
                parts.append(f"{html.escape(self._(label))}: <a href=\"{html.escape(name)}\">{title}</a>")
        return f"<p class='toolkit-nav'>{' &middot; '.join(parts)}</p>"

    def _notebook_title(self, name: str, title: str) -> str:
        """The translated ``# heading`` of curated notebook ``name`` (``title`` where there is none)."""
        if self.lang == "en":
            return title
        import nbformat

        from .locale import translations
        from .report import NOTEBOOK_DIR

        try:
            nb = nbformat.read(NOTEBOOK_DIR / name, as_version=4)
        except (OSError, ValueError):
            return title
        tr = translations(self.lang, "notebooks")
        for cell in nb.cells:
            if cell.cell_type == "markdown" and re.search(r"^#\s+", cell.source, flags=re.M):
                done = tr.pgettext(f"{name}#{cell.get('id', '')}", cell.source)
                m = re.search(r"^#\s+(.+)$", done, flags=re.M)
                return m.group(1).strip() if m and done != cell.source else title
        return title

    def dataset_html(self, ds) -> str:
        """One line saying what was loaded (instead of the Dataset's developer repr)."""
        parts = [f"{self.number(len(ds.posts))} {self._('posts')}",
                 f"{self.number(len(ds.comments))} {self._('comments')}",
                 f"{self.number(len(ds.daily))} {self._('daily values')}"]
        traffic = getattr(ds, "traffic", None)
        if traffic is not None and len(traffic):
            parts.append(f"{self.number(len(traffic))} {self._('traffic rows')}")
        plats = sorted(set(ds.posts["platform"].dropna()) | set(ds.comments["platform"].dropna())
                       | set(ds.daily["platform"].dropna()))
        names = ", ".join(_PLATFORMS.get(p, p[:1].upper() + p[1:]) for p in plats)
        text = f"{self._('Loaded')}: " + ", ".join(parts) + (f" ({names})" if names else "") + "."
        return f"<p class='toolkit-dataset'>{html.escape(text)}</p>"


# ----------------------------------------------------------------------------------------------
# figures

_FIG_TEXT_KEYS = ("title", "text", "name", "legendgrouptitle", "label")


def translate_figure(fig: dict, fmt: Format) -> dict:
    """The figure (as a plotly dict) with its words in ``fmt``'s language and its number separators.

    Translates titles, axis and legend titles, annotations, menu labels and trace names (whole
    strings through the catalog; platform names stay as they are), and sets ``layout.separators``
    so hover and axis numbers use the language's decimal and thousands marks.
    """
    from babel.numbers import get_decimal_symbol, get_group_symbol

    def walk(node, key=None):
        if isinstance(node, dict):
            return {k: walk(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, key) for v in node]
        if isinstance(node, str) and key in _FIG_TEXT_KEYS:
            return _translate_label(node, fmt)
        if isinstance(node, str) and key == "hovertemplate":
            return re.sub(r"(^|<br>)([^<%{:]+)(?=[:=])", lambda m: m.group(1) + _translate_label(m.group(2), fmt),
                          node)
        return node

    out = walk(fig)
    layout = out.setdefault("layout", {})
    layout["separators"] = get_decimal_symbol(fmt.locale) + get_group_symbol(fmt.locale)
    return out


def _translate_label(text: str, fmt: Format) -> str:
    if fmt.lang == "en" or not text.strip():
        return text
    # a label with markup keeps it: <b>Title</b><br><sup>note</sup>
    parts = re.split(r"(<[^>]+>)", text)
    return "".join(p if p.startswith("<") or not p.strip() else _translate_phrase(p, fmt) for p in parts)


def _translate_phrase(text: str, fmt: Format) -> str:
    core = text.strip()
    lead = text[:len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()):]
    return lead + _translate_core(core, fmt) + trail


def _translate_core(core: str, fmt: Format) -> str:
    """A chart label in the page's language: whole, else by its parts ("Title (detail)", "a: b", "a, b")."""
    if not core or not re.search(r"[A-Za-z]", core) or core in _PLATFORMS or core.lower() in _PLATFORMS_LOWER:
        return core
    done = fmt.lookup(core)
    if done is not None:
        return done
    if core in _HEADERS:
        return fmt._(_HEADERS[core])
    m = _SLOT.match(core)
    if m:
        return fmt.weekday(m.group(1)) + m.group(2)
    m = re.fullmatch(r"(.+?) \((.+)\)", core)
    if m:
        return f"{_translate_core(m.group(1), fmt)} ({_translate_core(m.group(2), fmt)})"
    for sep in ("; ", ": ", ", ", " - ", " = ", " + "):
        if sep in core:
            return sep.join(_translate_core(p, fmt) for p in core.split(sep))
    return fmt._(core)


# ----------------------------------------------------------------------------------------------
# installing into a notebook kernel

def _renderer(fmt: Format):
    """plotly renderer for report kernels: the figure translated, drawn by the page's shared plotly.js."""
    from plotly.io._base_renderers import HtmlRenderer, MimetypeRenderer

    class Renderer(MimetypeRenderer):
        def __init__(self) -> None:
            self.fmt = fmt
            self.html = HtmlRenderer(connected=False, full_html=False, global_init=False, include_plotlyjs=False)

        def activate(self):
            pass

        def to_mimebundle(self, fig_dict):
            import json

            from plotly.io import to_json

            fig = translate_figure(json.loads(to_json(fig_dict, validate=False)), self.fmt)
            bundle = self.html.to_mimebundle(fig)
            bundle["application/vnd.plotly.v1+json"] = {"data": fig.get("data", []),
                                                       "layout": fig.get("layout", {}), "config": {}}
            return bundle

    return Renderer()


def _when_imported(name: str, callback) -> None:
    """Call ``callback(module)`` once module ``name`` is imported (now, if it already is)."""
    import importlib.abc
    import importlib.util
    import sys

    if name in sys.modules:
        callback(sys.modules[name])
        return

    class Hook(importlib.abc.MetaPathFinder):
        def find_spec(self, fullname, path, target=None):
            if fullname != name:
                return None
            sys.meta_path.remove(self)
            spec = importlib.util.find_spec(fullname)
            if spec is None or spec.loader is None:
                return spec
            exec_module = spec.loader.exec_module

            def run(module):
                exec_module(module)
                callback(module)

            spec.loader.exec_module = run
            return spec

    sys.meta_path.insert(0, Hook())


def _warned_by() -> str:
    """Top-level package of the code that called ``warnings.warn`` (read from the call stack)."""
    import sys

    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if name not in ("warnings", __name__) and not name.startswith("IPython"):
            return name.split(".")[0]
        frame = frame.f_back
    return ""


def install(*, lang: str = "en", tz: str | None = None, tables_dir=None, page: str = "table",
            ip=None) -> Format:
    """Make the running IPython kernel show tables, dicts, Datasets and figures through :class:`Format`.

    Registers HTML display formatters for DataFrame, Series, Styler (its data, formatted by
    this layer), dict and ``toolkit.io.Dataset``, a plotly renderer ``toolkit`` (translated labels,
    no embedded plotly.js: the page loads it once) and shows warnings as short notes.
    """
    import warnings

    if ip is None:
        from IPython import get_ipython

        ip = get_ipython()
    fmt = Format(lang, tz=tz, tables_dir=tables_dir, page=page)
    global ACTIVE
    ACTIVE = fmt  # the page's language, for objects that format themselves (tk.report.summary)
    if ip is None:
        return fmt
    from pandas.io.formats.style import Styler

    html_f = ip.display_formatter.formatters["text/html"]
    html_f.for_type(pd.DataFrame, fmt.table_html)
    html_f.for_type(pd.Series, fmt.table_html)
    html_f.for_type(Styler, lambda s: fmt.table_html(s.data))
    html_f.for_type(dict, fmt.mapping_html)
    html_f.for_type_by_name("toolkit._summary", "Summary", lambda s: s._repr_html_())  # a dict, with its own tiles
    html_f.for_type_by_name("toolkit.io._core", "Dataset", fmt.dataset_html)
    html_f.for_type_by_name("toolkit.report", "Note", fmt.note_html)
    html_f.for_type_by_name("toolkit._chapters", "Nav", fmt.nav_html)

    def use_renderer(pio) -> None:
        pio.renderers["toolkit"] = _renderer(fmt)
        pio.renderers.default = "toolkit"

    _when_imported("plotly.io", use_renderer)  # importing plotly costs a second; pages without charts skip it

    def show_warning(message, category, filename, lineno, file=None, line=None):
        from IPython.display import display

        from .report import Note

        # a page shows what the toolkit says about the reader's data; a library's note to the
        # notebook's maintainer (pandas' "has no effect" and the like) stays out of it
        if _warned_by() in ("toolkit", "__main__"):
            display(Note(str(message)))

    warnings.showwarning = show_warning
    return fmt
