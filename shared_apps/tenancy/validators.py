"""Host name rules: a shop subdomain is a lowercase DNS label, not reserved; a custom domain is no IP address."""

import ipaddress
import re
import socket

from django.core.exceptions import ValidationError

SUBDOMAIN_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,61})[a-z0-9]$")
RESERVED_SUBDOMAINS = frozenset(
    [
        "www",
        "api",
        "admin",
        "static",
        "media",
        "mail",
        "email",
        "smtp",
        "imap",
        "pop",
        "ftp",
        "app",
        "apps",
        "dashboard",
        "help",
        "support",
        "status",
        "billing",
        "ops",
        "operator",
        "root",
        "platform",
        "console",
        "account",
        "accounts",
        "auth",
        "login",
        "signup",
        "register",
        "shop",
        "shops",
        "store",
        "stores",
        "cdn",
        "assets",
        "img",
        "images",
        "files",
        "docs",
        "blog",
        "dev",
        "test",
        "staging",
        "demo-admin",
        "internal",
        "system",
        "security",
        "abuse",
    ]
)


def validate_subdomain(value: str) -> str:
    if value != value.lower():
        raise ValidationError("只能使用小写字母。Use lowercase letters only.", code="lowercase")
    if not SUBDOMAIN_RE.match(value):
        raise ValidationError(
            "3–63 个字符：a-z、0-9 和连字符，首尾不能是连字符。"
            "3-63 characters: a-z, 0-9 and hyphens, not starting or ending with a hyphen.",
            code="invalid",
        )
    if "--" in value[2:4]:
        raise ValidationError("不能使用 xn-- 等保留前缀。Reserved prefix.", code="reserved")
    if value in RESERVED_SUBDOMAINS:
        raise ValidationError("这个子域名已被保留。This subdomain is reserved.", code="reserved")
    return value


HEX_LABEL_RE = re.compile(r"^0x[0-9a-f]*$", re.IGNORECASE)


def is_ip_address(host: str) -> bool:
    """Every spelling a resolver or browser reads as a numeric address: dotted quads, hex (`0x1.0x1`), octal
    (`0177.1`), short forms (`127.1`, `2130706433`), IPv6 (bracketed or not), and any name whose last label is
    a number (the URL standard parses those as IPv4)."""
    candidate = host.strip().rstrip(".").removeprefix("[").removesuffix("]")
    try:
        ipaddress.ip_address(candidate)
        return True
    except ValueError:
        pass
    try:
        socket.inet_aton(candidate)  # the C library's parser: the same one getaddrinfo falls back to
        return True
    except (OSError, ValueError):
        pass
    last = candidate.rsplit(".", 1)[-1]
    return last.isdigit() or bool(HEX_LABEL_RE.match(last))
