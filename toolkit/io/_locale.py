"""Files re-saved by a spreadsheet program: number and date locale per file, destroyed IDs.

A German Excel re-save of any CSV export changes the bytes but not the meaning (facts:
``export-formats.md`` section 8): ``;`` as delimiter, cp1252 (or UTF-8 with BOM), decimal comma
(``1.234,5``), ``.`` thousands where a cell had a number format (``18.450``), dates re-rendered as
``TT.MM.JJJJ hh:mm`` and numeric IDs longer than 15 digits shown in scientific notation
(``1,02938E+15``: the digits are gone). The loaders use these helpers so that every CSV format reads
both the platform's own file and its re-save.

Decisions are made per file (numbers) or per column (dates) from the evidence of whole columns,
never cell by cell: ``1.234`` is read the same way everywhere in a file, and a cell that only fits
the other style is reported as a bad cell instead of being read silently as something else.
Evidence is read once per distinct value of a column (counts repeat a lot), with no pandas call per
row; ids and keys are built with vectorised string operations.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._base import _WS, is_na_token, parse_float, parse_int, per_distinct
from ._digits import cell_bytes

__all__: list[str] = []  # package-internal


# --- numbers ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class NumberStyle:
    """How numbers are written in one file: thousands and decimal separators."""

    thousands: str | None
    decimal: str
    name: str


EN = NumberStyle(",", ".", "English")
DE = NumberStyle(".", ",", "German")

# Cells that only one style explains. For any number column: '1.234,5', '3,5', '1.234.567', '0,5' are
# German; '1,234.5', '3.5', '1,234,567', '0.5' English. For counts, which have no fractional part, also
# '18.450' (German) and '12,400' (English). Percent strings ('6,14 %') carry the same evidence.
_DE = r"\d{1,3}(?:\.\d{3})+,\d+|\d+,(?:\d{1,2}|\d{4,})|[1-9]\d{0,2}(?:\.\d{3}){2,}|0,\d+"
_EN = r"\d{1,3}(?:,\d{3})+\.\d+|\d+\.(?:\d{1,2}|\d{4,})|[1-9]\d{0,2}(?:,\d{3}){2,}|0\.\d+"
_DE_COUNT, _EN_COUNT = r"[1-9]\d{0,2}(?:\.\d{3})+", r"[1-9]\d{0,2}(?:,\d{3})+"
_STYLE_RE = {
    "float": re.compile(rf"^\s*-?(?:(?P<de>{_DE})|(?P<en>{_EN}))\s*%?\s*$"),
    "int": re.compile(rf"^\s*-?(?:(?P<de>{_DE}|{_DE_COUNT})|(?P<en>{_EN}|{_EN_COUNT}))\s*%?\s*$"),
}
#: The same decision as two patterns a column can run in C (Arrow): a cell is German when the German
#: alternative matches (tried first, as in ``_STYLE_RE``), English when only the English one does.
_STYLE_PAIR = {kind: tuple(rf"^\s*-?(?:{alt})\s*%?\s*$".replace(r"\s", _WS) for alt in alts)
               for kind, alts in (("float", (_DE, _EN)), ("int", (f"{_DE}|{_DE_COUNT}", f"{_EN}|{_EN_COUNT}")))}


def _marked(s: pd.Series) -> pd.Series:
    """Distinct cells holding a '.' or ',' with how often each occurs (the only cells that can tell
    the styles apart; working on distinct values keeps a million-row column cheap)."""
    if _no_marks(s):  # (the usual count column: no cell to count)
        return pd.Series([], dtype="int64", index=pd.Index([], dtype=object))
    counts = s.value_counts(dropna=True)
    if not len(counts):
        return counts
    values = counts.index.astype(str)
    text = pd.Series(values, dtype="string")
    keep = (text.str.contains(".", regex=False) | text.str.contains(",", regex=False)).to_numpy(dtype=bool)
    return pd.Series(counts.to_numpy()[keep], index=values[keep])


def _no_marks(s: pd.Series) -> bool:
    """True when no cell of an Arrow string column holds a '.' or ',' (a search of the bytes its
    cells use); False when some does (or a missing cell's bytes do) or the storage is another."""
    if not (isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow"):
        return False
    import pyarrow.compute as pc
    for chunk in s.array._pa_array.chunks:
        got = cell_bytes(chunk)
        if got is None:
            if any(pc.any(pc.match_substring(chunk, mark)).as_py() for mark in ".,"):
                return False
            continue
        used = got[1].tobytes()  # the cells' bytes (in UTF-8 no other character holds these two bytes)
        if b"." in used or b"," in used:
            return False
    return True


def _plain_counts(s: pd.Series) -> tuple[pd.Series, pd.Series] | None:
    """:func:`count` of a column whose every cell is blank or up to 15 ASCII digits (``""``, ``"0"``,
    ``"12400"``: below 2**53), read by Arrow in C: the same Int64 values (blank = <NA>) and no bad
    cell, whatever the style (no separator to read, so no cell tells the styles apart or contradicts
    one). None for other columns.
    """
    if not (isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow") or not len(s):
        return None
    import pyarrow as pa
    import pyarrow.compute as pc
    arr = s.array._pa_array
    if arr.null_count:
        return None
    size = pc.binary_length(arr)
    blank = pc.equal(size, 0)
    if not pc.all(pc.or_(blank, pc.and_(pc.less_equal(size, 15), pc.ascii_is_decimal(arr)))).as_py():
        return None
    ints = pc.if_else(blank, pa.scalar(None, pa.string()), arr).cast(pa.int64())
    vals = pd.Series(pd.Int64Dtype().__from_arrow__(ints), index=s.index)
    return vals, pd.Series(np.zeros(len(s), dtype=bool), index=s.index)


def _classify(values: pd.Index, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """(only German fits, only English fits) for each value, in one regex pass."""
    text = pd.Series(values, dtype="string")
    de_rx, en_rx = _STYLE_PAIR[kind]
    de = text.str.match(de_rx).fillna(False).to_numpy(dtype=bool)
    en = ~de & text.str.match(en_rx).fillna(False).to_numpy(dtype=bool)
    return de, en


def _evidence(s: pd.Series, kind: str) -> tuple[int, int, str | None, str | None]:
    """(German cells, English cells, a German example, an English example) of one column."""
    marked = _marked(s)
    if not len(marked):
        return 0, 0, None, None
    de, en = _classify(marked.index, kind)
    n_de, n_en = int(marked[de].sum()), int(marked[en].sum())
    return (n_de, n_en, (marked.index[de][0].strip() if n_de else None),
            (marked.index[en][0].strip() if n_en else None))


def number_style(columns: dict[str, tuple[pd.Series, str]], *, delimiter: str = ",",
                 german_dates: bool = False) -> tuple[NumberStyle, str | None]:
    """Decide the number style of a file from the evidence in all its number columns.

    Parameters
    ----------
    columns : dict
        Column name -> (string cells, ``"int"`` for counts or ``"float"``).
    delimiter : str
        The file's delimiter; ``;`` (German Excel's list separator) and German dates tip the
        balance when no cell decides.
    german_dates : bool
        Whether the file's dates are written ``TT.MM.JJJJ``.

    Returns
    -------
    (NumberStyle, note)
        ``note`` says what was assumed and why, or is None for a plain English file.
    """
    de_n = en_n = 0
    de_ex = en_ex = None
    for name, (s, kind) in columns.items():
        a, b, ea, eb = _evidence(s, kind)
        de_n, en_n = de_n + a, en_n + b
        de_ex = de_ex or (f"'{ea}' in column '{name}'" if ea else None)
        en_ex = en_ex or (f"'{eb}' in column '{name}'" if eb else None)
    german_hint = delimiter == ";" or german_dates
    if de_n and not en_n:
        return DE, (f"numbers read in German format (1.234 = 1234, 3,5 = 3.5): {de_n} cell(s) only fit it, "
                    f"e.g. {de_ex}")
    if en_n and not de_n:
        note = None if not german_hint else (f"numbers read in English format (1,234 = 1234, 3.5 = 3.5) although "
                                             f"the file looks re-saved: {en_n} cell(s) only fit it, e.g. {en_ex}")
        return EN, note
    if de_n and en_n:
        style = DE if de_n > en_n or (de_n == en_n and german_hint) else EN
        return style, (f"numbers written in two styles ({de_n} German cell(s) such as {de_ex}, {en_n} English "
                       f"such as {en_ex}): read as {style.name}; cells of the other style are reported as "
                       f"unreadable")
    if german_hint:
        why = "';'-separated" if delimiter == ";" else "German dates"
        return DE, (f"no number cell tells the format apart (all plain whole numbers); German format assumed "
                    f"because the file is {why}")
    return EN, None


def _contradicts(s: pd.Series, kind: str, style: NumberStyle) -> pd.Series:
    """Cells that only the other style explains (never read silently in the wrong style)."""
    marked = _marked(s)
    if not len(marked):
        return pd.Series(False, index=s.index)
    de, en = _classify(marked.index, kind)
    other = marked.index[en if style is DE else de]
    if not len(other):
        return pd.Series(False, index=s.index)
    return s.astype("string").isin(other).fillna(False).astype(bool)


def count(s: pd.Series, style: NumberStyle = EN, *, negative: bool = False) -> tuple[pd.Series, pd.Series]:
    """Counts in the file's style: ``(Int64 series, bad mask)``; ``"424.0"`` (X) is a count too.

    ``negative=True`` for net changes (subscribers gained minus lost), which may be below zero."""
    plain = _plain_counts(s)
    return plain if plain is not None else _count(s, style, negative=negative)


#: Cells whose count is read without checks: blank, or up to 15 ASCII digits (below 2**53); in
#: English style also ``424.0`` (X writes counts so): no cell of these tells the styles apart, so
#: none can contradict the style. (German style reads ``.`` as thousands: ``424.0`` is a bad cell there.)
_PLAIN_COUNT = {True: r"^(?:[0-9]{1,15}(?:\.0)?)?$", False: r"^(?:[0-9]{1,15})?$"}


def _plain_count_cells(s: pd.Series, style: NumberStyle, dtype: str = "Int64") -> tuple[pd.Series, pd.Series] | None:
    """:func:`_count_cells` of an Arrow string column whose every cell is missing or fits
    :data:`_PLAIN_COUNT` (one regex pass and one cast in C): the same Int64 values (missing and
    blank = <NA>) and no bad cell. None for any other column, for the full parse to decide.
    ``dtype="Float64"``: what :func:`number` gives for such cells (whole numbers below 2**53: exact
    as floats). tests/io/test_locale.py compares both on tricky cells."""
    if not (isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow" and s.dtype.na_value is pd.NA) \
            or not len(s):  # (the loaders' "string" columns; pandas' "str" keeps the full parse, as before)
        return None
    import pyarrow as pa
    import pyarrow.compute as pc
    arr = s.array._pa_array
    fits = pc.match_substring_regex(arr, _PLAIN_COUNT[style is EN])
    if not pc.all(fits).as_py():  # (missing cells are skipped: they are <NA> either way)
        return None
    blank = pc.equal(pc.binary_length(arr), 0)
    nums = pc.if_else(blank, pa.scalar(None, arr.type), arr).cast(pa.float64())
    if dtype == "Int64":
        vals = pd.Series(pd.Int64Dtype().__from_arrow__(nums.cast(pa.int64())), index=s.index)
    else:
        vals = pd.Series(pd.Float64Dtype().__from_arrow__(nums), index=s.index)
    return vals, pd.Series(np.zeros(len(s), dtype=bool), index=s.index)


def _count_cells(s: pd.Series, style: NumberStyle = EN, *, negative: bool = False) -> tuple[pd.Series, pd.Series]:
    """:func:`count` of the cells as given (:func:`parse_int`, then cells only the other style explains
    are bad); plain cells (:func:`_plain_count_cells`) without the checks that cannot fire for them."""
    plain = _plain_count_cells(s, style)
    if plain is not None:
        return plain
    vals, bad = parse_int(s, thousands=style.thousands, decimal=style.decimal, negative=negative)
    bad = bad | _contradicts(s, "int", style)
    return vals.mask(bad), bad


#: :func:`count` of any column, once per distinct value.
_count = per_distinct(_count_cells)
# ``count.__wrapped__`` stays the parser of the cells as given (as with @per_distinct before): callers that
# already hold distinct cells use it (toolkit/io/_numbers.py).
count.__wrapped__ = _count_cells


@per_distinct
def number(s: pd.Series, style: NumberStyle = EN) -> tuple[pd.Series, pd.Series]:
    """Decimals (and percent strings) in the file's style: ``(Float64 series, bad mask)``."""
    plain = _plain_count_cells(s, style, "Float64")  # whole numbers: no check can fire (see there)
    if plain is not None:
        return plain
    vals, bad = parse_float(s, thousands=style.thousands, decimal=style.decimal)
    bad = bad | _contradicts(s, "float", style)
    return vals.mask(bad), bad


# --- dates -----------------------------------------------------------------------------------------

_TIME = r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2})?)?"
_DOT_DATE = re.compile(r"^\d{1,2}\.\d{1,2}\.(?:\d{4}|\d{2})" + _TIME + r"$")
_SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(?:\d{4}|\d{2})" + _TIME + r"$")
#: Formats of dates a German spreadsheet program writes (day first, dots).
DE_DATETIME_FORMATS = ("%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y", "%d.%m.%y %H:%M", "%d.%m.%y")


@dataclass(frozen=True)
class DateStyle:
    """The formats to try on one date column, and what was decided."""

    formats: tuple
    german: bool
    note: str | None


def date_style(s: pd.Series, native: tuple, *, column: str, allow_german: bool = True) -> DateStyle:
    """Formats for a date column: the export's ``native`` ones, German re-save formats when most
    of the column holds ``TT.MM.JJJJ`` dates (and ``allow_german``: the file is ``;``-separated or
    its numbers are German, as a re-save makes them), and day/month order decided from the whole
    column.

    ``native`` formats with ``%m/%d`` (US order) are swapped to ``%d/%m`` only when some value has
    a first number above 12 and none has a second number above 12 (never per cell).
    """
    counts = s.astype("string").value_counts()  # distinct values: cheap on a million rows
    stripped = pd.Series(counts.index.astype(str), dtype="string").str.strip()
    real = ~is_na_token(stripped).to_numpy()
    counts, values = counts[real], pd.Index(stripped[real].to_numpy(dtype=str))
    formats = tuple(native)
    text = pd.Series(values, dtype="string")  # distinct values, matched in C (Arrow) where pandas can
    dots = text.str.match(_DOT_DATE.pattern).fillna(False).to_numpy(dtype=bool)
    german = allow_german and bool(len(values)) and int(counts.to_numpy()[dots].sum()) > counts.sum() / 2
    note = None
    if german:
        formats = DE_DATETIME_FORMATS + formats
        note = f"dates in column '{column}' written TT.MM.JJJJ (German spreadsheet format): read day first"
    slash = text[text.str.match(_SLASH_DATE.pattern).fillna(False).to_numpy(dtype=bool)]
    if len(slash):
        a = slash.str.replace(r"/.*$", "", regex=True).tolist()
        b = slash.str.replace(r"^[^/]*/", "", regex=True).str.replace(r"/.*$", "", regex=True).tolist()
        first = np.fromiter(map(int, a), dtype=np.int64, count=len(a))
        second = np.fromiter(map(int, b), dtype=np.int64, count=len(b))
        day_first = bool((first > 12).any()) and not bool((second > 12).any())
        us_native = any(isinstance(f, str) and "%m/%d" in f for f in formats)
        if day_first and us_native:
            k = int(np.flatnonzero(first > 12)[0])
            example = f"{a[k]}/{b[k]}"
            formats = tuple(f.replace("%m/%d", "%d/%m") if isinstance(f, str) else f for f in formats)
            note = (f"dates in column '{column}' are day first (e.g. {example!r}...), not the export's "
                    f"month-first order: read as DD/MM/YYYY for the whole column")
    return DateStyle(formats, german, note)


# --- IDs destroyed by spreadsheets -----------------------------------------------------------------

_SCI = r"^\s*(\d+)(?:[.,](\d+))?[eE]\+?(\d+)\s*$".replace(r"\s", _WS)  # _WS: Arrow strings match it in C
#: Numeric post ids inside permalinks, per platform (first group = the id). Instagram has none:
#: its shortcodes (``/p/C2abcDEFghi/``) do not encode the ids Business Suite exports.
URL_IDS = {
    "facebook": r"(?:/posts/|/videos/|/reel/|/permalink/|story_fbid=|fbid=|/photos/[^/?#]+/)(\d{6,})",
    "x": r"/status(?:es)?/(\d{6,})",
    "tiktok": r"/video/(\d{6,})",
    "linkedin": r"urn:li:(?:activity|share|ugcPost):(\d{6,})",
}


@per_distinct
def mangled(ids: pd.Series) -> pd.Series:
    """True where an ID cell holds a number in scientific notation (``1,02938E+15``)."""
    return ids.astype("string").fillna("").str.match(_SCI).astype(bool)


def _consistent(candidate: pd.Series, sci: pd.Series) -> pd.Series:
    """Whether a digit string is what the scientific-notation cell was rounded from: as many digits
    as the exponent says, and its leading digits equal to the mantissa (cut or rounded)."""
    parsed = {}
    for v in pd.unique(sci.astype("string").dropna()):
        m = re.match(_SCI, str(v))
        if m:
            parsed[v] = ((m.group(1) + (m.group(2) or "")).rstrip("0") or "0", int(m.group(3)))
    s = sci.astype("string")
    mant = s.map({k: v[0] for k, v in parsed.items()}).astype("string")
    exp = s.map({k: v[1] for k, v in parsed.items()}).astype("Float64")
    cand = candidate.astype("string").fillna("")
    out = pd.Series(False, index=candidate.index)
    size = mant.str.len()
    ok = (cand.str.len() == exp + 1).fillna(False).astype(bool) & mant.notna()
    for k in size[ok].unique():  # a handful of mantissa lengths: vectorised per length
        sel = ok & size.eq(k).fillna(False)
        c, m = cand[sel], mant[sel]
        exact = c.str.slice(0, int(k)).eq(m)
        lead = pd.to_numeric(c.str.slice(0, int(k) + 1), errors="coerce")
        rounded = ((lead + 5) // 10).eq(pd.to_numeric(m, errors="coerce")) & c.str.len().gt(int(k))
        out[sel] = (exact | rounded).fillna(False).astype(bool)
    return out


def truncated(ids: pd.Series) -> pd.Series:
    """True where a column's long numeric ids were cut to 15 significant digits (a spreadsheet
    cell with a number format keeps 15: ``1029384756102938`` -> ``1029384756102930``).

    Decided for the whole column: every id longer than 15 digits ends in zeros after the 15th,
    and there are at least three such zeros in all (by chance: one in a thousand or less).
    """
    t = ids.astype("string").fillna("").str.strip()
    long = t.str.fullmatch(r"\d{16,}").fillna(False).astype(bool)
    if not long.any():
        return pd.Series(False, index=ids.index)
    tails = t[long].str.slice(15)
    if tails.str.fullmatch(r"0+").all() and int(tails.str.len().sum()) >= 3:
        return long
    return pd.Series(False, index=ids.index)


def _intact_digits(ids: pd.Series) -> bool:
    """True when an Arrow string column of ids holds ASCII digits only and :func:`truncated` would
    find nothing (then :func:`mangled` cannot either: scientific notation needs an ``E``): the usual
    column, decided in two Arrow passes. False when not known (then both run)."""
    if not (isinstance(ids.dtype, pd.StringDtype) and ids.dtype.storage == "pyarrow") or not len(ids):
        return False
    import pyarrow.compute as pc
    arr = ids.array._pa_array
    if arr.null_count or not pc.all(pc.ascii_is_decimal(arr)).as_py():  # (= every cell fits ^[0-9]+$)
        return False
    long = pc.greater_equal(pc.utf8_length(arr), 16)
    if not pc.any(long).as_py():
        return True
    tails = pc.utf8_slice_codeunits(arr.filter(long), 15)  # as truncated(): cut ids end in zeros only
    return not (pc.all(pc.match_substring_regex(tails, r"^0+$")).as_py() and pc.sum(pc.utf8_length(tails)).as_py() >= 3)


def _same_leading(candidate: pd.Series, cut: pd.Series) -> pd.Series:
    """Whether a digit string has the cut id's length and its first 15 digits."""
    c, k = candidate.astype("string").fillna(""), cut.astype("string").fillna("")
    return (c.str.len().eq(k.str.len()) & c.str.slice(0, 15).eq(k.str.slice(0, 15))).fillna(False).astype(bool)


def canonical_url(urls: pd.Series) -> pd.Series:
    """A permalink reduced to what identifies the post: no scheme, ``www.``/``m.``, tracking query
    or trailing slash; ``twitter.com`` = ``x.com``."""
    u = urls.astype("string").fillna("").str.strip().str.lower()
    u = u.str.replace(r"^[a-z]+://", "", regex=True).str.replace(r"^(?:www|m|web|mobile)\.", "", regex=True)
    u = u.str.replace(r"^twitter\.com/", "x.com/", regex=True)
    keep = u.str.extract(r"[?&]((?:story_fbid|fbid|id|v)=[^&#]+)", expand=False)
    u = u.str.replace(r"[?#].*$", "", regex=True).str.rstrip("/")
    return u.where(keep.isna(), u + "?" + keep.fillna(""))


def text_key(text: pd.Series) -> pd.Series:
    """Text as a spreadsheet round trip leaves it comparable: characters cp1252 cannot hold (emoji)
    and the ``?`` they become are dropped, then NFKC and whitespace runs as one space."""
    def one(s: str) -> str:
        s = "".join(ch for ch in s if ch != "?" and _cp1252(ch))
        return " ".join(unicodedata.normalize("NFKC", s).split())
    return text.astype("string").fillna("").map(one)


def _cp1252(ch: str) -> bool:
    try:
        ch.encode("cp1252")
        return True
    except UnicodeEncodeError:
        return False


def _sha(values) -> list[str]:
    return [hashlib.sha1(v.encode("utf-8")).hexdigest()[:16] for v in values]


def derived_post_key(platform: str, permalink: pd.Series | None, published_at: pd.Series | None,
                     text: pd.Series | None, index) -> pd.Series:
    """``link-<hash>`` of the canonical permalink, else ``key-<hash>`` of platform, publish minute
    (UTC) and :func:`text_key`; ``<NA>`` when neither is known. Stable across re-exports."""
    out = pd.Series(pd.NA, index=index, dtype="string")
    if permalink is not None:
        canon = canonical_url(permalink)
        has = canon.ne("")
        if has.any():
            out[has] = ["link-" + h for h in _sha(canon[has])]
    if published_at is not None:
        todo = out.isna() & published_at.notna()
        if todo.any():
            minute = published_at[todo].dt.strftime("%Y-%m-%dT%H:%MZ")
            body = text_key(text[todo]) if text is not None else pd.Series("", index=minute.index)
            out[todo] = ["key-" + h for h in _sha(platform + "|" + minute + "|" + body)]
    return out


DERIVED_KEY = r"^(?:link|key)-[0-9a-f]{16}$"


def repair_ids(ids: pd.Series, *, platform: str, column: str, permalink: pd.Series | None = None,
               published_at: pd.Series | None = None, text: pd.Series | None = None,
               what: str = "post") -> tuple[pd.Series, pd.Series, str | None]:
    """Replace IDs a spreadsheet destroyed (scientific notation, or cut to 15 significant digits:
    :func:`mangled`, :func:`truncated`) by a stable key; never store the number.

    In order: the numeric id in the permalink when its digits are the ones the spreadsheet
    rounded (the real id is back); else ``link-<hash>`` of the permalink; else ``key-<hash>``
    of publish time and text (see :func:`derived_post_key`). The same post gets the same key in
    every re-export, so duplicates across files are still found.

    Returns ``(ids, unresolved mask, note)``; unresolved rows have neither link nor time.
    """
    if _intact_digits(ids):
        return ids, pd.Series(False, index=ids.index), None
    sci, cut = mangled(ids), truncated(ids)
    bad = sci | cut
    if not bad.any():
        return ids, pd.Series(False, index=ids.index), None
    out = ids.astype("string").copy()
    n = int(bad.sum())
    example = ids[bad].iloc[0]
    how = "cut to 15 significant digits" if cut.any() and not sci.any() else "scientific notation"
    recovered = pd.Series(False, index=ids.index)
    if permalink is not None and platform in URL_IDS:
        cand = permalink.astype("string").fillna("").str.extract(URL_IDS[platform], expand=False)
        fits = (sci & _consistent(cand, ids)) | (cut & _same_leading(cand, ids))
        ok = bad & cand.notna() & fits
        out[ok] = cand[ok]
        recovered = ok
    rest = bad & ~recovered
    derived = derived_post_key(platform, None if permalink is None else permalink[rest],
                               None if published_at is None else published_at[rest],
                               None if text is None else text[rest], ids.index[rest])
    out[rest] = derived
    unresolved = rest & out.isna()
    parts = []
    if recovered.any():
        parts.append(f"{int(recovered.sum())} recovered from the permalink (the {what} id in the URL)")
    n_link = int(out[rest].fillna("").str.startswith("link-").sum())
    n_key = int(out[rest].fillna("").str.startswith("key-").sum())
    if n_link:
        parts.append(f"{n_link} keyed by the permalink ('link-...')")
    if n_key:
        parts.append(f"{n_key} keyed by publish time + text ('key-...')")
    if unresolved.any():
        parts.append(f"{int(unresolved.sum())} without permalink or time: not loaded")
    note = (f"column '{column}': {n} {what} id(s) destroyed by a spreadsheet program ({how} like {example!r}; "
            f"the digits are lost) were not stored as ids: " + ", ".join(parts)
            + (". Derived keys are the same in every re-export of the post (duplicates are still found) "
               "but are not the platform's ids" if n_link or n_key else ""))
    return out, unresolved, note
