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
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import ExportFormatError
from . import _base
from ._base import Context, Loader, Parsed, Source, localize, register
from ._filebar import records_bar

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
_SKIP_WORDS_RE2 = "|".join(_SKIP_WORDS)  # letters, umlauts, ':' and ' ' only: the same words for Arrow (RE2)
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
    t = text.astype("string")
    # only texts with 8 or more digits can hold a number to mask (counted column-wise); the rest stay
    cand = (t.str.count(r"\d") >= 8).fillna(False).to_numpy(dtype=bool)
    if not cand.any():
        return t
    if cand.all():
        return t.str.replace(_PHONE, _mask_match, regex=True)
    t = t.copy()
    t[cand] = t[cand].str.replace(_PHONE, _mask_match, regex=True)
    return t


@functools.lru_cache(maxsize=4096)
def _clean_author(author: str) -> str:
    a = author.strip(_INVISIBLE + " ")
    a = re.sub(r"^~[\s\u202f\u00a0]*", "", a)
    return unicodedata.normalize("NFC", a)


@functools.lru_cache(maxsize=4096)
def _author_of(raw: str) -> tuple[str, bool]:
    """The cleaned author and whether it holds words of a system text (``_SYSTEM_AUTHOR``), once per name."""
    author = _clean_author(raw)
    return author, bool(_SYSTEM_AUTHOR.search(author))


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


#: The header of a message line (``_IOS`` or ``_ANDROID`` without their ``rest``) as one pattern for the
#: whole text: ``^`` at every line start, and no whitespace class matches a line break, so a header never
#: reaches into the next line (what matching each line alone gives). ``_HEAD.split`` gives, per message
#: line, the bracket (iOS), date, time, 12-hour marker and the message up to the next header line.
_NL_WS = r"[^\S\n]"
_AMPM_NL = _AMPM.replace(r"[\s\u202f\u00a0]", _NL_WS)
_HEAD = re.compile(
    rf"^[{_INVISIBLE}]*(\[)?(\d{{1,4}}[./-]\d{{1,2}}[./-]\d{{1,4}}),?{_NL_WS}+(\d{{1,2}}[:.]\d{{2}}(?:[:.]\d{{2}})?)"
    rf"(?:{_NL_WS}*({_AMPM_NL}))?"
    rf"(?(1)\]{_NL_WS}|{_NL_WS}+[-\u2013]{_NL_WS})", re.M)
_STRIDE = 5  # pieces per message line in _HEAD.split: bracket, date, time, marker, message
#: Characters per block of the text read at a time (cut where a message line starts).
_BLOCK = 4_000_000
#: 8 digits anywhere (``\D*`` and ``\d`` never overlap: one linear scan, no list of digits made)
_EIGHT_DIGITS = re.compile(r"\d(?:\D*\d){7}")


def _blocks(text: str):
    """``(_HEAD.split(block), line breaks before the block)`` for blocks of about ``_BLOCK`` characters
    that start at the text's start or at a message line (so each message is whole in one block)."""
    start, line0, n = 0, 0, len(text)
    while start < n:
        end = start + _BLOCK
        if end >= n:
            end = n
        else:
            b = text.find("\n", end)
            while b != -1 and not _HEAD.match(text, b + 1):
                b = text.find("\n", b + 1)
            end = n if b == -1 else b + 1
        block = text[start:end]
        yield _HEAD.split(block), line0
        line0 += block.count("\n")
        start = end


def _factor(values: list, table: dict) -> np.ndarray:
    """Codes of ``values`` in ``table`` (value -> code, grown with new values): hashed in C, one
    Python step per distinct value."""
    codes, uniq = pd.factorize(np.array(values, dtype=object), use_na_sentinel=False)
    glob = np.array([table.setdefault(u, len(table)) for u in uniq], dtype=np.int64)
    return glob[codes]


def _mask_match(m: re.Match) -> str:
    s = m.group(0)
    digits = re.sub(r"\D", "", s)
    if len(digits) < 8:
        return s
    head = re.match(r"\+\d{1,3}", s)
    return f"{head.group(0) if head else '0'} … {digits[-4:]}"


def _mask_one(s: str) -> str:
    """:func:`mask_phones` of one text (a text with fewer than 8 digits holds no number to mask)."""
    if _EIGHT_DIGITS.search(s) is None:
        return s
    return _PHONE.sub(_mask_match, s)


class _Messages:
    """The message lines of a chat, block by block: per line its line number and the codes of its date,
    time, 12-hour marker and kind (``"message"`` or the reason it is skipped); the messages' masked
    authors and texts and their edited flags as Arrow arrays (each block's distinct lines classified once)."""

    def __init__(self, chat: str) -> None:
        self.chat = chat
        self.dates: dict = {}
        self.times: dict = {}
        self.ampms: dict = {}
        self.kinds: dict = {"message": 0}
        self._parts: dict[str, list] = {k: [] for k in ("line", "date", "time", "ampm", "kind", "author", "text",
                                                          "edited")}
        self._joined: dict[str, np.ndarray] = {}
        self._authors: dict[str, str] = {}

    def add(self, pieces: list, line0: int) -> None:
        n = (len(pieces) - 1) // _STRIDE
        if not n:
            return
        rests = pieces[_STRIDE::_STRIDE]
        steps = [line0 + pieces[0].count("\n") + 1] + [r.count("\n") for r in rests[:-1]]
        p = self._parts
        p["line"].append(np.cumsum(np.array(steps, dtype=np.int64)))
        p["date"].append(_factor(pieces[2::_STRIDE], self.dates))
        p["time"].append(_factor(pieces[3::_STRIDE], self.times))
        p["ampm"].append(_factor(pieces[4::_STRIDE], self.ampms))
        codes, uniq = pd.factorize(np.array(rests, dtype=object))
        del rests, pieces[:]
        kind = np.empty(len(uniq), dtype=np.int64)
        pos = np.full(len(uniq), -1, dtype=np.int64)   # position among the block's distinct messages
        authors, texts, edited = [], [], []
        chat = self.chat
        strip = _INVISIBLE + " "
        # lines that may hold a skip word, found in one Arrow pass over the block's distinct lines: a
        # case-insensitive search of the whole line finds every line whose lower-cased text holds one
        # (and some more, which _classify then reads exactly)
        maybe_skip = pc.match_substring_regex(pa.array(uniq, pa.string()), _SKIP_WORDS_RE2,
                                              ignore_case=True).to_pylist()
        for u, rest in enumerate(uniq):
            rest = rest.rstrip("\n")
            # _classify's plain-message path inline (an author that is not the chat nor a system text, a
            # text without skip words nor a leading mark); anything else goes through _classify itself
            m = None if maybe_skip[u] else _AUTHOR.match(rest)
            raw = m.group("text") if m is not None else None
            if raw and not raw.startswith("\u200e"):
                author, system_author = _author_of(m.group("author"))
                if not system_author and author != chat and raw.strip(strip):
                    k, body = "message", raw.replace("\u200e", "").replace("\u200f", "")
                else:
                    k, author, body = _classify(rest, chat)
            else:
                k, author, body = _classify(rest, chat)
            kind[u] = self.kinds.setdefault(k, len(self.kinds))
            if k != "message":
                continue
            ed = "<" in body and bool(_EDITED.search(body))
            pos[u] = len(texts)
            a = self._authors.get(author)
            if a is None:
                a = self._authors[author] = _mask_one(author)
            authors.append(a)
            texts.append(_mask_one(_EDITED.sub("", body) if ed else body))
            edited.append(ed)
        row_kind = kind[codes]
        p["kind"].append(row_kind)
        take = pa.array(pos[codes[row_kind == 0]])
        p["author"].append(pa.array(authors, pa.string()).take(take))
        p["text"].append(pa.array(texts, pa.string()).take(take))
        p["edited"].append(np.array(edited, dtype=bool)[pos[codes[row_kind == 0]]])

    def codes(self, name: str) -> np.ndarray:
        if name not in self._joined:
            parts = self._parts[name]
            self._joined[name] = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        return self._joined[name]

    def lines(self) -> np.ndarray:
        return self.codes("line")

    def column(self, name: str, keep: np.ndarray) -> pa.ChunkedArray:
        """Authors or texts of the messages, ``keep`` of them (a mask over the messages)."""
        col = pa.chunked_array(self._parts[name], type=pa.string())
        return col if keep.all() else col.filter(pa.array(keep))

    def edited(self, keep: np.ndarray) -> np.ndarray:
        return np.concatenate(self._parts["edited"])[keep]


def _markers(ampms: list) -> np.ndarray:
    """The 12-hour markers (``None`` for none) lower-cased without dots and spaces, as ``_hours24`` reads them."""
    return pd.Series(ampms, dtype=object).fillna("").astype(str).str.lower().str.replace(
        r"[.\s\u202f\u00a0]", "", regex=True).to_numpy(dtype=object)


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


def _hours24(hour: np.ndarray, marker: np.ndarray) -> np.ndarray:
    """24-hour clock hours from 12-hour ones (AM/PM, a.m./p.m., German vorm./nachm./morgens/mittags/
    abends/nachts; nachts is PM from 9 to 11 and AM from 12 to 4). Hours without a marker stay.
    ``marker``: each message's marker as :func:`_markers` gives it."""
    h = np.asarray(hour)
    m = np.asarray(marker, dtype=object)
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
    authors = comments.loc[chat, "author"].astype("string")
    uniq = pd.Series(authors.dropna().unique(), dtype="string")   # each distinct name stripped and casefolded once
    hit = authors.isin(uniq[uniq.str.strip().str.casefold().isin(names).to_numpy(dtype=bool)]).fillna(False)
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
        chat = mask_phones(pd.Series([_chat_name(source.name)])).iloc[0]
        # The text is read in blocks of whole messages (cut where a message line starts); each block is
        # split at its message lines by one regex (``_HEAD``, the header patterns on the whole text), its
        # distinct messages are classified once, and its authors and texts become Arrow arrays before the
        # next block: no per-message Python object outlives its block.
        msgs = _Messages(chat)
        preface: list[int] = []
        # a bar of its own for a large chat (by characters; about 100 per message)
        with records_bar(len(text), source.name, unit="char", min_total=100 * _base.FILE_BAR_MIN_ROWS) as bar:
            for pieces, line0 in _blocks(text):
                if line0 == 0:  # lines before the first message line (only the first block can have them)
                    preface += [n for n, ln in enumerate(pieces[0].split("\n"), start=1)
                                if ln.strip(_INVISIBLE + " ")]
                msgs.add(pieces, line0)
                bar.update(sum(map(len, pieces)))
        del text
        for n in preface:
            parsed.rejected.append({"table": "comments", "line": n, "column": None,
                                    "reason": "text before the first message line (not a message)"})
        m_line = msgs.lines()
        parsed.rows_read["comments"] = len(m_line) + len(preface)
        if not len(m_line):
            parsed.tables["comments"] = _frame([], source, "")
            return parsed
        # day, month and year numbers of every header: split once per distinct date (by _DATE, three numbers)
        u_dates = list(msgs.dates)
        u_nums = pd.Series(u_dates, dtype=object).str.split(r"[./-]", expand=True, regex=True).astype(
            np.int64).to_numpy()
        date_code = msgs.codes("date")
        nums = u_nums[date_code]
        order = _order(nums, german, source, dayfirst)
        parts = nums
        y, mo, d = {"ymd": (0, 1, 2), "dmy": (2, 1, 0), "mdy": (2, 0, 1)}[order]
        u_times = list(msgs.times)
        u_clock = pd.Series(u_times, dtype=object).str.split(r"[:.]", expand=True, regex=True)
        u_clock = u_clock.reindex(columns=[0, 1, 2]).apply(pd.to_numeric).fillna(0).astype(int).to_numpy()
        clock = u_clock[msgs.codes("time")]
        u_marks = _markers(list(msgs.ampms))
        stamps = pd.to_datetime(pd.DataFrame({
            "year": np.where(parts[:, y] < 100, parts[:, y] + 2000, parts[:, y]), "month": parts[:, mo],
            "day": parts[:, d], "hour": _hours24(clock[:, 0], u_marks[msgs.codes("ampm")]),
            "minute": clock[:, 1], "second": clock[:, 2]}), errors="coerce")
        no_time = stamps.isna().to_numpy()
        kinds = msgs.codes("kind")
        is_msg = kinds == 0
        kind_names = list(msgs.kinds)
        for j in np.flatnonzero(no_time | ~is_msg):  # in line order, as the messages come
            if no_time[j]:
                self._bad(ctx, source, parsed, int(m_line[j]), f"{u_dates[date_code[j]]}, "
                          f"{u_times[msgs.codes('time')[j]]}", order)
                continue
            parsed.rejected.append({"table": "comments", "line": int(m_line[j]), "column": "text", "kind": "skipped",
                                    "reason": kind_names[kinds[j]]})
        keep = ~no_time[is_msg]  # of the messages, those with a time
        tz = ctx.zone_for(source, parsed.notes)
        if not keep.any():
            frame = _frame([], source, chat, tz=tz)
        else:
            local = stamps[is_msg & ~no_time].reset_index(drop=True)
            frame = _frame({"local": local, "author": msgs.column("author", keep), "text": msgs.column("text", keep),
                            "edited": msgs.edited(keep), "line": m_line[is_msg & ~no_time]}, source, chat, tz=tz)
        del msgs
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
    author, system_author = _author_of(m["author"])
    raw = m["text"] or ""
    body = raw.strip(_INVISIBLE + " ")
    if system_author:
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


def _frame(rows: dict | list, source: Source, chat: str, tz: str = "UTC") -> pd.DataFrame:
    """The comments table of the messages: ``rows`` holds ``local`` (naive times), ``author`` and ``text``
    (Arrow string arrays, phone numbers already masked), ``edited`` and ``line``."""
    if not len(rows):
        from ..schema import COMMENTS
        return COMMENTS.empty()
    local: pd.Series = rows["local"]
    authors: pa.ChunkedArray = pc.fill_null(rows["author"], "")
    texts: pa.ChunkedArray = rows["text"]
    index = local.index
    chat_id = "chat-" + hashlib.sha1(chat.encode("utf-8")).hexdigest()[:12]
    # each distinct time formatted once (as the column's ``astype(str)``: the format depends on all values)
    u_time, inv = np.unique(local.to_numpy(), return_inverse=True)
    when = pa.array(pd.Series(u_time, dtype=local.dtype).astype(str).tolist(), pa.string()).take(pa.array(inv))
    # the key of each message (chat|time|author|text) is joined in Arrow and hashed, a slice at a time
    sha1 = hashlib.sha1
    ids: list[str] = []
    step = 100_000
    for s in range(0, len(local), step):
        keys = pc.binary_join_element_wise(chat, when[s:s + step], authors[s:s + step], texts[s:s + step], "|")
        ids += ["wa-" + sha1(k).hexdigest()[:16] for k in keys.cast(pa.binary()).to_pylist()]
    cid = pd.Series(ids, index=index, dtype="str")
    del ids
    rep = cid.duplicated(keep=False).to_numpy()   # repeated messages (same time, author and text) are numbered
    if rep.any():
        sub = cid[rep]
        nth = sub.groupby(sub).cumcount()
        cid = cid.copy()
        cid[rep] = sub.where(nth == 0, sub + "-" + (nth + 1).astype(str))
    return pd.DataFrame({
        "platform": _PLATFORM, "account": chat, "post_id": chat_id, "comment_id": cid.astype("string"),
        "parent_id": pd.Series(pd.NA, index=index, dtype="string"),
        "author": pd.Series(pd.arrays.ArrowStringArray(rows["author"]), index=index),
        "is_owner": False, "published_at": localize(local, tz),
        "text": pd.Series(pd.arrays.ArrowStringArray(texts), index=index),
        "likes": pd.Series(pd.NA, index=index, dtype="Int64"), "edited": np.asarray(rows["edited"], dtype=bool),
    }).reset_index(drop=True)
