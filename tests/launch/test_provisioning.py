"""The spare-schema pool: concurrent signups for one subdomain, stale spares, top-up and migrate_spares."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from shared_apps.accounts.models import AccessToken, User
from shared_apps.tenancy.models import Domain, Shop, ShopMembership, SpareSchema
from shared_apps.tenancy.provisioning import (
    STALE_PREFIX,
    code_fingerprint,
    fresh_spare_count,
    migrate_spares,
    schema_is_current,
    top_up_pool,
)

from .conftest import SIGNUP, shop_schemas_in_db, signup_body

pytestmark = pytest.mark.django_db(transaction=True)


def parallel_signups(bodies: list[dict]) -> list[tuple[int, dict]]:
    """Each body posted from its own thread (own DB connection), released together by a barrier."""
    barrier = threading.Barrier(len(bodies))
    results: list = [None] * len(bodies)

    def run(index: int, body: dict) -> None:
        try:
            client = Client(HTTP_HOST="localhost", REMOTE_ADDR=f"10.0.0.{index + 1}")
            barrier.wait(timeout=30)
            response = client.post(SIGNUP, body, content_type="application/json")
            results[index] = (response.status_code, response.json())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, b)) for i, b in enumerate(bodies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


RACERS = 4  # as many as it takes to race: each contender holds a spare, all claim at the same instant


def test_parallel_signups_for_one_subdomain_make_exactly_one_shop(templates, spare_pool):
    # given a pool with a spare for every contender
    spares = set(spare_pool(RACERS))
    schemas_before = shop_schemas_in_db()
    assert spares <= schemas_before
    # when several clients sign up for the same subdomain at once (different emails)
    bodies = [signup_body(email=f"racer{i}@example.com") for i in range(RACERS)]
    results = parallel_signups(bodies)
    # then exactly one wins and the others get a field error on subdomain
    codes = sorted(code for code, _ in results)
    assert codes == [201] + [400] * (RACERS - 1)
    for code, body in results:
        if code == 400:
            assert body == {"errors": {"subdomain": ["这个子域名已被使用。"]}}
    # and there is one shop, one owner, one host, one token: no orphan rows
    winner = next(body for code, body in results if code == 201)
    shop = Shop.objects.get()
    assert shop.pk == winner["shop"]["id"]
    assert list(User.objects.values_list("email", flat=True)) == [winner["user"]["email"]]
    assert (ShopMembership.objects.count(), Domain.objects.count(), AccessToken.objects.count()) == (1, 1, 1)
    # and no orphan schema: the same schemas exist, one now a shop's, the others still spares
    assert shop_schemas_in_db() == schemas_before
    assert set(SpareSchema.objects.values_list("schema_name", flat=True)) == spares - {shop.schema_name}


def test_parallel_signups_on_an_empty_pool_leave_no_orphan_schema(templates, clean_schemas):
    # given no spare: every contender migrates a schema inside its own transaction
    bodies = [signup_body(email=f"racer{i}@example.com") for i in range(3)]
    results = parallel_signups(bodies)
    assert sorted(code for code, _ in results) == [201, 400, 400]
    # then the losers' schemas rolled back with their transactions
    shop = Shop.objects.get()
    assert clean_schemas() == {shop.schema_name}
    assert SpareSchema.objects.count() == 0


def test_spare_with_an_old_fingerprint_is_never_used(platform_client, templates, spare_pool):
    # given the only spare claims an older set of migrations
    (stale,) = spare_pool(1)
    SpareSchema.objects.filter(schema_name=stale).update(migration_state="0" * 64)
    # when a merchant signs up
    response = platform_client.post(SIGNUP, signup_body(), content_type="application/json")
    # then the shop gets a freshly migrated schema, and the stale spare stays in the pool untouched
    assert response.status_code == 201
    shop = Shop.objects.get()
    assert shop.schema_name != stale
    assert list(SpareSchema.objects.values_list("schema_name", flat=True)) == [stale]


def test_spare_whose_schema_lags_behind_is_never_used(platform_client, templates, spare_pool):
    # given a spare with the current fingerprint but a migration missing from its own django_migrations
    stale, fresh = spare_pool(2)
    with connection.cursor() as cursor:
        cursor.execute(
            f'DELETE FROM "{stale}".django_migrations WHERE id = (SELECT max(id) FROM "{stale}".django_migrations'
            " WHERE app = 'catalog')"
        )
    assert not schema_is_current(stale)
    # when a merchant signs up
    response = platform_client.post(SIGNUP, signup_body(), content_type="application/json")
    # then the next (current) spare is used and the stale one is marked so nobody picks it again
    assert response.status_code == 201
    assert Shop.objects.get().schema_name == fresh
    spare = SpareSchema.objects.get()
    assert spare.schema_name == stale
    assert spare.migration_state.startswith(STALE_PREFIX)
    assert fresh_spare_count() == 0


def test_migrate_spares_migrates_old_spares_and_drops_broken_ones(templates, spare_pool, clean_schemas):
    # given one spare whose records disagree with its tables and one with an old fingerprint
    broken, old = spare_pool(2)
    with connection.cursor() as cursor:
        cursor.execute(
            f'DELETE FROM "{broken}".django_migrations WHERE id = (SELECT min(id) FROM "{broken}".django_migrations'
            " WHERE app = 'members')"
        )
    SpareSchema.objects.filter(schema_name=old).update(migration_state="f" * 64)
    # when migrate_spares runs (after migrate_schemas in a deploy)
    counts = migrate_spares()
    # then the old one is current and claimable again, and the broken one (its migration fails) is gone
    assert counts == {"migrated": 1, "dropped": 1, "current": 0}
    assert list(SpareSchema.objects.values_list("schema_name", "migration_state")) == [(old, code_fingerprint())]
    assert clean_schemas() == {old}


def test_migrate_spares_drops_a_spare_whose_schema_vanished(templates, spare_pool):
    (gone,) = spare_pool(1)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA "{gone}" CASCADE')
    SpareSchema.objects.filter(schema_name=gone).update(migration_state="creating")
    # the migrator recreates a missing schema rather than trusting the row
    counts = migrate_spares()
    assert counts == {"migrated": 1, "dropped": 0, "current": 0}
    assert schema_is_current(gone)


def test_top_up_fills_the_pool_to_its_target_and_no_further(templates, clean_schemas):
    assert top_up_pool(target=2) == 2
    assert top_up_pool(target=2) == 0
    assert fresh_spare_count() == 2
    assert clean_schemas() == set(SpareSchema.objects.values_list("schema_name", flat=True))


def test_pool_commands_top_up_and_migrate(templates, clean_schemas):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("top_up_spares", size=2, stdout=out)
    assert out.getvalue().strip() == "新建备用 schema 2 个"
    SpareSchema.objects.filter(pk=SpareSchema.objects.first().pk).update(migration_state="0" * 64)
    out = StringIO()
    call_command("migrate_spares", no_top_up=True, stdout=out)
    assert out.getvalue().strip() == "备用 schema 已迁移 1 个，已删除 0 个，1 个已是最新"
    out = StringIO()
    call_command("migrate_spares", no_top_up=True, language="en", stdout=out)
    call_command("top_up_spares", size=2, language="en", stdout=out)
    assert out.getvalue().splitlines() == [
        "Spare schemas migrated: 0, dropped: 0, already current: 2",
        "Spare schemas created: 0",
    ]
    assert fresh_spare_count() == 2
    assert clean_schemas() == set(SpareSchema.objects.values_list("schema_name", flat=True))


def test_a_failure_while_loading_the_demo_catalog_undoes_the_whole_signup(templates, spare_pool, monkeypatch, tmp_path):
    from shared_apps.gallery import seeding
    from shared_apps.tenancy.signup import sign_up

    # given a warm pool and a demo catalog that breaks half-way (a product in an unknown category)
    (spare,) = spare_pool(1)
    broken = {"categories": [{"key": "a", "name": "A"}], "products": [{"title": "x", "category": "nope", "skus": []}]}
    monkeypatch.setattr(seeding, "demo_catalog", lambda slug, version: (broken, tmp_path))
    # when a signup runs
    with pytest.raises(KeyError):
        sign_up(
            email="mei@example.com", password="Plum-Blossom-2026", shop_name="x", subdomain="meimei", template="beauty"
        )
    # then nothing of it remains: no user, shop or token, the spare is back in the pool and still empty
    assert (User.objects.count(), Shop.objects.count(), AccessToken.objects.count()) == (0, 0, 0)
    assert list(SpareSchema.objects.values_list("schema_name", "migration_state")) == [(spare, code_fingerprint())]
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{spare}".catalog_category')
        assert cursor.fetchone()[0] == 0
