"""Catalog fixtures: media in a temp dir, eager Celery for API flows, images made with Pillow."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context
from PIL import Image

from micromall.celery import app as celery_app
from shared_apps.accounts.services import issue_token
from shared_apps.tenancy.models import MembershipRole
from tests.conftest import host_client, staff_of


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def eager_celery():
    celery_app.conf.task_always_eager = True
    yield celery_app
    celery_app.conf.task_always_eager = False


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (200, 120), color: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()


def image_upload(name: str = "photo.png", fmt: str = "PNG", size: tuple[int, int] = (200, 120)):
    return SimpleUploadedFile(name, image_bytes(fmt, size), content_type="image/png")


def role_client(shop, role: str):
    user = staff_of(shop, role)
    return host_client(shop, issue_token(user=user)), user


@pytest.fixture
def finance_a(shop_a):
    return role_client(shop_a, MembershipRole.FINANCE)[0]


@pytest.fixture
def staff_a(shop_a):
    return role_client(shop_a, MembershipRole.STAFF)[0]


@pytest.fixture
def owner_b_client(shop_b):
    return role_client(shop_b, MembershipRole.OWNER)[0]


def in_shop(shop, fn):
    with tenant_context(shop):
        return fn()


T_SHIRT = {
    "title": "纯棉T恤",
    "description_html": "<p>舒适 <strong>纯棉</strong></p>",
    "specs": [{"name": "颜色", "values": ["红", "蓝"]}, {"name": "尺码", "values": ["S", "M", "L"]}],
    "skus": [
        {"specs": {"颜色": "红", "尺码": "S"}, "price_amount": 9900, "stock": 5, "sku_code": "TS-R-S"},
        {"specs": {"颜色": "蓝", "尺码": "L"}, "price_amount": 10900, "stock": 2, "sku_code": "TS-B-L"},
    ],
}
