"""忘记密码 Forgot password on the platform host: request → email link → new password; tokens revoked."""

import re

from django.test import Client

from shared_apps.accounts.models import AccessToken
from shared_apps.accounts.services import issue_token, sign_in
from shared_apps.tenancy.selectors import absolute_url
from tests.factories import PASSWORD, UserFactory

NEW_PASSWORD = "Lantern-Festival-2027"
SENT = "/password-reset/sent"
LINK = re.compile(r"(https?://\S+)/password-reset/([^/\s]+)/([^/\s]+)")


def platform(**extra) -> Client:
    return Client(**{"HTTP_HOST": "localhost", **extra})


def with_reset_rate(settings, rate: str) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "password_reset": rate},
    }


def reset_link(message) -> tuple[str, str]:
    """(origin, path) of the one link in the email."""
    found = LINK.findall(message.body)
    assert len(found) == 1
    origin, uid, token = found[0]
    return origin, f"/password-reset/{uid}/{token}"


def open_link(client: Client, path: str) -> str:
    """Follow the emailed link; Django swaps the token into the session and redirects to the form."""
    response = client.get(path)
    assert response.status_code == 302
    return response["Location"]


def request_reset(client: Client, email: str):
    return client.post("/password-reset", {"email": email})


def test_login_page_links_to_forgot_password(db):
    html = platform().get("/login").content.decode()
    assert '<a href="/password-reset">忘记密码？Forgot password?</a>' in html


def test_request_page_is_bilingual(db):
    response = platform().get("/password-reset")
    assert response.status_code == 200
    html = response.content.decode()
    assert "忘记密码 · Forgot password" in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_reset_sends_one_bilingual_email_and_the_new_password_signs_in(db, mailoutbox):
    # given a merchant who forgot their password
    user = UserFactory(email="mei@example.com")
    client = platform()
    # when they ask for a reset (typing the address in another case)
    response = request_reset(client, "Mei@Example.com")
    # then they see the "sent" page and get exactly one email with a link on the platform host
    assert response.status_code == 302
    assert response["Location"] == SENT
    assert "请查收邮件 · Check your email" in client.get(SENT).content.decode()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["mei@example.com"]
    assert message.subject == "重设您的 Micromall 密码 · Reset your Micromall password"
    assert "请打开下面的链接设置新密码" in message.body
    assert "Open the link above to set a new password" in message.body
    origin, path = reset_link(message)
    assert origin + "/" == absolute_url("localhost", "/")
    # when they follow the link and choose a strong password
    form_url = open_link(client, path)
    assert "设置新密码 · Set a new password" in client.get(form_url).content.decode()
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    # then the password is changed and they can sign in with it (and no longer with the old one)
    assert response.status_code == 302
    assert response["Location"] == "/password-reset/done"
    assert "密码已重设 · Password reset" in client.get("/password-reset/done").content.decode()
    assert sign_in(email="mei@example.com", password=NEW_PASSWORD) == user
    assert sign_in(email="mei@example.com", password=PASSWORD) is None
    fresh = platform()
    response = fresh.post("/login", {"email": "mei@example.com", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert fresh.session["_auth_user_id"] == str(user.pk)


def test_weak_password_is_refused_with_the_error_shown(db, mailoutbox):
    UserFactory(email="mei@example.com")
    client = platform()
    request_reset(client, "mei@example.com")
    form_url = open_link(client, reset_link(mailoutbox[0])[1])
    # when they choose a short, common, all-digit password
    response = client.post(form_url, {"new_password1": "1234567", "new_password2": "1234567"})
    # then the form is shown again with the validators' messages in both languages, and nothing changed
    assert response.status_code == 400
    html = response.content.decode()
    assert "This password is too short. It must contain at least 8 characters." in html
    assert "This password is entirely numeric." in html
    assert "密码只包含数字" in html
    assert sign_in(email="mei@example.com", password="1234567") is None
    assert sign_in(email="mei@example.com", password=PASSWORD) is not None


def test_mismatched_passwords_are_refused(db, mailoutbox):
    UserFactory(email="mei@example.com")
    client = platform()
    request_reset(client, "mei@example.com")
    form_url = open_link(client, reset_link(mailoutbox[0])[1])
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"})
    assert response.status_code == 400
    assert "两次输入的密码不一致。The two passwords didn&#x27;t match." in response.content.decode()
    assert sign_in(email="mei@example.com", password=NEW_PASSWORD) is None


def test_unknown_email_gets_the_same_page_and_no_email(db, mailoutbox):
    UserFactory(email="mei@example.com")
    # when someone asks for an address without an account
    response = request_reset(platform(), "nobody@example.com")
    # then the answer is exactly the one a real account gets, and nothing is sent
    assert response.status_code == 302
    assert response["Location"] == SENT
    assert mailoutbox == []


def test_blank_or_malformed_email_is_refused(db, mailoutbox):
    blank = request_reset(platform(), "")
    malformed = request_reset(platform(), "not-an-email")
    assert blank.status_code == 400
    assert "请填写此项。This field is required." in blank.content.decode()
    assert malformed.status_code == 400
    assert "请输入有效的邮箱地址。Enter a valid email address." in malformed.content.decode()
    assert mailoutbox == []


def test_a_used_link_is_refused(db, mailoutbox):
    UserFactory(email="mei@example.com")
    client = platform()
    request_reset(client, "mei@example.com")
    path = reset_link(mailoutbox[0])[1]
    form_url = open_link(client, path)
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    # when the same link is opened again (by anyone)
    response = platform().get(path)
    # then it is refused and offers a new request; the password stays what was set
    assert response.status_code == 400
    html = response.content.decode()
    assert "此链接无效或已被使用" in html
    assert 'name="new_password1"' not in html
    assert sign_in(email="mei@example.com", password=NEW_PASSWORD) is not None


def test_a_tampered_token_is_refused(db, mailoutbox):
    UserFactory(email="mei@example.com")
    request_reset(platform(), "mei@example.com")
    path = reset_link(mailoutbox[0])[1]
    response = platform().get(path[:-2] + ("aa" if not path.endswith("aa") else "bb"))
    assert response.status_code == 400
    assert "此链接无效或已被使用" in response.content.decode()


def test_a_forged_host_header_does_not_reach_the_email_link(db, mailoutbox):
    UserFactory(email="mei@example.com")
    # when the request arrives with a Host the attacker chose (same hostname, their port) and a forwarded host
    client = platform(HTTP_HOST="localhost:31337", HTTP_X_FORWARDED_HOST="evil.example")
    response = request_reset(client, "mei@example.com")
    # then the link still points at the configured platform origin
    assert response.status_code == 302
    origin, path = reset_link(mailoutbox[0])
    assert origin + "/" == absolute_url("localhost", "/")
    # The link's token is random (it could hold "31337"): look everywhere but in it.
    text_around_link = mailoutbox[0].body.replace(path, "")
    assert "31337" not in text_around_link
    assert "evil.example" not in text_around_link


def test_email_link_follows_the_site_settings(db, settings, mailoutbox):
    UserFactory(email="mei@example.com")
    settings.SITE_SCHEME, settings.SITE_PORT = "https", "443"
    request_reset(platform(), "mei@example.com")
    origin, _path = reset_link(mailoutbox[0])
    assert origin == "https://localhost"


def test_password_reset_is_not_on_shop_hosts(client_a, mailoutbox):
    UserFactory(email="mei@example.com")
    assert client_a.get("/password-reset").status_code == 404
    assert client_a.post("/password-reset", {"email": "mei@example.com"}).status_code == 404
    assert client_a.get("/password-reset/done").status_code == 404
    assert mailoutbox == []


def test_reset_requests_are_throttled_per_client(db, settings, mailoutbox):
    # given a rate of two requests per hour
    with_reset_rate(settings, "2/hour")
    UserFactory(email="mei@example.com")
    client = platform(REMOTE_ADDR="203.0.113.7")
    # when one client asks three times
    codes = [request_reset(client, "mei@example.com").status_code for _ in range(3)]
    # then the third is refused with the bilingual 429 page and sends nothing
    assert codes == [302, 302, 429]
    third = request_reset(client, "mei@example.com")
    assert third.status_code == 429
    assert "找回密码的请求过于频繁" in third.content.decode()
    assert "Too many password reset requests" in third.content.decode()
    assert len(mailoutbox) == 2
    # and another client is not affected
    assert request_reset(platform(REMOTE_ADDR="198.51.100.9"), "mei@example.com").status_code == 302
    assert len(mailoutbox) == 3


def test_reset_revokes_the_users_api_tokens_only(db, mailoutbox):
    # given a merchant with two API tokens, and another merchant with one
    user = UserFactory(email="mei@example.com")
    other = UserFactory(email="lan@example.com")
    raw = issue_token(user=user)
    issue_token(user=user)
    other_raw = issue_token(user=other)
    assert platform(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/shops").status_code == 200
    client = platform()
    request_reset(client, "mei@example.com")
    form_url = open_link(client, reset_link(mailoutbox[0])[1])
    # when they reset their password
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    # then their tokens no longer work; the other merchant's token is untouched
    assert AccessToken.objects.filter(user=user).count() == 0
    assert platform(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/shops").status_code == 401
    assert AccessToken.objects.filter(user=other).count() == 1
    assert platform(HTTP_AUTHORIZATION=f"Bearer {other_raw}").get("/api/v1/shops").status_code == 200


def test_a_refused_new_password_revokes_no_tokens(db, mailoutbox):
    user = UserFactory(email="mei@example.com")
    issue_token(user=user)
    client = platform()
    request_reset(client, "mei@example.com")
    form_url = open_link(client, reset_link(mailoutbox[0])[1])
    client.post(form_url, {"new_password1": "1234567", "new_password2": "1234567"})
    assert AccessToken.objects.filter(user=user).count() == 1
