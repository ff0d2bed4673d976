"""The curated notebooks, shipped inside the package as ``toolkit._notebooks`` (see pyproject.toml).

Nothing to import here: this file only lets ``importlib.resources.files("toolkit._notebooks")`` find
this folder in an editable install as well as in an installed wheel.
"""
