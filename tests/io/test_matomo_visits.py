"""Matomo Visits Log: the visits added up by integer codes equal a plain pandas groupby on the text keys.

The loader finds each visit's referrer/site combination from codes, works the keys out once per
combination and adds the visits up with ``np.bincount`` (toolkit/io/matomo.py, ``_visits_frame``
and ``_merge``). The oracle below is the straightforward way: pandas string methods on every visit,
then ``groupby`` on the keys. Both must give the same table on cells that make the shortcuts fail
if they are wrong: blanks and padding, missing cells, upper-case and padded visitor ids, several
sites, visits in more than one file, many visits per row with awkward decimals.
"""

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import toolkit as tk
from toolkit.io.matomo import _all_plain_digits, _hex_ids, _hex_text
from toolkit.schema import TRAFFIC

from ._traffic_util import parse

HEADER = ["idSite", "idVisit", "visitorId", "goalConversions", "siteCurrency", "siteName", "firstActionTimestamp",
          "actions", "referrerType", "referrerName", "campaignSource", "campaignMedium", "campaignName",
          "campaignContent", "totalEcommerceRevenue"]
KEYS = ["date", "channel", "source", "medium", "campaign", "content", "property"]


def _visits(n: int, seed: int, *, hex_ids: bool = True) -> pd.DataFrame:
    """n visits with repeating referrers (some cells padded, blank or differing only in case)."""
    rng = np.random.default_rng(seed)
    refs = [("campaign", "Fruehling24", "facebook", "social", "Fruehling24", "post-1"),
            ("campaign", "fruehling24", " facebook ", "social", "", "post-2"),
            ("campaign", "newsletter", "", "", "", ""),
            ("social", "Instagram", "", "", "", ""), ("social", " Instagram", "", "", "", ""),
            ("search", "Google", "", "", "", ""), ("direct", "", "", "", "", ""), (" website ", "blog.example", "", "",
                                                                                  "", "")]
    sites = [("1", "Bergkaffee", "EUR"), ("2", "", "CHF"), ("1", " Bergkaffee", "")]
    pool = [f"{x:016x}" for x in rng.integers(0, 2 ** 63, 40)]
    if not hex_ids:
        pool += ["ABCDEF0123456789", " 0123456789abcdef", "", "v-7"]
    rows = []
    for i in range(n):
        ref = refs[rng.integers(len(refs))]
        site = sites[rng.integers(len(sites))]
        rev = rng.choice(["", "0.1", "0.2", "0.3", "1e16", "19.99", "7"])
        visitor = rng.choice(pool) if rng.random() < 0.7 else f"{2 ** 62 + i:016x}"  # (30%: one visit only)
        rows.append([site[0], str(1000 + i), visitor, str(rng.integers(0, 3)), site[2], site[1],
                     str(1710230000 + int(rng.integers(0, 5 * 86400))), str(rng.integers(1, 4)), *ref, rev])
    return pd.DataFrame(rows, columns=HEADER)


def _write(path, frame: pd.DataFrame) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)


def _oracle(frames: list[pd.DataFrame], tz: str) -> pd.DataFrame:
    """The traffic rows by pandas string methods and a groupby on the keys (a visit in several files once)."""
    v = pd.concat(frames, ignore_index=True).astype("string")

    def col(c):
        s = v[c].str.strip()
        return s.mask(s == "")
    prop = col("siteName").fillna(col("idSite"))
    v = v[~(pd.DataFrame({"p": prop, "i": col("idVisit")}).duplicated(keep="last"))].reset_index(drop=True)
    prop = col("siteName").fillna(col("idSite"))
    rtype = col("referrerType")
    day = pd.to_datetime(pd.to_numeric(v["firstActionTimestamp"]), unit="s", utc=True).dt.tz_convert(tz)
    g = pd.DataFrame({
        "date": day.dt.tz_localize(None).dt.normalize().astype("datetime64[ns]"), "channel": rtype,
        "source": col("campaignSource").fillna(col("referrerName").where(rtype != "campaign")),
        "medium": col("campaignMedium"),
        "campaign": col("campaignName").fillna(col("referrerName").where(rtype == "campaign")).str.lower(),
        "content": col("campaignContent"), "property": prop, "visitor": col("visitorId"),
        "bounce": pd.to_numeric(v["actions"]) == 1, "conv": pd.to_numeric(v["goalConversions"]),
        "rev": pd.to_numeric(v["totalEcommerceRevenue"]), "currency": col("siteCurrency")})
    grouped = g.groupby(KEYS, dropna=False, sort=True)
    out = grouped.agg(sessions=("date", "size"), users=("visitor", "nunique"), bounces=("bounce", "sum")).reset_index()
    out["conversions"] = grouped["conv"].sum(min_count=1).to_numpy()
    out["revenue"] = grouped["rev"].sum(min_count=1).to_numpy()
    cur = g.groupby("property", dropna=False)["currency"].first()
    has_rev = out.groupby("property", dropna=False)["revenue"].transform(lambda r: r.notna().any()).astype(bool)
    out["currency"] = out["property"].map(cur).where(has_rev)
    for c in ("sessions", "users", "bounces", "conversions"):
        out[c] = out[c].astype("Int64")
    out["revenue"] = out["revenue"].astype("Float64")
    for c in ("channel", "source", "medium", "campaign", "content", "property", "currency"):
        out[c] = out[c].astype("string")
    return out


def _got(traffic: pd.DataFrame) -> pd.DataFrame:
    return traffic[KEYS + ["sessions", "users", "bounces", "conversions", "revenue", "currency"]].reset_index(drop=True)


@pytest.mark.parametrize("hex_ids", [True, False])
def test_one_file_equals_a_groupby_on_the_text_keys(tmp_path, hex_ids):
    visits = _visits(3000, seed=1, hex_ids=hex_ids)
    _write(tmp_path / "visits.csv", visits)
    t = parse(tmp_path / "visits.csv", tz="Europe/Berlin").tables["traffic"]
    TRAFFIC.validate(t)
    want = _oracle([visits], "Europe/Berlin")
    assert t["sessions"].max() > 5  # rows of many visits: the sums are pandas' own (compensated), exactly
    pd.testing.assert_frame_equal(_got(t), want, check_exact=True)


@pytest.mark.parametrize("hex_ids", [(True, True, True), (True, False, True)])
def test_files_added_up_together_equal_a_groupby_over_all_visits(tmp_path, hex_ids):
    visits = _visits(3000, seed=2)
    other = _visits(3000, seed=2, hex_ids=False)
    parts = [visits.iloc[:1200], visits.iloc[1000:2200], visits.iloc[2200:]]  # 200 visits in two files
    parts = [p if h else other.iloc[p.index] for p, h in zip(parts, hex_ids)]
    for k, part in enumerate(parts, start=1):
        _write(tmp_path / f"visits_{k}.csv", part)
    ds = tk.load(tmp_path, tz="UTC", progress=False)
    TRAFFIC.validate(ds.traffic)
    got = _got(ds.traffic.sort_values(KEYS, na_position="last", kind="stable"))
    pd.testing.assert_frame_equal(got, _oracle(parts, "UTC"), check_exact=False)
    assert "200 visit(s) in more than one file counted once" in ds.load_report.notes.iloc[0]
    r = ds.load_report
    assert (r.rows_read == r.rows_loaded + r.duplicates_dropped + r.rows_rejected).all()


CELLS = ["1", "0", "007", "123456789012345678", "1234567890123456789", "", " 1", "1 ", "+1", "-1", "1.5", "1e5",
         "6%", "1.234,5 %", "€ 1.234", "-", "(not set)", "1\u00a0234", "1\u2009234", "1\u202f234", "١٢", "٣", "１",
         "²", "0x10", "1_000"]


@pytest.mark.parametrize("cell", CELLS)
def test_plain_digit_check_gives_the_verdicts_of_the_regex(cell):
    # the check replaced pc.match_substring_regex(arr, r"^[0-9]{1,18}$"); Python's re with ASCII digits as oracle
    want = re.fullmatch(r"[0-9]{1,18}", cell) is not None
    assert _all_plain_digits(pa.chunked_array([pa.array([cell])])) is want
    assert _all_plain_digits(pa.chunked_array([pa.array(["12", cell]), pa.array(["3"])])) is want


def test_hex_visitor_ids_read_as_numbers_one_to_one():
    ids = ["4dad2986ce834960", "0000000000000000", "ffffffffffffffff", "4dad2986ce834960", "00000000000000ff"]
    s = pd.Series(ids, dtype="string[pyarrow]")
    nums = _hex_ids(s)
    assert nums.dtype == np.uint64 and nums[0] == 0x4DAD2986CE834960 and nums[2] == 2 ** 64 - 1
    assert _hex_text(nums).tolist() == ids
    for odd in ["4DAD2986CE834960", "4dad2986ce83496", " 4dad2986ce834960", "4dad2986ce83496g", "",
                "4dad2986ce8349\u00e9", "4dad2986 ce83496", "4dad2986\tce83496", "4dad2986ce83\u0664\u0669", None]:
        assert _hex_ids(pd.Series([ids[0], odd], dtype="string[pyarrow]")) is None, odd
    assert _hex_ids(pd.Series(ids, dtype="object")) is None


@pytest.mark.parametrize("order", ["rising", "falling", "repeat inside a file", "ranges overlap"])
def test_visit_ids_counted_once_whatever_the_order_of_the_pages(tmp_path, order):
    # pages whose ids rise (or fall) and do not overlap need no hash table to be seen free of repeats;
    # any other order goes the long way, and a visit is counted once either way
    visits = _visits(2000, seed=3)
    ids = {"rising": [range(1, 1001), range(1001, 2001)], "falling": [range(1000, 0, -1), range(2000, 1000, -1)],
           "repeat inside a file": [[*range(1, 500), 499, *range(500, 1000)], range(1001, 2001)],
           "ranges overlap": [range(1, 1001), range(900, 1900)]}[order]
    parts = []
    for k, part_ids in enumerate(ids):
        part = visits.iloc[1000 * k:1000 * (k + 1)].copy()
        part["idVisit"] = [str(i) for i in part_ids]
        parts.append(part)
        _write(tmp_path / f"visits_{k}.csv", part)
    ds = tk.load(tmp_path, tz="UTC", progress=False)
    got = _got(ds.traffic.sort_values(KEYS, na_position="last", kind="stable"))
    want = _oracle(parts, "UTC")
    pd.testing.assert_frame_equal(got, want, check_exact=False)
    repeats = "counted once" in ds.load_report.notes.iloc[0]  # (a visit repeats only within its site)
    assert bool(want.sessions.sum() < 2000) == repeats == (order in ("repeat inside a file", "ranges overlap"))


def test_json_visits_without_actions_or_numbers_are_read(tmp_path):
    # a visit of the JSON log with "actions": null (or none at all) used to fail the file with
    # "boolean value of NA is ambiguous" (a loader bug): it is no bounce, and reports no conversions
    # or revenue where those are null
    import json
    base = {"idSite": "1", "siteName": "Shop", "siteCurrency": "EUR", "referrerType": "direct", "referrerName": ""}
    visits = [dict(base, idVisit="1", visitorId="4dad2986ce834960", firstActionTimestamp=1721582073, actions=3,
                   goalConversions=1, totalEcommerceRevenue="2.50"),
              dict(base, idVisit="2", visitorId="4dad2986ce834961", firstActionTimestamp=1721582075, actions=None,
                   goalConversions=None, totalEcommerceRevenue=None),
              dict(base, idVisit="3", visitorId="4dad2986ce834962", firstActionTimestamp=1721582079, actions=1)]
    (tmp_path / "visits.json").write_text(json.dumps(visits), encoding="utf-8")
    ds = tk.load(tmp_path, tz="UTC", progress=False)
    t = ds.traffic
    assert t[["sessions", "users", "bounces", "conversions"]].values.tolist() == [[3, 3, 1, 1]]
    assert t.revenue.tolist() == [2.5] and t.currency.tolist() == ["EUR"]


def test_combined_codes_equal_exactly_when_every_code_is_equal():
    # one int64 per row from several code columns; past 2**62 combinations the codes so far are renumbered
    from toolkit.io.matomo import _combined
    rng = np.random.default_rng(4)
    for sizes in ([3, 5, 1], [2 ** 20] * 5, [7] * 30):
        codes = [rng.integers(-1, m, 5000) for m in sizes]
        codes = [np.concatenate([c, c[:50]]) for c in codes]  # some rows repeated exactly
        key = _combined(codes, sizes, 5050)
        rows = pd.DataFrame(np.column_stack(codes))
        want = rows.groupby(list(rows.columns), sort=False).ngroup().to_numpy()
        assert (pd.factorize(key)[0] == want).all(), sizes


@pytest.mark.parametrize("name", ["Fruehling24", "Frühling24"])
def test_utf16_log_read_from_its_low_bytes_equals_the_same_log_in_utf8(tmp_path, name):
    # a large UTF-16 Visits Log of ASCII characters is parsed from the low bytes of its UTF-16 units
    # (no decode to a Python string); one with another character is read from its text as before
    visits = _visits(12000, seed=6)
    visits.loc[5, "referrerName"] = name
    text = visits.to_csv(index=False)
    (tmp_path / "u16").mkdir()
    (tmp_path / "u8").mkdir()
    (tmp_path / "u16" / "visits.csv").write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    (tmp_path / "u8" / "visits.csv").write_bytes(text.encode("utf-8"))
    assert (tmp_path / "u16" / "visits.csv").stat().st_size > 1 << 20
    a = tk.load(tmp_path / "u16", tz="UTC", progress=False)
    b = tk.load(tmp_path / "u8", tz="UTC", progress=False)
    cols = [c for c in TRAFFIC.names if c != "source_file"]
    pd.testing.assert_frame_equal(a.traffic[cols], b.traffic[cols], check_exact=True)
    pd.testing.assert_frame_equal(a.load_report.drop(columns="file"), b.load_report.drop(columns="file"))
    pd.testing.assert_frame_equal(_got(a.traffic), _oracle([visits], "UTC"), check_exact=True)
    from toolkit.io import Source
    from toolkit.io.matomo import _visit_records
    src = Source("visits.csv", (tmp_path / "u16" / "visits.csv").read_bytes())
    _visit_records(src)
    assert (src._text is None) is name.isascii()  # (ASCII: never decoded to a Python string)
