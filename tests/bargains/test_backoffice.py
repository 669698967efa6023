"""Back office (砍价): the merchant creates a bargain with its floor price in 元 through the service, bad values come
back on the form and change nothing; the sessions screen shows prices in 元 and the helpers."""

from datetime import timedelta

from django.utils import timezone

from tenant_apps.bargains.models import Bargain
from tests.conftest import host_client

from .conftest import help_, in_shop, start


def form(catalog, **overrides) -> dict:
    now = timezone.localtime()
    data = {
        "title": "后台砍价", "sku_id": str(catalog.tea.pk), "floor_price_amount": "99.00", "helpers_needed": "3",
        "hours": "24", "cut_mode": "random", "per_helper_limit": "0", "stock": "5",
        "starts_at_0": f"{now:%Y-%m-%d}", "starts_at_1": f"{now:%H:%M:%S}",
        "ends_at_0": f"{now + timedelta(days=2):%Y-%m-%d}", "ends_at_1": f"{now:%H:%M:%S}",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_create_in_yuan_and_bad_values_come_back_on_the_form(bg_shop, catalog_a, owner_a):
    client = host_client(bg_shop)
    client.force_login(owner_a)
    assert client.get("/admin/bargains/bargain/add/").status_code == 200
    refused = client.post("/admin/bargains/bargain/add/", form(catalog_a, floor_price_amount="200.00"))
    assert refused.status_code == 200 and "底价必须低于 SKU 售价" in refused.content.decode()
    assert in_shop(bg_shop, lambda: Bargain.objects.count()) == 0
    saved = client.post("/admin/bargains/bargain/add/", form(catalog_a))
    assert saved.status_code == 302, saved.content.decode()[:2000]
    activity = in_shop(bg_shop, lambda: Bargain.objects.get())
    assert (activity.floor_price_amount, activity.stock, activity.status) == (9900, 5, "draft")
    listed = client.get("/admin/bargains/bargain/").content.decode()
    assert "后台砍价" in listed and "¥99.00" in listed


def test_sessions_screen(bg_shop, catalog_a, bargain, buyer_a, buyer_a2, owner_a):
    sid = start(buyer_a, bargain.pk).json()["id"]
    assert help_(buyer_a2, sid).status_code == 200
    client = host_client(bg_shop)
    client.force_login(owner_a)
    listed = client.get("/admin/bargains/bargainsession/").content.decode()
    assert "¥129.00" in listed and "1 / 3" in listed and "砍价中" in listed
    assert client.get(f"/admin/bargains/bargainsession/{sid}/change/").status_code == 200
