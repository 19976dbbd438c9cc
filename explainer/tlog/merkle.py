"""Merkle tree hashing and proofs for the tamper-evident decision log.

Follows RFC 6962 section 2.1 (Certificate Transparency) for the tree hash,
audit paths and consistency proofs, and RFC 9162 sections 2.1.3.2 and 2.1.4.2
for verifying them, so any independent CT-style verifier can check our log.

Trees are given as the sequence of their leaf hashes (``leaf_hash(entry)`` for
each entry, in append order). Every hash is a 32-byte SHA-256 digest. Proofs
are lists of digests, ordered as the RFCs order them (from the leaf upwards).
Generation raises ``ValueError`` on impossible arguments; verification never
raises and answers ``False`` for anything malformed, because proofs and sizes
usually arrive from an untrusted party.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

__all__ = [
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "root",
    "verify_consistency",
    "verify_inclusion",
]

_HASH_SIZE = 32
# Distinct prefixes keep a leaf from ever hashing like an interior node
# (second-preimage resistance, RFC 6962 section 2.1).
_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


def leaf_hash(data: bytes) -> bytes:
    """Hash one log entry: SHA-256(0x00 || data)."""
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Hash two child hashes into their parent: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """Return the Merkle Tree Hash (MTH) of a tree with these leaf hashes.

    The empty tree hashes to SHA-256 of the empty string. Runs in O(n) hashes
    with no recursion, so very large logs cannot hit the recursion limit.
    """
    if not leaf_hashes:
        return hashlib.sha256(b"").digest()
    level = list(leaf_hashes)
    while len(level) > 1:
        # Pairing level by level and carrying an odd last node up unchanged
        # builds exactly RFC 6962's split at the largest power of two below n.
        parents = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        level = [*parents, level[-1]] if len(level) % 2 else parents
    return level[0]


def inclusion_proof(index: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """Return the audit path PATH(index, D[n]) of RFC 6962 section 2.1.1.

    Raises ``ValueError`` when ``index`` is not a leaf of the tree.
    """
    size = len(leaf_hashes)
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of size {size}")
    path: list[bytes] = []
    lo, hi = 0, size
    while hi - lo > 1:
        # Walk down from the root; each step records the sibling subtree.
        mid = lo + _split(hi - lo)
        if index < mid:
            path.append(root(leaf_hashes[mid:hi]))
            hi = mid
        else:
            path.append(root(leaf_hashes[lo:mid]))
            lo = mid
    # Collected top-down, but the RFC orders the path from the leaf upwards.
    return path[::-1]


def consistency_proof(old_size: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """Return PROOF(old_size, D[n]) of RFC 6962 section 2.1.2.

    An old size of 0 or of the whole tree needs no proof and gives ``[]``.
    Raises ``ValueError`` unless ``0 <= old_size <= len(leaf_hashes)``.
    """
    size = len(leaf_hashes)
    if not 0 <= old_size <= size:
        raise ValueError(f"old size {old_size} must be between 0 and the new size {size}")
    if old_size in (0, size):
        return []
    proof, lo, hi = _consistency_descent(old_size, leaf_hashes)
    if lo > 0:
        # SUBPROOF with b = false: the old tree's last subtree is not a whole
        # old root the verifier already holds, so it must be sent.
        proof.append(root(leaf_hashes[lo:hi]))
    return proof[::-1]


def verify_inclusion(
    index: int, tree_size: int, leaf_hash: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    """Check that ``leaf_hash`` is leaf ``index`` of the tree with this ``root``.

    Implements RFC 9162 section 2.1.3.2; returns ``False`` for any malformed input.
    """
    if not 0 <= index < tree_size or not _all_digests(leaf_hash, root, *proof):
        return False
    computed = _root_from_path(index, tree_size - 1, leaf_hash, proof)
    return computed is not None and hmac.compare_digest(computed, root)


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Check that the tree ``old_root`` is a prefix of the tree ``new_root``.

    Implements RFC 9162 section 2.1.4.2 for ``0 < old_size < new_size``. Equal
    sizes need an empty proof and equal roots; an old size of 0 needs an empty
    proof and the empty-tree root. Returns ``False`` for any malformed input.
    """
    if not 0 <= old_size <= new_size or not _all_digests(old_root, new_root, *proof):
        return False
    if old_size == 0:
        return not proof and hmac.compare_digest(old_root, root([]))
    if old_size == new_size:
        return not proof and hmac.compare_digest(old_root, new_root)
    roots = _roots_from_consistency(old_size, new_size, old_root, proof)
    return roots is not None and all(map(hmac.compare_digest, roots, (old_root, new_root)))


def _split(size: int) -> int:
    """Return the largest power of two strictly below ``size`` (``size > 1``)."""
    return 1 << ((size - 1).bit_length() - 1)


def _is_power_of_two(size: int) -> bool:
    """Tell whether ``size`` (positive) is an exact power of two."""
    return size & (size - 1) == 0


def _all_digests(*hashes: object) -> bool:
    """Tell whether every value is a 32-byte digest, so hashing cannot raise."""
    return all(isinstance(h, bytes) and len(h) == _HASH_SIZE for h in hashes)


def _consistency_descent(
    old_size: int, leaf_hashes: Sequence[bytes]
) -> tuple[list[bytes], int, int]:
    """Walk SUBPROOF down to the subtree ending at ``old_size``, top-down.

    Returns the sibling hashes met on the way (root side first) and the bounds
    ``lo, hi`` of the subtree where the walk stopped (``hi == old_size``).
    """
    proof: list[bytes] = []
    lo, hi = 0, len(leaf_hashes)
    while hi != old_size:
        mid = lo + _split(hi - lo)
        if old_size <= mid:
            proof.append(root(leaf_hashes[mid:hi]))
            hi = mid
        else:
            proof.append(root(leaf_hashes[lo:mid]))
            lo = mid
    return proof, lo, hi


def _root_from_path(fn: int, sn: int, r: bytes, path: Sequence[bytes]) -> bytes | None:
    """Fold an audit path into a root (RFC 9162 2.1.3.2 steps 2-5), or None."""
    for p in path:
        if sn == 0:
            return None  # the path is longer than the tree is tall
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            fn, sn = _skip_right_edge(fn, sn)
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return r if sn == 0 else None


def _roots_from_consistency(
    old_size: int, new_size: int, old_root: bytes, proof: Sequence[bytes]
) -> tuple[bytes, bytes] | None:
    """Rebuild (old root, new root) from a proof (RFC 9162 2.1.4.2), or None."""
    if not proof:
        return None
    # A power-of-two old tree is a whole subtree of the new one, so RFC 6962
    # leaves its root out of the proof: the verifier supplies it.
    path = [old_root, *proof] if _is_power_of_two(old_size) else list(proof)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    return _fold_consistency(fn, sn, path)


def _fold_consistency(fn: int, sn: int, path: Sequence[bytes]) -> tuple[bytes, bytes] | None:
    """Run RFC 9162 2.1.4.2 steps 5-7 over the prepared path."""
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return None  # the proof is longer than the new tree is tall
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            fn, sn = _skip_right_edge(fn, sn)
        else:
            sr = node_hash(sr, c)  # only the new tree grows on this level
        fn, sn = fn >> 1, sn >> 1
    return (fr, sr) if sn == 0 else None


def _skip_right_edge(fn: int, sn: int) -> tuple[int, int]:
    """Shift past levels where the node has no right sibling (lone last nodes)."""
    while fn and not fn & 1:
        fn, sn = fn >> 1, sn >> 1
    return fn, sn
