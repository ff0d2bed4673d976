"""Bluesky repository export (CAR): posts, the account's replies, likes and other records counted."""

import pandas as pd
import pytest

import toolkit as tk
from toolkit.errors import ExportFormatError
from toolkit.io.bluesky import repo_records

from ._traffic_util import FIX

BS = FIX / "bluesky"
CAR = BS / "bergkaffee.bsky.social-20241122.car"
DID = "did:plc:bergkaffee0000000000000"


def test_tree_walk_gives_every_record_its_key_in_order():
    did, records = repo_records(CAR.read_bytes())
    keys = [k for k, _ in records]
    assert did == DID and keys == sorted(keys) and len(keys) == 9
    assert "app.bsky.feed.post/3kabc22222221" in keys and "app.bsky.actor.profile/self" in keys
    assert not any(k.startswith("?/") for k in keys)     # every record is reached from the commit


def test_posts_replies_and_skipped_records():
    ds = tk.load(CAR)
    p = ds.posts.set_index("post_id")
    assert list(p.index) == ["3kabc22222221", "3kabc22222222"] and (p.platform == "bluesky").all()
    first = p.loc["3kabc22222221"]
    assert str(first.published_at) == "2024-11-20 09:15:03.123000+00:00"
    assert first.text.endswith("bergkaffee.example/roest...")               # shortened in the text
    assert first.links == "https://bergkaffee.example/roest?utm_source=bluesky&utm_medium=social&utm_campaign=winter24"
    assert first.media_type == "link" and p.loc["3kabc22222222", "media_type"] == "carousel"
    assert first.permalink == f"https://bsky.app/profile/{DID}/post/3kabc22222221" and first.account == DID
    c = ds.comments.set_index("comment_id")
    own = c.loc["3kabc22222223"]
    assert own.post_id == "3kabc22222222" and own.parent_id.startswith("at://did:plc:someoneelse")
    other = c.loc["3kabc22222224"]
    assert other.post_id.startswith("at://") and pd.isna(other.parent_id)     # a reply to the thread's root
    assert c.is_owner.all()
    reasons = sorted(r.split(": ", 1)[1] for r in ds.rejected.reason)
    assert reasons[:2] == ["follow of another account", "like given by the account (names only the liked post's URI)"]
    assert sum("like given" in r for r in reasons) == 2 and sum("repost" in r for r in reasons) == 1
    r = ds.load_report
    assert (r.rows_read == r.rows_loaded + r.duplicates_dropped + r.rows_rejected).all()


def test_links_resolve_the_shortened_campaign_link_for_the_join():
    ds = tk.load(CAR)
    u = tk.traffic.utm(ds.posts)
    assert u.drop_duplicates(["post_id"])[["post_id", "utm_campaign", "network"]].values.tolist() == [
        ["3kabc22222221", "winter24", "bluesky"]]


def test_broken_files():
    with pytest.raises(ExportFormatError, match=r"record app.bsky.feed.post/3kabc22222225: cannot read createdAt 'gestern'"):
        tk.load(BS / "broken" / "repo_bad_createdAt_3kabc22222225.car")
    with pytest.raises(ExportFormatError, match="not a readable CAR file.*Export the repository again"):
        tk.load(BS / "broken" / "repo_cut_off.car")
    with pytest.warns(UserWarning, match="rejected 1 row"):
        ds = tk.load(BS / "broken" / "repo_bad_createdAt_3kabc22222225.car", errors="reject")
    assert len(ds.posts) == 2


def _car_bytes(root: bytes, blocks: dict[bytes, object]) -> bytes:
    """A CAR v1 file written block by block: a CID is whatever the file says (readers do not rehash)."""
    import libipld

    def varint(n: int) -> bytes:
        out = bytearray()
        while True:
            out.append((n & 0x7F) | (0x80 if n >> 7 else 0))
            n >>= 7
            if not n:
                return bytes(out)
    header = libipld.encode_dag_cbor({"version": 1, "roots": [root]})
    body = bytearray(varint(len(header)) + header)
    for cid, obj in blocks.items():
        data = libipld.encode_dag_cbor(obj)
        body += varint(len(cid) + len(data)) + cid + data
    return bytes(body)


@pytest.mark.parametrize("link", ["l", "t"])
def test_a_tree_that_refers_back_to_itself_is_refused_not_walked_forever(tmp_path, link):
    import signal

    cid = lambda n: bytes([0x01, 0x71, 0x12, 0x20]) + bytes([n]) * 32  # noqa: E731
    commit, node = cid(1), cid(2)
    entry = {"p": 0, "k": b"app.bsky.feed.post/3kabc1", "v": cid(3), "t": node if link == "t" else None}
    blocks = {commit: {"did": DID, "version": 3, "data": node, "rev": "3kabc", "prev": None, "sig": b"x"},
              node: {"l": node if link == "l" else None, "e": [entry]},
              cid(3): {"$type": "app.bsky.feed.post", "text": "hi", "createdAt": "2024-11-20T09:15:03Z"}}
    path = tmp_path / "loop.car"
    path.write_bytes(_car_bytes(commit, blocks))
    signal.signal(signal.SIGALRM, lambda *a: (_ for _ in ()).throw(TimeoutError("the tree walk did not end")))
    signal.alarm(20)
    try:
        with pytest.raises(ExportFormatError, match=r"loop\.car: .*refers back to .*Export the repository again"):
            tk.load(path)
    finally:
        signal.alarm(0)
