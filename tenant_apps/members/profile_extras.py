"""Profile extras: other shop apps add fields to GET /api/v1/store/me without members importing them.

    register_profile_extra("loyalty", provider=lambda member: {"level": ...}, fields=lambda: {"level": CharField()})

`provider(member)` returns the extra keys for the member; `fields()` returns DRF fields describing them (for the
OpenAPI schema). Register from AppConfig.ready().
"""

from collections.abc import Callable
from typing import Any

Provider = Callable[[Any], dict[str, Any]]
FieldsFactory = Callable[[], dict[str, Any]]
_extras: dict[str, tuple[Provider, FieldsFactory]] = {}


def register_profile_extra(name: str, *, provider: Provider, fields: FieldsFactory) -> None:
    _extras[name] = (provider, fields)


def unregister_profile_extra(name: str) -> None:
    _extras.pop(name, None)


def profile_extras(member) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name in sorted(_extras):
        found.update(_extras[name][0](member))
    return found


def profile_extra_fields() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name in sorted(_extras):
        found.update(_extras[name][1]())
    return found
