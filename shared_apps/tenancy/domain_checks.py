"""Proving control of a custom domain: an HTTP file or a DNS TXT record holding the shop's token.

Both checks are pluggable (settings CUSTOM_DOMAIN_HTTP_FETCHER / CUSTOM_DOMAIN_TXT_RESOLVER: dotted paths
to callables), so deployments and tests can swap the network layer. The default HTTP fetcher makes a real
request to port 80 of the domain, refuses private/loopback addresses (no SSRF into the platform's own
network) unless CUSTOM_DOMAIN_RESOLVE maps the domain to an address explicitly (like curl --resolve),
follows no redirects and reads at most 1 KiB.
"""

import http.client
import ipaddress
import socket
from collections.abc import Callable

from django.conf import settings
from django.utils.module_loading import import_string

WELL_KNOWN_PATH = "/.well-known/micromall-verify.txt"
TXT_PREFIX = "_micromall."
TXT_VALUE_PREFIX = "micromall-verify="
MAX_BYTES = 1024


class CheckFailed(Exception):
    pass


def _address(domain: str) -> tuple[str, int]:
    override = getattr(settings, "CUSTOM_DOMAIN_RESOLVE", {}).get(domain)
    if override:
        host, _, port = override.rpartition(":")
        return host, int(port)
    try:
        infos = socket.getaddrinfo(domain, 80, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise CheckFailed(f"{domain} does not resolve ({exc.strerror or exc})") from exc
    for *_rest, sockaddr in infos:
        ip = ipaddress.ip_address(sockaddr[0])
        if ip.is_global:
            return sockaddr[0], 80
    raise CheckFailed(f"{domain} resolves only to private addresses")


def http_fetch(domain: str) -> str:
    """The body of http://<domain>/.well-known/micromall-verify.txt (raises CheckFailed)."""
    host, port = _address(domain)
    timeout = float(getattr(settings, "CUSTOM_DOMAIN_CHECK_TIMEOUT", 3))
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", WELL_KNOWN_PATH, headers={"Host": domain, "User-Agent": "micromall-domain-check"})
        response = conn.getresponse()
        if response.status != 200:
            raise CheckFailed(f"{WELL_KNOWN_PATH} answered HTTP {response.status}")
        return response.read(MAX_BYTES).decode("utf-8", errors="replace")
    except (OSError, http.client.HTTPException) as exc:
        raise CheckFailed(f"http://{domain}{WELL_KNOWN_PATH}: {exc}") from exc
    finally:
        conn.close()


def dns_txt(name: str) -> list[str]:
    """TXT strings of `name` via dnspython when installed; without it the DNS route is unavailable."""
    try:
        import dns.resolver  # type: ignore[import-not-found]
    except ImportError as exc:
        raise CheckFailed("DNS check unavailable on this server (dnspython not installed)") from exc
    try:
        answer = dns.resolver.resolve(name, "TXT", lifetime=3)
    except Exception as exc:
        raise CheckFailed(f"no TXT record at {name}") from exc
    return [b"".join(record.strings).decode() for record in answer]


def _plugged(setting: str, default: Callable) -> Callable:
    path = getattr(settings, setting, None)
    return import_string(path) if path else default


def verify(domain: str, token: str) -> str:
    """Which route proved control ("http" or "dns"); raises CheckFailed with every route's reason."""
    reasons = []
    try:
        if _plugged("CUSTOM_DOMAIN_HTTP_FETCHER", http_fetch)(domain).strip() == token:
            return "http"
        reasons.append(f"{WELL_KNOWN_PATH} does not contain the token")
    except CheckFailed as exc:
        reasons.append(str(exc))
    try:
        if TXT_VALUE_PREFIX + token in _plugged("CUSTOM_DOMAIN_TXT_RESOLVER", dns_txt)(TXT_PREFIX + domain):
            return "dns"
        reasons.append(f"TXT {TXT_PREFIX}{domain} does not hold the token")
    except CheckFailed as exc:
        reasons.append(str(exc))
    raise CheckFailed("; ".join(reasons))
