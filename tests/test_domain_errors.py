"""Services raise domain errors (micromall.errors); only the API layer knows DRF."""

import ast
from pathlib import Path

import pytest
from django import forms

from micromall.admin_forms import add_errors, error_text
from micromall.api.errors import exception_handler
from micromall.errors import Conflict, Invalid

ROOT = Path(__file__).resolve().parent.parent
APP_ROOTS = ["shared_apps", "tenant_apps", "billing"]
FORBIDDEN = ("rest_framework", "micromall.api")


def service_and_selector_modules() -> list[Path]:
    found = []
    for root in APP_ROOTS:
        for path in (ROOT / root).rglob("*.py"):
            parts = path.relative_to(ROOT).parts
            if "services" in parts[:-1] or path.stem in ("services", "selectors"):
                found.append(path)
    return found


def imported_modules(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_the_scan_sees_the_catalog_services():
    names = {str(p.relative_to(ROOT)) for p in service_and_selector_modules()}
    assert {"tenant_apps/catalog/services/products.py", "tenant_apps/catalog/selectors.py"} <= names


@pytest.mark.parametrize("path", service_and_selector_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_services_or_selectors_module_imports_drf(path):
    bad = [name for name in imported_modules(path) if name.startswith(FORBIDDEN)]
    assert bad == [], f"{path.relative_to(ROOT)} imports {bad}: raise micromall.errors instead"


def test_the_api_maps_a_domain_error_to_the_contract_shape():
    response = exception_handler(Conflict("库存不足", sku_id=7), {})
    assert (response.status_code, response.data) == (409, {"detail": "库存不足", "sku_id": 7})
    response = exception_handler(Invalid(errors={"skus.0.price_amount": ["太低"]}), {})
    assert (response.status_code, response.data) == (400, {"errors": {"skus.0.price_amount": ["太低"]}})


class CategoryForm(forms.Form):
    name = forms.CharField()
    slug = forms.CharField(required=False)


def test_the_back_office_maps_a_domain_error_to_form_errors():
    form = CategoryForm(data={"name": "茶", "slug": "tea"})
    assert form.is_valid()

    add_errors(form, Invalid("整体", errors={"slug": ["已被使用"], "parent.depth": ["太深"]}))

    assert form.errors == {"slug": ["已被使用"], "__all__": ["整体", "parent.depth: 太深"]}
    assert error_text(Invalid(errors={"slug": ["已被使用"]})) == "slug: 已被使用"


def test_service_fields_are_renamed_to_the_form_fields_that_hold_them():
    form = CategoryForm(data={"name": "茶", "slug": "tea"})
    assert form.is_valid()

    add_errors(form, Invalid(errors={"title": ["太长"], "title.0": ["重复"]}), {"title": "name"})

    assert form.errors == {"name": ["太长", "title.0: 重复"]}
