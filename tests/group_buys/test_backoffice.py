"""Back office (group 拼团): the merchant creates an activity with an item in 元 through the service, bad values
come back on the form and change nothing; the groups and members screens list what happened."""

from datetime import timedelta

from django.utils import timezone

from tenant_apps.group_buys.models import GroupBuy
from tests.conftest import host_client

from .conftest import buy, in_shop


def form(catalog, **overrides) -> dict:
    now = timezone.localtime()
    data = {
        "title": "后台两人团", "starts_at_0": f"{now:%Y-%m-%d}", "starts_at_1": f"{now:%H:%M:%S}",
        "ends_at_0": f"{now + timedelta(days=2):%Y-%m-%d}", "ends_at_1": f"{now:%H:%M:%S}", "group_size": "2",
        "hours_to_form": "24", "per_order_limit": "0", "per_member_limit": "0", "leader_discount_amount": "5.00",
        "autofill_percent": "0",
        "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "1000",
        "items-0-sku_id": str(catalog.tea.pk), "items-0-price_amount": "99.00", "items-0-stock": "5",
        "items-0-ladder_text": "3=89.00",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_create_in_yuan_and_bad_values_come_back_on_the_form(gb_shop, catalog_a, owner_a):
    client = host_client(gb_shop)
    client.force_login(owner_a)
    assert client.get("/admin/group_buys/groupbuy/add/").status_code == 200

    refused = client.post("/admin/group_buys/groupbuy/add/", form(catalog_a, **{"items-0-price_amount": "999.00"}))
    assert refused.status_code == 200 and "拼团价不能高于 SKU 售价" in refused.content.decode()
    assert in_shop(gb_shop, lambda: GroupBuy.objects.count()) == 0

    saved = client.post("/admin/group_buys/groupbuy/add/", form(catalog_a))
    assert saved.status_code == 302, saved.content.decode()[:2000]
    activity = in_shop(gb_shop, lambda: GroupBuy.objects.get())
    item = in_shop(gb_shop, lambda: activity.items.get())
    assert (activity.leader_discount_amount, item.price_amount, item.ladder) == (
        500, 9900, [{"group_size": 3, "price_amount": 8900}]
    )  # fmt: skip
    assert "后台两人团" in client.get("/admin/group_buys/groupbuy/").content.decode()


def test_groups_and_members_screens(gb_shop, catalog_a, group_buy, buyer_a, owner_a):
    order = buy(gb_shop, buyer_a, catalog_a.tea.pk, group_buy.pk)
    client = host_client(gb_shop)
    client.force_login(owner_a)
    groups = client.get("/admin/group_buys/group/").content.decode()
    assert "拼团中" in groups and "1 / 2" in groups
    assert order["number"] in client.get("/admin/group_buys/participation/").content.decode()
    assert client.get(f"/admin/group_buys/group/{order['group_id']}/change/").status_code == 200
