"""What a console password must be: long, and not guessable.

Length alone lets ``aaaaaaaaaaaa`` through; zxcvbn estimates how many guesses a
password takes from dictionaries, keyboard patterns, repeats, dates and the user's own
name, and its score 3 ("safely unguessable: moderate protection from offline attack")
is the floor here, as NIST SP 800-63B asks for a check against known-weak passwords.
"""

from __future__ import annotations

from zxcvbn import zxcvbn

from explainer.errors import ValidationFailed

__all__ = ["MIN_LENGTH", "MIN_SCORE", "check_password"]

MIN_LENGTH = 12
MIN_SCORE = 3
_LONGEST = 256  # argon2 takes longer; the estimate grows with length; nobody types more


def check_password(password: str, username: str) -> None:
    """Raise ValidationFailed, saying what to change, unless the password is strong."""
    if len(password) < MIN_LENGTH:
        raise ValidationFailed(f"a password has at least {MIN_LENGTH} characters")
    if len(password) > _LONGEST:
        raise ValidationFailed(f"a password has at most {_LONGEST} characters")
    found = zxcvbn(password, user_inputs=[username, "explainer", "audit", "console"])
    if found["score"] >= MIN_SCORE:
        return
    feedback = found.get("feedback") or {}
    hints = [feedback.get("warning") or "", *(feedback.get("suggestions") or [])]
    advice = " ".join(h for h in hints if h) or "Add another word or two."
    raise ValidationFailed(f"this password is too easy to guess. {advice}")
