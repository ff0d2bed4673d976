"""Project documentation. ``benchmarks.md`` ships inside the package as ``toolkit._docs`` (see
pyproject.toml), because ``tk.report.benchmarks()`` and the report's methods section read it.

Nothing to import here: this file only lets ``importlib.resources.files("toolkit._docs")`` find
this folder in an editable install as well as in an installed wheel.
"""
