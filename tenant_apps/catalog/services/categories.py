"""Category tree (at most MAX_CATEGORY_DEPTH levels) and brands."""

from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError
from django.utils.text import slugify
from rest_framework.exceptions import ValidationError

from micromall.api.errors import Conflict

from ..models import MAX_CATEGORY_DEPTH, Brand, Category

TOO_DEEP = f"分类最多 {MAX_CATEGORY_DEPTH} 级。Categories nest at most {MAX_CATEGORY_DEPTH} levels."
SLUG_TAKEN = "这个别名已被使用。This slug is already used."


def _subtree_height(category: Category) -> int:
    """Levels below and including `category` (1 for a leaf)."""
    height, level = 1, [category.pk]
    while level:
        level = list(Category.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        if level:
            height += 1
    return height


def _unique_slug(name: str, exclude_pk: int | None = None) -> str:
    base = slugify(name, allow_unicode=True)[:100] or "category"
    slug, n = base, 1
    while Category.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _depth_under(parent: Category | None) -> int:
    return 1 if parent is None else parent.depth + 1


@transaction.atomic
def create_category(*, name: str, parent: Category | None = None, slug: str = "", position: int = 0) -> Category:
    depth = _depth_under(parent)
    if depth > MAX_CATEGORY_DEPTH:
        raise ValidationError({"parent": [TOO_DEEP]})
    if slug and Category.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": [SLUG_TAKEN]})
    return Category.objects.create(
        name=name, parent=parent, slug=slug or _unique_slug(name), position=position, depth=depth
    )


@transaction.atomic
def update_category(*, category: Category, changes: dict) -> Category:
    """`changes` holds only the fields to change: name, slug, position, parent (a Category or None)."""
    category = Category.objects.select_for_update().get(pk=category.pk)
    if "parent" in changes and changes["parent"] != category.parent:
        parent = changes["parent"]
        ancestor = parent
        while ancestor is not None:
            if ancestor.pk == category.pk:
                raise ValidationError({"parent": ["分类不能移到自己下面。A category cannot move under itself."]})
            ancestor = ancestor.parent
        new_depth = _depth_under(parent)
        if new_depth + _subtree_height(category) - 1 > MAX_CATEGORY_DEPTH:
            raise ValidationError({"parent": [TOO_DEEP]})
        shift = new_depth - category.depth
        category.parent, category.depth = parent, new_depth
        if shift:
            _shift_descendants(category, shift)
    if "slug" in changes and changes["slug"] and changes["slug"] != category.slug:
        if Category.objects.filter(slug=changes["slug"]).exclude(pk=category.pk).exists():
            raise ValidationError({"slug": [SLUG_TAKEN]})
        category.slug = changes["slug"]
    for field in ("name", "position"):
        if field in changes:
            setattr(category, field, changes[field])
    category.save()
    return category


def _shift_descendants(category: Category, shift: int) -> None:
    level = [category.pk]
    while level:
        level = list(Category.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        Category.objects.filter(pk__in=level).update(depth=F("depth") + shift)


@transaction.atomic
def delete_category(*, category: Category) -> None:
    """Products of the category become uncategorised; a category with sub-categories is refused."""
    try:
        category.delete()
    except ProtectedError as exc:
        raise Conflict("请先删除或移动子分类。Delete or move the sub-categories first.") from exc


@transaction.atomic
def create_brand(*, name: str) -> Brand:
    try:
        with transaction.atomic():
            return Brand.objects.create(name=name)
    except IntegrityError as exc:
        raise ValidationError({"name": ["品牌已存在。This brand already exists."]}) from exc


@transaction.atomic
def update_brand(*, brand: Brand, name: str) -> Brand:
    if Brand.objects.filter(name=name).exclude(pk=brand.pk).exists():
        raise ValidationError({"name": ["品牌已存在。This brand already exists."]})
    brand.name = name
    brand.save(update_fields=["name"])
    return brand


@transaction.atomic
def delete_brand(*, brand: Brand) -> None:
    brand.delete()
