"""The API can be discovered: dir(tk), tab completion, help(toolkit) and the index in docs/api/ (#19.4)."""

from __future__ import annotations

import importlib.util
import inspect
import pydoc
import re
import rlcompleter
from pathlib import Path

import pytest

import toolkit as tk

ROOT = Path(__file__).resolve().parents[1]
API = ROOT / "docs" / "api"
PUBLIC_MODULES = ["community", "errors", "inventory", "io", "performance", "plots", "report", "samples", "schema",
                  "text", "timing", "traffic", "widgets"]


def _builder():
    spec = importlib.util.spec_from_file_location("build_api_docs", ROOT / "scripts" / "build_api_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _resolve(dotted: str):
    """The object a name such as ``tk.timing.best_times`` or ``tk.text.SentimentModel.fit`` names."""
    obj = tk
    for part in dotted.split(".")[1:]:
        obj = getattr(obj, part)
    return obj


def test_dir_lists_the_public_modules_and_load_and_nothing_else():
    names = dir(tk)
    assert names == sorted(tk.__all__)
    assert {"load", "Dataset", *PUBLIC_MODULES} <= set(names)
    assert not [n for n in names if n.startswith("_") and n != "__version__"]
    assert "importlib" not in names and "annotations" not in names  # no leaked imports
    for name in names:
        getattr(tk, name)  # each resolves (submodules load lazily)


def test_tab_completion_offers_load_and_the_modules():
    complete = rlcompleter.Completer({"tk": tk}).complete

    def options(text: str) -> list[str]:
        out, i = [], 0
        while (c := complete(text, i)) is not None:
            out.append(c)
            i += 1
        return out

    everything = options("tk.")
    for name in ("tk.load(", "tk.timing", "tk.text", "tk.performance", "tk.community", "tk.report", "tk.widgets"):
        assert name in everything
    assert options("tk.ti") == ["tk.timing"]
    assert not [o for o in everything if o.startswith("tk._") and not o.startswith("tk.__version__")]


def test_help_gives_a_map_whose_names_exist():
    doc = tk.__doc__
    for name in PUBLIC_MODULES + ["load"]:
        assert f"``tk.{name}``" in doc, name
    for ref in set(re.findall(r"\btk\.(\w+(?:\.\w+)?)", doc)):
        _resolve(f"tk.{ref}")  # e.g. no tk.plots.heatmap that does not exist
    text = pydoc.render_doc(tk, renderer=pydoc.plaintext)
    assert "Map of the package" in text and "__getattr__" not in text


def test_the_checked_in_api_index_is_up_to_date():
    pages = _builder().build()
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in API.glob("*.md")}
    stale = sorted(n for n in pages if on_disk.get(n) != pages[n]) + sorted(set(on_disk) - set(pages))
    assert not stale, f"docs/api is out of date ({', '.join(stale)}): run `make docs` and commit docs/api/"


def test_every_name_the_index_lists_exists_and_has_a_summary():
    listed = []
    for page in API.glob("*.md"):
        text = page.read_text(encoding="utf-8")
        for dotted, kind, summary in re.findall(r"^\| `(tk\.[\w.]+?)(?:\(\))?` \| (\w+) \| (.*) \|$", text, re.M):
            obj = _resolve(dotted)
            listed.append(dotted)
            if kind == "function":
                assert callable(obj) and summary.strip(), dotted
        for target in re.findall(r"\]\((\w+\.md)\)", text):
            assert (API / target).exists(), f"{page.name} links to a missing page {target}"
    assert len(listed) > 100


@pytest.mark.parametrize("module", PUBLIC_MODULES)
def test_every_public_function_is_listed_on_its_page(module):
    mod = getattr(tk, module)
    text = (API / f"{module}.md").read_text(encoding="utf-8")
    for name in mod.__all__:
        obj = getattr(mod, name)
        if inspect.isroutine(obj):
            assert f"| `tk.{module}.{name}()` | function |" in text, f"tk.{module}.{name} is not in docs/api/{module}.md"
    assert f"[`tk.{module}`]({module}.md)" in (API / "index.md").read_text(encoding="utf-8")


def test_the_builder_finds_a_missing_and_a_stale_page(tmp_path, monkeypatch):
    builder = _builder()
    monkeypatch.setattr(builder, "OUT", tmp_path)
    assert builder.main(["--check"]) == 1  # nothing written yet
    assert builder.main([]) == 0 and builder.main(["--check"]) == 0
    (tmp_path / "timing.md").write_text("old", encoding="utf-8")
    assert builder.main(["--check"]) == 1


@pytest.mark.parametrize("use_jedi", [True, False])
def test_ipython_tab_completion_offers_the_modules_and_load(use_jedi):
    # in a fresh interpreter: an IPython shell changes process-wide hooks the other tests rely on
    import json
    import subprocess
    import sys

    code = f"""
import json
from IPython import get_ipython
from IPython.core.completer import provisionalcompleter
from IPython.testing.globalipapp import start_ipython
start_ipython()
ip = get_ipython()
ip.run_cell("import toolkit as tk")
ip.Completer.use_jedi = {use_jedi}
with provisionalcompleter():
    print(json.dumps(sorted({{c.text.lstrip(".") for c in ip.Completer.completions("tk.", 3)}})))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT,
                          env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-2000:]
    offered = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert offered == set(tk.__all__) - {"__version__"}


@pytest.mark.parametrize("module", PUBLIC_MODULES)
def test_a_modules_dir_offers_its_public_names_only(module):
    mod = getattr(tk, module)
    assert dir(mod) == sorted(mod.__all__)
    assert not {"np", "pd", "warnings", "tqdm", "annotations", "importlib"} & set(dir(mod))
    for name in dir(mod):
        getattr(mod, name)  # every name offered resolves
