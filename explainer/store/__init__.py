"""Storage for decisions, reviews and feedback, and the tamper-evident log."""

from explainer.store.keys import SCOPES, ApiKey
from explainer.store.store import Store
from explainer.store.verify import VerifyResult

__all__ = ["SCOPES", "ApiKey", "Store", "VerifyResult"]
