"""Platform-host pages for a returning merchant: /login, /shops, the back-office hop, /logout, another shop."""

from urllib.parse import urlsplit

from django.test import Client

from shared_apps.accounts.models import User
from shared_apps.tenancy.models import Shop, ShopMembership
from tests.factories import PASSWORD, UserFactory

from ..conftest import staff_of


def platform() -> Client:
    return Client(HTTP_HOST="localhost")


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def with_signin_rate(settings, rate: str) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "signin": rate},
    }


def test_login_page_is_chinese_and_carries_a_csrf_token(db):
    response = platform().get("/login")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>登录</h1>" in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_login_with_the_right_password_starts_a_session(db):
    user = UserFactory(email="mei@example.com")
    client = platform()
    # when the merchant signs in (email in another case, as people type it)
    response = client.post("/login", {"email": " Mei@Example.com ", "password": PASSWORD})
    # then they land on their shops, signed in as themselves
    assert response.status_code == 302
    assert response["Location"] == "/shops"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/shops").status_code == 200


def test_login_with_a_wrong_password_shows_the_error_and_starts_no_session(db):
    UserFactory(email="mei@example.com")
    client = platform()
    response = client.post("/login", {"email": "mei@example.com", "password": "wrong-password"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "邮箱或密码不正确。" in html
    assert 'value="mei@example.com"' in html  # the email is kept, the password is not
    assert not signed_in(client)
    assert client.get("/shops")["Location"] == "/login?next=/shops"


def test_login_with_empty_fields_is_a_field_error(db):
    client = platform()
    response = client.post("/login", {"email": "", "password": ""})
    assert response.status_code == 400
    assert response.content.decode().count("请填写此项。") == 2
    assert not signed_in(client)


def test_login_needs_the_csrf_token(db):
    UserFactory(email="mei@example.com")
    client = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
    response = client.post("/login", {"email": "mei@example.com", "password": PASSWORD})
    assert response.status_code == 403
    assert not signed_in(client)


def test_login_is_throttled_with_the_signin_rate(db, settings):
    # given a sign-in rate of two per minute
    with_signin_rate(settings, "2/min")
    UserFactory(email="mei@example.com")
    client = platform()
    # when one client guesses twice, then tries the right password
    codes = [client.post("/login", {"email": "mei@example.com", "password": "guess"}).status_code for _ in range(2)]
    third = client.post("/login", {"email": "mei@example.com", "password": PASSWORD})
    # then the third attempt is refused before the password is checked
    assert codes == [400, 400]
    assert third.status_code == 429
    assert "登录尝试过于频繁" in third.content.decode()
    assert not signed_in(client)
    # and another client is not affected
    other = Client(HTTP_HOST="localhost", REMOTE_ADDR="10.9.8.7")
    assert other.post("/login", {"email": "mei@example.com", "password": PASSWORD}).status_code == 302


def test_login_ignores_a_next_url_on_another_site(db):
    UserFactory(email="mei@example.com")
    body = {"email": "mei@example.com", "password": PASSWORD, "next": "https://evil.example/"}
    assert platform().post("/login", body)["Location"] == "/shops"
    body["next"] = "/gallery"
    assert platform().post("/login", body)["Location"] == "/gallery"


def test_login_is_not_on_shop_hosts(client_a):
    UserFactory(email="mei@example.com")
    response = client_a.post("/login", {"email": "mei@example.com", "password": PASSWORD})
    assert response.status_code == 404
    assert not signed_in(client_a)


def test_my_shops_lists_only_the_users_shops_with_role_and_status(shop_a, shop_b):
    user = staff_of(shop_a, "admin")
    staff_of(shop_b)  # someone else's shop
    client = platform()
    client.force_login(user)
    response = client.get("/shops")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Shop alpha" in html
    assert "管理员" in html and "营业中" in html
    assert f'action="/shops/{shop_a.pk}/admin"' in html
    assert 'href="http://alpha.localhost:8000/"' in html
    assert "Shop beta" not in html
    assert f"/shops/{shop_b.pk}/admin" not in html
    assert 'href="/signup"' in html


def test_my_shops_needs_a_sign_in(db):
    response = platform().get("/shops")
    assert response.status_code == 302
    assert response["Location"] == "/login?next=/shops"


def test_back_office_button_signs_into_that_shops_admin(shop_a):
    owner = staff_of(shop_a)
    client = platform()
    client.force_login(owner)
    # when the merchant presses "Open back office"
    response = client.post(f"/shops/{shop_a.pk}/admin")
    # then a one-time link of shop A signs them into its /admin/ on the shop host
    assert response.status_code == 302
    assert response["Location"].startswith("http://alpha.localhost:8000/admin/auto-login?t=")
    shop_browser = Client(HTTP_HOST="alpha.localhost")
    assert shop_browser.get(path_of(response["Location"]))["Location"] == "/admin/"
    assert shop_browser.get("/admin/").status_code == 200


def test_back_office_button_refuses_a_shop_the_user_is_not_a_member_of(shop_a, shop_b):
    user = staff_of(shop_a)
    staff_of(shop_b)
    client = platform()
    client.force_login(user)
    response = client.post(f"/shops/{shop_b.pk}/admin")
    assert response.status_code == 404
    assert "Location" not in response
    assert client.post("/shops/999999/admin").status_code == 404
    # and a link for shop A does not open shop B's back office either
    link = client.post(f"/shops/{shop_a.pk}/admin")["Location"]
    beta_browser = Client(HTTP_HOST="beta.localhost")
    assert beta_browser.get(path_of(link))["Location"].startswith("/admin/login/")
    assert beta_browser.get("/admin/").status_code == 302


def test_back_office_button_needs_a_sign_in_and_a_post(shop_a):
    owner = staff_of(shop_a)
    assert platform().post(f"/shops/{shop_a.pk}/admin")["Location"].startswith("/login?next=")
    client = platform()
    client.force_login(owner)
    assert client.get(f"/shops/{shop_a.pk}/admin").status_code == 405


def test_logout_ends_the_session(db):
    user = UserFactory()
    client = platform()
    client.force_login(user)
    # a GET only offers the button (a cross-site link must not sign anyone out)
    assert client.get("/logout").status_code == 200
    assert signed_in(client)
    response = client.post("/logout")
    assert response.status_code == 302
    assert response["Location"] == "/login"
    assert not signed_in(client)
    assert client.get("/shops")["Location"] == "/login?next=/shops"


def test_gallery_and_signup_headers_link_to_sign_in_or_my_shops(templates):
    client = platform()
    for page in ("/gallery", "/signup"):
        html = client.get(page).content.decode()
        assert '<a href="/login">登录</a>' in html
        assert '<a href="/shops">我的店铺</a>' not in html
    client.force_login(UserFactory())
    for page in ("/gallery", "/signup"):
        html = client.get(page).content.decode()
        assert '<a href="/shops">我的店铺</a>' in html
        assert '<a href="/login">登录</a>' not in html


def test_signed_in_merchant_opens_another_shop_from_the_signup_page(templates, spare_pool):
    (spare,) = spare_pool(1)
    user = UserFactory(email="mei@example.com")
    client = platform()
    client.force_login(user)
    # the form asks for no account while signed in
    form = client.get("/signup").content.decode()
    assert 'name="password"' not in form
    # when the merchant submits the shop fields only
    response = client.post("/signup", {"shop_name": "第二家", "subdomain": "second", "template": "classic"})
    # then the shop is theirs and they land signed in on its back office
    assert response.status_code == 302, response.content.decode()
    shop = Shop.objects.get(subdomain="second")
    assert shop.schema_name == spare and shop.owner == user
    assert ShopMembership.objects.get(shop=shop).user == user
    assert User.objects.count() == 1
    shop_browser = Client(HTTP_HOST="second.localhost")
    assert shop_browser.get(path_of(response["Location"]))["Location"] == "/admin/"


def test_signed_in_merchant_with_a_taken_subdomain_gets_the_error_and_no_shop(templates, shop_a):
    client = platform()
    client.force_login(UserFactory())
    response = client.post("/signup", {"shop_name": "x", "subdomain": "alpha", "template": "classic"})
    assert response.status_code == 400
    assert "这个子域名已被使用。" in response.content.decode()
    assert list(Shop.objects.values_list("subdomain", flat=True)) == ["alpha"]
