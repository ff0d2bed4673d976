"""toolkit.text is split into modules with one job each, and they import each other one way only."""

from __future__ import annotations

import ast
from pathlib import Path

import toolkit as tk

TEXT = Path(tk.__file__).parent / "text"


def _imports() -> dict[str, set[str]]:
    """module -> sibling modules it imports (at the top or inside a function)."""
    graph = {}
    for f in TEXT.glob("*.py"):
        found = set()
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                found |= {node.module.split(".")[0]} if node.module else {a.name for a in node.names}
        graph[f.stem] = found
    return graph


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for nxt in graph.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_no_import_cycles_and_scoring_does_not_import_the_model():
    graph = _imports()
    cycles = [m for m in graph if m in _reachable(graph, m)]
    assert cycles == []
    assert "model" not in _reachable(graph, "scoring")
    assert {"lexicons", "_engines", "_langrule"} <= graph["scoring"]


def test_the_cycle_check_can_fail():
    assert "a" in _reachable({"a": {"b"}, "b": {"a"}}, "a")


def test_public_names_keep_working():
    from toolkit.text import lexicons, scoring

    assert tk.text.load_lexicon is lexicons.load_lexicon is scoring.load_lexicon
    assert tk.text.sentiment is scoring.sentiment and tk.text.add_sentiment is scoring.add_sentiment
    assert tk.text.SentimentModel.__module__ == "toolkit.text.model"
    for name in tk.text.__all__:
        assert callable(getattr(tk.text, name)), name
