"""Tests for toolkit/text/features.py: hashtags, mentions, emoji, URLs, keywords, n-grams, questions."""

import pandas as pd
import pytest

from toolkit.errors import ParameterError, SchemaError
from toolkit.text.features import (emoji, hashtags, is_question, keywords, mentions, ngrams,
                                   stopwords, urls)


def _posts(*texts, **cols):
    return pd.DataFrame({"platform": "instagram", "post_id": [str(i) for i in range(len(texts))],
                         "text": list(texts), **cols})


# --- hashtags -----------------------------------------------------------------------------------

def test_hashtags_keep_umlauts_and_sharp_s():
    got = hashtags(_posts("Heute im Blatt: #Kreuzworträtsel an der #Straße"))
    assert got["hashtag"].tolist() == ["kreuzworträtsel", "straße"]
    assert got["display"].tolist() == ["#Kreuzworträtsel", "#Straße"]
    assert got["position"].tolist() == [0, 1]
    assert list(got.columns) == ["platform", "post_id", "hashtag", "display", "position"]


def test_hashtags_fullwidth_and_case_insensitive_key():
    got = hashtags(_posts("＃Kaffee am Morgen", "#Röstfrisch und #röstfrisch #KAFFEE"))
    assert got["post_id"].tolist() == ["0", "1", "1", "1"]
    assert got["hashtag"].tolist() == ["kaffee", "röstfrisch", "röstfrisch", "kaffee"]
    assert got["display"].tolist() == ["＃Kaffee", "#Röstfrisch", "#röstfrisch", "#KAFFEE"]
    assert got["position"].tolist() == [0, 0, 1, 2]


def test_hashtag_followed_by_punctuation_and_chained():
    got = hashtags(["#Kaffee! (#Kuchen), #Tee. #Kaffee#Kuchen #snake_case"])
    assert got["display"].tolist() == ["#Kaffee", "#Kuchen", "#Tee", "#Kaffee", "#Kuchen",
                                       "#snake_case"]


def test_pure_numbers_are_not_hashtags_but_alphanumerics_are():
    got = hashtags(["Platz #1 und #2024, aber #123abc und #S21"])
    assert got["hashtag"].tolist() == ["123abc", "s21"]
    assert got["position"].tolist() == [0, 1]


def test_not_hashtags_url_fragment_entity_and_inside_words():
    got = hashtags(["Siehe https://x.de/#anchor und x.de/#frag, C# ist toll, it&#39;s, abc#def"])
    assert got.empty
    assert list(got.columns) == ["id", "hashtag", "display", "position"]


def test_hashtags_nfkc_key_for_fullwidth_letters_and_decomposed_umlaut():
    decomposed = "#Ro\u0308stfrisch"  # o + combining diaeresis, as macOS may write it
    got = hashtags(["#ＫＡＦＦＥＥ " + decomposed])
    assert got["hashtag"].tolist() == ["kaffee", "röstfrisch"]
    assert got["display"].tolist() == ["#ＫＡＦＦＥＥ", decomposed]


def test_hashtags_plain_series_uses_index_as_id_and_missing_text():
    s = pd.Series(["#a1", None, "#b"], index=[10, 20, 30])
    got = hashtags(s)
    assert got["id"].tolist() == [10, 30]
    assert got["hashtag"].tolist() == ["a1", "b"]


def test_hashtags_comments_id_cols_and_input_unchanged():
    comments = pd.DataFrame({"platform": ["facebook"] * 2, "comment_id": ["c1", "c2"],
                             "text": ["#Lob", "kein Tag"]})
    before = comments.copy()
    got = hashtags(comments, id_cols=("platform", "comment_id"))
    assert got.to_dict("list") == {"platform": ["facebook"], "comment_id": ["c1"], "hashtag": ["lob"],
                                   "display": ["#Lob"], "position": [0]}
    pd.testing.assert_frame_equal(comments, before)


def test_hashtags_missing_columns_error_names_them():
    with pytest.raises(SchemaError, match=r"\['post_id'\].*comment_id"):
        hashtags(pd.DataFrame({"platform": ["x"], "comment_id": ["1"], "text": ["#a"]}))


# --- mentions -------------------------------------------------------------------------------------

def test_mentions_handles_emails_and_fediverse():
    got = mentions(["@DB_Bahn danke! Schreib an info@firma.de oder max.muster@web.de, "
                    "cc @Anna@mastodon.social und @j.doe. ＠Zoe"])
    assert got["mention"].tolist() == ["db_bahn", "anna@mastodon.social", "j.doe", "zoe"]
    assert got["display"].tolist() == ["@DB_Bahn", "@Anna@mastodon.social", "@j.doe", "＠Zoe"]
    assert got["position"].tolist() == [0, 1, 2, 3]


def test_mentions_inside_urls_are_not_mentions():
    assert mentions(["https://medium.com/@autor/post lesen"]).empty


# --- emoji ----------------------------------------------------------------------------------------

def test_emoji_zwj_family_vs16_and_skin_tone_are_single_items():
    family = "👨\u200d👩\u200d👧\u200d👦"
    got = emoji(_posts(f"Wir {family} lieben ❤️ das 👍🏽👍"))
    assert got["emoji"].tolist() == [family, "❤️", "👍🏽", "👍"]
    assert got["name"].tolist() == ["family man woman girl boy", "red heart",
                                    "thumbs up medium skin tone", "thumbs up"]
    assert got["position"].tolist() == [0, 1, 2, 3]
    assert len(got["emoji"].iloc[1]) == 2  # U+2764 U+FE0F kept together


def test_emoji_none_in_ascii_or_text_with_umlauts():
    assert emoji(["no emoji here :) #1", "Schöne Grüße"]).empty


# --- urls -----------------------------------------------------------------------------------------

def test_urls_trailing_punctuation_and_domain():
    got = urls(["Mehr: https://www.Bahn.de/angebote?x=1. Und (siehe www.example.com/a) oder "
                "https://de.wikipedia.org/wiki/Kaffee_(Getränk)!"])
    assert got["url"].tolist() == ["https://www.Bahn.de/angebote?x=1", "www.example.com/a",
                                   "https://de.wikipedia.org/wiki/Kaffee_(Getränk)"]
    assert got["domain"].tolist() == ["bahn.de", "example.com", "de.wikipedia.org"]


# --- keywords and n-grams -------------------------------------------------------------------------

def test_keywords_drop_stopwords_in_both_languages():
    got = keywords(["Der Kaffee ist heute sehr gut", "The coffee is really good today",
                    "Kaffee und Kuchen, und das Wetter ist super"], n=None)
    words = set(got["keyword"])
    assert words == {"kaffee", "heute", "gut", "coffee", "good", "today", "kuchen", "wetter", "super"}
    kaffee = got[got["keyword"] == "kaffee"].iloc[0]
    assert (kaffee["n_docs"], kaffee["n_occurrences"]) == (2, 2)
    assert kaffee["doc_rate"] == pytest.approx(2 / 3)
    assert got["keyword"].iloc[0] == "kaffee"  # most documents first


def test_keywords_lang_picks_one_stopword_list():
    got = keywords(["the Kaffee der"], lang="en", n=None)
    assert got["keyword"].tolist() == ["der", "kaffee"]


def test_keywords_weighted_by_engagement_with_na():
    posts = _posts("Kaffee heute", "Kaffee Kaffee Kuchen", "Kuchen", "Tee 😍 https://t.co/x #Kaffee",
                   engagements=pd.array([10, 4, None, 1], dtype="Int64"))
    before = posts.copy()
    with pytest.warns(UserWarning, match="not reported.*1 of 4"):
        got = keywords(posts, weight_col="engagements", n=None)
    rows = got.set_index("keyword")
    # kaffee: posts 0, 1, 3 -> weight 10 + 4 + 1 = 15, mean 15 / 3
    assert rows.loc["kaffee", "n_docs"] == 3 and rows.loc["kaffee", "n_occurrences"] == 4
    assert rows.loc["kaffee", "weight"] == 15.0 and rows.loc["kaffee", "weight_mean"] == 5.0
    # kuchen: posts 1 (4) and 2 (not reported) -> weight 4, mean over the one reported post 4
    assert rows.loc["kuchen", "weight"] == 4.0 and rows.loc["kuchen", "weight_mean"] == 4.0
    assert got["keyword"].tolist() == ["kaffee", "heute", "kuchen", "tee"]  # by weight
    assert "t.co" not in " ".join(got["keyword"])
    pd.testing.assert_frame_equal(posts, before)


def test_keywords_repeated_texts_count_each_row_and_min_docs_top():
    got = keywords(["Super Kaffee"] * 3 + ["Kuchen"], min_docs=2)
    assert got.to_dict("list")["keyword"] == ["kaffee", "super"]
    assert got["n_docs"].tolist() == [3, 3]
    assert len(keywords(["a1 b1 c1 d1"], n=2)) == 2


def test_keywords_extra_stopwords_and_bad_parameters():
    got = keywords(["Rösterei Müller Kaffee"], extra_stopwords=["Müller", "rösterei"])
    assert got["keyword"].tolist() == ["kaffee"]
    with pytest.raises(ParameterError, match="lang"):
        keywords(["x"], lang="fr")
    with pytest.raises(ParameterError, match="n=0"):
        keywords(["x"], n=0)
    with pytest.raises(SchemaError, match="likes"):
        keywords(_posts("x"), weight_col="likes")


def test_ngrams_break_at_punctuation_and_trim_stopwords():
    got = ngrams(["Kaffee und Kuchen! Kuchen essen", "Heute Kaffee und Kuchen 😍 essen"], order=2, n=None)
    # "kaffee und", "und kuchen" end/start with a stop word; "kuchen kuchen" spans "!"; emoji breaks
    assert got.set_index("ngram")["n_docs"].to_dict() == {"kuchen essen": 1, "heute kaffee": 1}
    tri = ngrams(["Kaffee und Kuchen! Kuchen essen", "Heute Kaffee und Kuchen 😍 essen"], order=3)
    assert tri["ngram"].tolist() == ["kaffee und kuchen"]
    assert tri["n_docs"].tolist() == [2]
    with pytest.raises(ParameterError, match="order=0"):
        ngrams(["x"], order=0)


def test_stopword_lists_are_shipped():
    assert {"the", "and", "don't"} <= stopwords("en")
    assert {"der", "und", "nicht", "für", "gibt's"} <= stopwords("de")
    assert "kaffee" not in stopwords("de")


# --- questions ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Wann öffnet ihr morgen", True),
    ("wo bekomme ich das", True),
    ("Wie lange dauert der Versand", True),
    ("Gibt es das auch in Blau", True),
    ("@shop habt ihr noch Größe M", True),
    ("Super Sache. Kann man das auch online bestellen", True),
    ("How do I return this", True),
    ("is it vegan", True),
    ("Do you ship to Austria", True),
    ("can i pay with paypal", True),
    ("Echt jetzt?", True),
    ("Echt jetzt？", True),
    ("Wie geil ist das denn!", False),
    ("Was für ein toller Tag", False),
    ("What a great day", False),
    ("Toller Post, danke!", False),
    ("Link: https://shop.de/p?id=3", False),
    ("Wohnzimmer sieht super aus", False),
    ("Whyyy not", False),
    ("", False),
])
def test_is_question(text, expected):
    assert is_question([text]).tolist() == [expected]


def test_is_question_series_index_and_missing():
    s = pd.Series(["Warum?", None, "ok"], index=["a", "b", "c"])
    got = is_question(s)
    assert got.tolist() == [True, False, False]
    assert got.index.tolist() == ["a", "b", "c"]
    assert got.dtype == bool
    with pytest.raises(ParameterError, match="is_question"):
        is_question(pd.DataFrame({"text": ["?"]}))
