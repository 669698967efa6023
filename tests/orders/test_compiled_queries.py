"""micromall.compiled on the order path's models: the same rows and instances as the ORM, in a shop's schema."""

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from micromall.compiled import CompiledInsert, CompiledQuery, build
from tenant_apps.checkout.models import Address
from tenant_apps.orders.models import Order, OrderLine
from tenant_apps.pricing.models import ShippingTemplate

from .conftest import place

ADDRESS = CompiledQuery(lambda pk, member_id: Address.objects.filter(pk=pk, member_id=member_id).order_by("pk")[:1])
TEMPLATES = CompiledQuery(lambda: ShippingTemplate.objects.filter(is_default=False).order_by("pk"))


def test_a_compiled_query_binds_its_parameters_and_builds_the_orms_instances(shop_a, buyer_a, buyer_a2):
    with tenant_context(shop_a):
        found = ADDRESS.first(buyer_a.address_id, buyer_a.member.pk)
        expected = Address.objects.get(pk=buyer_a.address_id)

        assert found is not None and not found._state.adding and found._state.db == "default"
        assert [(f.attname, getattr(found, f.attname)) for f in Address._meta.concrete_fields] == [
            (f.attname, getattr(expected, f.attname)) for f in Address._meta.concrete_fields
        ]
        assert ADDRESS.first(buyer_a.address_id, buyer_a2.member.pk) is None  # another member's address
        assert ADDRESS.first(buyer_a2.address_id, buyer_a2.member.pk).pk == buyer_a2.address_id


def test_a_compiled_query_applies_the_field_converters(shop_a):
    with tenant_context(shop_a):
        ShippingTemplate.objects.create(name="偏远", province_surcharges={"新疆": 1500})

        (template,) = TEMPLATES.all()

        assert template.province_surcharges == {"新疆": 1500}  # JSON decoded, as the ORM gives it


def test_a_compiled_query_refuses_what_it_cannot_rebuild(shop_a):
    joined = CompiledQuery(lambda pk: Address.objects.select_related("member").filter(pk=pk))
    partial = CompiledQuery(lambda pk: Address.objects.filter(pk=pk).only("name"))

    with tenant_context(shop_a):
        with pytest.raises(ValueError):
            joined.all(1)
        with pytest.raises(ValueError):
            partial.all(1)


def test_a_compiled_insert_writes_what_the_orm_would(shop_a, catalog_a, buyer_a):
    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]
    with tenant_context(shop_a):
        order = Order.objects.get(pk=order_id)
        copies = [
            OrderLine(order=order, sku_id=catalog_a.tea.pk, product_id=catalog_a.tea.product_id, title=f"副本 {n}",
                      specs={"规格": "250g"}, quantity=n, unit_price_amount=100, subtotal_amount=100 * n,
                      total_amount=100 * n, allocations=[{"kind": "test"}])
            for n in (1, 2)
        ]  # fmt: skip

        CompiledInsert(OrderLine).insert(copies)

        assert all(line.pk and not line._state.adding for line in copies)
        stored = {line.pk: line for line in OrderLine.objects.filter(pk__in=[line.pk for line in copies])}
        for line in copies:
            assert (stored[line.pk].title, stored[line.pk].specs, stored[line.pk].quantity) == (
                line.title, {"规格": "250g"}, line.quantity,
            )  # fmt: skip
            assert stored[line.pk].allocations == [{"kind": "test"}]


def test_an_insert_select_writes_typed_values_and_refuses_an_overlong_text(shop_a, catalog_a, buyer_a):
    """The SELECT form casts each value to its column's type (JSON, dates), but never to varchar(n), which would
    cut an over-long text silently: the column refuses it as an INSERT ... VALUES would."""
    from django.db import DataError, transaction

    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]
    insert = CompiledInsert(OrderLine)
    with tenant_context(shop_a):

        def copy(title: str) -> OrderLine:
            line = OrderLine(order_id=order_id, sku_id=catalog_a.tea.pk, product_id=catalog_a.tea.product_id,
                             title=title, specs={"规格": "250g"}, quantity=2, unit_price_amount=100,
                             subtotal_amount=200, total_amount=200, allocations=[{"kind": "test"}])  # fmt: skip
            sql = insert.insert_select("(SELECT 1) AS one", {}, connection)
            with connection.cursor() as cursor:
                cursor.execute(sql, insert.params(line, connection))
                insert.returned(line, cursor.fetchone())
            return line

        line = copy("副本")
        stored = OrderLine.objects.get(pk=line.pk)
        assert (stored.title, stored.specs, stored.allocations, stored.quantity) == (
            "副本", {"规格": "250g"}, [{"kind": "test"}], 2,
        )  # fmt: skip
        too_long = "长" * (OrderLine._meta.get_field("title").max_length + 1)
        with pytest.raises(DataError), transaction.atomic():
            copy(too_long)


def test_the_plain_value_shortcut_sends_exactly_what_the_orm_prepares(shop_a, catalog_a, buyer_a):
    order_id = place(buyer_a, (catalog_a.tea.pk, 1)).json()["id"]
    with tenant_context(shop_a):
        order = Order.objects.get(pk=order_id)
        line = OrderLine.objects.filter(order=order).first()
        for instance in (order, line):
            insert = CompiledInsert(type(instance))
            assert any(insert._plain) and not all(insert._plain)  # integers, texts, flags; not dates or JSON
            for field, plain in zip(insert._fields, insert._plain, strict=True):
                value = getattr(instance, field.attname)
                if plain and type(value) in (int, str, bool, type(None)):
                    assert field.get_db_prep_save(field.pre_save(instance, True), connection) == value, field.name


def test_order_numbers_past_six_digits_keep_every_digit(shop_a, catalog_a, buyer_a):
    def jump(value):
        with tenant_context(shop_a), connection.cursor() as cursor:
            cursor.execute("SELECT last_value FROM orders_order_number_seq")
            (before,) = cursor.fetchone()
            cursor.execute("SELECT setval('orders_order_number_seq', %s)", [value])
        return before

    before = jump(1_234_566)
    try:
        number = place(buyer_a, (catalog_a.tea.pk, 1)).json()["number"]
    finally:
        jump(max(before, 1_234_567))  # never back: a sequence must not repeat a number

    assert number.endswith("1234567") and len(number) == 8 + 7


def test_build_makes_the_instance_the_keyword_constructor_makes(shop_a, buyer_a, django_assert_num_queries):
    from django.utils import timezone

    from tenant_apps.members.models import Member

    with tenant_context(shop_a):
        member = Member.objects.get(pk=buyer_a.member.pk)
        values = dict(
            number="20261203", status="pending_payment", currency="CNY", subtotal_amount=100, discount_amount=0,
            shipping_amount=0, total_amount=100, applied=[], note="备注", address_id=7, pay_deadline=timezone.now(),
        )  # fmt: skip
        expected = Order(member=member, **values)
        made = build(Order, member=member, **values)

        def fields(order):
            return {field.attname: getattr(order, field.attname) for field in Order._meta.concrete_fields}

        assert fields(made) == fields(expected)  # the named fields, and every other at its default
        assert made._state.adding and made.pk is None
        with django_assert_num_queries(0):
            assert made.member is member  # cached, as assignment caches it
        line = build(OrderLine, order=made, sku_id=1, product_id=2, title="茶", quantity=1)
        assert (line.order_id, line.is_gift, line.allocations) == (None, False, [])
        with pytest.raises(TypeError, match="no field named colour"):
            build(OrderLine, colour="红")
