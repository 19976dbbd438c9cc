"""Signed heads, receipts and the witness, with no database."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from explainer.errors import ConfigurationError
from explainer.tlog import merkle, notes, witness
from explainer.tlog.keys import KeyPlace, create_key, load_key, public_b64

ORIGIN = "explainer.log/0123456789abcdef"
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
OTHER = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
LEAVES = [merkle.leaf_hash(bytes([i])) for i in range(40)]


def test_a_head_is_a_c2sp_signed_checkpoint() -> None:
    root = merkle.root(LEAVES[:7])
    note = notes.sign_head(KEY, ORIGIN, 7, root, "2026-11-30T12:00:00.000000Z")
    body, signatures = note.split("\n\n")
    assert body.split("\n") == [
        ORIGIN,
        "7",
        base64.b64encode(root).decode(),
        "time 2026-11-30T12:00:00.000000Z",
    ]
    line = signatures.rstrip("\n")
    assert line.startswith(f"\u2014 {ORIGIN} ") and "\n" not in line
    blob = base64.b64decode(line.rsplit(" ", 1)[1])
    raw = KEY.public_key().public_bytes_raw()
    assert blob[:4] == hashlib.sha256(ORIGIN.encode() + b"\n\x01" + raw).digest()[:4]
    KEY.public_key().verify(blob[4:], (body + "\n").encode())  # the note text, with its newline
    head = notes.open_head(note, ORIGIN, [KEY.public_key()])
    assert head is not None and (head.tree_size, head.root) == (7, root)


def test_a_head_opens_only_for_its_own_log_and_key() -> None:
    note = notes.sign_head(KEY, ORIGIN, 3, merkle.root(LEAVES[:3]), "t")
    assert notes.open_head(note, "explainer.log/another", [KEY.public_key()]) is None
    assert notes.open_head(note, ORIGIN, [OTHER.public_key()]) is None
    edited = note.replace("\n3\n", "\n4\n", 1)
    assert notes.open_head(edited, ORIGIN, [KEY.public_key()]) is None
    # Another key's signature added beside ours is ignored, as signed-note requires.
    foreign = notes.sign_head(OTHER, ORIGIN, 3, merkle.root(LEAVES[:3]), "t").split("\n\n")[1]
    assert notes.open_head(note + foreign, ORIGIN, [KEY.public_key()]) is not None


@given(
    index=st.one_of(st.none(), st.integers(0, 10**9)),
    leaf=st.binary(min_size=32, max_size=32),
    stamp=st.text(min_size=1, max_size=40).filter(lambda s: "\n" not in s),
)
def test_receipts_verify_and_every_field_is_signed(
    index: int | None, leaf: bytes, stamp: str
) -> None:
    receipt = notes.sign_receipt(KEY, ORIGIN, index, leaf.hex(), stamp)
    keys = [KEY.public_key()]
    assert notes.receipt_problem(receipt, ORIGIN, keys) is None
    flipped = bytes(b ^ 1 for b in leaf).hex()
    for field, value in (("index", 7 if index != 7 else 8), ("leaf_hash", flipped)):
        assert notes.receipt_problem({**receipt, field: value}, ORIGIN, keys) is not None
    assert notes.receipt_problem({**receipt, "timestamp": stamp + "x"}, ORIGIN, keys)
    assert "another log" in str(notes.receipt_problem(receipt, "elsewhere", keys))
    assert notes.receipt_problem(receipt, ORIGIN, [OTHER.public_key()]) is not None


def test_receipt_problems_never_raise_on_junk() -> None:
    keys = [KEY.public_key()]
    good = notes.sign_receipt(KEY, ORIGIN, 1, "ab" * 32, "t")
    for junk in (None, [], {}, {**good, "index": True}, {**good, "signature": "!!"}, "text"):
        assert notes.receipt_problem(junk, ORIGIN, keys) is not None


class _Log:
    """A log held in memory, serving heads as the store does."""

    def __init__(self, key: Ed25519PrivateKey = KEY) -> None:
        self.key, self.leaves = key, list(LEAVES[:5])

    def public(self) -> dict[str, Any]:
        note = notes.sign_head(self.key, ORIGIN, len(self.leaves), merkle.root(self.leaves), "t")
        key = public_b64(self.key.public_key())
        return {"log_id": ORIGIN, "public_key": key, "checkpoint": note}

    def consistency(self, first: int, second: int) -> list[str]:
        return [p.hex() for p in merkle.consistency_proof(first, self.leaves[:second])]


def test_the_witness_pins_then_accepts_only_extensions(tmp_path: Path) -> None:
    path, log = tmp_path / "witness.jsonl", _Log()
    first = witness.witness(path, log)
    assert first.first and first.entry["tree_size"] == 5
    log.leaves += LEAVES[5:12]
    assert witness.witness(path, log).grew_by == 7
    assert witness.witness(path, log).grew_by == 0  # the same head again is fine
    log.leaves = log.leaves[:9]
    with pytest.raises(witness.WitnessRefused, match="shrank"):
        witness.witness(path, log)
    log.leaves = [*LEAVES[:3], merkle.leaf_hash(b"edited"), *LEAVES[4:14]]
    with pytest.raises(witness.WitnessRefused, match="not consistent"):
        witness.witness(path, log)
    with pytest.raises(witness.WitnessRefused, match="pinned key"):
        witness.witness(path, _Log(OTHER))
    assert [json.loads(x)["tree_size"] for x in path.read_text().splitlines()] == [5, 12, 12]


def test_the_witness_refuses_a_key_other_than_the_one_given(tmp_path: Path) -> None:
    with pytest.raises(witness.WitnessRefused, match="another public key"):
        witness.witness(tmp_path / "w.jsonl", _Log(), public_b64(OTHER.public_key()))


def test_key_place(tmp_path: Path) -> None:
    data = tmp_path / "var"
    inside = KeyPlace(data / "log_key.pem", False, False, (data,))
    made = inside.settle()  # development: made in the data folder, with a warning
    assert (data / "log_key.pem").stat().st_mode & 0o777 == 0o600
    assert inside.settle().public_key() == made.public_key()
    with pytest.raises(ConfigurationError, match="required in production"):
        KeyPlace(data / "log_key.pem", False, True, (data,)).settle()
    with pytest.raises(ConfigurationError, match="inside the data folder"):
        KeyPlace(data / "log_key.pem", True, True, (data,)).settle()
    away = tmp_path / "keys" / "log.pem"
    with pytest.raises(ConfigurationError, match="audit keygen"):
        KeyPlace(away, True, True, (data,)).settle()
    create_key(away)
    assert KeyPlace(away, True, True, (data,)).settle() is not None
    away.chmod(0o644)
    with pytest.raises(ConfigurationError, match="readable by others"):
        KeyPlace(away, True, True, (data,)).settle()
    assert load_key(away) is not None  # development only warns
