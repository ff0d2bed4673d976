"""Tests for toolkit/text/language.py: English/German detection with "unknown"."""

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import ParameterError, SchemaError
from toolkit.text.language import add_language, detect_language

GERMAN = [
    "Wann kommt der nächste Zug nach Berlin? Ich warte schon seit einer Stunde.",
    "Vielen Dank für die schnelle Antwort, das hat mir sehr geholfen!",
    "Die Bahn ist heute wieder einmal zu spät, das ist wirklich ärgerlich.",
    "Könnt ihr mir sagen, ob es das Angebot auch im Laden gibt?",
]
ENGLISH = [
    "When is the next train to Berlin? I have been waiting for an hour.",
    "Thank you so much for the quick answer, that really helped me!",
    "The train is late again today, which is really annoying.",
    "Can you tell me whether the offer is also available in the store?",
]


@pytest.mark.parametrize("engine", ["lingua", "langdetect"])
def test_clear_sentences(engine):
    got = detect_language(GERMAN + ENGLISH, engine=engine, progress=False)
    assert got.tolist() == ["de"] * 4 + ["en"] * 4
    assert got.dtype == "string"
    assert got.name == "lang"


@pytest.mark.parametrize("engine", ["lingua", "langdetect"])
def test_short_emoji_only_and_missing_are_unknown(engine):
    texts = ["ok", "Danke", "👍👍👍", "❤️🔥😂", "!!! ???", "12345 678", "", None, np.nan, pd.NA,
             "@someone https://example.com/a-very-long-path-indeed"]
    got = detect_language(texts, engine=engine, progress=False)
    assert got.tolist() == ["unknown"] * len(texts)


def test_min_chars_counts_letters_only():
    # "Guten Morgen" has 11 letters; emoji, digits, mentions and the URL do not count
    text = "@bahn 🚆 Guten Morgen 123 https://bahn.de/path"
    assert detect_language(text, min_chars=11, progress=False).tolist() == ["de"]
    assert detect_language(text, min_chars=12, progress=False).tolist() == ["unknown"]
    # min_chars=0 still never detects a text without letters
    assert detect_language("🚆🚆", min_chars=0, progress=False).tolist() == ["unknown"]


def test_text_with_emoji_and_mentions_is_detected():
    got = detect_language(["@DB_Bahn Der Zug ist schon wieder zu spät 😡 https://t.co/abc",
                           "@united my flight got cancelled again and nobody helps 😡 #fail"],
                          progress=False)
    assert got.tolist() == ["de", "en"]


def test_series_index_is_kept_and_input_unchanged():
    s = pd.Series([ENGLISH[0], None, GERMAN[0]], index=["a", "b", "c"])
    before = s.copy()
    got = detect_language(s, progress=False)
    assert got.index.tolist() == ["a", "b", "c"]
    assert got.tolist() == ["en", "unknown", "de"]
    pd.testing.assert_series_equal(s, before)


def test_single_string_and_empty_inputs():
    assert detect_language(GERMAN[1], progress=False).tolist() == ["de"]
    assert detect_language([], progress=False).tolist() == []
    assert detect_language(pd.Series([], dtype="string"), progress=False).dtype == "string"


def test_repeated_texts_get_the_same_answer():
    texts = [GERMAN[2], ENGLISH[2]] * 500 + ["hm"]
    got = detect_language(texts, progress=False)
    assert got.value_counts().to_dict() == {"de": 500, "en": 500, "unknown": 1}
    assert got.iloc[:4].tolist() == ["de", "en", "de", "en"]


def test_langdetect_is_deterministic():
    text = "Mega Angebot heute, nice 😍"
    runs = {tuple(detect_language([text] * 3, engine="langdetect", min_chars=1, progress=False))
            for _ in range(5)}
    assert len(runs) == 1


def test_bad_parameters():
    with pytest.raises(ParameterError, match="min_chars"):
        detect_language(["x"], min_chars=-1)
    with pytest.raises(ParameterError, match="engine"):
        detect_language(["x"], engine="fasttext")
    with pytest.raises(ParameterError, match="add_language"):
        detect_language(pd.DataFrame({"text": ["x"]}))


def test_add_language_adds_column_and_keeps_input():
    comments = pd.DataFrame({"comment_id": ["1", "2", "3"],
                             "text": [GERMAN[3], ENGLISH[3], "🙏"]}, index=[5, 6, 7])
    before = comments.copy()
    out = add_language(comments, progress=False)
    assert out["lang"].tolist() == ["de", "en", "unknown"]
    assert out.index.tolist() == [5, 6, 7]
    assert list(out.columns) == ["comment_id", "text", "lang"]
    pd.testing.assert_frame_equal(comments, before)


def test_add_language_other_column_and_missing_column():
    posts = pd.DataFrame({"message": [ENGLISH[1]]})
    assert add_language(posts, text_col="message", progress=False)["lang"].tolist() == ["en"]
    with pytest.raises(SchemaError, match="'text'.*present: \\['message'\\]"):
        add_language(posts)
