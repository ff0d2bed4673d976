"""Refresh the notebooks' translation catalogs: ``python -m toolkit.locale [LANG ...]``.

Writes ``toolkit/locale/notebooks.pot`` (every markdown cell of the curated notebooks, keyed by
``notebook#cell-id``) and merges it into ``<lang>/LC_MESSAGES/notebooks.po`` of each language
(Babel's catalog update: kept translations stay, a cell whose English changed is marked fuzzy
with its old translation as a hint, new cells are added empty). Then it lists per language how
many cells still need a translator. ``python -m toolkit.locale xx`` starts a new language.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

HERE = Path(__file__).resolve().parent


def template() -> Catalog:
    import nbformat

    from ..report import notebooks

    cat = Catalog(project="social-media-research-toolkit", domain="notebooks")
    for book in notebooks():
        nb = nbformat.read(book, as_version=4)
        for cell in nb.cells:
            tags = cell.get("metadata", {}).get("tags", [])
            if cell.cell_type == "markdown" and cell.source.strip() and "remove" not in tags:
                cat.add(cell.source, context=f"{book.name}#{cell.get('id', '')}", locations=[(book.name, 0)])
    return cat


def main(argv: list[str]) -> int:
    pot = template()
    with open(HERE / "notebooks.pot", "wb") as fh:
        write_po(fh, pot, width=0, omit_header=True)
    langs = set(argv) | {p.parent.parent.name for p in HERE.glob("*/LC_MESSAGES/notebooks.po")}
    for lang in sorted(langs):
        path = HERE / lang / "LC_MESSAGES" / "notebooks.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with open(path, "rb") as fh:
                cat = read_po(fh, locale=lang, domain="notebooks")
        else:
            cat = Catalog(locale=lang, domain="notebooks")
        cat.update(pot, no_fuzzy_matching=False)
        with open(path, "wb") as fh:
            write_po(fh, cat, width=0, omit_header=True, ignore_obsolete=True)
        todo = sum(1 for m in cat if m.id and (not m.string or m.fuzzy))
        print(f"{lang}: {todo} of {len(pot)} notebook cells need a translation ({path.relative_to(HERE)})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
