"""Personal data: redaction of typed text and the public/erasable split of a decision."""
