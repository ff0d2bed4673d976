import numpy as np
import pandas as pd
import pytest

from toolkit.errors import InputFileError, ParameterError, SchemaError
from toolkit.text.scoring import add_sentiment, load_lexicon, sentiment


def label(text, **kw):
    return sentiment([text], progress=False, **kw)["label"].iloc[0]


def score(text, **kw):
    return float(sentiment([text], progress=False, **kw)["score"].iloc[0])


def test_german_english_lexicon_trap_not_negative():
    # English VADER scores this -0.83 ("die", "war"); the German scorer must not.
    assert score("Die Bahn war pünktlich.", lang="de") > 0
    assert label("Die Bahn war pünktlich.") != "negative"


@pytest.mark.parametrize("text", ["nicht so toll", "Das ist nicht gut", "kein guter Service",
                                  "Das gefällt mir nicht."])
def test_german_negation_negative(text):
    assert score(text, lang="de") < 0


def test_german_negated_negative_turns_positive():
    assert score("Das ist nicht schlecht", lang="de") > 0


def test_german_boosters_and_dampeners():
    assert score("sehr gut", lang="de") > score("gut", lang="de") > score("etwas gut", lang="de") > 0
    assert score("total schlecht", lang="de") < score("schlecht", lang="de") < 0


def test_german_inflected_forms_and_loanwords():
    base = score("toll", lang="de")
    for form in ("tolle", "tollen", "toller"):
        assert score(form, lang="de") == pytest.approx(base)
    for word in ("super", "cool", "nice", "top", "geil"):
        assert score(word, lang="de") > 0
    assert score("fail", lang="de") < 0


@pytest.mark.parametrize("text, expected", [
    ("Toll! 😍", "positive"), ("👍", "positive"), ("😡", "negative"), ("🙏", "positive"),
    ("💪", "positive"), ("❤️", "positive"), ("👍🏽", "positive"), ("🤦‍♂️", "negative"),
])
def test_emoji(text, expected):
    assert label(text) == expected


def test_english_rules_and_handle_not_scored():
    assert score("This is not good at all", lang="en") < 0
    assert score("I love this so much", lang="en") > 0
    # "united" is positive in VADER; the handle must be dropped before scoring
    out = sentiment(["@united"], lang="en", progress=False)
    assert out["score"].isna().all()
    assert score("@united my flight", lang="en") == 0.0


def test_textblob_backend_english():
    assert score("a great day", lang="en", backend="textblob") == pytest.approx(0.8)
    assert score("great 😡😡", lang="en", backend="textblob") < 0.8


def test_mixed_language_text():
    # German words and an English loanword phrase in one comment
    assert score("Das Konzert war mega, love it", lang="auto") > 0


def test_missing_and_empty_input():
    out = sentiment(pd.Series(["gut", None, np.nan, "", "https://t.co/x"], index=list("abcde")), lang="de",
                    progress=False)
    assert out.index.tolist() == list("abcde")
    assert out["score"].isna().tolist() == [False, True, True, True, True]
    assert out["label"].isna().tolist() == [False, True, True, True, True]
    assert out["lang"].tolist() == ["de", "unknown", "unknown", "unknown", "unknown"]
    assert str(out["score"].dtype) == "Float64"


def test_repeated_texts_scored_once_same_result():
    texts = ["Toll! 😍"] * 1000 + ["Mist 😡"] * 1000
    out = sentiment(texts, lang="de", progress=False)
    assert out["label"].value_counts().to_dict() == {"positive": 1000, "negative": 1000}


def test_extra_lexicon_dict_and_csv(tmp_path):
    assert score("Das ist ein Shitstorm", lang="de", extra_lexicon={"shitstorm": -3}) < 0
    assert score("ausverkauft", lang="de") == 0.0
    csv = tmp_path / "words.csv"
    csv.write_text("word,valence\nausverkauft,1\n", encoding="utf-8")
    assert score("ausverkauft", lang="de", extra_lexicon=csv) > 0
    assert score("awesome", lang="en", extra_lexicon={"awesome": -3}) < 0


def test_extra_lexicon_bad_value():
    with pytest.raises(ParameterError, match="shitstorm"):
        sentiment(["x"], extra_lexicon={"shitstorm": "bad"}, progress=False)


def test_load_lexicon_bundled_and_sentiws(tmp_path):
    de = load_lexicon("de")
    assert list(de.columns) == ["word", "valence"]
    assert len(de) > 7000
    assert float(de.loc[de["word"] == "gut", "valence"].iloc[0]) == 2.0
    f = tmp_path / "SentiWS_v2.0_Positive.txt"
    f.write_text("Freude|NN\t0.6502\tFreuden\nschick|ADJX\t0.25\tschicke,schicken\n", encoding="utf-8")
    sw = load_lexicon(f)
    got = dict(zip(sw["word"], sw["valence"].astype(float)))
    assert got["freuden"] == pytest.approx(2.6008)
    assert got["schicken"] == pytest.approx(1.0)
    assert score("schicken", lang="de") == 0.0
    assert score("schicken", lang="de", extra_lexicon=sw) > 0


def test_load_lexicon_errors(tmp_path):
    with pytest.raises(InputFileError, match="no such file"):
        load_lexicon(tmp_path / "missing.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("word,valence\nfoo,bar\nok,1\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="1 line"):
        load_lexicon(bad)


def test_parameters_checked():
    with pytest.raises(ParameterError, match="lang='fr'"):
        sentiment(["x"], lang="fr")
    with pytest.raises(ParameterError, match="backend"):
        sentiment(["x"], backend="bert")
    with pytest.raises(ParameterError, match="thresholds"):
        sentiment(["x"], thresholds=(0.5, 0.1))


def test_thresholds_override():
    assert label("Die Bahn war pünktlich.", lang="de", thresholds=(-0.05, 0.05)) == "positive"


def test_add_sentiment_adds_columns_and_keeps_input():
    comments = pd.DataFrame({"comment_id": ["1", "2", "3"], "text": ["Super 👍", "nicht so toll", None]},
                            index=[5, 6, 7])
    before = comments.copy()
    out = add_sentiment(comments, progress=False)
    pd.testing.assert_frame_equal(comments, before)
    assert out.index.tolist() == [5, 6, 7]
    assert list(out.columns) == ["comment_id", "text", "lang", "sentiment_score", "sentiment_label"]
    assert out["sentiment_label"].tolist()[:2] == ["positive", "negative"]
    assert pd.isna(out["sentiment_label"].iloc[2])


def test_add_sentiment_missing_column():
    with pytest.raises(SchemaError, match="body"):
        add_sentiment(pd.DataFrame({"text": ["x"]}), text_col="body")


def test_auto_language_routes_to_the_right_lexicon():
    out = sentiment(["Die Bahn war heute pünktlich und der Service war gut.",
                     "The train was on time and the service was good.", "Toll! 😍"], progress=False)
    assert out["lang"].tolist() == ["de", "en", "unknown"]
    # English lexicon on this German sentence would be negative ("die", "war")
    assert (out["score"] > 0).all()


# vaderSentiment itself is the reference for the re-implemented English rules (texts without emoji,
# so both sides see the same tokens); each text exercises one rule.
VADER_CASES = [
    "The food was good.",
    "The food was not good.",                       # negation, 1 word before
    "The food was not very good!!",                 # negation 2 words before + booster + '!!'
    "I never thought it would be so great",         # negation 3 words before
    "It was never so good",                         # "never so" -> x 1.25
    "The service was VERY bad but the food was GREAT",  # CAPS differential, booster, "but"
    "It was kind of nice",                          # "kind of" dampener
    "This is the least helpful answer",             # "least"
    "No problem at all, thanks",                    # "no" before a lexicon word
    "That movie was the bomb",                      # special-case idiom
    "Well, this sucks??? Really???",                # question-mark emphasis
    "I am hardly happy, just sort of okay",         # dampeners
    "Without doubt the best day",                   # "without doubt"
    "nothing works and nobody helps",
]


@pytest.mark.parametrize("text", VADER_CASES)
def test_english_rules_match_vadersentiment(text):
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    expected = SentimentIntensityAnalyzer().polarity_scores(text)["compound"]
    assert score(text, lang="en") == pytest.approx(expected, abs=6e-5)


def test_english_emoji_from_bundled_table():
    # "great" alone: 3.1 -> 3.1 / sqrt(3.1**2 + 15); 😡 adds its table valence as one more word
    from toolkit.text.lexicons import _bundled_dict

    angry = _bundled_dict("emoji")["😡"]
    assert angry < 0
    assert score("great", lang="en") == pytest.approx(3.1 / np.sqrt(3.1 ** 2 + 15))
    total = 3.1 + angry
    assert score("great 😡", lang="en") == pytest.approx(total / np.sqrt(total ** 2 + 15))


def test_auto_language_short_texts_unknown_without_detector():
    from toolkit.text._langrule import _quick_lang

    assert _quick_lang("Danke 🙏") == "unknown"        # 5 letters: too short to tell
    assert _quick_lang("ist das nicht toll") == "de"
    assert _quick_lang("this is not that good") == "en"
    assert _quick_lang("Konzert tonight") is None      # no function words: the detector decides


def test_labels_per_row_with_missing_and_thresholds():
    # "gut" = 2.0 -> 2 / sqrt(4 + 15) = 0.459: neutral under the German default (0.65), positive at 0.05
    out = sentiment(["gut", None, "schlecht"] * 3, lang="de", progress=False)
    assert out["label"].isna().tolist() == [False, True, False] * 3
    assert out["label"].dropna().tolist() == ["neutral", "negative"] * 3
    out = sentiment(["gut", None, "schlecht"], lang="de", thresholds=(-0.05, 0.05), progress=False)
    assert out["label"].dropna().tolist() == ["positive", "negative"]
    assert out["score"].iloc[0] == pytest.approx(2 / np.sqrt(19))
    assert str(out["label"].dtype) == "string"


def test_mixed_batch_scores_equal_one_by_one():
    # scoring groups distinct texts by language; each row must still get its own text's score
    texts = ["Die Bahn war pünktlich, super!", "The train was late again", "Toll! 😍", None, "",
             "Das Konzert war nicht so toll", "great 😡", "Die Bahn war pünktlich, super!"]
    batch = sentiment(texts, progress=False)
    for k, text in enumerate(texts):
        one = sentiment([text], progress=False).iloc[0]
        assert batch["lang"].iloc[k] == one["lang"]
        assert (pd.isna(batch["score"].iloc[k]) and pd.isna(one["score"])) or \
            batch["score"].iloc[k] == one["score"], text


def test_progress_bar_counts_distinct_texts(capsys):
    sentiment(["Toll! 😍", "Mist 😡", "Toll! 😍", None], lang="de", progress=True)
    err = capsys.readouterr().err
    assert "sentiment" in err and "2/2" in err


def test_token_caches_stay_bounded(monkeypatch):
    from toolkit.text import _engines, _util

    texts = [f"word{k} ist gut, aber nicht toll" for k in range(40)] + [f"item{k} is not good" for k in range(40)]
    expected = sentiment(texts, progress=False)["score"].tolist()
    monkeypatch.setattr(_util, "_CACHE_MAX", 10)
    _engines._scorer.cache_clear()
    try:
        got = sentiment(texts, progress=False)["score"].tolist()
        for key in ("de", "en"):
            scorer = _engines._scorer(key, "vader", ())
            assert 0 < len(scorer._token_cache) <= 10
    finally:
        _engines._scorer.cache_clear()
    assert got == expected


@pytest.mark.parametrize("text, expected", [
    ("Ärger über die späte Ankunft", "de"),              # lower-case umlaut words count as German signs
    ("Is the Sommerröstung Sonnenhang good for espresso?", "en"),  # capitalised umlaut words do not count
    ("Hey man, die hard fans were there", "en"),         # "die", "man", "hey" are no German signs
    ("Got the Espresso Nachtschicht as a gift", "en"),   # German product name in an English text
    ("RE 8 fällt heute aus, danke für nichts", "de"),   # "RE" (Regional-Express) is no English sign
    ("Konzert tonight in München", None),                 # one sign each way: the detector decides
])
def test_quick_language_rule(text, expected):
    from toolkit.text._langrule import _quick_lang

    assert _quick_lang(text) == expected


def test_quick_language_rule_clear_lead_wins():
    from toolkit.text._langrule import _quick_lang

    # one German sign (the umlaut in a product name) against six English ones
    assert _quick_lang("Our office is hooked on the Hausmischung Gipfelglück and everyone loves it") == "en"
    assert _quick_lang("Wir haben den Coffee to go in der Früh immer dabei und es ist super") == "de"


def test_each_distinct_cleaned_text_scored_once(monkeypatch):
    from toolkit.text import _engines

    calls = []
    original = _engines._RuleScorer.score

    def counting(self, text):
        calls.append(text)
        return original(self, text)

    monkeypatch.setattr(_engines._RuleScorer, "score", counting)
    # 2,001 rows, 3 distinct raw texts, 2 distinct after cleaning (the double space collapses)
    texts = ["Toll! 😍"] * 1000 + ["Mist 😡"] * 1000 + ["Toll!  😍"]
    out = sentiment(texts, lang="de", progress=False)
    assert sorted(calls) == ["Mist 😡", "Toll! 😍"]
    assert out["score"].iloc[-1] == out["score"].iloc[0]
