"""Regenerate spec_trimmed.json from Stripe's published OpenAPI spec (github.com/stripe/openapi, openapi/spec3.yaml).

Usage: python tests/stripe_fake/trim_spec.py SPEC3_YAML FIXTURES3_JSON  (both from the same stripe/openapi commit)
Keeps the operations the fake serves, their form-encoded request schemas and the closure of the response schemas;
resources we never expand become plain objects and descriptions are dropped, so the copy stays small.
"""

import json
import sys
from pathlib import Path

OPERATIONS = [
    ("post", "/v1/payment_intents"),
    ("get", "/v1/payment_intents/{intent}"),
    ("post", "/v1/refunds"),
    ("get", "/v1/refunds/{refund}"),
    ("post", "/v1/customers"),
    ("get", "/v1/customers/{customer}"),
    ("post", "/v1/customers/{customer}"),
    ("post", "/v1/products"),
    ("post", "/v1/prices"),
    ("post", "/v1/subscriptions"),
    ("get", "/v1/subscriptions/{subscription_exposed_id}"),
    ("post", "/v1/subscriptions/{subscription_exposed_id}"),
    ("delete", "/v1/subscriptions/{subscription_exposed_id}"),
    ("post", "/v1/invoiceitems"),
    ("post", "/v1/invoices"),
    ("get", "/v1/invoices"),
    ("get", "/v1/invoices/{invoice}"),
    ("post", "/v1/invoices/{invoice}/finalize"),
    ("post", "/v1/invoices/{invoice}/pay"),
    ("post", "/v1/transfers"),
]
RESOURCES = {
    "payment_intent",
    "refund",
    "customer",
    "price",
    "product",
    "subscription",
    "subscription_item",
    "invoiceitem",
    "invoice",
    "line_item",
    "transfer",
    "event",
    "error",
}
DROP_KEYS = {"description", "x-expandableFields", "x-stripeOperations", "x-stripeResource", "x-stripeBypassValidation"}


def load(path: Path) -> dict:
    if path.suffix in (".yaml", ".yml"):
        import yaml

        return yaml.load(path.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return json.loads(path.read_text())


def main(source: str, fixtures_source: str) -> None:
    spec = load(Path(source))
    schemas = spec["components"]["schemas"]
    kept: dict[str, dict] = {}
    todo: list[str] = sorted(RESOURCES)

    def strip(node, names: bool = False):
        if isinstance(node, dict) and names:  # a `properties` map: its keys are field names, keep them all
            return {k: strip(v) for k, v in node.items()}
        if isinstance(node, dict):
            ref = node.get("$ref")
            if ref:
                name = ref.rsplit("/", 1)[-1]
                # An unexpanded foreign resource arrives as its id; an expanded one we never ask for.
                if "x-resourceId" in schemas[name] and name not in RESOURCES:
                    return {"type": "object"}
                todo.append(name)
                return {"$ref": ref}
            return {k: strip(v, names=k == "properties") for k, v in node.items() if k not in DROP_KEYS}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    while todo:
        name = todo.pop()
        if name not in kept:
            kept[name] = {}
            kept[name] = strip(schemas[name])
    paths: dict[str, dict] = {}
    for method, path in OPERATIONS:
        operation = spec["paths"][path][method]
        # Parameters arrive form-encoded in the body (POST) or the query string (GET/DELETE); one schema for both.
        entry: dict = {"response": strip(operation["responses"]["200"]["content"]["application/json"]["schema"])}
        body = operation.get("requestBody", {}).get("content", {}).get("application/x-www-form-urlencoded", {})
        params = strip(body.get("schema", {"type": "object", "properties": {}, "additionalProperties": False}))
        params.setdefault("properties", {})
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query":
                params["properties"][parameter["name"]] = strip(parameter["schema"])
                if parameter.get("required"):
                    params.setdefault("required", []).append(parameter["name"])
        entry["params"] = params
        paths.setdefault(path, {})[method] = entry
    while todo:  # refs met while stripping the operations
        name = todo.pop()
        if name not in kept:
            kept[name] = {}
            kept[name] = strip(schemas[name])
    out = {
        "info": {"source": "github.com/stripe/openapi openapi/spec3.yaml", "version": spec["info"]["version"]},
        "paths": paths,
        "components": {"schemas": dict(sorted(kept.items()))},
    }
    target = Path(__file__).with_name("spec_trimmed.json")
    target.write_text(json.dumps(out, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    print(f"{target}: {len(paths)} paths, {len(kept)} schemas, {target.stat().st_size} bytes")
    fixtures = json.loads(Path(fixtures_source).read_text())["resources"]
    fixtures_target = Path(__file__).with_name("fixtures_trimmed.json")
    trimmed = {name: fixtures[name] for name in sorted(RESOURCES) if name in fixtures}
    fixtures_target.write_text(json.dumps(trimmed, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    print(f"{fixtures_target}: {len(trimmed)} resources")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
