"""Writers of the web-analytics downloads and the WhatsApp chat export of the samples.

- GA4 report downloads (Reports > Traffic acquisition > Share > Download CSV): ``#`` preamble with
  account, property, segment and period, a ``Grand total`` row under the header, rates as
  fractions, ``YYYYMMDD`` dates, UTF-8, LF.
- Matomo UI exports: UTF-16LE with a BOM, German headers (``Bezeichnung, Besuche, ...``),
  percentages as text with U+00A0 (``"66,67 %"``), LF, no newline after the last row; the period
  in the file name as the browser saved it.
- WhatsApp "Chat exportieren" without media on Android with a German phone:
  ``dd.mm.yy, HH:MM - Name: Text``, multi-line messages, system lines, media placeholders.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

NBSP = "\u00a0"


def _num(v: float) -> str:
    return f"{v:.0f}" if float(v).is_integer() else f"{v:.2f}"


def _rate(a: float, b: float) -> str:
    return f"{a / b:.4f}".rstrip("0").rstrip(".") if b else "0"


def _ga4_preamble(title: str, account: str, prop: str, start: str, end: str) -> list[str]:
    return ["# ----------------------------------------", f"# {title}", f"# Account: {account}",
            f"# Property: {prop}", "# ----------------------------------------", "# ", "# All Users",
            f"# Start date: {start.replace('-', '')}", f"# End date: {end.replace('-', '')}"]


def write_ga4(visits: pd.DataFrame, out_dir: Path, *, account: str, prop: str, start: str, end: str) -> list[Path]:
    """Two GA4 downloads: Date x Session source / medium, and the period by Session campaign."""
    out_dir.mkdir(parents=True, exist_ok=True)
    metrics = ["sessions", "engaged_sessions", "key_events", "ga4_revenue"]
    header = "Sessions,Engaged sessions,Engagement rate,Key events,Total revenue"

    def row(r) -> str:
        return (f"{int(r.sessions)},{int(r.engaged_sessions)},{_rate(r.engaged_sessions, r.sessions)},"
                f"{int(r.key_events)},{_num(round(r.ga4_revenue, 2))}")

    v = visits.assign(source_medium=visits["source"] + " / " + visits["medium"])
    daily = v.groupby(["date", "source_medium"], sort=False)[metrics].sum().reset_index()
    daily = daily[daily["sessions"] > 0].sort_values(["date", "sessions", "source_medium"],
                                                     ascending=[True, False, True], kind="stable")
    tot = daily[metrics].sum()
    lines = _ga4_preamble("Traffic acquisition: Session source / medium", account, prop, start, end)
    lines.append(f"Date,Session source / medium,{header}")
    lines.append(f"Grand total,,{row(tot)}")
    lines += [f"{r.date:%Y%m%d},{r.source_medium},{row(r)}" for r in daily.itertuples()]
    p1 = out_dir / "Traffic_acquisition_Session_source_medium.csv"
    p1.write_text("\n".join(lines) + "\n\n", encoding="utf-8")

    camp = v.groupby("campaign", sort=False)[metrics].sum().reset_index()
    camp = camp[camp["sessions"] > 0].sort_values(["sessions", "campaign"], ascending=[False, True], kind="stable")
    lines = _ga4_preamble("Traffic acquisition: Session campaign", account, prop, start, end)
    lines.append(f"Session campaign,{header}")
    lines.append(f"Grand total,{row(camp[metrics].sum())}")
    lines += [f"{r.campaign},{row(r)}" for r in camp.itertuples()]
    per_day = v.groupby("date")["sessions"].sum()
    lines += ["", "Date,Sessions"] + [f"{d:%Y%m%d},{int(s)}" for d, s in per_day.items()]
    p2 = out_dir / "Traffic_acquisition_Session_campaign.csv"
    p2.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    return [p1, p2]


def _pct(a: float, b: float) -> str:
    if not b:
        return f"0{NBSP}%"
    v = round(100 * a / b, 2)
    text = (f"{v:.2f}".rstrip("0").rstrip(".")).replace(".", ",")
    return f'"{text}{NBSP}%"' if "," in text else f"{text}{NBSP}%"


def _utf16(path: Path, lines: list[str]) -> Path:
    path.write_bytes(b"\xff\xfe" + "\n".join(lines).encode("utf-16-le"))
    return path


def write_matomo(visits: pd.DataFrame, out_dir: Path, *, start: str, end: str, social_names: dict) -> list[Path]:
    """Matomo UI exports (German UI) of the period: campaigns and social networks."""
    out_dir.mkdir(parents=True, exist_ok=True)
    period = f"{start} bis {end}"
    head = ["Bezeichnung", "Eindeutige Besucher", "Besuche", "Aktionen", "Absprünge", "Besuche mit Konversionen",
            "Konversionen", "Umsatz", "Absprungsrate", "Aktionen pro Besuch", "Konversionsrate", "Metadaten: segment"]

    def rows(frame: pd.DataFrame, label: str, segment) -> list[str]:
        g = frame.groupby(label, sort=False)[["visits", "bounces", "conversions", "revenue"]].sum().reset_index()
        g = g.sort_values(["visits", label], ascending=[False, True], kind="stable")
        out = [",".join(head)]
        for r in g.itertuples():
            v = int(r.visits)
            uniq = int(round(v * 0.86))
            actions = int(round(v * 2.6 - r.bounces))
            out.append(",".join([
                getattr(r, label), str(uniq), str(v), str(actions), str(int(r.bounces)), str(int(r.conversions)),
                str(int(r.conversions)), _num(round(r.revenue, 2)), _pct(r.bounces, v),
                _num(round(actions / v, 1)), _pct(r.conversions, v),
                segment(getattr(r, label))]))
        return out

    camp = visits[visits["medium"].isin(["social", "email"])].assign(label=lambda d: d["campaign"].str.lower())
    p1 = _utf16(out_dir / f"Export _ Kampagnen _ {period}.csv",
                rows(camp, "label", lambda x: f"referrerType==campaign;referrerName=={x}"))
    soc = visits[(visits["medium"] == "referral") & visits["network"].notna()]
    soc = soc.assign(label=soc["network"].map(social_names))
    p2 = _utf16(out_dir / f"Export _ Soziale Netzwerke _ {period}.csv",
                rows(soc, "label", lambda x: f"referrerType==social;referrerName=={x}"))
    return [p1, p2]


def write_whatsapp(msgs: list[dict], out_dir: Path, *, chat: str) -> list[Path]:
    """The chat as Android with a German phone exports it (``WhatsApp Chat mit NAME.txt``)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    first = msgs[0]["ts"]
    lines = [f"{first:%d.%m.%y, %H:%M} - Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt. Niemand "
             "außerhalb dieses Chats kann sie lesen oder anhören, nicht einmal WhatsApp. Tippe, um mehr zu erfahren."]
    for m in msgs:
        stamp = f"{m['ts']:%d.%m.%y, %H:%M}"
        lines.append(f"{stamp} - {m['text']}" if m["author"] is None else f"{stamp} - {m['author']}: {m['text']}")
    path = out_dir / f"WhatsApp Chat mit {chat}.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [path]
