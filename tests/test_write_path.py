"""Every write goes through a service: an AST scan of the code for ORM writes outside services modules, and a
check that back-office screens which can write do it through services instead of Django's default ORM save."""

import ast
from pathlib import Path

import pytest
from django.contrib import admin as django_admin
from django_tenants.utils import tenant_context

from shared_apps.tenancy.interface import shop_admin_site

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ["shared_apps", "tenant_apps", "billing", "platform/micromall", "themes"]
ALWAYS_WRITES = {"bulk_create", "bulk_update", "get_or_create", "update_or_create"}
QUERYSET_CALLS = {"filter", "exclude", "all", "select_for_update", "select_related", "prefetch_related", "order_by"}
# Writers that are services by another name (one concept per module), each a documented writer of its app.
WRITER_MODULES = {
    "shared_apps/tenancy/provisioning.py": "the spare-schema pool (claim, top up, migrate, drop)",
    "shared_apps/tenancy/custom_domains.py": "custom-domain writers (attach, verify, primary, detach)",
    "shared_apps/tenancy/signup.py": "signup: account, shop and token in one transaction",
    "shared_apps/tenancy/autologin.py": "one-time back-office links (single-use nonce rows)",
    "shared_apps/accounts/models.py": "UserManager.create_user, the hook Django's createsuperuser calls",
}


def is_services_module(relative: str) -> bool:
    parts = Path(relative).parts
    return Path(relative).stem == "services" or "services" in parts[:-1] or "migrations" in parts


def chain_names(node: ast.AST) -> list[str]:
    """Attribute and called-method names along a receiver expression: `Sku.objects.filter(...)` -> [objects, filter]."""
    names = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        else:
            return names


def orm_writes(source: str, filename: str = "<code>") -> list[tuple[int, str]]:
    """(line, method) of each call that writes through the ORM. Heuristic, tuned against false positives:
    `.save()`/`.delete()` without positional arguments (a FieldFile's save(name, content) or cache.delete(key)
    has some); `.create(...)`/`.update(...)` on a manager or queryset chain (not dict.update, not Stripe's create)."""
    found = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method, receiver = node.func.attr, chain_names(node.func.value)
        on_queryset = "objects" in receiver or bool(QUERYSET_CALLS & set(receiver))
        if (
            method in ALWAYS_WRITES
            or (method in ("save", "delete") and not node.args)
            or (method in ("create", "update") and on_queryset)
        ):
            found.append((node.lineno, method))
    return found


def scanned_files() -> list[str]:
    files = []
    for root in SCANNED:
        for path in sorted((ROOT / root).rglob("*.py")):
            relative = str(path.relative_to(ROOT))
            if not is_services_module(relative) and relative not in WRITER_MODULES and "/_tools/" not in relative:
                files.append(relative)
    return files


def test_the_scan_finds_each_kind_of_write():
    code = """
Sku.objects.create(code="x")
Sku.objects.filter(pk=1).update(price_amount=0)
product.save()
product.delete()
Product.objects.bulk_create([])
Brand.objects.get_or_create(name="x")
image.image.save("a.jpg", upload, save=False)
cache.delete("key")
context.update(page=2)
stripe.PaymentIntent.create(amount=1)
"""
    assert [method for _, method in orm_writes(code)] == [
        "create", "update", "save", "delete", "bulk_create", "get_or_create",
    ]  # fmt: skip


def test_services_migrations_and_tests_are_where_writes_may_be():
    assert is_services_module("tenant_apps/catalog/services/products.py")
    assert is_services_module("tenant_apps/members/services.py")
    assert is_services_module("tenant_apps/catalog/migrations/0002_search_document.py")
    assert not is_services_module("tenant_apps/catalog/admin.py")
    assert "tenant_apps/catalog/admin.py" in scanned_files()
    assert "tenant_apps/catalog/interface.py" in scanned_files()


@pytest.mark.parametrize("relative", scanned_files())
def test_no_orm_write_outside_services(relative):
    writes = orm_writes((ROOT / relative).read_text(), relative)
    assert writes == [], f"{relative} writes through the ORM at {writes}: call a service instead"


def screens():
    for site in (shop_admin_site, django_admin.site):
        for model, model_admin in site._registry.items():
            if model._meta.app_label in ("auth", "accounts"):
                continue  # Django's own user screens (password hashing, permissions); accounts has no rules of its own
            yield pytest.param(model_admin, id=f"{site.name}:{model._meta.label}")


@pytest.mark.parametrize("model_admin", list(screens()))
def test_back_office_screens_that_write_call_services(model_admin, rf, shop_a):
    """A screen that may add, change or delete overrides the writer Django would use (ModelAdmin's ORM save),
    and its inlines are read-only or saved by the screen itself."""
    request = rf.get("/")
    request.user = type("Superuser", (), {"is_active": True, "is_staff": True, "is_superuser": True, "pk": 1})()
    request.user.has_perm = lambda *args, **kwargs: True
    request._shop_role_for = (1, "owner")  # the broadest shop role
    model_admin_class = type(model_admin)

    def overrides(name: str) -> bool:
        return getattr(model_admin_class, name) is not getattr(django_admin.ModelAdmin, name)

    with tenant_context(shop_a):  # shop screens look at their shop's rows (e.g. the settings singleton)
        check_writers(model_admin, request, overrides)


def check_writers(model_admin, request, overrides) -> None:
    model_admin_class = type(model_admin)
    if model_admin.has_add_permission(request) or model_admin.has_change_permission(request):
        custom_screens = overrides("add_view") and overrides("change_view")  # their own forms calling services
        assert overrides("save_model") or custom_screens, f"{model_admin_class.__name__} saves through the ORM"
        for inline in model_admin.get_inline_instances(request):
            writable = inline.has_add_permission(request, None) or inline.has_change_permission(request)
            assert not writable or overrides("save_related"), f"{type(inline).__name__} saves through the ORM"
    if model_admin.has_delete_permission(request):
        assert overrides("delete_model"), f"{model_admin_class.__name__} deletes through the ORM"
        assert overrides("delete_queryset"), f"{model_admin_class.__name__} bulk-deletes through the ORM"
