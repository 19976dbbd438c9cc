"""Storage for decisions, reviews and feedback, and the tamper-evident log."""
