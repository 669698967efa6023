"""Agencies: create, members, client shops with a consolidated invoice, one login over many shops, hand-over,
bulk actions with a per-shop result; bad input and other people's ids change nothing."""

from datetime import timedelta

from django.test import Client
from django_tenants.utils import tenant_context

from billing import services
from billing.models import BillingTransfer, Invoice, Subscription
from shared_apps.agencies.models import Agency, AgencyMembership
from shared_apps.tenancy.models import ShopMembership
from tests.factories import UserFactory

from .conftest import T0, api


def make_agency(owner, *shops) -> Agency:
    agency = Agency.objects.create(name="杭州代运营")
    AgencyMembership.objects.create(agency=agency, user=owner, role="owner")
    for shop in shops:
        shop.agency = agency
        shop.save(update_fields=["agency"])
    return agency


def test_create_agency_and_add_a_member(db):
    boss, colleague = UserFactory(), UserFactory(email="li@example.com")
    created = api(boss).post("/api/v1/agencies", {"name": "杭州代运营"}, content_type="application/json")
    assert created.status_code == 201
    agency_id = created.json()["id"]
    assert created.json() == {"id": agency_id, "name": "杭州代运营"}

    added = api(boss).post(
        f"/api/v1/agencies/{agency_id}/members",
        {"email": "LI@example.com", "role": "staff"},
        content_type="application/json",
    )
    assert added.status_code == 201
    assert added.json() == {
        "agency": agency_id,
        "user": {"id": colleague.pk, "email": "li@example.com"},
        "role": "staff",
    }
    # a staff member cannot add members; a stranger does not even see the agency; unknown emails are 400
    assert (
        api(colleague)
        .post(
            f"/api/v1/agencies/{agency_id}/members",
            {"email": boss.email, "role": "owner"},
            content_type="application/json",
        )
        .status_code
        == 403
    )
    assert (
        api(UserFactory())
        .post(
            f"/api/v1/agencies/{agency_id}/members",
            {"email": "li@example.com", "role": "admin"},
            content_type="application/json",
        )
        .status_code
        == 404
    )
    unknown = api(boss).post(
        f"/api/v1/agencies/{agency_id}/members",
        {"email": "nobody@example.com", "role": "admin"},
        content_type="application/json",
    )
    assert unknown.status_code == 400 and "email" in unknown.json()["errors"]
    assert list(AgencyMembership.objects.order_by("id").values_list("user__email", "role")) == [
        (boss.email, "owner"),
        ("li@example.com", "staff"),
    ]


def test_agency_dashboard_one_login_and_consolidated_invoice(shop_a, shop_b, owner_a):
    boss = UserFactory()
    agency = make_agency(boss, shop_a, shop_b)
    services.start_trial(shop=shop_a, now=T0)
    services.start_trial(shop=shop_b, now=T0)
    services.change_plan(shop=shop_b, plan_code="pro-monthly", now=T0)

    shops = api(boss).get(f"/api/v1/agencies/{agency.pk}/shops").json()
    assert shops == [
        {"id": shop_a.pk, "subdomain": "alpha", "status": "active", "plan": "basic-monthly", "gmv_amount_30d": 0},
        {"id": shop_b.pk, "subdomain": "beta", "status": "active", "plan": "pro-monthly", "gmv_amount_30d": 0},
    ]
    # one login lists the client shops with the role the agency grants
    mine = api(boss).get("/api/v1/shops").json()
    assert [(s["subdomain"], s["role"], s["agency"]) for s in mine] == [
        ("alpha", "owner", agency.pk),
        ("beta", "owner", agency.pk),
    ]
    assert api(UserFactory()).get(f"/api/v1/agencies/{agency.pk}/shops").status_code == 404

    run = services.run_billing(now=T0 + timedelta(days=14, hours=1))

    [invoice] = Invoice.objects.filter(pk__in=run.invoices)
    assert invoice.account.agency_id == agency.pk
    assert [(line.position, line.shop_id, line.kind, line.amount) for line in invoice.lines.all()] == [
        (1, shop_a.pk, "subscription", 9_900),
        (2, shop_b.pk, "subscription", 29_900),
    ]
    assert invoice.total_amount == 39_800
    # each shop's staff see the consolidated invoice, with their own shop's lines only; the agency pays it
    [seen] = api(owner_a).get(f"/api/v1/shops/{shop_a.pk}/invoices").json()
    assert (seen["number"], [(line["kind"], line["amount"]) for line in seen["lines"]]) == (
        invoice.number, [("subscription", 9_900)]
    )  # fmt: skip
    assert "Shop beta" not in str(seen)
    page = Client(HTTP_HOST="alpha.localhost")
    page.force_login(owner_a)
    body = page.get(f"/admin/billing/billingpage/invoice/{invoice.pk}/").content.decode()
    assert "¥99.00" in body and "Shop beta" not in body and "¥299.00" not in body
    # the agency's people, who run both shops, read the whole invoice
    [whole] = api(boss).get(f"/api/v1/shops/{shop_a.pk}/invoices").json()
    assert [line["amount"] for line in whole["lines"]] == [9_900, 29_900]


def test_transfer_hands_ownership_and_billing_to_the_client(shop_a, owner_a):
    boss, client = UserFactory(), UserFactory(email="client@example.com")
    agency = make_agency(boss, shop_a)
    ShopMembership.objects.filter(shop=shop_a).update(user=boss)  # the agency opened the shop
    shop_a.owner = boss
    shop_a.save(update_fields=["owner"])
    before = services.start_trial(shop=shop_a, now=T0)
    assert Subscription.objects.get().account.agency_id == agency.pk

    response = api(boss).post(
        f"/api/v1/shops/{shop_a.pk}/transfer",
        {"email": "client@example.com", "keep_agency_access": True},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    shop_a.refresh_from_db()
    assert (shop_a.owner_id, shop_a.agency_id) == (client.pk, None)
    assert dict(ShopMembership.objects.filter(shop=shop_a).values_list("user_id", "role")) == {
        client.pk: "owner",
        boss.pk: "staff",
    }
    subscription = Subscription.objects.get()
    assert subscription.account.shop_id == shop_a.pk
    assert subscription.account.email == "client@example.com"
    # offline mode: the same state moves (plan, status, period), recorded as a transfer from the agency's account
    assert (subscription.plan.code, subscription.status, subscription.current_period_end) == (
        before.plan.code,
        before.status,
        before.current_period_end,
    )
    transfer = BillingTransfer.objects.get()
    assert (transfer.from_account.agency_id, transfer.to_account_id) == (agency.pk, subscription.account_id)


def test_transfer_bad_input_changes_nothing(shop_a, owner_a, shop_b):
    stranger = UserFactory()
    cases = [
        (owner_a, shop_a.pk, {"email": "nobody@example.com"}, 400),
        (owner_a, shop_a.pk, {"email": "not-an-email"}, 400),
        (owner_a, shop_a.pk, {}, 400),
        (owner_a, shop_b.pk, {"email": stranger.email}, 404),  # another shop's id
        (stranger, shop_a.pk, {"email": stranger.email}, 404),
        (None, shop_a.pk, {"email": stranger.email}, 401),
    ]
    staff = UserFactory()
    ShopMembership.objects.create(shop=shop_a, user=staff, role="admin")
    cases.append((staff, shop_a.pk, {"email": staff.email}, 403))
    for user, shop_id, body, expected in cases:
        response = api(user).post(f"/api/v1/shops/{shop_id}/transfer", body, content_type="application/json")
        assert response.status_code == expected, (body, response.content)
    shop_a.refresh_from_db()
    assert shop_a.owner_id is None or shop_a.owner_id != stranger.pk
    assert ShopMembership.objects.get(shop=shop_a, role="owner").user_id == owner_a.pk


def test_bulk_theme_settings_with_a_per_shop_result(shop_a, shop_b):
    from tenant_apps.storefront.theme_settings import theme_state

    boss = UserFactory()
    agency = make_agency(boss, shop_a)  # shop_b is not a client
    with tenant_context(shop_a):
        state = theme_state()
        key = next(k for k, v in state.settings.items() if isinstance(v, bool))
        new_value = not state.settings[key]

    response = api(boss).post(
        f"/api/v1/agencies/{agency.pk}/bulk",
        {"action": "theme_settings", "shops": [shop_a.pk, shop_b.pk], "settings": {key: new_value}},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["results"] == [
        {"shop": shop_a.pk, "ok": True},
        {"shop": shop_b.pk, "ok": False, "errors": {"shop": ["不是该代理商的客户店铺。"]}},
    ]
    with tenant_context(shop_a):
        assert theme_state().settings[key] is new_value
    bad = api(boss).post(
        f"/api/v1/agencies/{agency.pk}/bulk",
        {"action": "theme_settings", "shops": [shop_a.pk], "settings": {"no_such_key": 1}},
        content_type="application/json",
    )
    assert bad.json()["results"][0]["ok"] is False


def member_post(user, agency, email: str, role: str):
    return api(user).post(
        f"/api/v1/agencies/{agency.pk}/members", {"email": email, "role": role}, content_type="application/json"
    )


def test_an_agency_admin_manages_staff_only_and_the_last_owner_stays(shop_a):
    """An admin made itself owner and demoted the owner (both 201), then transferred a client shop to itself (found
    by a review helper). Owner and admin are granted, changed and taken away by owners only, as a shop's roles."""
    boss, deputy, helper = UserFactory(), UserFactory(), UserFactory()
    agency = make_agency(boss, shop_a)
    AgencyMembership.objects.create(agency=agency, user=deputy, role="admin")

    refused = [
        member_post(deputy, agency, deputy.email, "owner").status_code,
        member_post(deputy, agency, boss.email, "staff").status_code,
        member_post(deputy, agency, helper.email, "admin").status_code,
    ]
    added = member_post(deputy, agency, helper.email, "staff").status_code
    last_owner = member_post(boss, agency, boss.email, "admin")
    transfer = api(deputy).post(
        f"/api/v1/shops/{shop_a.pk}/transfer", {"email": deputy.email}, content_type="application/json"
    )

    assert (refused, added, last_owner.status_code, transfer.status_code) == ([403, 403, 403], 201, 409, 403)
    roles = dict(AgencyMembership.objects.filter(agency=agency).values_list("user_id", "role"))
    assert roles == {boss.pk: "owner", deputy.pk: "admin", helper.pk: "staff"}
    assert member_post(boss, agency, deputy.email, "owner").status_code == 201  # an owner grants owner
    assert member_post(deputy, agency, boss.email, "admin").status_code == 201  # and, as owner, may change one


def test_bulk_products_take_no_image_paths(shop_a):
    """A path in `images` was opened on the server: another shop's upload (or any image file) was copied into the
    client shop, and a non-image path was a 500 (found by a review helper)."""
    boss = UserFactory()
    agency = make_agency(boss, shop_a)
    product = {"title": "龙井", "skus": [{"price_amount": 100}]}

    response = api(boss).post(
        f"/api/v1/agencies/{agency.pk}/bulk",
        {"action": "products", "shops": [shop_a.pk], "products": [{**product, "images": ["../../../etc/hostname"]}]},
        content_type="application/json",
    )

    [result] = response.json()["results"]
    assert (response.status_code, result["ok"], list(result["errors"])) == (200, False, ["products"])
    with tenant_context(shop_a):
        from tenant_apps.catalog.models import Product

        assert not Product.objects.filter(title="龙井").exists()
