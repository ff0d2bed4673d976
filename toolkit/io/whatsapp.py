"""WhatsApp chat exports (``.txt``, or the ``.zip`` as the phone shares it) -> the comments table.

Format ``whatsapp_chat`` (format facts: the project's notes on chat exports, WhatsApp section).
Detected from the line format, not the file name (Android: ``WhatsApp Chat mit NAME.txt``; iOS:
``WhatsApp Chat - NAME.zip`` holding ``_chat.txt``)::

    29.01.18, 23:47 - Bob: Ja ist es!                     Android, German, 24 h
    1/29/18, 12:24 PM - Mallory: Hey                      Android, US English, 12 h (U+202F before PM)
    [29.01.18, 23:46:03] Alice: Hallo                     iOS (seconds, brackets; U+200E marks)
    [29.01.18, 9:24:03 nachm.] ...                        German 12 h markers are tolerated

Why the comments table (and not a table of its own): a chat message is a comment without a post;
putting it there lets reply times, response rates, activity by hour, top members, sentiment and
pseudonymisation (:func:`toolkit.community.pseudonymize`) work on chats unchanged. The mapping:

- ``platform`` "whatsapp"; ``account`` the chat's name (from the file name); ``post_id`` a stable
  id of the chat (``chat-<hash of its name>``), so every chat is one "thread";
- ``comment_id`` ``wa-<hash of chat, time, author, text>`` (stable across re-exports, so an
  overlapping export dedupes); ``author`` the display name (``~ Max`` of unsaved contacts is
  ``Max``); ``text`` the message with its line breaks (NFC; the invisible U+200E/U+200F marks
  removed); ``edited`` (extra) True for ``<Diese Nachricht wurde bearbeitet.>`` messages;
- ``is_owner`` True for the account's own people, named with ``owner=`` (one name or a list): the
  file cannot tell who exported it. With owners, the chat is split into conversations: user
  messages since the account's last message form one waiting conversation; its first message is
  top-level and the others point to it (``parent_id``); the account's next message replies to
  that first message. So :func:`toolkit.community.reply_times` measures the time from the first
  unanswered message to the account's answer. Without ``owner=`` every message is a user message
  and the load report says reply times cannot be computed;
- ``published_at`` the phone's wall-clock time read in ``tz=`` and converted to UTC (so a reply
  across the spring clock change is 20 minutes, not 80).

Phone numbers never stay in the table: authors that are numbers (``+49 151 23456789``) and numbers
inside texts are masked to the country code and the last four digits (``+49 … 6789``).

Counted as skipped, with the reason: system lines (encryption notice, group created, members
added/left, security code, calls, ...), media placeholders (``<Medien ausgeschlossen>``, ``Bild
weggelassen``, ``image omitted``), attachments of a with-media export (``<Anhang: ...>``, ``(Datei
angehängt)``), deleted messages, location shares and empty messages (view-once media).

Day/month order is inferred from the whole file: a first number above 12 means day first, a second
one above 12 month first; else the number that falls back when the other one rises between
consecutive messages is the day; German markers (``Chat mit``, German system lines) mean day first.
When nothing decides, reading stops with an error asking for ``dayfirst=True`` or ``False``.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

import numpy as np
import pandas as pd

from ..errors import ExportFormatError
from ._base import Context, Loader, Parsed, Source, localize, register

__all__ = ["WhatsAppChat", "mask_phones", "link_conversations", "owner_from_accounts", "SYSTEM_PATTERNS"]

_PLATFORM = "whatsapp"
_INVISIBLE = "\u200e\u200f\ufeff\u202a\u202b\u202c\u202d\u202e"
_AMPM = r"[AaPp]\.?[\s\u202f\u00a0]?[Mm]\.?|vorm\.|nachm\.|morgens|mittags|abends|nachts"
_DATE = r"(?P<date>\d{1,4}[./-]\d{1,2}[./-]\d{1,4})"
_TIME = r"(?P<time>\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)"
_IOS = re.compile(rf"^\[{_DATE},?[\s\u202f\u00a0]+{_TIME}(?:[\s\u202f\u00a0]*(?P<ampm>{_AMPM}))?\][\s\u202f]"
                  rf"(?P<rest>.*)$", re.S)
_ANDROID = re.compile(rf"^{_DATE},?[\s\u202f\u00a0]+{_TIME}(?:[\s\u202f\u00a0]*(?P<ampm>{_AMPM}))?"
                      rf"[\s\u202f\u00a0]+[-\u2013][\s\u202f\u00a0](?P<rest>.*)$", re.S)
_AUTHOR = re.compile(r"^(?P<author>[^:\n]{1,100}?):(?:[\s\u202f\u00a0](?P<text>.*))?$", re.S)

#: Text of system lines (German and English), matched after the author (if any) is split off.
SYSTEM_PATTERNS = [re.compile(p, re.I) for p in (
    r"Ende-zu-Ende-verschlüsselt", r"end-to-end encrypted",
    r"hat die Gruppe .* erstellt", r"hast die Gruppe .* erstellt", r"\bcreated (this )?group\b",
    r"hinzugefügt\.?$", r"wurden? hinzugefügt", r"\badded\b", r"were added",
    r"\bentfernt\.?$", r"\bremoved\b", r"hat die Gruppe verlassen", r"\bleft$",
    r"Gruppenbild", r"group'?s? icon", r"Gruppenbeschreibung", r"group description", r"Gruppennamen",
    r"changed the (group name|subject)", r"Sicherheitscode", r"security code",
    r"neue Telefonnummer", r"hat zu .* gewechselt", r"changed their phone number", r"changed to \+",
    r"selbstlöschende Nachrichten", r"Nachrichtendauer", r"disappearing messages", r"message timer",
    r"ein\*e Admin", r"kein\*e Admin", r"now an admin", r"no longer an admin",
    r"erweiterten Chat-Datenschutz", r"advanced chat privacy", r"^Meta AI",
    r"Kontakt blockiert", r"blocked this contact", r"Kontakt freigegeben", r"unblocked this contact",
    r"^Verpasste[rn]? (Sprach|Video)anruf", r"^(Sprach|Video)anruf\b", r"hat einen Anruf gestartet",
    r"^Missed (voice|video) call", r"^(Voice|Video) call\b", r"started a call",
    r"Einladungslink", r"invite link", r"Tippe, um mehr zu erfahren", r"Tap to learn more",
)]
#: System texts that are system lines even with an author in front (iOS writes the chat's name).
_STRONG = re.compile(r"Ende-zu-Ende-verschlüsselt|end-to-end encrypted|^Verpasste[rn]? (Sprach|Video)anruf|"
                     r"^Missed (voice|video) call|^(Sprach|Video)anruf\.|^(Voice|Video) call\.|Sicherheitscode|"
                     r"security code", re.I)
_MEDIA = re.compile(
    r"^<?(Medien ausgeschlossen|Media omitted|Videonachricht weggelassen|Video message omitted|"
    r"Video note omitted)>?$|^(Bild|Audio|Video|Videonachricht|GIF|Kontaktkarte|Sticker|Dokument|Videonotiz)"
    r" weggelassen$|Dokument weggelassen$|^(image|audio|video|GIF|sticker|Contact card|document) omitted$|"
    r"document omitted$", re.I)
_ATTACHED = re.compile(r"^<(Anhang|attached): .+>$|^\S.*\.\w{2,5} \((Datei angehängt|file attached)\)$", re.I)
_DELETED = re.compile(r"^(Diese Nachricht wurde gelöscht\.?|Du hast diese Nachricht gelöscht\.?|"
                      r"This message was deleted\.?|You deleted this message\.?)$", re.I)
_LOCATION = re.compile(r"^(Standort|location): https?://\S+$|^(Live-Standort wird geteilt\.?|live location shared)$",
                       re.I)
_EDITED = re.compile(r"[\s\u200e]*<(Diese Nachricht wurde bearbeitet\.?|This message was edited)>\s*$", re.I)
#: Words of every skipped kind below: a message without any of them is a plain message (fast path).
_SKIP_WORDS = ("weggelassen", "omitted", "ausgeschlossen", "anhang:", "attached", "angehängt", "gelöscht", "deleted",
               "standort", "location", "verschlüsselt", "encrypted", "anruf", "call", "sicherheitscode",
               "security code", "null")
_SKIP_WORD = re.compile("|".join(map(re.escape, _SKIP_WORDS)))
#: Words that make an "author" a system text cut at a colon ("Du hast X hinzugefügt: ...").
_SYSTEM_AUTHOR = re.compile("|".join(map(re.escape, (" hat ", " hast ", " has ", " have ", " created", " added",
                                                      " left", " removed", " changed"))))
_GERMAN = re.compile(r"verschlüsselt|weggelassen|ausgeschlossen|hinzugefügt|gelöscht|Anhang:|Datei angehängt|"
                     r"hat die Gruppe|Sprachanruf|bearbeitet", re.I)
# +49 151 23456789, +1 (415) 555-0100, 0151 23456789, 0151/2345678: 8+ digits with spaces, dashes, slashes
_PHONE = re.compile(r"(?<![\w+])(?:\+\d{1,3}|0\d{2,5})(?:[\s\u00a0\u202f\-/]?\(?\d+\)?){1,6}(?!\w)")


def mask_phones(text: pd.Series) -> pd.Series:
    """Mask phone numbers in texts: keep the country code (or leading 0) and the last four digits.

    >>> mask_phones(pd.Series(["Ruf an: +49 151 23456789 oder 0151/2345678", "am 12.03.2024 um 14:30"])).tolist()
    ['Ruf an: +49 … 6789 oder 0 … 5678', 'am 12.03.2024 um 14:30']
    """
    def one(m: re.Match) -> str:
        s = m.group(0)
        digits = re.sub(r"\D", "", s)
        if len(digits) < 8:
            return s
        head = re.match(r"\+\d{1,3}", s)
        return f"{head.group(0) if head else '0'} … {digits[-4:]}"
    t = text.astype("string")
    # only texts with 8 or more digits can hold a number to mask (counted column-wise); the rest stay
    cand = (t.str.count(r"\d") >= 8).fillna(False).to_numpy(dtype=bool)
    if not cand.any():
        return t
    if cand.all():
        return t.str.replace(_PHONE, one, regex=True)
    t = t.copy()
    t[cand] = t[cand].str.replace(_PHONE, one, regex=True)
    return t


@functools.lru_cache(maxsize=4096)
def _clean_author(author: str) -> str:
    a = author.strip(_INVISIBLE + " ")
    a = re.sub(r"^~[\s\u202f\u00a0]*", "", a)
    return unicodedata.normalize("NFC", a)


def _chat_name(name: str) -> str:
    for part in reversed(re.split(r"[/\\!]", name)):
        m = re.match(r"^WhatsApp[ -]Chat(?: mit| with| -)\s*(.+?)(?: \(\d+\))?\.(?:txt|zip)$", part, re.I) or \
            re.match(r"^Discussion WhatsApp avec\s*(.+?)\.(?:txt|zip)$", part, re.I)
        if m:
            return m.group(1).strip()
    return re.sub(r"\.(txt|zip)$", "", re.split(r"[/\\!]", name)[-1], flags=re.I)


def _header(line: str):
    s = line.lstrip(_INVISIBLE)
    return _IOS.match(s) or _ANDROID.match(s)


def _is_chat(source: Source) -> bool:
    if source.suffix != ".txt":
        return False
    lines = [ln for ln in source.head(6000).splitlines() if ln.strip()][:12]
    hits = sum(1 for ln in lines if _header(ln))
    return hits >= min(2, len(lines)) and hits > 0 and bool(_header(lines[0]) or _header(lines[1] if len(lines) > 1
                                                                                       else ""))


def _order(dates: list[tuple[int, int, int]], german: bool, source: Source, dayfirst: bool | None) -> str:
    """``"dmy"``, ``"mdy"`` or ``"ymd"`` for the header dates of the whole file."""
    if dayfirst is not None:
        return "dmy" if dayfirst else "mdy"
    arr = np.array(dates)
    if (arr[:, 0] > 31).any():
        return "ymd"
    a_big, b_big = (arr[:, 0] > 12).any(), (arr[:, 1] > 12).any()
    if a_big and not b_big:
        return "dmy"
    if b_big and not a_big:
        return "mdy"
    if a_big and b_big:
        raise ExportFormatError(f"{source.name}: the dates mix day-first and month-first orders (both numbers "
                                f"exceed 12 somewhere). Is this several chats pasted together? Export it again.",
                                file=source.name)
    same_year = arr[1:, 2] == arr[:-1, 2]
    da, db = np.diff(arr[:, 0])[same_year], np.diff(arr[:, 1])[same_year]
    a_resets = ((da < 0) & (db > 0)).any()   # a falls back while b moves on: a is the day
    b_resets = ((db < 0) & (da > 0)).any()
    if a_resets != b_resets:
        return "dmy" if a_resets else "mdy"
    if german:
        return "dmy"
    sample = ", ".join(sorted({f"{d[0]}/{d[1]}" for d in dates})[:4])
    raise ExportFormatError(
        f"{source.name}: cannot tell whether the dates are day/month or month/day: every day and month in the file "
        f"is 12 or less ({sample}, ...). Pass dayfirst=True (e.g. 05/03 = 5 March) or dayfirst=False (05/03 = "
        f"May 3) to toolkit.load().", file=source.name, column="date")


def _hours24(hour: pd.Series, ampm: pd.Series) -> np.ndarray:
    """24-hour clock hours from 12-hour ones (AM/PM, a.m./p.m., German vorm./nachm./morgens/mittags/
    abends/nachts; nachts is PM from 9 to 11 and AM from 12 to 4). Hours without a marker stay."""
    h = hour.to_numpy()
    m = ampm.fillna("").astype(str).str.lower().str.replace(r"[.\s\u202f\u00a0]", "", regex=True).to_numpy()
    pm = np.isin(m, ["pm", "nachm", "abends"]) | ((m == "mittags") & (h != 11)) | ((m == "nachts") & (h >= 9))
    return np.where(m == "", h, h % 12 + np.where(pm, 12, 0))


def link_conversations(comments: pd.DataFrame) -> pd.DataFrame:
    """Thread chat messages into conversations so reply times can be measured (``parent_id``).

    Per chat (``platform``, ``post_id``) in time order: user messages since the account's last
    message form one waiting conversation; its first message stays top-level and the later ones
    point to it; the account's (``is_owner``) next message points to it too (the reply). Account
    messages with nobody waiting stay top-level.

    Returns the same rows with ``parent_id`` filled.
    """
    out = comments.copy()
    s = out.sort_values(["platform", "post_id", "published_at"], kind="stable")
    chat = s["platform"].astype(str) + "\x1f" + s["post_id"].astype(str)
    owner = s["is_owner"].astype(bool).astype(int)
    block = owner.groupby(chat).cumsum() - owner          # account messages before each message
    key = chat + "\x1f" + block.astype(str)
    users = owner == 0
    opener = s["comment_id"].where(users).groupby(key).transform("first").astype("string")
    parent = opener.where(users & (opener != s["comment_id"]))            # later messages of a waiting block
    parent = parent.where(users, opener)                                   # the account's answer to the block
    parent = parent.reindex(out.index)
    out["parent_id"] = parent
    return out


def owner_from_accounts(comments: pd.DataFrame, posts: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Chats loaded without ``owner=``: authors named exactly like one of the account's names in the
    other exports (the posts' ``account``, the authors of the account's own comments) are the account.

    Returns the comments (chat rows re-threaded with :func:`link_conversations` where an owner was
    found) and a note naming the owner(s) ("" when none was found).
    """
    chat = (comments["platform"] == _PLATFORM).fillna(False).to_numpy()
    if not chat.any() or comments.loc[chat, "is_owner"].astype(bool).any():
        return comments, ""
    names = set(posts["account"].dropna().astype(str)) if "account" in posts.columns else set()
    names |= set(comments.loc[~chat & comments["is_owner"].astype(bool).to_numpy(), "author"].dropna().astype(str))
    names = {n.strip().casefold() for n in names if n.strip()}
    authors = comments.loc[chat, "author"].astype("string").str.strip().str.casefold()
    hit = authors.isin(names).fillna(False)
    if not hit.any():
        return comments, ""
    out = comments.copy()
    idx = out.index[chat][hit.to_numpy()]
    out.loc[idx, "is_owner"] = True
    out.loc[out.index[chat]] = link_conversations(out.loc[out.index[chat]])
    found = sorted(set(out.loc[idx, "author"].astype(str)))
    return out, (f"chat owner taken from the account names of the other exports: {found} (pass owner= to "
                 f"name it yourself)")


@register
class WhatsAppChat(Loader):
    """WhatsApp chat export (Android or iOS, any locale, 12/24 h; ``.txt`` or inside the shared ``.zip``)."""

    format = "whatsapp_chat"
    priority = 30

    def sniff(self, source: Source, ctx: Context) -> bool:
        return _is_chat(source)

    def read(self, source: Source, ctx: Context) -> Parsed:
        dayfirst = ctx.dayfirst
        owner = ctx.owner
        owners = {_clean_author(o) for o in ([owner] if isinstance(owner, str) else owner or [])}
        parsed = Parsed(self.format)
        text = unicodedata.normalize("NFC", source.text.replace("\r\n", "\n").replace("\r", "\n"))
        german = bool(_GERMAN.search(text[:200_000])) or " mit " in source.name
        # the messages' header fields and text, one list per field (a million messages are a million
        # list entries, not a million dicts)
        m_line: list[int] = []
        m_date: list[str] = []
        m_time: list[str] = []
        m_ampm: list[str | None] = []
        m_rest: list[str] = []
        preface = []
        for n, line in enumerate(text.split("\n"), start=1):
            m = _header(line)
            if m:
                m_line.append(n)
                m_date.append(m["date"])
                m_time.append(m["time"])
                m_ampm.append(m["ampm"])
                m_rest.append(m["rest"])
            elif m_rest:
                m_rest[-1] += "\n" + line
            elif line.strip(_INVISIBLE + " "):
                preface.append(n)
        del text
        for n in preface:
            parsed.rejected.append({"table": "comments", "line": n, "column": None,
                                    "reason": "text before the first message line (not a message)"})
        parsed.rows_read["comments"] = len(m_line) + len(preface)
        if not m_line:
            parsed.tables["comments"] = _frame([], source, "")
            return parsed
        # day, month and year numbers of every header, split column-wise (three numbers each, by _DATE)
        nums = pd.Series(m_date).str.split(r"[./-]", expand=True, regex=True).astype(np.int64).to_numpy()
        order = _order(nums, german, source, dayfirst)
        chat = mask_phones(pd.Series([_chat_name(source.name)])).iloc[0]
        parts = np.array(nums, dtype=np.int64)
        y, mo, d = {"ymd": (0, 1, 2), "dmy": (2, 1, 0), "mdy": (2, 0, 1)}[order]
        clock = pd.Series(m_time).str.split(r"[:.]", expand=True, regex=True)
        clock = clock.reindex(columns=[0, 1, 2]).apply(pd.to_numeric).fillna(0).astype(int)
        stamps = pd.to_datetime(pd.DataFrame({
            "year": np.where(parts[:, y] < 100, parts[:, y] + 2000, parts[:, y]), "month": parts[:, mo],
            "day": parts[:, d], "hour": _hours24(clock[0], pd.Series(m_ampm, dtype=object)),
            "minute": clock[1], "second": clock[2]}), errors="coerce")
        # one pass collects each column into a list (no pandas call per message)
        no_time = stamps.isna().to_numpy()
        cols: dict[str, list] = {"line": [], "local": [], "author": [], "text": [], "edited": []}
        lines_, picks, authors, texts, edits = cols.values()
        for j, rest in enumerate(m_rest):
            if no_time[j]:
                self._bad(ctx, source, parsed, m_line[j], f"{m_date[j]}, {m_time[j]}", order)
                continue
            kind, author, body = _classify(rest.rstrip("\n"), chat)
            if kind != "message":
                parsed.rejected.append({"table": "comments", "line": m_line[j], "column": "text", "kind": "skipped",
                                        "reason": kind})
                continue
            edited = "<" in body and bool(_EDITED.search(body))
            lines_.append(m_line[j])
            picks.append(j)
            authors.append(author)
            texts.append(_EDITED.sub("", body) if edited else body)
            edits.append(edited)
        del m_rest
        cols["local"] = stamps.iloc[picks].reset_index(drop=True) if picks else []
        frame = _frame(cols if picks else [], source, chat, tz=ctx.zone_for(source, parsed.notes))
        if owners:
            frame["is_owner"] = frame["author"].isin(owners).astype(bool)
            frame = link_conversations(frame)
            missing = owners - set(frame["author"].dropna())
            if missing:
                parsed.notes.append(f"owner name(s) {sorted(missing)} never wrote in this chat")
        else:
            parsed.notes.append("no owner= given: every message counts as a member's; reply times need owner=")
        parsed.notes.append(f"WhatsApp chat '{chat}': dates read as {'/'.join(order)}; phone numbers masked")
        parsed.tables["comments"] = frame
        return parsed

    @staticmethod
    def _bad(ctx: Context, source: Source, parsed: Parsed, line: int, value: str, order: str) -> None:
        if ctx.errors == "raise":
            raise ExportFormatError(f"{source.name}, line {line}, column 'date': {value!r} is not a valid date and time "
                                    f"when read as {'/'.join(order)}. Pass dayfirst=... to toolkit.load() if the order "
                                    f"is wrong; or errors='reject' to skip the line.", file=source.name, line=line,
                                    column="date")
        parsed.rejected.append({"table": "comments", "line": line, "column": "date",
                                "reason": f"cannot read {value!r} as a date ({'/'.join(order)})"})


def _classify(rest: str, chat: str) -> tuple[str, str | None, str]:
    """``(kind, author, text)``: kind is "message" or the reason the line is skipped."""
    m = _AUTHOR.match(rest)
    if not m:
        return "system message (no author)", None, rest
    author = _clean_author(m["author"])
    raw = m["text"] or ""
    body = raw.strip(_INVISIBLE + " ")
    if _SYSTEM_AUTHOR.search(author):
        # "Du hast X hinzugefügt" cut at a colon inside the system text: not an author
        if any(p.search(rest.strip(_INVISIBLE)) for p in SYSTEM_PATTERNS):
            return "system message (no author)", None, rest
    if not body:
        return "empty message (view-once media or an item the export leaves out)", author, ""
    low = body.lower()
    if not _SKIP_WORD.search(low) and not raw.startswith("\u200e") and author != chat:
        return "message", author, raw.replace("\u200e", "").replace("\u200f", "")
    if _STRONG.search(body) or ((raw.startswith("\u200e") or author == chat)
                                and any(p.search(body) for p in SYSTEM_PATTERNS)):
        return "system message", author, body
    if _MEDIA.search(body):
        return "media placeholder (exported without media)", author, body
    if _ATTACHED.search(body):
        return "attachment (a media file, no text)", author, body
    if _DELETED.match(body):
        return "deleted message", author, body
    if _LOCATION.match(body):
        return "location share (personal data, not loaded)", author, body
    if body == "null":
        return "call or unsupported item ('null')", author, body
    return "message", author, raw.lstrip(_INVISIBLE).replace("\u200e", "").replace("\u200f", "")


def _frame(rows: dict[str, list] | list, source: Source, chat: str, tz: str = "UTC") -> pd.DataFrame:
    if not len(rows):
        from ..schema import COMMENTS
        return COMMENTS.empty()
    f = pd.DataFrame(rows)
    f["author"] = mask_phones(f["author"].astype("string"))
    f["text"] = mask_phones(f["text"].astype("string"))
    chat_id = "chat-" + hashlib.sha1(chat.encode("utf-8")).hexdigest()[:12]
    # the key of each message is built and hashed one at a time (no column of keys held in memory)
    sha1 = hashlib.sha1
    cid = pd.Series(["wa-" + sha1(f"{chat}|{t}|{a}|{x}".encode("utf-8")).hexdigest()[:16] for t, a, x in
                     zip(f["local"].astype(str).tolist(), f["author"].fillna("").astype(str).tolist(),
                         f["text"].astype(str).tolist())], index=f.index, dtype="str")
    nth = cid.groupby(cid).cumcount()
    cid = cid.where(nth == 0, cid + "-" + (nth + 1).astype(str))
    return pd.DataFrame({
        "platform": _PLATFORM, "account": chat, "post_id": chat_id, "comment_id": cid.astype("string"),
        "parent_id": pd.Series(pd.NA, index=f.index, dtype="string"), "author": f["author"],
        "is_owner": False, "published_at": localize(f["local"], tz), "text": f["text"],
        "likes": pd.Series(pd.NA, index=f.index, dtype="Int64"), "edited": f["edited"].astype(bool),
        "_line": f["line"],
    }).drop(columns="_line").reset_index(drop=True)
