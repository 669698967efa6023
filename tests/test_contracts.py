"""The import-linter contracts (pyproject.toml) cover every app, so a new app cannot reach another's internals."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def contract(name_start: str) -> dict:
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    return next(c for c in contracts if c["name"].startswith(name_start))


def apps_under(package: str) -> set[str]:
    return {f"{package}.{path.parent.name}" for path in (ROOT / package).glob("*/apps.py")}


def test_every_tenant_app_meets_the_others_only_through_their_interface():
    independence = contract("Tenant apps meet only through")
    assert independence["type"] == "independence"
    assert set(independence["modules"]) == apps_under("tenant_apps")
    assert independence["ignore_imports"] == ["tenant_apps.** -> tenant_apps.*.interface"]


def test_every_public_app_meets_the_others_only_through_their_interface():
    independence = contract("Public apps meet only through")
    assert set(independence["modules"]) == apps_under("shared_apps") | {"billing"}


def test_no_hidden_importlib_edges_between_apps():
    for root in ("shared_apps", "tenant_apps", "billing"):
        for path in (ROOT / root).rglob("*.py"):
            assert "import_module(" not in path.read_text(), f"{path}: import the interface module instead"
