from django_tenants.utils import tenant_context

from tenant_apps.catalog.models import Brand, Category, Product

CATEGORIES = "/api/v1/manage/categories"


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_categories_nest_three_levels_and_no_deeper(manager_a, shop_a):
    clothes = post(manager_a, CATEGORIES, {"name": "服装"}).json()
    tops = post(manager_a, CATEGORIES, {"name": "上衣", "parent": clothes["id"]}).json()
    tees = post(manager_a, CATEGORIES, {"name": "T恤", "parent": tops["id"], "slug": "tees"}).json()

    too_deep = post(manager_a, CATEGORIES, {"name": "短袖", "parent": tees["id"]})

    assert [c["depth"] for c in (clothes, tops, tees)] == [1, 2, 3]
    assert clothes["slug"] == "服装"
    assert too_deep.status_code == 400
    assert too_deep.json() == {"errors": {"parent": ["分类最多 3 级。"]}}
    with tenant_context(shop_a):
        assert Category.objects.count() == 3


def test_moving_a_subtree_keeps_depths_and_refuses_cycles_or_overflow(manager_a, shop_a):
    a = post(manager_a, CATEGORIES, {"name": "A"}).json()
    b = post(manager_a, CATEGORIES, {"name": "B", "parent": a["id"]}).json()
    c = post(manager_a, CATEGORIES, {"name": "C"}).json()
    d = post(manager_a, CATEGORIES, {"name": "D", "parent": c["id"]}).json()

    cycle = manager_a.patch(f"{CATEGORIES}/{a['id']}", {"parent": b["id"]}, content_type="application/json")
    overflow = manager_a.patch(f"{CATEGORIES}/{c['id']}", {"parent": b["id"]}, content_type="application/json")
    moved = manager_a.patch(f"{CATEGORIES}/{c['id']}", {"parent": a["id"]}, content_type="application/json")

    assert cycle.status_code == 400 and overflow.status_code == 400
    assert moved.status_code == 200
    with tenant_context(shop_a):
        assert dict(Category.objects.values_list("name", "depth")) == {"A": 1, "B": 2, "C": 2, "D": 3}
        assert Category.objects.get(pk=d["id"]).parent_id == c["id"]


def test_deleting_a_category_keeps_products_and_refuses_parents(manager_a, shop_a):
    parent = post(manager_a, CATEGORIES, {"name": "P"}).json()
    child = post(manager_a, CATEGORIES, {"name": "C", "parent": parent["id"]}).json()
    with tenant_context(shop_a):
        Product.objects.create(title="x", category_id=child["id"])

    assert manager_a.delete(f"{CATEGORIES}/{parent['id']}").status_code == 409
    assert manager_a.delete(f"{CATEGORIES}/{child['id']}").status_code == 204
    with tenant_context(shop_a):
        assert Product.objects.get().category_id is None
        assert Category.objects.count() == 1


def test_duplicate_slug_and_unknown_parent_are_field_errors(manager_a, shop_a):
    post(manager_a, CATEGORIES, {"name": "Tea", "slug": "tea"})

    assert post(manager_a, CATEGORIES, {"name": "Tea 2", "slug": "tea"}).json()["errors"] == {
        "slug": ["这个别名已被使用。"]
    }
    assert "parent" in post(manager_a, CATEGORIES, {"name": "X", "parent": 999999}).json()["errors"]
    with tenant_context(shop_a):
        assert Category.objects.count() == 1


def test_brands_crud_and_roles(manager_a, finance_a, staff_a, shop_a):
    made = post(manager_a, "/api/v1/manage/brands", {"name": "ACME"})
    assert made.status_code == 201
    url = f"/api/v1/manage/brands/{made.json()['id']}"

    assert post(manager_a, "/api/v1/manage/brands", {"name": "ACME"}).status_code == 400
    assert post(finance_a, "/api/v1/manage/brands", {"name": "Other"}).status_code == 403
    assert finance_a.get("/api/v1/manage/brands").json() == [
        {"id": made.json()["id"], "name": "ACME", "logo_url": None}
    ]
    assert manager_a.patch(url, {"name": "ACME Co"}, content_type="application/json").json()["name"] == "ACME Co"
    assert staff_a.delete(url).status_code == 403
    assert manager_a.delete(url).status_code == 204
    with tenant_context(shop_a):
        assert Brand.objects.count() == 0


def test_categories_of_shop_b_are_invisible_on_shop_a(manager_a, shop_a, shop_b, owner_b_client):
    foreign = post(owner_b_client, CATEGORIES, {"name": "B only"}).json()
    with tenant_context(shop_a):
        assert not Category.objects.filter(pk=foreign["id"]).exists()

    assert manager_a.get(CATEGORIES).json() == []
    assert manager_a.get(f"{CATEGORIES}/{foreign['id']}").status_code == 404
    assert manager_a.delete(f"{CATEGORIES}/{foreign['id']}").status_code == 404
    assert post(manager_a, "/api/v1/manage/products", {"title": "x", "category": foreign["id"]}).status_code == 400
    with tenant_context(shop_b):
        assert Category.objects.filter(pk=foreign["id"]).exists()
