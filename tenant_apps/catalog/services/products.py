"""Products, their images and the SKU matrix generated from spec groups."""

import itertools
import re
import uuid
from collections.abc import Iterable, Sequence

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from micromall.errors import Conflict, Invalid

from ..models import (
    MAX_PRICE_AMOUNT,
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
from .inventory import MAX_STOCK, adjust_stock

MAX_SPEC_GROUPS = 3
MAX_SPEC_VALUES = 50
MAX_SKUS_PER_PRODUCT = 200
MAX_IMAGES_PER_PRODUCT = 20
MAX_TAGS = 20
MAX_WEIGHT_GRAMS = 10**7
SKU_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._\-/]*$"
SKU_CODE_RE = re.compile(SKU_CODE_PATTERN)
# Request field -> Sku field for the plain values a merchant may set.
SKU_FIELDS = {
    "price_amount": "price_amount",
    "compare_at_amount": "compare_at_amount",
    "cost_amount": "cost_amount",
    "weight_grams": "weight_grams",
    "barcode": "barcode",
    "low_stock_threshold": "low_stock_threshold",
    "sku_code": "code",
    "image": "image_id",
}
PRODUCT_FIELDS = ("title", "subtitle", "tags")

UNKNOWN_CATEGORY = gettext_lazy("Unknown category.")
UNKNOWN_BRAND = gettext_lazy("Unknown brand.")
CODE_TAKEN = gettext_lazy("This SKU code is already used.")
NEEDS_PRICES = gettext_lazy("Every SKU needs a price before the product is published.")
COMPARE_AT_BELOW_PRICE = gettext_lazy("Compare-at price is below the price.")
SKU_IMAGE_NOT_OWN = gettext_lazy("Pick one of this product's images.")


def spec_combinations(specs: Sequence[dict]) -> list[dict[str, str]]:
    """The SKU matrix: one {group name: value} per element of the cartesian product (one {} without specs)."""
    names = [group["name"] for group in specs]
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*(g["values"] for g in specs))]


def lowest_price(prices: Iterable[int]) -> int:
    """The product's denormalised `min_price_amount`: its cheapest SKU, 0 without SKUs."""
    return min(prices, default=0)


def generated_sku_code() -> str:
    return f"SKU-{uuid.uuid4().hex[:10].upper()}"


def _key(specs: dict) -> frozenset:
    return frozenset(specs.items())


def current_specs(product: Product) -> list[dict]:
    groups = SpecGroup.objects.filter(product=product).prefetch_related("values")
    return [{"name": g.name, "values": [v.value for v in g.values.all()]} for g in groups]


def _bounded_int(value, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _text_error(value, *, max_length: int, required: bool = False) -> str | None:
    if not isinstance(value, str):
        return _("Must be text.")
    if required and not value.strip():
        return _("This field is required.")
    if len(value) > max_length:
        return _("At most %(count)d characters.") % {"count": max_length}
    return None


# SKU number fields -> (lowest, highest, may be null).
SKU_NUMBERS = {
    "price_amount": (0, MAX_PRICE_AMOUNT, False),
    "compare_at_amount": (0, MAX_PRICE_AMOUNT, True),
    "cost_amount": (0, MAX_PRICE_AMOUNT, True),
    "stock": (0, MAX_STOCK, False),
    "weight_grams": (0, MAX_WEIGHT_GRAMS, False),
    "low_stock_threshold": (0, MAX_STOCK, False),
}


def _check_fields(data: dict, *, creating: bool) -> dict[str, list[str]]:
    """Types and bounds of every field, whoever the caller (API, back office, CSV import, seeding)."""
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str | None) -> None:
        if message:
            errors.setdefault(key, []).append(message)

    if creating or "title" in data:
        add("title", _text_error(data.get("title"), max_length=200, required=True))
    if "subtitle" in data:
        add("subtitle", _text_error(data["subtitle"], max_length=200))
    if "description_html" in data:
        add("description_html", _text_error(data["description_html"], max_length=100_000))
    if "status" in data and data["status"] not in ProductStatus.values:
        add("status", _("Unknown status."))
    for key in ("category", "brand"):
        if data.get(key) is not None and not _bounded_int(data[key], 1, 2**62):
            add(key, _("Must be an id."))
    tags = data.get("tags", [])
    if not isinstance(tags, list) or len(tags) > MAX_TAGS:
        add("tags", _("At most %(count)d tags.") % {"count": MAX_TAGS})
    else:
        for i, tag in enumerate(tags):
            add(f"tags.{i}", _text_error(tag, max_length=40, required=True))
    images = data.get("images", [])
    if not isinstance(images, list) or not all(_bounded_int(i, 1, 2**62) for i in images):
        add("images", _("Must be a list of image ids."))
    specs = data.get("specs", [])
    if not isinstance(specs, list):
        add("specs", _("Must be a list."))
        specs = []
    for i, group in enumerate(specs):
        if not isinstance(group, dict):
            add(f"specs.{i}", _("Must be an object."))
            continue
        add(f"specs.{i}.name", _text_error(group.get("name"), max_length=50, required=True))
        values = group.get("values")
        if not isinstance(values, list) or not 1 <= len(values) <= MAX_SPEC_VALUES:
            add(f"specs.{i}.values", _("Give 1 to %(count)d values.") % {"count": MAX_SPEC_VALUES})
        else:
            for j, value in enumerate(values):
                add(f"specs.{i}.values.{j}", _text_error(value, max_length=50, required=True))
    skus = data.get("skus", [])
    if not isinstance(skus, list) or len(skus) > MAX_SKUS_PER_PRODUCT:
        add("skus", _("At most %(count)d SKUs per product.") % {"count": MAX_SKUS_PER_PRODUCT})
        skus = []
    for i, sku in enumerate(skus):
        if not isinstance(sku, dict):
            add(f"skus.{i}", _("Must be an object."))
            continue
        if creating and "price_amount" not in sku:
            add(f"skus.{i}.price_amount", _("This field is required."))
        for field, (low, high, nullable) in SKU_NUMBERS.items():
            if field in sku and not (sku[field] is None and nullable) and not _bounded_int(sku[field], low, high):
                add(
                    f"skus.{i}.{field}",
                    _("Must be a whole number from %(low)d to %(high)d.") % {"low": low, "high": high},
                )
        code = sku.get("sku_code")
        if code is not None and (not isinstance(code, str) or len(code) > 64 or not SKU_CODE_RE.match(code)):
            add(f"skus.{i}.sku_code", _("Letters, digits and . _ - / only, at most 64 characters."))
        if "barcode" in sku:
            add(f"skus.{i}.barcode", _text_error(sku["barcode"], max_length=64))
        if sku.get("image") is not None and not _bounded_int(sku["image"], 1, 2**62):
            add(f"skus.{i}.image", _("Must be an id."))
        combo = sku.get("specs", {})
        if not isinstance(combo, dict) or not all(isinstance(v, str) for v in combo.values()):
            add(f"skus.{i}.specs", _("Must map spec names to values."))
    return errors


def check_product_fields(data: dict) -> dict[str, list[str]]:
    """The checks of a new product that need no database (bounds, spec matrix, prices); {} when it is fine."""
    return _pure_errors(data, specs=data.get("specs", []), skus=data.get("skus", []), creating=True)


def _pure_errors(changes: dict, *, specs: Sequence[dict], skus: Sequence[dict], creating: bool) -> dict:
    errors = _check_fields(changes, creating=creating)
    if errors:
        return errors
    if len(specs) > MAX_SPEC_GROUPS:
        errors["specs"] = [_("At most %(count)d spec groups.") % {"count": MAX_SPEC_GROUPS}]
    seen_names: set[str] = set()
    for i, group in enumerate(specs):
        if group["name"] in seen_names:
            errors[f"specs.{i}.name"] = [_("Duplicate spec name.")]
        seen_names.add(group["name"])
        if len(set(group["values"])) != len(group["values"]):
            errors[f"specs.{i}.values"] = [_("Duplicate spec value.")]
    size = 1
    for group in specs:
        size *= len(group["values"])
    if size > MAX_SKUS_PER_PRODUCT:
        errors.setdefault("specs", []).append(
            _("At most %(count)d SKUs per product.") % {"count": MAX_SKUS_PER_PRODUCT}
        )

    allowed = {group["name"]: set(group["values"]) for group in specs}
    seen_combos: set[frozenset] = set()
    codes: dict[str, int] = {}
    for i, sku in enumerate(skus):
        combo = sku.get("specs") or {}
        if set(combo) != set(allowed) or any(value not in allowed[name] for name, value in combo.items()):
            errors[f"skus.{i}.specs"] = [_("These specs are not a combination of the spec groups.")]
        elif _key(combo) in seen_combos:
            errors[f"skus.{i}.specs"] = [_("Duplicate spec combination.")]
        seen_combos.add(_key(combo))
        code = sku.get("sku_code")
        if code:
            if code in codes:
                errors[f"skus.{i}.sku_code"] = [_("Duplicate SKU code in this request.")]
            codes.setdefault(code, i)
        price, compare_at = sku.get("price_amount"), sku.get("compare_at_amount")
        if price is not None and compare_at is not None and compare_at < price:
            errors[f"skus.{i}.compare_at_amount"] = [COMPARE_AT_BELOW_PRICE]
    return errors


def _check_input(
    *,
    product: Product | None,
    changes: dict,
    specs: Sequence[dict],
    skus: Sequence[dict],
) -> None:
    """Every field, cross-field and database check; all problems reported at once as field errors."""
    errors = _pure_errors(changes, specs=specs, skus=skus, creating=product is None)
    if errors:
        raise Invalid(errors=errors)
    if changes.get("category") is not None and not Category.objects.filter(pk=changes["category"]).exists():
        errors["category"] = [UNKNOWN_CATEGORY]
    if changes.get("brand") is not None and not Brand.objects.filter(pk=changes["brand"]).exists():
        errors["brand"] = [UNKNOWN_BRAND]
    codes = {sku["sku_code"]: i for i, sku in reversed(list(enumerate(skus))) if sku.get("sku_code")}
    if codes:
        taken = Sku.objects.filter(code__in=codes)
        if product is not None:
            taken = taken.exclude(product=product)
        for code in taken.values_list("code", flat=True):
            errors.setdefault(f"skus.{codes[code]}.sku_code", []).append(CODE_TAKEN)

    image_ids = changes.get("images")
    sku_images = {i: sku["image"] for i, sku in enumerate(skus) if sku.get("image") is not None}
    if sku_images:
        # A SKU shows one of its own product's images: those the request keeps, else those it has now.
        if image_ids is not None:
            own = set(image_ids)
        elif product is not None:
            own = set(ProductImage.objects.filter(product=product).values_list("pk", flat=True))
        else:
            own = set()
        for i, image_id in sku_images.items():
            if image_id not in own:
                errors[f"skus.{i}.image"] = [SKU_IMAGE_NOT_OWN]
    if image_ids is not None:
        if len(image_ids) > MAX_IMAGES_PER_PRODUCT:
            errors["images"] = [_("At most %(count)d images.") % {"count": MAX_IMAGES_PER_PRODUCT}]
        usable = ProductImage.objects.filter(pk__in=image_ids, product__isnull=True)
        if product is not None:
            usable = ProductImage.objects.filter(pk__in=image_ids, product__in=[product]) | usable
        usable_ids = set(usable.values_list("pk", flat=True))
        for i, image_id in enumerate(image_ids):
            if image_id not in usable_ids or image_ids.index(image_id) != i:
                errors[f"images.{i}"] = [_("Unknown or already used image.")]
    if errors:
        raise Invalid(errors=errors)


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
        # Stock set to 0 may have taken the product off sale (auto_unpublish_sold_out): keep that, unless this
        # request sets the status itself (saving the row read above would put it back on sale).
        product.status = Product.objects.values_list("status", flat=True).get(pk=product.pk)
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
    inputs = {_key(item.get("specs") or {}): (index, item) for index, item in enumerate(sku_inputs)}
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
        raise Conflict(_("Some SKUs are referenced by orders.")) from exc

    kept, created, stock_targets, errors = [], [], [], {}
    for position, (combo, sku) in enumerate(zip(combos, assigned, strict=True)):
        index, item = inputs.get(_key(combo), (None, {}))
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
        # Checked on the merged values: a change of either price alone must not break the rule either.
        if sku.compare_at_amount is not None and sku.compare_at_amount < sku.price_amount:
            errors[f"skus.{position if index is None else index}.compare_at_amount"] = [COMPARE_AT_BELOW_PRICE]
    if errors:
        raise Invalid(errors=errors)
    try:
        with transaction.atomic():
            Sku.objects.bulk_update(kept, [*SKU_FIELDS.values(), "specs", "position"])
            Sku.objects.bulk_create(created)
    except IntegrityError as exc:
        raise Invalid(errors={"skus": [CODE_TAKEN]}) from exc
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
    product.min_price_amount = lowest_price(sku.price_amount for sku in kept + created)


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
        raise Invalid(errors={"skus": [_("A product needs a SKU before it is published.")]})
    if min(prices) <= 0:
        raise Invalid(errors={"skus": [NEEDS_PRICES]})


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
        raise Conflict(_("The product is referenced by orders: unpublish it.")) from exc


@transaction.atomic
def attach_image(*, product: Product, image: ProductImage) -> ProductImage:
    last = ProductImage.objects.filter(product=product).order_by("-position").values_list("position", flat=True)
    previous = last.first()
    image.product, image.position = product, 0 if previous is None else previous + 1
    image.save(update_fields=["product", "position"])
    return image


@transaction.atomic
def update_sku(*, sku: Sku, changes: dict, actor_user_id: int | None = None) -> Sku:
    """Change one SKU's own values (`sku_code`, prices, stock, ...) with every check of update_product."""
    update_product(
        product=sku.product, changes={"skus": [{**changes, "specs": sku.specs}]}, actor_user_id=actor_user_id
    )
    return Sku.objects.get(pk=sku.pk)


@transaction.atomic
def describe_image(*, image: ProductImage, alt: str) -> ProductImage:
    """Set an image's alt text (what screen readers and search engines read)."""
    error = _text_error(alt, max_length=200)
    if error:
        raise Invalid(errors={"alt": [error]})
    ProductImage.objects.filter(pk=image.pk).update(alt=alt)
    image.alt = alt
    return image


def check_new_product(*, data: dict) -> None:
    """The database checks of create_product without writing (the CSV import validates every row first)."""
    _check_input(product=None, changes=data, specs=data.get("specs", []), skus=data.get("skus", []))
