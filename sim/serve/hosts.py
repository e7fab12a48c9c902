"""Host names and addresses: which are loopback, and what a Host header may look like."""

from __future__ import annotations

import ipaddress
import re

# A Host header: a DNS name or an IPv4 address, or a bracketed IPv6 address, with an optional port.
HOST_HEADER = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?$")


def is_loopback(host: str) -> bool:
    """Whether a host name or address (no port; brackets allowed) names this machine's loopback."""
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def is_wildcard(host: str) -> bool:
    """0.0.0.0 or :: (every interface)."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        return False


def split_host(host_header: str) -> str:
    """The host part of a Host header that matched HOST_HEADER (no port, no brackets)."""
    if host_header.startswith("["):
        return host_header[1 : host_header.index("]")]
    return host_header.rsplit(":", 1)[0] if ":" in host_header else host_header


def url_for(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"
