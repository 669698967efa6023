"""Checkout fixtures: products (via the storefront helpers), members with tokens, clients per host."""

import pytest
from django_tenants.utils import tenant_context

from tenant_apps.members.services import issue_member_token, register_member
from tests.conftest import host_client
from tests.storefront.conftest import make_product

__all__ = ["make_product"]


def member_client(shop, login: str):
    """(client with the member's token on `shop`'s host, member)."""
    with tenant_context(shop):
        member = register_member(email=login, phone=None, password="x-Correct-Horse-42")
        token = issue_member_token(member=member)
    return host_client(shop, token), member


@pytest.fixture
def shopper_a(shop_a):
    return member_client(shop_a, "ann@example.com")


@pytest.fixture
def other_shopper_a(shop_a):
    return member_client(shop_a, "bob@example.com")


@pytest.fixture
def shopper_b(shop_b):
    return member_client(shop_b, "cat@example.com")
