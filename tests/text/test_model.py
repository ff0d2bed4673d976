import pandas as pd
import pytest

from toolkit.errors import InputFileError, ParameterError
from toolkit.text.model import SentimentModel
from toolkit.text.scoring import add_sentiment, sentiment

POS = ["super, danke", "toll gemacht", "great service, thanks", "love it 😍", "richtig gut", "perfekt 👍"]
NEG = ["wieder verspätet", "nervt total", "awful delay again", "so bad 😡", "nie wieder", "kaputt, ätzend"]
NEU = ["Zug fährt um 9", "Gleis 4", "train leaves at 9", "platform 4", "ab Montag neu", "see timetable"]


@pytest.fixture(scope="module")
def trained():
    texts = (POS + NEG + NEU) * 3
    labels = (["positive"] * 6 + ["negative"] * 6 + ["neutral"] * 6) * 3
    return SentimentModel(lang="auto", cv=3).fit(pd.DataFrame({"text": texts, "label": labels}), progress=False)


def test_fit_reports_cv(trained):
    assert 0 <= trained.cv_macro_f1_ <= 1
    report = trained.cv_report_
    assert report["label"].tolist() == ["negative", "neutral", "positive", "macro"]
    assert report["support"].tolist() == [18, 18, 18, 54]
    assert report.loc[3, "f1"] == pytest.approx(trained.cv_macro_f1_)
    assert trained.n_train_ == 54


def test_model_plugs_into_sentiment_and_add_sentiment(trained):
    out = sentiment(["danke, super", "nervt total", None], model=trained, progress=False)
    assert out["label"].tolist()[:2] == ["positive", "negative"]
    assert pd.isna(out["label"].iloc[2]) and pd.isna(out["score"].iloc[2])
    assert -1 <= out["score"].iloc[0] <= 1
    table = add_sentiment(pd.DataFrame({"text": ["toll gemacht"]}), model=trained, progress=False)
    assert table["sentiment_label"].tolist() == ["positive"]


def test_save_and_load_roundtrip(trained, tmp_path):
    path = trained.save(tmp_path / "model.pkl")
    loaded = SentimentModel.load(path)
    a = sentiment(POS + NEG, model=trained, progress=False)
    b = sentiment(POS + NEG, model=loaded, progress=False)
    pd.testing.assert_frame_equal(a, b)


def test_load_errors(tmp_path):
    with pytest.raises(InputFileError, match="no such file"):
        SentimentModel.load(tmp_path / "nope.pkl")
    junk = tmp_path / "junk.pkl"
    junk.write_bytes(b"not a pickle")
    with pytest.raises(InputFileError, match="not a saved SentimentModel"):
        SentimentModel.load(junk)


def test_fit_errors():
    with pytest.raises(ParameterError, match="labels"):
        SentimentModel().fit(["a", "b"])
    with pytest.raises(ParameterError, match="'good'"):
        SentimentModel(cv=2).fit(["a", "b", "c", "d"], ["good", "negative", "positive", "neutral"])
    with pytest.raises(ParameterError, match="not trained"):
        sentiment(["x"], model=SentimentModel(), progress=False)
    with pytest.raises(ParameterError, match="expected a trained"):
        sentiment(["x"], model="my_model.pkl", progress=False)
