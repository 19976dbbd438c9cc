"""The one door every surface uses: redact -> decide -> word -> store, and the console's reads."""

from explainer.service.core import DECISION_ID, ModelsUnavailable, Service, request_hash

__all__ = ["DECISION_ID", "ModelsUnavailable", "Service", "request_hash"]
