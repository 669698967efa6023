"""Back office (shop host /admin/): ship part of an order, review after-sales (approve / reject / receive)."""

from shared_apps.tenancy.models import MembershipRole
from tenant_apps.orders.models import AfterSale, Shipment
from tests.conftest import host_client, staff_of

from .conftest import ask, in_shop, order_row, paid_order, ship


def signed_in(shop, user):
    client = host_client(shop)
    client.force_login(user)
    return client


def test_back_office_ships_some_lines_then_the_rest(shop_a, catalog_a, buyer_a, owner_a):
    order = paid_order(buyer_a, (catalog_a.tea.pk, 2), (catalog_a.cup.pk, 1))
    tea, cup = order["lines"]
    client = signed_in(shop_a, owner_a)
    url = f"/admin/orders/order/{order['id']}/ship/"

    form = client.get(url)
    partial = client.post(url, {"carrier": "sto", "tracking_number": "ST20261202", f"line_{tea['id']}": 2,
                                f"line_{cup['id']}": 0})  # fmt: skip
    bad = client.post(url, {"carrier": "sto", "tracking_number": "?", f"line_{cup['id']}": 1})
    rest = client.post(url, {"carrier": "sto", "tracking_number": "ST20261203", f"line_{cup['id']}": 1})

    assert form.status_code == 200 and "西湖龙井" in form.content.decode()
    assert partial.status_code == 302
    assert bad.status_code == 200 and "tracking_number" in bad.content.decode()
    assert rest.status_code == 302
    assert order_row(shop_a, order["id"]).status == "shipped"
    assert in_shop(shop_a, lambda: list(Shipment.objects.values_list("tracking_number", flat=True))) == [
        "ST20261202", "ST20261203",
    ]  # fmt: skip
    detail = client.get(f"/admin/orders/order/{order['id']}/change/").content.decode()
    assert "ST20261202" in detail and "申通快递" in detail


def test_finance_cannot_ship_or_decide_in_the_back_office(shop_a, catalog_a, buyer_a):
    order = paid_order(buyer_a, (catalog_a.tea.pk, 1))
    aftersale = ask(buyer_a, order["id"], "refund", (order["lines"][0]["id"], 1)).json()
    client = signed_in(shop_a, staff_of(shop_a, MembershipRole.FINANCE))

    shipped = client.post(f"/admin/orders/order/{order['id']}/ship/", {"carrier": "sf", "tracking_number": "SF12345"})
    approved = client.post(f"/admin/orders/aftersale/{aftersale['id']}/review/", {"action": "approve"})

    assert (shipped.status_code, approved.status_code) == (403, 403)
    assert in_shop(shop_a, Shipment.objects.count) == 0
    assert in_shop(shop_a, lambda: AfterSale.objects.get().status) == "requested"


def test_back_office_reviews_after_sales(shop_a, catalog_a, buyer_a, owner_a, manager_a):
    order = paid_order(buyer_a, (catalog_a.tea.pk, 3))
    line = order["lines"][0]["id"]
    refund = ask(buyer_a, order["id"], "refund", (line, 1)).json()
    rejected = ask(buyer_a, order["id"], "refund", (line, 1)).json()
    client = signed_in(shop_a, owner_a)

    listing_response = client.get("/admin/orders/aftersale/?status__exact=requested")
    listing = listing_response.content.decode()
    page = client.get(f"/admin/orders/aftersale/{refund['id']}/review/")
    approved = client.post(f"/admin/orders/aftersale/{refund['id']}/review/", {"action": "approve"})
    no_reason = client.post(f"/admin/orders/aftersale/{rejected['id']}/review/", {"action": "reject", "reason": ""})
    with_reason = client.post(
        f"/admin/orders/aftersale/{rejected['id']}/review/", {"action": "reject", "reason": "已发出"}
    )

    assert "¥129.00" in listing
    assert page.status_code == 200
    assert approved.status_code == 302
    assert no_reason.status_code == 200
    assert with_reason.status_code == 302
    statuses = in_shop(shop_a, lambda: dict(AfterSale.objects.values_list("pk", "status")))
    assert (statuses[refund["id"]], statuses[rejected["id"]]) == ("refunded", "rejected")
    assert order_row(shop_a, order["id"]).refunded_amount == 12900
    ship(manager_a, order["id"])
    returned = ask(buyer_a, order["id"], "return_refund", (line, 1)).json()
    client.post(f"/admin/orders/aftersale/{returned['id']}/review/", {"action": "approve"})
    received = client.post(f"/admin/orders/aftersale/{returned['id']}/review/", {"action": "receive"})
    assert received.status_code == 302
    assert order_row(shop_a, order["id"]).refunded_amount == 25800
