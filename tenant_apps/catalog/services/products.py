"""Products, their images and the SKU matrix generated from spec groups."""

import itertools
import uuid
from collections.abc import Iterable, Sequence

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from rest_framework.exceptions import ValidationError

from micromall.api.errors import Conflict

from ..models import (
    Brand,
    Category,
    Product,
    ProductImage,
    ProductStatus,
    Sku,
    SpecGroup,
    SpecValue,
    StockAdjustment,
    StockReason,
)
from ..richtext import clean_description_html
from .inventory import adjust_stock

MAX_SPEC_GROUPS = 3
MAX_SKUS_PER_PRODUCT = 200
MAX_IMAGES_PER_PRODUCT = 20
# Request field -> Sku field for the plain values a merchant may set.
SKU_FIELDS = {
    "price_amount": "price_amount",
    "compare_at_amount": "compare_at_amount",
    "cost_amount": "cost_amount",
    "weight_grams": "weight_grams",
    "barcode": "barcode",
    "low_stock_threshold": "low_stock_threshold",
    "sku_code": "code",
}
PRODUCT_FIELDS = ("title", "subtitle", "tags")

UNKNOWN_CATEGORY = "分类不存在。Unknown category."
UNKNOWN_BRAND = "品牌不存在。Unknown brand."
CODE_TAKEN = "SKU 编码已被使用。This SKU code is already used."
NEEDS_PRICES = "上架前每个 SKU 都要有价格。Every SKU needs a price before the product is published."


def spec_combinations(specs: Sequence[dict]) -> list[dict[str, str]]:
    """The SKU matrix: one {group name: value} per element of the cartesian product (one {} without specs)."""
    names = [group["name"] for group in specs]
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*(g["values"] for g in specs))]


def generated_sku_code() -> str:
    return f"SKU-{uuid.uuid4().hex[:10].upper()}"


def _key(specs: dict) -> frozenset:
    return frozenset(specs.items())


def current_specs(product: Product) -> list[dict]:
    groups = SpecGroup.objects.filter(product=product).prefetch_related("values")
    return [{"name": g.name, "values": [v.value for v in g.values.all()]} for g in groups]


def _check_input(
    *,
    product: Product | None,
    changes: dict,
    specs: Sequence[dict],
    skus: Sequence[dict],
) -> None:
    """Every cross-field and database check; all problems reported at once as field errors."""
    errors: dict[str, list[str]] = {}
    if changes.get("category") is not None and not Category.objects.filter(pk=changes["category"]).exists():
        errors["category"] = [UNKNOWN_CATEGORY]
    if changes.get("brand") is not None and not Brand.objects.filter(pk=changes["brand"]).exists():
        errors["brand"] = [UNKNOWN_BRAND]

    if len(specs) > MAX_SPEC_GROUPS:
        errors["specs"] = [f"最多 {MAX_SPEC_GROUPS} 个规格。At most {MAX_SPEC_GROUPS} spec groups."]
    seen_names: set[str] = set()
    for i, group in enumerate(specs):
        if group["name"] in seen_names:
            errors[f"specs.{i}.name"] = ["规格名重复。Duplicate spec name."]
        seen_names.add(group["name"])
        if len(set(group["values"])) != len(group["values"]):
            errors[f"specs.{i}.values"] = ["规格值重复。Duplicate spec value."]
    size = 1
    for group in specs:
        size *= len(group["values"])
    if size > MAX_SKUS_PER_PRODUCT:
        errors.setdefault("specs", []).append(
            f"规格组合最多 {MAX_SKUS_PER_PRODUCT} 个。At most {MAX_SKUS_PER_PRODUCT} SKUs per product."
        )

    allowed = {group["name"]: set(group["values"]) for group in specs}
    seen_combos: set[frozenset] = set()
    codes: dict[str, int] = {}
    for i, sku in enumerate(skus):
        combo = sku.get("specs") or {}
        if set(combo) != set(allowed) or any(value not in allowed[name] for name, value in combo.items()):
            errors[f"skus.{i}.specs"] = ["规格组合不在规格表中。These specs are not a combination of the spec groups."]
        elif _key(combo) in seen_combos:
            errors[f"skus.{i}.specs"] = ["规格组合重复。Duplicate spec combination."]
        seen_combos.add(_key(combo))
        code = sku.get("sku_code")
        if code:
            if code in codes:
                errors[f"skus.{i}.sku_code"] = ["SKU 编码重复。Duplicate SKU code in this request."]
            codes.setdefault(code, i)
        price, compare_at = sku.get("price_amount"), sku.get("compare_at_amount")
        if price is not None and compare_at is not None and compare_at < price:
            errors[f"skus.{i}.compare_at_amount"] = ["划线价不能低于售价。Compare-at price is below the price."]
    if codes:
        taken = Sku.objects.filter(code__in=codes)
        if product is not None:
            taken = taken.exclude(product=product)
        for code in taken.values_list("code", flat=True):
            errors.setdefault(f"skus.{codes[code]}.sku_code", []).append(CODE_TAKEN)

    image_ids = changes.get("images")
    if image_ids is not None:
        if len(image_ids) > MAX_IMAGES_PER_PRODUCT:
            errors["images"] = [f"最多 {MAX_IMAGES_PER_PRODUCT} 张图片。At most {MAX_IMAGES_PER_PRODUCT} images."]
        usable = ProductImage.objects.filter(pk__in=image_ids, product__isnull=True)
        if product is not None:
            usable = ProductImage.objects.filter(pk__in=image_ids, product__in=[product]) | usable
        usable_ids = set(usable.values_list("pk", flat=True))
        for i, image_id in enumerate(image_ids):
            if image_id not in usable_ids or image_ids.index(image_id) != i:
                errors[f"images.{i}"] = ["图片不存在或已被使用。Unknown or already used image."]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_product(*, data: dict, actor_user_id: int | None = None) -> Product:
    """A new product, always a draft. `data` is the validated request body (see api/serializers.py)."""
    specs, skus = data.get("specs", []), data.get("skus", [])
    _check_input(product=None, changes=data, specs=specs, skus=skus)
    product = Product.objects.create(
        title=data["title"],
        subtitle=data.get("subtitle", ""),
        description_html=clean_description_html(data.get("description_html", "")),
        category_id=data.get("category"),
        brand_id=data.get("brand"),
        tags=list(data.get("tags", [])),
        status=ProductStatus.DRAFT,
    )
    _set_images(product, data.get("images", []))
    _write_spec_groups(product, specs)
    _sync_matrix(product, specs=specs, sku_inputs=skus, actor_user_id=actor_user_id)
    product.save(update_fields=["min_price_amount"])
    return product


@transaction.atomic
def update_product(*, product: Product, changes: dict, actor_user_id: int | None = None) -> Product:
    """Apply the fields present in `changes`. New specs regenerate the matrix; SKUs whose spec
    combination survives keep their code, stock and prices."""
    product = Product.objects.select_for_update().get(pk=product.pk)
    specs = changes["specs"] if "specs" in changes else current_specs(product)
    _check_input(product=product, changes=changes, specs=specs, skus=changes.get("skus", []))
    for field in PRODUCT_FIELDS:
        if field in changes:
            setattr(product, field, changes[field])
    if "description_html" in changes:
        product.description_html = clean_description_html(changes["description_html"])
    if "category" in changes:
        product.category_id = changes["category"]
    if "brand" in changes:
        product.brand_id = changes["brand"]
    if "images" in changes:
        _set_images(product, changes["images"])
    if "specs" in changes:
        _write_spec_groups(product, specs)
    if "specs" in changes or "skus" in changes:
        _sync_matrix(product, specs=specs, sku_inputs=changes.get("skus", []), actor_user_id=actor_user_id)
    if "status" in changes:
        product.status = changes["status"]
    if product.status == ProductStatus.ACTIVE:
        _check_publishable(product)
    product.save()
    return product


def _write_spec_groups(product: Product, specs: Sequence[dict]) -> None:
    SpecGroup.objects.filter(product=product).delete()
    groups = SpecGroup.objects.bulk_create(
        [SpecGroup(product=product, name=g["name"], position=i) for i, g in enumerate(specs)]
    )
    SpecValue.objects.bulk_create(
        [
            SpecValue(group=group, value=value, position=j)
            for group, spec in zip(groups, specs, strict=True)
            for j, value in enumerate(spec["values"])
        ]
    )


def _sync_matrix(product: Product, *, specs: Sequence[dict], sku_inputs: Sequence[dict], actor_user_id) -> None:
    combos = spec_combinations(specs)
    existing = list(Sku.objects.select_for_update().filter(product=product).order_by("pk"))
    by_key = {_key(sku.specs): sku for sku in existing}
    inputs = {_key(item.get("specs") or {}): item for item in sku_inputs}
    assigned: list[Sku | None] = [by_key.pop(_key(combo), None) for combo in combos]
    # A spec group was added: an old SKU carries over (code, stock) to the first combination extending it.
    for i, combo in enumerate(combos):
        if assigned[i] is None:
            match = next((key for key in by_key if key <= _key(combo)), None)
            if match is not None:
                assigned[i] = by_key.pop(match)
    try:
        with transaction.atomic():
            Sku.objects.filter(pk__in=[sku.pk for sku in by_key.values()]).delete()
    except ProtectedError as exc:
        raise Conflict("有 SKU 已被订单引用，不能删除。Some SKUs are referenced by orders.") from exc

    kept, created, stock_targets = [], [], []
    for position, (combo, sku) in enumerate(zip(combos, assigned, strict=True)):
        item = inputs.get(_key(combo), {})
        if sku is None:
            sku = Sku(product=product, code=generated_sku_code(), price_amount=0, stock=item.get("stock", 0))
            created.append(sku)
        else:
            kept.append(sku)
            if "stock" in item and item["stock"] != sku.stock:
                stock_targets.append((sku, item["stock"]))
        for source, field in SKU_FIELDS.items():
            if source in item:
                setattr(sku, field, item[source])
        sku.specs, sku.position = combo, position
    try:
        with transaction.atomic():
            Sku.objects.bulk_update(kept, [*SKU_FIELDS.values(), "specs", "position"])
            Sku.objects.bulk_create(created)
    except IntegrityError as exc:
        raise ValidationError({"skus": [CODE_TAKEN]}) from exc
    StockAdjustment.objects.bulk_create(
        [
            StockAdjustment(
                sku=sku, delta=sku.stock, reason=StockReason.INITIAL, actor_user_id=actor_user_id, stock_after=sku.stock
            )
            for sku in created
            if sku.stock
        ]
    )
    for sku, target in stock_targets:
        adjust_stock(sku_id=sku.pk, delta=target - sku.stock, reason=StockReason.MANUAL, actor_user_id=actor_user_id)
    product.min_price_amount = min((sku.price_amount for sku in kept + created), default=0)


def _set_images(product: Product, image_ids: Sequence[int]) -> None:
    images = {image.pk: image for image in ProductImage.objects.filter(pk__in=image_ids)}
    for position, image_id in enumerate(image_ids):
        images[image_id].product, images[image_id].position = product, position
    ProductImage.objects.bulk_update(images.values(), ["product", "position"])
    _delete_images(ProductImage.objects.filter(product=product).exclude(pk__in=image_ids))


def _delete_images(images: Iterable[ProductImage]) -> None:
    images = list(images)
    if not images:
        return
    files = [(image.image.storage, image.image.name) for image in images]
    ProductImage.objects.filter(pk__in=[image.pk for image in images]).delete()
    # Files go only once the rows are surely gone; a rollback keeps both.
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])


def _check_publishable(product: Product) -> None:
    prices = list(Sku.objects.filter(product=product).values_list("price_amount", flat=True))
    if not prices:
        raise ValidationError({"skus": ["上架前至少要有一个 SKU。A product needs a SKU before it is published."]})
    if min(prices) <= 0:
        raise ValidationError({"skus": [NEEDS_PRICES]})


@transaction.atomic
def publish_product(*, product: Product) -> Product:
    product = Product.objects.select_for_update().get(pk=product.pk)
    _check_publishable(product)
    product.status = ProductStatus.ACTIVE
    product.save(update_fields=["status", "updated"])
    return product


@transaction.atomic
def unpublish_product(*, product: Product) -> Product:
    Product.objects.filter(pk=product.pk).update(status=ProductStatus.INACTIVE)
    product.refresh_from_db()
    return product


@transaction.atomic
def delete_product(*, product: Product) -> None:
    _delete_images(product.images.all())
    try:
        with transaction.atomic():
            product.delete()
    except ProtectedError as exc:
        raise Conflict("商品已被订单引用，请改为下架。The product is referenced by orders: unpublish it.") from exc


@transaction.atomic
def attach_image(*, product: Product, image: ProductImage) -> ProductImage:
    last = ProductImage.objects.filter(product=product).order_by("-position").values_list("position", flat=True)
    previous = last.first()
    image.product, image.position = product, 0 if previous is None else previous + 1
    image.save(update_fields=["product", "position"])
    return image


def check_new_product(*, data: dict) -> None:
    """The database checks of create_product without writing (the CSV import validates every row first)."""
    _check_input(product=None, changes=data, specs=data.get("specs", []), skus=data.get("skus", []))
