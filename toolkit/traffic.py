"""Does social bring visitors? Web-analytics traffic joined to posts, channels and campaigns.

Takes the canonical ``traffic`` table (GA4, Universal Analytics, Matomo; see
:data:`toolkit.schema.TRAFFIC`) and the canonical ``posts`` table, and answers per channel and
campaign: how many sessions, how many of them engaged, how many conversions, per 1,000 impressions
or reach of the posts. Unattributed traffic (direct / dark social, ``(not set)``) is shown as rows
of its own, never dropped.

How traffic is attributed
-------------------------
- **Network** (:func:`add_network`): the traffic source (``utm_source`` or referrer host) is
  normalised with one alias table (:func:`sources`): ``facebook``, ``m.facebook.com``,
  ``l.facebook.com``, ``lm.facebook.com``, ``fb`` -> facebook; ``t.co``, ``twitter.com``, ``x.com``
  -> x; ``lnkd.in`` -> linkedin; recognisable Mastodon instances -> mastodon; xing.com, snapchat,
  whatsapp, ... Schedulers that put themselves in ``utm_source`` and the network in ``utm_medium``
  (Hootsuite) are read from the medium. Sources such as ``(direct)`` / ``Direkte Zugriffe`` are
  "direct / dark social" (WhatsApp, Signal, e-mail apps and in-app browsers send no referrer),
  ``(not set)`` / ``Unassigned`` / ``(other)`` are "not set".
- **Campaign** (:func:`utm`, :func:`by_campaign`): UTM parameters of the links in post texts (and
  in link columns such as Bluesky's ``links``, where the export resolves shortened links) give each
  post its ``utm_campaign``; traffic is matched to posts by campaign name, compared lower-case
  (Matomo lower-cases campaign names, GA4 keeps case).
- **Which report**: different downloads of one property break the same sessions down differently
  (by channel, by source/medium, by campaign). Each function uses, per tool and property, one
  breakdown that has what it needs (named in the ``breakdown`` column of its result), so sessions
  are never counted twice.

Formulas
--------
- engaged_session_rate = engaged sessions / sessions (GA4). Tools without engaged sessions (UA,
  Matomo) use non-bounce sessions = sessions - bounces; ``engaged_basis`` says which.
- conversions_per_1000 = 1,000 x conversions / exposure, where exposure is the sum of the posts'
  ``per`` metric in the same period and channel (``"auto"``, per platform as the engagement-rate
  formulas choose: reach where all its posts report it, else impressions, else views; a campaign
  across platforms adds them up, and ``per`` then says so, e.g. "reach + impressions"). Posts
  without any of them (Mastodon) are left out of the exposure, and ``per`` says how many were
  counted ("reach + views (38 of 43 posts)").
"""

from __future__ import annotations

import re
import warnings
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pandas as pd

from .errors import ParameterError
from .schema import TRAFFIC, require_columns

__all__ = ["SOURCES", "sources", "normalize_source", "add_network", "utm", "by_channel", "by_campaign",
           "daily", "post_days", "headline", "top_per_tool"]

#: Alias -> network. Keys are lower-case hosts (without ``www.``) or utm_source values.
SOURCES: dict[str, str] = {}
for _net, _aliases in {
    "facebook": ["facebook", "facebook.com", "m.facebook.com", "l.facebook.com", "lm.facebook.com", "fb", "fb.com",
                 "fb.me", "web.facebook.com", "business.facebook.com", "mbasic.facebook.com"],
    "instagram": ["instagram", "instagram.com", "l.instagram.com", "ig", "insta"],
    "x": ["x", "x.com", "twitter", "twitter.com", "t.co", "mobile.twitter.com", "tweetdeck", "tweetdeck.twitter.com"],
    "linkedin": ["linkedin", "linkedin.com", "lnkd.in", "linkedin_company", "linkedin.android"],
    "youtube": ["youtube", "youtube.com", "m.youtube.com", "youtu.be", "yt"],
    "tiktok": ["tiktok", "tiktok.com", "vm.tiktok.com"],
    "mastodon": ["mastodon", "mastodon.social", "mastodon.online", "mstdn.social", "mas.to", "mastodon.world",
                 "chaos.social", "troet.cafe", "norden.social", "det.social", "social.bund.de", "fosstodon.org",
                 "hachyderm.io", "infosec.exchange", "mastodon.de", "ruhr.social", "sueden.social", "muenchen.social"],
    "xing": ["xing", "xing.com"],
    "snapchat": ["snapchat", "snapchat.com", "snap"],
    "whatsapp": ["whatsapp", "whatsapp.com", "wa.me", "web.whatsapp.com", "api.whatsapp.com", "chat.whatsapp.com"],
    "threads": ["threads", "threads.net", "l.threads.net", "threads.com", "l.threads.com"],
    "bluesky": ["bluesky", "bsky", "bsky.app", "skyfeed.app"],
    "pinterest": ["pinterest", "pinterest.com", "pin.it"],
    "reddit": ["reddit", "reddit.com", "old.reddit.com", "out.reddit.com"],
    "telegram": ["telegram", "t.me", "telegram.org"],
}.items():
    SOURCES.update({a: _net for a in _aliases})
#: Tools that write themselves into utm_source (the network is then in utm_medium).
_SCHEDULERS = {"hootsuite", "buffer", "sprout", "sproutsocial", "later", "socialbee", "hubspot", "agorapulse",
               "swat.io", "facelift", "haiilo", "smarp"}
_DIRECT = {"(direct)", "direct", "(none)", "direct entry", "direkte zugriffe", "direkt"}
_NOT_SET = {"(not set)", "not set", "(other)", "unassigned", "(not provided)", "nicht festgelegt", "nicht zugewiesen"}
_SEARCH = {"google", "bing", "duckduckgo", "ecosia", "yahoo", "qwant", "startpage", "baidu", "yandex",
           "organic search", "search", "suchmaschinen", "search engines", "paid search"}
_EMAIL = {"email", "e-mail", "newsletter", "mail"}
_SOCIAL_CHANNELS = {"organic social", "paid social", "social", "social networks", "soziale netzwerke"}
_SHORTENERS = {"bit.ly", "ow.ly", "buff.ly", "lnkd.in", "t.co", "tinyurl.com", "goo.gl", "is.gd", "rebrand.ly",
               "dlvr.it", "fb.me", "spr.ly", "trib.al"}
_NO_CAMPAIGN = {"(not set)", "(none)", "(direct)", "(organic)", "(referral)", "(other)", "", "not set"}
#: Labels of the unattributed and non-social rows.
DIRECT, NOT_SET, SEARCH, EMAIL, OTHER = "direct / dark social", "(not set)", "search", "email", "other"


def sources() -> pd.DataFrame:
    """The alias table that maps traffic sources to networks, as a table (one row per alias).

    Columns: alias, network. Besides exact aliases, :func:`normalize_source` strips ``www.``,
    ``m.``, ``l.``, ``lm.``, ``mobile.``, ``web.`` and country domains (``facebook.de``) and
    recognises Mastodon instances by name (``mastodon.*``, ``mstdn.*``, ``*.social``).

    >>> tk_sources = sources()
    >>> tk_sources[tk_sources.alias == "lm.facebook.com"].network.item()
    'facebook'
    """
    return pd.DataFrame(sorted(SOURCES.items()), columns=["alias", "network"])


def _host(value: str) -> str:
    v = value.strip().lower()
    v = re.sub(r"^[a-z][a-z0-9+.-]*://", "", v)
    v = v.split("/")[0].split("?")[0].split(":")[0]
    return v[4:] if v.startswith("www.") else v


def _one(value) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    v = _host(str(value))
    if not v:
        return None
    if v in SOURCES:
        return SOURCES[v]
    stripped = re.sub(r"^(m|l|lm|mobile|web|de-de|de)\.", "", v)
    if stripped in SOURCES:
        return SOURCES[stripped]
    labels = stripped.split(".")
    if len(labels) >= 2:
        base = ".".join(labels[-2:])
        if base in SOURCES:
            return SOURCES[base]
        if labels[-2] in SOURCES and SOURCES[labels[-2]] not in ("x",) and len(labels[-2]) > 3:
            return SOURCES[labels[-2]]  # facebook.de, pinterest.at
    if re.match(r"^(mastodon|mstdn)\.", stripped) or re.search(r"\.social$", stripped):
        return "mastodon"
    return None


def normalize_source(values, medium=None) -> pd.Series:
    """Network of each traffic source (``<NA>`` when it is not a known social network).

    Parameters
    ----------
    values : sequence of str
        Sources as the tool reports them (``l.facebook.com``, ``Facebook``, ``t.co``, ``fb``).
    medium : sequence of str, optional
        The media of the same rows: where the source is a scheduler (``hootsuite``), the network
        is read from the medium (Hootsuite writes ``utm_medium=twitter``).

    >>> normalize_source(["lm.facebook.com", "t.co", "LinkedIn", "hootsuite", "google"],
    ...                  medium=["referral", "referral", "social", "twitter", "organic"]).tolist()
    ['facebook', 'x', 'linkedin', 'x', <NA>]
    """
    s = pd.Series(values, dtype="string").reset_index(drop=True)
    uniq = s.dropna().unique()
    lookup = {u: _one(u) for u in uniq}
    out = s.map(lookup).astype("string")
    if medium is not None:
        m = pd.Series(medium, dtype="string").reset_index(drop=True)
        sched = s.str.lower().str.strip().isin(_SCHEDULERS).fillna(False) & out.isna()
        if sched.any():
            out[sched] = m[sched].map(lambda v: _one(v) if isinstance(v, str) else None).astype("string")
    return out


def add_network(traffic: pd.DataFrame) -> pd.DataFrame:
    """The traffic rows with the social network and the kind of traffic they come from.

    Returns the same rows with two new columns: ``network`` (facebook, instagram, x, linkedin,
    ..., or <NA>) and ``traffic_class``: the network's name for social traffic, "social (network
    not reported)" for a channel-group-only row such as GA4's "Organic Social", "direct / dark
    social", "(not set)", "search", "email" or "other".
    """
    require_columns(traffic, ["source", "medium", "channel"], where="add_network(traffic)", table="traffic")
    out = traffic.copy()
    src = out["source"].astype("string")
    med = out["medium"].astype("string")
    ch = out["channel"].astype("string")
    net = normalize_source(src.to_numpy(), med.to_numpy())
    net.index = out.index
    # Campaign-only reports (Matomo core) carry no source: a campaign named after a network counts.
    if "campaign" in out.columns:
        camp_net = normalize_source(out["campaign"].astype("string").to_numpy())
        camp_net.index = out.index
        net = net.fillna(camp_net.where(src.isna() & ch.isna()))
    low_s, low_m, low_c = (x.str.strip().str.lower() for x in (src, med, ch))
    cls = pd.Series(OTHER, index=out.index, dtype="string")
    cls[low_m.isin(_EMAIL).fillna(False) | low_c.isin({"email", "e-mail"}).fillna(False)] = EMAIL
    cls[low_s.isin(_SEARCH).fillna(False) | low_c.isin(_SEARCH).fillna(False)
        | low_m.isin({"organic", "cpc", "ppc"}).fillna(False) & ~low_s.isna()] = SEARCH
    notset = low_s.isin(_NOT_SET).fillna(False) | low_c.isin(_NOT_SET).fillna(False) | \
        (src.isna() & ch.isna() & out.get("campaign", pd.Series(pd.NA, index=out.index)).isna())
    cls[notset] = NOT_SET
    direct = low_s.isin(_DIRECT).fillna(False) | low_c.isin(_DIRECT).fillna(False)
    cls[direct] = DIRECT
    social_channel = low_c.isin(_SOCIAL_CHANNELS).fillna(False) & net.isna()
    cls[social_channel] = "social (network not reported)"
    campaign_channel = low_c.isin({"campaign", "campaigns", "kampagnen"}).fillna(False) & net.isna()
    if "campaign" in out.columns:  # campaign-only rows without a network: a campaign, not "other"
        campaign_channel |= src.isna() & ch.isna() & net.isna() & ~out["campaign"].astype("string").str.lower().isin(
            _NO_CAMPAIGN).fillna(True)
    cls[campaign_channel] = "campaign (network not reported)"
    cls[net.notna()] = net[net.notna()]
    out["network"] = net
    out["traffic_class"] = cls
    return out


# --- UTM parameters in posts --------------------------------------------------------------------

def utm(posts: pd.DataFrame, *, text_col: str = "text", link_cols: tuple[str, ...] = ("links",)) -> pd.DataFrame:
    """UTM (and Matomo ``mtm_``/``pk_``) parameters of the links in each post.

    Links are found in ``text_col`` (with :func:`toolkit.text.urls`) and in the ``link_cols``
    that exist (space-separated full URLs, such as Bluesky's ``links``, which resolve links the
    text shows shortened). A shortened link (bit.ly, ow.ly, buff.ly, lnkd.in, t.co, ...) without
    parameters cannot be resolved offline: it is listed with ``shortened=True`` and no campaign.

    Returns
    -------
    pandas.DataFrame
        One row per (post, link). Columns: platform, post_id, published_at, url, host,
        utm_source, utm_medium, utm_campaign (lower-cased), utm_content, utm_term, network (of
        utm_source, else of the post's platform), scheduler (buffer, hootsuite, sprout, haiilo
        where the parameters show one), shortened (bool).
    """
    from .text import urls as find_urls

    require_columns(posts, ["platform", "post_id", text_col], where="utm(posts)")
    ids = ["platform", "post_id"]
    parts = [find_urls(posts, text_col=text_col, id_cols=ids)[ids + ["url"]]]
    for col in link_cols:
        if col in posts.columns:
            links = posts[ids + [col]].dropna(subset=[col])
            split = links.assign(url=links[col].astype(str).str.split()).explode("url").dropna(subset=["url"])
            parts.append(split[ids + ["url"]])
    found = pd.concat(parts, ignore_index=True).drop_duplicates()
    cols = ["platform", "post_id", "published_at", "url", "host", "utm_source", "utm_medium", "utm_campaign",
            "utm_content", "utm_term", "network", "scheduler", "shortened"]
    if found.empty:
        return pd.DataFrame({c: pd.Series(dtype="bool" if c == "shortened" else "string") for c in cols})
    rows = [_parse_url(u) for u in found["url"]]
    params = pd.DataFrame(rows, index=found.index)
    out = pd.concat([found.reset_index(drop=True), params.reset_index(drop=True)], axis=1)
    if "published_at" in posts.columns:
        when = posts.drop_duplicates(ids).set_index(ids)["published_at"]
        out["published_at"] = when.reindex(pd.MultiIndex.from_frame(out[ids])).to_numpy()
    else:
        out["published_at"] = pd.NaT
    for c in ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term", "host"):
        out[c] = out[c].astype("string")
    out["utm_campaign"] = out["utm_campaign"].str.strip().str.lower()
    net = normalize_source(out["utm_source"].to_numpy(), out["utm_medium"].to_numpy())
    out["network"] = net.fillna(pd.Series(out["platform"].astype("string").to_numpy(), dtype="string")).to_numpy()
    out["scheduler"] = _scheduler(out)
    out["shortened"] = (out["host"].isin(_SHORTENERS) & out["utm_campaign"].isna() & out["utm_source"].isna()).astype(
        bool)
    return out[cols]


_PARAM_KEYS = {
    "utm_source": ("utm_source", "mtm_source", "pk_source"),
    "utm_medium": ("utm_medium", "mtm_medium", "pk_medium"),
    "utm_campaign": ("utm_campaign", "mtm_campaign", "matomo_campaign", "mtm_cpn", "pk_campaign", "piwik_campaign",
                     "pk_cpn"),
    "utm_content": ("utm_content", "mtm_content", "pk_content"),
    "utm_term": ("utm_term", "mtm_keyword", "mtm_kwd", "pk_keyword", "pk_kwd"),
}


def _parse_url(url: str) -> dict:
    u = url if re.match(r"^[a-z][a-z0-9+.-]*://", url, re.I) else "https://" + url
    try:
        parts = urlsplit(u)
    except ValueError:
        return {"host": None, **{k: None for k in _PARAM_KEYS}}
    q = dict((k.lower(), v) for k, v in parse_qsl(parts.query, keep_blank_values=False))
    if not any(k in q for keys in _PARAM_KEYS.values() for k in keys) and parts.fragment:
        q = dict((k.lower(), v) for k, v in parse_qsl(parts.fragment))  # Matomo also reads the #fragment
    out = {"host": _host(parts.netloc)}
    for name, keys in _PARAM_KEYS.items():
        out[name] = next((q[k] for k in keys if q.get(k)), None)
    return out


def _scheduler(t: pd.DataFrame) -> pd.Series:
    s = pd.Series(pd.NA, index=t.index, dtype="string")
    src, camp, cont, med = (t[c].astype("string").str.lower() for c in ("utm_source", "utm_campaign", "utm_content",
                                                                           "utm_medium"))
    s[(camp == "buffer").fillna(False) | cont.str.fullmatch(r"buffer[0-9a-f]{5}").fillna(False)] = "buffer"
    s[(src == "hootsuite").fillna(False) | (camp == "hootsuite").fillna(False)] = "hootsuite"
    s[(camp == "sprout").fillna(False)] = "sprout"
    s[med.isin({"smarpshare", "haiilo"}).fillna(False)] = "haiilo"
    return s


# --- picking one breakdown ------------------------------------------------------------------------

def _pick(traffic: pd.DataFrame, need: tuple[str, ...], *, daily: bool = False) -> pd.DataFrame:
    """Per (tool, property, segment): the rows of one breakdown that has any of ``need``.

    Breakdowns with ``need[0]`` beat those with later ones; daily breakdowns beat period totals when
    ``daily`` (else the fewest dimensions win, then the most rows). Rows of several overlapping
    periods of a period-total breakdown keep only the widest period (with a warning).
    """
    require_columns(traffic, TRAFFIC.names[:-1], where="traffic functions(traffic)", table="traffic")
    t = traffic
    if daily:
        t = t[(t["date"] == t["date_to"]).fillna(False).to_numpy()]
    groups = []
    for key, g in t.groupby(["tool", "property", "segment"], dropna=False, sort=True):
        best, best_rank = None, None
        for b, rows in g.groupby("breakdown", sort=True):
            dims = b.split(",")
            hit = [i for i, n in enumerate(need) if n in dims]
            if not hit:
                continue
            rank = (hit[0], 0 if ("date" in dims) == daily else 1, len(dims), -len(rows))
            if best_rank is None or rank < best_rank:
                best, best_rank = rows, rank
        if best is None:
            continue
        if not daily and best["date"].notna().any() and "date" not in best["breakdown"].iloc[0].split(","):
            periods = best[["date", "date_to"]].drop_duplicates()
            if len(periods) > 1:
                widest = (periods["date_to"] - periods["date"]).idxmax()
                d0, d1 = periods.loc[widest, "date"], periods.loc[widest, "date_to"]
                warnings.warn(f"{key[0]} {key[1] if pd.notna(key[1]) else ''}: {len(periods)} overlapping periods of "
                              f"the '{best['breakdown'].iloc[0]}' report; using {d0:%Y-%m-%d}..{d1:%Y-%m-%d}",
                              stacklevel=3)
                best = best[(best["date"] == d0) & (best["date_to"] == d1)]
        groups.append(best)
    if not groups:
        return traffic.iloc[0:0]
    return pd.concat(groups)


def _engaged(t: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    eng = t["engaged_sessions"].astype("Float64")
    nonbounce = (t["sessions"].astype("Float64") - t["bounces"].astype("Float64"))
    basis = pd.Series(pd.NA, index=t.index, dtype="string")
    basis[eng.notna()] = "engaged sessions"
    basis[eng.isna() & nonbounce.notna()] = "non-bounce sessions"
    return eng.fillna(nonbounce), basis


def _local_day(ts: pd.Series, tz: str) -> pd.Series:
    return ts.dt.tz_convert(tz).dt.tz_localize(None).dt.normalize()


def _unpack(traffic, posts, tz):
    """Accept a :class:`toolkit.io.Dataset` in place of the traffic table: its posts and tz are the defaults."""
    if isinstance(traffic, pd.DataFrame) or not hasattr(traffic, "traffic"):
        return traffic, posts, tz
    return traffic.traffic, posts if posts is not None else traffic.posts, tz if tz is not None else traffic.tz


def _check_tz(tz, where: str) -> str:
    from ._validate import check_tz
    if tz is None:
        raise ParameterError(f"{where}: tz= is required to put posts on calendar days (the zone your web analytics "
                             f"reports in, e.g. tz='Europe/Berlin').")
    return check_tz(tz)


def _warn_zone(traffic: pd.DataFrame, tz: str, where: str) -> None:
    zones = set(traffic["tz"].dropna().astype(str)) - {tz}
    if zones:
        warnings.warn(f"{where}: the traffic's days are in {sorted(zones)}, the posts are put on days in {tz}; pass "
                      f"the zone the analytics property reports in.", stacklevel=3)


def _exposure(posts: pd.DataFrame, per: str | None) -> tuple[pd.Series, pd.Series]:
    """The denominator metric of each post (its name, <NA> where none) and its value (Float64).

    ``"auto"`` chooses per platform, as the engagement-rate formulas do: reach where all of the
    platform's posts report it, else impressions, else views (else the first one partly reported).
    """
    names = pd.Series(pd.NA, index=posts.index, dtype="string")
    values = pd.Series(pd.NA, index=posts.index, dtype="Float64")
    if per is None:
        return names, values
    if per not in ("auto", "reach", "impressions", "views", "followers"):
        raise ParameterError(f"per={per!r}: expected 'auto', 'reach', 'impressions', 'views' or None.")
    choices = ("reach", "impressions", "views") if per == "auto" else (per,)
    groups = posts.groupby(posts["platform"].astype("string"), dropna=False, sort=False).groups if per == "auto" \
        else {None: posts.index}
    for _, idx in groups.items():
        part = posts.loc[idx]
        col = next((c for c in choices if c in part.columns and len(part) and part[c].notna().all()), None)
        col = col or next((c for c in choices if c in part.columns and part[c].notna().any()), None)
        if col is None:
            continue
        v = part[col].astype("Float64")
        values.loc[idx] = v
        names.loc[idx] = pd.Series(col, index=idx, dtype="string").where(v.notna())
    return names, values


def _posts_in(posts: pd.DataFrame, tz: str, d0, d1) -> pd.DataFrame:
    day = _local_day(posts["published_at"], tz)
    sel = pd.Series(True, index=posts.index)
    if pd.notna(d0):
        sel &= day >= d0
    if pd.notna(d1):
        sel &= day <= d1
    return posts[sel.to_numpy()]


def _whole(out: pd.DataFrame) -> pd.DataFrame:
    """Counts that are whole numbers (sessions, engaged sessions, conversions) as Int64, not floats."""
    for c in ("sessions", "engaged_sessions", "conversions", "exposure"):
        if c not in out.columns:
            continue
        v = out[c].astype("Float64")
        if (v.dropna() % 1 == 0).all():
            out[c] = v.round().astype("Int64")
    return out


def _rates(out: pd.DataFrame) -> pd.DataFrame:
    out["engaged_session_rate"] = (out["engaged_sessions"] / out["sessions"].where(out["sessions"] > 0)).astype(
        "Float64")
    out["conversion_rate"] = (out["conversions"] / out["sessions"].where(out["sessions"] > 0)).astype("Float64")
    return _whole(out)


_KPI_COLS = ["sessions", "engaged_sessions", "conversions", "revenue"]




def _period(dates: pd.Series, freq: str) -> tuple[pd.Series, pd.Series]:
    """First and last day of the calendar period (``freq``) each day falls in (the toolkit's one bucketing)."""
    from ._time import period_end, period_start

    return (period_start(dates, freq, where="tk.traffic (freq=)"),
            period_end(dates, freq, where="tk.traffic (freq=)"))


def by_channel(traffic: pd.DataFrame, *, posts: pd.DataFrame | None = None, tz: str | None = None,
               per: str | None = "auto", freq: str | None = None) -> pd.DataFrame:
    """Sessions, engagement and conversions per social network, with the unattributed rest as rows.

    Uses, per tool and property, one breakdown by source (else by channel group); see the module
    docstring for the attribution rules and formulas.

    Parameters
    ----------
    traffic : pandas.DataFrame or Dataset
        Canonical traffic table (``ds.traffic``); given a Dataset from :func:`toolkit.load`, its
        posts and zone are used unless ``posts=``/``tz=`` say otherwise (the same in every function here).
    posts : pandas.DataFrame, optional
        Canonical posts table: adds the number of posts and their exposure per network in the
        traffic's period, and conversions per 1,000 of it.
    tz : str
        Zone for the posts' calendar days (required with ``posts``).
    per : {"auto", "reach", "impressions", "views"} or None
        Exposure metric of the posts; "auto" = per platform, reach where all its posts report it,
        else impressions, else views.
    freq : {"W", "M", "Q", "Y", "D"} or None
        Calendar periods (week, month, ...) from daily reports; None = the whole period.

    Returns
    -------
    pandas.DataFrame
        One row per (tool, property, channel), and per period with ``freq`` (``date_from`` and
        ``date_to`` are its first and last day); ``channel`` is a network name or one of "direct /
        dark social", "(not set)", "search", "email", "other", "social (network not reported)",
        "campaign (network not reported)". Columns: tool, property, channel, is_social, sessions,
        engaged_sessions, engaged_session_rate, engaged_basis, conversions, conversion_rate,
        revenue, share_of_sessions, date_from, date_to, breakdown, n_posts, per, exposure,
        conversions_per_1000, formula. Sorted by sessions, largest first.
    """
    traffic, posts, tz = _unpack(traffic, posts, tz)
    if posts is not None:
        tz = _check_tz(tz, "by_channel(posts=...)")
        _warn_zone(traffic, tz, "by_channel")
    t = add_network(_pick(traffic, ("source", "channel", "campaign"), daily=freq is not None))
    eng, basis = _engaged(t)
    t = t.assign(engaged_sessions=eng, _basis=basis, channel_=t["traffic_class"])
    keys = ["tool", "property", "channel_"]
    if freq is not None:
        t["_from"], t["_to"] = _period(t["date"], freq)
        keys += ["_from", "_to"]
    g = t.groupby(keys, dropna=False, sort=False)
    out = g[_KPI_COLS].sum(min_count=1).reset_index().rename(columns={"channel_": "channel"})
    out["engaged_basis"] = g["_basis"].first().to_numpy()
    if freq is None:  # the period of the report, the same for every channel (a channel's first visit is not it)
        span = t.groupby(["tool", "property"], dropna=False).agg(_f=("date", "min"), _t=("date_to", "max"))
        span = out[["tool", "property"]].merge(span.reset_index(), on=["tool", "property"], how="left")
        out["date_from"], out["date_to"] = span["_f"].to_numpy(), span["_t"].to_numpy()
    else:
        out["date_from"], out["date_to"] = out.pop("_from").to_numpy(), out.pop("_to").to_numpy()
    out["breakdown"] = g["breakdown"].first().to_numpy()
    total = out.groupby(["tool", "property"] + (["date_from"] if freq is not None else []),
                        dropna=False)["sessions"].transform("sum")
    out["share_of_sessions"] = (out["sessions"] / total.where(total > 0)).astype("Float64")
    nets = set(SOURCES.values())
    out["is_social"] = out["channel"].isin(nets) | out["channel"].eq("social (network not reported)")
    out = _rates(out)
    out = _add_exposure(out, posts, tz, per, key="channel", match="platform")
    cols = ["tool", "property", "channel", "is_social", "sessions", "engaged_sessions", "engaged_session_rate",
            "engaged_basis", "conversions", "conversion_rate", "revenue", "share_of_sessions", "date_from", "date_to",
            "breakdown", "n_posts", "per", "exposure", "conversions_per_1000", "formula"]
    return out[cols].sort_values(["tool", "property", "date_from", "sessions"], ascending=[True, True, True, False],
                                 na_position="last", kind="stable").reset_index(drop=True)


def _add_exposure(out: pd.DataFrame, posts, tz, per, *, key: str, match: str, post_keys: pd.Series | None = None,
                  in_period: bool = True) -> pd.DataFrame:
    out["n_posts"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out["per"] = pd.array([pd.NA] * len(out), dtype="string")
    out["exposure"] = pd.array([pd.NA] * len(out), dtype="Float64")
    if posts is not None and len(out):
        require_columns(posts, ["platform", "post_id", "published_at"], where="traffic functions(posts)")
        names, values = _exposure(posts, per)
        p = posts.assign(_exp=values.to_numpy(), _per=names.to_numpy(),
                         _key=(post_keys if post_keys is not None else posts[match].astype("string")).to_numpy())
        for i, row in out.iterrows():  # one row per channel/campaign: a short loop
            inside = _posts_in(p, tz, row["date_from"], row["date_to"]) if in_period else p
            mine = inside[(inside["_key"] == row[key]).fillna(False).to_numpy()]
            out.at[i, "n_posts"] = len(mine)
            used = [c for c in ("reach", "impressions", "views", "followers") if (mine["_per"] == c).fillna(False).any()]
            counted = int(mine["_exp"].notna().sum())
            if used:  # posts without the metric (Mastodon) are left out, and the label says so
                part = "" if counted == len(mine) else f" ({counted} of {len(mine)} posts)"
                out.at[i, "per"] = " + ".join(used) + part
                out.at[i, "exposure"] = mine["_exp"].sum(min_count=1)
    out["conversions_per_1000"] = (1000 * out["conversions"].astype("Float64")
                                   / out["exposure"].where(out["exposure"] > 0)).astype("Float64")
    out["formula"] = pd.array([f"1,000 x conversions / {p_} of the posts" if isinstance(p_, str) else pd.NA
                               for p_ in out["per"]], dtype="string")
    out.loc[out["exposure"].isna(), "per"] = pd.NA
    out = _whole(out)
    return out


def by_campaign(traffic: pd.DataFrame, *, posts: pd.DataFrame | None = None, tz: str | None = None,
                per: str | None = "auto", text_col: str = "text",
                link_cols: tuple[str, ...] = ("links",)) -> pd.DataFrame:
    """Sessions, engagement and conversions per campaign, matched to the posts that link to it.

    Campaign names are compared lower-case. A campaign's posts are all posts whose links carry it,
    whenever they were published (a campaign link keeps bringing visitors after the post day). Traffic without a campaign (``(not set)``,
    ``(direct)``, ``(organic)``, ``(referral)``, blank) is one row "(no campaign)". Campaigns of
    posts that brought no traffic are listed with ``sessions`` <NA> (not in the traffic exports).

    Returns
    -------
    pandas.DataFrame
        One row per (tool, property, campaign). Columns: tool, property, campaign, sessions,
        engaged_sessions, engaged_session_rate, engaged_basis, conversions, conversion_rate,
        revenue, date_from, date_to, breakdown, n_posts, platforms, post_ids, per, exposure,
        conversions_per_1000, formula. Sorted by sessions, largest first.
    """
    traffic, posts, tz = _unpack(traffic, posts, tz)
    if posts is not None:
        tz = _check_tz(tz, "by_campaign(posts=...)")
        _warn_zone(traffic, tz, "by_campaign")
    t = _pick(traffic, ("campaign",))
    eng, basis = _engaged(t)
    camp = t["campaign"].astype("string").str.strip().str.lower()
    camp = camp.where(~camp.isin(_NO_CAMPAIGN).fillna(True), "(no campaign)")
    t = t.assign(campaign=camp, engaged_sessions=eng, _basis=basis)
    g = t.groupby(["tool", "property", "campaign"], dropna=False, sort=False)
    out = g[_KPI_COLS].sum(min_count=1).reset_index()
    out["engaged_basis"] = g["_basis"].first().to_numpy()
    out["date_from"] = g["date"].min().to_numpy()
    out["date_to"] = g["date_to"].max().to_numpy()
    out["breakdown"] = g["breakdown"].first().to_numpy()
    out = _rates(out)
    post_keys = None
    if posts is not None:
        links = utm(posts, text_col=text_col, link_cols=link_cols).dropna(subset=["utm_campaign"])
        first = links.drop_duplicates(["platform", "post_id"]).set_index(["platform", "post_id"])["utm_campaign"]
        post_keys = pd.Series(first.reindex(pd.MultiIndex.from_frame(posts[["platform", "post_id"]])).to_numpy(),
                              index=posts.index, dtype="string")
        missing = sorted(set(post_keys.dropna()) - set(out["campaign"]))
        if missing and len(out):
            base = out[["tool", "property", "date_from", "date_to"]].drop_duplicates(["tool", "property"])
            extra = base.merge(pd.DataFrame({"campaign": missing}), how="cross")
            out = pd.concat([out, extra], ignore_index=True)
        out = _add_exposure(out, posts, tz, per, key="campaign", match="platform", post_keys=post_keys,
                            in_period=False)
        mine = posts.assign(_c=post_keys.to_numpy()).dropna(subset=["_c"])
        agg = mine.groupby("_c").agg(platforms=("platform", lambda s: ", ".join(sorted(set(s)))),
                                     post_ids=("post_id", lambda s: ", ".join(map(str, s))))
        out["platforms"] = out["campaign"].map(agg["platforms"]).astype("string")
        out["post_ids"] = out["campaign"].map(agg["post_ids"]).astype("string")
    else:
        out = _add_exposure(out, None, tz, per, key="campaign", match="platform")
        out["platforms"] = pd.array([pd.NA] * len(out), dtype="string")
        out["post_ids"] = pd.array([pd.NA] * len(out), dtype="string")
    cols = ["tool", "property", "campaign", "sessions", "engaged_sessions", "engaged_session_rate", "engaged_basis",
            "conversions", "conversion_rate", "revenue", "date_from", "date_to", "breakdown", "n_posts", "platforms",
            "post_ids", "per", "exposure", "conversions_per_1000", "formula"]
    return out[cols].sort_values(["tool", "property", "sessions"], ascending=[True, True, False], na_position="last",
                                 kind="stable").reset_index(drop=True)


def daily(traffic: pd.DataFrame, *, posts: pd.DataFrame | None = None, tz: str | None = None,
          days_after: int = 0) -> pd.DataFrame:
    """Traffic per channel and day next to the posts published on that channel.

    Uses, per tool and property, the daily breakdown by source (else by channel group, else the
    daily totals, shown as channel "(all traffic)" against all posts).

    Parameters
    ----------
    traffic, posts : pandas.DataFrame
        Canonical traffic and posts tables.
    tz : str
        Zone for the posts' calendar days (use the analytics property's reporting zone).
    days_after : int
        Days after a post that count as its "post days" too (0 = the day itself).

    Returns
    -------
    pandas.DataFrame
        One row per (tool, property, channel, date) over every day of the traffic's period (days
        without sessions are 0). Columns: tool, property, channel, date, sessions,
        engaged_sessions, conversions, n_posts (posts on that channel that day), post_day (a post
        on that day or up to ``days_after`` days before).
    """
    traffic, posts, tz = _unpack(traffic, posts, tz)
    tz = _check_tz(tz, "daily(traffic, posts=...)")
    _warn_zone(traffic, tz, "daily")
    if posts is None:
        raise ParameterError("daily(traffic): pass posts= (the canonical posts table) or a Dataset.")
    require_columns(posts, ["platform", "published_at"], where="daily(posts)")
    if days_after < 0:
        raise ParameterError(f"days_after={days_after}: expected 0 or more days.")
    t = _pick(traffic, ("source", "channel", "date"), daily=True)
    cols = ["tool", "property", "channel", "date", "sessions", "engaged_sessions", "conversions", "n_posts",
            "post_day"]
    if t.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    t = add_network(t)
    eng, _ = _engaged(t)
    totals_only = t["breakdown"] == "date"
    chan = t["traffic_class"].where(~totals_only, "(all traffic)")
    t = t.assign(channel=chan, engaged_sessions=eng)
    g = t.groupby(["tool", "property", "channel", "date"], dropna=False)[["sessions", "engaged_sessions",
                                                                           "conversions"]].sum(min_count=1)
    g = g.reset_index()
    frames = []
    pday = posts.assign(date=_local_day(posts["published_at"], tz), platform=posts["platform"].astype("string"))
    for (tool, prop), part in g.groupby(["tool", "property"], dropna=False):
        days = pd.date_range(part["date"].min(), part["date"].max(), freq="D")
        chans = part["channel"].unique()
        grid = pd.MultiIndex.from_product([chans, days], names=["channel", "date"]).to_frame(index=False)
        full = grid.merge(part.drop(columns=["tool", "property"]), on=["channel", "date"], how="left")
        full["sessions"] = full["sessions"].astype("Float64").fillna(0)
        full.insert(0, "tool", tool)
        full.insert(1, "property", prop)
        per_day = pday.groupby(["platform", "date"]).size()
        all_day = pday.groupby("date").size()
        n = [all_day.get(d, 0) if c == "(all traffic)" else per_day.get((c, d), 0)
             for c, d in zip(full["channel"], full["date"])]
        full["n_posts"] = pd.array(n, dtype="Int64")
        post_day = full["n_posts"] > 0
        if days_after:
            post_day = full.groupby("channel")["n_posts"].transform(
                lambda s: s.gt(0).astype(int).rolling(days_after + 1, min_periods=1).max()).astype(bool)
        full["post_day"] = post_day.astype(bool)
        frames.append(full)
    out = pd.concat(frames, ignore_index=True)
    out["sessions"] = out["sessions"].round().astype("Int64")
    for c in ("engaged_sessions", "conversions"):
        out[c] = out[c].astype("Float64")
    return out[cols]


def post_days(traffic: pd.DataFrame, *, posts: pd.DataFrame | None = None, tz: str | None = None,
              days_after: int = 0, level: float = 0.95,
              n_boot: int = 2000, alpha: float = 0.05, seed: int | None = None) -> pd.DataFrame:
    """Sessions on post days versus other days, per channel (the summary of :func:`daily`).

    A channel needs at least one post day and one other day. ``ratio`` = mean sessions per post day
    / mean sessions per other day, with a bootstrap interval (days resampled within each group) and a
    permutation p-value of the difference (post-day labels shuffled), Benjamini-Hochberg adjusted
    over the channels compared: ``clear`` is True only where the difference survives the
    false-discovery rate ``alpha``. Descriptive: launches, weekdays and seasons are not adjusted for.

    Returns
    -------
    pandas.DataFrame
        One row per (tool, property, channel). Columns: tool, property, channel, n_post_days,
        n_other_days, sessions_post_days (mean per post day), sessions_other_days (mean per other
        day), median_post_days, median_other_days, ratio, ci_low, ci_high, p_value, clear.
    """
    from ._stats import bh_reject

    d = daily(traffic, posts=posts, tz=tz, days_after=days_after)
    cols = ["tool", "property", "channel", "n_post_days", "n_other_days", "sessions_post_days",
            "sessions_other_days", "median_post_days", "median_other_days", "ratio", "ci_low", "ci_high",
            "p_value", "clear"]
    if d.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    rng = np.random.default_rng(seed)
    d = d.assign(sessions=d["sessions"].astype("float64"))
    rows = []
    q = ((1 - level) / 2, 1 - (1 - level) / 2)
    for (tool, prop, chan), g in d.groupby(["tool", "property", "channel"], dropna=False, sort=True):
        on = g.loc[g["post_day"], "sessions"].to_numpy()
        off = g.loc[~g["post_day"], "sessions"].to_numpy()
        if not len(on) or not len(off):
            continue
        boot_on = rng.choice(on, size=(n_boot, len(on))).mean(axis=1)
        boot_off = rng.choice(off, size=(n_boot, len(off))).mean(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratios = np.where(boot_off > 0, boot_on / boot_off, np.nan)
        both = np.concatenate([on, off])
        perm = rng.permuted(np.tile(both, (n_boot, 1)), axis=1)
        diff = np.abs(perm[:, :len(on)].mean(axis=1) - perm[:, len(on):].mean(axis=1))
        obs = abs(on.mean() - off.mean())
        rows.append({"tool": tool, "property": prop if pd.notna(prop) else pd.NA, "channel": chan,
                     "n_post_days": len(on), "n_other_days": len(off), "sessions_post_days": on.mean(),
                     "sessions_other_days": off.mean(), "median_post_days": np.median(on),
                     "median_other_days": np.median(off),
                     "ratio": on.mean() / off.mean() if off.mean() > 0 else np.nan,
                     "ci_low": np.nanquantile(ratios, q[0]) if np.isfinite(ratios).any() else np.nan,
                     "ci_high": np.nanquantile(ratios, q[1]) if np.isfinite(ratios).any() else np.nan,
                     "p_value": (1 + int((diff >= obs - 1e-12).sum())) / (n_boot + 1)})
    out = pd.DataFrame(rows, columns=cols[:-1])
    out["clear"] = bh_reject(out["p_value"].to_numpy(dtype=float), alpha).astype(bool) if len(out) else \
        pd.Series(dtype=bool)
    for c in cols[5:-1]:
        out[c] = out[c].astype("Float64")
    for c in ("n_post_days", "n_other_days"):
        out[c] = out[c].astype("Int64")
    return out


_TOOL_ORDER = ("ga4", "ua", "matomo")
_TOOL_LABEL = {"ga4": "Google Analytics 4", "ua": "Universal Analytics", "matomo": "Matomo"}


def headline(traffic) -> str | None:
    """One sentence on what social media brought to the website, or None without web-analytics exports.

    For the overview page: from :func:`by_channel` of one tool (GA4 first, then Universal
    Analytics, then Matomo) and its first property: the sessions from social networks out of all
    sessions, and the network with the most engaged sessions (non-bounce visits where the tool has
    no engaged sessions).

    Parameters
    ----------
    traffic : pandas.DataFrame or Dataset
        The canonical traffic table (``ds.traffic``) or a Dataset from :func:`toolkit.load`.

    Returns
    -------
    str or None

    Examples
    --------
    >>> import pandas as pd
    >>> headline(pd.DataFrame(columns=TRAFFIC.names)) is None
    True
    """
    t = traffic.traffic if hasattr(traffic, "traffic") and not isinstance(traffic, pd.DataFrame) else traffic
    if t is None or not len(t):
        return None
    ch = by_channel(t)
    if ch.empty or not ch["sessions"].fillna(0).gt(0).any():
        return None
    tools = [x for x in _TOOL_ORDER if x in set(ch["tool"])] or sorted(set(ch["tool"]))
    rows = ch[ch["tool"] == tools[0]]
    rows = rows[(rows["property"].astype("string") == rows["property"].astype("string").iloc[0]).fillna(True)]
    total = float(rows["sessions"].sum())
    soc = rows[rows["is_social"]]
    name = _TOOL_LABEL.get(tools[0], tools[0])
    if total <= 0:
        return None
    social = float(soc["sessions"].sum())
    from . import _format  # the page's language when a report renders this (numbers and words), else English

    fmt = _format.ACTIVE if _format.ACTIVE is not None else _format.Format("en")
    _ = fmt._
    text = _("Website ({tool}): social networks brought {social} of {total} sessions ({share})").format(
        tool=name, social=fmt.number(social, 0), total=fmt.number(total, 0), share=fmt.percent(social / total, 0))
    nets = soc[soc["channel"] != "social (network not reported)"].dropna(subset=["engaged_sessions"])
    if len(nets) and nets["engaged_sessions"].max() > 0:
        top = nets.loc[nets["engaged_sessions"].astype("float64").idxmax()]
        if top["engaged_basis"] != "non-bounce sessions":
            more = _("; {network} brought the most engaged sessions ({n}, {rate} of its sessions)")
        else:
            more = _("; {network} brought the most non-bounce visits ({n}, {rate} of its sessions)")
        text += more.format(network=top["channel"], n=fmt.number(top["engaged_sessions"], 0),
                            rate=fmt.percent(top["engaged_session_rate"], 0))
    return text + "."


def top_per_tool(table: pd.DataFrame, *, sort: str, n: int = 1) -> pd.DataFrame:
    """The ``n`` rows with the largest ``sort`` for each web-analytics tool.

    Each tool counts differently (GA4 sessions, Matomo visits), so rankings are made within a tool.

    Parameters
    ----------
    table : pandas.DataFrame
        A table with a ``tool`` column, such as :func:`by_channel` or :func:`by_campaign`.
    sort : str
        Numeric column to rank by (``"engaged_sessions"``, ``"conversions"``); missing values last.
    n : int
        Rows per tool.

    Returns
    -------
    pandas.DataFrame
        The columns of ``table``; up to ``n`` rows per tool, the largest first over all tools
        (ties: first in ``table`` first).
    """
    require_columns(table, ["tool", sort], where="top_per_tool(table)", table="traffic")
    if n < 1:
        raise ParameterError(f"top_per_tool(n={n}): expected a number of rows per tool, at least 1.")
    ranked = table.sort_values(sort, ascending=False, kind="stable", na_position="last")
    return ranked.groupby("tool", sort=False, observed=True).head(n).reset_index(drop=True)
def __dir__() -> list[str]:
    # dir() and tab completion offer the public names only, not the helpers this module imports
    return sorted(__all__)
