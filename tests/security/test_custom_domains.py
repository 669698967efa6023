"""Item 6: a custom domain is never an IP address in disguise (the verifier would fetch that address)."""

import pytest

from shared_apps.accounts.services import issue_token
from shared_apps.tenancy.models import CustomDomain
from shared_apps.tenancy.validators import is_ip_address

from ..conftest import host_client, staff_of

DOMAINS = "/api/v1/manage/domains"
NUMERIC = [
    "0x1.0x1",  # 1.0.0.1 to inet_aton and to browsers
    "0x7f.0x1",
    "0x7f000001.0x0",
    "0177.0.0.1",  # octal 127.0.0.1
    "017700000001.0",
    "127.1",  # short form
    "10.1.1",
    "1.0x1",
    "127.0.0.1",
    "shop.123",  # a numeric last label is an IPv4 to the URL standard
    "shop.0x1f",
    "shop.0X1F",
]


@pytest.fixture
def owner(shop_a):
    return host_client(shop_a, issue_token(user=staff_of(shop_a)))


@pytest.mark.parametrize("domain", NUMERIC)
def test_numeric_hosts_are_refused_and_nothing_is_stored(owner, domain):
    response = owner.post(DOMAINS, {"domain": domain}, "application/json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["domain"]
    assert CustomDomain.objects.count() == 0


@pytest.mark.parametrize("domain", ["0x1.example.com", "123.example.com", "shop-0x1.com", "0x.com"])
def test_names_that_merely_contain_numbers_are_accepted(owner, domain):
    assert owner.post(DOMAINS, {"domain": domain}, "application/json").status_code == 201


@pytest.mark.parametrize("host", [*NUMERIC, "2130706433", "::1", "[::1]", "::ffff:127.0.0.1", "[2001:db8::1]", "1.1."])
def test_is_ip_address_reads_every_numeric_spelling(host):
    assert is_ip_address(host) is True


@pytest.mark.parametrize("host", ["example.com", "shop.example.com", "xn--fiqs8s.cn", "a1.b2.cn"])
def test_is_ip_address_leaves_names_alone(host):
    assert is_ip_address(host) is False
