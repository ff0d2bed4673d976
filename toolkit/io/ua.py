"""Universal Analytics (historical; UA stopped processing data in July 2023): report CSV downloads.

Format ``ua_csv`` (format facts: the project's notes on web-analytics exports, UA section)::

    # ----------------------------------------
    # All Web Site Data                      <- the view (property)
    # Landing Pages                          <- the report
    # 20150416-20150416                      <- the period, inside the dash block (GA4 puts it after)
    # ----------------------------------------

    Landing Page,Device Category,Sessions,% New Sessions,New Users,Bounce Rate,...
    ...
    ,,"3,215",95.43%,"3,068",88.99%,...      <- totals row: empty dimensions (counted as skipped)

    Day Index,Sessions                       <- second section: days in the user's locale
    16/04/2015,"553"

Headers and numbers followed the user's language: English (``3,215``, ``88.99%``) and German or
Dutch (``1.234``, ``"45,67 %"``) are both read; the decimal mark is inferred per section. Day Index
dates are read with the one day/month order that puts every day inside the report's period.
``Bounce Rate`` becomes ``bounces`` (rate x sessions, rounded); ``Goal Completions`` (or the sum of
``... (Goal N Completions)`` columns) becomes ``conversions``; ``Revenue`` is loaded with its
currency symbol. UA has no engaged sessions: ``engaged_sessions`` is ``<NA>``. The reporting zone
is ``tz=`` of :func:`toolkit.load`.
"""

from __future__ import annotations

import re

from ._base import register
from ._report_download import ReportDownload, preamble_meta
from ._traffic import norm_header

__all__ = ["UACSV", "UA_COLUMNS"]

#: UA headers (English and German) -> canonical traffic names.
UA_COLUMNS = {norm_header(k): v for k, v in {
    "Day Index": "date", "Tagesindex": "date", "Date": "date", "Datum": "date",
    "Default Channel Grouping": "channel", "Standard-Channelgruppierung": "channel",
    "Source / Medium": "source_medium", "Quelle/Medium": "source_medium",
    "Source": "source", "Quelle": "source", "Medium": "medium",
    "Campaign": "campaign", "Kampagne": "campaign", "Ad Content": "content", "Anzeigeninhalt": "content",
    "Landing Page": "landing_page", "Zielseite": "landing_page", "Landingpage": "landing_page",
    "Sessions": "sessions", "Sitzungen": "sessions", "Users": "users", "Nutzer": "users",
    "New Users": "new_users", "Neue Nutzer": "new_users", "Bounce Rate": "bounce_rate",
    "Absprungrate": "bounce_rate", "Goal Completions": "conversions", "Zielerreichungen": "conversions",
    "Abschlüsse": "conversions", "Revenue": "revenue", "Umsatz": "revenue",
}.items()}
_DERIVED = {norm_header(h) for h in (
    "% New Sessions", "% neue Sitzungen", "Pages / Session", "Seiten/Sitzung", "Avg. Session Duration",
    "Durchschn. Sitzungsdauer", "Goal Conversion Rate", "Zielerreichungsrate", "Goal Value", "Zielwert",
    "Ecommerce Conversion Rate", "E-Commerce-Conversion-Rate", "Transactions", "Transaktionen")}
#: Per-goal columns: ``Newsletter (Goal 1 Completions)``, ``Newsletter (Ziel 1: Abschlüsse)``.
_GOAL = re.compile(r"\((goal \d+ completions|ziel \d+:? ?abschlüsse)\)$")
_DAY_FORMATS = ("%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d/%m/%y", "%m/%d/%y", "%d.%m.%y", "%Y%m%d", "%Y-%m-%d",
                "%b %d, %Y")


def _meta(comments: list[str]) -> dict:
    """View (property), report title and period: UA's block holds the view, then the report, then the range."""
    meta = preamble_meta(comments)
    texts = [meta.pop(k) for k in ("title", "segment") if k in meta]
    if texts:
        meta["property"] = texts[0]
    if len(texts) > 1:
        meta["title"] = texts[1]
    return meta


@register
class UACSV(ReportDownload):
    """Universal Analytics report download (CSV, or TSV for Excel in UTF-16) -> traffic."""

    format = "ua_csv"
    tool = "ua"
    label = "Universal Analytics"
    columns = UA_COLUMNS
    derived = _DERIVED
    day_formats = _DAY_FORMATS
    goal_pattern = _GOAL

    def meta(self, preamble: list[str]) -> dict:
        return _meta(preamble)
