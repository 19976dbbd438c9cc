"""Tests for the RFC 6962 / RFC 9162 Merkle tree in explainer.store.merkle."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explainer.tlog import merkle

# The reference tree used by Certificate Transparency implementations
# (transparency-dev/merkle testonly/constants.go, proof/verify_test.go).
CT_LEAVES = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
CT_ROOTS = {
    0: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    2: "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    3: "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    4: "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    5: "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    6: "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    7: "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    8: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}
CT_LEAF_HASHES = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
    "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
    "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
    "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
    "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
]
# (0-based leaf index, tree size, audit path); the Go vectors count leaves from 1.
CT_INCLUSION = [
    (0, 1, []),
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
# (old size, new size, consistency proof)
CT_CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]

SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")


# --- A naive reference, transcribed from the recursive definitions of RFC 6962 2.1 ---


def _k(n: int) -> int:
    """Largest power of two strictly smaller than n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(d: Sequence[bytes]) -> bytes:
    """MTH(D[n]) over leaf *inputs*, exactly as RFC 6962 2.1 defines it."""
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return hashlib.sha256(b"\x00" + d[0]).digest()
    k = _k(len(d))
    return hashlib.sha256(b"\x01" + ref_mth(d[:k]) + ref_mth(d[k:])).digest()


def ref_path(m: int, d: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of RFC 6962 2.1.1."""
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return [*ref_path(m, d[:k]), ref_mth(d[k:])]
    return [*ref_path(m - k, d[k:]), ref_mth(d[:k])]


def ref_subproof(m: int, d: Sequence[bytes], b: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b) of RFC 6962 2.1.2."""
    if m == len(d):
        return [] if b else [ref_mth(d)]
    k = _k(len(d))
    if m <= k:
        return [*ref_subproof(m, d[:k], b), ref_mth(d[k:])]
    return [*ref_subproof(m - k, d[k:], False), ref_mth(d[:k])]


# --- helpers ---


def _hexes(values: Sequence[str]) -> list[bytes]:
    return [bytes.fromhex(v) for v in values]


def _entries(n: int) -> list[bytes]:
    """Distinct leaf inputs, so no two leaves (or subtrees) share a hash."""
    return [i.to_bytes(4, "big") for i in range(n)]


def _flip(h: bytes) -> bytes:
    return bytes([h[0] ^ 0x08]) + h[1:]


CT_HASHES = [merkle.leaf_hash(leaf) for leaf in CT_LEAVES]


# --- known answers ---


def test_leaf_hashes_match_ct_vectors() -> None:
    assert [h.hex() for h in CT_HASHES] == CT_LEAF_HASHES


@pytest.mark.parametrize("size", sorted(CT_ROOTS))
def test_roots_match_ct_vectors(size: int) -> None:
    assert merkle.root(CT_HASHES[:size]).hex() == CT_ROOTS[size]


def test_node_hash_uses_interior_prefix() -> None:
    expected = hashlib.sha256(b"\x01" + CT_HASHES[0] + CT_HASHES[1]).digest()
    assert merkle.node_hash(CT_HASHES[0], CT_HASHES[1]) == expected
    assert expected.hex() == CT_ROOTS[2]


@pytest.mark.parametrize(("index", "size", "path"), CT_INCLUSION)
def test_inclusion_proofs_match_ct_vectors(index: int, size: int, path: list[str]) -> None:
    proof = merkle.inclusion_proof(index, CT_HASHES[:size])
    assert proof == _hexes(path)
    root = bytes.fromhex(CT_ROOTS[size])
    assert merkle.verify_inclusion(index, size, CT_HASHES[index], proof, root)


@pytest.mark.parametrize(("old", "new", "path"), CT_CONSISTENCY)
def test_consistency_proofs_match_ct_vectors(old: int, new: int, path: list[str]) -> None:
    proof = merkle.consistency_proof(old, CT_HASHES[:new])
    assert proof == _hexes(path)
    old_root, new_root = bytes.fromhex(CT_ROOTS[old]), bytes.fromhex(CT_ROOTS[new])
    assert merkle.verify_consistency(old, new, old_root, new_root, proof)


# --- corrupted proofs (the probes of transparency-dev/merkle's verify_test.go) ---


_Probe = tuple[int, int, bytes, list[bytes], bytes]


def _bad_inclusions(
    index: int, size: int, leaf: bytes, proof: list[bytes], root: bytes
) -> list[_Probe]:
    """Argument tuples for verify_inclusion that must all be rejected."""
    probes = [
        (index - 1, size, leaf, proof, root),
        (index + 1, size, leaf, proof, root),
        (index ^ 2, size, leaf, proof, root),
        (index, size * 2, leaf, proof, root),
        (index, size // 2, leaf, proof, root),
        (index, size, b"WrongLeaf", proof, root),
        (index, size, leaf, proof, merkle.root([])),
        (index, size, leaf, proof, SOME_HASH),
        (index, size, leaf, [*proof, b""], root),
        (index, size, leaf, [*proof, root], root),
        (index, size, leaf, [b"", *proof], root),
        (index, size, leaf, [root, *proof], root),
    ]
    probes += [(index, size, leaf, _flipped_at(proof, i), root) for i in range(len(proof))]
    if proof:
        probes.append((index, size, leaf, proof[:-1], root))
    if len(proof) > 1:
        probes.append((index, size, leaf, [proof[0], SOME_HASH, *proof[1:]], root))
    return probes


def _flipped_at(proof: list[bytes], i: int) -> list[bytes]:
    return [_flip(h) if j == i else h for j, h in enumerate(proof)]


@pytest.mark.parametrize(("index", "size", "path"), CT_INCLUSION[1:])
def test_corrupted_inclusion_proofs_fail(index: int, size: int, path: list[str]) -> None:
    root = bytes.fromhex(CT_ROOTS[size])
    for probe in _bad_inclusions(index, size, CT_HASHES[index], _hexes(path), root):
        assert not merkle.verify_inclusion(*probe), probe


@pytest.mark.parametrize(("old", "new", "path"), CT_CONSISTENCY[1:])
def test_corrupted_consistency_proofs_fail(old: int, new: int, path: list[str]) -> None:
    r1, r2, proof = bytes.fromhex(CT_ROOTS[old]), bytes.fromhex(CT_ROOTS[new]), _hexes(path)
    probes = [
        (old - 1, new, r1, r2, proof),
        (old + 1, new, r1, r2, proof),
        (old ^ 2, new, r1, r2, proof),
        (old, new * 2, r1, r2, proof),
        (old, new // 2, r1, r2, proof),
        (old, new, b"WrongRoot", r2, proof),
        (old, new, r1, b"WrongRoot", proof),
        (old, new, r2, r1, proof),
        (old, new, r1, r2, []),
        (old, new, r1, r2, [*proof, b""]),
        (old, new, r1, r2, [*proof, r1]),
        (old, new, r1, r2, [*proof, r2]),
        (old, new, r1, r2, [b"", *proof]),
        (old, new, r1, r2, [r1, *proof]),
        (old, new, r1, r2, [r2, *proof]),
        (old, new, r1, r2, [proof[0], *proof]),
        (old, new, r1, r2, proof[:-1]),
    ]
    probes += [(old, new, r1, r2, _flipped_at(proof, i)) for i in range(len(proof))]
    for probe in probes:
        assert not merkle.verify_consistency(*probe), probe


def test_single_entry_inclusion_checks_hash_sizes() -> None:
    h = merkle.leaf_hash(b"data")
    assert merkle.verify_inclusion(0, 1, h, [], h)
    assert not merkle.verify_inclusion(0, 1, b"", [], h)
    assert not merkle.verify_inclusion(0, 1, h, [], b"")
    assert not merkle.verify_inclusion(0, 1, b"", [], b"")


@pytest.mark.parametrize(("index", "size"), [(0, 0), (1, 0), (2, 1), (-1, 1)])
def test_inclusion_outside_the_tree_fails(index: int, size: int) -> None:
    empty = merkle.root([])
    assert not merkle.verify_inclusion(index, size, SOME_HASH, [], empty)
    assert not merkle.verify_inclusion(index, size, SOME_HASH, [], SOME_HASH)


def test_malformed_proof_elements_fail_without_raising() -> None:
    index, size, path = CT_INCLUSION[1]
    root, proof = bytes.fromhex(CT_ROOTS[size]), _hexes(path)
    leaf = CT_HASHES[index]
    assert not merkle.verify_inclusion(index, size, leaf, [*proof[:-1], "x" * 32], root)  # type: ignore[list-item]
    assert not merkle.verify_inclusion(index, size, leaf, [*proof[:-1], proof[-1][:31]], root)
    assert not merkle.verify_consistency(1, 8, CT_HASHES[0], root, [None])  # type: ignore[list-item]


def test_consistency_edge_sizes() -> None:
    empty, r1, r2 = merkle.root([]), bytes.fromhex(CT_ROOTS[1]), bytes.fromhex(CT_ROOTS[2])
    assert merkle.verify_consistency(0, 0, empty, empty, [])
    assert merkle.verify_consistency(0, 5, empty, r2, [])
    assert merkle.verify_consistency(1, 1, r1, r1, [])
    assert not merkle.verify_consistency(0, 5, r1, r2, [])  # old root must be the empty tree's
    assert not merkle.verify_consistency(0, 0, empty, empty, [empty])
    assert not merkle.verify_consistency(1, 1, r1, r1, [empty])
    assert not merkle.verify_consistency(1, 1, r1, r2, [])
    assert not merkle.verify_consistency(1, 0, r1, empty, [])
    assert not merkle.verify_consistency(2, 1, r2, r1, [])
    assert not merkle.verify_consistency(-1, 1, r1, r1, [])


# --- bad arguments to the generators ---


@pytest.mark.parametrize(("index", "size"), [(0, 0), (3, 3), (-1, 3)])
def test_inclusion_proof_rejects_index_outside_tree(index: int, size: int) -> None:
    with pytest.raises(ValueError, match="outside a tree"):
        merkle.inclusion_proof(index, CT_HASHES[:size])


@pytest.mark.parametrize(("old", "size"), [(4, 3), (-1, 3), (1, 0)])
def test_consistency_proof_rejects_bad_old_size(old: int, size: int) -> None:
    with pytest.raises(ValueError, match="old size"):
        merkle.consistency_proof(old, CT_HASHES[:size])


def test_consistency_proof_from_empty_or_same_tree_is_empty() -> None:
    assert merkle.consistency_proof(0, CT_HASHES) == []
    assert merkle.consistency_proof(8, CT_HASHES) == []
    assert merkle.consistency_proof(0, []) == []


# --- properties ---


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=70))
def test_root_and_proofs_match_the_rfc_definitions(size: int) -> None:
    entries = _entries(size)
    hashes = [merkle.leaf_hash(e) for e in entries]
    assert merkle.root(hashes) == ref_mth(entries)
    for m in range(size):
        assert merkle.inclusion_proof(m, hashes) == ref_path(m, entries)
    for m in range(1, size + 1):
        assert merkle.consistency_proof(m, hashes) == ref_subproof(m, entries, True)


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1, max_value=300), st.integers(min_value=1, max_value=300))
def test_every_inclusion_proof_verifies_and_tampering_fails(size: int, shift: int) -> None:
    hashes = [merkle.leaf_hash(e) for e in _entries(size)]
    root = merkle.root(hashes)
    for index in range(size):
        proof, leaf = merkle.inclusion_proof(index, hashes), hashes[index]
        assert merkle.verify_inclusion(index, size, leaf, proof, root)
        assert not merkle.verify_inclusion(index, size, _flip(leaf), proof, root)
        assert not merkle.verify_inclusion(index, size, leaf, proof, _flip(root))
        # Any other index in 0..size (size itself is one past the end) must fail.
        wrong = (index + 1 + shift % size) % (size + 1)
        assert not merkle.verify_inclusion(wrong, size, leaf, proof, root)


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1, max_value=300))
def test_every_consistency_proof_verifies_and_tampering_fails(size: int) -> None:
    hashes = [merkle.leaf_hash(e) for e in _entries(size)]
    new_root = merkle.root(hashes)
    for old in range(size + 1):
        proof, old_root = merkle.consistency_proof(old, hashes), merkle.root(hashes[:old])
        assert merkle.verify_consistency(old, size, old_root, new_root, proof)
        assert not merkle.verify_consistency(old, size, _flip(old_root), new_root, proof)
        # An empty old tree is a prefix of any tree, so only then is new_root unchecked.
        assert merkle.verify_consistency(old, size, old_root, _flip(new_root), proof) == (old == 0)


def test_root_of_a_large_log_is_iterative() -> None:
    hashes = [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(200_000)]
    root = merkle.root(hashes)
    last = len(hashes) - 1
    proof = merkle.inclusion_proof(last, hashes)
    assert merkle.verify_inclusion(last, len(hashes), hashes[last], proof, root)
