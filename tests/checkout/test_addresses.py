"""Address book: mainland mobile numbers, provinces, one default per member, isolation."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from tenant_apps.checkout.models import Address
from tenant_apps.checkout.services import create_address
from tenant_apps.members.models import Member
from tests.conftest import host_client

pytestmark = pytest.mark.django_db
URL = "/api/v1/store/addresses"
HOME = {
    "name": "安安",
    "phone": "138 1234 5678",
    "province": "浙江省",
    "city": "杭州市",
    "district": "西湖区",
    "line1": "文三路 1 号",
    "postal_code": "310000",
}


def post(client, body):
    return client.post(URL, body, content_type="application/json")


def test_first_address_is_the_default_and_default_moves(shop_a, shopper_a):
    client, member = shopper_a
    first = post(client, HOME)
    assert first.status_code == 201, first.json()
    body = first.json()
    assert {k: body[k] for k in ("phone", "province", "is_default", "postal_code")} == {
        "phone": "13812345678",
        "province": "浙江",
        "is_default": True,
        "postal_code": "310000",
    }
    second = post(client, {**HOME, "line1": "公司", "is_default": True}).json()
    assert second["is_default"] is True
    listing = client.get(URL).json()
    assert listing["count"] == 2
    assert [(a["line1"], a["is_default"]) for a in listing["results"]] == [("公司", True), ("文三路 1 号", False)]

    assert client.post(f"{URL}/{body['id']}/default").json()["is_default"] is True
    patched = client.patch(f"{URL}/{second['id']}", {"city": "宁波市"}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["city"] == "宁波市"
    # Deleting the default promotes the newest remaining address.
    assert client.delete(f"{URL}/{body['id']}").status_code == 204
    with tenant_context(shop_a):
        assert list(Address.objects.filter(member=member).values_list("line1", "is_default")) == [("公司", True)]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"phone": "12812345678"}, "phone"),
        ({"phone": "1381234567"}, "phone"),
        ({"phone": "+8613812345678"}, "phone"),
        ({"phone": 13812345678}, "phone"),
        ({"province": "加州"}, "province"),
        ({"name": ""}, "name"),
        ({"line1": "x" * 201}, "line1"),
        ({"postal_code": "31000"}, "postal_code"),
        ({"is_default": "yes"}, "is_default"),
        ({"city": None}, "city"),
        ({"colour": "red"}, "colour"),
        # found by a review helper: a 500 (a lone surrogate cannot be stored), and digits of other scripts taken
        ({"name": "张\ud800三"}, "name"),
        ({"line1": "x\udfff"}, "line1"),
        ({"phone": "138００１３８０００"}, "phone"),
        ({"postal_code": "٣١٠٠٠٠"}, "postal_code"),
    ],
)
def test_bad_addresses_are_refused_with_field_messages(shop_a, shopper_a, change, field):
    client, _member = shopper_a
    response = post(client, {**HOME, **change})
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    with tenant_context(shop_a):
        assert not Address.objects.exists()


def test_the_phone_message_says_what_a_mobile_number_is(shopper_a):
    client, _member = shopper_a
    message = post(client, {**HOME, "phone": "12345"}).json()["errors"]["phone"][0]
    assert "1" in message and "11" in message


def test_missing_fields_are_listed(shopper_a):
    client, _member = shopper_a
    errors = post(client, {"name": "x"}).json()["errors"]
    assert set(errors) == {"phone", "province", "city", "district", "line1"}


def test_isolation_tokens_hosts_and_other_members(shop_a, shop_b, shopper_a, other_shopper_a, shopper_b):
    (ann, _m), (bob, _m2), (cat, _m3) = shopper_a, other_shopper_a, shopper_b
    address_id = post(ann, HOME).json()["id"]
    # No token, and A's member token on B's host: 401, nothing listed.
    assert host_client(shop_a).get(URL).status_code == 401
    assert post(host_client(shop_a), HOME).status_code == 401
    ann_token = ann.defaults["HTTP_AUTHORIZATION"].split()[1]
    assert host_client(shop_b, ann_token).get(URL).status_code == 401
    # Another member of the same shop, and a member of shop B: 404 for A's address, nothing changed.
    for other in (bob, cat):
        assert other.get(f"{URL}/{address_id}").status_code == 404
        assert other.patch(f"{URL}/{address_id}", {"city": "x"}, content_type="application/json").status_code == 404
        assert other.delete(f"{URL}/{address_id}").status_code == 404
        assert other.post(f"{URL}/{address_id}/default").status_code == 404
        assert other.get(URL).json()["count"] == 0
    with tenant_context(shop_a):
        assert Address.objects.get(pk=address_id).city == "杭州市"


@pytest.mark.django_db(transaction=True)
def test_two_first_addresses_at_once_leave_exactly_one_default(shop_a):
    """Two requests racing to create a member's first address: both succeed, one default (real DB, threads)."""
    with tenant_context(shop_a):
        member = Member.objects.create(email="race@example.com", password="!")
    barrier = Barrier(2)

    def create(line1: str):
        try:
            with tenant_context(shop_a):
                barrier.wait(timeout=10)
                return create_address(member=member, data={**HOME, "line1": line1}).pk
        finally:
            connection.close()

    try:
        with ThreadPoolExecutor(2) as pool:
            ids = list(pool.map(create, ["甲", "乙"]))
        with tenant_context(shop_a):
            assert Address.objects.filter(pk__in=ids).count() == 2
            assert Address.objects.filter(member=member, is_default=True).count() == 1
    finally:
        with tenant_context(shop_a):
            Member.objects.filter(pk=member.pk).delete()
