"""Every docstring example in the package runs and shows what it says (offline).

Part of ``make test``: one test per module of ``toolkit``, run with the standard ``doctest``
machinery while opening a network connection raises.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import socket

import pytest

import toolkit

MODULES = sorted(m.name for m in pkgutil.walk_packages(toolkit.__path__, "toolkit.")
                 if not m.name.endswith("__main__")) + ["toolkit"]
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _examples(name: str) -> list[doctest.DocTest]:
    module = importlib.import_module(name)
    return [t for t in doctest.DocTestFinder(exclude_empty=True).find(module, name) if t.examples]


def _no_network(*args, **kwargs):
    raise OSError("docstring examples must not use the network")


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name, monkeypatch):
    monkeypatch.setattr(socket.socket, "connect", _no_network)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    report: list[str] = []
    for test in _examples(name):
        runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)


def test_the_package_has_examples_and_the_runner_catches_a_wrong_one():
    assert sum(len(t.examples) for name in MODULES for t in _examples(name)) >= 80
    wrong = doctest.DocTestParser().get_doctest(">>> 1 + 1\n3\n", {}, "wrong", "wrong.py", 0)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    runner.run(wrong, out=lambda _: None)
    assert runner.failures == 1
