"""The zh-Hans catalogues are complete, compiled and in step with the code (docs/backoffice.md, "Words")."""

import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from micromall import translations

pytestmark = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed")

CATALOGUES = translations.catalogues()


def test_every_area_has_a_zh_hans_catalogue():
    # <area>/locale/zh_Hans/LC_MESSAGES/django.po -> <area> ("." for the project-level catalogue)
    found = {str(po.parents[3].relative_to(translations.ROOT)) for po in CATALOGUES}

    assert {".", "shared_apps/tenancy", "shared_apps/gallery"} <= found


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(translations.ROOT)))
def test_catalogue_has_no_untranslated_or_fuzzy_entry(po):
    assert translations.unfinished_entries(po) == []
    assert translations.statistics(po)["translated"] > 0


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(translations.ROOT)))
def test_compiled_mo_matches_its_po(po, tmp_path):
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run `manage.py translations --compile-only`"

    translations.compile_catalogue(po, tmp_path / "django.mo")

    assert (tmp_path / "django.mo").read_bytes() == mo.read_bytes(), f"{mo} is stale: recompile it"


def _copy_sources(target: Path) -> None:
    """The translatable files and the catalogues, without media, venv or tests (makemessages walks it all)."""
    root = translations.ROOT

    def ignore(folder, names):
        rel = Path(folder).relative_to(root)
        skipped = {n for n in names if n.startswith(".") or n in {"tests", "bench", "deploy", "docs", "__pycache__"}}
        skipped |= {n for n in names if "demo" in rel.parts or n.endswith((".jpg", ".png", ".svg", ".mo", ".css"))}
        return skipped

    for top in ("platform", "shared_apps", "tenant_apps", "billing", "themes", "locale"):
        if (root / top).exists():
            shutil.copytree(root / top, target / top, ignore=ignore)
    # deploy/'s Python: the messages of `make run` (deploy/run.py)
    for source in (root / "deploy").glob("**/*.py"):
        (target / source.relative_to(root)).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target / source.relative_to(root))


def test_no_string_of_the_code_is_missing_from_the_catalogues(tmp_path, settings):
    # given the code and its catalogues in a scratch copy
    _copy_sources(tmp_path)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        # when makemessages extracts every msgid into them, as `manage.py translations` does
        call_command(
            "makemessages",
            locale=[translations.LANGUAGE],
            extensions=translations.EXTENSIONS,
            ignore_patterns=translations.IGNORE,
            no_location=True,
            verbosity=0,
        )
    finally:
        os.chdir(cwd)

    # then nothing new appears untranslated: every string a person reads has its zh-Hans text committed
    missing = {
        str(po.relative_to(tmp_path)): translations.unfinished_entries(po) for po in translations.catalogues(tmp_path)
    }
    assert {path: ids for path, ids in missing.items() if ids} == {}
    made = {str(po.relative_to(tmp_path)) for po in translations.catalogues(tmp_path)}
    committed = {str(po.relative_to(translations.ROOT)) for po in CATALOGUES}
    assert made == committed


def test_pages_default_to_chinese_and_english_is_selectable(db):
    client = Client(HTTP_HOST="localhost")

    chinese = client.get("/admin/login/").content.decode()
    english = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/admin/login/"})
    chosen = client.get("/admin/login/").content.decode()

    assert "Micromall 平台后台" in chinese
    assert "Micromall operator console" in english and "平台后台" not in english
    assert "Micromall operator console" in chosen
