"""E-mails on paid, shipped and after-sales decisions: event subscribers, zh-Hans, once per event and recipient."""

from django_tenants.utils import tenant_context

from shared_apps.tenancy.models import MembershipRole
from tenant_apps.events.models import OutboxEvent
from tenant_apps.events.services import deliver_event
from tenant_apps.notifications.models import SentNotice
from tests.aftersales.conftest import ask, decide, paid_order, ship
from tests.conftest import staff_of
from tests.orders.conftest import in_shop


def deliver_all(shop) -> None:
    """Run the events drain for every event now (what the Celery task does right after commit)."""
    with tenant_context(shop):
        for event_id in OutboxEvent.objects.order_by("created").values_list("id", flat=True):
            deliver_event(event_id=event_id)


def test_paid_and_shipped_mail_the_shopper_and_staff_in_chinese(shop_a, catalog_a, buyer_a2, manager_a, mailoutbox):
    owner, finance = staff_of(shop_a), staff_of(shop_a, MembershipRole.FINANCE)
    order = paid_order(buyer_a2, (catalog_a.tea.pk, 1))  # buyer_a2 signs in with an e-mail address
    ship(manager_a, order["id"], carrier="sf", tracking_number="SF1234567890")

    deliver_all(shop_a)
    deliver_all(shop_a)  # redelivery sends nothing twice

    to_shopper = [m for m in mailoutbox if m.to == ["second@example.com"]]
    to_owner = [m for m in mailoutbox if m.to == [owner.email]]
    assert [m.subject for m in to_shopper] == [
        f"Shop alpha：订单 {order['number']} 已付款",
        f"Shop alpha：订单 {order['number']} 已发货",
    ]
    assert "顺丰速运，运单号 SF1234567890" in to_shopper[1].body
    assert to_owner[0].subject == f"新的已付款订单 {order['number']}"
    assert "¥129.00" in to_owner[0].body
    assert not [m for m in mailoutbox if m.to == [finance.email]]
    assert in_shop(shop_a, SentNotice.objects.count) == len(mailoutbox)


def test_a_phone_login_shopper_gets_no_mail_and_staff_still_do(shop_a, catalog_a, buyer_a, mailoutbox):
    owner = staff_of(shop_a)
    paid_order(buyer_a, (catalog_a.tea.pk, 1))

    deliver_all(shop_a)

    assert [m.to for m in mailoutbox] == [[owner.email]]


def test_after_sales_decisions_are_mailed(shop_a, catalog_a, buyer_a2, manager_a, mailoutbox):
    order = paid_order(buyer_a2, (catalog_a.tea.pk, 2))
    line = order["lines"][0]["id"]
    approved = ask(buyer_a2, order["id"], "refund", (line, 1)).json()
    rejected = ask(buyer_a2, order["id"], "refund", (line, 1)).json()
    decide(manager_a, approved["id"], "approve")
    decide(manager_a, rejected["id"], "reject", {"reason": "商品已打包"})
    mailoutbox.clear()

    deliver_all(shop_a)

    bodies = [m.body.strip() for m in mailoutbox if m.to == ["second@example.com"] and "售后" in m.subject]
    assert bodies == [
        f"订单 {order['number']} 的售后申请已通过。\n退款 ¥129.00，将原路退回。",
        f"订单 {order['number']} 的售后申请未通过：商品已打包",
    ]


def test_a_handler_run_twice_for_one_event_mails_each_recipient_once(shop_a, buyer_a2, mailoutbox):
    import uuid

    from django.utils import timezone

    from tenant_apps.events.interface import Event
    from tenant_apps.notifications.handlers import order_shipped

    owner = staff_of(shop_a)
    event = Event(
        id=uuid.uuid4(), name="order.shipped", created=timezone.now(),
        payload={"order_id": 1, "order_number": "20261202000009", "member_id": buyer_a2.member.pk,
                 "carrier": "ems", "tracking_number": "EMS12345", "fully_shipped": True},
    )  # fmt: skip

    in_shop(shop_a, lambda: order_shipped(event))
    in_shop(shop_a, lambda: order_shipped(event))  # the drain redelivers after a crash before its Delivery row

    assert sorted(m.to[0] for m in mailoutbox) == sorted(["second@example.com", owner.email])
    assert "EMS，运单号 EMS12345" in mailoutbox[0].body
