"""The io package's layout (issue #12.4): a loader module reads one platform's exports and imports
shared helpers only from the io base (the ``toolkit/io/_*.py`` modules), never from a sibling
loader, so a change to one platform's loader cannot break another's."""

from __future__ import annotations

import ast
from pathlib import Path

import toolkit.io

IO = Path(toolkit.io.__file__).parent
LOADERS = sorted(p.stem for p in IO.glob("*.py") if not p.stem.startswith("_"))


def _sibling_imports(path: Path) -> list[str]:
    """``module: name`` for every import of a sibling loader module (or a name from it) in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module in LOADERS:  # from .x import a
                found += [f"{node.module}: {a.name}" for a in node.names]
            elif node.level == 1 and node.module is None:  # from . import x
                found += [f"{a.name}: (module)" for a in node.names if a.name in LOADERS]
            elif node.level == 0 and node.module and node.module.startswith("toolkit.io."):
                mod = node.module.split(".")[2]
                if mod in LOADERS:
                    found += [f"{mod}: {a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("toolkit.io.")
                      and a.name.split(".")[2] in LOADERS]
    return found


def test_the_loaders_are_found():
    assert {"youtube", "meta", "x", "ga4", "ua", "linkedin", "threads"} <= set(LOADERS)


def test_no_loader_imports_a_sibling_loader():
    offenders = {name: got for name in LOADERS if (got := _sibling_imports(IO / f"{name}.py"))}
    assert offenders == {}, (f"loaders importing from sibling loaders: {offenders}. Move the shared helper into "
                             f"the io base (a toolkit/io/_*.py module) and import it from there.")


def test_the_check_sees_a_sibling_import(tmp_path):
    # the rule must be able to fail: both spellings of a sibling import are caught
    bad = tmp_path / "bad.py"
    bad.write_text("from .meta import _melt\nfrom . import x\nfrom toolkit.io.ga4 import preamble_meta\n"
                   "from ._daily import daily_from_wide\n", encoding="utf-8")
    assert _sibling_imports(bad) == ["meta: _melt", "x: (module)", "ga4: preamble_meta"]
