"""WhatsApp chat exports -> the comments table (reply times, pseudonyms and phone masking included)."""

import zipfile

import numpy as np
import pandas as pd
import pytest

import toolkit as tk
from toolkit.errors import ExportFormatError
from toolkit.io import Source
from toolkit.io._base import Context
from toolkit.io.whatsapp import WhatsAppChat, mask_phones
from toolkit.schema import COMMENTS

from ._traffic_util import FIX

WA = FIX / "whatsapp"


def chat(name, data=None, *, tz="Europe/Berlin", **options):
    """The loader on one chat with the options load() passes (owner=, dayfirst=)."""
    ctx = Context(tz=tz, **options)
    src = Source(name, data if data is not None else (WA / name).read_bytes())
    assert WhatsAppChat().sniff(src, ctx)
    parsed = WhatsAppChat().read(src, ctx)
    c = parsed.tables["comments"]
    assert parsed.rows_read["comments"] == len(c) + len(parsed.rejected)
    return parsed, c


def utc(s):
    return pd.Timestamp(s, tz="UTC")


def test_android_german_messages_system_lines_and_placeholders():
    p, c = chat("WhatsApp Chat mit Vereinsvorstand.txt", owner="Bergkaffee Team")
    COMMENTS.validate(c.assign(source_file="f"))
    assert (c.platform == "whatsapp").all() and (c.account == "Vereinsvorstand").all() and c.post_id.nunique() == 1
    assert c.text.iloc[0] == "Hallo zusammen!\nWann ist das nächste Treffen?\nIch bringe Kuchen mit."   # multi-line
    assert c.text.iloc[1] == "Treffen um 14:30: passt?" and c.author.iloc[1] == "Bergkaffee Team"
    assert c.published_at.iloc[0] == utc("2024-03-29 08:05")
    edited = c[c.edited]
    assert edited.text.tolist() == ["Passt!"]
    reasons = {r["line"]: r["reason"] for r in p.rejected}
    assert reasons[1].startswith("system message") and reasons[2].startswith("system message")
    assert reasons[7].startswith("media placeholder") and reasons[9] == "deleted message"
    assert reasons[11].startswith("empty message") and reasons[12].startswith("location share")
    assert all(r["kind"] == "skipped" for r in p.rejected)


def test_phone_numbers_are_masked_in_author_and_text():
    _, c = chat("WhatsApp Chat mit Vereinsvorstand.txt")
    assert not c.author.str.contains("23456789").any() and not c.text.str.contains("23456789").any()
    assert "+49 … 6789" in set(c.author)
    assert c[c.author == "+49 … 6789"].text.item() == "Meine Nummer ist +49 … 6789, ruft an"
    assert mask_phones(pd.Series(["Termin am 12.03.2024 um 14:30, Tel. 0221 9876543"])).item() == \
        "Termin am 12.03.2024 um 14:30, Tel. 0 … 6543"


def test_reply_times_work_unchanged_and_across_the_dst_night():
    _, c = chat("WhatsApp Chat mit Vereinsvorstand.txt", owner="Bergkaffee Team")
    r = tk.community.reply_times(c).set_index("text")
    assert len(r) == 3          # conversation openers: the account's messages answer them
    first = r.loc["Hallo zusammen!\nWann ist das nächste Treffen?\nIch bringe Kuchen mit."]
    assert first.replied and first.minutes_to_reply == 35.0
    # 01:50 before the clocks go forward, answered 03:10 after: 20 minutes, not 80
    opener = c[c.author == "+49 … 6789"].comment_id.item()
    dst_answer = c[c.text == "Ja, ab 9 Uhr."]
    assert dst_answer.parent_id.item() == opener
    q = c[c.text == "Ist der Laden morgen offen?"]
    assert (dst_answer.published_at.item() - q.published_at.item()) == pd.Timedelta(minutes=20)
    assert not r.loc["Danke 😊", "replied"]


def test_authors_pseudonymised_like_commenters():
    _, c = chat("WhatsApp Chat mit Vereinsvorstand.txt", owner="Bergkaffee Team")
    pc = tk.community.pseudonymize(c, salt="s")
    assert set(pc.author) - {"Bergkaffee Team"} <= set(pc.author[pc.author.str.startswith("member-")])
    assert "Anna Berger" not in set(pc.author)


def test_ios_zip_crlf_lrm_group_name_system_lines_and_unsaved_contacts(tmp_path):
    with zipfile.ZipFile(WA / "WhatsApp Chat - Team Bergkaffee.zip") as z:
        raw = z.read("_chat.txt")
    assert b"\r\n" in raw
    p, c = chat("WhatsApp Chat - Team Bergkaffee.zip!_chat.txt", raw, owner="Lena Koch")
    assert c.account.unique().tolist() == ["Team Bergkaffee"]
    assert c.author.tolist() == ["Max", "Lena Koch", "Max"]                   # "~\u202fMax" -> "Max"
    assert c.text.tolist() == ["Schönes Foto!\nWo ist das?", "Im Laden in Köln 😊", "Habt ihr heute offen?"]
    assert c.published_at.tolist() == [utc("2024-03-12 13:06:10"), utc("2024-03-12 13:20:45"), utc("2024-03-13 07:16:00")]
    kinds = [r["reason"].split(" (")[0] for r in p.rejected]
    assert kinds == ["system message", "system message", "attachment", "media placeholder", "system message"]


def test_zip_as_downloaded_through_load():
    ds = tk.load(WA / "WhatsApp Chat - Team Bergkaffee.zip", tz="Europe/Berlin")
    assert len(ds.comments) == 3 and (ds.comments.platform == "whatsapp").all()
    r = ds.load_report.set_index("table").loc["comments"]
    assert (r.rows_read, r.rows_loaded, r.rows_rejected) == (8, 3, 5)
    assert "reply times need owner=" in r.notes


def test_us_english_12_hour_times_month_first_inferred():
    p, c = chat("WhatsApp Chat with Sam Lee.txt", tz="America/New_York")
    assert c.published_at.tolist() == [utc("2024-01-30 04:58"), utc("2024-01-30 13:10")]   # 11:58 PM and 8:10 AM EST
    assert c.text.iloc[0] == "Quick question:\ndoes the grinder fit the 250 g bags?"
    assert any("m/d/y" in n for n in p.notes)


def test_ambiguous_dates_ask_for_dayfirst():
    jane = (WA / "broken" / "ambiguous_dates_WhatsApp Chat with Jane.txt").read_bytes()
    with pytest.raises(ExportFormatError, match=r"day/month or month/day.*dayfirst=True.*dayfirst=False"):
        chat("WhatsApp Chat with Jane.txt", jane)
    _, c = chat("WhatsApp Chat with Jane.txt", jane, dayfirst=True, tz="UTC")
    assert c.published_at.tolist() == [utc("2024-02-01 09:16"), utc("2024-03-01 13:05"), utc("2024-03-02 12:30")]
    _, c = chat("WhatsApp Chat with Jane.txt", jane, dayfirst=False, tz="UTC")
    assert c.published_at.iloc[2] == utc("2024-02-03 12:30")


def test_german_12_hour_markers_are_tolerated():
    _, c = chat("WhatsApp Chat mit Olga.txt", tz="UTC")
    assert c.published_at.tolist() == [utc("2024-03-05 09:15"), utc("2024-03-05 13:30"), utc("2024-03-15 23:05")]


def test_impossible_date_names_the_line():
    with pytest.raises(ExportFormatError, match=r"line 1, column 'date': '29.02.23, 09:00' is not a valid date"):
        chat("WhatsApp Chat mit Kalender bad_date_line_1.txt", (WA / "broken" / "WhatsApp Chat mit Kalender bad_date_line_1.txt").read_bytes())


def test_same_chat_exported_twice_dedupes(tmp_path):
    src = WA / "WhatsApp Chat mit Vereinsvorstand.txt"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / src.name).write_bytes(src.read_bytes())
    (tmp_path / "b" / src.name).write_bytes(src.read_bytes())
    ds = tk.load(tmp_path, tz="Europe/Berlin")
    assert len(ds.comments) == 7 and ds.load_report.duplicates_dropped.sum() == 7


def test_load_takes_owner_and_dayfirst():
    ds = tk.load(WA / "WhatsApp Chat mit Vereinsvorstand.txt", tz="Europe/Berlin", owner=["Bergkaffee Team"])
    assert ds.comments.is_owner.sum() == 2
    assert tk.community.reply_times(ds.comments).minutes_to_reply.iloc[0] == 35.0
    jane = WA / "broken" / "ambiguous_dates_WhatsApp Chat with Jane.txt"
    with pytest.raises(ExportFormatError, match="dayfirst=True"):
        tk.load(jane, tz="UTC")
    assert tk.load(jane, tz="UTC", dayfirst=True).comments.published_at.iloc[1] == utc("2024-03-01 13:05")
    with pytest.raises(ValueError, match="dayfirst='yes'"):
        tk.load(jane, tz="UTC", dayfirst="yes")


def test_ios_english_12_hour_with_narrow_spaces_unsaved_contact_and_placeholders():
    with zipfile.ZipFile(WA / "WhatsApp Chat - Coffee Club.zip") as zf:
        text = zf.read("_chat.txt")
    p, c = chat("_chat.txt", text, tz="America/New_York", owner="Bergkaffee Support")
    assert c.author.tolist() == ["Chris", "Bergkaffee Support"]  # '~ Chris' of an unsaved contact
    assert c.text.iloc[0] == "Is the Huila back in stock?\nAsking for a friend 😄"
    assert c.published_at.tolist() == [utc("2024-03-13 03:58:30"), utc("2024-03-13 13:15")]  # 11:58:30 PM EDT
    assert any("m/d/y" in n for n in p.notes)
    reasons = sorted(r["reason"].split(" (")[0] for r in p.rejected)
    assert reasons == ["deleted message", "media placeholder", "system message", "system message"]
    assert c.loc[c.is_owner, "parent_id"].tolist() == [c.comment_id.iloc[0]]


def test_android_uk_english_24_hour_day_first_from_the_file():
    p, c = chat("WhatsApp Chat with Priya Shah.txt", tz="Europe/London", owner="Bergkaffee")
    assert c.published_at.tolist() == [utc("2024-03-12 21:45"), utc("2024-03-13 09:05")]
    assert any("d/m/y" in n for n in p.notes)
    assert c.account.unique().tolist() == ["Priya Shah"]
    assert len(p.rejected) == 3  # encryption notice, 'You added', media placeholder


def test_mask_phones_masks_the_same_texts_when_only_some_have_eight_digits():
    texts = pd.Series(["ohne Nummer", "Ruf an: +49 151 23456789", None, "am 12.03.2024 um 14:30", "0151/2345678 x"] * 300,
                      dtype="string")
    got = mask_phones(texts)
    one_by_one = pd.concat([mask_phones(texts.iloc[[i]]) for i in range(5)]).tolist() * 300
    assert got.tolist() == one_by_one
    assert got.iloc[1] == "Ruf an: +49 … 6789" and got.iloc[0] == "ohne Nummer" and pd.isna(got.iloc[2])


# --- the whole-text header split gives what matching each line alone gave (issue #14.1) ----------------

TRICKY = ("Vorwort ohne Kopf\n\n\u200e01.03.20, 10:02 - Nachrichten sind Ende-zu-Ende-verschlüsselt.\n"
          "01.03.20, 10:02\n- Bob: kein Kopf (Zeilenumbruch nach der Zeit)\n01.03.20, 10:03 -\nBob: auch keiner\n"
          "01.03.20, 10:04 - ~\u202fMax: Hallo +49 151 23456789\nzweite Zeile 0151/2345678\n\n\n"
          "[1/29/18, 9:24:03\u202fPM] Alice: Hallo\n[1/29/18, 9:25:03 AM]\n Alice: kein Kopf\n"
          "[1/30/18, 12:24:03 PM] \u200eAlice: \u200eimage omitted\n1/31/18, 1:00 a.\nm. - Bob: kein Kopf\n"
          "29.01.18, 9:24 nachm. - Bob: ja\n\u200e\u200f29.01.18 23:47 \u2013 Bob: Gedankenstrich\n"
          "2018-01-29, 23:47 - Bob: ISO\n29.01.18,\t23:47 -\tBob: Tab\n29.01.18, 23:47 -  Bob: zwei Leerzeichen\n"
          "[29.01.18, 23:47]\n[29.01.18, 23:47] \n29.01.18, 23:47 - \n\n29.01.18, 23:47 - Bob: Ende")


def _line_by_line(text):
    """The former reading: each line matched alone (``_header``), other lines appended to the message."""
    from toolkit.io.whatsapp import _header
    heads, rests = [], []
    for n, line in enumerate(text.split("\n"), start=1):
        m = _header(line)
        if m:
            heads.append((n, m["date"], m["time"], m["ampm"]))
            rests.append(m["rest"])
        elif rests:
            rests[-1] += "\n" + line
    return heads, [r.rstrip("\n") for r in rests]


@pytest.mark.parametrize("block", [10, 40, 200, 4_000_000])
def test_whole_text_header_split_matches_line_by_line_reading(monkeypatch, block):
    from toolkit.io import whatsapp
    monkeypatch.setattr(whatsapp, "_BLOCK", block)   # small blocks: messages cut across block starts
    text = TRICKY * 3
    heads, rests = [], []
    for pieces, line0 in whatsapp._blocks(text):
        line = line0 + pieces[0].count("\n") + 1
        for k in range(1, len(pieces), whatsapp._STRIDE):
            _, date, time, ampm, rest = pieces[k:k + whatsapp._STRIDE]
            heads.append((line, date, time, ampm))
            rests.append(rest.rstrip("\n"))
            line += rest.count("\n")
    assert (heads, rests) == _line_by_line(text)
    assert len(heads) > 30


def test_blocks_give_the_same_table_as_one_block(monkeypatch):
    from toolkit.io import whatsapp
    data = (WA / "WhatsApp Chat mit Vereinsvorstand.txt").read_bytes()
    p1, c1 = chat("WhatsApp Chat mit Vereinsvorstand.txt", data * 3, owner="Bergkaffee Team")
    monkeypatch.setattr(whatsapp, "_BLOCK", 50)
    p2, c2 = chat("WhatsApp Chat mit Vereinsvorstand.txt", data * 3, owner="Bergkaffee Team")
    pd.testing.assert_frame_equal(c1, c2)
    assert p1.rejected == p2.rejected and p1.notes == p2.notes
    assert c1.comment_id.str.endswith("-3").any()   # the repeated messages got numbered ids


def test_phone_masking_of_one_text_matches_mask_phones():
    import re

    from toolkit.io.whatsapp import _EIGHT_DIGITS, _mask_one
    texts = ["", "1234567", "12345678", "a1b2c3d4e5f6g7h8", "+49 151 23456789", "0151/2345678 und 1234",
             "Tel.: +1 (415) 555-0100!", "am 12.03.2024 um 14:30", "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668",
             "12\n34\n56\n78", "+49 1512 3456789\u202f0151 23456789", "x" * 50 + "9" * 7, "٣ 0151 2345678"]
    masked = mask_phones(pd.Series(texts)).tolist()
    for t, want in zip(texts, masked):
        assert (_EIGHT_DIGITS.search(t) is not None) == (len(re.findall(r"\d", t)) >= 8), t
        assert _mask_one(t) == want, t


def test_owner_taken_from_the_other_exports_names_case_and_space_blind():
    from toolkit.io.whatsapp import owner_from_accounts
    comments = pd.DataFrame({
        "platform": ["whatsapp"] * 5 + ["instagram"],
        "post_id": ["chat-1"] * 5 + ["p1"], "comment_id": [f"c{i}" for i in range(6)],
        "author": pd.Series(["Anna", " bergkaffee ", pd.NA, "BERGKAFFEE", "Bergkaffee Team", "Bergkaffee Team"],
                            dtype="string"),
        "is_owner": [False] * 5 + [True],
        "published_at": pd.date_range("2024-01-01", periods=6, freq="h", tz="UTC"),
        "parent_id": pd.Series([pd.NA] * 6, dtype="string")})
    posts = pd.DataFrame({"account": ["Bergkaffee"]})
    out, note = owner_from_accounts(comments, posts)
    assert out["is_owner"].tolist() == [False, True, False, True, True, True]
    assert "BERGKAFFEE" in note and " bergkaffee " in note


def test_inline_plain_message_path_gives_what_classify_gives():
    from toolkit.io.whatsapp import _EDITED, _Messages, _blocks, _classify, _mask_one
    chat_name = "Vorstand"
    rests = ["Bob: hi", "Bob:", "Bob: ", "Bob: \u200ehi", "Bob: \u200fhi\u200e!", "Vorstand: hi", "Vorstand: Hallo",
             "Du hast Sam hinzugefügt: hallo", "Anna hat die Gruppe verlassen: x", "Bob: image omitted",
             "Bob:  \u200f ", "keine Person hier", "Bob: Verpasster Sprachanruf", "~\u202fMax: hallo", "Bob: NULL",
             "Bob: null", "Bob: Neu <Diese Nachricht wurde bearbeitet.>", "Bob: call me +49 151 23456789",
             "+49 151 23456789: hi", "Bob:hi", "Bob: Ende-zu-Ende-verschlüsselt", "Bob: \ufeffhi", "Bob: ÄNGEHÄNGT",
             "Bob: multi\nline\n\n", "Bob: IMAGE OMITTED", "Bob: Datei ANGEHÄNGT", "Bob: OMİTTED", "Bob: ſtandort",
             "Bob: SECURITY CODE", "Bob: Call me", "Call Center: hi", "Bob: \u212aontakt NULL", "Bob: Gelöscht?"]
    text = "".join(f"01.03.20, 10:{i:02d} - {r}\n" for i, r in enumerate(rests))
    msgs = _Messages(chat_name)
    for pieces, line0 in _blocks(text):
        msgs.add(pieces, line0)
    kinds = list(msgs.kinds)
    got = [kinds[k] for k in msgs.codes("kind")]
    want = [_classify(r.rstrip("\n"), chat_name) for r in rests]
    assert got == [w[0] for w in want]
    keep = np.ones(sum(k == "message" for k in got), dtype=bool)
    plain = [w for w in want if w[0] == "message"]
    assert msgs.column("author", keep).to_pylist() == [_mask_one(w[1]) for w in plain]
    assert msgs.column("text", keep).to_pylist() == [_mask_one(_EDITED.sub("", w[2])) for w in plain]
