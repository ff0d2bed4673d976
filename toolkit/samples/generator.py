"""The sample generator: posts, comments and daily metrics of the fictional "Bergkaffee", with the
planted effects recorded in ``TRUTH.json`` (see :mod:`toolkit.samples`).

:func:`generate` builds the canonical tables in memory; :func:`write` writes them the way each
platform exports them (the format writers in ``toolkit/samples/_exporters/``), plus the
``toolkit-*.csv`` supplements, ``TRUTH.json`` and ``README.md``.
"""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from .._time import WEEKDAY_ABBR
from ..errors import InputFileError, ParameterError
from ..schema import TABLES, COMMENTS, DAILY, POSTS
from . import _web

__all__ = [
    "SampleData",
    "generate",
    "write",
    "main",
    "SEED",
    "PLATFORMS",
    "ACCOUNTS",
    "TIMEZONE",
]

#: Default seed of the committed samples.
SEED = 20261126
#: Time zone of the fictional brand; every planted clock-time effect is in this zone.
TIMEZONE = "Europe/Berlin"
#: Platforms in the order they are generated and written.
PLATFORMS = ("facebook", "instagram", "x", "linkedin", "youtube", "tiktok", "mastodon")
#: The brand's account on each platform.
ACCOUNTS = {
    "facebook": "Bergkaffee Rösterei",
    "instagram": "bergkaffee",
    "x": "bergkaffee",
    "linkedin": "Bergkaffee GmbH",
    "youtube": "Bergkaffee",
    "tiktok": "bergkaffee",
    "mastodon": "bergkaffee@mastodon.social",
}

_PERIOD_START = "2026-03-01"
_PERIOD_END = "2026-08-31"
_EXPORT_DATE = "2026-09-03"
_TZ = ZoneInfo(TIMEZONE)
_X_EPOCH_MS = 1288834974657
_FB_PAGE_ID = "104729385561274"

# ---------------------------------------------------------------------------------------------
# Planted parameters (the truth). Everything in TRUTH.json is derived from these or measured on
# the generated tables.
# ---------------------------------------------------------------------------------------------
_N_POSTS = {"facebook": 150, "instagram": 170, "x": 250, "linkedin": 110, "youtube": 72,
            "tiktok": 125, "mastodon": 110}
# weekday 0 = Monday; hours = [start, end) local clock time
_BEST_WINDOWS = {
    "facebook": ([5, 6], [9, 12], 1.8),
    "instagram": ([2, 3], [18, 21], 1.8),
    "x": ([0, 1], [7, 10], 1.7),
    "linkedin": ([1, 2], [8, 11], 2.0),
    "youtube": ([4, 5], [17, 20], 2.2),
    "tiktok": ([3, 4], [19, 22], 1.9),
    "mastodon": ([0, 3], [12, 15], 1.7),
}
_WINDOW_SHARE = 0.27          # share of posts scheduled inside the window
_HASHTAG = ("röstfrisch", "#Röstfrisch", 1.5)
_HASHTAG_SHARE = 0.22
_MEDIA_EFFECTS = {("instagram", "reel"): 1.8, ("linkedin", "video"): 0.6}
_CHANNEL_FIT = {"linkedin": 1.6, "x": 0.6, "facebook": 1.0}
_N_GROUPS = 25
_LINK_PREFIX = "https://bergkaffee.de/"
_VIRAL = (("instagram", 24.0), ("tiktok", 18.0), ("x", 12.0), ("facebook", 15.0),
          ("youtube", 13.0))
_TRAP = {"platform": "tiktok", "weekdays": [6], "hours": [12, 15], "from": "2026-07-20",
         "share": 0.22}
_ANGRY = {"platform": "facebook", "post_local": (2026, 6, 10, 10, 12), "start": "2026-06-10",
          "end": "2026-06-12", "topic": "Lieferverzögerung", "on_post": 380, "elsewhere": 170}
# planted brand-reply behaviour: share of top-level user comments answered, median delay (min)
_RESPONSE = {"facebook": (0.70, 95), "instagram": (0.60, 120), "x": (0.40, 45),
             "linkedin": (0.50, 240), "youtube": (0.35, 480), "tiktok": (0.25, 180),
             "mastodon": (0.55, 150)}
_DELAY_FACTOR = 0.55         # raw reply delay median = planted median x this, before office hours
_OFFICE_SHARE = 0.75         # replies that would fall outside office hours wait for them
_GROWTH_SHAPE = {"tiktok": 2.0}   # > 1: growth accelerates late in the period
_GROWTH = {"facebook": (8200, 8900), "instagram": (12000, 17500), "x": (5400, 6100),
           "linkedin": (2100, 3400), "youtube": (1500, 2300), "tiktok": (4000, 22000),
           "mastodon": (900, 1400)}
# reported metrics per platform (the others stay <NA>)
_REPORTED = {
    "x": ("impressions", "likes", "comments", "shares", "clicks", "engagements"),
    "instagram": ("views", "reach", "likes", "comments", "shares", "saves"),
    "facebook": ("views", "reach", "likes", "comments", "shares", "clicks"),
    "linkedin": ("impressions", "clicks", "likes", "comments", "shares"),
    "youtube": ("views", "impressions", "likes", "comments", "shares"),
    "tiktok": ("views", "likes", "comments", "shares", "saves"),
    "mastodon": ("likes", "shares", "comments"),
}
_INTERACTIONS = ("likes", "comments", "shares", "saves", "clicks", "engagements")
# baseline latent audience per post at the start of the period, and interaction means at it
_BASE_AUDIENCE = {"facebook": 2600, "instagram": 3800, "x": 2400, "linkedin": 1400,
                  "youtube": 900, "tiktok": 3500, "mastodon": 600}
_BASE_MEANS = {
    "facebook": {"likes": 60, "comments": 7.5, "shares": 6, "clicks": 40},
    "instagram": {"likes": 220, "comments": 7.0, "shares": 10, "saves": 18},
    "x": {"likes": 18, "comments": 3.2, "shares": 4, "clicks": 25},
    "linkedin": {"likes": 28, "comments": 3.8, "shares": 3, "clicks": 30},
    "youtube": {"likes": 40, "comments": 14.1, "shares": 5},
    "tiktok": {"likes": 180, "comments": 4.2, "shares": 12, "saves": 15},
    "mastodon": {"likes": 14, "comments": 2.6, "shares": 6},
}
_MEDIA_WEIGHTS = {
    "facebook": {"photo": 0.45, "video": 0.15, "reel": 0.15, "link": 0.15, "text": 0.10},
    "instagram": {"photo": 0.35, "carousel": 0.30, "reel": 0.35},
    "x": {"text": 0.45, "photo": 0.30, "video": 0.10, "link": 0.15},
    "linkedin": {"text": 0.25, "photo": 0.30, "video": 0.25, "document": 0.10, "link": 0.10},
    "youtube": {"video": 0.55, "short": 0.45},
    "tiktok": {"video": 1.0},
    "mastodon": {"text": 0.50, "photo": 0.35, "link": 0.15},
}
_HOURS = list(range(7, 23))
_HOUR_PROFILE = {
    "default": [2, 4, 5, 5, 5, 6, 5, 4, 4, 4, 5, 6, 6, 5, 3, 1],
    "linkedin": [4, 7, 7, 6, 5, 5, 4, 4, 3, 3, 2, 2, 1, 1, 1, 1],
    "tiktok": [1, 2, 2, 2, 3, 4, 4, 4, 4, 5, 6, 7, 7, 7, 6, 3],
    "youtube": [1, 1, 2, 3, 3, 4, 5, 5, 5, 5, 5, 5, 5, 4, 3, 1],
}
_WEEKDAY_PROFILE = {"default": [1, 1, 1, 1, 1, 0.8, 0.7], "linkedin": [1, 1, 1, 1, 0.9, 0.15, 0.1]}
_COMMENT_LIKES = {"facebook": 1.2, "instagram": 2.0, "x": 0.8, "linkedin": 0.9, "youtube": 1.5,
                  "tiktok": 3.0, "mastodon": None}
_N_MEMBERS = 3000

# ---------------------------------------------------------------------------------------------
# Vocabulary. Lists (never sets) so that every draw is reproducible.
# ---------------------------------------------------------------------------------------------
_PRODUCTS = ["Espresso Bergblick", "Hausmischung Gipfelglück", "Filterkaffee Almrausch",
             "Cold Brew Gletscherbach", "Decaf Talruhe", "Huila Single Origin",
             "Yirgacheffe Hochland", "Santos Crema", "Sommerröstung Sonnenhang",
             "Espresso Nachtschicht", "Frühstücksröstung Morgenrot", "Sidamo Natural"]
_CITIES = ["München", "Rosenheim", "Augsburg", "Salzburg", "Innsbruck", "Kempten", "Berlin",
           "Köln", "Hamburg", "Nürnberg", "Zürich", "Wien"]
_EMOJI = ["☕", "😍", "❤️", "👍🏽", "🙌", "🔥", "😊", "👌", "✨", "🥰", "💛", "🤎", "👨‍👩‍👧", "🇩🇪",
          "😋", "🫶", "👏🏻"]
_FIRST = ["Anna", "Lukas", "Sophie", "Jonas", "Marie", "Felix", "Laura", "Paul", "Lena", "Maximilian",
          "Julia", "Tobias", "Katharina", "Simon", "Hannah", "Florian", "Sarah", "Moritz", "Lea",
          "Benedikt", "Emma", "David", "Clara", "Niklas", "Johanna", "Sebastian", "Theresa",
          "Matthias", "Franziska", "Andreas", "Emily", "James", "Olivia", "Liam", "Chloe", "Noah",
          "Grace", "Ethan", "Mia", "Oliver", "Ayşe", "Mehmet", "Zoë", "Jörg", "Bärbel", "Jürgen",
          "Günther", "Renée", "Luca", "Giulia", "Mateo", "Sofía", "Piotr", "Agnieszka", "Ingrid",
          "Björn", "Sven", "Ole", "Fatima", "Yusuf"]
_LAST = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
         "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
         "Schwarz", "Braun", "Hofmann", "Zimmermann", "Krüger", "Hartmann", "Lange", "Werner",
         "Krause", "Lehmann", "Huber", "Maier", "Gruber", "Brandl", "Smith", "Jones", "Taylor",
         "Brown", "Wilson", "Evans", "Walsh", "Murphy", "Yılmaz", "Kaya", "Rossi", "Bianchi",
         "García", "Nowak", "Kowalski", "Jensen", "Larsen", "Öztürk", "Weiß", "Groß",
         "Fuchs", "Bauer", "Winkler", "Lorenz", "Baumann", "Haas", "Sommer", "Vogel", "Roth",
         "Stein"]
_MASTODON_HOSTS = ["mastodon.social", "chaos.social", "norden.social", "troet.cafe",
                   "muenchen.social", "fosstodon.org"]
_PARTNERS = ["@espressoschule_muc", "@kaffeefarm_huila", "@almhuette_sonnenhang",
             "@baeckerei_brandl", "@radlkurier_muenchen", "@milchhof_oberland"]
_TAGS_DE = ["#Kaffeepause", "#Frühstück", "#Kaffee", "#Straßenfest", "#Nachhaltigkeit",
            "#Kaffeeliebe", "#Rösterei", "#Bergkaffee", "#FairTrade", "#Genussmoment"]
_TAGS_EN = ["#SpecialtyCoffee", "#CoffeeLover", "#Barista", "#Espresso", "#LatteArt",
            "#CoffeeTime", "#Bergkaffee", "#FairTrade", "#Kaffeepause"]

_POST_THEMES_DE = [
    ["Neu in der Rösterei: {product} ☕", "Noten von {note} und {note2}, {adj}.",
     "Ab heute im Shop: {shop}"],
    ["Frisch aus dem Röster: {product}!", "Wir haben {days} Tage an diesem Profil gefeilt. {emoji}",
     "Probiert ihn und sagt uns, wie er euch schmeckt."],
    ["Brühtipp der Woche 💡", "{tip}", "Mehr Tipps: {shop}"],
    ["Hinter den Kulissen: So entsteht euer {product}.", "Von der Bohne bis zur Tasse in {days} Schritten.",
     "Danke an {partner} für die Zusammenarbeit {emoji}"],
    ["Wir sind beim Straßenfest in {city}! 🎉", "Kommt vorbei, es gibt {product} zum Probieren.",
     "Samstag ab 10 Uhr, Stand 14."],
    ["Gewinnspiel 🎁", "Wir verlosen 3 x 1 kg {product}.",
     "Kommentiert, mit wem ihr euren nächsten Kaffee trinken wollt.", "Teilnahme ab 18, Ende Sonntag 20 Uhr."],
    ["Nachhaltigkeit ist für uns kein Schlagwort.",
     "Seit {days} Jahren kaufen wir direkt bei {partner} ein.", "{adj} und fair. {emoji}"],
    ["Guten Morgen aus {city}! {emoji}", "Heute in der Tasse: {product}.", "Was trinkt ihr heute?"],
    ["Montag, {days}. Kilo heute geröstet.", "Das Team gibt Vollgas {emoji}"],
    ["Unsere Baristas erklären: Warum ist frisch gerösteter Kaffee besser?",
     "Kurz gesagt: Aroma. Mehr im Video. {emoji}"],
]
_POST_THEMES_EN = [
    ["New roast alert: {product} ☕", "Notes of {note_en} and {note2_en}.",
     "Available now: {shop}"],
    ["Brew tip of the week 💡", "{tip_en}", "More tips: {shop}"],
    ["Behind the scenes at our roastery in {city}. {emoji}",
     "Every batch is cupped before it leaves the house."],
    ["Meet us at the street festival in {city}! 🎉", "Free tastings of {product} all day."],
    ["Giveaway 🎁", "We're giving away 3 x 1 kg of {product}.",
     "Tag the friend you'd share it with. Ends Sunday 8 pm."],
    ["Direct trade, fair prices, great coffee.",
     "We've been working with {partner} for {days} years. {emoji}"],
    ["Good morning from {city}! {emoji}", "In our cups today: {product}.", "What are you drinking?"],
    ["Why fresh roasted coffee tastes better: a thread 🧵",
     "1/ Aroma compounds fade within weeks. 2/ Grind right before brewing."],
]
_TIPS_DE = ["Für die French Press: grob mahlen, 4 Minuten ziehen lassen.",
            "Wasser nicht kochen lassen, 92 bis 96 °C sind ideal.",
            "Bohnen luftdicht, dunkel und kühl lagern, aber nicht im Kühlschrank.",
            "1:16 ist ein gutes Verhältnis für Filterkaffee: 60 g auf einen Liter.",
            "Espresso: 18 g rein, 36 g raus, 25 bis 30 Sekunden."]
_TIPS_EN = ["French press: coarse grind, steep for 4 minutes.",
            "Don't use boiling water: 92 to 96 °C is ideal.",
            "Store beans airtight, dark and cool, but not in the fridge.",
            "Try a 1:16 ratio for filter coffee: 60 g per litre."]
_NOTES_DE = ["Schokolade", "Haselnuss", "Karamell", "Beeren", "Zitrus", "Marzipan", "Honig",
             "Pflaume", "Jasmin", "Kakao"]
_NOTES_EN = ["chocolate", "hazelnut", "caramel", "berries", "citrus", "marzipan", "honey",
             "plum", "jasmine", "cocoa"]
_ADJ_DE = ["richtig lecker", "so aromatisch", "schön schokoladig", "wunderbar mild",
           "herrlich nussig", "kräftig, aber nicht bitter", "fruchtig und frisch", "unglaublich rund",
           "samtig weich", "genau mein Ding"]
_ADJ_EN = ["so smooth", "really rich", "perfectly balanced", "super fruity", "nutty and sweet",
           "bold but not bitter", "just lovely"]
_MOMENTS_DE = ["Kaffeepause", "Frühschicht", "Sonntagsfrühstück", "Mittagspause", "Homeoffice-Tage",
               "Wanderung", "Nachtschicht"]

_SHORT_POS_DE = ["Toll! 😍", "Lecker ☕", "Mega 👍🏽", "Sieht super aus!", "Will ich haben 😍",
                 "Jaaa ❤️", "Hammer!", "Mmmh ☕☕", "Wie immer top 👌", "Schön 🙌", "😍😍😍", "❤️",
                 "Bester Kaffee!", "Großartig 🔥", "Freu mich drauf!"]
_SHORT_POS_EN = ["Love it ❤️", "Looks amazing!", "Yum ☕", "Great shot 📸", "So good 😍",
                 "Need this!", "🔥🔥", "Perfect 👍🏽", "Beautiful ❤️", "Wow!", "Best coffee ever",
                 "Can't wait 🙌"]
_POS_OPEN_DE = ["Habe gestern den {product} probiert", "Unser neuer Lieblingskaffee ist der {product}",
                "Der {product} ist einfach", "Heute früh mit dem {product} gestartet",
                "Seit Wochen trinke ich nur noch {product}", "Endlich wieder {product} im Haus",
                "Mein Mann schwört auf den {product}", "Zum Geburtstag gab es den {product}",
                "Wir haben den {product} im Büro", "Meine Oma ist jetzt auch Fan vom {product}"]
_POS_MID_DE = [" und er ist {adj}.", ", {adj}!", ". Schmeckt nach {note} und {note2}.",
               ", perfekt für die {moment}.", ", und alle sind begeistert.",
               ". Mit Hafermilch ein Traum."]
_POS_END_DE = ["", " {emoji}", " Danke euch!", " Weiter so! {emoji}", " Bestelle sicher wieder.",
               " Klare Empfehlung {emoji}", " Die ganze Familie ist Fan 👨‍👩‍👧",
               "\nLiebe Grüße aus {city}"]
_POS_OPEN_EN = ["Tried the {product} yesterday", "The {product} is my new favourite",
                "Started the day with {product}", "Been drinking {product} for weeks now",
                "Got the {product} as a gift", "Our office is hooked on the {product}"]
_POS_MID_EN = [" and it's {adj_en}.", ", {adj_en}!", ". Tastes like {note_en} and {note2_en}.",
               ", perfect with oat milk.", " and everyone loves it."]
_POS_END_EN = ["", " {emoji}", " Thank you!", " Keep it up {emoji}", " Will order again.",
               " Highly recommend {emoji}", " Greetings from {city}!"]
_QUESTIONS_DE = ["Wann gibt es den {product} wieder?", "Habt ihr auch entkoffeinierten Kaffee?",
                 "Gibt es den {product} auch als ganze Bohne?", "Liefert ihr auch in die Schweiz?",
                 "Ist die Verpackung recyclebar?", "Welcher Mahlgrad passt für die French Press?",
                 "Kann man bei euch auch vor Ort kaufen?", "Habt ihr ein Abo für den {product}?",
                 "Wie lange hält der Kaffee nach dem Öffnen?", "Gibt es den Cold Brew auch in Flaschen?",
                 "Seid ihr beim Straßenfest in {city} dabei?", "Wo bekomme ich den {product} in {city}?",
                 "Macht ihr auch Führungen durch die Rösterei?",
                 "Ist der {product} eher hell oder dunkel geröstet?", "Gibt es Gutscheine?"]
_QUESTIONS_EN = ["Is it vegan?", "Do you ship to Austria?", "When will the {product} be back in stock?",
                 "Is the packaging compostable?", "Which grind size for an AeroPress?",
                 "Do you have a subscription?", "Is this fair trade?", "Any decaf options?",
                 "How much caffeine is in the {product}?", "Can I visit the roastery in {city}?",
                 "Do you deliver to the UK?", "Is the {product} good for espresso?"]
_Q_PREFIX_DE = ["", "", "Hallo! ", "Kurze Frage: ", "Hi, ", "Liebes Bergkaffee-Team, "]
_Q_PREFIX_EN = ["", "", "Hi! ", "Quick question: ", "Hey team, "]
_Q_SUFFIX = ["", "", " 🙏", " ☕", "\nDanke!"]
_NEUTRAL_DE = ["Ich trinke meinen Kaffee immer schwarz.", "Bei uns gibt es heute Filterkaffee.",
               "@{friend} schau mal, das ist der aus {city}.", "@{friend} den müssen wir probieren!",
               "Erinnert mich an den Urlaub in Italien.", "Gerade bestellt.", "Ich bleibe bei Tee 😅",
               "Wir waren letztes Jahr beim Straßenfest, war schön.",
               "Mit Hafermilch schmeckt er auch gut.", "Mahle immer frisch, macht den Unterschied.",
               "@{friend} für dich", "Interessant.", "Kenne ich noch nicht.",
               "Mein Siebträger läuft seit 10 Jahren."]
_NEUTRAL_EN = ["@{friend} we should try this", "Just ordered.", "I'm more of a tea person 😅",
               "Oat milk works well with this one.", "Saw you at the market in {city} last week.",
               "Reminds me of my trip to Colombia.", "@{friend} look", "Interesting.",
               "Never tried it."]
_NEG_DE = ["Leider war die letzte Packung etwas zu bitter.", "Mir ist der Preis inzwischen zu hoch.",
           "Die neue Verpackung gefällt mir nicht.", "Hat mir nicht geschmeckt, zu sauer.",
           "Schade, der {product} ist schon wieder ausverkauft.", "Früher war er besser."]
_NEG_EN = ["Too expensive for me.", "Not a fan of the new blend.", "Mine arrived a bit stale, sadly.",
           "Tasted burnt to me.", "Used to be better."]
_ANGRY_A_DE = ["Frechheit!", "Unverschämt!", "Was für ein Saftladen.", "Ich bin so enttäuscht 😡",
               "Echt enttäuschend.", "Katastrophe.", "Sorry, aber das geht gar nicht."]
_ANGRY_B_DE = ["Seit {n} Tagen warte ich auf meine Bestellung.",
               "Lieferverzögerung und keiner sagt vorher Bescheid.", "Keine Antwort auf meine Mails.",
               "Geld abgebucht, aber kein Kaffee da.",
               "Bestellung {order} ist immer noch nicht verschickt.",
               "Die Lieferverzögerung ist das eine, die Funkstille das andere.",
               "Ich warte jetzt schon {n} Tage auf mein Abo-Paket."]
_ANGRY_C_DE = ["Nie wieder! 😡", "Ich storniere.", "So verliert man Stammkunden.", "🤬",
               "Ganz schwach.", "", "Ich bin raus 😡", "Wo bleibt meine Bestellung?",
               "Wann kommt endlich mein Paket?"]
_ANGRY_A_EN = ["Unacceptable.", "What a joke.", "Seriously disappointed 😡", "Terrible service."]
_ANGRY_B_EN = ["Ordered {n} days ago, still nothing.", "No updates, no replies to my emails.",
               "Charged my card and no coffee.", "The delay is one thing, the silence is worse."]
_ANGRY_C_EN = ["Never again 😡", "Cancelling my subscription.", "Shame on you.", "", "🤬",
               "Where is my order?"]
_REPLY_USER_DE = ["Stimmt!", "Genau so 😂", "@{parent} haha ja", "Sehe ich auch so.",
                  "Kann ich nur bestätigen 👍🏽", "@{parent} unbedingt!", "Dito ☕", "Absolut."]
_REPLY_USER_EN = ["Same here!", "Agree 👍🏽", "Totally!", "@{parent} you have to try it",
                  "This ☝️", "@{parent} haha yes"]
_REPLY_ANGRY_DE = ["Bei mir auch 😡", "Geht mir genauso.", "Same, warte auch noch.",
                   "@{parent} ich auch, seit einer Woche."]
_REPLY_ANGRY_EN = ["Same, still waiting 😡", "Same here, nothing yet.", "@{parent} me too."]
_BRAND_POS_DE = ["Danke dir, {first}! ❤️", "Das freut uns riesig ☕", "Wie schön, danke für das Feedback!",
                 "Danke! Genieß ihn 😊", "Danke {first}, das geben wir an das Röstteam weiter 🙌"]
_BRAND_POS_EN = ["Thank you, {first}! ❤️", "So glad you like it ☕", "Thanks for the kind words!",
                 "Enjoy! 😊"]
_BRAND_Q_DE = ["Hallo {first}, ja, ab nächster Woche wieder im Shop!",
               "Hi {first}, schreib uns gern eine DM, dann helfen wir dir weiter.",
               "Ja, wir liefern nach Deutschland, Österreich und in die Schweiz.",
               "Für die French Press empfehlen wir einen groben Mahlgrad.",
               "Ja, unsere Verpackung ist recyclebar ♻️", "Gute Frage! Die Antwort steht hier: {shop}"]
_BRAND_Q_EN = ["Hi {first}, yes, it's back next week!", "Send us a DM and we'll help you out.",
               "Yes, we ship across the EU.", "We recommend a medium-fine grind for that.",
               "Good question! All details here: {shop}"]
_BRAND_NEG_DE = ["Das tut uns leid, {first}! Schreib uns bitte eine DM mit deiner Bestellnummer.",
                 "Sorry! Wir kümmern uns sofort darum.",
                 "Entschuldige bitte die Verzögerung, {first}. Wir melden uns heute noch per Mail."]
_BRAND_NEG_EN = ["We're so sorry, {first}! Please DM us your order number.",
                 "Apologies for the delay, we're on it.", "Sorry about that! We'll email you today."]
_NEUTRAL_BRAND_DE = ["Danke für deinen Kommentar, {first}!", "☕🙌"]
_NEUTRAL_BRAND_EN = ["Thanks for your comment, {first}!", "☕🙌"]
_UNTRUSTED = ["<script>alert(1)</script> Gewinnspiel!!!", "<b>Bester Kaffee</b> 😍",
              '=HYPERLINK("https://bergkaffee-gewinn.example/","Gratis Kaffee")',
              "+49 170 0000000 ruft mich an wegen Großbestellung",
              "<img src=x onerror=alert(1)> Kaffee!", "-- bester Kaffee der Stadt --"]
_GROUP_TOPICS = [("Wie wir unsere Röstprofile entwickeln", "How we develop our roast profiles", "roestprofile"),
                 ("Unser Nachhaltigkeitsbericht 2026", "Our 2026 sustainability report", "nachhaltigkeit-2026"),
                 ("Wir suchen eine:n Röstmeister:in", "We're hiring a head roaster", "jobs-roestmeister"),
                 ("Besuch bei unseren Partnern in Huila", "Visiting our partners in Huila", "reise-huila"),
                 ("Warum wir auf Direkthandel setzen", "Why we choose direct trade", "direkthandel"),
                 ("Neue Rösterei in Rosenheim", "Our new roastery in Rosenheim", "rosenheim"),
                 ("Kaffee und Klima: was sich ändert", "Coffee and climate: what is changing", "klima"),
                 ("Ausbildung bei Bergkaffee", "Apprenticeships at Bergkaffee", "ausbildung"),
                 ("So testen wir jede Charge", "How we test every batch", "qualitaet"),
                 ("Der Weg einer Bohne", "The journey of a bean", "weg-der-bohne"),
                 ("Unsere Verpackung wird kompostierbar", "Our packaging goes compostable", "verpackung"),
                 ("10 Jahre Bergkaffee", "10 years of Bergkaffee", "zehn-jahre"),
                 ("Wasserqualität und Geschmack", "Water quality and taste", "wasser"),
                 ("Zu Gast bei der Espressoschule", "Guest day at the espresso school", "espressoschule"),
                 ("Preise 2026: transparent erklärt", "2026 prices, explained", "preise-2026"),
                 ("Frauen im Kaffeeanbau", "Women in coffee farming", "frauen-im-anbau"),
                 ("Unser Team wächst", "Our team is growing", "team"),
                 ("Kaffee-Abo: was sich ändert", "Coffee subscription: what's new", "abo"),
                 ("Röstgrad einfach erklärt", "Roast levels explained", "roestgrad"),
                 ("Strom aus der eigenen Solaranlage", "Powered by our own solar panels", "solar"),
                 ("Gemeinsam mit der Bäckerei Brandl", "Together with Bäckerei Brandl", "brandl"),
                 ("Lieferkette transparent gemacht", "Our supply chain, transparent", "lieferkette"),
                 ("Herbstsorten im Ausblick", "A look at our autumn coffees", "herbst"),
                 ("Was ist Specialty Coffee?", "What is specialty coffee?", "specialty"),
                 ("Weiterbildung für Baristas", "Training for baristas", "barista-training"),
                 ("Unser Kundenservice stellt sich vor", "Meet our customer service team", "service"),
                 ("Regional rösten, global denken", "Roast local, think global", "regional"),
                 ("Kaffeereste als Dünger", "Coffee grounds as fertiliser", "duenger"),
                 ("Ein Tag in der Rösterei", "A day at the roastery", "ein-tag"),
                 ("Neue Partnerschaft mit der Alm", "New partnership with the alpine hut", "alm")]


@dataclass
class SampleData:
    """The generated sample data: three canonical tables, the planted truth and hidden labels.

    Attributes
    ----------
    posts : pandas.DataFrame
        Canonical posts table (one row per post), see :data:`toolkit.schema.POSTS`.
    comments : pandas.DataFrame
        Canonical comments table (one row per comment or reply), see :data:`toolkit.schema.COMMENTS`.
    daily : pandas.DataFrame
        Canonical daily table (one row per platform, account, date and metric).
    truth : dict
        What was planted and what it measures as in these tables; written as ``TRUTH.json``.
    post_labels : pandas.DataFrame
        One row per post: platform, post_id, lang ("de"/"en"), in_window, has_hashtag, is_viral,
        is_trap, group (cross-post group number or <NA>), multiplier (product of planted effects).
        Not written to disk; for tests of the generator itself.
    web : dict
        ``visits`` (one row per day, network, source, medium and campaign: true visits, bounces,
        conversions, revenue and what GA4 sees of them) and ``chat`` (the WhatsApp community chat's
        messages) behind the web-analytics and chat samples (see ``toolkit/samples/_web.py``).
    comment_labels : pandas.DataFrame
        One row per comment: platform, comment_id, lang, kind ("positive", "neutral", "question",
        "negative", "angry", "reply", "brand", "untrusted") and sentiment ("positive",
        "neutral", "negative"). Not written to disk.
    """

    posts: pd.DataFrame
    comments: pd.DataFrame
    daily: pd.DataFrame
    truth: dict
    post_labels: pd.DataFrame = field(repr=False)
    comment_labels: pd.DataFrame = field(repr=False)
    web: dict = field(repr=False, default_factory=dict)


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------
def _pick(rng: np.random.Generator, items):
    return items[int(rng.integers(len(items)))]


def _local_ts(y: int, mo: int, d: int, h: int, mi: int, s: int = 0) -> int:
    """Unix seconds of a Europe/Berlin local wall-clock time."""
    return int(datetime(y, mo, d, h, mi, s, tzinfo=_TZ).timestamp())


def _local(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, _TZ)


def _days() -> list:
    start = datetime.strptime(_PERIOD_START, "%Y-%m-%d").date()
    end = datetime.strptime(_PERIOD_END, "%Y-%m-%d").date()
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _fill(template: str, rng: np.random.Generator, **extra) -> str:
    """Fill a text template; only the placeholders present are drawn (keeps draws in order)."""
    values = {}
    slots = [("product", _PRODUCTS), ("city", _CITIES), ("emoji", _EMOJI), ("adj", _ADJ_DE),
             ("adj_en", _ADJ_EN), ("note", _NOTES_DE), ("note2", _NOTES_DE),
             ("note_en", _NOTES_EN), ("note2_en", _NOTES_EN), ("moment", _MOMENTS_DE),
             ("partner", _PARTNERS), ("tip", _TIPS_DE), ("tip_en", _TIPS_EN)]
    for key, pool in slots:
        if "{" + key + "}" in template and key not in extra:
            values[key] = _pick(rng, pool)
    if "{days}" in template and "days" not in extra:
        values["days"] = str(int(rng.integers(3, 15)))
    if "{n}" in template and "n" not in extra:
        values["n"] = str(int(rng.integers(6, 22)))
    if "{order}" in template and "order" not in extra:
        values["order"] = f"#BK-{int(rng.integers(20000, 99999))}"
    if "{shop}" in template and "shop" not in extra:
        values["shop"] = f"https://shop.bergkaffee.de/{_pick(rng, ['sorten', 'neu', 'abo', 'tipps', 'espresso', 'filter'])}"
    values.update(extra)
    return template.format(**values)


def _growth_curves(rng: np.random.Generator, n_days: int) -> dict:
    """Followers per platform per day: smooth geometric growth, exact at both ends."""
    x = np.linspace(0.0, 1.0, n_days)
    out = {}
    for p in PLATFORMS:
        start, end = _GROWTH[p]
        target = start * (end / start) ** (x ** _GROWTH_SHAPE.get(p, 1.0))
        wiggle = rng.normal(0.0, 0.004, n_days).cumsum()
        wiggle = (wiggle - x * wiggle[-1]) * np.sin(np.pi * x)
        out[p] = np.round(target * (1.0 + wiggle)).astype(np.int64)
        out[p][0], out[p][-1] = start, end
    return out


# ---------------------------------------------------------------------------------------------
# IDs and permalinks
# ---------------------------------------------------------------------------------------------
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _chars(rng: np.random.Generator, n: int, alphabet: str = _B64) -> str:
    return "".join(alphabet[i] for i in rng.integers(0, len(alphabet), n))


def _digits(rng: np.random.Generator, n: int) -> str:
    return str(int(rng.integers(1, 10))) + "".join(str(d) for d in rng.integers(0, 10, n - 1))


def _post_id(rng: np.random.Generator, platform: str, ts: int, media: str) -> tuple[str, str]:
    """(post_id, permalink) in the platform's real shapes."""
    ms = ts * 1000 + int(rng.integers(0, 1000))
    if platform == "x":
        pid = str(((ms - _X_EPOCH_MS) << 22) | int(rng.integers(0, 1 << 22)))
        return pid, f"https://x.com/bergkaffee/status/{pid}"
    if platform == "facebook":
        num = _digits(rng, 16)
        return f"{_FB_PAGE_ID}_{num}", f"https://www.facebook.com/{_FB_PAGE_ID}/posts/{num}"
    if platform == "instagram":
        pid = "17" + _digits(rng, int(rng.integers(15, 17)))
        kind = "reel" if media == "reel" else "p"
        return pid, f"https://www.instagram.com/{kind}/{_chars(rng, 11)}/"
    if platform == "linkedin":
        num = str((ms << 22) | int(rng.integers(0, 1 << 22)))
        urn = f"urn:li:activity:{num}"
        return urn, f"https://www.linkedin.com/feed/update/{urn}/"
    if platform == "youtube":
        vid = _chars(rng, 11)
        if media == "short":
            return vid, f"https://www.youtube.com/shorts/{vid}"
        return vid, f"https://www.youtube.com/watch?v={vid}"
    if platform == "tiktok":
        pid = str((ts << 32) | int(rng.integers(0, 1 << 32)))
        return pid, f"https://www.tiktok.com/@bergkaffee/video/{pid}"
    pid = str((ms << 16) | int(rng.integers(0, 1 << 16)))  # mastodon
    return pid, f"https://mastodon.social/@bergkaffee/{pid}"


def _comment_id(rng: np.random.Generator, platform: str, ts: int, post_id: str,
                parent_id: str | None) -> str:
    ms = ts * 1000 + int(rng.integers(0, 1000))
    if platform == "x":
        return str(((ms - _X_EPOCH_MS) << 22) | int(rng.integers(0, 1 << 22)))
    if platform == "facebook":
        return f"{post_id.split('_')[1]}_{_digits(rng, 16)}"
    if platform == "instagram":
        return "18" + _digits(rng, 15)
    if platform == "linkedin":
        num = (ms << 22) | int(rng.integers(0, 1 << 22))
        return f"urn:li:comment:({post_id},{num})"
    if platform == "youtube":
        if parent_id is not None:
            return f"{parent_id}.{_chars(rng, 22, _ALNUM)}"
        return "Ug" + _pick(rng, "wxyz") + _chars(rng, 16, _ALNUM) + "4AaABAg"
    if platform == "tiktok":
        return str((ts << 32) | int(rng.integers(0, 1 << 32)))
    return str((ms << 16) | int(rng.integers(0, 1 << 16)))


# ---------------------------------------------------------------------------------------------
# posting schedule
# ---------------------------------------------------------------------------------------------
def _in_cell(weekday: int, hour: int, weekdays, hours) -> bool:
    return weekday in weekdays and hours[0] <= hour < hours[1]


def _normal_slot(rng: np.random.Generator, platform: str, days: list, day_w: np.ndarray,
                 fixed_day=None) -> tuple:
    """A (date, hour) drawn from the platform's habits, outside its window and the trap cell."""
    wd, hrs, _ = _BEST_WINDOWS[platform]
    hour_w = np.array(_HOUR_PROFILE.get(platform, _HOUR_PROFILE["default"]), dtype=float)
    hour_w /= hour_w.sum()
    for _ in range(1000):
        day = fixed_day if fixed_day is not None else days[int(rng.choice(len(days), p=day_w))]
        hour = _HOURS[int(rng.choice(len(_HOURS), p=hour_w))]
        if _in_cell(day.weekday(), hour, wd, hrs):
            continue
        if platform == _TRAP["platform"] and _in_cell(day.weekday(), hour, _TRAP["weekdays"],
                                                      _TRAP["hours"]):
            continue
        return day, hour
    raise RuntimeError("no posting slot found")  # pragma: no cover - unreachable with 16 hours


def _schedule(rng: np.random.Generator, platform: str, n: int, days: list,
              group_days: list) -> list[dict]:
    """Posting slots of one platform: window posts, trap posts, normal posts, cross-posts."""
    wd, hrs, _ = _BEST_WINDOWS[platform]
    prof = _WEEKDAY_PROFILE.get(platform, _WEEKDAY_PROFILE["default"])
    day_w = np.array([prof[d.weekday()] for d in days], dtype=float)
    day_w /= day_w.sum()
    window_days = [d for d in days if d.weekday() in wd]
    trap_from = datetime.strptime(_TRAP["from"], "%Y-%m-%d").date()
    trap_days = [d for d in days if d.weekday() in _TRAP["weekdays"] and d >= trap_from]
    slots = []
    for g, gday in enumerate(group_days):
        if gday.weekday() in wd and rng.random() < 0.5:
            hour = int(rng.integers(hrs[0], hrs[1]))
        else:
            gday, hour = _normal_slot(rng, platform, days, day_w, fixed_day=gday)
        slots.append({"day": gday, "hour": hour, "kind": "group", "group": g})
    n_free = max(n - len(group_days), 4)
    n_trap = int(round(_TRAP["share"] * n_free)) if platform == _TRAP["platform"] else 0
    n_window = int(round(_WINDOW_SHARE * n_free))
    for i in range(n_free):
        if i < n_window:
            day, hour = _pick(rng, window_days), int(rng.integers(hrs[0], hrs[1]))
            kind = "window"
        elif i < n_window + n_trap:
            day = _pick(rng, trap_days)
            hour = int(rng.integers(_TRAP["hours"][0], _TRAP["hours"][1]))
            kind = "trap"
        else:
            day, hour = _normal_slot(rng, platform, days, day_w)
            kind = "normal"
        slots.append({"day": day, "hour": hour, "kind": kind, "group": None})
    for s in slots:
        s["minute"] = int(_pick(rng, [0, 0, 0, 15, 30, 30, 45])) if rng.random() < 0.5 \
            else int(rng.integers(0, 60))
        s["ts"] = _local_ts(s["day"].year, s["day"].month, s["day"].day, s["hour"], s["minute"])
        s["in_window"] = _in_cell(s["day"].weekday(), s["hour"], wd, hrs)
    return slots


# ---------------------------------------------------------------------------------------------
# texts
# ---------------------------------------------------------------------------------------------
def _hashtag_form(rng: np.random.Generator) -> str:
    return _pick(rng, ["#Röstfrisch", "#Röstfrisch", "#Röstfrisch", "#röstfrisch", "#RÖSTFRISCH"])


def _post_text(rng: np.random.Generator, platform: str, lang: str, has_tag: bool) -> str:
    theme = _pick(rng, _POST_THEMES_DE if lang == "de" else _POST_THEMES_EN)
    lines = [_fill(line, rng) for line in theme]
    if platform == "x":
        lines = lines[:2]
    pool = _TAGS_DE if lang == "de" else _TAGS_EN
    k = int(rng.integers(0, 4))
    tags = [pool[int(i)] for i in rng.choice(len(pool), size=k, replace=False)] if k else []
    if has_tag:
        tags.insert(int(rng.integers(0, len(tags) + 1)), _hashtag_form(rng))
    if platform == "youtube":
        title = lines[0]
        lines = [title, "", *lines[1:], "", "Abonniere unseren Kanal für mehr Kaffeewissen."
                 if lang == "de" else "Subscribe for more coffee know-how."]
    if tags:
        if platform in ("x", "mastodon") or rng.random() < 0.4:
            lines[-1] = lines[-1] + " " + " ".join(tags)
        else:
            lines += ["", " ".join(tags)]
    return "\n".join(lines)


def _group_text(rng: np.random.Generator, g: int, lang: str, platform: str, has_tag: bool) -> str:
    de, en, slug = _GROUP_TOPICS[g % len(_GROUP_TOPICS)]
    url = f"{_LINK_PREFIX}journal/{slug}"
    if lang == "de":
        head = f"Neu im Journal: {de}"
        body = "Wir erzählen, was dahinter steckt, und was wir daraus gelernt haben."
    else:
        head = f"New on our journal: {en}"
        body = "The story behind it, and what we learned along the way."
    parts = [head, body if platform != "x" else "", url]
    text = "\n".join(p for p in parts if p)
    if has_tag:
        text += " " + _hashtag_form(rng)
    return text


_ASCII = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue",
                        "ß": "ss", "ş": "s", "ı": "i", "İ": "I", "é": "e", "í": "i", "ë": "e",
                        " ": ""})


def _ascii(name: str) -> str:
    return name.translate(_ASCII)


def _first_name(author: str, platform: str) -> str:
    if platform in ("facebook", "linkedin", "youtube"):
        return author.split(" ")[0]
    return "@" + author.split("@")[0] if platform == "mastodon" else "@" + author


def _user_comment(rng: np.random.Generator, lang: str, kind: str, friend: str) -> str:
    de = lang == "de"
    if kind == "positive":
        if rng.random() < 0.45:
            return _pick(rng, _SHORT_POS_DE if de else _SHORT_POS_EN)
        if de:
            t = _pick(rng, _POS_OPEN_DE) + _pick(rng, _POS_MID_DE) + _pick(rng, _POS_END_DE)
        else:
            t = _pick(rng, _POS_OPEN_EN) + _pick(rng, _POS_MID_EN) + _pick(rng, _POS_END_EN)
        return _fill(t, rng)
    if kind == "question":
        q = _fill(_pick(rng, _QUESTIONS_DE if de else _QUESTIONS_EN), rng)
        prefix = _pick(rng, _Q_PREFIX_DE if de else _Q_PREFIX_EN)
        if prefix.endswith(", "):
            q = q[0].lower() + q[1:]
        return prefix + q + _pick(rng, _Q_SUFFIX)
    if kind == "neutral":
        return _fill(_pick(rng, _NEUTRAL_DE if de else _NEUTRAL_EN), rng, friend=friend)
    if kind == "negative":
        return _fill(_pick(rng, _NEG_DE if de else _NEG_EN), rng)
    if kind == "angry":
        a, b, c = (_ANGRY_A_DE, _ANGRY_B_DE, _ANGRY_C_DE) if de else (_ANGRY_A_EN, _ANGRY_B_EN,
                                                                       _ANGRY_C_EN)
        parts = [_pick(rng, a), _fill(_pick(rng, b), rng), _pick(rng, c)]
        if rng.random() < 0.3:
            parts = parts[1:]
        sep = "\n" if rng.random() < 0.15 else " "
        return sep.join(p for p in parts if p)
    raise ValueError(kind)  # pragma: no cover


def _brand_reply(rng: np.random.Generator, lang: str, kind: str, first: str) -> str:
    de = lang == "de"
    if kind in ("negative", "angry"):
        pool = _BRAND_NEG_DE if de else _BRAND_NEG_EN
    elif kind == "question":
        pool = _BRAND_Q_DE if de else _BRAND_Q_EN
    elif kind == "positive":
        pool = _BRAND_POS_DE if de else _BRAND_POS_EN
    else:
        pool = _NEUTRAL_BRAND_DE if de else _NEUTRAL_BRAND_EN
    return _fill(_pick(rng, pool), rng, first=first)


# ---------------------------------------------------------------------------------------------
# members (commenters)
# ---------------------------------------------------------------------------------------------
def _members(rng: np.random.Generator, n: int, volume: dict) -> dict:
    """Fictional commenters, each at home on one platform, with Zipf-like activity weights."""
    combos = rng.permutation(len(_FIRST) * len(_LAST))[:n]
    plats = list(PLATFORMS)
    share = np.array([volume[p] for p in plats], dtype=float)
    share /= share.sum()
    home = rng.choice(len(plats), size=n, p=share)
    weight = 1.0 / np.arange(1, n + 1) ** 0.6
    weight = weight[rng.permutation(n)]
    out = {p: {"names": [], "w": []} for p in plats}
    taken = set(ACCOUNTS.values())  # membership only, never iterated
    for i, c in enumerate(combos):
        first, last = _FIRST[int(c) // len(_LAST)], _LAST[int(c) % len(_LAST)]
        p = plats[int(home[i])]
        handle = _ascii(first + "." + last).lower()
        if p in ("facebook", "linkedin", "youtube"):
            name = f"{first} {last}"
        elif p == "mastodon":
            name = f"{handle.replace('.', '_')}@{_pick(rng, _MASTODON_HOSTS)}"
        else:
            name = _pick(rng, [handle, handle.replace(".", "_"), f"{handle}{int(rng.integers(70, 100))}",
                               f"{_ascii(first).lower()}_{_ascii(last).lower()}_{int(rng.integers(1, 999))}"])
        while name in taken:
            name = f"{name}{int(rng.integers(0, 10))}"
        taken.add(name)
        out[p]["names"].append(name)
        out[p]["w"].append(weight[i])
    for p in plats:
        if not out[p]["names"]:  # tiny scales: make sure every platform has someone
            out[p]["names"].append(f"kaffeefan_{p}")
            out[p]["w"].append(1.0)
        w = np.array(out[p]["w"], dtype=float)
        out[p]["p"] = w / w.sum()
    return out


# ---------------------------------------------------------------------------------------------
# the generator
# ---------------------------------------------------------------------------------------------
def generate(*, seed: int = SEED, scale: float = 1.0) -> SampleData:
    """Generate the Bergkaffee sample data in memory.

    Deterministic: the same ``seed`` and ``scale`` give identical tables on every run.

    Parameters
    ----------
    seed : int, default 20261126
        Seed of ``numpy.random.default_rng``.
    scale : float, default 1.0
        Multiplies the number of posts, commenters, cross-post groups and angry comments
        (0.1 gives about 100 posts and 2,000 comments, for fast tests). Per-post behaviour,
        growth, windows and effects do not depend on it.

    Returns
    -------
    SampleData
        ``posts`` (one row per post, canonical POSTS columns), ``comments`` (one row per comment
        or reply, canonical COMMENTS columns), ``daily`` (one row per platform, account, date and
        metric: ``followers`` for every platform plus ``page_views`` (facebook, linkedin),
        ``profile_visits`` and ``reach`` (instagram), ``impressions`` (x), ``views`` (youtube),
        ``profile_views`` and ``video_views`` (tiktok)), ``truth`` (the planted effects and what
        they measure as, see ``data/samples/README.md``) and two label tables for tests.

    Raises
    ------
    ParameterError
        If ``scale`` is not a number in (0, 5].
    """
    if not isinstance(scale, (int, float)) or isinstance(scale, bool) or not 0 < scale <= 5:
        raise ParameterError(f"generate(scale={scale!r}): expected a number in (0, 5], for "
                             f"example 1.0 for the full samples or 0.1 for a quick test")
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise ParameterError(f"generate(seed={seed!r}): expected an integer such as {SEED}")
    rng = np.random.default_rng(int(seed))
    days = _days()
    day_index = {d: i for i, d in enumerate(days)}
    followers = _growth_curves(rng, len(days))

    # -- posts -----------------------------------------------------------------------------
    n_groups = max(3, int(round(_N_GROUPS * scale)))
    weekdays_pool = [d for d in days if d.weekday() < 5]
    group_days = [_pick(rng, weekdays_pool) for _ in range(n_groups)]
    group_lang = ["de" if rng.random() < 0.6 else "en" for _ in range(n_groups)]
    rows, labels = [], []
    for p in PLATFORMS:
        n = max(8, int(round(_N_POSTS[p] * scale)))
        gdays = group_days if p in _CHANNEL_FIT else []
        for s in _schedule(rng, p, n, days, gdays):
            if s["kind"] == "group":
                media = "link"
                lang = group_lang[s["group"]]
            else:
                mw = _MEDIA_WEIGHTS[p]
                media = list(mw)[int(rng.choice(len(mw), p=np.array(list(mw.values()))))]
                lang = "de" if rng.random() < 0.6 else "en"
            rows.append({"platform": p, "ts": s["ts"], "media_type": media, "lang": lang,
                         "kind": s["kind"], "group": s["group"], "in_window": s["in_window"],
                         "has_tag": bool(rng.random() < _HASHTAG_SHARE)})
    # the post that starts the angry episode
    rows.append({"platform": _ANGRY["platform"], "ts": _local_ts(*_ANGRY["post_local"]),
                 "media_type": "photo", "lang": "de", "kind": "angry", "group": None,
                 "in_window": False, "has_tag": False})
    rows.sort(key=lambda r: (PLATFORMS.index(r["platform"]), r["ts"]))

    # viral outliers: one each on some platforms, a normal post outside every planted cell
    for p, mult in _VIRAL:
        normal = [i for i, r in enumerate(rows) if r["platform"] == p and r["kind"] == "normal"]
        cands = [i for i in normal if not rows[i]["has_tag"]
                 and (p, rows[i]["media_type"]) not in _MEDIA_EFFECTS] or normal
        if cands:  # always true at scale >= 0.05
            i = cands[int(rng.integers(len(cands)))]
            rows[i]["viral"] = mult * float(rng.uniform(0.85, 1.25))

    posts, post_labels = [], []
    for r in rows:
        p = r["platform"]
        d = _local(r["ts"]).date()
        growth = followers[p][day_index[d]] / _GROWTH[p][0]
        wd, hrs, wlift = _BEST_WINDOWS[p]
        mult = (wlift if r["in_window"] else 1.0)
        mult *= _HASHTAG[2] if r["has_tag"] else 1.0
        mult *= _MEDIA_EFFECTS.get((p, r["media_type"]), 1.0)
        mult *= _CHANNEL_FIT.get(p, 1.0) if r["kind"] == "group" else 1.0
        mult *= r.get("viral", 1.0)
        audience = _BASE_AUDIENCE[p] * growth * float(rng.lognormal(0.0, 0.3))
        post_noise = float(rng.lognormal(0.0, 0.5))
        vals = {m: pd.NA for m in ("impressions", "reach", "views", *_INTERACTIONS)}
        rep = _REPORTED[p]
        if "reach" in rep:
            vals["reach"] = int(round(audience))
        if p in ("facebook", "instagram"):
            vals["views"] = int(round(audience * rng.uniform(1.2, 1.9)))
        elif p in ("youtube", "tiktok"):
            vals["views"] = int(round(audience))
        if p == "youtube":
            vals["impressions"] = int(round(audience * rng.uniform(8, 14)))
        elif "impressions" in rep:
            vals["impressions"] = int(round(audience))
        scale_k = audience / _BASE_AUDIENCE[p] * mult * post_noise
        for m, base in _BASE_MEANS[p].items():
            lam = base * scale_k * float(rng.lognormal(0.0, 0.15))
            vals[m] = int(rng.poisson(lam))
        other = int(rng.poisson(10 * scale_k)) if p == "x" else 0  # profile clicks, expands
        pid, link = _post_id(rng, p, r["ts"], r["media_type"])
        if r["kind"] == "group":
            text = _group_text(rng, r["group"], r["lang"], p, r["has_tag"])
        elif r["kind"] == "angry":
            text = ("Wichtiger Hinweis zu euren Bestellungen 📦\n"
                    "Wegen eines Ausfalls bei unserem Logistikpartner kommt es gerade zu einer "
                    "Lieferverzögerung von bis zu 10 Tagen. Wir arbeiten mit Hochdruck daran.\n"
                    "Alle Infos: https://shop.bergkaffee.de/lieferstatus")
        else:
            text = _post_text(rng, p, r["lang"], r["has_tag"])
        text = _web.tag_links(text, p, r["ts"])  # UTM campaigns (no random draws)
        posts.append({"platform": p, "account": ACCOUNTS[p], "post_id": pid, "ts": r["ts"],
                      "date_only": False, "text": text, "media_type": r["media_type"],
                      "permalink": link, **vals, "source_file": f"{p}/posts.csv",
                      "_other": other})
        post_labels.append({"platform": p, "post_id": pid, "lang": r["lang"],
                            "in_window": r["in_window"], "has_hashtag": r["has_tag"],
                            "is_viral": "viral" in r, "is_trap": r["kind"] == "trap",
                            "group": r["group"], "multiplier": mult})

    # -- comments ----------------------------------------------------------------------------
    volume = {p: sum(1 for x in posts if x["platform"] == p) * _BASE_MEANS[p]["comments"]
              for p in PLATFORMS}
    members = _members(rng, max(150, int(round(_N_MEMBERS * scale))), volume)
    comments, clabels = _comments(rng, posts, members, scale)

    # the comments metric is the number of comment rows (replies included) of the post
    n_rows = {}
    for c in comments:
        n_rows[c["post_id"]] = n_rows.get(c["post_id"], 0) + 1
    for x in posts:
        x["comments"] = n_rows.get(x["post_id"], 0)
        other = x.pop("_other")
        if x["platform"] == "x":  # engagements = likes + replies + reposts + clicks + other
            x["engagements"] = x["likes"] + x["comments"] + x["shares"] + x["clicks"] + other

    posts_df = _posts_frame(posts)
    comments_df = _comments_frame(comments)
    daily_df = _daily_frame(rng, days, followers, posts_df)
    post_labels_df = pd.DataFrame(post_labels)
    post_labels_df["group"] = post_labels_df["group"].astype("Int64")
    comment_labels_df = pd.DataFrame(clabels)
    truth = _truth(int(seed), posts_df, comments_df, daily_df, post_labels_df, comment_labels_df,
                   members, n_groups)
    web = _web.generate(posts_df, days, int(seed))  # its own random stream: the tables above do not change
    truth["web"] = web["truth"]
    return SampleData(posts_df, comments_df, daily_df, truth, post_labels_df, comment_labels_df, web)


def _comment_delay_hours(rng: np.random.Generator) -> float:
    """Fast decay: most comments within hours, a long tail over days."""
    if rng.random() < 0.85:
        return float(rng.lognormal(np.log(2.5), 1.1))
    return float(rng.lognormal(np.log(40.0), 0.9))


def _office_shift(rng: np.random.Generator, ts: int) -> int:
    """Brand replies mostly land in office hours (Mon-Fri 9-17 local)."""
    loc = _local(ts)
    if loc.weekday() < 5 and 9 <= loc.hour < 17:
        return ts
    if rng.random() >= _OFFICE_SHARE:  # some evening and weekend replies
        return ts
    day = loc.date()
    if loc.weekday() < 5 and loc.hour < 9:
        nxt = day
    else:
        nxt = day + timedelta(days=1)
    while nxt.weekday() >= 5:
        nxt += timedelta(days=1)
    return _local_ts(nxt.year, nxt.month, nxt.day, 9, 0) + int(rng.integers(0, 150 * 60))


def _comments(rng: np.random.Generator, posts: list, members: dict, scale: float):
    export_ts = _local_ts(*map(int, _EXPORT_DATE.split("-")), 0, 0)
    a_start = _local_ts(*map(int, _ANGRY["start"].split("-")), 0, 0)
    a_end = _local_ts(*map(int, _ANGRY["end"].split("-")), 23, 59)
    angry_post = next(x for x in posts if x["platform"] == _ANGRY["platform"]
                      and x["ts"] == _local_ts(*_ANGRY["post_local"]))
    out, labels = [], []
    used_ids: set = set()  # membership only, never iterated

    def author_for(p):
        m = members[p]
        return m["names"][int(rng.choice(len(m["names"]), p=m["p"]))]

    def add(p, post, ts, author, is_owner, text, parent, lang, kind, sentiment, likes_mean):
        cid = _comment_id(rng, p, ts, post["post_id"], parent)
        while cid in used_ids:  # pragma: no cover - astronomically rare
            cid = _comment_id(rng, p, ts, post["post_id"], parent)
        used_ids.add(cid)
        lk = pd.NA if likes_mean is None else int(rng.poisson(likes_mean))
        out.append({"platform": p, "account": ACCOUNTS[p], "post_id": post["post_id"],
                    "comment_id": cid, "parent_id": parent, "author": author, "is_owner": is_owner,
                    "ts": ts, "text": text, "likes": lk, "source_file": f"{p}/comments.csv"})
        labels.append({"platform": p, "comment_id": cid, "lang": lang, "kind": kind,
                       "sentiment": sentiment})
        return cid

    def thread(p, post, ts, kind, lang, text, author):
        """A top-level user comment with its brand reply and user replies."""
        rate, median = _RESPONSE[p]
        lm = _COMMENT_LIKES[p]
        sentiment = {"positive": "positive", "negative": "negative", "angry": "negative"}.get(
            kind, "neutral")
        cid = add(p, post, ts, author, False, text, None, lang, kind, sentiment, lm)
        for _ in range(int(rng.poisson(0.12 if kind != "angry" else 0.3))):
            rts = ts + int(rng.exponential(3 * 3600)) + 60
            if rts >= export_ts:
                continue
            who = author_for(p)
            if kind == "angry":
                rt = _fill(_pick(rng, _REPLY_ANGRY_DE if lang == "de" else _REPLY_ANGRY_EN), rng,
                           parent=author.split("@")[0])
                rkind, rsent = "angry", "negative"
            else:
                rt = _fill(_pick(rng, _REPLY_USER_DE if lang == "de" else _REPLY_USER_EN), rng,
                           parent=author.split("@")[0])
                rkind, rsent = "reply", "neutral"
            add(p, post, rts, who, False, rt, cid, lang, rkind, rsent, None if lm is None else lm / 3)
        if rng.random() < rate:
            delay = float(rng.lognormal(np.log(median * _DELAY_FACTOR), 1.0)) * 60
            bts = _office_shift(rng, ts + int(delay) + 30)
            if bts < export_ts:
                text_b = _brand_reply(rng, lang, kind, _first_name(author, p))
                add(p, post, bts, ACCOUNTS[p], True, text_b, cid, lang, "brand",
                    "positive" if kind == "positive" else "neutral",
                    None if lm is None else lm / 2)

    n_untrusted = 0
    for post in posts:
        p = post["platform"]
        n_top = int(post["comments"])
        for _ in range(n_top):
            ts = post["ts"] + int(_comment_delay_hours(rng) * 3600) + 20
            if ts >= export_ts:
                ts = post["ts"] + int((export_ts - post["ts"]) * rng.uniform(0.0, 0.9))
            lang = "de" if rng.random() < 0.6 else "en"
            u = rng.random()
            kind = ("positive" if u < 0.55 else "neutral" if u < 0.76 else "question" if u < 0.955
                    else "negative")
            author = author_for(p)
            friend = author_for(p).split("@")[0]
            text = _user_comment(rng, lang, kind, friend)
            if n_untrusted < len(_UNTRUSTED) and rng.random() < 0.0006:
                text, kind = _UNTRUSTED[n_untrusted], "untrusted"
                n_untrusted += 1
            thread(p, post, ts, kind, lang, text, author)
    # make sure every untrusted text appears (small scales)
    fb_posts = [x for x in posts if x["platform"] == "facebook"]
    while n_untrusted < len(_UNTRUSTED):
        post = fb_posts[int(rng.integers(len(fb_posts)))]
        thread("facebook", post, post["ts"] + 3600 * (n_untrusted + 1), "untrusted", "de",
               _UNTRUSTED[n_untrusted], author_for("facebook"))
        n_untrusted += 1

    # the angry episode: many negative comments on one post, then on other recent posts
    p = _ANGRY["platform"]
    n_on = max(10, int(round(_ANGRY["on_post"] * scale)))
    for _ in range(n_on):
        ts = angry_post["ts"] + 120 + int(min(rng.exponential(14 * 3600),
                                               a_end - angry_post["ts"] - 600))
        lang = "de" if rng.random() < 0.7 else "en"
        thread(p, angry_post, ts, "angry", lang, _user_comment(rng, lang, "angry", ""),
               author_for(p))
    recent = [x for x in posts if x["platform"] == p and x is not angry_post
              and a_start - 9 * 86400 <= x["ts"] < a_end - 6 * 3600] or [angry_post]
    n_else = max(4, int(round(_ANGRY["elsewhere"] * scale)))
    for _ in range(n_else):
        post = recent[int(rng.integers(len(recent)))]
        lo = max(post["ts"] + 600, angry_post["ts"] + 6 * 3600)
        ts = int(rng.uniform(lo, a_end))
        lang = "de" if rng.random() < 0.7 else "en"
        thread(p, post, ts, "angry", lang, _user_comment(rng, lang, "angry", ""), author_for(p))
    return out, labels


# ---------------------------------------------------------------------------------------------
# frames
# ---------------------------------------------------------------------------------------------
def _utc(seconds) -> pd.Series:
    return pd.Series(pd.to_datetime(np.asarray(seconds, dtype="int64"), unit="s", utc=True)) \
        .astype("datetime64[ns, UTC]")


def _table_frame(rows: list, table, id_col: str) -> pd.DataFrame:
    """Generated rows as a canonical table, sorted by platform (generation order), time and id."""
    df = pd.DataFrame(rows)
    df["published_at"] = _utc(df.pop("ts"))
    df = table.conform(df)
    df = df.sort_values(["platform", "published_at", id_col], kind="mergesort",
                        key=lambda s: s.map(PLATFORMS.index) if s.name == "platform" else s)
    return table.validate(df.reset_index(drop=True))


def _posts_frame(posts: list) -> pd.DataFrame:
    return _table_frame(posts, POSTS, "post_id")


def _comments_frame(comments: list) -> pd.DataFrame:
    return _table_frame(comments, COMMENTS, "comment_id")


def _daily_frame(rng: np.random.Generator, days: list, followers: dict,
                 posts: pd.DataFrame) -> pd.DataFrame:
    local_day = posts["published_at"].dt.tz_convert(TIMEZONE).dt.date
    extra = {"facebook": [("page_views", 180, "views")],
             "instagram": [("profile_visits", 260, None), ("reach", 5200, "reach")],
             "x": [("impressions", 2600, "impressions")],
             "linkedin": [("page_views", 90, None)],
             "youtube": [("views", 700, "views")],
             "tiktok": [("profile_views", 300, None), ("video_views", 4000, "views")],
             "mastodon": []}
    weekly = np.array([1.05, 1.08, 1.06, 1.04, 1.0, 0.85, 0.82])
    dates = pd.to_datetime([d.isoformat() for d in days])
    frames = []
    for p in PLATFORMS:
        f = followers[p]
        frames.append(pd.DataFrame({"platform": p, "account": ACCOUNTS[p], "date": dates,
                                    "metric": "followers", "value": f.astype(float),
                                    "source_file": f"{p}/daily.csv"}))
        growth = f / f[0]
        for metric, base, from_posts in extra[p]:
            wk = weekly[[d.weekday() for d in days]]
            v = base * growth * wk * rng.lognormal(0.0, 0.15, len(days))
            if from_posts:
                sel = posts["platform"] == p
                per_day = posts.loc[sel, from_posts].astype("Float64").fillna(0.0) \
                    .groupby(local_day[sel]).sum()
                v = v + np.array([float(per_day.get(d, 0.0)) * 0.6 for d in days])
            frames.append(pd.DataFrame({"platform": p, "account": ACCOUNTS[p], "date": dates,
                                        "metric": metric, "value": np.round(v),
                                        "source_file": f"{p}/daily.csv"}))
    df = DAILY.conform(pd.concat(frames, ignore_index=True))
    return DAILY.validate(df)


# ---------------------------------------------------------------------------------------------
# truth
# ---------------------------------------------------------------------------------------------
def _truth(seed: int, posts: pd.DataFrame, comments: pd.DataFrame, daily: pd.DataFrame,
           post_labels: pd.DataFrame, comment_labels: pd.DataFrame, members: dict,
           n_groups: int) -> dict:
    lab = post_labels.set_index(["platform", "post_id"])
    key = list(zip(posts["platform"], posts["post_id"]))
    in_window = lab.loc[key, "in_window"].to_numpy()
    local = posts["published_at"].dt.tz_convert(TIMEZONE)

    windows = []
    for p in PLATFORMS:
        wd, hrs, lift = _BEST_WINDOWS[p]
        sel = (posts["platform"] == p).to_numpy()
        windows.append({"platform": p, "weekdays": wd, "hours": hrs, "lift": lift,
                        "n_posts_in_window": int((sel & in_window).sum()),
                        "n_posts": int(sel.sum())})

    viral = post_labels[post_labels["is_viral"]]
    viral_ids = [{"platform": r.platform, "post_id": r.post_id,
                  "multiplier": round(float(r.multiplier), 2)} for r in viral.itertuples()]

    groups = []
    gl = post_labels[post_labels["group"].notna()]
    for g in sorted(int(x) for x in gl["group"].unique()):
        members_g = gl[gl["group"] == g]
        url = f"{_LINK_PREFIX}journal/{_GROUP_TOPICS[g % len(_GROUP_TOPICS)][2]}"
        groups.append({"group": g, "url": url,
                       "posts": [{"platform": r.platform, "post_id": r.post_id}
                                 for r in members_g.itertuples()]})

    # angry episode, measured on the comments
    p = _ANGRY["platform"]
    clab = comment_labels.set_index(["platform", "comment_id"])
    ckey = list(zip(comments["platform"], comments["comment_id"]))
    c_sent = clab.loc[ckey, "sentiment"].to_numpy()
    c_kind = clab.loc[ckey, "kind"].to_numpy()
    c_local_date = comments["published_at"].dt.tz_convert(TIMEZONE).dt.strftime("%Y-%m-%d")
    user = ~comments["is_owner"].to_numpy()
    on_p = (comments["platform"] == p).to_numpy()
    in_ep = ((c_local_date >= _ANGRY["start"]) & (c_local_date <= _ANGRY["end"])).to_numpy()
    ep = on_p & user & in_ep
    angry_post_id = posts.loc[(posts["platform"] == p)
                              & (posts["published_at"] == pd.Timestamp(
                                  datetime(*_ANGRY["post_local"], tzinfo=_TZ)).tz_convert("UTC")),
                              "post_id"].iloc[0]
    on_post = (comments["post_id"] == angry_post_id).to_numpy() & user
    base = on_p & user & ~in_ep
    angry = {"platform": p, "post_id": angry_post_id, "start": _ANGRY["start"],
             "end": _ANGRY["end"], "topic": _ANGRY["topic"],
             "n_comments": int(ep.sum()),
             "n_comments_on_post": int(on_post.sum()),
             "n_negative": int((ep & (c_sent == "negative")).sum()),
             "negative_share": round(float((c_sent[ep] == "negative").mean()), 4),
             "negative_share_on_post": round(float((c_sent[on_post] == "negative").mean()), 4),
             "baseline_negative_share": round(float((c_sent[base] == "negative").mean()), 4)}

    # response behaviour, measured: first brand reply to a top-level user comment
    top = comments[comments["parent_id"].isna() & ~comments["is_owner"]]
    owner = comments[comments["is_owner"]].sort_values("published_at", kind="mergesort")
    first = owner.drop_duplicates(["platform", "parent_id"])
    merged = top.merge(first[["platform", "parent_id", "published_at"]],
                       left_on=["platform", "comment_id"], right_on=["platform", "parent_id"],
                       how="left", suffixes=("", "_reply"))
    response = {}
    for p in PLATFORMS:
        m = merged[merged["platform"] == p]
        answered = m["published_at_reply"].notna()
        minutes = (m.loc[answered, "published_at_reply"] - m.loc[answered, "published_at"]) \
            .dt.total_seconds() / 60
        rate, median = _RESPONSE[p]
        response[p] = {"reply_rate": round(float(answered.mean()), 4),
                       "median_minutes": round(float(minutes.median()), 1),
                       "n_top_level": int(len(m)), "n_answered": int(answered.sum()),
                       "planted": {"reply_probability": rate,
                                   "delay_median_minutes": round(median * _DELAY_FACTOR, 1),
                                   "moved_to_office_hours_probability": _OFFICE_SHARE}}

    is_q = merged["text"].str.contains("?", regex=False).to_numpy()
    unanswered = int((is_q & merged["published_at_reply"].isna().to_numpy()).sum())

    counts = comments.loc[~comments["is_owner"], "author"].value_counts()
    counts = counts.sort_index(kind="mergesort").sort_values(ascending=False, kind="mergesort")
    top5 = list(counts.index[:5])
    top_detail = [{"author": a, "n_comments": int(counts[a]),
                   "platform": str(comments.loc[comments["author"] == a, "platform"].iloc[0])}
                  for a in top5]

    growth = {}
    for p in PLATFORMS:
        f = daily[(daily["platform"] == p) & (daily["metric"] == "followers")]
        growth[p] = {"followers_start": int(f["value"].iloc[0]),
                     "followers_end": int(f["value"].iloc[-1])}

    lang_share = round(float((comment_labels["lang"] == "de").mean()), 3)
    return {
        "seed": seed,
        "timezone": TIMEZONE,
        "period": {"start": _PERIOD_START, "end": _PERIOD_END},
        "export_date": _EXPORT_DATE,
        "accounts": dict(ACCOUNTS),
        "effects_apply_to": list(_INTERACTIONS),
        "best_windows": windows,
        "hashtag_lift": {"hashtag": _HASHTAG[0], "display": _HASHTAG[1], "lift": _HASHTAG[2],
                         "n_posts": int(post_labels["has_hashtag"].sum())},
        "media_type_effects": [{"platform": p, "media_type": m, "lift": v}
                               for (p, m), v in _MEDIA_EFFECTS.items()],
        "channel_fit": {"n_groups": n_groups, "link_prefix": _LINK_PREFIX,
                        "lift_by_platform": dict(_CHANNEL_FIT), "media_type": "link",
                        "groups": groups},
        "viral_post_ids": viral_ids,
        "angry_episode": angry,
        "response": response,
        "unanswered_questions": unanswered,
        "top_members": top5,
        "top_members_detail": top_detail,
        "growth": growth,
        "traps": [{"kind": "growth_confounded_slot", "platform": _TRAP["platform"],
                   "weekdays": _TRAP["weekdays"], "hours": _TRAP["hours"], "true_lift": 1.0,
                   "posts_from": _TRAP["from"],
                   "n_posts": int(post_labels["is_trap"].sum()),
                   "explanation": "Posts in this slot were made mostly late in the period, when "
                                  "the account had several times more followers; raw sums or "
                                  "averages rank it high, a per-account baseline detrended for "
                                  "growth shows no lift."}],
        "counts": {"posts": int(len(posts)), "comments": int(len(comments)),
                   "brand_replies": int(comments["is_owner"].sum()),
                   "commenters": int(comments.loc[~comments["is_owner"], "author"].nunique()),
                   "daily_rows": int(len(daily)), "platforms": len(PLATFORMS)},
        "languages": {"comments_de_share": lang_share,
                      "posts_de_share": round(float((post_labels["lang"] == "de").mean()), 3)},
        "definitions": {
            "in_window": "published_at converted to Europe/Berlin; weekday in weekdays and "
                         "hours[0] <= hour < hours[1]",
            "reply_rate": "share of top-level comments not written by the account that have at "
                          "least one direct reply with is_owner True",
            "median_minutes": "median minutes from such a comment to the first reply by the account",
            "unanswered_questions": "top-level comments not written by the account whose text "
                                    "contains '?' and that have no reply with is_owner True",
            "top_members": "authors (not the account) with the most comments and replies, ties "
                           "broken by name",
            "negative_share": "share of comments not written by the account, labelled negative by "
                              "the generator, among those on the platform in the given local days",
            "comments_metric": "posts.comments equals the number of rows in comments for the post "
                               "(replies included)",
        },
    }


# ---------------------------------------------------------------------------------------------
# writing (canonical CSVs; later writers for real export formats build on generate())
# ---------------------------------------------------------------------------------------------
def _csv_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            out[col] = s.dt.strftime("%Y-%m-%dT%H:%M:%S+00:00")
        elif pd.api.types.is_datetime64_dtype(s.dtype):
            out[col] = s.dt.strftime("%Y-%m-%d")
        elif str(s.dtype) == "Float64":
            out[col] = s.map(lambda v: "" if pd.isna(v) else (f"{v:.0f}" if float(v).is_integer()
                                                                else repr(float(v))))
    return out


def _write_canonical(frames: dict[str, pd.DataFrame], out_dir: Path, prefix: str = "") -> list[Path]:
    """Write canonical CSVs, one folder per platform (``<platform>/<prefix><table>.csv``)."""
    written = []
    for p in PLATFORMS:
        for name, df in frames.items():
            part = df[df["platform"] == p]
            if not len(part):
                continue
            folder = out_dir / p
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{prefix}{name}.csv"
            _csv_frame(part).to_csv(path, index=False, encoding="utf-8", lineterminator="\n", na_rep="")
            written.append(path)
    return written


def _write_exports(data: SampleData, out_dir: Path) -> list[Path]:
    """Write each platform's data the way the platform exports it (see toolkit/samples/_exporters)."""
    from ._exporters.generic_de import write_generic_de
    from ._exporters.linkedin import write_linkedin
    from ._exporters.mastodon import write_mastodon
    from ._exporters.meta import write_meta
    from ._exporters.video import write_tiktok, write_youtube, write_youtube_comments
    from ._exporters.x import write_x

    posts, daily, acc = data.posts, data.daily, ACCOUNTS
    written: list[Path] = []
    written += write_meta(posts, None, daily, out_dir / "facebook", platform="facebook",
                          account=acc["facebook"], tz=TIMEZONE)
    written += write_meta(posts, None, daily, out_dir / "instagram", platform="instagram",
                          account=acc["instagram"], tz=TIMEZONE)
    written += write_x(posts, None, None, out_dir / "x", account=acc["x"])
    # LinkedIn: the content workbook (dates only) and the follower numbers a manager keeps in a
    # German spreadsheet (';', decimal comma, cp1252).
    written += write_linkedin(posts, None, None, out_dir / "linkedin", account=acc["linkedin"], tz=TIMEZONE)
    written += write_generic_de(None, daily[daily["platform"] == "linkedin"], out_dir / "linkedin", tz=TIMEZONE)
    written += write_youtube(posts, None, daily, out_dir / "youtube", account=acc["youtube"], tz=TIMEZONE)
    written += write_youtube_comments(data.comments, out_dir / "youtube")
    written += write_tiktok(posts, None, None, out_dir / "tiktok", account=acc["tiktok"], tz=TIMEZONE)
    user, _, host = acc["mastodon"].partition("@")
    written += write_mastodon(posts, None, None, out_dir / "mastodon", account=user, host=host or "mastodon.social")
    return written


_WEB_FOLDERS = ("web", "whatsapp")


def _write_web(data: SampleData, out_dir: Path) -> list[Path]:
    """GA4 and Matomo downloads of the brand's shop (``web/``) and the community chat (``whatsapp/``)."""
    from ._exporters.web import write_ga4, write_matomo, write_whatsapp

    if not data.web:
        return []
    v = data.web["visits"]
    written = write_ga4(v, out_dir / "web", account=_web._GA4_ACCOUNT, prop=_web._GA4_PROPERTY,
                        start=_PERIOD_START, end=_PERIOD_END)
    written += write_matomo(v, out_dir / "web", start=_PERIOD_START, end=_PERIOD_END,
                            social_names=_web.MATOMO_SOCIAL)
    written += write_whatsapp(data.web["chat"], out_dir / "whatsapp", chat=_web.CHAT)
    return written


def _supplement(data: SampleData, exports_dir: Path) -> dict[str, pd.DataFrame]:
    """Canonical rows that no platform export carried (or carried with less detail).

    Loads the freshly written exports and keeps each canonical row whose values differ from
    what the exports gave: comments by others (no platform exports them except YouTube),
    LinkedIn's publish times (its export has dates only), Mastodon's counts (its archive has
    none), and daily metrics without an export.
    """
    import warnings

    from ..io import load

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loaded = load(exports_dir, tz=TIMEZONE, progress=False)
    out = {}
    for name, canon, got in (("posts", data.posts, loaded.posts), ("comments", data.comments, loaded.comments),
                             ("daily", data.daily, loaded.daily)):
        key = list(TABLES[name].key)
        cols = [c for c in TABLES[name].names if c != "source_file"]
        merged = canon[cols].merge(got[cols], on=key, how="left", suffixes=("", "_got"), indicator=True)
        differs = merged["_merge"] == "left_only"
        for c in cols:
            if c in key:
                continue
            a, b = merged[c], merged[f"{c}_got"]
            if c == "published_at":
                gap = (a - b).abs() > pd.Timedelta(minutes=1)
                bad = a.notna() & (b.isna() | gap.fillna(True).astype(bool))
            else:
                eq = (a.astype(object) == b.astype(object))
                bad = a.notna() & ~(eq.fillna(False).astype(bool))
            differs |= bad.to_numpy()
        out[name] = canon.loc[differs.to_numpy()].reset_index(drop=True)
    return out


def _days_names(weekdays) -> str:
    names = list(WEEKDAY_ABBR)
    return ", ".join(f"{names[d]} ({d})" for d in weekdays)


def _readme(t: dict) -> str:
    w = "\n".join(f"| {x['platform']} | {_days_names(x['weekdays'])} | "
                  f"{x['hours'][0]:02d}:00-{x['hours'][1]:02d}:00 | x{x['lift']} | "
                  f"{x['n_posts_in_window']} of {x['n_posts']} |" for x in t["best_windows"])
    r = "\n".join(f"| {p} | {v['reply_rate']:.2f} | {v['median_minutes']:.0f} |"
                  for p, v in t["response"].items())
    a = t["angry_episode"]
    c = t["counts"]
    trap = t["traps"][0]
    return f"""# Sample data: Bergkaffee (fictional)

Everything here is **made up**. "Bergkaffee" is a fictional German coffee roaster; every account,
commenter, post, comment and number was generated by `toolkit/samples/` (seed {t['seed']}).
Any resemblance to real people or companies is coincidence.

- Period {t['period']['start']} to {t['period']['end']}, export date {t['export_date']},
  time zone {t['timezone']} (DST changes on 2026-03-29 and 2026-10-25).
- {c['posts']} posts, {c['comments']} comments and replies ({c['brand_replies']} by the brand,
  {c['commenters']} commenters), {c['daily_rows']} daily rows, on {c['platforms']} platforms:
  {', '.join(t['accounts'])}.
- Texts are about 60 % German and 40 % English, with emoji (also ❤️, 👍🏽, 👨‍👩‍👧), hashtags with
  umlauts and ß, @mentions, links, questions, and a few untrusted texts (`<script>`, `=HYPERLINK(`).

## Files

Each platform folder holds the data the way that platform exports it, so `toolkit.load()` is
exercised on real formats:

| platform | files |
|---|---|
| facebook, instagram | Meta Business Suite per-post CSVs, one per month (UTF-8 with BOM, `Publish time` in Europe/Berlin without zone), page-level daily CSVs (UTF-16, `sep=,` line) |
| x | the legacy analytics CSV `tweet_activity_metrics_*.csv` and an account archive zip (`data/tweets.js`); the same posts in both, merged on load |
| linkedin | the company-page content workbook (`.xlsx`, dates only) and a follower sheet re-saved by a German spreadsheet program (`kennzahlen_taeglich.csv`: `;`, decimal comma, cp1252) |
| youtube | a Studio zip (`Table data.csv` with its `Total` row, `Totals.csv`) and a Data API `commentThreads.json` |
| tiktok | the Studio content CSV |
| mastodon | an account archive `.tar.gz` (`outbox.json`, `actor.json`, `likes.json`) |

| web | the shop's web analytics: two GA4 report downloads (`Traffic_acquisition_Session_source_medium.csv`: Date x source / medium; `Traffic_acquisition_Session_campaign.csv`: the period by campaign) and two Matomo UI exports of the period (campaigns, social networks; UTF-16 with German headers) |
| whatsapp | the brand's community group chat as an Android phone with German settings exports it (`WhatsApp Chat mit Bergkaffee Community.txt`; the account writes as "Bergkaffee", its YouTube name, so `toolkit.load` recognises it) |

Files named `toolkit-*.csv` are in the toolkit's generic canonical format (see `toolkit.schema`)
and hold only what no platform export carries: comments by other people (platforms export those
only through their APIs; YouTube's is included), LinkedIn publish times (its export has dates
only), Mastodon favourite/boost counts (its archive has none), YouTube Shorts flags, and daily
series without an export. They carry an `exported_at` column so their values win over the
exports' when both have a row. Load everything with
`toolkit.load("data/samples", tz="Europe/Berlin")`.
`TRUTH.json`: what was planted, and what it measures as in these files.

## Regenerate

```
python -m toolkit.samples data/samples
```

The output is byte-for-byte identical on every run with the same seed.

## What is planted

Effects multiply a post's interaction counts (likes, comments, shares, saves, clicks,
engagements). Reach, impressions and views follow the account's baseline x follower growth x noise
and are not affected. Post-level noise is lognormal (sigma 0.5).

Best windows (weekday 0 = Monday, hours in Europe/Berlin local time, end exclusive):

| platform | weekdays | hours | lift | posts in window |
|---|---|---|---|---|
{w}

- Hashtag {t['hashtag_lift']['display']} (any casing): x{t['hashtag_lift']['lift']}
  ({t['hashtag_lift']['n_posts']} posts).
- Media types: {', '.join(f"{m['media_type']} on {m['platform']} x{m['lift']}" for m in t['media_type_effects'])};
  the same types elsewhere have no effect.
- Channel fit: {t['channel_fit']['n_groups']} messages cross-posted (same text and link under
  {t['channel_fit']['link_prefix']}journal/) to
  {', '.join(f"{k} x{v}" for k, v in t['channel_fit']['lift_by_platform'].items())}.
- {len(t['viral_post_ids'])} viral outliers (x10 to x30), outside the best windows.
- Angry episode: {a['topic']} on {a['platform']}, {a['start']} to {a['end']}: {a['n_comments']}
  user comments, {a['negative_share']:.0%} negative (elsewhere {a['baseline_negative_share']:.0%}).
- Trap: on {trap['platform']}, {_days_names(trap['weekdays'])} {trap['hours'][0]}-{trap['hours'][1]} h
  ({trap['n_posts']} posts) was used only from {trap['posts_from']} on, when the account had grown
  several times bigger. Raw sums and averages make it look good; its true lift is 1.0.
- Brand replies (measured; mostly Mon-Fri 9-17 local):

| platform | reply rate | median minutes |
|---|---|---|
{r}

- {t['unanswered_questions']} user questions got no reply by the brand.
- Most active commenters: {', '.join(t['top_members'])}.

## Web analytics and the community chat

{_readme_web(t['web'])}
"""


def _readme_web(w: dict) -> str:
    g, c, wa = w["ga4"], w["campaigns"], w["whatsapp"]
    camps = "\n".join(f"| {v['utm_campaign']} | {v['n_posts']} | {v['ga4_sessions']} | {v['ga4_key_events']} | "
                      f"{v['matomo_visits']} | {v['matomo_conversions']} |" for v in c.values())
    nets = ", ".join(f"{k} {v}" for k, v in sorted(g["engaged_sessions_by_network"].items(), key=lambda kv: -kv[1]))
    return f"""Links in the posts carry UTM parameters: shop links posted in a campaign window
({', '.join(f"{k} {a} to {b}" for k, (a, b) in w['planted']['campaign_windows'].items())}) and every journal link of
the cross-posted messages (campaign Journal), `utm_source` = the network (`twitter` for X), `utm_medium=social`.
Each post brings visits on its day and the two after (untagged ones as referrals from `m.facebook.com`, `t.co`,
`lnkd.in`, ...), on top of direct, search, newsletter and other traffic. GA4 sees the consenting
{w['consent_share']:.0%} of the visits; Matomo sees all of them and lower-cases campaign names.

- Most GA4 sessions from a social network: {g['most_sessions_network']}; most *engaged* sessions:
  **{g['most_engaged_sessions_network']}** ({nets}).
- Campaigns (the campaign with the most GA4 key events: **{w['campaign_most_key_events']}**):

| campaign | posts | GA4 sessions | GA4 key events | Matomo visits | Matomo conversions |
|---|---|---|---|---|---|
{camps}

- WhatsApp chat "{wa['chat']}": {wa['member_messages']} member messages, {wa['owner_messages']} by
  {wa['owner']}; {wa['answered']} of {wa['conversations']} waiting conversations answered, median
  {wa['median_reply_minutes']:.0f} minutes from the first waiting message to the answer (planted: median
  {wa['planted']['delay_median_minutes_office_hours']:.0f} minutes inside office hours, the rest waits for them)."""


def write(out_dir: str | Path = "data/samples", *, seed: int = SEED,
          scale: float = 1.0) -> list[Path]:
    """Generate the samples and write them as real platform exports plus TRUTH.json and README.md.

    Each platform's posts and daily series are written in its own export formats (see
    ``toolkit/samples/_exporters``); what no export carries goes into canonical ``toolkit-*.csv`` files.

    Parameters
    ----------
    out_dir : str or Path, default "data/samples"
        Folder to write into; created if missing. Existing sample files are overwritten.
    seed : int, default 20261126
        Seed passed to :func:`generate`.
    scale : float, default 1.0
        Size factor passed to :func:`generate` (use small values in tests).

    Returns
    -------
    list of Path
        The files written: the export files per platform, the ``toolkit-*.csv`` supplements,
        then ``TRUTH.json`` and ``README.md``.

    Raises
    ------
    InputFileError
        If ``out_dir`` exists and is not a folder.
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputFileError(f"write(out_dir={str(out)!r}): this path is a file, expected a folder "
                             f"to write the samples into. Pass a folder path.")
    data = generate(seed=seed, scale=scale)
    out.mkdir(parents=True, exist_ok=True)
    for old in sorted(out.glob("*/")):  # rewrite the platform folders from scratch
        if old.name in PLATFORMS or old.name in _WEB_FOLDERS:
            shutil.rmtree(old)
    written = _write_exports(data, out)
    extra = _supplement(data, out)
    stamp = f"{data.truth['export_date']}T12:00:00+00:00"  # written after the platform exports
    extra = {name: df.assign(exported_at=stamp) for name, df in extra.items()}
    written += _write_canonical(extra, out, prefix="toolkit-")
    written += _write_web(data, out)
    truth_path = out / "TRUTH.json"
    truth_path.write_text(json.dumps(data.truth, ensure_ascii=False, indent=2, sort_keys=True)
                          + "\n", encoding="utf-8")
    readme = out / "README.md"
    readme.write_text(_readme(data.truth), encoding="utf-8")
    return written + [truth_path, readme]


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m toolkit.samples [OUT_DIR]`` (default ``data/samples``)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) > 1 or any(a in ("-h", "--help") for a in args):
        sys.stderr.write("usage: python -m toolkit.samples [OUT_DIR]\n"
                         "Writes the fictional Bergkaffee samples (seed 20261126) to OUT_DIR "
                         "(default data/samples).\n")
        return 0 if args and args[0] in ("-h", "--help") else 2
    paths = write(args[0] if args else "data/samples")
    total = sum(p.stat().st_size for p in paths)
    sys.stderr.write(f"wrote {len(paths)} files ({total / 1e6:.1f} MB) to "
                     f"{paths[-1].parent}\n")
    return 0
