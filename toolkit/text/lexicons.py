"""Sentiment lexicons: the bundled ones and a user's own words, as ``word -> valence``.

:func:`load_lexicon` reads the bundled lexicons or a user's file (a CSV/TSV of words and valences, or
SentiWS) as a table of ``word, valence``. Valences are on VADER's scale (about -4 .. +4). Sources
and licences of the bundled files: ``toolkit/text/LEXICONS.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from ..errors import InputFileError, ParameterError

__all__ = ["load_lexicon"]

def _read_table(path: Path, *, where: str) -> pd.DataFrame:
    """Read a word/valence CSV or TSV (``#`` comment lines allowed) into ``word, valence``."""
    try:
        with open(path, encoding="utf-8") as fh:
            lines = [ln.rstrip("\n\r") for ln in fh if ln.strip() and not ln.startswith("#")]
    except OSError as exc:
        raise InputFileError(f"{where}: cannot read lexicon file {str(path)!r} ({exc}). "
                             "Check the path.") from exc
    if not lines:
        raise InputFileError(f"{where}: lexicon file {str(path)!r} is empty; expected lines 'word,valence'.")
    sep = "\t" if "\t" in lines[0] else ("," if "," in lines[0] else ";")
    rows, bad = [], []
    for n, line in enumerate(lines, start=1):
        parts = line.split(sep)
        if len(parts) < 2:
            bad.append(n)
            continue
        word, value = parts[0].strip(), parts[1].strip()
        try:
            rows.append((word.lower(), float(value)))
        except ValueError:
            if n == 1:  # header line such as "word,valence"
                continue
            bad.append(n)
    if bad:
        raise InputFileError(
            f"{where}: lexicon file {str(path)!r}: {len(bad)} line(s) are not 'word{sep}number' "
            f"(first data lines {bad[:5]}, not counting comment lines). Expected e.g. 'shitstorm{sep}-3'.")
    table = pd.DataFrame(rows, columns=["word", "valence"])
    return table.astype({"word": "string", "valence": "Float64"})


def _read_sentiws(path: Path, *, where: str, scale: float) -> pd.DataFrame:
    """Read one SentiWS file ('Wort|POS<TAB>weight<TAB>form,form,...') into ``word, valence``."""
    rows = []
    try:
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, start=1):
                parts = line.rstrip("\n\r").split("\t")
                if len(parts) < 2 or "|" not in parts[0]:
                    if line.strip():
                        raise InputFileError(
                            f"{where}: {str(path)!r}, line {n}: expected SentiWS format "
                            f"'Wort|POS<TAB>weight<TAB>forms', found {line.strip()[:60]!r}.")
                    continue
                value = float(parts[1]) * scale
                forms = [parts[0].split("|")[0]]
                if len(parts) > 2 and parts[2]:
                    forms += parts[2].split(",")
                rows += [(f.strip().lower(), value) for f in forms if f.strip()]
    except OSError as exc:
        raise InputFileError(f"{where}: cannot read SentiWS file {str(path)!r} ({exc}).") from exc
    table = pd.DataFrame(rows, columns=["word", "valence"])
    table = table.groupby("word", as_index=False, sort=True)["valence"].mean()
    return table.astype({"word": "string", "valence": "Float64"})


_BUNDLED = {"de": "de_polarity_lexicon.tsv", "de_social": "de_social.tsv"}


def load_lexicon(source: str | Path | Iterable[str | Path], *, format: str = "auto",
                 scale: float = 4.0) -> pd.DataFrame:
    """Read a sentiment lexicon into a table of words and valences.

    Parameters
    ----------
    source : str, Path or list of them
        A bundled lexicon name -- ``"en"`` (VADER), ``"de"`` (German Polarity Lexicon),
        ``"de_social"`` (German social-media additions), ``"emoji"`` -- or the path of a user file:
        a CSV/TSV with a word and a valence per line (an optional header and ``#`` comment lines are
        skipped), or a SentiWS file (``SentiWS_v2.0_Positive.txt`` / ``..._Negative.txt``; SentiWS is
        CC BY-NC-SA and not bundled). A list reads every item; later items win on duplicates.
    format : {"auto", "table", "sentiws"}, default "auto"
        File format; ``"auto"`` reads ``SentiWS*.txt`` files as SentiWS, anything else as a table.
    scale : float, default 4.0
        SentiWS only: valence = SentiWS weight (-1..1) * ``scale``, onto VADER's -4..+4 range.

    Returns
    -------
    pandas.DataFrame
        One row per word (lowercase). Columns: ``word`` (string), ``valence`` (Float64, VADER scale:
        about -4 very negative .. +4 very positive; "good" is 1.9 in VADER).

    Raises
    ------
    InputFileError
        If a file is missing, empty or not in the expected format (names file and line).
    ParameterError
        If ``format`` is unknown.

    Examples
    --------
    >>> import toolkit as tk
    >>> lex = tk.text.load_lexicon("de_social")
    >>> float(lex.loc[lex["word"] == "super", "valence"].iloc[0])
    2.6
    """
    if format not in ("auto", "table", "sentiws"):
        raise ParameterError(f"load_lexicon(format={format!r}): expected 'auto', 'table' or 'sentiws'.")
    if not isinstance(source, (str, Path)):
        parts = [load_lexicon(s, format=format, scale=scale) for s in source]
        if not parts:
            raise ParameterError("load_lexicon(source=[]): got an empty list; pass a name or a path.")
        table = pd.concat(parts, ignore_index=True).drop_duplicates("word", keep="last")
        return table.sort_values("word", ignore_index=True)
    where = f"load_lexicon({str(source)!r})"
    if isinstance(source, str) and source in ("en", "emoji", *_BUNDLED):
        lex = _bundled_dict(source)
        table = pd.DataFrame({"word": list(lex), "valence": list(lex.values())})
        return table.astype({"word": "string", "valence": "Float64"}).sort_values("word", ignore_index=True)
    path = Path(source)
    if not path.is_file():
        raise InputFileError(f"{where}: no such file. Pass a bundled name ('en', 'de', 'de_social', "
                             "'emoji') or the path of a CSV/TSV 'word,valence' or SentiWS file.")
    if format == "sentiws" or (format == "auto" and path.name.lower().startswith("sentiws")):
        return _read_sentiws(path, where=where, scale=scale)
    table = _read_table(path, where=where)
    return table.drop_duplicates("word", keep="last").sort_values("word", ignore_index=True)


@lru_cache(maxsize=None)
def _bundled_dict(name: str) -> dict[str, float]:
    """A bundled lexicon as a plain dict word -> valence (cached, never mutate)."""
    if name == "en":
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
        return dict(SentimentIntensityAnalyzer().lexicon)
    if name == "emoji":
        with _data("emoji_sentiment.csv") as fh:
            table = pd.read_csv(fh, dtype={"emoji": str})
        return dict(zip(table["emoji"], table["valence"].astype(float)))
    with resources.as_file(resources.files(__package__).joinpath("data", _BUNDLED[name])) as path:
        table = _read_table(path, where=f"bundled lexicon {name!r}")
    return dict(zip(table["word"].tolist(), table["valence"].astype(float).tolist()))


def _extra_dict(extra: object, *, where: str) -> dict[str, float]:
    """User words from a dict, a path or a (word, valence) table, as a lowercase dict."""
    if extra is None:
        return {}
    if isinstance(extra, (str, Path)):
        table = load_lexicon(extra)
        return dict(zip(table["word"].tolist(), table["valence"].astype(float).tolist()))
    if isinstance(extra, pd.DataFrame):
        missing = {"word", "valence"} - set(extra.columns)
        if missing:
            raise ParameterError(f"{where}(extra_lexicon=...): the table lacks column(s) {sorted(missing)}; "
                                 f"found {list(extra.columns)}. Expected columns 'word' and 'valence'.")
        return {str(w).lower(): float(v) for w, v in zip(extra["word"], extra["valence"])}
    if isinstance(extra, Mapping):
        out = {}
        for w, v in extra.items():
            try:
                out[str(w).lower()] = float(v)
            except (TypeError, ValueError):
                raise ParameterError(f"{where}(extra_lexicon=...): valence of {w!r} is {v!r}; expected a "
                                     "number on VADER's -4..+4 scale, e.g. {'shitstorm': -3}.") from None
        return out
    raise ParameterError(f"{where}(extra_lexicon=...): got {type(extra).__name__}; expected a dict "
                         "{'word': valence}, a CSV/TSV path or a table with columns word, valence.")



def _data(name: str):
    """Open a bundled data file of ``toolkit/text/data`` (shipped as package data)."""
    return resources.files(__package__).joinpath("data", name).open("r", encoding="utf-8")
