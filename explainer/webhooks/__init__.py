"""Signed webhooks (the Standard Webhooks specification): events, signatures, destinations."""
