"""A sentiment classifier that learns from a user's own labelled comments.

:class:`SentimentModel` combines the lexicon scores of :mod:`toolkit.text.scoring` with word and
character n-grams (TF-IDF word 1-2grams + char_wb 3-5grams + lexicon features, one-vs-rest logistic
regression with balanced class weights) and reports its cross-validated macro-F1, so a user sees how good it is
before trusting it.

Saved model files hold data only (:meth:`SentimentModel.save`): a NumPy ``.npz`` archive with the
vocabularies, IDF weights, scaler statistics and coefficients as plain arrays and the settings as
JSON, read back without unpickling anything. A model file can be shared like a CSV file: opening it
cannot run code. Files saved as pickles by earlier versions are refused unless you pass
``trusted=True`` (see :meth:`SentimentModel.load`).

Examples
--------
>>> import toolkit as tk
>>> texts = ["super, danke", "toll gemacht", "wieder verspätet", "nervt total", "Zug fährt um 9",
...          "Gleis 4"] * 5
>>> labels = ["positive", "positive", "negative", "negative", "neutral", "neutral"] * 5
>>> model = tk.text.SentimentModel(lang="de", cv=3).fit(texts, labels, progress=False)
>>> tk.text.sentiment(["danke, super"], lang="de", model=model, progress=False)["label"].tolist()
['positive']
"""

from __future__ import annotations

import json
import pickle
import warnings
import zipfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputFileError, ParameterError
from .cleaning import _clean_one
from ._engines import _scorer, _split_emoji
from .._compat import renamed
from ._langrule import _detect
from .lexicons import _bundled_dict
from .scoring import LABELS, sentiment

__all__ = ["SentimentModel"]

_FORMAT = "toolkit.text.SentimentModel/2"  # data-only .npz (see _Predictor)
_PICKLE_FORMAT = "toolkit.text.SentimentModel/1"  # pickles written before; loaded only with trusted=True


#: Names of the lexicon features, in the order of :func:`_lexicon_features`.
_LEX_COLUMNS = ["lex_own", "lex_en", "lex_de", "lex_emoji"]


def _lexicon_features(texts: list[str], langs: np.ndarray) -> np.ndarray:
    """Per text: rule score in the detected language, English and German rule scores, emoji sum / 4."""
    en = _scorer("en", "vader", ())
    de = _scorer("de", "vader", ())
    mixed = _scorer("unknown", "vader", ())
    emoji = _bundled_dict("emoji")
    rows = []
    for text, lang in zip(texts, langs):
        if not text:
            rows.append((0.0, 0.0, 0.0, 0.0))
            continue
        s_en, s_de = en.score(text), de.score(text)
        own = s_en if lang == "en" else (s_de if lang == "de" else mixed.score(text))
        rows.append((own, s_en, s_de, sum(_split_emoji(text, emoji)[1]) / 4))
    return np.array(rows, dtype=float)


class SentimentModel:
    """Sentiment classifier trained on your own labelled texts (lexicon scores + n-grams).

    Parameters
    ----------
    lang : {"auto", "en", "de"}, default "auto"
        Language of the texts, used for the lexicon features (``"auto"`` detects per text).
    C : float, default 10.0
        Inverse regularisation strength of the logistic regressions (10.0: best of 2-20 by three
        repeats of 5-fold CV on germeval2017_dev_social, see docs/benchmarks.md).
    cv : int, default 5
        Folds of the stratified cross-validation run by :meth:`fit` (at least 2).
    seed : int, default 0
        Seed of the fold split. (Called ``random_state=`` before 0.2.)

    Attributes
    ----------
    cv_macro_f1_ : float
        Cross-validated macro-F1 (mean of per-class F1 over negative/neutral/positive) of the
        training texts, predictions pooled over folds.
    cv_report_ : pandas.DataFrame
        One row per class plus ``macro``. Columns: ``label``, ``precision``, ``recall``, ``f1``,
        ``support`` (cross-validated, same pooled predictions).
    n_train_ : int
        Number of training texts.
    """

    @renamed(random_state="seed")
    def __init__(self, *, lang: str = "auto", C: float = 10.0, cv: int = 5, seed: int = 0) -> None:
        if lang not in ("auto", "en", "de"):
            raise ParameterError(f"SentimentModel(lang={lang!r}): expected 'auto', 'en' or 'de'.")
        if not isinstance(cv, int) or cv < 2:
            raise ParameterError(f"SentimentModel(cv={cv!r}): expected a whole number >= 2 of folds.")
        self.lang = lang
        self.C = float(C)
        self.cv = cv
        self.seed = seed
        self._pipeline = None

    # ----------------------------------------------------------------------------------------- build
    def _make_pipeline(self):
        from sklearn.compose import ColumnTransformer
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.pipeline import Pipeline
        from sklearn.preprocessing import StandardScaler

        features = ColumnTransformer([
            ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True, lowercase=True), "text"),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True,
                                      max_features=100_000), "text"),
            ("lexicon", StandardScaler(), _LEX_COLUMNS),
        ])
        # one-vs-rest liblinear: the same cross-validated macro-F1 as multinomial lbfgs on
        # germeval2017_dev_social and about ten times faster to fit
        clf = OneVsRestClassifier(LogisticRegression(C=self.C, class_weight="balanced", solver="liblinear"))
        return Pipeline([("features", features), ("clf", clf)])

    def _frame(self, cleaned: list[str], langs: np.ndarray) -> pd.DataFrame:
        lex = _lexicon_features(cleaned, langs)
        frame = pd.DataFrame(lex, columns=_LEX_COLUMNS)
        frame.insert(0, "text", cleaned)
        return frame

    # ------------------------------------------------------------------------------------------- fit
    def fit(self, texts: pd.DataFrame | pd.Series | Iterable[str], labels: Iterable[str] | None = None, *,
            text_col: str = "text", label_col: str = "label", progress: bool | None = None) -> "SentimentModel":
        """Train on labelled texts and measure cross-validated macro-F1.

        Parameters
        ----------
        texts : DataFrame, Series or list of str
            The texts, or a table holding ``text_col`` and ``label_col``.
        labels : list-like of str, optional
            "negative", "neutral" or "positive" per text (required unless ``texts`` is a table).
        text_col, label_col : str
            Columns used when ``texts`` is a table.
        progress : bool, optional
            Progress bar for language detection of many texts.

        Returns
        -------
        SentimentModel
            ``self``, trained, with ``cv_macro_f1_``, ``cv_report_`` and ``n_train_`` set.

        Raises
        ------
        ParameterError
            If labels are missing, of another length, outside the three labels, or a class has fewer
            texts than ``cv`` folds.
        """
        from sklearn.metrics import precision_recall_fscore_support
        from sklearn.model_selection import StratifiedKFold, cross_val_predict

        if isinstance(texts, pd.DataFrame):
            missing = [c for c in (text_col, label_col) if c not in texts.columns]
            if missing:
                raise ParameterError(f"SentimentModel.fit(table): missing column(s) {missing}; found "
                                     f"{list(texts.columns)[:10]}. Pass text_col=/label_col=.")
            labels = texts[label_col]
            texts = texts[text_col]
        if labels is None:
            raise ParameterError("SentimentModel.fit(texts, labels): labels are missing; pass one label "
                                 "('negative', 'neutral', 'positive') per text.")
        texts = list(texts)
        y = np.array([str(v).strip().lower() if v is not None else "" for v in labels], dtype=object)
        if len(y) != len(texts):
            raise ParameterError(f"SentimentModel.fit: {len(texts)} texts but {len(y)} labels; expected "
                                 "one label per text.")
        bad = sorted(set(y) - set(LABELS))
        if bad:
            raise ParameterError(f"SentimentModel.fit: labels {bad[:5]} are not one of {list(LABELS)} "
                                 f"({int(np.isin(y, bad).sum())} texts). Recode them first.")
        counts = pd.Series(y).value_counts()
        if len(counts) < 2 or counts.min() < self.cv:
            raise ParameterError(f"SentimentModel.fit: label counts {counts.to_dict()}; expected at least "
                                 f"two labels with >= cv={self.cv} texts each. Label more texts or lower cv.")
        cleaned = [_clean_one(t) for t in texts]
        langs = _detect(cleaned, self.lang, progress)
        frame = self._frame(cleaned, langs)
        folds = StratifiedKFold(n_splits=self.cv, shuffle=True, random_state=self.seed)
        pred = cross_val_predict(self._make_pipeline(), frame, y, cv=folds)
        present = [lab for lab in LABELS if lab in counts.index]
        p, r, f, s = precision_recall_fscore_support(y, pred, labels=present, zero_division=0)
        report = pd.DataFrame({"label": present, "precision": p, "recall": r, "f1": f, "support": s})
        macro = pd.DataFrame({"label": ["macro"], "precision": [p.mean()], "recall": [r.mean()],
                              "f1": [f.mean()], "support": [int(s.sum())]})
        self.cv_report_ = pd.concat([report, macro], ignore_index=True).astype(
            {"label": "string", "precision": "Float64", "recall": "Float64", "f1": "Float64", "support": "Int64"})
        self.cv_macro_f1_ = float(f.mean())
        self.n_train_ = len(texts)
        self._pipeline = self._make_pipeline().fit(frame, y)
        return self

    # --------------------------------------------------------------------------------------- predict
    def _check_fitted(self) -> None:
        if self._pipeline is None:
            raise ParameterError("SentimentModel: the model is not trained; call .fit(texts, labels) or "
                                 "SentimentModel.load(path) first.")

    def _predict_unique(self, cleaned: list[str], langs: np.ndarray, *,
                        progress: bool | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(score, label) per cleaned text; score = P(positive) - P(negative); NaN/None if empty."""
        self._check_fitted()
        scores = np.full(len(cleaned), np.nan)
        labels = np.full(len(cleaned), None, dtype=object)
        rows = np.array([bool(t) for t in cleaned], dtype=bool)
        if rows.any():
            todo = [t for t, keep in zip(cleaned, rows) if keep]
            proba = self._pipeline.predict_proba(self._frame(todo, np.asarray(langs)[rows]))
            classes = [str(c) for c in self._pipeline.classes_]
            pos = proba[:, classes.index("positive")] if "positive" in classes else 0.0
            neg = proba[:, classes.index("negative")] if "negative" in classes else 0.0
            scores[rows] = pos - neg
            labels[rows] = np.asarray(classes, dtype=object)[proba.argmax(axis=1)]
        return scores, labels

    def predict(self, texts: pd.Series | Iterable[str], *, progress: bool | None = None) -> pd.DataFrame:
        """Label texts; the same as ``toolkit.text.sentiment(texts, model=self)``.

        Returns
        -------
        pandas.DataFrame
            One row per text: ``text``, ``lang``, ``score`` (P(positive) - P(negative), -1..1),
            ``label``. See :func:`toolkit.text.sentiment`.
        """
        self._check_fitted()
        lang = self.lang
        return sentiment(texts, lang=lang, model=self, progress=progress)

    # ------------------------------------------------------------------------------------ save/load
    def save(self, path: str | Path) -> Path:
        """Write the trained model to ``path`` in a data-only format (no pickle).

        The file is a NumPy ``.npz`` archive (a zip of ``.npy`` arrays): the word and character
        vocabularies and their IDF weights, the lexicon-feature scaler, the coefficients of the
        per-class logistic regressions and, as JSON, the settings and the cross-validation report.
        :meth:`load` reads it with ``allow_pickle=False``, so opening a model file cannot run code.

        Returns
        -------
        pathlib.Path
            The path written (exactly ``path``; no suffix is added).

        Raises
        ------
        InputFileError
            If the file cannot be written.
        """
        self._check_fitted()
        path = Path(path)
        predictor = self._pipeline if isinstance(self._pipeline, _Predictor) else _Predictor.from_pipeline(self._pipeline)
        settings = {"format": _FORMAT, "lang": self.lang, "C": self.C, "cv": self.cv,
                    "seed": self.seed, "n_train": self.n_train_,
                    "cv_macro_f1": self.cv_macro_f1_,
                    "cv_report": self.cv_report_.astype(object).where(self.cv_report_.notna(), None)
                                                 .to_dict(orient="list")}
        arrays = predictor.to_arrays()
        arrays["settings"] = _json_array(settings)
        try:
            with open(path, "wb") as fh:
                np.savez_compressed(fh, **arrays)
        except OSError as exc:
            raise InputFileError(f"SentimentModel.save({str(path)!r}): cannot write ({exc}).") from exc
        return path

    @classmethod
    def load(cls, path: str | Path, *, trusted: bool = False) -> "SentimentModel":
        """Read a model written by :meth:`save`.

        Parameters
        ----------
        path : str or Path
            The model file.
        trusted : bool, default False
            Also read a model pickled by an earlier version of the toolkit. **Unpickling a file runs
            any code its author put in it**: pass ``True`` only for a file you saved yourself, then
            save it again to get the data-only format. Without it, pickles are refused unread.

        Raises
        ------
        InputFileError
            If the file is missing, is a pickle and ``trusted`` is False, or is not a saved
            SentimentModel.
        """
        path = Path(path)
        where = f"SentimentModel.load({str(path)!r})"
        if not path.is_file():
            raise InputFileError(f"{where}: no such file. Save a model with model.save(path) first.")
        try:
            with open(path, "rb") as fh:
                head = fh.read(4)
        except OSError as exc:
            raise InputFileError(f"{where}: cannot read ({exc}).") from exc
        if head.startswith(b"PK"):
            return cls._load_npz(path, where)
        if head[:1] == b"\x80":  # pickle protocol 2 and later
            if not trusted:
                raise InputFileError(
                    f"{where}: the file is a Python pickle (model files of earlier toolkit versions), and "
                    "unpickling a file can run any code its author put in it, so it was not read. Retrain "
                    "and save the model again, or, only if you saved this file yourself, load it once with "
                    "SentimentModel.load(path, trusted=True) and save it again (data-only format).")
            return cls._load_pickle(path, where)
        raise InputFileError(f"{where}: not a saved SentimentModel (expected the .npz archive written "
                             "by SentimentModel.save).")

    @classmethod
    def _load_npz(cls, path: Path, where: str) -> "SentimentModel":
        try:
            with np.load(path, allow_pickle=False) as npz:
                arrays = {name: npz[name] for name in npz.files}
            settings = _from_json_array(arrays.pop("settings"))
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
            raise InputFileError(f"{where}: not a saved SentimentModel ({type(exc).__name__}: {exc}).") from exc
        if not isinstance(settings, dict) or settings.get("format") != _FORMAT:
            raise InputFileError(f"{where}: the file is not a model saved by SentimentModel.save (expected "
                                 f"format {_FORMAT!r}).")
        model = cls(lang=settings["lang"], C=settings["C"], cv=settings["cv"],
                    seed=settings.get("seed", settings.get("random_state", 0)))  # files saved before 0.2
        try:
            model._pipeline = _Predictor.from_arrays(arrays, model._make_pipeline())
        except (KeyError, ValueError) as exc:
            raise InputFileError(f"{where}: the model file is incomplete or damaged ({exc}); save the model "
                                 "again.") from exc
        model.n_train_ = int(settings["n_train"])
        model.cv_macro_f1_ = float(settings["cv_macro_f1"])
        model.cv_report_ = pd.DataFrame(settings["cv_report"]).astype(
            {"label": "string", "precision": "Float64", "recall": "Float64", "f1": "Float64", "support": "Int64"})
        return model

    @classmethod
    def _load_pickle(cls, path: Path, where: str) -> "SentimentModel":
        warnings.warn(f"{where}: reading a pickled model (trusted=True); unpickling runs code from the file. "
                      "Save it again with model.save(path) to get the data-only format.", stacklevel=3)
        try:
            with open(path, "rb") as fh:
                payload = pickle.load(fh)  # noqa: S301 - only with trusted=True, documented
        except Exception as exc:
            raise InputFileError(f"{where}: not a saved SentimentModel ({type(exc).__name__}: {exc}).") from exc
        if not isinstance(payload, dict) or payload.get("format") != _PICKLE_FORMAT \
                or not isinstance(payload.get("model"), cls):
            raise InputFileError(f"{where}: the pickle is not a model saved by SentimentModel.save.")
        return payload["model"]

    def __repr__(self) -> str:
        state = (f"trained on {self.n_train_} texts, cv macro-F1 {self.cv_macro_f1_:.3f}"
                 if self._pipeline is not None else "not trained")
        return f"SentimentModel(lang={self.lang!r}, C={self.C}, cv={self.cv}; {state})"


# ---------------------------------------------------------------------------------- data-only format
def _json_array(value) -> np.ndarray:
    """JSON as a uint8 array (UTF-8 bytes): stored in .npz without pickling."""
    return np.frombuffer(json.dumps(value, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)


def _from_json_array(array: np.ndarray):
    return json.loads(array.astype(np.uint8).tobytes().decode("utf-8"))


class _Predictor:
    """The fitted parts of the pipeline as plain arrays, predicting exactly like the sklearn pipeline.

    ``features``: the word and character TF-IDF vectorisers (vocabulary + IDF weights) and the
    standard scaler of the lexicon features, stacked as the ColumnTransformer stacks them (sparse
    when it chose sparse output at fit time); ``clf``: one binary logistic regression per class,
    combined as OneVsRestClassifier does (P(class) / sum over classes).
    """

    def __init__(self, words, chars, scaler, estimators, classes, sparse_output: bool) -> None:
        self.words, self.chars, self.scaler = words, chars, scaler
        self.estimators = estimators
        self.classes_ = np.asarray(classes, dtype=object)
        self.sparse_output = bool(sparse_output)

    @classmethod
    def from_pipeline(cls, pipeline) -> "_Predictor":
        features, clf = pipeline.named_steps["features"], pipeline.named_steps["clf"]
        parts = features.named_transformers_
        return cls(parts["words"], parts["chars"], parts["lexicon"], list(clf.estimators_),
                   [str(c) for c in clf.classes_], features.sparse_output_)

    def to_arrays(self) -> dict[str, np.ndarray]:
        out = {"classes": _json_array(list(self.classes_)),
               "sparse_output": np.array(self.sparse_output),
               "lexicon_mean": self.scaler.mean_, "lexicon_scale": self.scaler.scale_,
               "coef": np.vstack([e.coef_ for e in self.estimators]),
               "intercept": np.concatenate([e.intercept_ for e in self.estimators])}
        for name, vec in (("words", self.words), ("chars", self.chars)):
            terms = sorted(vec.vocabulary_, key=vec.vocabulary_.__getitem__)
            out[f"{name}_vocabulary"] = _json_array(terms)
            out[f"{name}_idf"] = vec.idf_
        return out

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], pipeline) -> "_Predictor":
        """Rebuild from :meth:`to_arrays`; ``pipeline`` is an unfitted pipeline giving the settings."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.preprocessing import StandardScaler

        features = dict((name, est) for name, est, _ in pipeline.named_steps["features"].transformers)
        vectorisers = []
        for name in ("words", "chars"):
            vec = features[name]
            terms = _from_json_array(arrays[f"{name}_vocabulary"])
            vec.vocabulary_ = {term: k for k, term in enumerate(terms)}
            vec.idf_ = np.asarray(arrays[f"{name}_idf"], dtype=np.float64)
            vectorisers.append(vec)
        scaler = StandardScaler()
        scaler.mean_ = np.asarray(arrays["lexicon_mean"], dtype=np.float64)
        scaler.scale_ = np.asarray(arrays["lexicon_scale"], dtype=np.float64)
        scaler.var_ = scaler.scale_ ** 2
        scaler.n_features_in_ = len(scaler.mean_)
        scaler.feature_names_in_ = np.array(_LEX_COLUMNS, dtype=object)
        scaler.n_samples_seen_ = 0
        coef = np.asarray(arrays["coef"], dtype=np.float64)
        intercept = np.asarray(arrays["intercept"], dtype=np.float64)
        n_features = len(vectorisers[0].vocabulary_) + len(vectorisers[1].vocabulary_) + len(scaler.mean_)
        if coef.ndim != 2 or coef.shape[1] != n_features or len(intercept) != len(coef):
            raise ValueError(f"coefficients of shape {coef.shape} do not fit {n_features} features")
        estimators = []
        for k in range(len(coef)):
            est = LogisticRegression()
            est.classes_ = np.array([0, 1])
            est.coef_ = coef[k:k + 1].copy()
            est.intercept_ = intercept[k:k + 1].copy()
            est.n_features_in_ = n_features
            estimators.append(est)
        classes = _from_json_array(arrays["classes"])
        return cls(vectorisers[0], vectorisers[1], scaler, estimators, classes, bool(arrays["sparse_output"]))

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        from scipy import sparse

        parts = [self.words.transform(frame["text"]), self.chars.transform(frame["text"]),
                 self.scaler.transform(frame[_LEX_COLUMNS])]
        if self.sparse_output:
            X = sparse.hstack(parts).tocsr()
        else:
            X = np.hstack([p.toarray() if sparse.issparse(p) else p for p in parts])
        Y = np.array([e.predict_proba(X)[:, 1] for e in self.estimators]).T
        if len(self.estimators) == 1:  # two classes: one estimator for the second
            Y = np.concatenate(((1 - Y), Y), axis=1)
        sums = np.sum(Y, axis=1)[:, np.newaxis]
        np.divide(Y, sums, out=Y, where=sums != 0)
        return Y
