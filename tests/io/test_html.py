"""Tests of toolkit/io/_html.py: the one-pass reader of simple post HTML gives the parser's text."""

import random
import tarfile
import json
from pathlib import Path

from toolkit.io._html import _simple_html_to_text, _TextExtractor, html_to_text

FIX = Path(__file__).parent.parent / "fixtures" / "io"


def _parser_text(value: str, drop_invisible: bool) -> str:
    p = _TextExtractor(drop_invisible)
    p.feed(value)
    p.close()
    return "".join(p.out)


def test_the_mastodon_fixture_takes_the_fast_path_and_gives_the_parsers_text():
    with tarfile.open(FIX / "mastodon" / "archive-20240614120000-0123456789abcdef0123456789abcdef.tar.gz") as tar:
        outbox = json.load(tar.extractfile("outbox.json"))
    contents = [a["object"]["content"] for a in outbox["orderedItems"] if isinstance(a.get("object"), dict)]
    assert contents
    for c in contents:
        for drop in (True, False):
            fast = _simple_html_to_text(c, drop)
            assert fast is not None and fast == _parser_text(c, drop)


def test_anything_but_simple_tags_goes_to_the_parser():
    for v in ("<p>a</p><!-- c -->", "<em>x</em>", "a < b", "<a href='x'>y</a>", "<script>x</script>",
              '<a href="a>b">c</a>'):
        assert _simple_html_to_text(v, True) is None
        assert html_to_text(v) == _parser_text(v, True)


def test_random_mixtures_of_tags_entities_and_text_read_as_the_parser_reads_them():
    pieces = ["<p>", "</p>", "<br>", "<br />", "<br/>", "<BR>", '<a href="https://x.org/a?b=1&amp;c=2" rel="tag">',
              "</a>", '<span class="invisible">', '<span class="ellipsis">', "<span>", '<span class="h-card">',
              "</span>", '<span class="invisible"/>', "</span >", "<p/>", "text", " & ", "&amp;", "&lt;b&gt;",
              "&#x1F600;", "&nbsp;", "&amp", "a > b", "\n", "Grüße 🎉", "&unknown;", "<em>", "<", "&", "&#",
              '<span class="invisible ellipsis">', '<span class="x" class="invisible">', '<span CLASS="ellipsis">']
    rng = random.Random(7)
    fast_used = 0
    for _ in range(5000):
        v = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        for drop in (True, False):
            fast = _simple_html_to_text(v, drop)
            fast_used += fast is not None
            assert html_to_text(v, drop_invisible=drop) == _parser_text(v, drop)
            assert fast is None or fast == _parser_text(v, drop)
    assert fast_used > 2000
