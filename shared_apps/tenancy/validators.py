"""Subdomain rules: a lowercase DNS label, not reserved."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

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
        raise ValidationError(_("Use lowercase letters only."), code="lowercase")
    if not SUBDOMAIN_RE.match(value):
        raise ValidationError(
            _("3–63 characters: a-z, 0-9 and hyphens, not starting or ending with a hyphen."),
            code="invalid",
        )
    if "--" in value[2:4]:
        raise ValidationError(_("Prefixes such as xn-- are reserved."), code="reserved")
    if value in RESERVED_SUBDOMAINS:
        raise ValidationError(_("This subdomain is reserved."), code="reserved")
    return value
