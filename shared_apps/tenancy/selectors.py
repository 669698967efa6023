"""Reads of the control plane: which shop a host serves, who may manage it."""

import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction

from .models import Domain, Shop, ShopMembership


@dataclass(frozen=True)
class HostEntry:
    shop: Shop | None  # None: the host is known to serve nothing (negative cache)


_local: dict[str, tuple[float, HostEntry]] = {}
_MISSING = "-"


def host_cache_key(host: str) -> str:
    return f"shophost:{host}"


def _load(host: str) -> HostEntry:
    domain = Domain.objects.select_related("tenant").filter(domain=host).first()
    return HostEntry(shop=domain.tenant if domain else None)


def shop_for_host(host: str) -> Shop | None:
    """The shop serving `host`, or None. Two cache layers: per process (short TTL) and Redis.

    Writers call `forget_hosts` which clears Redis at once; processes notice within SHOP_HOST_LOCAL_TTL.
    """
    now = time.monotonic()
    hit = _local.get(host)
    if hit is not None and hit[0] > now:
        return hit[1].shop
    cached = cache.get(host_cache_key(host))
    if cached is None:
        entry = _load(host)
        cache.set(host_cache_key(host), entry.shop if entry.shop else _MISSING, settings.SHOP_HOST_CACHE_TTL)
    else:
        entry = HostEntry(shop=None if cached == _MISSING else cached)
    if len(_local) > 10_000:
        _local.clear()
    _local[host] = (now + settings.SHOP_HOST_LOCAL_TTL, entry)
    return entry.shop


def forget_hosts(hosts: list[str]) -> None:
    """Drop cached host entries now and, inside a transaction, again once it commits.

    The second pass matters: a request landing between now and the commit would re-cache the old answer.
    """
    hosts = list(hosts)
    _forget(hosts)
    if connection.in_atomic_block:
        transaction.on_commit(lambda: _forget(hosts))


def _forget(hosts: list[str]) -> None:
    cache.delete_many([host_cache_key(h) for h in hosts])
    for host in hosts:
        _local.pop(host, None)


def shop_hosts(shop: Shop) -> list[str]:
    return list(shop.domains.values_list("domain", flat=True))


def shop_url(shop: Shop, path: str = "/") -> str:
    """Absolute URL on the shop's primary host (custom domain when one is primary)."""
    domain = shop.domains.filter(is_primary=True).values_list("domain", flat=True).first()
    host = domain or f"{shop.subdomain}.{settings.ROOT_DOMAIN}"
    return absolute_url(host, path)


def absolute_url(host: str, path: str = "/") -> str:
    port = settings.SITE_PORT
    default_port = {"http": "80", "https": "443"}[settings.SITE_SCHEME]
    suffix = f":{port}" if port and port != default_port and not _is_custom_public(host) else ""
    return f"{settings.SITE_SCHEME}://{host}{suffix}{path}"


def _is_custom_public(host: str) -> bool:
    return not (host == settings.ROOT_DOMAIN or host.endswith("." + settings.ROOT_DOMAIN))


def membership_role(*, user, shop: Shop) -> str | None:
    # A template's live demo is read-only for everyone: no role, so no merchant API or back-office writes.
    if not getattr(user, "is_authenticated", False) or shop.is_demo:
        return None
    role = ShopMembership.objects.filter(user=user, shop=shop).values_list("role", flat=True).first()
    if role is None and shop.agency_id:
        # An agency's members reach its client shops with the role the agency grants them (same names).
        from shared_apps.agencies.interface import agency_role

        role = agency_role(user=user, agency_id=shop.agency_id)
    return role


def shops_for_user(user) -> list[ShopMembership]:
    """Direct memberships, plus the client shops of the user's agencies (unsaved memberships with the agency role)."""
    from shared_apps.agencies.interface import agency_roles_of

    direct = list(ShopMembership.objects.filter(user=user).select_related("shop", "shop__agency").order_by("shop_id"))
    seen = {membership.shop_id for membership in direct}
    roles = agency_roles_of(user=user)
    if roles:
        client_shops = Shop.objects.filter(agency_id__in=roles, is_demo=False).select_related("agency")
        direct += [
            ShopMembership(shop=shop, user=user, role=roles[shop.agency_id])
            for shop in client_shops.exclude(pk__in=seen)
        ]
    return sorted(direct, key=lambda membership: membership.shop_id)


def shop_staff_emails(shop: Shop, roles: Iterable[str]) -> list[str]:
    """E-mail addresses of the shop's active staff with one of `roles` (e.g. for stock alerts)."""
    return list(
        ShopMembership.objects.filter(shop=shop, role__in=list(roles), user__is_active=True)
        .order_by("user_id")
        .values_list("user__email", flat=True)
    )


def user_labels(user_ids: Iterable[int | None]) -> dict[int, str]:
    """{platform user id: "name (email)" or the email}: how screens name who did something, never by id.

    Ids of deleted users are left out (the caller shows its own placeholder)."""
    ids = {int(user_id) for user_id in user_ids if user_id is not None}
    if not ids:
        return {}
    rows = get_user_model().objects.filter(pk__in=ids).values_list("pk", "name", "email")
    return {pk: f"{name} ({email})" if name else email for pk, name, email in rows}
