"""A sampler that runs in a thread while a benchmark measures (shared by bench/scale.py and
bench/dask_engine.py): ``with Sub(...) as s:`` calls ``s.sample()`` every ``every`` seconds until the
block ends. Subclasses say what a sample is."""

from __future__ import annotations

import threading


class Sampling:
    def __init__(self, every: float = 0.2) -> None:
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def sample(self) -> None:  # pragma: no cover - the subclasses'
        raise NotImplementedError

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.sample()
            except Exception:  # noqa: BLE001  (a worker restarting, the cluster shutting down)
                return
