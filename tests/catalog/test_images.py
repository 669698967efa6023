from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from tenant_apps.catalog.models import Brand, ProductImage

from .conftest import image_bytes, image_upload

IMAGES = "/api/v1/manage/images"


def image_count(shop) -> int:
    with tenant_context(shop):
        return ProductImage.objects.count()


def test_upload_stores_the_image_under_the_shop_prefix_and_attaches_it_in_order(manager_a, shop_a):
    first = manager_a.post(IMAGES, {"image": image_upload("a.png"), "alt": "front"}).json()
    second = manager_a.post(IMAGES, {"image": image_upload("b.jpg", "JPEG", (300, 300))}).json()

    assert (first["width"], first["height"], first["alt"], first["product"]) == (200, 120, "front", None)
    assert first["url"].startswith("/media/shops/test_alpha/products/") and first["url"].endswith(".png")
    assert second["url"].endswith(".jpg")
    with tenant_context(shop_a):
        stored = Path(django_settings.MEDIA_ROOT) / ProductImage.objects.get(pk=first["id"]).image.name
    assert stored.read_bytes() == image_bytes()

    product = manager_a.post(
        "/api/v1/manage/products",
        {"title": "Lamp", "images": [second["id"], first["id"]]},
        content_type="application/json",
    ).json()

    assert [(i["id"], i["position"]) for i in product["images"]] == [(second["id"], 0), (first["id"], 1)]


def test_removing_an_image_from_a_product_deletes_row_and_file(manager_a, shop_a, django_capture_on_commit_callbacks):
    image = manager_a.post(IMAGES, {"image": image_upload()}).json()
    product = manager_a.post(
        "/api/v1/manage/products", {"title": "Lamp", "images": [image["id"]]}, content_type="application/json"
    ).json()
    with tenant_context(shop_a):
        path = Path(django_settings.MEDIA_ROOT) / ProductImage.objects.get(pk=image["id"]).image.name

    with django_capture_on_commit_callbacks(execute=True):
        response = manager_a.patch(
            f"/api/v1/manage/products/{product['id']}", {"images": []}, content_type="application/json"
        )

    assert response.json()["images"] == []
    assert image_count(shop_a) == 0
    assert not path.exists()


@pytest.mark.parametrize(
    ("upload", "message_part"),
    [
        (SimpleUploadedFile("evil.png", b"<?php echo 1; ?>" * 10, content_type="image/png"), "无法识别的图片"),
        (SimpleUploadedFile("anim.png", image_bytes("GIF"), content_type="image/png"), "只支持 JPEG、PNG、WebP"),
        (SimpleUploadedFile("tiny.png", image_bytes("PNG", (20, 20))), "（这张是 20×20）"),
        (SimpleUploadedFile("huge.png", image_bytes("PNG", (6001, 64))), "（这张是 6001×64）"),
    ],
)
def test_bad_images_are_refused_by_content_not_name(manager_a, shop_a, upload, message_part):
    response = manager_a.post(IMAGES, {"image": upload})

    assert response.status_code == 400
    assert message_part in response.json()["errors"]["image"][0]
    assert image_count(shop_a) == 0


def test_oversized_image_is_refused(manager_a, shop_a, settings):
    settings.CATALOG_MAX_IMAGE_BYTES = 1024
    upload = SimpleUploadedFile("big.jpg", image_bytes("PNG", (400, 400), "blue") + b"\0" * 2048)

    response = manager_a.post(IMAGES, {"image": upload})

    assert response.status_code == 400
    assert response.json()["errors"]["image"] == ["图片不能超过 1 KB。"]
    assert image_count(shop_a) == 0


def test_an_image_of_shop_b_cannot_be_attached_on_shop_a(manager_a, shop_a, shop_b, owner_b_client):
    foreign = owner_b_client.post(IMAGES, {"image": image_upload()}).json()
    with tenant_context(shop_a):
        assert not ProductImage.objects.filter(pk=foreign["id"]).exists()

    response = manager_a.post(
        "/api/v1/manage/products", {"title": "x", "images": [foreign["id"]]}, content_type="application/json"
    )

    assert response.status_code == 400
    assert "images.0" in response.json()["errors"]
    with tenant_context(shop_b):
        assert ProductImage.objects.get(pk=foreign["id"]).product_id is None


def test_an_image_already_used_by_another_product_is_refused(manager_a):
    image = manager_a.post(IMAGES, {"image": image_upload()}).json()
    body = {"title": "A", "images": [image["id"]]}
    assert manager_a.post("/api/v1/manage/products", body, content_type="application/json").status_code == 201

    again = manager_a.post("/api/v1/manage/products", {**body, "title": "B"}, content_type="application/json")

    assert again.status_code == 400
    assert "images.0" in again.json()["errors"]


def test_upload_to_a_product_appends_it(manager_a):
    product = manager_a.post("/api/v1/manage/products", {"title": "A"}, content_type="application/json").json()
    url = f"/api/v1/manage/products/{product['id']}/images"

    positions = [manager_a.post(url, {"image": image_upload()}).json()["position"] for _ in range(2)]

    assert positions == [0, 1]
    assert len(manager_a.get(f"/api/v1/manage/products/{product['id']}").json()["images"]) == 2


def test_brand_logo_upload(manager_a, shop_a, finance_a):
    brand = manager_a.post("/api/v1/manage/brands", {"name": "ACME"}, content_type="application/json").json()

    assert finance_a.post(f"/api/v1/manage/brands/{brand['id']}/logo", {"image": image_upload()}).status_code == 403
    response = manager_a.post(f"/api/v1/manage/brands/{brand['id']}/logo", {"image": image_upload()})

    assert response.status_code == 200
    assert response.json()["logo_url"].startswith("/media/shops/test_alpha/brands/")
    with tenant_context(shop_a):
        assert Brand.objects.get(pk=brand["id"]).logo.name.startswith("shops/test_alpha/brands/")
