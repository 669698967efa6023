"""One-time login links: the platform host signs a short-lived token, the shop host's back office redeems it.

The shop host is another origin, so the platform's session cookie never reaches it. The link carries a
signed (SECRET_KEY), timestamped payload naming the user, the shop and a random nonce. The nonce is also
recorded in Redis when the link is issued and deleted on first use: a token signed by anyone else (even with
a leaked SECRET_KEY) names no issued nonce, and a link works once, on that shop only, within AUTO_LOGIN_MAX_AGE.
"""

import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache

from .models import Shop
from .selectors import membership_role, shop_url

SALT = "micromall.tenancy.autologin"
PATH = "/admin/auto-login"


def max_age() -> int:
    return int(getattr(settings, "AUTO_LOGIN_MAX_AGE", 120))


def _nonce_key(nonce) -> str:
    return f"autologin:{nonce}"


def login_link(*, user, shop: Shop) -> str:
    nonce = secrets.token_urlsafe(16)
    cache.set(_nonce_key(nonce), f"{user.pk}:{shop.pk}", timeout=max_age() + 60)
    token = signing.dumps({"u": user.pk, "s": shop.pk, "n": nonce}, salt=SALT)
    return shop_url(shop, f"{PATH}?{urlencode({'t': token})}")


def redeem(*, token: str, shop: Shop):
    """The user the link signs in on `shop`, or None (bad signature, expired, other shop, used, no role)."""
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age())
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("s") != shop.pk or not isinstance(data.get("n"), str):
        return None
    key = _nonce_key(data["n"])
    issued_for = cache.get(key)
    # Burn the issued nonce first: of two concurrent redemptions only one DEL removes the key.
    if issued_for != f"{data.get('u')}:{shop.pk}" or not cache.delete(key):
        return None
    user = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or membership_role(user=user, shop=shop) is None:
        return None
    return user
