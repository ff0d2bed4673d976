"""Seeded sample data: a fictional German coffee roaster, "Bergkaffee", on seven platforms.

The samples let every notebook and test run without real exports, and they carry *known* effects
(written to ``TRUTH.json``) so tests can check that the analyses recover them.

What is generated (``scale=1.0``): about 1,000 posts on facebook, instagram, x, linkedin, youtube,
tiktok and mastodon between 2026-03-01 and 2026-08-31 (export date 2026-09-03, time zone
Europe/Berlin), about 22,000 comments and replies (German and English, with emoji, hashtags,
mentions, links, questions, brand replies, an angry episode) and one row per day and account
metric (followers and one or two others).

Planted effects act multiplicatively on a post's *interaction* counts (likes, comments, shares,
saves, clicks, engagements); reach, impressions and views follow the account's baseline x growth x
noise only. The effects: one best weekday/hour window per platform (Europe/Berlin local clock
time), a hashtag that lifts engagement, media types that work on one channel and not on another,
cross-posted messages that fit one channel better than another, a few viral outliers, and one
trap (a slot that looks good only because the account grew while it was used more often).

Nothing happens at import. Generate in memory with :func:`generate`, write the files with
:func:`write`, or run ``python -m toolkit.samples [OUT_DIR]``.

The package holds the generator (``generator.py``) and the writers of each platform's export
formats (``_exporters/``: Meta, X, LinkedIn, YouTube/TikTok, Mastodon and a German-spreadsheet
CSV), which the loader tests also use for round trips.

Examples
--------
>>> from toolkit import samples
>>> data = samples.generate(scale=0.05)
>>> sorted(data.posts["platform"].unique())[:3]
['facebook', 'instagram', 'linkedin']
>>> data.truth["hashtag_lift"]["hashtag"]
'röstfrisch'
"""

from .generator import ACCOUNTS, PLATFORMS, SEED, TIMEZONE, SampleData, generate, main, write

__all__ = ["SampleData", "generate", "write", "main", "SEED", "PLATFORMS", "ACCOUNTS", "TIMEZONE"]


def __dir__() -> list[str]:
    # dir() and tab completion offer the public names only, not the helpers this module imports
    return sorted(__all__)
