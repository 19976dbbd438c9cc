"""Standard Webhooks signatures: the specification's own example."""

from __future__ import annotations

import pytest

from explainer.webhooks.signing import new_secret, secret_bytes, sign, verify

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MSG, TS, BODY = "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}'


def test_the_specification_example() -> None:
    assert sign(SECRET, MSG, TS, BODY) == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    assert verify(SECRET, MSG, TS, BODY, "v1,bad v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    assert not verify(SECRET, MSG, TS, BODY + b" ", sign(SECRET, MSG, TS, BODY))
    assert not verify(SECRET, MSG, TS, BODY, "v1,é")  # refused, not a TypeError


def test_secrets() -> None:
    made = new_secret()
    assert made.startswith("whsec_") and len(secret_bytes(made)) == 24
    for bad in ("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_***", "whsec_AAAA"):
        with pytest.raises(ValueError):
            secret_bytes(bad)
