"""Item 1: back-office login links cannot be forged, and nothing serves with a public SECRET_KEY."""

import importlib.util
import os
import runpy
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.core import signing
from django.db import connection
from django.test import Client

from micromall.celery import _refuse_unsafe_configuration
from micromall.startup_checks import refuse_unsafe_secret_key
from shared_apps.tenancy import autologin
from shared_apps.tenancy.autologin import login_link, redeem

from ..conftest import staff_of

ROOT = Path(__file__).resolve().parents[2]


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["t"][0]


def signed_in_after(token: str) -> bool:
    browser = Client(HTTP_HOST="alpha.localhost")
    browser.get(f"/admin/auto-login?{urlencode({'t': token})}")
    return browser.get("/admin/").status_code == 200


def test_a_token_signed_with_the_known_key_but_never_issued_is_refused(shop_a):
    owner = staff_of(shop_a)
    # the attacker knows SECRET_KEY (the default one is in the repository) and the salt
    forged = signing.dumps({"u": owner.pk, "s": shop_a.pk, "n": "chosen-by-the-attacker"}, salt=autologin.SALT)

    assert signed_in_after(forged) is False


def test_an_issued_nonce_cannot_be_reused_for_another_user(shop_a):
    owner, clerk = staff_of(shop_a), staff_of(shop_a, "staff")
    link = login_link(user=clerk, shop=shop_a)
    nonce = signing.loads(token_of(link), salt=autologin.SALT)["n"]
    forged = signing.dumps({"u": owner.pk, "s": shop_a.pk, "n": nonce}, salt=autologin.SALT)

    assert signed_in_after(forged) is False
    # and the failed forgery did not burn the clerk's real link
    browser = Client(HTTP_HOST="alpha.localhost")
    assert browser.get(path_of(link))["Location"] == "/admin/"


@pytest.mark.django_db(transaction=True)
def test_concurrent_redemptions_of_one_link_sign_in_once(shop_a):
    owner = staff_of(shop_a)
    token = token_of(login_link(user=owner, shop=shop_a))

    def attempt(_):
        try:
            return redeem(token=token, shop=shop_a)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(attempt, range(8)))

    assert [user.pk for user in results if user is not None] == [owner.pk]


def python(code: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}}
    base["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "platform")])
    return subprocess.run(
        [sys.executable, "-c", code], env={**base, **env}, cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def test_the_web_server_refuses_the_repository_key_because_debug_defaults_off():
    result = python("import micromall.wsgi")

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is empty or is the development key" in result.stderr


def test_debug_defaults_off_and_a_key_of_our_own_is_accepted(monkeypatch, settings):
    monkeypatch.delenv("DEBUG", raising=False)
    assert runpy.run_path(str(ROOT / "platform" / "micromall" / "settings.py"))["DEBUG"] is False

    settings.DEBUG, settings.SECRET_KEY = False, "k" * 50
    refuse_unsafe_secret_key()  # no exception


def test_celery_worker_and_beat_refuse_the_repository_key(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = settings.DEV_SECRET_KEY

    with pytest.raises(SystemExit, match="SECRET_KEY"):
        _refuse_unsafe_configuration()

    settings.SECRET_KEY = "a-key-of-our-own-" * 3
    _refuse_unsafe_configuration()  # no exit


def load_run_py(data_dir: Path):
    spec = importlib.util.spec_from_file_location("micromall_run_under_test", ROOT / "deploy" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.DATA = data_dir
    return module


def test_make_run_generates_a_private_key_once_per_data_folder(tmp_path, settings):
    run = load_run_py(tmp_path)

    first = run.secret_key()

    assert run.secret_key() == first  # kept across restarts
    assert (tmp_path / "secret-key.txt").stat().st_mode & 0o777 == 0o600
    assert len(first) >= 50 and first != settings.DEV_SECRET_KEY
    (tmp_path / "other").mkdir()
    assert load_run_py(tmp_path / "other").secret_key() != first  # one key per data folder
