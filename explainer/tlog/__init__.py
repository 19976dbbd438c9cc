"""Transparency-log primitives with no storage: RFC 6962 Merkle trees, C2SP signed heads,
receipts, the log key's place, and witnessing."""
