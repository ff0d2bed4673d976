"""Charts for sentiment and community care; re-exported by :mod:`toolkit.plots`."""

from __future__ import annotations

__all__: list[str] = []
