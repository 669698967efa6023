"""Item 2: a shop host never serves another shop's media, however the path spells `..`."""

import pytest

from ..catalog.conftest import image_upload, role_client

IMAGES = "/api/v1/manage/images"


@pytest.fixture
def b_file(shop_b) -> str:
    """The path of an image uploaded by shop B, below its own folder: `products/<name>.png`."""
    client, _ = role_client(shop_b, "owner")
    url = client.post(IMAGES, {"image": image_upload("b.png")}).json()["url"]
    prefix = "/media/shops/test_beta/"
    assert url.startswith(prefix)
    return url.removeprefix(prefix)


def test_shop_b_serves_its_own_file(client_b, b_file):
    assert client_b.get(f"/media/shops/test_beta/{b_file}").status_code == 200


@pytest.mark.parametrize(
    "spelling",
    [
        "/media/shops/test_alpha/../test_beta/{f}",
        "/media/shops/test_alpha/%2e%2e/test_beta/{f}",
        "/media/shops/test_alpha/%2E%2E/test_beta/{f}",
        "/media/shops/test_alpha/..%2ftest_beta/{f}",
        "/media/shops/test_alpha/..%2Ftest_beta/{f}",
        "/media/shops/test_alpha/%2e%2e%2ftest_beta/{f}",
        "/media/shops/test_alpha/products/../../test_beta/{f}",
        "/media/shops/test_alpha/..%5ctest_beta/{f}",
        "/media/shops/test_alpha/./../test_beta/{f}",
    ],
)
def test_shop_a_host_does_not_serve_shop_b_file(client_a, b_file, spelling):
    response = client_a.get(spelling.format(f=b_file))

    assert response.status_code == 404


def test_a_harmless_dot_in_shop_a_own_path_still_serves_its_file(manager_a, client_a):
    url = manager_a.post(IMAGES, {"image": image_upload("a.png")}).json()["url"]
    folder, name = url.rsplit("/", 1)

    assert client_a.get(f"{folder}/./{name}").status_code == 200
