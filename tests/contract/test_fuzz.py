"""Contract fuzz (schemathesis): every operation of each host's live OpenAPI schema, with generated valid and
invalid input, must never answer 5xx, must answer only documented status codes, content types and bodies, and
a refused write (4xx) must leave every table of the control plane and of the shop exactly as it was.

Deterministic (derandomize, no example database) and small, so it runs in `make test`; the schema is the one
the app serves at `/api/schema` on that host. Everything the fuzz writes rolls back with the test.

Two sizes. The routine run (`make test`): every operation, FUZZ_ROUTINE_EXAMPLES generated examples each, and of
schemathesis' coverage phase (boundary values, wrong types, missing fields, unexpected methods: ~7,500 requests
on the shop host alone) every operation's first case of each kind plus a fixed sample of the rest. The full fuzz:
`FUZZ_EXAMPLES=6 make test` (or any N) sends every coverage case and N generated examples per operation.
"""

import json
import os
import zlib

import pytest
import schemathesis
from django.db import connection, transaction
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig
from schemathesis.generation.meta import TestPhase

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
FULL_FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or 0)
FUZZ_ROUTINE_EXAMPLES = 3
# Routine run: of the coverage cases of one kind (operation, scenario, location) after the first, one in this many.
COVERAGE_SAMPLE = 1 if FULL_FUZZ_EXAMPLES else 4
FUZZ = settings(
    max_examples=FULL_FUZZ_EXAMPLES or FUZZ_ROUTINE_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
QUICK = settings(FUZZ, max_examples=2)
# Proving a custom domain resolves it over the network: not something a unit test run may do.
OFFLINE = ("/api/v1/manage/domains/{id}/verify",)
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
FINGERPRINTED_SCHEMAS = ("public", "test_alpha")


def openapi(urlconf: str) -> dict:
    """The document `/api/schema` serves on that kind of host (same generator and urlconf; checked below).

    Built at collection time without a request because pytest parametrizes before any fixture (or database)
    exists; schemathesis' lazy `from_fixture` loader does not work with pytest 9.
    """
    return SchemaGenerator(urlconf=urlconf).get_schema(request=None, public=True)


PLATFORM_OPENAPI = openapi("micromall.urls_public")
SHOP_OPENAPI = openapi("micromall.urls_shop")
platform_schema = schemathesis.openapi.from_dict(PLATFORM_OPENAPI)
shop_schema = schemathesis.openapi.from_dict(SHOP_OPENAPI).exclude(path=list(OFFLINE))
# A stranger is refused before the body matters: a few generated requests per operation, no coverage phase.
stranger_schema = schemathesis.openapi.from_dict(
    SHOP_OPENAPI, config=SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}})
).include(path_regex="^/api/v1/manage/")


def database_fingerprint() -> str:
    """One md5 per table of the control plane and of shop A, in one query: any insert, update or delete shows."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_schema = ANY(%s) AND table_type = 'BASE TABLE' ORDER BY 1, 2",
            [list(FINGERPRINTED_SCHEMAS)],
        )
        tables = cursor.fetchall()
        parts = [
            f"SELECT '{schema}.{table}' || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '')"
            f' FROM "{schema}"."{table}" t'
            for schema, table in tables
        ]
        cursor.execute(" UNION ALL ".join(parts))
        return "\n".join(sorted(row[0] for row in cursor.fetchall()))


def rows_written_in_transaction() -> int:
    """Rows inserted, updated or deleted in the fingerprinted schemas so far in this transaction, counting those
    of rolled-back savepoints: PostgreSQL's own per-transaction counters, one cheap query. While it stays the same,
    no table's contents changed; when it moves, the full fingerprints decide (database_fingerprint)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables"
            " WHERE schemaname = ANY(%s)",
            [list(FINGERPRINTED_SCHEMAS)],
        )
        return cursor.fetchone()[0]


_first_coverage_case_of_kind: dict[tuple, str] = {}


def left_out_of_routine_run(case) -> bool:
    """A coverage case the routine run does not send: not the first of its kind for this operation, and not in
    the fixed (hash of its description) sample of the rest. Generated (fuzzing) examples are always sent.

    The same case always gets the same answer (hypothesis replays a failing example and must see it fail again)."""
    if COVERAGE_SAMPLE == 1 or case.meta is None or case.meta.phase.name != TestPhase.COVERAGE:
        return False
    data = case.meta.phase.data
    kind = (case.method, case.path, str(data.scenario), str(data.parameter_location))
    this_case = repr((data.description, data.parameter, case.query, case.body))  # the test changes path_parameters
    if _first_coverage_case_of_kind.setdefault(kind, this_case) == this_case:
        return False
    return zlib.crc32(repr((*kind, data.description, data.parameter)).encode()) % COVERAGE_SAMPLE != 0


def call_and_check(app, case, host: str, token: str | None):
    # The schema declares bearer schemes, so schemathesis generates an Authorization header of its own: ours wins.
    case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    if token:
        case.headers["Authorization"] = f"Bearer {token}"
    unsafe = case.method.upper() in UNSAFE
    if unsafe:
        savepoint = transaction.savepoint()
        writes_before = rows_written_in_transaction()
    response = case.call(base_url=f"http://{host}", app=app)
    case.validate_response(response, checks=CHECKS)
    if unsafe:
        connection.set_schema_to_public()  # the request left the connection on the shop's schema
        if response.status_code >= 400 and rows_written_in_transaction() != writes_before:
            # It touched rows (perhaps undone since): the tables' contents after it must be those before it.
            after = database_fingerprint()
            transaction.savepoint_rollback(savepoint)
            wrote = f"{case.method} {case.path} answered {response.status_code} but wrote"
            assert after == database_fingerprint(), wrote
        else:
            transaction.savepoint_commit(savepoint)
    return response


@pytest.mark.parametrize(("host", "document"), [("localhost", PLATFORM_OPENAPI), ("alpha.localhost", SHOP_OPENAPI)])
def test_the_fuzzed_schema_is_the_one_each_host_serves(shop_a, host, document):
    response = Client(HTTP_HOST=host).get("/api/schema", {"format": "json"})

    assert response.status_code == 200
    assert json.loads(json.dumps(document)) == response.json()


@platform_schema.parametrize()
@FUZZ
def test_platform_host_never_fails_and_matches_its_schema(case, wsgi_app, shop_a, owner_token):
    if left_out_of_routine_run(case):
        return
    call_and_check(wsgi_app, case, "localhost", owner_token)


@shop_schema.parametrize()
@FUZZ
def test_shop_host_never_fails_and_matches_its_schema(case, wsgi_app, owner_token, member_token, catalog_a):
    if left_out_of_routine_run(case):
        return
    # Odd examples aim at the seeded rows (so updates run), even ones keep the generated (mostly unknown) ids.
    if case.path_parameters and sum(map(ord, repr(case.path_parameters))) % 2:
        case.path_parameters.update({k: v for k, v in catalog_a.items() if k in case.path_parameters})
    token = member_token if case.path.startswith("/api/v1/store/") else owner_token
    call_and_check(wsgi_app, case, "alpha.localhost", token)


@stranger_schema.parametrize()
@QUICK
def test_shop_host_refuses_a_stranger_without_writing(case, wsgi_app, shop_a, outsider_token):
    """A platform user without a role on the shop: refused (before or after input validation), never a write."""
    response = call_and_check(wsgi_app, case, "alpha.localhost", outsider_token)

    assert response.status_code in (400, 403, 404)


def test_the_schema_documents_pages_errors_and_unicode_slugs():
    operations = SHOP_OPENAPI["paths"]
    page = operations["/api/v1/manage/products"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    created = operations["/api/v1/manage/products"]["post"]["responses"]
    slug = SHOP_OPENAPI["components"]["schemas"]["ManageCategory"]["properties"]["slug"]

    assert page == {"$ref": "#/components/schemas/PaginatedManageProductList"}
    assert set(SHOP_OPENAPI["components"]["schemas"]["PaginatedManageProductList"]["properties"]) == {
        "count",
        "next",
        "previous",
        "results",
    }
    assert set(created) == {"201", "400", "401", "403"}
    assert created["400"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert "pattern" not in slug  # JSON Schema's \w is ASCII-only; slugs like 女装 are valid
    assert set(PLATFORM_OPENAPI["paths"]["/api/v1/auth/token"]["post"]["responses"]) == {"200", "400", "401"}
