"""Write canonical posts and daily rows as a CSV re-saved by German Excel (sample data, round trips).

``write_generic_de`` writes ``beitraege.csv`` (posts) and ``kennzahlen_taeglich.csv`` (daily) the
way a German spreadsheet program saves them: ``;`` delimiter, CRLF, cp1252 (characters cp1252 lacks,
such as emoji, become ``?`` - exactly the loss Excel causes), German headers, ``TT.MM.JJJJ hh:mm``
local times in ``tz``, ``1.234`` thousands and decimal comma, blanks for ``<NA>``. IDs are written
as text (as if the column had been formatted as text; a real re-save may destroy them, which the
loader reports). Output is deterministic.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

__all__ = ["write_generic_de", "POSTS_HEADER"]

#: German header written for each canonical posts column.
POSTS_HEADER = {"platform": "Plattform", "account": "Konto", "post_id": "Beitrags-ID",
                "published_at": "Veröffentlicht", "text": "Beitragstext", "media_type": "Beitragstyp",
                "permalink": "Link", "impressions": "Impressionen", "reach": "Reichweite", "views": "Aufrufe",
                "likes": "Gefällt mir", "comments": "Kommentare", "shares": "Geteilt", "saves": "Gespeichert",
                "clicks": "Klicks", "engagements": "Interaktionen"}
_INTS = ("impressions", "reach", "views", "likes", "comments", "shares", "saves", "clicks", "engagements")


def _int_de(v) -> str:
    return "" if pd.isna(v) else f"{int(v):,}".replace(",", ".")


def _float_de(v) -> str:
    if pd.isna(v):
        return ""
    v = float(v)
    if v.is_integer():
        return _int_de(v)
    return repr(v).replace(".", ",")


def _write(path: Path, rows: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode("cp1252", errors="replace"))


def write_generic_de(posts: pd.DataFrame | None, daily: pd.DataFrame | None, out_dir: str | Path, *,
                     tz: str = "Europe/Berlin") -> list[Path]:
    """Write posts (all platforms) and daily rows as German-Excel CSV files in ``out_dir``.

    Returns the files written: ``beitraege.csv`` and/or ``kennzahlen_taeglich.csv``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    if posts is not None and len(posts):
        p = posts.sort_values(["platform", "published_at", "post_id"], kind="stable")
        rows = [list(POSTS_HEADER.values())]
        for _, r in p.iterrows():
            local = r["published_at"].tz_convert(tz)
            when = f"{local:%d.%m.%Y}" if r.get("date_only", False) else f"{local:%d.%m.%Y %H:%M}"
            row = []
            for col in POSTS_HEADER:
                v = r[col]
                if col == "published_at":
                    row.append(when)
                elif col in _INTS:
                    row.append(_int_de(v))
                else:
                    row.append("" if pd.isna(v) else str(v))
            rows.append(row)
        path = out / "beitraege.csv"
        _write(path, rows)
        written.append(path)
    if daily is not None and len(daily):
        d = daily.sort_values(["platform", "account", "metric", "date"], kind="stable")
        rows = [["Plattform", "Konto", "Datum", "Metrik", "Wert"]]
        for _, r in d.iterrows():
            rows.append([r["platform"], "" if pd.isna(r["account"]) else r["account"], f"{r['date']:%d.%m.%Y}",
                         r["metric"], _float_de(r["value"])])
        path = out / "kennzahlen_taeglich.csv"
        _write(path, rows)
        written.append(path)
    return written
