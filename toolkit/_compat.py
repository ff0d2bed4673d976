"""Old option names that keep working for one release (issue #12.3, ``docs/glossary.md``).

One helper, :func:`renamed`, maps an old keyword onto its new name and emits a
:class:`DeprecationWarning` that names the new one. Nothing else in the package renames options.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable

from ._validate import user_stacklevel
from .errors import ParameterError

__all__ = ["renamed"]

#: Release in which the old names go away.
REMOVED_IN = "0.3"


def renamed(*, when: Callable[[dict], bool] | None = None, **old_to_new: str):
    """Decorate a public function so ``old=`` keeps working as ``new=`` with a DeprecationWarning.

    Parameters
    ----------
    when : callable, optional
        ``when(kwargs) -> bool``: apply the mapping only to calls it accepts (for an old name that is
        also a new name with another meaning, such as ``top_posts(by=<sort key>)``).
    **old_to_new
        ``old="new"`` pairs. All pairs of one call are applied at once (``by="sort", per="by"``
        swaps meanings without chaining).

    Examples
    --------
    >>> @renamed(random_state="seed")
    ... def draw(table, *, seed=0):
    ...     return seed
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     draw(None, random_state=3), str(w[0].message)
    (3, 'draw(random_state=...) is deprecated: use seed=... (same meaning); the old name goes away in 0.3.')
    """
    def decorate(func):
        name = func.__qualname__.removesuffix(".__init__")

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            old = [k for k in old_to_new if k in kwargs]
            if old and (when is None or when(kwargs)):
                values = {k: kwargs.pop(k) for k in old}
                for k in old:
                    new = old_to_new[k]
                    if new in kwargs:
                        raise ParameterError(f"{name}(): pass {new}= only (the new name of {k}=), not both.")
                    warnings.warn(f"{name}({k}=...) is deprecated: use {new}=... (same meaning); the old "
                                  f"name goes away in {REMOVED_IN}.", DeprecationWarning, stacklevel=user_stacklevel())
                for k in old:
                    kwargs[old_to_new[k]] = values[k]
            return func(*args, **kwargs)

        wrapper.__renamed__ = dict(old_to_new)
        return wrapper
    return decorate
