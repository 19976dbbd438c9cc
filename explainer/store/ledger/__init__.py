"""The tamper-evident log: records, Merkle tree, signed checkpoints, verification."""
