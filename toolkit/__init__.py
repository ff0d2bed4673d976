"""Audience and content research on social-media exports: load, analyse, report.

Analysts write ``import toolkit as tk``; the module carries the domain word, so function names
stay short. Every table goes in first, every option after it by name (``tz=``, ``metric=``...).

Map of the package
------------------
==================  ============================================================================
``tk.load``         read a folder, file or zip of platform exports into a :class:`Dataset`
                    (``ds.posts``, ``ds.comments``, ``ds.daily``, ``ds.load_report``)
``tk.io``           the loaders behind ``tk.load``, one per platform export (``tk.io.loaders()``)
``tk.inventory``    what is in the data: coverage, reported metrics, activity, ``select`` a period
``tk.timing``       when to post (``best_times``), when the audience is active
``tk.performance``  engagement-rate formulas, channel KPIs, top posts, content effects, channel fit
``tk.text``         cleaning, language, sentiment (English and German, emoji-aware), keywords
``tk.community``    replies and response times, unanswered questions, members, negative spikes
``tk.traffic``      web-analytics visits from social networks, joined to posts and campaigns
``tk.plots``        one chart per computation, each a plotly Figure
``tk.widgets``      explorers for JupyterLab: controls wired to the functions above
``tk.report``       render the curated notebooks to HTML; safe CSV/Excel export
``tk.schema``       the canonical tables (columns, dtypes, validation)
``tk.errors``       the exceptions the toolkit raises on purpose
``tk.samples``      the seeded sample data (a fictional coffee roaster on seven platforms)
``tk.scale``        past one machine: the analyses on a Dask cluster (``tk.load(..., engine="dask")``)
==================  ============================================================================

Every public function is listed with its one-line summary in ``docs/api/`` (``make docs``).
The command line: ``python -m toolkit report DATA --out reports --tz Europe/Berlin``.

Examples
--------
>>> import pandas as pd
>>> import toolkit as tk
>>> "load" in dir(tk) and "timing" in dir(tk)
True
>>> posts = pd.DataFrame({"platform": ["instagram", "instagram"], "likes": [10, 5],
...                       "comments": [2, None], "shares": [1, 0]})
>>> tk.inventory.metrics(posts)[["platform", "posts", "likes_reported_rate", "comments_reported_rate"]]
    platform  posts  likes_reported_rate  comments_reported_rate
0  instagram      2                  1.0                     0.5
>>> tk.plots.kpis                                   # doctest: +ELLIPSIS
<function kpis at ...>
>>> ds = tk.load("data/samples", tz="Europe/Berlin")               # doctest: +SKIP
>>> tk.timing.best_times(ds.posts, tz="Europe/Berlin").head()      # doctest: +SKIP
"""

import importlib as _importlib

from . import errors, schema

__version__ = "0.1.0"
__all__ = ["load", "Dataset", "errors", "schema", "io", "inventory", "text", "timing", "performance",
           "community", "traffic", "plots", "widgets", "report", "samples", "scale", "__version__"]

_LAZY = {"io", "inventory", "text", "timing", "performance", "community", "traffic", "plots", "widgets", "report",
         "samples", "scale"}


def __getattr__(name: str):
    # Submodules load on first use so ``import toolkit`` stays fast and light.
    if name in _LAZY:
        return _importlib.import_module(f".{name}", __name__)
    if name in ("load", "Dataset"):
        from . import io
        return getattr(io, name)
    raise AttributeError(f"module 'toolkit' has no attribute {name!r}")


def __dir__() -> list[str]:
    # What ``dir(tk)`` and tab completion offer: the public names, loaded or not yet.
    return sorted(__all__)
