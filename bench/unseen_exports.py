"""Spot checks on a folder of real-format exports the samples were not made from (issue 10).

Builds, in a temporary folder, ~20 exports of a brand no test or sample uses (the Elbkiesel
brewery, 2016 and 2023-2025) in the platforms' own formats, written here from the format facts
(export-formats.md) and not with toolkit.samples: Meta Business Suite post CSVs (one re-saved by
German Excel: cp1252, ';', TT.MM.JJJJ, '18.450', IDs in scientific notation), page-level daily
files (UTF-16, sep= and title lines), the legacy Facebook post-level export with repeated column
names, an Instagram "Download your information" zip with repeated entries and mojibake, X's
activity/content/overview CSVs and an archive with retweets, a LinkedIn workbook, a YouTube Studio
zip and comment threads, TikTok Studio CSVs with year-less days across New Year and the TikTok
data JSON, a Mastodon archive and a German tool's generic CSV.

The generator knows what each file means. It loads the folder with ``toolkit.load`` and runs
spot checks (counts per platform, a post's metrics, publish times in UTC across daylight saving,
comments, daily values, derived ids stable across re-saves and re-downloads), prints the share
right and every wrong one, then times ``python -m toolkit report FOLDER --tz Europe/Berlin --out TMP``.

Run: ``.venv/bin/python bench/unseen_exports.py [--keep DIR] [--no-report]``. Nothing is written to
the repository.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import subprocess
import sys
import tarfile
import tempfile
import time
import warnings
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

BERLIN = ZoneInfo("Europe/Berlin")
UTC = timezone.utc
CRLF = "\r\n"
SNOWFLAKE_EPOCH_MS = 1288834974657
rng = random.Random(20261206)


def utc(*a) -> datetime:
    return datetime(*a, tzinfo=UTC)


def berlin(*a) -> datetime:
    """A Berlin wall-clock time as an aware datetime (the truth is kept in UTC)."""
    return datetime(*a, tzinfo=BERLIN).astimezone(UTC)


def wall(t: datetime, fmt: str) -> str:
    return t.astimezone(BERLIN).strftime(fmt)


def snowflake(t: datetime, seq: int) -> str:
    return str(((int(t.timestamp() * 1000) - SNOWFLAKE_EPOCH_MS) << 22) + seq)


def excel_sci(digits: str) -> str:
    """A long number as German Excel shows it in a General cell: '1,02938E+15'."""
    mant, exp = f"{int(digits):.5E}".split("E")
    mant = mant.rstrip("0").rstrip(".")
    return f"{mant.replace('.', ',')}E+{int(exp):02d}"


def de_int(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def csv_text(rows, *, delimiter=",", quoting=csv.QUOTE_MINIMAL, newline="\n") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, quoting=quoting, lineterminator=newline).writerows(rows)
    return buf.getvalue()


def moji(s: str) -> str:
    return s.encode("utf-8").decode("latin-1")


class Export:
    """The folder being written, and the truth the checks compare with."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: list[str] = []
        self.truth: dict = {"posts": {}, "daily": {}, "comments": {}}

    def write(self, rel: str, data: bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.files.append(rel)
        return path

    def post(self, platform: str, pid: str, **values) -> None:
        self.truth["posts"][(platform, pid)] = values


# --- Facebook: Business Suite post CSVs -----------------------------------------------------------

FB_HEADER = ["Post ID", "Page ID", "Page name", "Title", "Description", "Duration (sec)", "Publish time",
             "Caption type", "Permalink", "Is crosspost", "Is share", "Post type", "Languages", "Custom labels",
             "Funded content status", "Data comment", "Date", "Views", "Reach", "Reactions, Comments and Shares",
             "Reactions", "Comments", "Shares", "Total clicks", "Matched Audience Targeting Consumption (Photo Click)",
             "Other Clicks", "Link Clicks", "Matched Audience Targeting Consumption (Video Click)",
             "Negative feedback from users: Hide all", "Seconds viewed", "Average Seconds viewed",
             "Estimated earnings (USD)", "Ad CPM (USD)", "Ad impressions"]
PAGE_ID = "100071234567890"


def fb_posts(ex: Export) -> None:
    march = [  # id, permalink kind, text, when (Berlin), type
        ("1029480000012345", "posts", "Bockbier-Anstich am Samstag 🍺 – wir freuen uns auf euch!", berlin(2024, 3, 30, 18, 0), "Photos"),
        ("1029480000023456", "posts", "Sommerzeit! Ab heute Biergarten bis 22 Uhr ☀️", berlin(2024, 3, 31, 18, 0), "Photos"),
        ("1029480000034567", "videos", "So entsteht unser Märzen 🎥\nTeil 2: die Maische", berlin(2024, 3, 12, 9, 15), "Videos"),
        ("1029480000045678", "pfbid", "Brauereiführung: nur noch 3 Plätze; jetzt buchen", berlin(2024, 3, 20, 12, 30), "Links"),
        ("1029480000056789", "none", "Ostern geschlossen – frohe Feiertage!", berlin(2024, 3, 28, 16, 45), "Photos"),
        ("1029480000067890", "posts", "Neues Etikett, gleiches Bier.", berlin(2024, 3, 5, 7, 30), "Photos"),
    ]
    rows = [FB_HEADER]
    for pid, kind, text, when, typ in march:
        link = {"posts": f"https://www.facebook.com/elbkiesel.brauerei/posts/{pid}",
                "videos": f"https://www.facebook.com/elbkiesel.brauerei/videos/{pid}",
                "pfbid": f"https://www.facebook.com/elbkiesel.brauerei/posts/pfbid0{pid[-6:]}AbCdEfGhIjKl",
                "none": ""}[kind]
        views, reach = rng.randint(1200, 40000), rng.randint(900, 20000)
        reactions, comments, shares = rng.randint(20, 900), rng.randint(0, 80), rng.randint(0, 40)
        ex.post("facebook", pid, when=when, text=text, views=views, reach=reach, likes=reactions, comments=comments,
                shares=shares, link=link, march_text=text.encode("cp1252", errors="replace").decode("cp1252"))
        rows.append([excel_sci(pid), excel_sci(PAGE_ID), "Elbkiesel Brauerei", text, "", "0" if typ != "Videos" else "95",
                     wall(when, "%d.%m.%Y %H:%M"), "N/A", link, "0", "0", typ, "", "", "", "", "Lifetime",
                     de_int(views), de_int(reach), str(reactions + comments + shares), str(reactions), str(comments),
                     str(shares), str(rng.randint(10, 300)), "0", "0", "0", "0", "0",
                     "0" if typ != "Videos" else de_int(rng.randint(2000, 9000)),
                     "0" if typ != "Videos" else "12,5", "", "", ""])
    # German Excel: ';', quotes only where needed, CRLF, cp1252 (the emoji become '?')
    text = csv_text(rows, delimiter=";", newline=CRLF)
    ex.write("facebook/Mar-01-2024_Mar-31-2024_1184412.csv", text.encode("cp1252", errors="replace"))
    # The next month as Meta writes it (UTF-8 BOM, ','): 3 April posts, and two March posts again with
    # newer lifetime metrics (re-exports drift): one only the re-save's permalink links, one only time + text.
    april = [("1029480000078901", "Maibock-Vorverkauf startet 🎟️", berlin(2024, 4, 20, 10, 0), "Photos"),
             ("1029480000089012", "Tag des Bieres: Freibier für Vereinsmitglieder", berlin(2024, 4, 23, 17, 0), "Photos"),
             ("1029480000090123", "Hopfengarten-Update 🌱", berlin(2024, 4, 9, 8, 0), "Reels")]
    out = [FB_HEADER[:9] + ["Post type", "Date", "Views", "Reach", "Reactions, Comments and Shares", "Reactions",
                            "Comments", "Shares", "Total clicks"]]
    for pid, text, when, typ in april:
        views, reach, rea, com, sha = (rng.randint(1000, 30000), rng.randint(800, 20000), rng.randint(10, 500),
                                       rng.randint(0, 50), rng.randint(0, 30))
        link = f"https://www.facebook.com/elbkiesel.brauerei/posts/{pid}"
        ex.post("facebook", pid, when=when, text=text, views=views, reach=reach, likes=rea, comments=com, shares=sha,
                link=link)
        out.append([pid, PAGE_ID, "Elbkiesel Brauerei", text, "", "0", wall(when, "%m/%d/%Y %H:%M"), "N/A", link, typ,
                    "Lifetime", f"{views:,}", f"{reach:,}", str(rea + com + sha), str(rea), str(com), str(sha), "5"])
    for pid in ("1029480000045678", "1029480000056789"):
        t = ex.truth["posts"][("facebook", pid)]
        t.update(views=t["views"] + 310, reach=t["reach"] + 120, likes=t["likes"] + 7)  # newer export wins
        out.append([pid, PAGE_ID, "Elbkiesel Brauerei", t["text"], "", "0", wall(t["when"], "%m/%d/%Y %H:%M"), "N/A",
                    t["link"], "Links" if t["link"] else "Photos", "Lifetime", f"{t['views']:,}", f"{t['reach']:,}",
                    str(t["likes"] + t["comments"] + t["shares"]), str(t["likes"]), str(t["comments"]),
                    str(t["shares"]), "5"])
    ex.write("facebook/Apr-01-2024_Apr-30-2024_1184413.csv", ("\ufeff" + csv_text(out)).encode("utf-8"))
    # Autumn: the day clocks go back (27.10.2024) and the day before
    autumn = [("1029480000101234", "Oktoberfest-Nachlese 🥨", berlin(2024, 10, 26, 18, 0)),
              ("1029480000112345", "Winterbier ist da!", berlin(2024, 10, 27, 18, 0))]
    out = [FB_HEADER[:9] + ["Post type", "Date", "Views", "Reach", "Reactions", "Comments", "Shares"]]
    for pid, text, when in autumn:
        views, reach, rea = rng.randint(1000, 9000), rng.randint(800, 5000), rng.randint(10, 300)
        link = f"https://www.facebook.com/elbkiesel.brauerei/posts/{pid}"
        ex.post("facebook", pid, when=when, text=text, views=views, reach=reach, likes=rea, comments=0, shares=0, link=link)
        out.append([pid, PAGE_ID, "Elbkiesel Brauerei", text, "", "0", wall(when, "%m/%d/%Y %H:%M"), "N/A", link, "Photos",
                    "Lifetime", f"{views:,}", f"{reach:,}", str(rea), "0", "0"])
    ex.write("facebook/Oct-01-2024_Oct-31-2024_1184419.csv", ("\ufeff" + csv_text(out)).encode("utf-8"))


# --- Instagram: Business Suite CSV (2025) and a "Download your information" zip (2023) ------------

def ig_posts(ex: Export) -> None:
    header = ["Post ID", "Account ID", "Account username", "Account name", "Description", "Duration (sec)",
              "Publish time", "Permalink", "Post type", "Data comment", "Date", "Views", "Reach", "Likes", "Shares",
              "Follows", "Comments", "Saves"]
    posts = [("17990000000000101", "Neujahrsanstich 🎆", berlin(2025, 1, 1, 16, 0), "IG carousel", "DEabc001"),
             ("17990000000000102", "Brauer-Tagebuch: Tag 12", berlin(2025, 1, 14, 7, 5), "IG reel", "DEabc002"),
             ("17990000000000103", "", berlin(2025, 2, 2, 19, 30), "IG image", "DEabc003"),
             ("17990000000000104", "Fastenbier – dunkel & süffig", berlin(2025, 2, 20, 12, 0), "IG image", "DEabc004")]
    rows = [header]
    for pid, text, when, typ, code in posts:
        views, reach, likes, saves = rng.randint(1000, 60000), rng.randint(800, 30000), rng.randint(5, 900), rng.randint(0, 90)
        kind = "reel" if typ == "IG reel" else "p"
        ex.post("instagram", pid, when=when, text=text, views=views, reach=reach, likes=likes, saves=saves)
        rows.append([pid, "17841400000000042", "elbkiesel.brauerei", "Elbkiesel Brauerei", text,
                     "0" if kind == "p" else "21", wall(when, "%m/%d/%Y %H:%M"),
                     f"https://www.instagram.com/{kind}/{code}/", typ, "", "Lifetime", f"{views:,}", f"{reach:,}",
                     str(likes), "1", "0", "3", str(saves)])
    ex.write("instagram/Jan-01-2025_Feb-28-2025_9917.csv", ("\ufeff" + csv_text(rows)).encode("utf-8"))
    # The 2023 archive: entries repeated verbatim (Meta's archives repeat some), text as per-byte escapes
    entries = []
    for i, (text, when) in enumerate([("Neues Sudhaus eröffnet 🎉", utc(2023, 5, 4, 16, 0)),
                                      ("Sommerfest – Danke an alle Gäste!", utc(2023, 7, 16, 9, 30)),
                                      ("Herbstbock ab Freitag", utc(2023, 9, 29, 15, 0)),
                                      ("Weihnachtsmarkt: Stand 14 🎄", utc(2023, 12, 1, 10, 0))]):
        media = f"media/posts/2023{when.month:02d}/1791000000000{i:04d}.jpg"
        entries.append({"media": [{"uri": media, "creation_timestamp": int(when.timestamp()), "title": moji(text)}]})
        ex.post("instagram", f"1791000000000{i:04d}", when=when, text=text, dyi=True)
    posts_json = [entries[0], entries[1], dict(entries[0]), entries[2], entries[3], json.loads(json.dumps(entries[2]))]
    comment = lambda text, owner, when: {"media_list_data": [{"uri": ""}], "string_map_data": {  # noqa: E731
        "Comment": {"value": moji(text)}, "Media Owner": {"value": owner}, "Time": {"timestamp": int(when.timestamp())}}}
    c = [comment("Prost aus Hamburg! 🍻", "hamburg.bier", utc(2023, 6, 1, 18, 0)),
         comment("Wann gibt’s wieder Führungen?", "kieler.sprotten", utc(2023, 6, 2, 8, 0)),
         comment("Großartig 😍", "nordlicht.hh", utc(2023, 8, 3, 20, 0))]
    ex.truth["comments"]["ig_dyi"] = {x["string_map_data"]["Comment"]["value"].encode("latin-1").decode("utf-8")
                                      for x in c}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("your_instagram_activity/content/posts_1.json", json.dumps(posts_json, indent=2))
        zf.writestr("your_instagram_activity/comments/post_comments_1.json", json.dumps([c[0], c[1], c[2], c[0]], indent=2))
        zf.writestr("personal_information/personal_information/personal_information.json",
                    json.dumps({"profile_user": [{"string_map_data": {"Username": {"value": "elbkiesel.brauerei"}}}]}))
    ex.write("instagram/instagram-elbkiesel.brauerei-2024-01-05-Xy12Ab.zip", buf.getvalue())
    ex.truth["dyi_shuffled"] = json.dumps([posts_json[i] for i in (4, 3, 1, 0, 2, 5)], indent=2)


# --- Meta page-level daily files ------------------------------------------------------------------

def meta_daily(ex: Export) -> None:
    days = [datetime(2025, 8, d) for d in range(1, 8)]

    def daily(title: str, values) -> bytes:
        lines = ["sep=,", f'"{title}"', '"Date","Primary"'] + [f'"{d:%Y-%m-%dT00:00:00}","{v}"' for d, v in zip(days, values)]
        return (CRLF.join(lines) + CRLF).encode("utf-16")

    follows = [rng.randint(0, 30) for _ in days]
    views = [rng.randint(20000, 90000) for _ in days]
    reach = [rng.randint(5000, 30000) for _ in days]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("Follows.csv", daily("Follows", follows))
    ex.write("meta_daily/facebook_page_insights_2025-08.zip", buf.getvalue())
    resaved = ["Views;", "Date;Primary"] + [f"{d:%d.%m.%Y} 00:00;{de_int(v)}" for d, v in zip(days, views)]
    ex.write("meta_daily/Instagram Insights Aug 2025/Views.csv", (CRLF.join(resaved) + CRLF).encode("cp1252"))
    ex.write("meta_daily/Reach.csv", daily("Reach", reach))
    ex.truth["daily"].update({("facebook", "follows", "2025-08-03"): follows[2],
                              ("instagram", "views", "2025-08-05"): views[4],
                              ("meta", "reach", "2025-08-07"): reach[6]})


# --- Facebook: legacy post-level export (2016) ----------------------------------------------------

def fb_legacy(ex: Export) -> None:
    header = ["Post ID", "Permalink", "Post Message", "Type", "Countries", "Languages", "Posted", "Audience Targeting",
              "Lifetime Post Total Reach", "Lifetime Post organic reach", "Lifetime Post Paid Reach",
              "Lifetime Post Total Impressions", "Lifetime Post Organic Impressions", "Lifetime Post Paid Impressions",
              "Lifetime Engaged Users", "Lifetime Post Consumers", "Lifetime Post Consumptions",
              "Lifetime Organic Video Views", "Lifetime Organic Video Views", "Lifetime Paid Video Views",
              "Lifetime Paid Video Views"]
    desc = ["", "", "", "", "", "", "", "",
            "Lifetime: The total number of people your Page post was served to. (Unique Users)",
            "Lifetime: The number of people who saw your Page post in News Feed or ticker, or on your Page's Timeline. (Unique Users)",
            "Lifetime: The number of people your advertised Page post was served to. (Unique Users)",
            "Lifetime: The number of impressions of your Page post. (Total Count)",
            "Lifetime: The number of impressions of your Page post in an organic way. (Total Count)",
            "Lifetime: The number of impressions of your Page post in an Ad or Sponsored Story. (Total Count)",
            "Lifetime: The number of people who clicked anywhere in your posts. (Unique Users)",
            "Lifetime: The number of people who clicked anywhere in your post. (Unique Users)",
            "Lifetime: The number of clicks anywhere in your post. (Total Count)",
            "Lifetime: Number of unique people who viewed your video for 3 seconds or more organically. (Unique Users)",
            "Lifetime: Number of times your video was viewed for 3 seconds or more organically. (Total Count)",
            "Lifetime: Number of unique people who viewed your video for 3 seconds or more after paid promotion. (Unique Users)",
            "Lifetime: Number of times your video was viewed for 3 seconds or more after paid promotion. (Total Count)"]
    page = "402211223344556"
    posts = [("908070605040301", "Video", "Unser Brauprozess in 90 Sekunden", berlin(2016, 2, 12, 18, 30), (311, 540, 40, 65)),
             ("908070605040302", "Photo", "Neue Öffnungszeiten ab März", berlin(2016, 2, 20, 9, 5), None),
             ("908070605040303", "Link", "Presse: Elbkiesel im Abendblatt", berlin(2016, 2, 26, 14, 0), None)]
    rows = [header, desc]
    for post, typ, text, when, video in posts:
        reach, impressions, clicks = rng.randint(500, 4000), rng.randint(800, 9000), rng.randint(10, 400)
        ov_u, ov_t, pv_u, pv_t = video or ("", "", "", "")
        pid = f"{page}_{post}"
        ex.post("facebook", pid, when=when, text=text, reach=reach, impressions=impressions, clicks=clicks,
                views=(ov_t + pv_t) if video else None)
        t = when.astimezone(BERLIN)
        rows.append([pid, f"https://www.facebook.com/elbkiesel.brauerei/posts/{post}:0", text, typ, "", "",
                     f"{t.month}/{t.day}/{t.year} {t.hour}:{t.minute:02d}", " ", str(reach), str(reach), "0",
                     str(impressions), str(impressions), "0", "30", "20", str(clicks), str(ov_u), str(ov_t), str(pv_u),
                     str(pv_t)])
    ex.write("facebook/Facebook Insights Data Export (Post Level) - Elbkiesel Brauerei - 2016-03-01.csv",
             csv_text(rows, newline=CRLF).encode("utf-8"))


# --- X: activity CSV, archive with retweets, content CSV, overview --------------------------------

X_ACT = ["Tweet id", "Tweet permalink", "Tweet text", "time", "impressions", "engagements", "engagement rate", "retweets",
         "replies", "likes", "user profile clicks", "url clicks", "hashtag clicks", "detail expands", "permalink clicks",
         "app opens", "app installs", "follows", "email tweet", "dial phone", "media views", "media engagements",
         "promoted impressions", "promoted engagements", "promoted engagement rate", "promoted retweets",
         "promoted replies", "promoted likes", "promoted user profile clicks", "promoted url clicks",
         "promoted hashtag clicks", "promoted detail expands", "promoted permalink clicks", "promoted app opens",
         "promoted app installs", "promoted follows", "promoted email tweet", "promoted dial phone",
         "promoted media views", "promoted media engagements"]


def x_files(ex: Export) -> None:
    dec = [(utc(2023, 12, 1, 8, 0), "Adventskalender: Tür 1 &amp; 2 🎁"),
           (utc(2023, 12, 8, 17, 30), "Winterbock ist abgefüllt"),
           (utc(2023, 12, 15, 12, 0), "Weihnachtsmarkt heute bis 21 Uhr"),
           (utc(2023, 12, 28, 10, 45), "Danke für 2023! ❤️")]
    rows = [X_ACT]
    tweets = []
    for i, (when, text) in enumerate(dec):
        tid = snowflake(when, 4096 + i)
        imp, rt, rep, likes, url = rng.randint(800, 20000), rng.randint(0, 30), rng.randint(0, 10), rng.randint(3, 200), rng.randint(0, 60)
        eng = rt + rep + likes + url + 3
        ex.post("x", tid, when=when, text=text.replace("&amp;", "&"), impressions=imp, likes=likes + 2, shares=rt)
        rows.append([tid, f"https://twitter.com/elbkiesel/status/{tid}", text, when.strftime("%Y-%m-%d %H:%M +0000"),
                     f"{imp}.0", f"{eng}.0", repr(eng / imp), f"{rt}.0", f"{rep}.0", f"{likes}.0", "1.0", f"{url}.0",
                     "0.0", "2.0", "0.0", "0", "0", "0", "0", "0", "0", "0"] + ["-"] * 18)
        # the archive, made three weeks later, counts 2 more likes: the newer export wins
        tweets.append((tid, when, text, likes + 2, rt, None))
    ex.write("x/tweet_activity_metrics_elbkiesel_20231201_20240101_en.csv",
             csv_text(rows, quoting=csv.QUOTE_ALL).encode("utf-8"))
    jan = [(utc(2024, 1, 9, 7, 0), "Neues Jahr, neues Bier: Pale Ale ab heute", None),
           (utc(2024, 1, 12, 19, 20), "@kieler_bierfreund Danke, gern geschehen!", "1745000000000000001")]
    for i, (when, text, reply) in enumerate(jan):
        tid = snowflake(when, 8192 + i)
        likes, rt = rng.randint(1, 90), rng.randint(0, 12)
        ex.post("x", tid, when=when, text=text, likes=likes, shares=rt, is_reply=bool(reply))
        tweets.append((tid, when, text, likes, rt, reply))
    for i, (when, text) in enumerate([(utc(2024, 1, 10, 9, 0), "RT @hamburg_news: Die besten Brauereien im Norden"),
                                      (utc(2024, 1, 11, 11, 0), "Frisch gezapft im Abendblatt")]):
        tweets.append((snowflake(when, 12288 + i), when, text, 900, 150, "RETWEET"))
    ex.truth["x_retweets"] = 2

    def tw(tid, when, text, fav, rt, reply):
        t = {"edit_info": {"initial": {"editTweetIds": [tid], "editableUntil": when.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                                       "editsRemaining": "5", "isEditEligible": False}},
             "retweeted": reply == "RETWEET" and not text.startswith("RT @"),
             "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
             "entities": {"hashtags": [], "symbols": [], "user_mentions": [], "urls": []},
             "display_text_range": ["0", str(len(text))], "favorite_count": str(fav), "id_str": tid, "truncated": False,
             "retweet_count": str(rt), "id": tid, "created_at": when.strftime("%a %b %d %H:%M:%S +0000 %Y"),
             "favorited": False, "full_text": text, "lang": "de"}
        if reply and reply != "RETWEET":
            t.update({"in_reply_to_status_id_str": reply, "in_reply_to_user_id": "29532976",
                      "in_reply_to_status_id": reply, "in_reply_to_screen_name": "kieler_bierfreund",
                      "in_reply_to_user_id_str": "29532976"})
        return {"tweet": t}
    body = json.dumps([tw(*t) for t in sorted(tweets, key=lambda t: t[1], reverse=True)], indent=2, ensure_ascii=False)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Your archive.html", "<html></html>")
        zf.writestr("data/account.js", 'window.YTD.account.part0 = [ {\n  "account" : {\n    "accountId" : "99887766",\n'
                    '    "username" : "elbkiesel",\n    "accountDisplayName" : "Elbkiesel Brauerei"\n  }\n} ]')
        zf.writestr("data/tweets.js", "window.YTD.tweets.part0 = " + body.replace('": ', '" : '))
    ex.write("x/twitter-2024-01-20-5e0f1c2d3a4b.zip", buf.getvalue())
    head = ["Post id", "Date", "Post text", "Post Link", "Impressions", "Likes", "Engagements", "Bookmarks", "Shares",
            "New follows", "Replies", "Reposts", "Profile visits", "Detail Expands", "URL Clicks", "Hashtag Clicks",
            "Permalink Clicks"]
    rows = [head]
    for i, (when, text) in enumerate([(utc(2024, 8, 2, 16, 3, 12), "Sommerfest-Fotos sind online 📸"),
                                      (utc(2024, 8, 30, 21, 40, 5), "Späte Runde: Kellerbier bis Mitternacht"),
                                      (utc(2024, 9, 14, 6, 58, 41), "Hopfenernte hat begonnen")]):
        tid = snowflake(when, 77 + i)
        imp, likes, reposts = rng.randint(1000, 150000), rng.randint(0, 400), rng.randint(0, 60)
        ex.post("x", tid, when=when, text=text, impressions=imp, likes=likes, shares=reposts)
        rows.append([tid, when.strftime("%a, %b %-d, %Y"), text, f"https://x.com/elbkiesel/status/{tid}", str(imp),
                     str(likes), str(likes + reposts + 5), "2", "1", "0", "3", str(reposts), "4", "9", "1", "0", "0"])
    ex.write("x/account_analytics_content_2024-08-01_2024-09-30.csv", csv_text(rows).encode("utf-8"))
    # October, re-saved by German Excel with the id column formatted as a number: 15 digits kept
    rows = [head]
    for i, (when, text) in enumerate([(utc(2024, 10, 3, 17, 12, 9), "Oktoberfest-Bilanz: 1.200 Liter"),
                                      (utc(2024, 10, 27, 1, 30, 0), "Zeitumstellung: eine Stunde länger Kneipe")]):
        tid = snowflake(when, 311 + i)
        imp, likes, reposts = rng.randint(1000, 150000), rng.randint(0, 400), rng.randint(0, 60)
        ex.post("x", tid, when=when, text=text, impressions=imp, likes=likes, shares=reposts)
        rows.append([tid[:15] + "0" * (len(tid) - 15), when.strftime("%a, %b %-d, %Y"), text,
                     f"https://x.com/elbkiesel/status/{tid}", de_int(imp), str(likes), str(likes + reposts + 5), "2",
                     "1", "0", "3", str(reposts), "4", "9", "1", "0", "0"])
    ex.write("x/account_analytics_content_2024-10-01_2024-10-31.csv",
             csv_text(rows, delimiter=";", newline=CRLF).encode("cp1252", errors="replace"))
    over = [["Date", "Impressions", "Engagements", "Likes", "Replies", "Reposts", "New follows", "Unfollows",
             "Bookmarks", "Shares", "Profile visits", "Create Post", "Video views", "Media views"]]
    for d in range(1, 6):
        day = datetime(2024, 9, d)
        imp = rng.randint(500, 9000)
        if d == 3:
            ex.truth["daily"][("x", "impressions", "2024-09-03")] = imp
        over.append([day.strftime("%a, %b %-d, %Y"), str(imp), "40", "12", "2", "3", "1", "0", "0", "0", "5", "1", "0", "9"])
    ex.write("x/account_overview_analytics.csv", csv_text(over).encode("utf-8"))


# --- LinkedIn content workbook ------------------------------------------------------------------

def linkedin(ex: Export) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    m = wb.active
    m.title = "Metrics"
    m.append(["Aggregated metrics for all posts by date"])
    m.append(["Date", "Impressions (organic)", "Impressions (sponsored)", "Impressions (total)", "Clicks (organic)",
              "Reactions (organic)", "Comments (organic)", "Reposts (organic)", "Engagement rate (organic)"])
    for d in range(3, 8):
        imp = rng.randint(100, 3000) if d != 6 else -4  # negative daily values occur in real exports
        if d in (4, 6):
            ex.truth["daily"][("linkedin", "impressions_organic", f"2024-06-{d:02d}")] = imp
        m.append([f"06/{d:02d}/2024", imp, 0, imp, 12, 9, 1, 0, 0.031])
    p = wb.create_sheet("All posts")
    p.append(["Engagement metrics for individual posts. Post metrics are calculated by day of post creation and are "
              "lifetime metrics."])
    p.append(["Post title", "Post link", "Post type", "Campaign name", "Posted by", "Created date", "Campaign start date",
              "Campaign end date", "Audience", "Impressions", "Views (excluding off-site video views)", "Off-site views",
              "Clicks", "Click through rate (CTR)", "Likes", "Comments", "Reposts", "Follows", "Engagement rate",
              "Content Type"])
    for i, (text, day) in enumerate([("Wir brauen jetzt mit Ökostrom 🌿", (6, 3)),
                                     ("Stellenanzeige: Brauer*in (m/w/d)", (6, 5)),
                                     ("Rückblick Craft-Beer-Messe", (6, 28))]):
        urn = f"urn:li:activity:72100000000000000{i + 1:02d}"
        imp, clicks, likes = rng.randint(300, 9000), rng.randint(5, 300), rng.randint(3, 200)
        rate = round((clicks + likes + 2) / imp, 4)
        ex.post("linkedin", urn, when=berlin(2024, day[0], day[1], 0, 0), text=text, impressions=imp, likes=likes,
                clicks=clicks, engagement_rate=rate)
        created = datetime(2024, day[0], day[1]) if i == 2 else f"{day[0]:02d}/{day[1]:02d}/2024"  # a date cell too
        p.append([text, f"https://www.linkedin.com/feed/update/{urn}", "Organic", "", "Anna Kiesel",
                  created, "", "", "All followers", imp, "", "", clicks,
                  round(clicks / imp, 4), likes, 2, 0, 1, f"{rate * 100:.2f}%", "Image"])
    buf = io.BytesIO()
    wb.save(buf)
    ex.write("linkedin/elbkiesel_content_1719792000000.xlsx", buf.getvalue())


# --- YouTube Studio zip and comment threads --------------------------------------------------------

def youtube(ex: Export) -> None:
    vids = [("Yx3kP0aLq2Z", "Brauerei-Tour 2024 (4K)", berlin(2024, 5, 3, 17, 0), 612),
            ("-bR9tWq81Ks", "Wie schmeckt Hopfen? Blindverkostung", berlin(2024, 5, 17, 18, 30), 488),
            ("Qm7Zr2Lx0Vb", "Kellerbier richtig zapfen", berlin(2024, 5, 29, 7, 45), 205)]
    rows = [["Content", "Video title", "Video publish time", "Duration", "Views", "Watch time (hours)", "Subscribers",
             "Estimated revenue (USD)", "Impressions", "Impressions click-through rate (%)"]]
    body, total = [], 0
    for vid, title, when, dur in vids:
        views, wt, imp = rng.randint(300, 20000), round(rng.uniform(5, 900), 4), rng.randint(2000, 200000)
        total += views
        ex.post("youtube", vid, when=when, text=title, views=views, impressions=imp, watch_time_hours=wt)
        shown = (" " + vid) if vid.startswith("-") else vid  # Studio prefixes such ids with a space
        body.append([shown, title, wall(when, "%Y-%m-%d %H:%M:%S"), str(dur), str(views), str(wt), str(rng.randint(-2, 30)),
                     "0.00", str(imp), f"{rng.uniform(1, 9):.2f}"])
    rows.append(["Total", "", "", "", str(total), "", "", "", "", ""])
    rows += body
    totals = [["Date", "Views", "Watch time (hours)", "Subscribers"]]
    for d in range(1, 6):
        v = rng.randint(100, 4000)
        if d == 2:
            ex.truth["daily"][("youtube", "views", "2024-05-02")] = v
        totals.append([f"2024-05-{d:02d}", str(v), f"{v / 60:.4f}", str(rng.randint(-1, 5))])
    chart = [["Date", "Content", "Video title", "Video publish time", "Duration", "Views"]]
    for vid, title, when, dur in vids:
        chart.append(["2024-05-30", vid, title, wall(when, "%b %-d, %Y"), str(dur), "12"])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("Table data.csv", csv_text(rows))
        zf.writestr("Chart data.csv", csv_text(chart))
        zf.writestr("Totals.csv", csv_text(totals))
    ex.write("youtube/Content 2024-05-01_2024-05-31 Elbkiesel Brauerei.zip", buf.getvalue())
    june = [["Content", "Video title", "Video publish time", "Duration", "Views", "Watch time (hours)", "Subscribers",
             "Average view duration", "Likes", "Comments added"],
            ["Total", "", "", "", "900", "20.5", "3", "0:01:22", "40", "6"],
            ["Hx8mQ2nB4cD", "Sommerbier-Teaser", "Jun 7, 2024", "58", "900", "20.5", "3", "0:01:22", "40", "6"]]
    ex.post("youtube", "Hx8mQ2nB4cD", when=berlin(2024, 6, 7, 0, 0), text="Sommerbier-Teaser", views=900, likes=40,
            date_only=True)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("Table data.csv", csv_text(june))
    ex.write("youtube/Content 2024-06-01_2024-06-30 Elbkiesel Brauerei.zip", buf.getvalue())

    def c(cid, author, chan, text, when, likes, parent=None):
        s = {"channelId": "UCelbkiesel", "videoId": vids[0][0], "textDisplay": text.replace("'", "&#39;"),
             "textOriginal": text, "authorDisplayName": author, "authorProfileImageUrl": "https://yt3.example/x.jpg",
             "authorChannelUrl": f"http://www.youtube.com/{author}", "authorChannelId": {"value": chan}, "canRate": True,
             "viewerRating": "none", "likeCount": likes, "publishedAt": when, "updatedAt": when}
        if parent:
            s["parentId"] = parent
        return {"kind": "youtube#comment", "etag": "e", "id": cid, "snippet": s}
    threads = [("UgyK1", c("UgyK1", "@bierkenner", "UCa", "Wo kann man das kaufen?", "2024-05-04T10:00:00Z", 3),
                [c("UgyK1.r1", "@ElbkieselBrauerei", "UCelbkiesel", "Im Hofladen und online!", "2024-05-04T12:30:00Z", 1, "UgyK1")]),
               ("UgyK2", c("UgyK2", "@nordbier", "UCb", "Mega Video, danke 🙏", "2024-05-05T19:00:00Z", 0), []),
               ("UgyK3", c("UgyK3", "@hopfenfan", "UCc", "Leider zu kurz. Schade.", "2024-05-06T07:15:00Z", 0),
                [c("UgyK3.r1", "@ElbkieselBrauerei", "UCelbkiesel", "Teil 2 kommt bald!", "2024-05-06T09:00:00Z", 0, "UgyK3"),
                 c("UgyK3.r2", "@hopfenfan", "UCc", "Super, danke", "2024-05-06T09:30:00Z", 0, "UgyK3")])]
    page = {"kind": "youtube#commentThreadListResponse", "etag": "p", "pageInfo": {"totalResults": 3, "resultsPerPage": 20},
            "items": [{"kind": "youtube#commentThread", "etag": "t", "id": tid,
                       "snippet": {"channelId": "UCelbkiesel", "videoId": vids[0][0], "topLevelComment": top,
                                   "canReply": True, "totalReplyCount": len(reps), "isPublic": True},
                       **({"replies": {"comments": reps}} if reps else {})} for tid, top, reps in threads]}
    ex.write("youtube/commentThreads_Yx3kP0aLq2Z.json", json.dumps(page, indent=2, ensure_ascii=False).encode("utf-8"))
    ex.truth["comments"]["youtube"] = {"n": 6, "owner": {"UgyK1.r1", "UgyK3.r1"}}


# --- TikTok: Studio CSVs (year-less, across New Year) and the data JSON -----------------------------

def tiktok(ex: Export) -> None:
    days = [datetime(2024, 12, 28) + timedelta(days=i) for i in range(7)]  # Dec 28 .. Jan 3
    rows = [["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"]]
    for d in reversed(days):  # newest first
        v = rng.randint(100, 5000)
        ex.truth["daily"][("tiktok", "video_views", f"{d:%Y-%m-%d}")] = v
        rows.append([f"{d:%B} {d.day}", str(v), str(rng.randint(5, 90)), str(rng.randint(0, 300)), "1", "2"])
    ex.write("tiktok/tiktok_studio_download/Overview.csv", csv_text(rows, quoting=csv.QUOTE_ALL).encode("utf-8"))
    fol = [["Date", "Followers", "Difference in followers from previous day"]]
    n = 2400
    for i, d in enumerate(days):
        inc = rng.randint(0, 25)
        n += inc
        ex.truth["daily"][("tiktok", "followers", f"{d:%Y-%m-%d}")] = n
        fol.append([f"{d:%B} {d.day}", str(n), "undefined" if i == 0 else str(inc)])
    ex.write("tiktok/tiktok_studio_download/FollowerHistory.csv", csv_text(fol).encode("utf-8"))
    content = [["Video title", "Video link", "Post time", "Total likes", "Total comments", "Total shares", "Total views",
                "Total play time", "Average watch time", "Watched full video", "Add to favorites"]]
    for i, (title, when) in enumerate([("Silvester im Sudhaus 🎆", berlin(2024, 12, 31, 17, 0)),
                                       ("Neujahrs-Zwickel", berlin(2025, 1, 2, 12, 15))]):
        vid = f"74550000000000000{i + 1:02d}"
        views, likes = rng.randint(1000, 90000), rng.randint(10, 4000)
        ex.post("tiktok", vid, when=when, text=title, views=views, likes=likes)
        content.append([title, f"https://www.tiktok.com/@elbkiesel/video/{vid}", wall(when, "%Y-%m-%d %H:%M:%S"),
                        str(likes), "4", "2", str(views), "10h", "8.1s", "22%", "6"])
    ex.write("tiktok/tiktok_studio_download/content.csv", csv_text(content).encode("utf-8"))
    data = {"Post": {"Posts": {"VideoList": []}}, "Comment": {"Comments": {"CommentsList": []}},
            "Profile And Settings": {"Profile Info": {"ProfileMap": {"userName": "elbkiesel", "displayName": "Elbkiesel"}}}}
    for i, when in enumerate([utc(2024, 6, 1, 15, 0), utc(2024, 7, 4, 9, 30), utc(2024, 8, 8, 18, 0)]):
        vid = f"73800000000000000{i + 1:02d}"
        likes = rng.randint(0, 500)
        ex.post("tiktok", vid, when=when, likes=likes)
        data["Post"]["Posts"]["VideoList"].append({"Date": when.strftime("%Y-%m-%d %H:%M:%S"),
                                                   "Link": f"https://www.tiktokv.com/share/video/{vid}/",
                                                   "Likes": str(likes), "WhoCanView": "Everyone"})
    data["Comment"]["Comments"]["CommentsList"].append({"date": "2024-07-05 10:00:00", "comment": "Danke 🙏",
                                                        "photo": "N/A", "url": ""})
    ex.write("tiktok/user_data_tiktok.json", json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8"))


# --- Mastodon archive and a German tool's CSV -----------------------------------------------------

def mastodon(ex: Export) -> None:
    base = "https://norden.social/users/elbkiesel"
    items = []
    for i, (when, html, text) in enumerate([
            (utc(2024, 9, 2, 7, 0), "<p>Moin! Heute Tag der offenen Tür 🍺 <a href=\"https://norden.social/tags/Brauerei\" "
             "class=\"mention hashtag\" rel=\"tag\">#<span>Brauerei</span></a></p>", "Moin! Heute Tag der offenen Tür 🍺 #Brauerei"),
            (utc(2024, 9, 5, 15, 30), "<p>Neues Etikett &amp; neues Glas</p><p>Zweiter Absatz</p>",
             "Neues Etikett & neues Glas\n\nZweiter Absatz"),
            (utc(2024, 9, 9, 11, 0), "<p>Danke fürs Vorbeikommen!</p>", "Danke fürs Vorbeikommen!")]):
        sid = f"11305000000000000{i}"
        ex.post("mastodon", sid, when=when, text=text)
        items.append({"id": f"{base}/statuses/{sid}/activity", "type": "Create", "actor": base,
                      "published": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "to": ["https://www.w3.org/ns/activitystreams#Public"],
                      "cc": [f"{base}/followers"],
                      "object": {"id": f"{base}/statuses/{sid}", "type": "Note", "summary": None, "inReplyTo": None,
                                 "published": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "url": f"https://norden.social/@elbkiesel/{sid}",
                                 "attributedTo": base, "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": [],
                                 "sensitive": False, "atomUri": f"{base}/statuses/{sid}", "inReplyToAtomUri": None,
                                 "conversation": "tag:norden.social,2024:objectId=1:objectType=Conversation",
                                 "content": html, "contentMap": {"de": html}, "attachment": [], "tag": [],
                                 "replies": {"id": f"{base}/statuses/{sid}/replies", "type": "Collection"}}})
    items.append({"id": f"{base}/statuses/113050000000000099/activity", "type": "Announce", "actor": base,
                  "published": "2024-09-06T10:00:00Z", "to": ["https://www.w3.org/ns/activitystreams#Public"],
                  "cc": [], "object": "https://chaos.social/users/someone/statuses/1"})
    outbox = {"@context": "https://www.w3.org/ns/activitystreams", "id": "outbox.json", "type": "OrderedCollection",
              "totalItems": 3, "orderedItems": items}
    actor = {"@context": "https://www.w3.org/ns/activitystreams", "id": base, "type": "Person",
             "preferredUsername": "elbkiesel", "name": "Elbkiesel Brauerei", "outbox": "outbox.json",
             "likes": "likes.json", "bookmarks": "bookmarks.json"}
    likes = {"@context": "https://www.w3.org/ns/activitystreams", "id": "likes.json", "type": "OrderedCollection",
             "orderedItems": ["https://chaos.social/users/someone/statuses/2"]}
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for name, obj in (("actor.json", actor), ("outbox.json", outbox), ("likes.json", likes)):
            data = json.dumps(obj).encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), int(utc(2024, 9, 15, 8, 30).timestamp())
            tf.addfile(info, io.BytesIO(data))
    ex.write("mastodon/archive-20240915083000-4f2a9c1e7b3d5a6f8e0c2b4d6f8a0c1e.tar.gz", buf.getvalue())


def generic(ex: Export) -> None:
    rows = ["Plattform;Konto;Beitrags-ID;Veröffentlicht;Beitragstext;Reichweite;Gefällt mir;Kommentare"]
    for i, (when, text) in enumerate([(berlin(2024, 3, 30, 9, 0), "Wir suchen Verstärkung im Vertrieb"),
                                      (berlin(2024, 3, 31, 9, 0), "Elbkiesel auf der Internorga; Stand B12")]):
        reach, likes = rng.randint(1000, 20000), rng.randint(0, 90)
        pid = f"xg-{4711 + i}"
        ex.post("xing", pid, when=when, text=text, reach=reach, likes=likes)
        cell = f'"{text}"' if ";" in text else text
        rows.append(f"Xing;Elbkiesel Brauerei;{pid};{wall(when, '%d.%m.%Y %H:%M')};{cell};{de_int(reach)};{likes};0")
    ex.write("xing/beitraege_export.csv", ("\ufeff" + CRLF.join(rows) + CRLF).encode("utf-8"))


def build(root: Path) -> Export:
    ex = Export(root)
    for part in (fb_posts, ig_posts, meta_daily, fb_legacy, x_files, linkedin, youtube, tiktok, mastodon, generic):
        part(ex)
    return ex


# --- checks ----------------------------------------------------------------------------------------

class Checks:
    def __init__(self) -> None:
        self.results: list[tuple[str, bool, object, object]] = []

    def eq(self, name: str, got, expected) -> None:
        try:
            ok = bool(got == expected)
        except (TypeError, ValueError):
            ok = False
        if isinstance(expected, float) and isinstance(got, (int, float)) and not pd.isna(got):
            ok = abs(float(got) - expected) <= 1e-6 * max(1.0, abs(expected))
        self.results.append((name, ok, got, expected))

    def report(self) -> float:
        right = sum(ok for _, ok, _, _ in self.results)
        share = right / len(self.results)
        sys.stdout.write(f"spot checks right: {right}/{len(self.results)} = {share:.1%}\n")
        for name, ok, got, expected in self.results:
            if not ok:
                sys.stdout.write(f"  WRONG {name}: got {got!r}, expected {expected!r}\n")
        return share


def _value(frame: pd.DataFrame, platform: str, pid: str, col: str):
    row = frame[(frame["platform"] == platform) & (frame["post_id"] == pid)]
    if len(row) != 1 or col not in row.columns:
        return f"<{len(row)} rows>"
    v = row[col].iloc[0]
    return None if pd.isna(v) else (v.to_pydatetime() if isinstance(v, pd.Timestamp) else v)


def run_checks(ex: Export, ds) -> Checks:
    ck = Checks()
    posts, truth = ds.posts, ex.truth["posts"]
    rep = ds.load_report
    # the archive's profile file holds no posts or comments: listed as not an export, nothing else is
    ck.eq("every export recognised (only the archive's profile file is not one)",
          sorted(rep.loc[rep["format"] == "unrecognised", "file"].str.split("/").str[-1]), ["personal_information.json"])
    ck.eq("load report: read = loaded + duplicates + rejected",
          bool((rep.rows_read == rep.rows_loaded + rep.duplicates_dropped + rep.rows_rejected).all()), True)
    for platform in ("facebook", "instagram", "x", "linkedin", "youtube", "tiktok", "mastodon", "xing"):
        ck.eq(f"{platform}: number of posts", int((posts.platform == platform).sum()),
              sum(1 for p, _ in truth if p == platform))
    ck.eq("no post id in scientific notation", int(posts.post_id.str.contains(r"E\+", regex=True).sum()), 0)
    # Facebook, German Excel re-save of March 2024
    for pid, what in (("1029480000012345", "30.03. 18:00 Berlin (winter time)"),
                      ("1029480000023456", "31.03. 18:00 Berlin (summer time)"),
                      ("1029480000101234", "26.10. 18:00 Berlin (summer time)"),
                      ("1029480000112345", "27.10. 18:00 Berlin (winter time again)")):
        ck.eq(f"facebook {pid}: publish time in UTC, {what}", _value(posts, "facebook", pid, "published_at"),
              truth[("facebook", pid)]["when"])
    t = truth[("facebook", "1029480000012345")]
    for col in ("views", "reach", "likes", "comments", "shares"):
        ck.eq(f"facebook re-saved post (id from /posts/ link): {col}", _value(posts, "facebook", "1029480000012345", col), t[col])
    ck.eq("facebook re-saved video (id from /videos/ link): views",
          _value(posts, "facebook", "1029480000034567", "views"), truth[("facebook", "1029480000034567")]["views"])
    for pid, how in (("1029480000045678", "pfbid link, matched by permalink"),
                     ("1029480000056789", "no link, matched by time + text")):
        ck.eq(f"facebook {pid} ({how}): newest views win", _value(posts, "facebook", pid, "views"), truth[("facebook", pid)]["views"])
    ck.eq("facebook re-saved text with '?' for the emoji",
          _value(posts, "facebook", "1029480000023456", "text"), truth[("facebook", "1029480000023456")]["march_text"])
    # Instagram
    t = truth[("instagram", "17990000000000102")]
    ck.eq("instagram reel: views ('15,000'-style)", _value(posts, "instagram", "17990000000000102", "views"), t["views"])
    ck.eq("instagram reel: saves", _value(posts, "instagram", "17990000000000102", "saves"), t["saves"])
    ck.eq("instagram 01/01/2025 16:00 Berlin in UTC", _value(posts, "instagram", "17990000000000101", "published_at"),
          truth[("instagram", "17990000000000101")]["when"])
    ck.eq("instagram archive: repeated entries counted once",
          int(posts[(posts.platform == "instagram") & posts.post_id.str.startswith("1791")].shape[0]), 4)
    ck.eq("instagram archive: mojibake repaired", _value(posts, "instagram", "17910000000000000", "text"),
          "Neues Sudhaus eröffnet 🎉")
    ig_c = ds.comments[ds.comments.platform == "instagram"]
    ck.eq("instagram archive: repeated comment counted once", len(ig_c), len(ex.truth["comments"]["ig_dyi"]))
    ck.eq("instagram archive: comment text repaired", set(ig_c.text), ex.truth["comments"]["ig_dyi"])
    # daily files
    d = ds.daily
    for (platform, metric, day), v in ex.truth["daily"].items():
        got = d[(d.platform == platform) & (d.metric == metric) & (d.date == pd.Timestamp(day))]["value"]
        ck.eq(f"daily {platform} {metric} {day}", float(got.iloc[0]) if len(got) == 1 else f"<{len(got)} rows>", float(v))
    # legacy
    pid = "402211223344556_908070605040301"
    ck.eq("legacy post level: views = organic + paid (Total Count)", _value(posts, "facebook", pid, "views"), 540 + 65)
    ck.eq("legacy post level: reach", _value(posts, "facebook", pid, "reach"), truth[("facebook", pid)]["reach"])
    ck.eq("legacy post level: 2/12/2016 18:30 Berlin in UTC", _value(posts, "facebook", pid, "published_at"),
          truth[("facebook", pid)]["when"])
    # X
    dec = [k for k in truth if k[0] == "x" and truth[k]["when"].month == 12]
    tid = dec[0][1]
    ck.eq("x: impressions from the analytics CSV kept next to the archive",
          _value(posts, "x", tid, "impressions"), truth[("x", tid)]["impressions"])
    ck.eq("x: likes of the newer export (archive) win", _value(posts, "x", tid, "likes"), truth[("x", tid)]["likes"])
    ck.eq("x: '&amp;' unescaped", _value(posts, "x", tid, "text"), truth[("x", tid)]["text"])
    aug = [k for k in truth if k[0] == "x" and truth[k]["when"].month == 8][1]
    ck.eq("x content CSV: time of day from the snowflake", _value(posts, "x", aug[1], "published_at"),
          truth[aug]["when"].replace(microsecond=0) + timedelta(milliseconds=0))
    octo = [k for k in truth if k[0] == "x" and truth[k]["when"].month == 10]
    for k in octo:
        ck.eq(f"x re-saved content CSV, id cut to 15 digits: {k[1]} back from the link, time from it",
              (_value(posts, "x", k[1], "published_at"), _value(posts, "x", k[1], "impressions")),
              (truth[k]["when"], truth[k]["impressions"]))
    skipped = ds.rejected[(ds.rejected.kind == "skipped") & ds.rejected.reason.str.contains("retweet")]
    ck.eq("x archive: retweets skipped and counted", len(skipped), ex.truth["x_retweets"])
    reply = [k for k in truth if k[0] == "x" and truth[k].get("is_reply")][0]
    ck.eq("x archive: reply kept as a reply", _value(posts, "x", reply[1], "is_reply"), True)
    # LinkedIn
    urn = "urn:li:activity:7210000000000000002"
    ck.eq("linkedin: impressions", _value(posts, "linkedin", urn, "impressions"), truth[("linkedin", urn)]["impressions"])
    ck.eq("linkedin: engagement rate ('6.14%' -> 0.0614)", _value(posts, "linkedin", urn, "engagement_rate"),
          float(truth[("linkedin", urn)]["engagement_rate"]))
    ck.eq("linkedin: date only, midnight Berlin", _value(posts, "linkedin", urn, "published_at"), truth[("linkedin", urn)]["when"])
    urn3 = "urn:li:activity:7210000000000000003"
    ck.eq("linkedin: a created date stored as an Excel date", _value(posts, "linkedin", urn3, "published_at"),
          truth[("linkedin", urn3)]["when"])
    # YouTube
    ck.eq("youtube: id with a leading space trimmed", _value(posts, "youtube", "-bR9tWq81Ks", "views"),
          truth[("youtube", "-bR9tWq81Ks")]["views"])
    ck.eq("youtube: watch time", _value(posts, "youtube", "Yx3kP0aLq2Z", "watch_time_hours"),
          float(truth[("youtube", "Yx3kP0aLq2Z")]["watch_time_hours"]))
    ck.eq("youtube: publish time in UTC", _value(posts, "youtube", "Qm7Zr2Lx0Vb", "published_at"),
          truth[("youtube", "Qm7Zr2Lx0Vb")]["when"])
    ck.eq("youtube: 'Jun 7, 2024' is a date only (midnight Berlin)",
          (_value(posts, "youtube", "Hx8mQ2nB4cD", "published_at"), _value(posts, "youtube", "Hx8mQ2nB4cD", "date_only")),
          (truth[("youtube", "Hx8mQ2nB4cD")]["when"], True))
    ck.eq("youtube: likes", _value(posts, "youtube", "Hx8mQ2nB4cD", "likes"), 40)
    yc = ds.comments[ds.comments.platform == "youtube"]
    ck.eq("youtube: comments and replies", len(yc), ex.truth["comments"]["youtube"]["n"])
    ck.eq("youtube: the channel's replies are the owner's", set(yc[yc.is_owner].comment_id), ex.truth["comments"]["youtube"]["owner"])
    # TikTok
    vid = "7455000000000000002"
    ck.eq("tiktok content: views", _value(posts, "tiktok", vid, "views"), truth[("tiktok", vid)]["views"])
    ck.eq("tiktok content: publish time in UTC", _value(posts, "tiktok", vid, "published_at"), truth[("tiktok", vid)]["when"])
    ck.eq("tiktok data JSON: likes", _value(posts, "tiktok", "7380000000000000002", "likes"),
          truth[("tiktok", "7380000000000000002")]["likes"])
    # Mastodon, generic
    ck.eq("mastodon: boost skipped, HTML to text", _value(posts, "mastodon", "113050000000000001", "text"),
          truth[("mastodon", "113050000000000001")]["text"])
    ck.eq("german tool CSV: reach '12.345'", _value(posts, "xing", "xg-4712", "reach"), truth[("xing", "xg-4712")]["reach"])
    ck.eq("german tool CSV: 31.03.2024 09:00 Berlin in UTC", _value(posts, "xing", "xg-4712", "published_at"),
          truth[("xing", "xg-4712")]["when"])
    return ck


def stability_checks(ex: Export, ck: Checks, tmp: Path) -> None:
    """Derived ids are the same in a re-save with other row order and in a re-downloaded archive."""
    import toolkit as tk

    src = ex.root / "facebook" / "Mar-01-2024_Mar-31-2024_1184412.csv"
    lines = src.read_bytes().decode("cp1252").split(CRLF)
    records = list(csv.reader(io.StringIO(CRLF.join(lines), newline=""), delimiter=";"))
    head, body = records[0], [r for r in records[1:] if r]
    again = tmp / "resave-again" / "Mar-01-2024_Mar-31-2024_copy.csv"
    again.parent.mkdir(parents=True)
    again.write_bytes(csv_text([head] + body[::-1], delimiter=";", newline=CRLF).encode("cp1252", errors="replace"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            a = set(tk.load(src, tz="Europe/Berlin").posts.post_id)
            b = set(tk.load(again, tz="Europe/Berlin").posts.post_id)
        except Exception as exc:  # noqa: BLE001 - a file that does not load fails these checks
            a, b = {f"error: {exc}"[:80]}, set()
    ck.eq("derived keys of the re-save: the same in a second re-save (other order, other name)", a == b, True)
    ck.eq("derived keys: a link- and a key- key among them", sorted(x.split("-")[0] for x in a if "-" in x), ["key", "link"])
    zsrc = ex.root / "instagram" / "instagram-elbkiesel.brauerei-2024-01-05-Xy12Ab.zip"
    z2 = tmp / "redownload" / "instagram-elbkiesel.brauerei-2024-02-01-Qw98Er.zip"
    z2.parent.mkdir(parents=True)
    with zipfile.ZipFile(zsrc) as zin, zipfile.ZipFile(z2, "w") as zout:
        for name in zin.namelist():
            data = ex.truth["dyi_shuffled"].encode() if name.endswith("posts_1.json") else zin.read(name)
            zout.writestr(name.replace("your_instagram_activity/content", "your_instagram_activity/media"), data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        first, second = tk.load(zsrc), tk.load(z2)
    ck.eq("archive ids: the same after a re-download (other order, other folder, other name)",
          (set(first.posts.post_id), set(first.comments.comment_id)) == (set(second.posts.post_id), set(second.comments.comment_id)),
          True)


def _load(tk, root: Path):
    """``tk.load(root)``; if the folder does not load, the files that load on their own, together
    (so a toolkit without per-file isolation is measured on what it can read; checks on the rest fail)."""
    try:
        return tk.load(root, tz="Europe/Berlin", progress=False)
    except Exception as exc:  # noqa: BLE001 - any stop is a finding here
        sys.stdout.write(f"the folder did not load: {type(exc).__name__}: {str(exc)[:300]}\n")
    good, bad = [], []
    for f in sorted(p for p in root.rglob("*") if p.is_file()):
        try:
            tk.load(f, tz="Europe/Berlin", progress=False)
            good.append(f)
        except Exception as exc:  # noqa: BLE001
            bad.append(f)
            sys.stdout.write(f"  cannot load {f.relative_to(root)}: {type(exc).__name__}: {str(exc)[:200]}\n")
    sys.stdout.write(f"loading the {len(good)} file(s) that load on their own ({len(bad)} do not)\n")
    return tk.load(good, tz="Europe/Berlin", progress=False)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", type=Path, help="write the folder here (and keep it) instead of a temporary one")
    ap.add_argument("--no-report", action="store_true", help="skip timing `python -m toolkit report`")
    args = ap.parse_args(argv)
    import toolkit as tk

    with tempfile.TemporaryDirectory(prefix="unseen-") as tmpname:
        tmp = Path(tmpname)
        root = args.keep or tmp / "Elbkiesel exports"
        ex = build(root)
        sys.stdout.write(f"wrote {len(ex.files)} exports to {root}\n")
        t0 = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ds = _load(tk, root)
        load_s = time.perf_counter() - t0
        sys.stdout.write(f"load: {load_s:.2f} s; {ds!r}; {len(caught)} warning(s)\n")
        for w in caught:
            sys.stdout.write(f"  warning: {w.message}\n")
        ck = run_checks(ex, ds)
        stability_checks(ex, ck, tmp)
        ck.report()
        if not args.no_report:
            out = tmp / "report"
            t0 = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "toolkit", "report", str(root), "--tz", "Europe/Berlin",
                                   "--out", str(out)], capture_output=True, text=True,
                                  env={**os.environ, "PYTHONWARNINGS": "ignore"})
            report_s = time.perf_counter() - t0
            pages = sorted(p.name for p in out.glob("*.html")) if out.exists() else []
            sys.stdout.write(f"report: exit code {proc.returncode}, {len(pages)} page(s) in {report_s:.1f} s\n")
            if proc.returncode:
                sys.stdout.write(proc.stderr[-2000:] + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
