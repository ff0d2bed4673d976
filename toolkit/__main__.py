"""Command line: ``python -m toolkit report PATH --out DIR [--tz ZONE] [--from DATE --to DATE]
[--show-code] [--no-pseudonymize] [--period 2026-08] [--pdf] [--lang de] [--self-contained] [--cache DIR]``."""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
import warnings

from .errors import ToolkitError

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m toolkit",
                                     description="Audience and content research on social media exports.")
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", help="render the curated notebooks on a folder of exports into HTML")
    rep.add_argument("path", help="folder, file or zip with your exports")
    rep.add_argument("--out", default="reports", help="output folder (default: reports)")
    rep.add_argument("--tz", default="Europe/Berlin", help="IANA time zone of your audience (default: Europe/Berlin)")
    rep.add_argument("--from", dest="date_from", metavar="DATE", help="first day to analyse (YYYY-MM-DD or dd.mm.yyyy)")
    rep.add_argument("--to", dest="date_to", metavar="DATE", help="last day to analyse (YYYY-MM-DD or dd.mm.yyyy)")
    rep.add_argument("--show-code", action="store_true", help="include the code cells in the pages")
    rep.add_argument("--no-pseudonymize", dest="pseudonymize", action="store_false",
                     help="show commenter names (default: stable pseudonyms)")
    rep.add_argument("--salt", help="secret key for the pseudonyms; the same key gives the same pseudonyms "
                                    "in every report (default: a new random key per report)")
    rep.add_argument("--only", action="append", help="render only notebooks whose name contains this")
    rep.add_argument("--keep-executed", action="store_true",
                     help="keep the executed notebooks in OUT/_executed (kept anyway when one fails)")
    rep.add_argument("--timeout", type=int, default=600, help="seconds per cell before failing (default 600)")
    rep.add_argument("--period", help="period of the overview's executive summary: 2026-08 (a month), 2026-Q3, "
                                      "last-28d; compared with the period before (default: the last full month)")
    rep.add_argument("--pdf", action="store_true", help="also write OUT/report.pdf (A4, every page) with the "
                                                        "Chromium installed on this computer")
    rep.add_argument("--lang", help="language of the pages: en, de, ... (default: your system's language if the "
                                    "toolkit speaks it, else en)")
    rep.add_argument("--self-contained", action="store_true",
                     help="embed plotly.js in every page (one file per page to mail; about 5 MB each) instead of "
                          "one shared plotly.min.js next to the pages")
    rep.add_argument("--cache", metavar="DIR",
                     help="keep the loaded exports as a Parquet store in DIR and read it instead of parsing them "
                          "while no export changed (prints both times)")
    return parser


@contextlib.contextmanager
def _cache_times(cache):
    """With --cache, print the store's messages ("cache: read the store ... in 0.3 s instead of parsing
    the exports ...") on stderr while the report runs."""
    if not cache:
        yield
        return
    log = logging.getLogger("toolkit.store")
    handler, level = logging.StreamHandler(sys.stderr), log.level
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        yield
    finally:
        log.removeHandler(handler)
        log.setLevel(level)


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code (0 done, 2 refused or failed, 130 stopped)."""
    args = _parser().parse_args(argv)
    if args.command == "report":
        # nbconvert imports jsonschema, which builds an IRI grammar at import when rfc3987_syntax is
        # installed (about 3 s); the report never validates IRIs, so this process skips it.
        sys.modules.setdefault("rfc3987_syntax", None)
        try:
            from ._dates import iso_day
            from ._validate import check_tz
            from .report import PdfUnavailable, render

            check_tz(args.tz, parameter="--tz")
            date_from, date_to = iso_day(args.date_from, parameter="--from"), iso_day(args.date_to, parameter="--to")
            with warnings.catch_warnings(record=True) as caught, _cache_times(args.cache):
                warnings.simplefilter("always", PdfUnavailable)
                pages = render(args.path, out=args.out, tz=args.tz, date_from=date_from,
                               date_to=date_to, show_code=args.show_code, pseudonymize=args.pseudonymize,
                               salt=args.salt, only=args.only, timeout=args.timeout,
                               keep_executed=args.keep_executed, period=args.period, pdf=args.pdf,
                               lang=args.lang, self_contained=args.self_contained, cache=args.cache)
            for w in caught:  # "no PDF written: ..." in one line; other warnings as Python shows them
                if issubclass(w.category, PdfUnavailable):
                    sys.stderr.write(f"note: {w.message}\n")
                else:
                    warnings.showwarning(w.message, w.category, w.filename, w.lineno)
        except ToolkitError as exc:
            sys.stderr.write(f"error: {exc}\n")
            return 2
        except KeyboardInterrupt:
            # render() has removed its staging folder and shut its kernels down by now
            sys.stderr.write(f"\nstopped; nothing written to {args.out}\n")
            return 130
        slowest = max(pages, key=lambda p: p.seconds)
        sys.stderr.write(f"wrote {len(pages)} page(s) and index.html to {args.out} (slowest: "
                         f"{slowest.notebook}, {slowest.seconds:.0f} s); open {args.out}/index.html\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
