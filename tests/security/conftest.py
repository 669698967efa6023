"""Security regression tests (issue 7, items 1-7): media in a temp dir, helpers shared by the files here."""

import pytest

from ..catalog.conftest import eager_celery  # noqa: F401 - the catalog's fixture, used here too


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
