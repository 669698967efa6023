"""One-time login links from the platform host into a shop's back office (another origin)."""

from urllib.parse import urlsplit

from django.test import Client

from shared_apps.tenancy.autologin import login_link
from shared_apps.tenancy.models import ShopMembership

from ..conftest import staff_of


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_link_signs_the_owner_into_the_back_office_once(shop_a):
    owner = staff_of(shop_a)
    link = login_link(user=owner, shop=shop_a)
    assert link.startswith("http://alpha.localhost:8000/admin/auto-login?t=")
    browser = Client(HTTP_HOST="alpha.localhost")
    # when the owner follows the link
    response = browser.get(path_of(link))
    # then they land in the back office, signed in
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert browser.get("/admin/").status_code == 200
    # and the same link is refused afterwards, even from another browser
    other = Client(HTTP_HOST="alpha.localhost")
    again = other.get(path_of(link))
    assert again["Location"].startswith("/admin/login/")
    assert other.get("/admin/").status_code == 302


def test_link_for_shop_a_does_not_work_on_shop_b(shop_a, shop_b):
    owner = staff_of(shop_a)
    staff_of_b = ShopMembership.objects.create(shop=shop_b, user=owner, role="owner")
    assert staff_of_b.pk
    browser = Client(HTTP_HOST="beta.localhost")
    response = browser.get(path_of(login_link(user=owner, shop=shop_a)))
    assert response["Location"].startswith("/admin/login/")
    assert browser.get("/admin/").status_code == 302


def test_expired_link_is_refused(shop_a, settings):
    owner = staff_of(shop_a)
    link = login_link(user=owner, shop=shop_a)
    settings.AUTO_LOGIN_MAX_AGE = -1
    browser = Client(HTTP_HOST="alpha.localhost")
    assert browser.get(path_of(link))["Location"].startswith("/admin/login/")
    assert browser.get("/admin/").status_code == 302


def test_tampered_link_is_refused(shop_a):
    owner = staff_of(shop_a)
    link = login_link(user=owner, shop=shop_a)
    browser = Client(HTTP_HOST="alpha.localhost")
    assert browser.get(path_of(link)[:-3] + "xyz")["Location"].startswith("/admin/login/")
    assert browser.get("/admin/auto-login")["Location"].startswith("/admin/login/")
    assert browser.get("/admin/").status_code == 302


def test_link_of_a_user_who_lost_the_role_is_refused(shop_a):
    owner = staff_of(shop_a)
    link = login_link(user=owner, shop=shop_a)
    ShopMembership.objects.filter(user=owner).delete()
    browser = Client(HTTP_HOST="alpha.localhost")
    assert browser.get(path_of(link))["Location"].startswith("/admin/login/")
    assert browser.get("/admin/").status_code == 302


def test_signup_link_lands_the_new_owner_in_the_back_office(platform_client, templates, spare_pool):
    from .conftest import SIGNUP, signup_body

    spare_pool(1)
    body = platform_client.post(SIGNUP, signup_body(), content_type="application/json").json()
    browser = Client(HTTP_HOST="meimei.localhost")
    assert browser.get(path_of(body["admin_login_url"]))["Location"] == "/admin/"
    page = browser.get("/admin/")
    assert page.status_code == 200
    assert "梅的小店" in page.content.decode()
