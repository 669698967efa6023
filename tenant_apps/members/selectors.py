from functools import cache

from django.db import connection

from micromall.db.prepared import Statement, execute

from .models import Member, MemberToken
from .services import token_digest


@cache
def _token_query() -> tuple[Statement, list[str]]:
    fields = list(Member._meta.concrete_fields)
    columns = ", ".join(f"m.{connection.ops.quote_name(field.column)}" for field in fields)
    sql = (
        f"SELECT {columns} FROM {Member._meta.db_table} m JOIN {MemberToken._meta.db_table} t"
        " ON t.member_id = m.id WHERE t.digest = %s"
    )
    return Statement(sql), [field.attname for field in fields]


def member_for_token(raw: str) -> Member | None:
    """The active member holding this token. One plain query (every store request of a member pays for it:
    the ORM's compilation of the equivalent select_related query cost more CPU than running it), prepared on
    the server once per connection."""
    statement, names = _token_query()
    with connection.cursor() as cursor:
        execute(cursor, statement, [token_digest(raw)])
        row = cursor.fetchone()
    if row is None:
        return None
    member = Member.from_db(connection.alias, names, row)
    return member if member.is_active else None
