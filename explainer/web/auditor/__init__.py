"""The audit console under /audit: sign-in, search, decisions, reviews, reports."""
