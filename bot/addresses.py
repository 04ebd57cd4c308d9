"""Where the bot may connect: one rule for downloads, uploads and the Bot Connector.

A URL's host is judged twice. Before anything is sent, a host that *is* an address is read the
way the C resolver reads it — ``127.1``, ``0x7f.0.0.1``, ``017700000001`` and ``2130706433`` are
all 127.0.0.1 — and judged as that address. When connecting, every address a name resolves to
is judged again, and only allowed ones are connected to (:class:`bot.outbound.GuardedResolver`
as the aiohttp resolver), so a name that resolves to a private address gets nowhere and a
redirect is judged like the first URL.

Allowed: public (``is_global``) addresses; loopback where the policy says so (the Agents
Playground and the tests' mock connector live there); any address of a host the settings trust.
Never: private, link-local (cloud metadata at 169.254.169.254), shared, multicast, reserved and
unspecified addresses, also when written as IPv4-mapped or 6to4 IPv6.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def literal_address(host: str) -> IPAddress | None:
    """The address ``host`` spells, in any form the resolver accepts; None for a name."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if host and all(c in "0123456789abcdefxABCDEFX." for c in host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def _embedded_v4(address: IPAddress) -> IPAddress:
    if isinstance(address, ipaddress.IPv6Address):
        inner = address.ipv4_mapped or address.sixtofour
        if inner is not None:
            return inner
    return address


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """``loopback``: connections to this machine are allowed (local testing)."""

    loopback: bool = False
    trusted_hosts: frozenset[str] = frozenset()

    def allows_address(self, address: str | IPAddress, host: str = "") -> bool:
        if host.lower() in self.trusted_hosts:
            return True
        try:
            ip = _embedded_v4(
                address if not isinstance(address, str) else ipaddress.ip_address(address)
            )
        except ValueError:
            return False
        if ip.is_loopback:
            return self.loopback
        return ip.is_global and not ip.is_multicast

    def allows_host(self, host: str) -> bool:
        """Judged before resolving: an address literal or ``localhost`` by its address; any
        other name passes here and is judged by what it resolves to."""
        host = host.lower().rstrip(".")
        if host in self.trusted_hosts:
            return True
        if host == "localhost" or host.endswith(".localhost"):
            return self.loopback
        address = literal_address(host)
        return address is None or self.allows_address(address)

    def allows_url(self, url: str, schemes: tuple[str, ...] = ("https",)) -> bool:
        """A URL with an allowed scheme (any http(s) for a trusted host), no credentials in it,
        a well-formed port and an allowed host."""
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
            _port = parts.port  # raises ValueError for a malformed port
        except ValueError:
            return False
        if not host or parts.username is not None or parts.password is not None:
            return False
        allowed_schemes = ("http", "https") if host in self.trusted_hosts else schemes
        return parts.scheme in allowed_schemes and self.allows_host(host)


# Bot Connectors the bot may reply to: Microsoft's (public) and, for local testing, this
# machine (the Agents Playground, the tests' mock connector). With authentication on, the
# serviceUrl is also bound to Microsoft's signed token.
CONNECTOR_ADDRESSES = AddressPolicy(loopback=True)
