"""A Python client for the Explainer API.

from explainer_client import Client

client = Client("https://explainer.example", api_key)
decision = client.create_decision({"subject": "Refund", "body": "I was charged twice"})
assert client.verify_receipt(decision.receipt)
"""

from explainer_client.client import ApiError, Client, RetryPolicy
from explainer_client.models import BatchOut, Decision, LogInfo, Receipt, TicketIn
from explainer_client.receipts import ReceiptError

__all__ = [
    "ApiError",
    "BatchOut",
    "Client",
    "Decision",
    "LogInfo",
    "Receipt",
    "ReceiptError",
    "RetryPolicy",
    "TicketIn",
]
