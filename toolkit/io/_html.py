"""Sanitized post HTML (Mastodon ``content``, YouTube ``textDisplay``) -> plain text, shared by loaders."""

from __future__ import annotations

from html.parser import HTMLParser

__all__ = ["html_to_text"]


class _TextExtractor(HTMLParser):
    def __init__(self, drop_invisible: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.drop_invisible = drop_invisible
        self.skip_depth = 0
        self.span_stack: list[str] = []
        self.paragraphs = 0

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "span":
            kind = "invisible" if "invisible" in classes else "ellipsis" if "ellipsis" in classes else ""
            if self.skip_depth:
                self.skip_depth += 1
                kind = "skipped"
            elif kind == "invisible" and self.drop_invisible:
                self.skip_depth = 1
            self.span_stack.append(kind)
            return
        if self.skip_depth:
            return
        if tag == "p":
            if self.paragraphs:
                self.out.append("\n\n")
            self.paragraphs += 1
        elif tag == "br":
            self.out.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag == "br" and not self.skip_depth:
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag == "span" and self.span_stack:
            kind = self.span_stack.pop()
            if self.skip_depth:
                self.skip_depth -= 1
            elif kind == "ellipsis":
                self.out.append("…")

    def handle_data(self, data):
        if not self.skip_depth:
            self.out.append(data)


def html_to_text(value: str | None, *, drop_invisible: bool = True) -> str:
    """Turn sanitized post HTML (Mastodon ``content``, YouTube ``textDisplay``) into plain text.

    ``<p>`` paragraphs are separated by a blank line, ``<br>`` becomes a newline, tags are dropped,
    character references are unescaped, and (with ``drop_invisible``) ``<span class="invisible">``
    parts of shortened links are dropped while ``<span class="ellipsis">`` gets a trailing ``…``,
    as Mastodon displays them. ``None`` gives ``""``.

    Examples
    --------
    >>> html_to_text('<p>Hallo &amp; <a href="https://x.org/a">#<span>Tag</span></a></p><p>2<br>3</p>')
    'Hallo & #Tag\\n\\n2\\n3'
    """
    if not value:
        return ""
    parser = _TextExtractor(drop_invisible)
    parser.feed(str(value))
    parser.close()
    return "".join(parser.out)
