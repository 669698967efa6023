"""Media on S3: real boto3 HTTP calls against a moto server; each shop's keys under its own prefix."""

import urllib.request

import boto3
import pytest
from moto.server import ThreadedMotoServer

from .conftest import image_bytes, image_upload

BUCKET = "micromall-media-test"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}


@pytest.fixture(scope="module")
def moto_server():
    # Port 0: the OS picks a free port, so parallel test workers (and other runs) never collide.
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_media(moto_server, settings):
    s3 = boto3.client("s3", endpoint_url=moto_server, **CREDENTIALS)
    s3.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": moto_server,
                "access_key": CREDENTIALS["aws_access_key_id"],
                "secret_key": CREDENTIALS["aws_secret_access_key"],
                "region_name": CREDENTIALS["region_name"],
                "file_overwrite": False,
            },
        },
    }
    yield s3
    for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        s3.delete_object(Bucket=BUCKET, Key=item["Key"])
    s3.delete_bucket(Bucket=BUCKET)


def test_each_shop_uploads_under_its_own_prefix_and_the_url_serves_the_file(
    moto_server, s3_media, manager_a, owner_b_client
):
    a = manager_a.post("/api/v1/manage/images", {"image": image_upload("a.png")})
    b = owner_b_client.post("/api/v1/manage/images", {"image": image_upload("b.webp", "WEBP", (128, 128))})

    assert (a.status_code, b.status_code) == (201, 201)
    keys = sorted(item["Key"] for item in s3_media.list_objects_v2(Bucket=BUCKET)["Contents"])
    assert len(keys) == 2
    assert keys[0].startswith("shops/test_alpha/products/") and keys[0].endswith(".png")
    assert keys[1].startswith("shops/test_beta/products/") and keys[1].endswith(".webp")

    url = a.json()["url"]
    assert url.startswith(f"{moto_server}/{BUCKET}/shops/test_alpha/products/")
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.read() == image_bytes()
