import numpy as np
import pandas as pd
import pytest

from toolkit.errors import ParameterError
from toolkit.text.cleaning import clean


@pytest.mark.parametrize("raw, expected", [
    ("RT @united: Thanks!! #happy https://t.co/x1", "Thanks!! happy"),
    ("@united flight delayed", "flight delayed"),
    ("see www.example.com/page now", "see now"),
    ("Fish &amp; chips", "Fish & chips"),
    ("mail a@b.de ok", "mail a@b.de ok"),
    ("  viel   zu   spät  ", "viel zu spät"),
    ("Toll! 😍", "Toll! 😍"),
    ("#Bahnchaos heute", "Bahnchaos heute"),
    ("", ""),
    ("  RT @db: Zug\tfällt\n aus", "Zug fällt aus"),   # leading blanks before RT, tab and newline
    ("a#b ##x #1", "a#b ##x 1"),                     # '#' inside a word or doubled is kept
    ("Start ist heute", "Start ist heute"),         # 'RT'-like word that is no marker
])
def test_clean_str(raw, expected):
    assert clean(raw) == expected


def test_clean_series_keeps_index_and_missing_become_empty():
    s = pd.Series(["@a hi", None, np.nan, "RT @b: ok"], index=[10, 11, 12, 13], name="text")
    before = s.copy()
    out = clean(s)
    assert out.tolist() == ["hi", "", "", "ok"]
    assert out.index.tolist() == [10, 11, 12, 13]
    assert out.dtype == "string"
    pd.testing.assert_series_equal(s, before)


def test_clean_list_gives_series():
    out = clean(["@x super", pd.NA])
    assert isinstance(out, pd.Series)
    assert out.tolist() == ["super", ""]


def test_clean_dataframe_is_refused():
    with pytest.raises(ParameterError, match="DataFrame"):
        clean(pd.DataFrame({"text": ["a"]}))


def test_clean_unchanged_text_is_returned_as_is():
    text = "Nothing to clean here 👍"
    assert clean(text) is text


def test_hyphenated_handles_and_pseudonyms_are_dropped_whole():
    # YouTube handles and the report's pseudonyms contain hyphens; no fragment may remain
    assert clean("@member-3f9a danke!") == "danke!"
    assert clean("@Bergkaffee-Fan super") == "super"
    assert clean("@bergkaffee@mastodon.social danke") == "danke"


@pytest.mark.parametrize("text, expected", [
    ("C# rocks", "C# rocks"), ("a#b", "a#b"), ("##double", "##double"), ("(#tag)", "(tag)"),
    ("#tag#tag2", "tag#tag2"), ("mail me@host.de", "mail me@host.de"), ("@@x hi", "@@x hi"),
    ("(@anna) hi", "( ) hi"), ("#", "#"), ("_#tag", "_#tag"),
])
def test_hashtag_and_mention_boundaries(text, expected):
    # '#'/'@' inside a word or after another '#'/'@' is not a hashtag/mention
    assert clean(text) == expected
