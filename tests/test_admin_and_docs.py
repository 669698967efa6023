"""Back offices (operator admin on the platform host, shop admin per shop host) and the offline API docs."""

from html.parser import HTMLParser

import pytest
from django.test import Client

from shared_apps.tenancy.models import MembershipRole

from .conftest import staff_of
from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


class _AssetParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.assets: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        url = values.get("src") if tag in ("script", "img") else values.get("href") if tag == "link" else None
        if url:
            self.assets.append((tag, url))


def page_assets(html: str) -> list[tuple[str, str]]:
    """(tag, url) of every script, stylesheet/icon link and image the page loads."""
    parser = _AssetParser()
    parser.feed(html)
    return parser.assets


def login(client: Client, email: str) -> Client:
    response = client.post("/admin/login/?next=/admin/", {"username": email, "password": PASSWORD})
    assert response.status_code in (200, 302)
    return client


def test_operator_staff_use_platform_admin():
    operator = UserFactory(is_staff=True, is_superuser=True)

    client = login(Client(HTTP_HOST="localhost"), operator.email)

    page = client.get("/admin/")
    assert page.status_code == 200
    assert "tenancy/shop/" in page.content.decode()


def test_merchant_cannot_use_platform_admin(shop_a):
    owner = staff_of(shop_a)

    client = login(Client(HTTP_HOST="localhost"), owner.email)

    assert client.get("/admin/").status_code == 302


def test_shop_staff_sign_in_to_their_shop_admin(shop_a):
    owner = staff_of(shop_a)

    client = login(Client(HTTP_HOST="alpha.localhost"), owner.email)
    page = client.get("/admin/")

    assert page.status_code == 200
    body = page.content.decode()
    assert "members/member/" in body
    assert "tenancy/shop/" not in body  # no control-plane screens on a shop host
    assert "accounts/user/" not in body
    assert "Shop alpha" in body


def test_shop_staff_cannot_sign_in_to_another_shop(shop_a, shop_b):
    owner = staff_of(shop_a)

    response = Client(HTTP_HOST="beta.localhost").post(
        "/admin/login/?next=/admin/", {"username": owner.email, "password": PASSWORD}
    )

    assert response.status_code == 200  # the form again, with an error
    assert "这个账号不是本店铺的成员。" in response.content.decode()


def test_session_from_shop_a_does_not_open_shop_b_admin(shop_a, shop_b):
    owner = staff_of(shop_a)
    client_a = login(Client(HTTP_HOST="alpha.localhost"), owner.email)
    cookie = client_a.cookies["sessionid"].value

    client_b = Client(HTTP_HOST="beta.localhost")
    client_b.cookies["sessionid"] = cookie

    assert client_b.get("/admin/").status_code == 302


def test_finance_role_sees_but_cannot_add(shop_a):
    finance = staff_of(shop_a, MembershipRole.FINANCE)
    client = login(Client(HTTP_HOST="alpha.localhost"), finance.email)

    assert client.get("/admin/members/member/").status_code == 200
    assert client.get("/admin/members/member/add/").status_code == 403


@pytest.mark.parametrize("host", ["localhost", "alpha.localhost"])
def test_openapi_schema_on_both_hosts(shop_a, host):
    response = Client(HTTP_HOST=host).get("/api/schema", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    if host == "localhost":
        assert "/api/v1/auth/token" in paths
        assert "/api/v1/manage/shop" not in paths
    else:
        assert "/api/v1/manage/shop" in paths
        assert "/api/v1/store/auth/register" in paths
        assert "/api/v1/auth/token" not in paths


@pytest.mark.parametrize("host", ["localhost", "alpha.localhost"])
def test_swagger_ui_is_served_without_internet(shop_a, host):
    response = Client(HTTP_HOST=host).get("/api/docs")

    # The page embeds a random token, so assert on the assets it loads rather than on its whole text.
    assets = page_assets(response.content.decode())
    assert response.status_code == 200
    assert {tag for tag, _ in assets} >= {"script", "link"}
    for tag, url in assets:
        assert url.startswith(("/", "?")) and not url.startswith("//"), (tag, url)  # same origin, no CDN
    static = [url for tag, url in assets if not url.startswith("?")]
    assert static and all(url.startswith("/static/drf_spectacular_sidecar/") for url in static), static


def test_shop_admin_lists_only_its_own_shops_data(shop_a, shop_b):
    from django_tenants.utils import tenant_context

    from tenant_apps.members.models import Member

    with tenant_context(shop_a):
        Member.objects.create(email="only-in-a@example.com", password="x")
    with tenant_context(shop_b):
        Member.objects.create(email="only-in-b@example.com", password="x")
    owner_b = staff_of(shop_b)

    page = login(Client(HTTP_HOST="beta.localhost"), owner_b.email).get("/admin/members/member/")

    body = page.content.decode()
    assert "only-in-b@example.com" in body
    assert "only-in-a@example.com" not in body


def test_operator_suspends_and_resumes_a_shop_from_the_shop_list_with_feedback(shop_a):
    operator = UserFactory(is_staff=True, is_superuser=True)
    client = login(Client(HTTP_HOST="localhost"), operator.email)
    storefront = Client(HTTP_HOST="alpha.localhost")

    # billing's shop screen asks for a reason first (the suspension is audited), then applies
    asked = client.post("/admin/tenancy/shop/", {"action": "suspend", "_selected_action": [shop_a.pk]})
    assert 'name="reason"' in asked.content.decode()
    assert storefront.get("/").status_code == 200
    suspended = client.post(
        "/admin/tenancy/shop/",
        {"action": "suspend", "_selected_action": [shop_a.pk], "reason": "逾期整改", "apply": "1"},
        follow=True,
    ).content.decode()

    assert "已暂停营业：alpha。" in suspended
    assert storefront.get("/").status_code == 423

    resumed = client.post(
        "/admin/tenancy/shop/",
        {"action": "resume", "_selected_action": [shop_a.pk], "reason": "已整改", "apply": "1"},
        follow=True,
    ).content.decode()

    assert "已恢复营业：alpha。" in resumed
    assert storefront.get("/").status_code == 200


def test_operator_admin_is_titled_as_the_platform_back_office():
    operator = UserFactory(is_staff=True, is_superuser=True)

    body = login(Client(HTTP_HOST="localhost"), operator.email).get("/admin/").content.decode()

    assert "Micromall 平台后台 · Operator admin" in body
    assert "Django administration" not in body


def test_refused_shop_sign_in_does_not_claim_the_visitor_is_signed_in(shop_a, shop_b):
    owner = staff_of(shop_a)
    client = Client(HTTP_HOST="beta.localhost", HTTP_ACCEPT_LANGUAGE="en")

    response = client.post("/admin/login/?next=/admin/", {"username": owner.email, "password": PASSWORD})

    body = response.content.decode()
    assert "not a member of this shop" in body
    assert "You are authenticated as" not in body  # Django's note for a signed-in user without access
    assert client.get("/admin/").status_code == 302  # still signed out
