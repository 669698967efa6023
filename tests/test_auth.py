"""Platform sign-in, bearer tokens, members' tokens and roles: each valid only where it belongs."""

import pytest
from django.test import override_settings

from shared_apps.accounts.models import AccessToken
from shared_apps.accounts.services import issue_token
from shared_apps.tenancy.models import MembershipRole

from .conftest import host_client, staff_of
from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_token_for_valid_credentials(platform_client):
    user = UserFactory(email="owner@example.com")

    response = platform_client.post(
        "/api/v1/auth/token", {"email": "Owner@Example.com", "password": PASSWORD}, content_type="application/json"
    )

    assert response.status_code == 200
    token = response.json()["token"]
    assert token.startswith("mmp_")
    assert AccessToken.objects.filter(user=user).count() == 1
    assert not AccessToken.objects.filter(digest=token).exists()  # only the digest is stored


def test_wrong_password_is_401_and_issues_nothing(platform_client):
    UserFactory(email="owner@example.com")

    response = platform_client.post(
        "/api/v1/auth/token", {"email": "owner@example.com", "password": "nope-nope-1"}, content_type="application/json"
    )

    assert response.status_code == 401
    assert AccessToken.objects.count() == 0


def test_missing_fields_are_400_with_field_errors(platform_client):
    response = platform_client.post("/api/v1/auth/token", {"email": "not-an-email"}, content_type="application/json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"email", "password"}


def test_inactive_user_gets_no_token(platform_client):
    UserFactory(email="gone@example.com", is_active=False)

    response = platform_client.post(
        "/api/v1/auth/token", {"email": "gone@example.com", "password": PASSWORD}, content_type="application/json"
    )

    assert response.status_code == 401


def test_sign_in_is_throttled(platform_client):
    rates = {**_rest_settings()["DEFAULT_THROTTLE_RATES"], "anon": "1000/min", "user": "1000/min", "signin": "3/min"}
    with override_settings(REST_FRAMEWORK={**_rest_settings(), "DEFAULT_THROTTLE_RATES": rates}):
        codes = [
            platform_client.post(
                "/api/v1/auth/token", {"email": "x@example.com", "password": "x"}, content_type="application/json"
            ).status_code
            for _ in range(4)
        ]

    assert codes == [401, 401, 401, 429]


def _rest_settings() -> dict:
    from django.conf import settings

    return settings.REST_FRAMEWORK


def test_passwords_are_hashed_with_argon2():
    user = UserFactory()

    assert user.password.startswith("argon2")


def test_owner_token_works_on_own_shop(manager_a, shop_a):
    response = manager_a.get("/api/v1/manage/shop")

    assert response.status_code == 200
    assert response.json()["subdomain"] == "alpha"
    assert response.json()["role"] == "owner"


def test_owner_token_of_shop_a_is_rejected_on_shop_b(owner_a_token, shop_b):
    response = host_client(shop_b, owner_a_token).get("/api/v1/manage/shop")

    assert response.status_code == 403


@pytest.mark.parametrize("role", [MembershipRole.ADMIN, MembershipRole.STAFF, MembershipRole.FINANCE])
def test_staff_token_of_shop_a_is_rejected_on_shop_b(shop_a, shop_b, role):
    token = issue_token(user=staff_of(shop_a, role))

    assert host_client(shop_a, token).get("/api/v1/manage/shop").status_code == 200
    assert host_client(shop_b, token).get("/api/v1/manage/shop").status_code == 403


def test_token_without_any_shop_role_is_403(shop_a, user):
    response = host_client(shop_a, issue_token(user=user)).get("/api/v1/manage/shop")

    assert response.status_code == 403


@pytest.mark.parametrize(
    "header", ["Bearer mmp_not-a-real-token", "Bearer", "Bearer a b", "Bearer " + "x" * 500, "Bearer mms_nope"]
)
def test_bad_tokens_are_401(client_a, header):
    response = client_a.get("/api/v1/manage/shop", HTTP_AUTHORIZATION=header)

    assert response.status_code == 401


def test_member_register_and_sign_in_on_own_shop(client_a):
    registered = client_a.post(
        "/api/v1/store/auth/register",
        {"email": "Amy@Example.com", "password": PASSWORD},
        content_type="application/json",
    )
    signed_in = client_a.post(
        "/api/v1/store/auth/token", {"email": "amy@example.com", "password": PASSWORD}, content_type="application/json"
    )
    me = client_a.get("/api/v1/store/me", HTTP_AUTHORIZATION=f"Bearer {signed_in.json()['token']}")

    assert registered.status_code == 201
    assert registered.json()["member"]["email"] == "amy@example.com"
    assert signed_in.status_code == 200
    assert me.status_code == 200
    assert me.json()["id"] == registered.json()["member"]["id"]


def test_member_of_shop_a_does_not_exist_on_shop_b(client_a, client_b):
    client_a.post(
        "/api/v1/store/auth/register",
        {"email": "amy@example.com", "password": PASSWORD},
        content_type="application/json",
    )
    token = client_a.post(
        "/api/v1/store/auth/token", {"email": "amy@example.com", "password": PASSWORD}, content_type="application/json"
    ).json()["token"]

    sign_in_b = client_b.post(
        "/api/v1/store/auth/token", {"email": "amy@example.com", "password": PASSWORD}, content_type="application/json"
    )
    me_b = client_b.get("/api/v1/store/me", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert sign_in_b.status_code == 401
    assert me_b.status_code == 401


def test_member_token_is_not_a_merchant_token(client_a):
    token = client_a.post(
        "/api/v1/store/auth/register", {"phone": "13800138000", "password": PASSWORD}, content_type="application/json"
    ).json()["token"]

    response = client_a.get("/api/v1/manage/shop", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code in (401, 403)


def test_platform_token_is_not_a_member_token(manager_a):
    assert manager_a.get("/api/v1/store/me").status_code == 401


def test_member_register_bad_input_changes_nothing(client_a, shop_a):
    from django_tenants.utils import tenant_context

    from tenant_apps.members.models import Member

    weak = client_a.post(
        "/api/v1/store/auth/register", {"email": "a@example.com", "password": "123"}, content_type="application/json"
    )
    no_login = client_a.post("/api/v1/store/auth/register", {"password": PASSWORD}, content_type="application/json")
    bad_phone = client_a.post(
        "/api/v1/store/auth/register", {"phone": "call-me", "password": PASSWORD}, content_type="application/json"
    )

    assert weak.status_code == 400 and "password" in weak.json()["errors"]
    assert no_login.status_code == 400 and "email" in no_login.json()["errors"]
    assert bad_phone.status_code == 400 and "phone" in bad_phone.json()["errors"]
    with tenant_context(shop_a):
        assert Member.objects.count() == 0


def test_duplicate_member_email_is_400(client_a):
    body = {"email": "amy@example.com", "password": PASSWORD}
    client_a.post("/api/v1/store/auth/register", body, content_type="application/json")

    again = client_a.post("/api/v1/store/auth/register", body, content_type="application/json")

    assert again.status_code == 400
    assert "email" in again.json()["errors"]


def test_hasher_uses_owasp_argon2id_parameters():
    user = UserFactory()

    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def test_platform_sign_out_revokes_only_the_presented_token(manager_a, owner_a, shop_a):
    other = issue_token(user=owner_a)

    signed_out = manager_a.delete("/api/v1/auth/token", HTTP_HOST="localhost")

    assert signed_out.status_code == 204
    assert manager_a.get("/api/v1/manage/shop").status_code == 401
    assert host_client(shop_a, other).get("/api/v1/manage/shop").status_code == 200


def test_sign_out_without_a_token_is_401(platform_client, client_a):
    assert platform_client.delete("/api/v1/auth/token").status_code == 401
    assert client_a.delete("/api/v1/store/auth/token").status_code == 401


def test_stale_token_does_not_block_signing_in(platform_client):
    UserFactory(email="owner@example.com")

    response = platform_client.post(
        "/api/v1/auth/token",
        {"email": "owner@example.com", "password": PASSWORD},
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer mmp_revoked-long-ago",
    )

    assert response.status_code == 200


def test_member_sign_out_revokes_the_token_on_its_shop_only(client_a, client_b):
    body = {"email": "amy@example.com", "password": PASSWORD}
    token = client_a.post("/api/v1/store/auth/register", body, content_type="application/json").json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    on_b = client_b.delete("/api/v1/store/auth/token", **auth)
    on_a = client_a.delete("/api/v1/store/auth/token", **auth)

    assert on_b.status_code == 401  # a shop A token means nothing on shop B
    assert on_a.status_code == 204
    assert client_a.get("/api/v1/store/me", **auth).status_code == 401


@pytest.mark.parametrize(
    ("header", "token"),
    [(None, None), ("", None), ("Basic dXNlcjpwYXNz", None), ("bearer mms_abc", "mms_abc"), ("Bearer  mmp_x ", "mmp_x"),
     (b"Bearer mms_bytes", "mms_bytes")],
)  # fmt: skip
def test_bearer_token_is_read_from_the_authorization_header(header, token):
    from django.test import RequestFactory

    from micromall.api.auth import bearer_token

    request = RequestFactory().get("/", **({} if header is None else {"HTTP_AUTHORIZATION": header}))

    assert bearer_token(request) == token
