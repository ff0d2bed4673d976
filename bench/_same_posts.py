"""Same-table hand readers for the posts CSV loaders (issue #14.1, round 3, branch same-posts).

For each posts CSV case of ``bench/loaders_scale.py`` (``generic_posts_csv``, ``meta_posts_csv``,
``tiktok_content_csv``, ``x_tweet_activity_csv``, ``youtube_studio_zip``), the reader an analyst who
knows the format would write to get the same ``posts`` table as ``tk.load(folder, tz="UTC")``: the
canonical columns (``toolkit.schema.POSTS``, plus the extra columns the loader keeps) with the same
values, row order and dtypes. Plain vectorised pandas: ``pd.read_csv`` (``usecols``, ``thousands``, ids
read as ``string``), the ``str`` accessor, one ``pd.to_datetime`` per date column, ``assign``,
``pd.concat``, then one ``astype`` to the table's dtypes (``string``, ``Int64``: cheaper after the concat
than ``read_csv(dtype_backend="numpy_nullable")``, which made the reads 1.5x slower). The fastest of the obvious
spellings was taken where pandas 3.1 has two: ids and accounts are cut out of links with
``str.replace(regex=True)`` (run by Arrow) rather than ``str.extract``/``str.split(...).str[i]`` (Python per
cell, 2x slower); X's ``2024-02-17 17:47 +0000`` is parsed with ``format="ISO8601"`` (0.03 s per 100k
rows; ``"%Y-%m-%d %H:%M %z"``, as ``hand_x_tweet_activity_csv`` writes it, takes 0.55 s). No checks, no load
report, no de-duplication, no bad-cell handling, no format detection, no toolkit imports: what the
loader does beyond that (stripping blanks, spreadsheet re-saves, German number styles, ids in
scientific notation, HTML entities in X texts) is not done here, because these files do not need it.
YouTube Studio's zips also hold the channel's days (``Chart data.csv``, ``Totals.csv``), which
``tk.load`` makes into the ``daily`` table: that reader makes it too, and :func:`check` compares both.

Run the equality checks (all rows of each generated folder, and small folders made on the fly)::

    nice .venv/bin/python bench/_same_posts.py /tmp/lsd

``bench/loaders_scale.py`` times the readers here (``same``) side by side with ``tk.load`` and the
shortest hand readers.

Minimal casts in :func:`check` (everything else is compared as the readers return it):

- ``published_at``: ``datetime64[us, UTC]`` -> ``datetime64[ns, UTC]``. pandas 3 parses strings to
  microseconds; the toolkit's schema stores nanoseconds. The instants are the same.
"""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

import pandas as pd

#: The canonical posts columns, in the toolkit's order (toolkit.schema.POSTS; written out here because
#: the readers import nothing from the toolkit).
POSTS_COLUMNS = ["platform", "account", "post_id", "published_at", "date_only", "text", "media_type",
                 "permalink", "impressions", "reach", "views", "likes", "comments", "shares", "saves",
                 "clicks", "engagements", "source_file"]
_STRINGS = ["platform", "account", "post_id", "text", "media_type", "permalink", "source_file"]
_COUNTS = ["impressions", "reach", "views", "likes", "comments", "shares", "saves", "clicks", "engagements"]


def _posts(frames: list[pd.DataFrame], extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """One table from the files' frames: missing canonical columns as <NA>, canonical dtypes, canonical order."""
    df = pd.concat(frames, ignore_index=True)
    for col in POSTS_COLUMNS:
        if col not in df.columns:  # typed: an object column of <NA> would be cast cell by cell
            df[col] = pd.Series(pd.NA, index=df.index, dtype="Int64" if col in _COUNTS else "string")
    df = df.astype({**{c: "string" for c in _STRINGS}, **{c: "Int64" for c in _COUNTS}})
    return df[POSTS_COLUMNS + list(extra)]


def same_generic_posts_csv(folder: str) -> pd.DataFrame:
    """Canonical-column CSVs (``posts_000.csv``): already named as the table; ISO times with offset."""
    folder = Path(folder)
    frames = []
    for path in sorted(folder.glob("*.csv")):
        df = pd.read_csv(path, dtype={"post_id": "string", "account": "string"})
        frames.append(df.assign(published_at=pd.to_datetime(df["published_at"], utc=True, format="ISO8601"),
                                date_only=False, text=df["text"].fillna(""),
                                source_file=f"{folder.name}/{path.name}"))
    return _posts(frames)


_META_TYPES = {"photos": "photo", "videos": "video", "reels": "reel", "links": "link", "status": "text"}


def same_meta_posts_csv(folder: str) -> pd.DataFrame:
    """Meta Business Suite post exports of a Facebook page: the longer of Title/Description is the text,
    "Post type" normalised, quoted thousands, ``MM/DD/YYYY HH:MM`` times (UTC here)."""
    folder = Path(folder)
    cols = {"Post ID": "post_id", "Page name": "account", "Title": "title", "Description": "description",
            "Publish time": "published_at", "Permalink": "permalink", "Post type": "post_type",
            "Views": "views", "Reach": "reach", "Reactions": "likes", "Comments": "comments",
            "Shares": "shares", "Total clicks": "clicks", "Reactions, Comments and Shares": "engagements"}
    frames = []
    for path in sorted(folder.glob("*.csv")):
        df = pd.read_csv(path, usecols=list(cols), thousands=",",
                         dtype={"Post ID": "string", "Title": "string", "Description": "string"}).rename(columns=cols)
        title, desc = df["title"].fillna(""), df["description"].fillna("")
        frames.append(df.assign(platform="facebook",
                                published_at=pd.to_datetime(df["published_at"], format="%m/%d/%Y %H:%M", utc=True),
                                date_only=False, text=title.where(title.str.len() >= desc.str.len(), desc),
                                media_type=df["post_type"].str.lower().map(_META_TYPES),
                                source_file=f"{folder.name}/{path.name}"))
    return _posts(frames)


def same_tiktok_content_csv(folder: str) -> pd.DataFrame:
    """TikTok Studio content CSVs: id and account from the video link, local times (UTC here)."""
    folder = Path(folder)
    cols = {"Video title": "text", "Video link": "permalink", "Post time": "published_at", "Total likes": "likes",
            "Total comments": "comments", "Total shares": "shares", "Total views": "views",
            "Add to favorites": "saves"}
    frames = []
    for path in sorted(folder.glob("*.csv")):
        df = pd.read_csv(path).rename(columns=cols)
        link = df["permalink"]
        frames.append(df.assign(platform="tiktok", account=link.str.replace(r"^.*/@|/video/.*$", "", regex=True),
                                post_id=link.str.replace(r"^.*/video/", "", regex=True),
                                published_at=pd.to_datetime(df["published_at"], format="%Y-%m-%d %H:%M:%S",
                                                            utc=True),
                                date_only=False, text=df["text"].fillna(""), media_type="video",
                                source_file=f"{folder.name}/{path.name}"))
    return _posts(frames)


#: X's legacy analytics columns that have no canonical name, kept by the loader after the canonical ones.
X_EXTRA = ("user_profile_clicks", "hashtag_clicks", "detail_expands", "permalink_clicks", "app_opens",
           "app_installs", "follows", "email_tweet", "dial_phone", "media_views", "media_engagements")


def same_x_tweet_activity_csv(folder: str) -> pd.DataFrame:
    """X legacy ``tweet_activity_metrics_*.csv``: counts written ``3656.0``, account from the permalink,
    retweets -> shares, replies -> comments, url clicks -> clicks; the other counts kept by their snake_case names."""
    folder = Path(folder)
    cols = {"Tweet id": "post_id", "Tweet permalink": "permalink", "Tweet text": "text", "time": "published_at",
            "impressions": "impressions", "engagements": "engagements", "retweets": "shares",
            "replies": "comments", "likes": "likes", "url clicks": "clicks"}
    cols |= {c.replace("_", " "): c for c in X_EXTRA}
    frames = []
    for path in sorted(folder.glob("*.csv")):
        df = pd.read_csv(path, usecols=list(cols), dtype={"Tweet id": "string"}).rename(columns=cols)
        frames.append(df.assign(platform="x", account=df["permalink"].str.replace(r"^.*\.com/|/status/.*$", "",
                                                                                 regex=True),
                                published_at=pd.to_datetime(df["published_at"], format="ISO8601", utc=True),
                                date_only=False, text=df["text"].fillna(""),
                                source_file=f"{folder.name}/{path.name}"))
    return _posts(frames, X_EXTRA).astype({c: "Int64" for c in X_EXTRA})


def same_youtube_studio_zip(folder: str) -> pd.DataFrame:
    """The posts of :func:`same_youtube_studio_tables` (the daily table is made too, as load() makes it)."""
    return same_youtube_studio_tables(folder)[0]


def same_youtube_studio_tables(folder: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """YouTube Studio ``Content <from>_<to> <Channel>.zip``: ``Table data.csv`` without its Total row; the
    channel from the zip's name; the permalink built from the video id. The channel's days from
    ``Chart data.csv`` and ``Totals.csv`` (the totals win): the daily table. Returns (posts, daily)."""
    folder = Path(folder)
    cols = {"Content": "post_id", "Video title": "text", "Video publish time": "published_at", "Views": "views",
            "Impressions": "impressions", "Likes": "likes", "Comments added": "comments", "Shares": "shares"}
    frames, daily = [], []
    for path in sorted(folder.glob("*.zip")):
        account = re.match(r".+? \S+?_\S+? (.+)\.zip$", path.name)[1]
        with zipfile.ZipFile(path) as zf:
            with zf.open("Table data.csv") as fh:
                df = pd.read_csv(fh, dtype={"Content": "string"}).rename(columns=cols)
            for part in ("Chart data.csv", "Totals.csv"):  # the channel's days (the totals win over the chart)
                with zf.open(part) as fh:
                    day = pd.read_csv(fh).melt(id_vars="Date", var_name="metric")
                daily.append(day.assign(platform="youtube", account=account, date=pd.to_datetime(day["Date"]),
                                        metric=day["metric"].str.lower(), source_file=f"{folder.name}/{path.name}!{part}"))
        df = df[df["post_id"] != "Total"]
        frames.append(df.assign(platform="youtube", account=account,
                                published_at=pd.to_datetime(df["published_at"], format="%Y-%m-%d %H:%M:%S",
                                                            utc=True),
                                date_only=False, text=df["text"].fillna(""), media_type="video",
                                permalink="https://www.youtube.com/watch?v=" + df["post_id"],
                                source_file=f"{folder.name}/{path.name}!Table data.csv"))
    days = pd.concat(daily, ignore_index=True).drop_duplicates(["account", "date", "metric"], keep="last")
    return _posts(frames), days[["platform", "account", "date", "metric", "value", "source_file"]].astype(
        {"platform": "string", "account": "string", "metric": "string", "value": "Float64", "source_file": "string",
         "date": "datetime64[ns]"}).reset_index(drop=True)


#: case name (as in loaders_scale.CASES) -> same-table reader
READERS = {
    "generic_posts_csv": same_generic_posts_csv,
    "meta_posts_csv": same_meta_posts_csv,
    "tiktok_content_csv": same_tiktok_content_csv,
    "x_tweet_activity_csv": same_x_tweet_activity_csv,
    "youtube_studio_zip": same_youtube_studio_zip,
}


def check(case: str, folder) -> None:
    """Assert that ``READERS[case](folder)`` equals ``tk.load(folder, tz="UTC").posts`` (after the casts
    named in the module docstring)."""
    import warnings

    import toolkit as tk
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = tk.load(str(folder), tz="UTC", progress=False)
    want = ds.posts.reset_index(drop=True)
    got = READERS[case](str(folder)).reset_index(drop=True)
    if case == "youtube_studio_zip":  # the channel's days too (Chart data.csv, Totals.csv)
        pd.testing.assert_frame_equal(same_youtube_studio_tables(str(folder))[1], ds.daily.reset_index(drop=True))
    got = got.astype({"published_at": want["published_at"].dtype})  # us -> ns (module docstring)
    pd.testing.assert_frame_equal(got, want)


# --- running the checks and the timings -------------------------------------------------------------

def _folders(base: Path, case: str) -> list[Path]:
    return sorted((p for p in (base / case).glob("*") if p.is_dir()), key=lambda p: p.name)


def main(argv=None) -> None:
    import argparse
    import shutil
    import tempfile

    from tqdm.auto import tqdm
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("base", type=Path, help="folder holding <case>/<rows>/ (as loaders_scale.py --keep writes)")
    ap.add_argument("--only", nargs="*", default=list(READERS), help="cases (default: all five)")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import _scale_data as gen
    small = Path(tempfile.mkdtemp(prefix="same_posts_"))
    jobs = []
    for case in args.only:
        folder = small / case / "small"
        getattr(gen, case)(folder, 2_500, per_file=1_000)  # three files, the last one short
        jobs += [(case, folder)] + [(case, f) for f in _folders(args.base, case)]
    try:
        for case, folder in tqdm(jobs, desc="checks", unit="folder"):
            check(case, folder)
            tqdm.write(f"{case}: {folder}: same table")
    finally:
        shutil.rmtree(small)


if __name__ == "__main__":
    main()
