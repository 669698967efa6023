"""OpenAPI post-processing: every operation documents the error responses API.md promises.

drf-spectacular only lists the success response of an APIView; clients (and the contract fuzz in
tests/contract) need the 400/401/403/404 bodies too, in the shape of micromall.api.errors.
"""

from drf_spectacular.openapi import AutoSchema


def area_of(path: str) -> str:
    for area in ("store", "manage", "ops"):
        if path.startswith(f"/api/v1/{area}/") or path == f"/api/v1/{area}":
            return area
    return "platform"


def tag_by_area(result, generator, request, public):
    """One tag per operation, its area (store / manage / platform / ops), whatever a view declared."""
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            operation["tags"] = [area_of(path)]
    return result


class AreaAutoSchema(AutoSchema):
    """List operations named `_list`, not `_retrieve` (a clash with the item path's operation)."""

    def get_operation_id(self) -> str:
        operation_id = super().get_operation_id()
        # A plain APIView answering GET on a collection path is a list: `..._retrieve` would clash with the
        # item path's operation (`/manage/products` vs `/manage/products/{id}`).
        is_list = self._is_list_view() or type(self.view).__name__.endswith("ListView")
        if self.method == "GET" and operation_id.endswith("_retrieve") and is_list and not self.path.endswith("}"):
            operation_id = operation_id.removesuffix("_retrieve") + "_list"
        return operation_id


ERROR_SCHEMA = {
    "type": "object",
    "description": '`{"errors": {field: [messages]}}` for field errors, else `{"detail": "..."}`.',
    "properties": {
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
}
DESCRIPTIONS = {
    "400": "Invalid input (nothing changed).",
    "401": "Missing or invalid credentials.",
    "403": "The caller's role does not allow this.",
    "404": "Not found (also another shop's ids).",
}
SIGN_IN_PATHS = ("/api/v1/auth/token", "/api/v1/store/auth/token")


def _error_codes(path: str, method: str, operation: dict) -> list[str]:
    codes = []
    has_query = any(p.get("in") == "query" for p in operation.get("parameters", []))
    if "requestBody" in operation or has_query or method in ("post", "put", "patch"):
        codes.append("400")
    public = operation.get("security") == [{}]
    if not public or path in SIGN_IN_PATHS:
        codes.append("401")
    if not public:
        codes.append("403")
    if "{" in path or any(p.get("name") == "page" for p in operation.get("parameters", [])):
        codes.append("404")  # an unknown id, or a page past the end
    return codes


def document_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code in _error_codes(path, method, operation):
                responses.setdefault(
                    code, {"description": DESCRIPTIONS[code], "content": {"application/json": {"schema": ref}}}
                )
    return result
