"""Audience and content research on social-media exports.

Analysts write ``import toolkit as tk``; the module carries the domain word
(``tk.load``, ``tk.text.sentiment``, ``tk.timing.best_times``, ``tk.plots.heatmap``...).
"""

from __future__ import annotations

import importlib

from . import errors, schema

__version__ = "0.1.0"
__all__ = ["load", "Dataset", "errors", "schema", "io", "inventory", "text", "timing", "performance",
           "community", "traffic", "plots", "widgets", "report", "samples", "__version__"]

_LAZY = {"io", "inventory", "text", "timing", "performance", "community", "traffic", "plots", "widgets", "report", "samples"}


def __getattr__(name: str):
    # Submodules load on first use so ``import toolkit`` stays fast and light.
    if name in _LAZY:
        return importlib.import_module(f".{name}", __name__)
    if name in ("load", "Dataset"):
        from . import io
        return getattr(io, name)
    raise AttributeError(f"module 'toolkit' has no attribute {name!r}")
