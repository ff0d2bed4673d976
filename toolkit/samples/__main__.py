"""``python -m toolkit.samples [OUT_DIR]``: write the sample exports (default ``data/samples``)."""

from .generator import main

if __name__ == "__main__":
    raise SystemExit(main())
