import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from tenant_apps.catalog.models import Brand, Category, ImportJob, Product, Sku, StockAdjustment

IMPORT = "/api/v1/manage/products/import"
HEADER = "handle,title,category,brand,tags,status,sku_code,specs,price_amount,stock,description_html\n"


def csv_file(body: str, name: str = "products.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (HEADER + body).encode("utf-8"), content_type="text/csv")


def run_import(client, body: str, capture):
    with capture(execute=True):  # the task is enqueued on commit and runs eagerly
        response = client.post(IMPORT, {"file": csv_file(body)})
    assert response.status_code == 202
    return client.get(f"/api/v1/manage/products/imports/{response.json()['id']}").json()


def test_import_creates_products_with_their_sku_matrix(
    manager_a, shop_a, eager_celery, django_capture_on_commit_callbacks
):
    with tenant_context(shop_a):
        Category.objects.create(name="茶", slug="tea")
        Brand.objects.create(name="西湖")
    rows = (
        "t1,龙井,tea,西湖,绿茶|春茶,active,LJ-50,规格=50g,6800,10,<p>好茶<script>x</script></p>\n"
        "t1,,,,,,LJ-100,规格=100g,12800,4,\n"
        "mug,Mug,,,,,MUG-1,,1500,0,\n"
    )

    job = run_import(manager_a, rows, django_capture_on_commit_callbacks)

    assert (job["status"], job["total"], job["processed"], job["created_products"], job["errors"]) == (
        "succeeded", 3, 3, 2, [],
    )  # fmt: skip
    with tenant_context(shop_a):
        tea = Product.objects.get(title="龙井")
        assert (tea.status, tea.category.slug, tea.brand.name, tea.tags) == ("active", "tea", "西湖", ["绿茶", "春茶"])
        assert tea.description_html == "<p>好茶</p>"
        assert list(tea.skus.values_list("code", "specs", "price_amount", "stock")) == [
            ("LJ-50", {"规格": "50g"}, 6800, 10),
            ("LJ-100", {"规格": "100g"}, 12800, 4),
        ]
        assert Product.objects.get(title="Mug").status == "draft"
        assert StockAdjustment.objects.filter(reason="initial").count() == 2


def test_any_bad_row_imports_nothing_and_reports_each_row(
    manager_a, shop_a, eager_celery, django_capture_on_commit_callbacks
):
    with tenant_context(shop_a):
        Sku.objects.create(product=Product.objects.create(title="Old"), code="TAKEN", price_amount=1)
    rows = (
        "ok,Fine,,,,,OK-1,,100,1,\n"  # line 2: valid, but must not be imported either
        "bad,Bad,nowhere,,,,OK-2,,-5,1,\n"  # line 3: unknown category, negative price
        "dup,Dup,,,,,TAKEN,,100,1,\n"  # line 4: code of an existing SKU
        "dup2,Dup2,,,,,OK-1,,100,1,\n"  # line 5: duplicate code within the file
        "sp,Specs,,,,,SP-1,颜色红,100,1,\n"  # line 6: malformed specs
    )

    job = run_import(manager_a, rows, django_capture_on_commit_callbacks)

    assert job["status"] == "failed"
    assert job["created_products"] == 0
    errors = {row["row"]: row["errors"] for row in job["errors"]}
    assert sorted(errors) == [3, 4, 5, 6]
    assert errors[3]["category"] == ["分类不存在。"]
    assert "price_amount" in errors[3]
    assert errors[4] == {"sku_code": ["SKU 编码已被使用。"]}
    assert errors[5] == {"sku_code": ["与第 2 行重复。"]}
    assert "specs" in errors[6]
    with tenant_context(shop_a):
        assert list(Product.objects.values_list("title", flat=True)) == ["Old"]
        assert Sku.objects.count() == 1


def test_a_file_without_required_columns_is_a_400_and_no_job(manager_a, shop_a):
    bad = SimpleUploadedFile("x.csv", b"title,price\nA,1\n", content_type="text/csv")

    response = manager_a.post(IMPORT, {"file": bad})

    assert response.status_code == 400
    assert response.json()["errors"]["file"] == ["缺少列：handle, price_amount"]
    with tenant_context(shop_a):
        assert ImportJob.objects.count() == 0


def test_import_needs_a_write_role_and_jobs_are_per_shop(finance_a, manager_a, owner_b_client, shop_a, shop_b):
    assert finance_a.post(IMPORT, {"file": csv_file("a,A,,,,,A1,,1,1,\n")}).status_code == 403
    with tenant_context(shop_b):
        foreign = ImportJob.objects.create(source="x", total=1)
    with tenant_context(shop_a):
        assert ImportJob.objects.count() == 0
        assert not ImportJob.objects.filter(pk=foreign.pk).exists()

    assert manager_a.get(f"/api/v1/manage/products/imports/{foreign.pk}").status_code == 404


def test_export_writes_one_row_per_sku(manager_a, finance_a, shop_a):
    manager_a.post(
        "/api/v1/manage/products",
        {
            "title": "T, shirt",
            "tags": ["夏"],
            "specs": [{"name": "色", "values": ["红", "蓝"]}],
            "skus": [{"specs": {"色": "红"}, "price_amount": 100, "sku_code": "R", "stock": 3}],
        },
        content_type="application/json",
    )

    response = finance_a.get("/api/v1/manage/products/export")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["title"], r["sku_code"], r["specs"], r["price_amount"], r["stock"], r["tags"]) for r in rows] == [
        ("T, shirt", "R", "色=红", "100", "3", "夏"),
        ("T, shirt", rows[1]["sku_code"], "色=蓝", "0", "0", ""),
    ]
