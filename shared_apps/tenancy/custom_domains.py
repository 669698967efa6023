"""Custom domains: attach, verify (then it routes), make primary, detach. Public schema writers."""

import re
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import domain_checks
from .models import CustomDomain, CustomDomainStatus, Domain, Shop
from .selectors import forget_hosts, shop_hosts
from .validators import is_ip_address

LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class DomainError(Exception):
    """A user-facing refusal (bilingual message)."""


def normalize_domain(value: str) -> str:
    domain = value.strip().lower().rstrip(".")
    if domain.startswith(("http://", "https://")) or "/" in domain or ":" in domain:
        raise DomainError("只填写域名，例如 shop.example.com。Enter a bare domain such as shop.example.com.")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise DomainError("域名无效。This is not a valid domain.") from exc
    labels = domain.split(".")
    if len(domain) > 253 or len(labels) < 2 or not all(LABEL_RE.match(label) for label in labels):
        raise DomainError("域名无效。This is not a valid domain.")
    if is_ip_address(domain):
        raise DomainError("请使用域名而不是 IP 地址。Use a domain name, not an IP address.")
    root = settings.ROOT_DOMAIN
    if domain == root or domain.endswith("." + root):
        raise DomainError("平台的域名不能作为自定义域名。The platform's own domain cannot be attached.")
    return domain


def attach_domain(*, shop: Shop, domain: str) -> CustomDomain:
    domain = normalize_domain(domain)
    if shop.is_demo:
        raise DomainError("演示店铺不能修改。Demo shops are read-only.")
    if Domain.objects.filter(domain=domain).exists():
        raise DomainError("这个域名已被使用。This domain is already in use.")
    try:
        with transaction.atomic():
            return CustomDomain.objects.create(shop=shop, domain=domain, token=secrets.token_urlsafe(24))
    except IntegrityError as exc:
        raise DomainError("这个域名已添加。This domain is already attached to this shop.") from exc


def verify_domain(*, custom: CustomDomain) -> CustomDomain:
    """Check the token over HTTP or DNS; on success the domain gets a Domain row and starts routing."""
    if custom.status == CustomDomainStatus.VERIFIED:
        return custom
    try:
        domain_checks.verify(custom.domain, custom.token)
    except domain_checks.CheckFailed as exc:
        CustomDomain.objects.filter(pk=custom.pk).update(last_check_error=str(exc)[:300])
        custom.last_check_error = str(exc)[:300]
        raise DomainError(f"还没有找到验证信息。Verification not found yet: {custom.last_check_error}") from exc
    with transaction.atomic():
        locked = CustomDomain.objects.select_for_update().get(pk=custom.pk)
        if locked.status != CustomDomainStatus.VERIFIED:
            try:
                with transaction.atomic():
                    Domain.objects.create(domain=locked.domain, tenant_id=locked.shop_id, is_primary=False)
            except IntegrityError as exc:
                raise DomainError("这个域名已被使用。This domain is already in use.") from exc
            locked.status = CustomDomainStatus.VERIFIED
            locked.verified_at = timezone.now()
            locked.last_check_error = ""
            locked.save(update_fields=["status", "verified_at", "last_check_error"])
            # Other shops' pending claims on this domain lost: it now routes to this shop.
            CustomDomain.objects.filter(domain=locked.domain).exclude(pk=locked.pk).delete()
    forget_hosts([locked.domain])  # also the negative cache entry of a host that served nothing so far
    return locked


def make_primary(*, custom: CustomDomain) -> CustomDomain:
    """Generated links (shop_url) use the primary host."""
    if custom.status != CustomDomainStatus.VERIFIED:
        raise DomainError("域名验证后才能设为主域名。Verify the domain before making it primary.")
    _set_primary(shop=custom.shop, domain=custom.domain)
    return custom


def make_subdomain_primary(*, shop: Shop) -> None:
    _set_primary(shop=shop, domain=f"{shop.subdomain}.{settings.ROOT_DOMAIN}")


def _set_primary(*, shop: Shop, domain: str) -> None:
    with transaction.atomic():
        rows = Domain.objects.select_for_update().filter(tenant=shop)
        list(rows)
        rows.exclude(domain=domain).update(is_primary=False)
        rows.filter(domain=domain).update(is_primary=True)
    forget_hosts(shop_hosts(shop))


def detach_domain(*, custom: CustomDomain) -> None:
    shop = custom.shop
    with transaction.atomic():
        was_primary = Domain.objects.filter(domain=custom.domain, tenant=shop, is_primary=True).exists()
        Domain.objects.filter(domain=custom.domain, tenant=shop).delete()
        custom.delete()
        if was_primary:
            make_subdomain_primary(shop=shop)
    forget_hosts([custom.domain])


def shop_domains(shop: Shop) -> list[CustomDomain]:
    return list(CustomDomain.objects.filter(shop=shop))


def primary_host(shop: Shop) -> str | None:
    return Domain.objects.filter(tenant=shop, is_primary=True).values_list("domain", flat=True).first()
