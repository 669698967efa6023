"""Settings accept the URLs `make run` hands over for its embedded PostgreSQL and Redis (unix sockets)."""

from micromall.settings import celery_broker_from_redis_url, database_from_url


def test_postgres_url_with_socket_folder_becomes_host():
    db = database_from_url("postgresql://postgres@/micromall?host=/work/main/.data/pg")

    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "micromall",
        "postgres",
        "",
        "/work/main/.data/pg",
        "",
    )


def test_postgres_url_with_tcp_host_and_port():
    db = database_from_url("postgresql://root:s%40cret@127.0.0.1:5433/mm_run_check")

    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "mm_run_check",
        "root",
        "s@cret",
        "127.0.0.1",
        "5433",
    )


def test_unix_redis_url_becomes_kombu_socket_url_with_the_same_db():
    url = "unix:///work/main/.data/redis/redis.sock?db=3"

    assert celery_broker_from_redis_url(url) == "redis+socket:///work/main/.data/redis/redis.sock?virtual_host=3"


def test_unix_redis_url_without_db_uses_db_0():
    assert celery_broker_from_redis_url("unix:///tmp/r.sock") == "redis+socket:///tmp/r.sock?virtual_host=0"


def test_tcp_redis_url_is_the_broker_url_unchanged():
    assert celery_broker_from_redis_url("redis://127.0.0.1:6379/5") == "redis://127.0.0.1:6379/5"
