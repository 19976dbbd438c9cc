"""Where a webhook may go: https or http URLs on public addresses, unless allowed.

A destination on a private, loopback, link-local or otherwise reserved address is
refused by default (a webhook must not become a way to reach the service's own network);
``EXPLAINER_WEBHOOK_ALLOW_PRIVATE=1`` allows them, for tests and on-premise helpdesks.
The check runs when a subscription is added and again before every delivery, so a name
that later resolves to a private address is refused then.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

__all__ = ["DestinationRefused", "check_destination"]


class DestinationRefused(ValueError):
    """The URL is not one webhooks may be sent to."""


def check_destination(url: str, allow_private: bool) -> None:
    """Raise DestinationRefused unless ``url`` may receive webhooks."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise DestinationRefused("a webhook URL is http:// or https:// with a host name")
    if parts.username or parts.password:
        raise DestinationRefused("a webhook URL carries no user name or password")
    if allow_private:
        return
    try:
        found = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise DestinationRefused(f"{parts.hostname} does not resolve") from exc
    for *_, address in found:
        ip = ipaddress.ip_address(address[0])
        if not ip.is_global or ip.is_multicast:
            raise DestinationRefused(
                f"{parts.hostname} resolves to a private or reserved address ({ip}); "
                "set EXPLAINER_WEBHOOK_ALLOW_PRIVATE=1 to allow it"
            )
