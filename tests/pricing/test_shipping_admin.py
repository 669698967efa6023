"""Back office 运费模板: the form saves through pricing.services and shows their refusals as form errors."""

import pytest
from django_tenants.utils import tenant_context

from tenant_apps.pricing.models import ShippingTemplate
from tests.catalog.test_admin import signed_in

pytestmark = pytest.mark.django_db
ADD = "/admin/pricing/shippingtemplate/add/"


def form(**extra):
    return {
        "name": "标准运费",
        "kind": "flat",
        "flat_fee_amount": "800",
        "first_weight_grams": "1000",
        "first_fee_amount": "0",
        "additional_weight_grams": "1000",
        "additional_fee_amount": "0",
        "free_over_amount": "9900",
        "province_surcharges": '{"新疆维吾尔自治区": 1500}',
        **extra,
    }


def test_owner_adds_a_template_that_becomes_the_default(shop_a):
    client = signed_in(shop_a)
    assert client.get("/admin/pricing/shippingtemplate/").status_code == 200
    assert client.get(ADD).status_code == 200
    response = client.post(ADD, form())
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_context(shop_a):
        template = ShippingTemplate.objects.get()
    assert (template.is_default, template.province_surcharges, template.free_over_amount) == (
        True,
        {"新疆": 1500},
        9900,
    )
    assert "¥8.00" in client.get("/admin/pricing/shippingtemplate/").content.decode()


def test_a_refused_template_is_a_form_error_and_nothing_is_saved(shop_a):
    client = signed_in(shop_a)
    response = client.post(ADD, form(province_surcharges='{"火星": 100}'))
    assert response.status_code == 200
    assert "火星" in response.content.decode()
    with tenant_context(shop_a):
        assert not ShippingTemplate.objects.exists()


def test_staff_cannot_change_templates(shop_a):
    client = signed_in(shop_a, "staff")
    assert client.post(ADD, form()).status_code == 403
    with tenant_context(shop_a):
        assert not ShippingTemplate.objects.exists()
