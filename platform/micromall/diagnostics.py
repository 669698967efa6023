"""A worker round trip for `/healthz?deep=1`: proves a worker runs tasks in the schema they were sent from."""

from django.db import connection

from .celery import app


@app.task(ignore_result=False)
def current_schema() -> str:
    return connection.schema_name


def worker_answers(timeout: float) -> bool:
    expected = connection.schema_name
    try:
        return current_schema.delay().get(timeout=timeout) == expected
    except Exception:
        return False
