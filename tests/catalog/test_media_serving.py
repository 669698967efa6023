"""Uploaded images are served on the shop's own host when media live on local disk (`make run` has no nginx)."""

import pytest

from .conftest import image_bytes, image_upload

IMAGES = "/api/v1/manage/images"


@pytest.fixture
def uploaded_url(manager_a) -> str:
    return manager_a.post(IMAGES, {"image": image_upload("a.png")}).json()["url"]


def test_the_shop_host_serves_its_own_uploaded_image(uploaded_url, client_a):
    response = client_a.get(uploaded_url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == image_bytes()


def test_another_shop_host_does_not_serve_the_image(client_b, uploaded_url):
    assert client_b.get(uploaded_url).status_code == 404


def test_the_platform_host_does_not_serve_shop_media(uploaded_url, platform_client):
    assert platform_client.get(uploaded_url).status_code == 404


@pytest.mark.parametrize("path", ["/media/shops/test_alpha/../test_beta/x.png", "/media/shops/test_alpha/none.png"])
def test_traversal_and_missing_files_are_404(uploaded_url, client_a, path):
    assert client_a.get(path).status_code == 404


def test_no_local_serving_when_media_are_on_s3(uploaded_url, client_a, settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage"}}

    assert client_a.get(uploaded_url).status_code == 404
