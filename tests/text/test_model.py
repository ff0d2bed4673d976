import pickle
import zipfile

import numpy as np
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


def test_save_and_load_roundtrip_predicts_exactly_the_same(trained, tmp_path):
    path = trained.save(tmp_path / "model.npz")
    loaded = SentimentModel.load(path)
    texts = POS + NEG + NEU + ["danke, aber wieder verspätet", "Zug 9 super", "😍😡", "", None,
                               "völlig neue Wörter ohne Überschneidung", "love the train, hate the delay"]
    a = sentiment(texts, model=trained, progress=False)
    b = sentiment(texts, model=loaded, progress=False)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    pd.testing.assert_frame_equal(loaded.cv_report_, trained.cv_report_, check_exact=True)
    assert (loaded.cv_macro_f1_, loaded.n_train_, loaded.lang) == (trained.cv_macro_f1_, 54, "auto")
    again = loaded.save(tmp_path / "again.npz")  # a loaded model saves again, to the same content
    c = sentiment(texts, model=SentimentModel.load(again), progress=False)
    pd.testing.assert_frame_equal(a, c, check_exact=True)


def test_saved_file_is_data_only(trained, tmp_path):
    path = trained.save(tmp_path / "model.bin")
    assert path == tmp_path / "model.bin"  # no suffix added
    with zipfile.ZipFile(path) as zf:
        assert all(n.endswith(".npy") for n in zf.namelist())
    with np.load(path, allow_pickle=False) as npz:  # would raise for any pickled (object) array
        assert all(npz[n].dtype != object for n in npz.files)
        assert {"words_vocabulary", "chars_vocabulary", "coef", "intercept", "settings"} <= set(npz.files)


def test_predictor_reproduces_the_sklearn_pipeline(trained):
    from toolkit.text.model import _Predictor

    texts = [t for t in POS + NEG + NEU] * 2 + ["ganz neu", "great, toll, super 👍", "x"]
    frame = trained._frame(texts, np.array(["unknown"] * len(texts), dtype=object))
    want = trained._pipeline.predict_proba(frame)
    got = _Predictor.from_pipeline(trained._pipeline).predict_proba(frame)
    assert np.array_equal(want, got)


def test_two_class_model_roundtrip(tmp_path):
    model = SentimentModel(lang="de", cv=2).fit(POS * 2 + NEG * 2, ["positive"] * 12 + ["negative"] * 12,
                                                progress=False)
    loaded = SentimentModel.load(model.save(tmp_path / "m.npz"))
    texts = POS + NEG + ["weiß nicht"]
    pd.testing.assert_frame_equal(sentiment(texts, model=model, progress=False),
                                  sentiment(texts, model=loaded, progress=False), check_exact=True)


class _RunsCode:
    """Unpickling this object calls open(marker, 'w'): it creates a file."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_a_pickle_that_runs_code_is_refused_unread(tmp_path):
    marker = tmp_path / "marker"
    evil = tmp_path / "model.pkl"
    evil.write_bytes(pickle.dumps({"format": "toolkit.text.SentimentModel/1", "model": _RunsCode(marker)}))
    with pytest.raises(InputFileError, match="pickle.*trusted=True"):
        SentimentModel.load(evil)
    assert not marker.exists()
    # the crafted file is a working exploit: unpickling it does create the marker
    pickle.loads(evil.read_bytes())
    assert marker.exists()


def test_own_old_pickle_loads_only_when_trusted(trained, tmp_path):
    old = tmp_path / "old.pkl"
    old.write_bytes(pickle.dumps({"format": "toolkit.text.SentimentModel/1", "model": trained}))
    with pytest.raises(InputFileError, match="pickle"):
        SentimentModel.load(old)
    with pytest.warns(UserWarning, match="runs code"):
        loaded = SentimentModel.load(old, trusted=True)
    pd.testing.assert_frame_equal(sentiment(POS, model=trained, progress=False),
                                  sentiment(POS, model=loaded, progress=False), check_exact=True)


def test_load_errors(tmp_path):
    with pytest.raises(InputFileError, match="no such file"):
        SentimentModel.load(tmp_path / "nope.npz")
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a model")
    with pytest.raises(InputFileError, match="not a saved SentimentModel"):
        SentimentModel.load(junk)
    other = tmp_path / "other.npz"
    np.savez(other, a=np.arange(3))
    with pytest.raises(InputFileError, match="not a saved SentimentModel"):
        SentimentModel.load(other)
    objects = tmp_path / "objects.npz"
    np.savez(objects, settings=np.array([{"format": "x"}], dtype=object))
    with pytest.raises(InputFileError, match="not a saved SentimentModel"):
        SentimentModel.load(objects)


def test_fit_errors():
    with pytest.raises(ParameterError, match="labels"):
        SentimentModel().fit(["a", "b"])
    with pytest.raises(ParameterError, match="'good'"):
        SentimentModel(cv=2).fit(["a", "b", "c", "d"], ["good", "negative", "positive", "neutral"])
    with pytest.raises(ParameterError, match="not trained"):
        sentiment(["x"], model=SentimentModel(), progress=False)
    with pytest.raises(ParameterError, match="expected a trained"):
        sentiment(["x"], model="my_model.pkl", progress=False)
