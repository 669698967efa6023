"""Orders fixtures: an active catalog, members with tokens and addresses, helpers to place and read orders."""

from dataclasses import dataclass

import pytest
from django_tenants.utils import tenant_context

from tenant_apps.catalog.models import Product, ProductStatus, Sku, StockAdjustment, StockReason
from tenant_apps.checkout.models import Address
from tenant_apps.members.models import Member
from tenant_apps.members.services import issue_member_token
from tests.conftest import host_client


def in_shop(shop, fn):
    with tenant_context(shop):
        return fn()


@dataclass
class Catalog:
    tea: Sku  # ¥129.00, stock 10
    cup: Sku  # ¥35.50, stock 3


def make_catalog(shop, *, tea_stock: int = 10, cup_stock: int = 3, prefix: str = "") -> Catalog:
    def build():
        tea = Product.objects.create(title="西湖龙井", status=ProductStatus.ACTIVE, min_price_amount=12900)
        cup = Product.objects.create(title="玻璃杯", status=ProductStatus.ACTIVE, min_price_amount=3550)
        skus = Catalog(
            tea=Sku.objects.create(
                product=tea, code=f"{prefix}TEA-250", specs={"规格": "250g"}, price_amount=12900, stock=tea_stock
            ),
            cup=Sku.objects.create(product=cup, code=f"{prefix}CUP", price_amount=3550, stock=cup_stock),
        )
        StockAdjustment.objects.bulk_create(
            StockAdjustment(sku=sku, delta=sku.stock, reason=StockReason.INITIAL, stock_after=sku.stock)
            for sku in (skus.tea, skus.cup)
        )
        return skus

    return in_shop(shop, build)


@dataclass
class Buyer:
    member: Member
    token: str
    address_id: int
    client: object


def make_address(member, **fields) -> int:
    return Address.objects.create(
        member=member, name="张三", phone="13800138000", province="浙江", city="杭州市", district="西湖区",
        line1="文三路 1 号", postal_code="310000", **fields,
    ).pk  # fmt: skip


def make_buyer(shop, login: str) -> Buyer:
    def build():
        field = "phone" if login.isdigit() else "email"
        member = Member.objects.create(**{field: login}, password="!")
        return member, issue_member_token(member=member), make_address(member)

    member, token, address_id = in_shop(shop, build)
    return Buyer(member, token, address_id, host_client(shop, token))


@pytest.fixture
def catalog_a(shop_a) -> Catalog:
    return make_catalog(shop_a)


@pytest.fixture
def catalog_b(shop_b) -> Catalog:
    return make_catalog(shop_b, prefix="B-")


@pytest.fixture
def buyer_a(shop_a) -> Buyer:
    return make_buyer(shop_a, "13900000001")


@pytest.fixture
def buyer_a2(shop_a) -> Buyer:
    return make_buyer(shop_a, "second@example.com")


@pytest.fixture
def buyer_b(shop_b) -> Buyer:
    return make_buyer(shop_b, "13900000009")


def order_body(buyer: Buyer, *items: tuple[int, int], **extra) -> dict:
    return {"items": [{"sku_id": s, "quantity": q} for s, q in items], "address_id": buyer.address_id, **extra}


def place(buyer: Buyer, *items: tuple[int, int], **extra):
    return buyer.client.post(
        "/api/v1/store/orders", order_body(buyer, *items, **extra), content_type="application/json"
    )


def stock_of(shop, sku: Sku) -> int:
    return in_shop(shop, lambda: Sku.objects.get(pk=sku.pk).stock)


@pytest.fixture
def celery_eager():
    from micromall.celery import app

    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _empty_deadline_index():
    """The due-shops index is a raw Redis key (not a cache entry) and sold-out memos live in the process:
    start every test without them."""
    from django_redis import get_redis_connection

    from tenant_apps.orders.deadlines import _key
    from tenant_apps.orders.services import placing

    get_redis_connection("default").delete(_key())
    placing._sold_out.clear()  # ids are reused between tests (rolled back or truncated)
    placing._noted_deadlines.clear()
    yield
