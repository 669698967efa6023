"""Binding at the first order through a share link: the storefront's `ref` cookie (or `ref` in the body) is kept
on the order, rides on its events, and distribution binds an unbound buyer when order.paid arrives (first touch),
so the distributor earns on that very order. Never a cycle, even when two members bind to each other at once."""

import threading

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from micromall.errors import Invalid
from tenant_apps.distribution import services
from tenant_apps.distribution.models import Binding, CommissionEntry, DistributionSettings, Distributor
from tenant_apps.events.models import OutboxEvent
from tenant_apps.members.models import Member
from tenant_apps.orders.models import Order

from .conftest import distributor, drain, in_shop, member


def place(buyer, *items, ref=None, cookie=None):
    body = {"items": [{"sku_id": s, "quantity": q} for s, q in items], "address_id": buyer.address_id}
    if ref is not None:
        body["ref"] = ref
    if cookie is not None:
        buyer.client.cookies["ref"] = cookie
    response = buyer.client.post("/api/v1/store/orders", body, content_type="application/json")
    buyer.client.cookies.pop("ref", None)
    return response


def pay(shop, buyer, order_id):
    paid = buyer.client.post(
        f"/api/v1/store/orders/{order_id}/pay", {"method": "test"}, content_type="application/json"
    )
    assert paid.status_code == 200, paid.content
    drain(shop)


def binding_of(shop, buyer):
    return in_shop(
        shop,
        lambda: Binding.objects.filter(member=buyer.member).values_list("distributor__code", "source").first(),
    )


def commission(shop, order_id):
    return in_shop(
        shop,
        lambda: list(
            CommissionEntry.objects.filter(order_id=order_id)
            .order_by("level")
            .values_list("level", "distributor__code", "amount")
        ),
    )


def test_first_order_through_the_link_cookie_binds_and_earns(dist_a, catalog_a):
    _, code = distributor(dist_a, "13600000001")
    _, other = distributor(dist_a, "13600000002")
    shopper = member(dist_a, "13600000003")  # registered without a link

    placed = place(shopper, (catalog_a.tea.pk, 1), cookie=code)
    assert placed.status_code == 201, placed.content
    order_id = placed.json()["id"]
    assert in_shop(dist_a, lambda: Order.objects.get(pk=order_id).ref_code) == code
    drain(dist_a)
    assert binding_of(dist_a, shopper) is None  # placed, not paid: nobody is bound by an abandoned order

    pay(dist_a, shopper, order_id)
    paid_event = in_shop(dist_a, lambda: OutboxEvent.objects.get(name="order.paid", payload__order_id=order_id))
    assert paid_event.payload["ref"] == code
    assert binding_of(dist_a, shopper) == (code, "order")
    assert commission(dist_a, order_id) == [(1, code, 1290)]  # 10 % of 12900, on this first order

    # First touch: a later order through another distributor's link changes nothing.
    second = place(shopper, (catalog_a.cup.pk, 1), ref=other).json()["id"]
    pay(dist_a, shopper, second)
    assert binding_of(dist_a, shopper) == (code, "order")
    assert commission(dist_a, second) == [(1, code, 355)]


def test_ref_in_the_body_wins_over_the_cookie(dist_a, catalog_a):
    _, code = distributor(dist_a, "13600000011")
    _, cookie_code = distributor(dist_a, "13600000012")
    shopper = member(dist_a, "13600000013")
    order_id = place(shopper, (catalog_a.tea.pk, 1), ref=code, cookie=cookie_code).json()["id"]
    pay(dist_a, shopper, order_id)
    assert binding_of(dist_a, shopper) == (code, "order")


def test_a_malformed_ref_is_400_in_the_body_and_ignored_in_a_cookie(dist_a, catalog_a):
    shopper = member(dist_a, "13600000021")
    refused = place(shopper, (catalog_a.tea.pk, 1), ref="<script>")
    assert refused.status_code == 400
    assert "ref" in refused.json()["errors"]
    assert in_shop(dist_a, Order.objects.count) == 0

    placed = place(shopper, (catalog_a.tea.pk, 1), cookie="not a code!")
    assert placed.status_code == 201
    assert in_shop(dist_a, lambda: Order.objects.get().ref_code) == ""


def test_codes_that_cannot_bind_never_block_the_purchase(dist_a, dist_b, catalog_a):
    """Unknown, foreign, unapproved, one's own and one's downline's codes: the order is placed and paid, nobody
    is bound, nothing is earned (self-purchase off)."""
    top, top_code = distributor(dist_a, "13600000031")
    _, down_code = distributor(dist_a, "13600000032", ref=top_code)  # bound under `top`
    _, foreign_code = distributor(dist_b, "13600000033")
    pending_buyer = member(dist_a, "13600000034")

    def unapproved():
        d = Distributor.objects.get(member=pending_buyer.member)
        d.status = "pending"
        d.save()
        return d.code

    pending_buyer.client.post("/api/v1/store/distribution/apply")
    pending_code = in_shop(dist_a, unapproved)
    shopper = member(dist_a, "13600000035")

    for buyer, code in (
        (shopper, "ZZZZ9999"),
        (shopper, foreign_code),
        (shopper, pending_code),
        (top, top_code),  # one's own link
        (top, down_code),  # one's own downline: a cycle
    ):
        placed = place(buyer, (catalog_a.tea.pk, 1), cookie=code)
        assert placed.status_code == 201, (code, placed.content)
        pay(dist_a, buyer, placed.json()["id"])
        assert binding_of(dist_a, buyer) is None, code
        assert commission(dist_a, placed.json()["id"]) == [], code


def test_binding_on_paid_is_idempotent_and_keeps_a_registration_binding(dist_a, catalog_a):
    _, first = distributor(dist_a, "13600000041")
    _, second = distributor(dist_a, "13600000042")
    shopper = member(dist_a, "13600000043", ref=first)  # bound at registration
    order_id = place(shopper, (catalog_a.tea.pk, 1), cookie=second).json()["id"]
    pay(dist_a, shopper, order_id)
    assert binding_of(dist_a, shopper) == (first, "register")
    payload = in_shop(dist_a, lambda: OutboxEvent.objects.get(name="order.paid", payload__order_id=order_id).payload)
    assert in_shop(dist_a, lambda: services.record_commission(payload=payload)) == 0  # delivered again: nothing
    assert commission(dist_a, order_id) == [(1, first, 1290)]


@pytest.mark.django_db(transaction=True)
def test_two_members_binding_to_each_other_at_once_never_make_a_cycle(shop):
    """Each takes the other's code at the same moment: the per-shop binding lock lets one through; the other
    then sees the cycle and is refused. Repeated to give a race without the lock every chance to show."""
    with tenant_context(shop):
        DistributionSettings.objects.create(pk=1, enabled=True, levels=2, rates_bps=[1000, 500])
    for round_ in range(5):
        with tenant_context(shop):
            a = Member.objects.create(phone=f"1370000{round_:02d}01", password="!")
            b = Member.objects.create(phone=f"1370000{round_:02d}02", password="!")
            code_a = Distributor.objects.create(member=a, code=f"RACEA{round_:03d}", status="approved").code
            code_b = Distributor.objects.create(member=b, code=f"RACEB{round_:03d}", status="approved").code
        bound, refused, barrier = [], [], threading.Barrier(2)

        def bind(who, code, bound=bound, refused=refused, barrier=barrier):
            try:
                with tenant_context(shop):
                    barrier.wait()
                    try:
                        services.bind(member=who, code=code, source="link")
                        bound.append(who.pk)
                    except Invalid:
                        refused.append(who.pk)
            finally:
                connection.close()

        threads = [threading.Thread(target=bind, args=(a, code_b)), threading.Thread(target=bind, args=(b, code_a))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert (len(bound), len(refused)) == (1, 1), round_
        with tenant_context(shop):
            assert Binding.objects.filter(member__in=[a, b]).count() == 1
