"""The outbox in the shop's back office: visible to the shop's staff only, failures shown, retry action."""

from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django_tenants.utils import tenant_context

from shared_apps.tenancy.models import MembershipRole, PendingEventsMark
from tenant_apps.events import services
from tenant_apps.events.interface import publish
from tenant_apps.events.models import EventStatus, OutboxEvent
from tests.conftest import staff_of
from tests.factories import PASSWORD

from . import handlers


def signed_in(shop, role=MembershipRole.OWNER) -> Client:
    user = staff_of(shop, role)
    client = Client(HTTP_HOST=f"{shop.subdomain}.localhost")
    assert client.post("/admin/login/", {"username": user.email, "password": PASSWORD}).status_code == 302
    return client


def failed_event(shop) -> OutboxEvent:
    cache.set(handlers.FAIL_KEY, ["tests.other"])
    with tenant_context(shop):
        with transaction.atomic():
            event_id = publish("test.ping", {"n": 1})
        services.deliver_event(event_id=event_id)
        return OutboxEvent.objects.get(pk=event_id)


def test_the_owner_sees_failed_events_and_retries_them(shop_a, effect_tables):
    event = failed_event(shop_a)
    client = signed_in(shop_a)

    page = client.get("/admin/events/outboxevent/")
    detail = client.get(f"/admin/events/outboxevent/{event.pk}/change/")
    assert (page.status_code, detail.status_code) == (200, 200)
    assert "test.ping" in page.content.decode()
    assert "tests.other: RuntimeError: tests.other is told to fail" in detail.content.decode()

    cache.delete(handlers.FAIL_KEY)
    PendingEventsMark.objects.all().delete()
    response = client.post(
        "/admin/events/outboxevent/", {"action": "retry", "_selected_action": [str(event.pk)]}, follow=True
    )
    assert response.status_code == 200
    with tenant_context(shop_a):
        event.refresh_from_db()
        assert (event.status, event.attempts) == (EventStatus.FAILED, 0)
        assert services.drain_due_events() == 1
        assert OutboxEvent.objects.get().status == EventStatus.DELIVERED
    assert list(PendingEventsMark.objects.values_list("shop_id", flat=True).distinct()) == [shop_a.pk]


def test_other_shops_staff_and_strangers_see_nothing(shop_a, shop_b, effect_tables):
    event = failed_event(shop_a)

    assert Client(HTTP_HOST="alpha.localhost").get("/admin/events/outboxevent/").status_code == 302  # to login
    other = signed_in(shop_b)
    assert other.get("/admin/events/outboxevent/").status_code == 200
    assert "test.ping" not in other.get("/admin/events/outboxevent/").content.decode()
    assert other.get(f"/admin/events/outboxevent/{event.pk}/change/").status_code == 302  # "does not exist"
    other.post("/admin/events/outboxevent/", {"action": "retry", "_selected_action": [str(event.pk)]})
    with tenant_context(shop_a):
        event.refresh_from_db()
        assert (event.status, event.attempts) == (EventStatus.FAILED, 1)
