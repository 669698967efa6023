"""The OpenAPI schema of both URL roots generates without a warning, with every endpoint tagged by area."""

import pytest
import yaml
from django.core.management import call_command

AREAS = {"store", "manage", "platform", "ops"}


@pytest.mark.parametrize("urlconf", ["micromall.urls_shop", "micromall.urls_public"])
def test_schema_generates_without_warnings_and_tags_each_operation_by_area(urlconf, tmp_path):
    target = tmp_path / "schema.yaml"

    # --fail-on-warn turns any drf-spectacular warning (operationId or enum name clash...) into an error
    call_command("spectacular", urlconf=urlconf, file=str(target), fail_on_warn=True, validate=True)

    schema = yaml.safe_load(target.read_text())
    tags = {path: op["tags"] for path, ops in schema["paths"].items() for op in ops.values() if "tags" in op}
    assert tags and all(len(t) == 1 and t[0] in AREAS for t in tags.values())
    assert all(t == ["store"] for path, t in tags.items() if path.startswith("/api/v1/store/"))
    assert all(t == ["manage"] for path, t in tags.items() if path.startswith("/api/v1/manage/"))
    operation_ids = [op["operationId"] for ops in schema["paths"].values() for op in ops.values()]
    assert len(operation_ids) == len(set(operation_ids))
    assert not [name for name in schema["components"]["schemas"] if name.startswith("Status") and "Enum" in name]
