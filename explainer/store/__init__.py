"""Storage for decisions, reviews and feedback, and the tamper-evident log."""

from explainer.store.keys import ApiKey
from explainer.store.ledger.verify import VerifyResult
from explainer.store.store import Store

__all__ = ["ApiKey", "Store", "VerifyResult"]
