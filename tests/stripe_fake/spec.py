"""Stripe's published OpenAPI schemas (trimmed copy) and the form decoding the fake needs to validate requests.

Requests arrive form-encoded (`items[0][price]=price_1`, `metadata[order]=7`); they are decoded into nested
values, coerced with the operation's schema (integers, booleans) and validated against it; every object the fake
returns is validated against its resource schema as well.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from pathlib import Path
from urllib.parse import parse_qsl

from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

HERE = Path(__file__).parent
SPEC_URI = "urn:stripe-openapi"
_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


def _openapi_to_jsonschema(node):
    """OpenAPI 3.0 `nullable: true` is not JSON Schema: spell it as `anyOf [schema, null]`."""
    if isinstance(node, dict):
        node = {k: _openapi_to_jsonschema(v) for k, v in node.items()}
        if node.pop("nullable", False):
            return {"anyOf": [node, {"type": "null"}]}
        return node
    if isinstance(node, list):
        return [_openapi_to_jsonschema(v) for v in node]
    return node


@cache
def spec() -> dict:
    raw = json.loads((HERE / "spec_trimmed.json").read_text())
    return _openapi_to_jsonschema(raw)


@cache
def fixtures() -> dict:
    return json.loads((HERE / "fixtures_trimmed.json").read_text())


def fixture(resource: str) -> dict:
    """A fresh copy of Stripe's published example object for `resource`."""
    return copy.deepcopy(fixtures()[resource])


@cache
def _registry() -> Registry:
    return Registry().with_resource(SPEC_URI, Resource(contents=spec(), specification=DRAFT7))


@cache
def _validator(pointer: str) -> Draft7Validator:
    return Draft7Validator({"$ref": f"{SPEC_URI}#{pointer}"}, registry=_registry())


def _pointer(*parts: str) -> str:
    return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def operation(method: str, path_template: str) -> dict:
    return spec()["paths"][path_template][method]


def resource_schema(name: str) -> dict:
    return spec()["components"]["schemas"][name]


def errors_for(instance, *pointer_parts: str) -> list[str]:
    validator = _validator(_pointer(*pointer_parts))
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))
    ]


def request_errors(method: str, path_template: str, params: dict) -> list[str]:
    return errors_for(params, "paths", path_template, method, "params")


def object_errors(resource: str, obj: dict) -> list[str]:
    """Schema errors plus any top-level field the published schema does not have (fixtures must not invent)."""
    problems = errors_for(obj, "components", "schemas", resource)
    known = set(resource_schema(resource).get("properties", {}))
    problems += [f"{key}: not a field of {resource}" for key in sorted(set(obj) - known)]
    return problems


# --- form decoding ---------------------------------------------------------------------------------------------


def decode_form(query: str) -> dict:
    """`a[b][0]=x&a[c]=y` -> {"a": {"b": ["x"], "c": "y"}} (Stripe's encoding; leaves stay strings)."""
    root: dict = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        match = _KEY.match(key)
        if not match:
            root[key] = value
            continue
        parts = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
        node = root
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            if part == "":  # `a[]=x` appends
                part = str(len(node))
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    return _listify(root)


def _listify(node):
    if isinstance(node, dict):
        node = {k: _listify(v) for k, v in node.items()}
        if node and all(k.isdigit() for k in node):
            return [node[k] for k in sorted(node, key=int)]
    return node


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = spec()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def coerce(value, schema: dict):
    """Turn the form's strings into the types the schema asks for (first alternative that validates wins)."""
    schema = _resolve(schema)
    for combiner in ("anyOf", "oneOf"):
        if combiner in schema:
            for option in schema[combiner]:
                candidate = coerce(value, option)
                if not list(Draft7Validator(option, registry=_registry()).iter_errors(candidate)):
                    return candidate
            return value
    kind = schema.get("type")
    if kind == "object" and isinstance(value, dict):
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        return {
            k: coerce(v, props[k] if k in props else (extra if isinstance(extra, dict) else {}))
            for k, v in value.items()
        }
    if kind == "object" and value == "":
        return value
    if kind == "array" and isinstance(value, list):
        return [coerce(v, schema.get("items", {})) for v in value]
    if kind == "array" and isinstance(value, dict) and not value:
        return []
    if kind == "integer" and isinstance(value, str) and re.fullmatch(r"-?\d+", value):
        return int(value)
    if kind == "number" and isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value):
        return float(value) if "." in value else int(value)
    if kind == "boolean" and value in ("true", "false"):
        return value == "true"
    return value


def decode_request(method: str, path_template: str, query: str) -> dict:
    return coerce(decode_form(query), operation(method, path_template)["params"])
