"""Category tree (at most MAX_CATEGORY_DEPTH levels) and brands."""

from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError
from django.utils.text import format_lazy, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from micromall.errors import Conflict, Invalid

from ..models import MAX_CATEGORY_DEPTH, Brand, Category

TOO_DEEP = format_lazy(gettext_lazy("Categories nest at most {levels} levels."), levels=MAX_CATEGORY_DEPTH)
SLUG_TAKEN = gettext_lazy("This slug is already used.")
BRAND_TAKEN = gettext_lazy("This brand already exists.")


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
        raise Invalid(errors={"parent": [TOO_DEEP]})
    if slug and Category.objects.filter(slug=slug).exists():
        raise Invalid(errors={"slug": [SLUG_TAKEN]})
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
                raise Invalid(errors={"parent": [_("A category cannot move under itself.")]})
            ancestor = ancestor.parent
        new_depth = _depth_under(parent)
        if new_depth + _subtree_height(category) - 1 > MAX_CATEGORY_DEPTH:
            raise Invalid(errors={"parent": [TOO_DEEP]})
        shift = new_depth - category.depth
        category.parent, category.depth = parent, new_depth
        if shift:
            _shift_descendants(category, shift)
    if "slug" in changes and changes["slug"] and changes["slug"] != category.slug:
        if Category.objects.filter(slug=changes["slug"]).exclude(pk=category.pk).exists():
            raise Invalid(errors={"slug": [SLUG_TAKEN]})
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
        raise Conflict(_("Delete or move the sub-categories first.")) from exc


@transaction.atomic
def create_brand(*, name: str) -> Brand:
    try:
        with transaction.atomic():
            return Brand.objects.create(name=name)
    except IntegrityError as exc:
        raise Invalid(errors={"name": [BRAND_TAKEN]}) from exc


@transaction.atomic
def update_brand(*, brand: Brand, name: str) -> Brand:
    if Brand.objects.filter(name=name).exclude(pk=brand.pk).exists():
        raise Invalid(errors={"name": [BRAND_TAKEN]})
    brand.name = name
    brand.save(update_fields=["name"])
    return brand


@transaction.atomic
def delete_brand(*, brand: Brand) -> None:
    brand.delete()


@transaction.atomic
def remove_brand_logo(*, brand: Brand) -> Brand:
    old = brand.logo.name
    if old:
        storage = brand.logo.storage
        Brand.objects.filter(pk=brand.pk).update(logo="")
        brand.logo = ""
        transaction.on_commit(lambda: storage.delete(old))  # the file goes only once the row surely changed
    return brand
