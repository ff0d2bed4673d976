"""The loader probe corpus (issue #18.2, #18.5): whatever the bytes, load() answers with the data,
a rejected row with its reason, or a toolkit error that names the file -- never a raw exception,
a hang, a broken count or a silently wrong value.

450 mutated real-format files (deterministic, see ``_probe.py``) plus the targeted cases of the
issue, each loaded alone with errors="raise", alone with errors="reject", and in a folder next to
a good file. A larger corpus (another seed) runs from ``bench/load_limits.py --probe N``.
"""

from __future__ import annotations

import pytest

import toolkit as tk

from . import _probe

N = 450


@pytest.fixture(scope="module")
def corpus():
    return _probe.cases(N, seed=18)


@pytest.fixture(scope="module")
def results(corpus, tmp_path_factory):
    counts, failures = _probe.run_all(corpus, tmp_path_factory.mktemp("probe"), limit=10)
    print(f"\nprobe corpus, {len(corpus)} cases: {counts}")
    return counts, failures


def test_the_corpus_is_deterministic_and_covers_every_kind_of_damage(corpus):
    assert len(corpus) >= N + 10
    again = _probe.cases(N, seed=18)
    assert [(c.name, c.data) for c in corpus] == [(c.name, c.data) for c in again]
    assert len({c.seed for c in corpus}) >= 90  # every fixture and sample file is a seed
    hows = " ".join(c.how for c in corpus)
    for damage in ("cut at a random byte", "flipped bytes", "re-encoded as", "re-encoded as cp1252", "dropped",
                   "duplicated", "reordered", "wrong number of fields", "set to '-5'", "set to '2024'",
                   "set to '99999999999999999999999'", "set to 'inf'", "nested", "wrapped as download.zip",
                   "wrapped as archive.tar.gz", "delimiter", "emptied", "NUL bytes"):
        assert damage in hows, damage


def test_every_case_ends_in_an_allowed_outcome(results):
    counts, failures = results
    assert failures == [], "\n".join(f"{f[0]} {f[1]} [{f[2]}] {f[3][:300]} <- {f[4]}" for f in failures[:20])


def test_the_outcomes_are_not_vacuous(results, corpus):
    counts, _ = results
    total = len(corpus)
    for mode in ("raise", "reject", "folder"):
        assert sum(counts[mode].values()) == total
    # the corpus holds files that load, files that lose rows, and files that are refused
    assert counts["raise"]["loaded"] > total * 0.15 and counts["raise"]["error"] > total * 0.3
    assert counts["reject"]["rejected"] > total * 0.1
    assert counts["folder"]["unreadable"] > total * 0.3 and counts["folder"]["unrecognised"] > 10
    # errors="reject" turns bad cells into rejected rows: fewer files fail than with "raise"
    assert counts["reject"]["error"] < counts["raise"]["error"]


@pytest.mark.parametrize("case_id, says", [
    ("deep-json", "nested too deeply"),
    ("deep-json-obj", "nested too deeply"),
    ("deep-tweets-js", "nested too deeply"),
    ("year-0024", "year 0024 is outside the supported 1678-2261"),
    ("year-9999", "year 9999 is outside the supported 1678-2261"),
    ("generic-year-0024", "year 0024 is outside"),
    ("generic-year-9999", "year 9999 is outside"),
    ("year-alone", "a year alone"),
    ("huge-count", "larger than any real count"),
    ("encrypted-member", "encrypted (password-protected)"),
    ("empty-zip", "the archive is empty"),
    ("zip-3-deep", "deeper than toolkit.io.LIMITS['max_depth'] = 2"),
    ("bomb-header", "the member would unpack to 1,073,741,824 bytes, more than the limit of"),
    ("x-archive-cut", "cannot open the archive"),
])
def test_targeted_cases_say_what_is_wrong(tmp_path, case_id, says):
    case = next(c for c in _probe.targeted() if c.id == case_id)
    out = _probe.run(case, tmp_path, limit=10)
    assert out["raise"] == "error" and out["folder"] == "unreadable", out
    with pytest.warns(UserWarning, match=rf"1 of 2 file\(s\) could not be read and were skipped: exports/{case.name}"):
        ds = tk.load(tmp_path / case_id / "exports", tz=_probe.TZ, progress=False)
    note = ds.unreadable.notes.iloc[0]
    assert note.startswith(f"exports/{case.name}") and says in note, note
