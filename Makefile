# Two commands do everything on a fresh machine:
#   make report   renders every curated notebook on data/samples/ into reports/
#   make test     runs the whole test suite, notebooks included
# Both create .venv (python3 -m venv) and install the project when the venv is missing or
# pyproject.toml changed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
JUPYTER_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: all venv report test lab samples strip docs clean help

help:
	@echo "make report   render the notebooks on data/samples/ into reports/ (open reports/index.html)"
	@echo "make test     run all tests, notebooks included"
	@echo "make lab      JupyterLab on notebooks/"
	@echo "make samples  regenerate data/samples/ from the seeded generator"
	@echo "make strip    strip outputs from notebooks/ before committing"
	@echo "make docs     regenerate the API index docs/api/ from the docstrings"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@# the distribution was called 'toolkit' before; drop that install so only one maps the package
	@$(BIN)/python -m pip uninstall --quiet --yes toolkit 2>/dev/null || true
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

report: $(STAMP)
	$(BIN)/python -m toolkit report data/samples --out reports --tz Europe/Berlin

# one pytest worker per core (pytest-xdist); a file's tests stay on one worker, so a notebook runs in one kernel
# and a module's fixtures are built once. The rendered sample reports are shared by all workers (tests/conftest.py).
TEST_WORKERS ?= auto

test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --nbval-lax --nbval-current-env tests notebooks

lab: $(STAMP)
	$(BIN)/jupyter lab $(JUPYTER_ROOT) --notebook-dir=notebooks

samples: $(STAMP)
	$(BIN)/python -m toolkit.samples data/samples

strip: $(STAMP)
	$(BIN)/nbstripout --keep-id notebooks/*.ipynb

docs: $(STAMP)
	$(BIN)/python scripts/build_api_docs.py

clean:
	rm -rf reports .pytest_cache
