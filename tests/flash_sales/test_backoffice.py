"""Back office (group 营销): a session is created with its items typed in 元 through the service, refusals come
back on the form with nothing created, statuses change through actions, stats show what sold."""

from datetime import timedelta

from django.utils import timezone

from shared_apps.tenancy.models import MembershipRole
from tenant_apps.flash_sales.models import FlashSale
from tests.conftest import host_client, staff_of

from .conftest import buy, create_sale, in_shop

ADD = "/admin/flash_sales/flashsale/add/"


def form(catalog, price: str = "99.00", stock: str = "5") -> dict:
    start = timezone.localtime() + timedelta(hours=1)
    data = {
        "title": "20 点场",
        "starts_at_0": start.strftime("%Y-%m-%d"),
        "starts_at_1": start.strftime("%H:%M:%S"),
        "ends_at_0": (start + timedelta(hours=2)).strftime("%Y-%m-%d"),
        "ends_at_1": (start + timedelta(hours=2)).strftime("%H:%M:%S"),
        "pay_within_minutes": "5",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-sku_id": str(catalog.tea.pk),
        "items-0-price_amount": price,
        "items-0-stock": stock,
        "items-0-per_member_limit": "1",
        "items-0-per_order_limit": "1",
    }
    return data


def test_the_merchant_creates_a_session_in_yuan(shop_a, catalog_a, owner_a):
    client = host_client(shop_a)
    client.force_login(owner_a)
    assert client.get(ADD).status_code == 200

    response = client.post(ADD, form(catalog_a))

    assert response.status_code == 302, response.content.decode()[-3000:]
    sale = in_shop(shop_a, lambda: FlashSale.objects.get())
    item = in_shop(shop_a, lambda: sale.items.get())
    assert (sale.status, item.price_amount, item.stock, item.normal_price_amount) == ("draft", 9900, 5, 12900)


def test_a_refusal_comes_back_on_the_form_and_nothing_is_created(shop_a, catalog_a, owner_a):
    client = host_client(shop_a)
    client.force_login(owner_a)

    above = client.post(ADD, form(catalog_a, price="130.00"))
    too_many = client.post(ADD, form(catalog_a, stock="11"))

    assert above.status_code == 200 and "秒杀价不能高于原价" in above.content.decode()
    assert too_many.status_code == 200 and "秒杀库存不能超过商品实际库存" in too_many.content.decode()
    assert in_shop(shop_a, lambda: FlashSale.objects.count()) == 0


def test_actions_change_the_status_and_stats_show_what_sold(shop_a, catalog_a, owner_a, buyer_a):
    sale = create_sale(shop_a, [catalog_a.tea])
    buy(buyer_a, sale, catalog_a.tea)
    client = host_client(shop_a)
    client.force_login(owner_a)

    listing = client.get("/admin/flash_sales/flashsale/").content.decode()
    change = client.get(f"/admin/flash_sales/flashsale/{sale.pk}/change/").content.decode()
    assert "1 / 5" in listing and "¥99.00" in change and "20%" in change
    assert client.get("/admin/flash_sales/flashsaleparticipation/").status_code == 200

    client.post("/admin/flash_sales/flashsale/", {"action": "action_pause", "_selected_action": [str(sale.pk)]})
    assert in_shop(shop_a, lambda: FlashSale.objects.get().status) == "paused"
    client.post("/admin/flash_sales/flashsale/", {"action": "action_publish", "_selected_action": [str(sale.pk)]})
    assert in_shop(shop_a, lambda: FlashSale.objects.get().status) == "paused"  # refused: shown as an error


def test_staff_without_marketing_permission_cannot_add(shop_a, catalog_a):
    client = host_client(shop_a)
    client.force_login(staff_of(shop_a, MembershipRole.STAFF))

    assert client.get("/admin/flash_sales/flashsale/").status_code == 200
    assert client.post(ADD, form(catalog_a)).status_code == 403
    assert in_shop(shop_a, lambda: FlashSale.objects.count()) == 0
