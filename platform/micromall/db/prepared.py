"""Server-side prepared statements for the few statements on the hot paths (order placement).

PostgreSQL spends more CPU parsing and planning a small statement than running it: an order's four statements
cost its backend 1.4-1.7 ms of CPU sent as text, 0.7-0.9 ms as EXECUTEs of statements prepared once per
connection (measured on the flash-sale bench database, 600 orders). The web worker sends less as well: an
`EXECUTE name(values)` instead of the 3 KB order write.

    _TOKEN = Statement("SELECT ... WHERE t.digest = %s")
    with connection.cursor() as cursor:
        execute(cursor, _TOKEN, [digest])
        row = cursor.fetchone()

The SQL is written as for `cursor.execute` (`%s` placeholders, `%%` for a literal percent sign). The first use on
a connection sends `PREPARE name AS ...; EXECUTE name(...)` in one round trip, later uses the EXECUTE alone; the
server infers each parameter's type from where it stands (cast it, `%s::bigint`, where it could not). Django's
cursor runs both, so query logging, execute wrappers and query budgets see one statement per call
(`original_sql()` maps the EXECUTE text back, for logs and tests).

Sound with django-tenants: when `search_path` differs from the one a statement was prepared under, PostgreSQL
parses it again under the new path (and after DDL on the tables it uses), so a shop never runs another shop's
plan. A migration that changes the type of a column a statement returns makes PostgreSQL refuse that statement
("cached plan must not change result type") until it is prepared again, which `execute` does: the request that
meets it inside a transaction fails, later ones work. PREPARE is not transactional (a rollback keeps it) and lives
as long as the server session. Behind PgBouncer in transaction pooling, where a session's statements are not kept,
set DB_PREPARED_STATEMENTS=0.
"""

import hashlib
import re

from django.conf import settings
from django.db import NotSupportedError

_PLACEHOLDER = re.compile(r"%[s%]")
_BY_NAME: dict[str, "Statement"] = {}
_PREPARED, _UNCERTAIN, _STALE = "prepared", "uncertain", "stale"
STALE_PLAN = "cached plan must not change result type"


class Statement:
    __slots__ = ("execute_sql", "name", "prepare_sql", "sql")

    def __init__(self, sql: str):
        self.sql = sql
        self.name = "mm_" + hashlib.blake2b(sql.encode(), digest_size=8).hexdigest()
        count = 0

        def numbered(match: re.Match) -> str:
            nonlocal count
            if match.group() == "%%":
                return "%%"  # the PREPARE text goes through the driver's interpolation too
            count += 1
            return f"${count}"

        body = _PLACEHOLDER.sub(numbered, sql)
        self.execute_sql = f"EXECUTE {self.name}" + (f"({', '.join(['%s'] * count)})" if count else "")
        self.prepare_sql = f"PREPARE {self.name} AS {body}; {self.execute_sql}"
        _BY_NAME[self.name] = self


def enabled() -> bool:
    return getattr(settings, "DB_PREPARED_STATEMENTS", True)


def execute(cursor, statement: Statement, params) -> None:
    """Run `statement` with `params` on Django's `cursor` (a CursorWrapper), prepared on its connection."""
    params = list(params)
    if not enabled():
        cursor.execute(statement.sql, params)
        return
    known = _known(cursor.db)
    state = known.get(statement.name)
    if state is _UNCERTAIN:  # the last PREPARE's round trip failed: whether the statement exists is unknown
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = %s", [statement.name])
        state = known[statement.name] = _PREPARED if cursor.fetchone()[0] else None
    if state is _STALE:  # its result type changed under it (see below): prepared again from its text
        cursor.execute(f"DEALLOCATE {statement.name}")
        state = known[statement.name] = None
    if state is _PREPARED:
        try:
            cursor.execute(statement.execute_sql, params)
            return
        except NotSupportedError as error:
            if STALE_PLAN not in str(error):
                raise
            # A migration changed a column this statement returns while the connection held it: PostgreSQL refuses
            # every EXECUTE of it from then on. Prepare it again: at once outside a transaction, else (the
            # transaction is aborted) on its next use, so one request fails instead of all until a restart.
            known[statement.name] = _STALE
            if cursor.db.in_atomic_block or not cursor.db.get_autocommit():
                raise
            cursor.execute(f"DEALLOCATE {statement.name}")
    known[statement.name] = _UNCERTAIN
    cursor.execute(statement.prepare_sql, params)
    known[statement.name] = _PREPARED


def _known(db) -> dict[str, str]:
    """The statements prepared on the database wrapper's current server connection (a new one knows none)."""
    raw = db.connection
    held = db.__dict__.get("_prepared_statements")
    if held is None or held[0] is not raw:
        held = db._prepared_statements = (raw, {})
    return held[1]


def original_sql(sql: str) -> str:
    """The statement's own SQL for the text sent for it (PREPARE ... or EXECUTE name(...)); other SQL unchanged."""
    if sql.startswith(("EXECUTE mm_", "PREPARE mm_")):
        statement = _BY_NAME.get(sql.split(None, 2)[1].split("(")[0])
        if statement is not None:
            return statement.sql
    return sql
