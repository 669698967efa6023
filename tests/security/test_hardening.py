"""Item 7: Secure cookies and HSTS under https; uploaded images fully decoded and capped in pixels."""

import runpy
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import tenant_context

from tenant_apps.catalog.models import ProductImage

from ..catalog.conftest import image_bytes
from ..factories import PASSWORD, UserFactory

SETTINGS = Path(__file__).resolve().parents[2] / "platform" / "micromall" / "settings.py"
IMAGES = "/api/v1/manage/images"
YEAR = 31536000


def settings_under(monkeypatch, **env: str) -> dict:
    for name in ("SITE_SCHEME", "NUM_PROXIES", "SECURE_HSTS_SECONDS", "MAX_IMAGE_PIXELS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_https_turns_on_secure_cookies_and_hsts(monkeypatch):
    https = settings_under(monkeypatch, SITE_SCHEME="https", NUM_PROXIES="1")
    http = settings_under(monkeypatch, SITE_SCHEME="http", NUM_PROXIES="1")

    names = ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS")
    assert [https[name] for name in names] == [True, True, YEAR, True]
    assert https["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert [http[name] for name in names[:3]] == [False, False, 0]
    assert "SECURE_PROXY_SSL_HEADER" not in http
    # without a proxy in front, X-Forwarded-Proto is the client's word: not trusted
    assert "SECURE_PROXY_SSL_HEADER" not in settings_under(monkeypatch, SITE_SCHEME="https")


def test_pixel_cap_defaults_to_25_megapixels(monkeypatch):
    assert settings_under(monkeypatch)["CATALOG_MAX_IMAGE_PIXELS"] == 25_000_000


@pytest.fixture
def https_settings(settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = YEAR, True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def test_behind_a_tls_proxy_cookies_are_secure_and_hsts_is_sent(db, https_settings):
    user = UserFactory()
    client = Client(HTTP_HOST="localhost", HTTP_X_FORWARDED_PROTO="https")

    page = client.get("/login")
    signed_in = client.post("/login", {"email": user.email, "password": PASSWORD})

    assert page["Strict-Transport-Security"] == f"max-age={YEAR}; includeSubDomains"
    assert page.cookies["csrftoken"]["secure"] is True
    assert signed_in.status_code == 302
    assert signed_in.cookies["sessionid"]["secure"] is True


def upload(data: bytes, name: str = "x.jpg") -> dict:
    return {"image": SimpleUploadedFile(name, data, content_type="image/jpeg")}


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_truncated_images_are_refused_and_nothing_is_stored(manager_a, shop_a, fmt):
    whole = image_bytes(fmt, (400, 300), "blue")

    response = manager_a.post(IMAGES, upload(whole[: len(whole) * 2 // 3]))

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["image"]
    with tenant_context(shop_a):
        assert ProductImage.objects.count() == 0


def test_images_above_the_pixel_cap_are_refused(manager_a, shop_a, settings):
    settings.CATALOG_MAX_IMAGE_PIXELS = 200 * 120

    at_cap = manager_a.post(IMAGES, upload(image_bytes("PNG", (200, 120))))
    above = manager_a.post(IMAGES, upload(image_bytes("PNG", (200, 121))), HTTP_ACCEPT_LANGUAGE="en")

    assert at_cap.status_code == 201
    assert above.status_code == 400
    assert above.json() == {"errors": {"image": ["The image is 200×121 = 24,200 pixels; at most 24,000 are accepted."]}}
    with tenant_context(shop_a):
        assert ProductImage.objects.count() == 1
