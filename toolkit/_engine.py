"""Which execution backend a table asks for: pandas, or Dask (``engine="dask"``).

The analysis functions dispatch on the type of the table they get: a pandas DataFrame runs in
pandas, a ``dask.dataframe.DataFrame`` (from ``tk.load(..., engine="dask")`` or
``tk.scale.from_pandas``) runs partition-wise on Dask (toolkit/_dask.py). Nothing here imports
Dask, so ``import toolkit`` stays free of it; :func:`require_dask` imports it on first use and
says how to install it when it is missing.
"""

from __future__ import annotations

from .errors import ParameterError
from ._validate import did_you_mean

#: Execution backends accepted by ``engine=``.
ENGINES = ("pandas", "dask")
#: How to install the Dask engine's packages.
INSTALL = "pip install 'social-media-research-toolkit[scale]'"


def is_dask(obj) -> bool:
    """True for a Dask collection (DataFrame or Series): a table the Dask engine works on.

    Answers without importing Dask (by the object's type), so it costs nothing in pandas code.

    Parameters
    ----------
    obj : object
        A table or anything else.

    Returns
    -------
    bool
        True for ``dask.dataframe`` DataFrames and Series, False for pandas and everything else.

    Examples
    --------
    >>> import pandas as pd, toolkit as tk
    >>> tk.scale.is_dask(pd.DataFrame({"text": ["a"]}))
    False
    """
    module = type(obj).__module__ or ""
    return module == "dask" or module.startswith("dask.")


def check_engine(engine, *, where: str) -> str:
    """``engine`` when it is one of :data:`ENGINES`, else a ParameterError naming the valid ones."""
    if engine not in ENGINES:
        raise ParameterError(f"{where}(engine={engine!r}): not an execution backend{did_you_mean(str(engine), ENGINES)}; "
                             f"valid: {', '.join(repr(e) for e in ENGINES)}.")
    return engine


def require_dask(where: str):
    """``dask.dataframe``, imported on first use; a ParameterError saying how to install it when missing."""
    try:
        import dask.dataframe as dd
        import distributed  # noqa: F401  (the engine runs on a dask.distributed cluster)
    except ImportError as exc:
        raise ParameterError(f"{where}: engine='dask' needs the packages dask[dataframe] and distributed "
                             f"(missing: {exc.name}). Install them with {INSTALL}, or leave engine='pandas'."
                             ) from None
    return dd
