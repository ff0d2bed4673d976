"""The packaging files agree with each other and with the README's promises."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    """Distribution name of a requirement string, normalised as PEP 503 does."""
    name = re.split(r"[<>=!~;\[\s]", requirement.strip(), maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def _pyproject_names() -> set[str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(meta["dependencies"]) + list(meta["optional-dependencies"]["dev"])
    return {_name(r) for r in reqs}


def _environment_names() -> set[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    names = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            names |= {_name(p) for p in dep.get("pip", []) if not p.startswith("-e")}
        elif _name(dep) not in ("python", "pip"):
            names.add(_name(dep))
    return names


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    py, env = _pyproject_names(), _environment_names()
    assert py == env, f"only in pyproject.toml: {sorted(py - env)}; only in environment.yml: {sorted(env - py)}"


def test_environment_yml_is_conda_forge_python_311_with_editable_install():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert env["channels"] == ["conda-forge"]
    assert "python=3.11" in env["dependencies"]
    pip = [d for d in env["dependencies"] if isinstance(d, dict)][0]["pip"]
    assert "-e ." in pip


def test_every_dependency_has_a_lower_bound():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(meta["dependencies"]) + list(meta["optional-dependencies"]["dev"])
    assert [r for r in reqs if ">=" not in r] == []


def test_name_normalisation_catches_a_real_difference():
    # The parity check must be able to fail: a renamed package is a difference.
    assert _name("scikit_learn>=1.3") == _name("scikit-learn")
    assert _name("vaderSentiment>=3.3.2") == "vadersentiment"
    assert _name("textblob") != _name("textblob-de")


def test_importing_toolkit_does_no_heavy_work_and_no_network():
    code = ("import sys, socket\n"
            "socket.socket.connect = lambda *a, **k: (_ for _ in ()).throw(RuntimeError('network'))\n"
            "import toolkit\n"
            "assert 'plotly' not in sys.modules and 'sklearn' not in sys.modules, sorted(sys.modules)\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make test" in ci and "make test" in readme and "make report" in readme


# --- the installed package is complete ------------------------------------------------------------
def _tracked(*folders: str) -> list[str]:
    """Files of the checkout (committed or new, not ignored) under ``folders``."""
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", *folders],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    return [f for f in out.stdout.split("\0") if f and (ROOT / f).is_file()]


def _clean_copy(target: Path) -> Path:
    """The files a fresh clone has (without data/, tests/, bench/): builds never see stale build/ output."""
    for name in _tracked("pyproject.toml", "README.md", "toolkit", "notebooks", "docs"):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
    return target


def test_every_package_folder_is_listed_in_pyproject():
    # pyproject.toml lists the packages explicitly (it maps toolkit._notebooks onto notebooks/), so a
    # new subpackage must be added there or it would be missing from the wheel.
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "toolkit").rglob("__init__.py")}
    assert found <= listed, f"add {sorted(found - listed)} to [tool.setuptools] packages in pyproject.toml"
    assert {"toolkit._notebooks", "toolkit._docs"} <= listed


def _dependency_view(tmp: Path) -> Path:
    """A folder of links to this environment's installed packages, without the toolkit itself."""
    view = tmp / "deps"
    view.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        name = entry.name.lower()
        if name.endswith(".pth") or name.startswith(("__editable__", "social_media_research_toolkit", "toolkit")):
            continue
        (view / entry.name).symlink_to(entry)
    return view


@pytest.mark.wheel
def test_wheel_installs_into_a_fresh_venv_and_renders_the_report(tmp_path):
    """pip-install the built wheel (not editable) into a new venv and use it from outside the repo.

    The new venv sees this environment's dependencies through a .pth file (offline and fast) but not
    the editable toolkit: everything the toolkit reads at run time must come from the wheel.
    """
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                    "--quiet", "--wheel-dir", str(tmp_path / "dist"), str(_clean_copy(tmp_path / "src"))],
                   check=True)
    wheel = next((tmp_path / "dist").glob("social_media_research_toolkit-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        shipped = set(zf.namelist())
    wanted = {f for f in _tracked("toolkit") if "__pycache__" not in f}
    wanted |= {f"toolkit/_notebooks/{Path(f).name}" for f in _tracked("notebooks") if f.endswith(".ipynb")}
    wanted.add("toolkit/_docs/benchmarks.md")
    assert wanted - shipped == set(), "missing from the wheel"
    assert not [f for f in shipped if f.startswith(("data/", "tests/", "toolkit/_notebooks/.ipynb"))]

    venv.create(tmp_path / "venv", with_pip=False)
    py = tmp_path / "venv" / "bin" / "python"
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "_dependencies.pth").write_text(f"{_dependency_view(tmp_path)}\n", encoding="utf-8")
    (tmp_path / "venv" / "share").mkdir()  # nbconvert's templates and the kernel spec live in share/jupyter
    (tmp_path / "venv" / "share" / "jupyter").symlink_to(Path(sys.prefix) / "share" / "jupyter")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-index", "--quiet",
                    str(wheel)], check=True)

    work = tmp_path / "elsewhere"  # not the repository: nothing can be found relative to it
    work.mkdir()
    check = ("import toolkit as tk, toolkit.report as r\n"
             "assert tk.__file__.startswith(%r), tk.__file__\n"
             "assert len(r.notebooks()) >= 7 and len(r.benchmarks()) > 0\n"
             "assert len(tk.text.load_lexicon(['de', 'de_social', 'emoji'])) > 1000\n"
             "out = tk.text.sentiment(['Das ist nicht gut', 'Toll! 😍', 'the best coffee in town'],"
             " progress=False)\n"
             "assert out['label'].tolist() == ['negative', 'positive', 'positive'], out\n"
             "assert tk.text.keywords(__import__('pandas').DataFrame({'text': ['und der Kaffee']}),"
             " progress=False)['keyword'].tolist() == ['kaffee']\n") % str(site)
    subprocess.run([str(py), "-c", check], cwd=work, check=True)

    # a pip user without a checkout writes the samples from the seeded generator: the same bytes
    subprocess.run([str(py), "-m", "toolkit.samples", "samples"], cwd=work, check=True, capture_output=True)
    assert _hashes(work / "samples") == _hashes(ROOT / "data" / "samples")

    script = tmp_path / "venv" / "bin" / "social-media-research-toolkit"
    done = subprocess.run([str(script), "report", "samples", "--out", "r", "--only", "01", "--only", "02"],
                          cwd=work, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    pages = sorted(p.name for p in (work / "r").glob("*.html"))
    assert pages == ["01-what-is-in-my-data.html", "02-how-do-our-channels-perform.html", "index.html"]
    assert "Bergkaffee" in (work / "r" / "01-what-is-in-my-data.html").read_text(encoding="utf-8")


def _hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_sources_compile_without_warnings():
    """An invalid escape such as "\\d" in a plain string is a DeprecationWarning now and a
    SyntaxWarning in Python 3.12 (an error later): every module of the package and of bench/
    compiles cleanly."""
    import warnings

    root = Path(__file__).resolve().parent.parent
    for path in sorted([*root.joinpath("toolkit").rglob("*.py"), *root.joinpath("bench").glob("*.py")]):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            compile(path.read_text(encoding="utf-8"), str(path), "exec")
