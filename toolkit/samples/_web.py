"""Web analytics and a WhatsApp community chat for the Bergkaffee samples (issue #13.4).

Everything here is drawn from its own random stream (``default_rng([seed, 13])``), after the
posts exist, so the posts, comments and daily tables (and their planted truths) are the same as
without it. What is generated:

- **UTM-tagged links** in the posts (:func:`tag_links`, no randomness): shop links in posts of a
  campaign window carry ``utm_campaign`` = the campaign (``Fruehling26``, ``Sommerroestung26``),
  the journal links of cross-posted messages carry ``Journal``; ``utm_source`` names the network
  (``twitter`` for X, as many schedulers still write it), ``utm_medium=social``.
- **Visits** per day x source/medium x campaign: each post brings visits on its day and the two
  after (tagged posts under their campaign, untagged ones as referrals from the network's hosts:
  ``m.facebook.com``, ``t.co``, ``lnkd.in``, ...), on top of direct, search, newsletter and other
  traffic. GA4 sees a consenting share of them (``_CONSENT``); Matomo (cookieless) sees all.
- **GA4** downloads: ``Traffic_acquisition_Session_source_medium.csv`` (Date x Session
  source / medium) and ``Traffic_acquisition_Session_campaign.csv`` (the period by campaign).
- **Matomo** UI exports (UTF-16LE, German headers, ``"66,67 %"``): campaigns (lower-cased by
  Matomo) and social networks for the period.
- **WhatsApp** ``WhatsApp Chat mit Bergkaffee Community.txt`` (Android, German, 24 h): members
  ask, the account (``Bergkaffee``, its name on YouTube too) answers, mostly in office hours.

The planted truths (which channel drives most engaged sessions, the campaigns' conversions, the
chat's reply times) are measured on the generated rows and returned for ``TRUTH.json``.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

TIMEZONE = "Europe/Berlin"
_TZ = ZoneInfo(TIMEZONE)

#: Campaign windows (local publish day, inclusive) of shop links, and the journal campaign.
CAMPAIGNS = {"Fruehling26": ("2026-03-16", "2026-04-30"), "Sommerroestung26": ("2026-06-01", "2026-07-15")}
JOURNAL = "Journal"
NEWSLETTER = "Newsletter"
#: utm_source each platform's links carry.
UTM_SOURCE = {"facebook": "facebook", "instagram": "instagram", "x": "twitter", "linkedin": "linkedin",
              "youtube": "youtube", "tiktok": "tiktok", "mastodon": "mastodon"}
#: Referrer hosts of untagged visits from each network (source, share).
REFERRERS = {
    "facebook": [("m.facebook.com", 0.45), ("l.facebook.com", 0.35), ("facebook.com", 0.20)],
    "instagram": [("l.instagram.com", 0.7), ("instagram.com", 0.3)],
    "x": [("t.co", 1.0)],
    "linkedin": [("linkedin.com", 0.6), ("lnkd.in", 0.4)],
    "youtube": [("youtube.com", 0.7), ("m.youtube.com", 0.3)],
    "tiktok": [("tiktok.com", 1.0)],
    "mastodon": [("mastodon.social", 0.5), ("chaos.social", 0.3), ("norden.social", 0.2)],
}
#: Matomo's name of each network in the social networks report.
MATOMO_SOCIAL = {"facebook": "Facebook", "instagram": "Instagram", "x": "Twitter", "linkedin": "LinkedIn",
                 "youtube": "YouTube", "tiktok": "TikTok", "mastodon": "Mastodon"}
# planted: visits a post brings (mean, over its day and the two after), engaged-session rate,
# conversion rate of a visit, and visits per day from the profile without a post
_VISITS_PER_POST = {"facebook": 42, "instagram": 30, "x": 14, "linkedin": 40, "youtube": 10, "tiktok": 8,
                    "mastodon": 6}
_ENGAGED = {"facebook": 0.42, "instagram": 0.50, "x": 0.38, "linkedin": 0.76, "youtube": 0.55, "tiktok": 0.30,
            "mastodon": 0.62}
_CONVERT = {"facebook": 0.012, "instagram": 0.015, "x": 0.008, "linkedin": 0.02, "youtube": 0.01, "tiktok": 0.006,
            "mastodon": 0.01}
_CAMPAIGN_CONVERT = {"Fruehling26": 2.0, "Sommerroestung26": 3.5, JOURNAL: 0.5}
_PROFILE_VISITS = {"facebook": 3, "instagram": 3, "x": 1, "linkedin": 1, "youtube": 1, "tiktok": 1, "mastodon": 0.5}
_SPREAD = (0.65, 0.25, 0.10)      # share of a post's visits on its day, the next, the one after
# other traffic: (source, medium, campaign, visits per day, engaged rate, conversion rate)
_OTHER = [("(direct)", "(none)", "(direct)", 95, 0.55, 0.030),
          ("google", "organic", "(organic)", 140, 0.68, 0.025),
          ("bing", "organic", "(organic)", 12, 0.64, 0.020),
          ("kaffee-blog.de", "referral", "(referral)", 6, 0.70, 0.015),
          ("(not set)", "(not set)", "(not set)", 4, 0.20, 0.0)]
_NEWSLETTER = ("newsletter", "email", NEWSLETTER, 180, 0.72, 0.045)   # every other Thursday (+5 on other days)
_CONSENT = 0.74                   # share of visits GA4 sees (consent banner); Matomo sees all
_ORDER_VALUE = (24.0, 42.0)       # euros per conversion (uniform)
_GA4_PROPERTY = "Bergkaffee Shop - GA4"
_GA4_ACCOUNT = "Bergkaffee GmbH"
_MATOMO_SITE = "bergkaffee.de"

# WhatsApp community chat
CHAT = "Bergkaffee Community"
CHAT_OWNER = "Bergkaffee"  # the name the brand uses on YouTube too
_CHAT_THREADS_PER_DAY = 1.3
_CHAT_REPLY_MEDIAN_MIN = 25.0     # planted delay inside office hours (Mon-Fri 9-18 local)
_CHAT_UNANSWERED = 0.08           # share of threads the team never answers
_CHAT_QUESTIONS = [
    "Hat jemand schon den {product} probiert? Lohnt der sich für die Siebträgermaschine?",
    "Wann kommt die nächste Lieferung vom {product}?",
    "Gibt es den {product} auch als ganze Bohne?",
    "Ist der Laden in {city} am Samstag offen?",
    "Welchen Mahlgrad nehmt ihr für French Press?",
    "Kann ich mein Abo pausieren, wenn ich im Urlaub bin?",
    "Gibt es beim Straßenfest in {city} wieder Cold Brew?",
    "Meine Bestellung ist noch nicht da, ist das normal?",
    "Habt ihr einen Tipp für Espresso ohne Maschine?",
    "Does the {product} work for cold brew too?",
]
_CHAT_FOLLOWUPS = ["Würde mich auch interessieren!", "Gute Frage 👍", "Same here", "+1",
                   "Ich hab ihn letzte Woche gekauft, super lecker ☕",
                   "Bei mir hat es letztes Mal drei Tage gedauert.\nAber es hat sich gelohnt 😊"]
_CHAT_ANSWERS = [
    "Hallo {first}! Ja, den gibt es. Alle Infos hier: https://shop.bergkaffee.de/{page}",
    "Danke für die Frage, {first}! Wir schauen nach und melden uns 🙂",
    "Hi {first}, der nächste Röstslot ist am Donnerstag, dann ist er wieder da.",
    "Hallo {first}, schreib uns bitte deine Bestellnummer per Mail, dann kümmern wir uns sofort.",
    "Gute Frage! Unser Tipp: mittel-grob mahlen und 4 Minuten ziehen lassen.\nViel Spaß beim Ausprobieren ☕",
]
_CHAT_ANNOUNCEMENTS = [
    "Guten Morgen zusammen ☀️ Die {product} ist frisch geröstet: https://shop.bergkaffee.de/neu",
    "Erinnerung: Samstag sind wir beim Straßenfest in {city}, Stand 14 🎉",
    "Neu im Journal, schaut mal rein: https://bergkaffee.de/journal",
]


# ---------------------------------------------------------------------------------------------
# UTM tags in the posts (deterministic)

_LINK = re.compile(r"https://(?:shop\.)?bergkaffee\.de/[^\s?#]*")


def campaign_of(platform: str, ts: int, url: str) -> str | None:
    """The campaign a link in a post published at ``ts`` (Unix seconds) is tagged with, or None."""
    if "/journal/" in url:
        return JOURNAL
    if not url.startswith("https://shop.bergkaffee.de/") or url.endswith("/lieferstatus"):
        return None
    day = datetime.fromtimestamp(ts, _TZ).strftime("%Y-%m-%d")
    for name, (d0, d1) in CAMPAIGNS.items():
        if d0 <= day <= d1:
            return name
    return None


def tag_links(text: str, platform: str, ts: int) -> str:
    """The post text with UTM parameters on its links of a campaign (see :data:`CAMPAIGNS`)."""
    def tag(m: re.Match) -> str:
        camp = campaign_of(platform, ts, m.group(0))
        if camp is None:
            return m.group(0)
        return f"{m.group(0)}?utm_source={UTM_SOURCE[platform]}&utm_medium=social&utm_campaign={camp}"
    return _LINK.sub(tag, text)


def post_campaigns(posts: pd.DataFrame) -> pd.Series:
    """Campaign of each post (first tagged link), <NA> for posts without a tagged link."""
    found = posts["text"].astype(str).str.extract(r"utm_campaign=([A-Za-z0-9_-]+)")[0]
    return found.astype("string")


# ---------------------------------------------------------------------------------------------
# visits

def _local_day(ts) -> pd.Series:
    return pd.to_datetime(ts, utc=True).dt.tz_convert(TIMEZONE).dt.tz_localize(None).dt.normalize()


def visits(posts: pd.DataFrame, days: list, rng: np.random.Generator) -> pd.DataFrame:
    """True visits per (day, network, source, medium, campaign) with their engaged, converting and
    bouncing counts and what GA4 sees of them."""
    cells: dict[tuple, float] = {}
    rates: dict[tuple, tuple] = {}
    day_set = [pd.Timestamp(d) for d in days]
    first, last = day_set[0], day_set[-1]

    def add(day, net, src, med, camp, n, eng, conv):
        if n <= 0 or day < first or day > last:
            return
        key = (day, net, src, med, camp)
        cells[key] = cells.get(key, 0.0) + n
        rates[key] = (eng, conv)

    p = posts.sort_values(["platform", "published_at", "post_id"], kind="stable")
    camps = post_campaigns(p)
    pday = _local_day(p["published_at"])
    for net, day, camp in zip(p["platform"], pday, camps):
        total = _VISITS_PER_POST[net] * float(rng.lognormal(0.0, 0.4))
        conv = _CONVERT[net] * (_CAMPAIGN_CONVERT.get(camp, 1.0) if isinstance(camp, str) else 1.0)
        for k, share in enumerate(_SPREAD):
            n = total * share
            d = day + pd.Timedelta(days=k)
            if isinstance(camp, str):
                add(d, net, UTM_SOURCE[net], "social", camp, n, _ENGAGED[net], conv)
            else:
                for src, sh in REFERRERS[net]:
                    add(d, net, src, "referral", "(referral)", n * sh, _ENGAGED[net], conv)
    for d in day_set:
        weekend = 0.8 if d.weekday() >= 5 else 1.0
        for net, per_day in _PROFILE_VISITS.items():
            src = REFERRERS[net][0][0]
            add(d, net, src, "referral", "(referral)", per_day * weekend, _ENGAGED[net], _CONVERT[net])
        for src, med, camp, per_day, eng, conv in _OTHER:
            add(d, None, src, med, camp, per_day * weekend, eng, conv)
        src, med, camp, per_day, eng, conv = _NEWSLETTER
        mailing = d.weekday() == 3 and d.isocalendar()[1] % 2 == 0
        add(d, None, src, med, camp, per_day if mailing else 5, eng, conv)
    rows = []
    for key in sorted(cells, key=lambda k: (k[0], str(k[1]), k[2], k[3], k[4])):
        lam = cells[key]
        eng, conv = rates[key]
        v = int(rng.poisson(lam))
        if v == 0:
            continue
        c = int(rng.binomial(v, conv))
        bounces = int(rng.binomial(v, min(0.95, 1.0 - eng + 0.05)))
        s = int(rng.binomial(v, _CONSENT))
        e = int(rng.binomial(s, eng))
        k = int(rng.binomial(c, _CONSENT))
        k = min(k, s)
        rows.append({"date": key[0], "network": key[1], "source": key[2], "medium": key[3], "campaign": key[4],
                     "visits": v, "bounces": bounces, "conversions": c,
                     "revenue": round(c * float(rng.uniform(*_ORDER_VALUE)), 2),
                     "sessions": s, "engaged_sessions": e, "key_events": k,
                     "ga4_revenue": round(k * float(rng.uniform(*_ORDER_VALUE)), 2)})
    out = pd.DataFrame(rows)
    out["network"] = out["network"].astype("string")
    return out


# ---------------------------------------------------------------------------------------------
# WhatsApp chat

def _office(ts: datetime) -> bool:
    return ts.weekday() < 5 and 9 <= ts.hour < 18


def _next_office(ts: datetime, rng: np.random.Generator) -> datetime:
    d = ts
    if ts.weekday() < 5 and ts.hour < 9:
        d = ts.replace(hour=9, minute=0, second=0)
    else:
        d = (ts + timedelta(days=1)).replace(hour=9, minute=0, second=0)
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d + timedelta(minutes=float(rng.uniform(5, 90)))


def chat(days: list, members: list[str], rng: np.random.Generator, pick) -> tuple[list[dict], dict]:
    """Messages of the community chat in time order (local wall-clock datetimes, minutes) and its truth."""
    msgs: list[dict] = []
    start = datetime(days[0].year, days[0].month, days[0].day, 10, 2, tzinfo=_TZ)
    msgs.append({"ts": start, "author": None, "text": "Du hast die Gruppe „Bergkaffee Community“ erstellt"})
    for i, m in enumerate(members[:6]):
        msgs.append({"ts": start + timedelta(minutes=1 + i), "author": None, "text": f"Du hast {m} hinzugefügt."})
    msgs.append({"ts": start + timedelta(minutes=9), "author": CHAT_OWNER,
                 "text": "Herzlich willkommen in der Bergkaffee Community ☕\nHier beantworten wir eure Fragen "
                         "rund um Kaffee, Bestellungen und Termine."})
    from .generator import _CITIES, _PRODUCTS
    for d in days[1:]:
        n = int(rng.poisson(_CHAT_THREADS_PER_DAY))
        if rng.random() < 0.06:
            ts = datetime(d.year, d.month, d.day, 8, int(rng.integers(0, 59)), tzinfo=_TZ)
            msgs.append({"ts": ts, "author": CHAT_OWNER,
                         "text": pick(_CHAT_ANNOUNCEMENTS).format(product=pick(_PRODUCTS), city=pick(_CITIES))})
        for _ in range(n):
            hour = int(rng.choice([8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22]))
            ts = datetime(d.year, d.month, d.day, hour, int(rng.integers(0, 60)), tzinfo=_TZ)
            asker = pick(members)
            msgs.append({"ts": ts, "author": asker,
                         "text": pick(_CHAT_QUESTIONS).format(product=pick(_PRODUCTS), city=pick(_CITIES))})
            t = ts
            for _ in range(int(rng.choice([0, 0, 0, 1, 1, 2]))):
                t = t + timedelta(minutes=float(rng.uniform(2, 40)))
                msgs.append({"ts": t, "author": pick(members), "text": pick(_CHAT_FOLLOWUPS)})
            if rng.random() < 0.12:
                t = t + timedelta(minutes=float(rng.uniform(1, 20)))
                msgs.append({"ts": t, "author": pick(members), "text": "<Medien ausgeschlossen>"})
            if rng.random() < _CHAT_UNANSWERED or d == days[-1]:  # the last day's questions stay open
                continue
            delay = timedelta(minutes=max(2.0, float(rng.lognormal(np.log(_CHAT_REPLY_MEDIAN_MIN), 0.7))))
            reply = ts + delay
            if not _office(reply) and rng.random() < 0.8:
                reply = _next_office(reply, rng)
            reply = max(reply, t + timedelta(minutes=2))
            first = asker.split()[0].lstrip("+~")
            msgs.append({"ts": reply, "author": CHAT_OWNER,
                         "text": pick(_CHAT_ANSWERS).format(first=first if first.isalpha() else "du",
                                                            page=pick(["sorten", "abo", "neu", "espresso"]))})
    msgs.append({"ts": datetime(2026, 5, 4, 12, 30, tzinfo=_TZ), "author": pick(members),
                 "text": "Diese Nachricht wurde gelöscht."})
    last = days[-1]  # a question on the last evening is still open at the export
    msgs.append({"ts": datetime(last.year, last.month, last.day, 21, 47, tzinfo=_TZ), "author": pick(members),
                 "text": "Kurze Frage: Gibt es die Sommerröstung auch noch im September?"})
    for m in msgs:  # the export shows minutes
        m["ts"] = m["ts"].replace(second=0, microsecond=0)
    msgs.sort(key=lambda m: m["ts"])
    return msgs, _chat_truth(msgs)


def _chat_truth(msgs: list[dict]) -> dict:
    """Reply times as the chat loader defines them: member messages since the account's last message
    are one waiting conversation, answered by the account's next message."""
    waiting, waits, n_conv, n_member = None, [], 0, 0
    for m in msgs:
        if m["author"] is None or m["text"] in ("<Medien ausgeschlossen>", "Diese Nachricht wurde gelöscht."):
            continue
        if m["author"] == CHAT_OWNER:
            if waiting is not None:
                waits.append((m["ts"] - waiting).total_seconds() / 60)
            waiting = None
        else:
            n_member += 1
            if waiting is None:
                waiting = m["ts"]
                n_conv += 1
    return {"chat": CHAT, "owner": CHAT_OWNER, "member_messages": n_member,
            "owner_messages": sum(1 for m in msgs if m["author"] == CHAT_OWNER),
            "conversations": n_conv, "answered": len(waits), "reply_rate": round(len(waits) / n_conv, 4),
            "median_reply_minutes": round(float(np.median(waits)), 1),
            "planted": {"delay_median_minutes_office_hours": _CHAT_REPLY_MEDIAN_MIN,
                        "unanswered_share": _CHAT_UNANSWERED, "office_hours": "Mon-Fri 09:00-18:00"}}


# ---------------------------------------------------------------------------------------------
# everything, and the truth

def generate(posts: pd.DataFrame, days: list, seed: int) -> dict:
    """Visits, chat messages and the web truth for the given posts."""
    from .generator import _FIRST, _LAST

    rng = np.random.default_rng([int(seed), 13])

    def pick(items):
        return items[int(rng.integers(len(items)))]

    v = visits(posts, days, rng)
    chat_members = sorted({f"{pick(_FIRST)} {pick(_LAST)}" for _ in range(70)})[:60]
    chat_members[7] = "+49 151 23456789"  # a member whose name is not in the phone's contacts
    msgs, chat_truth = chat(days, chat_members, rng, pick)
    return {"visits": v, "chat": msgs, "truth": _truth(v, posts, chat_truth)}


def _truth(v: pd.DataFrame, posts: pd.DataFrame, chat_truth: dict) -> dict:
    soc = v[v["network"].notna()]
    by_net = soc.groupby("network")[["sessions", "engaged_sessions", "key_events", "visits"]].sum()
    camps = post_campaigns(posts)
    campaigns = {}
    for name in [*CAMPAIGNS, JOURNAL]:
        rows = v[v["campaign"] == name]
        mine = posts[(camps == name).fillna(False).to_numpy()]
        campaigns[name.lower()] = {
            "utm_campaign": name, "n_posts": int(len(mine)), "platforms": sorted(mine["platform"].unique().tolist()),
            "ga4_sessions": int(rows["sessions"].sum()), "ga4_engaged_sessions": int(rows["engaged_sessions"].sum()),
            "ga4_key_events": int(rows["key_events"].sum()),
            "matomo_visits": int(rows["visits"].sum()), "matomo_conversions": int(rows["conversions"].sum()),
            "planted_conversion_multiplier": _CAMPAIGN_CONVERT[name]}
    best_conv = max(campaigns, key=lambda k: campaigns[k]["ga4_key_events"])
    direct = v[v["source"] == "(direct)"]
    return {
        "ga4": {"property": _GA4_PROPERTY, "file_source_medium": "web/Traffic_acquisition_Session_source_medium.csv",
                "file_campaign": "web/Traffic_acquisition_Session_campaign.csv",
                "sessions": int(v["sessions"].sum()), "engaged_sessions": int(v["engaged_sessions"].sum()),
                "key_events": int(v["key_events"].sum()),
                "direct_sessions": int(direct["sessions"].sum()),
                "sessions_by_network": {k: int(x) for k, x in by_net["sessions"].items()},
                "engaged_sessions_by_network": {k: int(x) for k, x in by_net["engaged_sessions"].items()},
                "key_events_by_network": {k: int(x) for k, x in by_net["key_events"].items()},
                "most_sessions_network": str(by_net["sessions"].idxmax()),
                "most_engaged_sessions_network": str(by_net["engaged_sessions"].idxmax())},
        "matomo": {"site": _MATOMO_SITE, "visits": int(v["visits"].sum()),
                   "campaign_file": "web/Export _ Kampagnen _ 2026-03-01 bis 2026-08-31.csv",
                   "social_file": "web/Export _ Soziale Netzwerke _ 2026-03-01 bis 2026-08-31.csv",
                   "social_referral_visits_by_network": {
                       k: int(x) for k, x in soc[soc["medium"] == "referral"].groupby("network")["visits"].sum().items()}},
        "campaigns": campaigns,
        "campaign_most_key_events": best_conv,
        "consent_share": _CONSENT,
        "planted": {"visits_per_post": _VISITS_PER_POST, "engaged_rate": _ENGAGED, "conversion_rate": _CONVERT,
                    "campaign_conversion_multiplier": _CAMPAIGN_CONVERT,
                    "campaign_windows": {k: list(w) for k, w in CAMPAIGNS.items()},
                    "visits_spread_over_days": list(_SPREAD)},
        "whatsapp": chat_truth,
        "definitions": {
            "engaged_session_rate": "GA4 engaged sessions / sessions",
            "most_engaged_sessions_network": "network (tk.traffic normalisation of the session source) with the "
                                             "most GA4 engaged sessions over the period",
            "campaign key events": "GA4 key events of sessions whose campaign is the utm_campaign (case-insensitive)",
            "median_reply_minutes": "median minutes from the first member message since the account's last message "
                                    "to the account's next message (the chat's owner is recognised by the account name it shares with the YouTube export)"},
    }
