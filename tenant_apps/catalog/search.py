"""Product search and filtering for shoppers (reads only), on the trigger-kept `search_document`.

The tokenizer lives in SQL (migration 0002_search_document): CJK unigrams + bigrams and lowercase
Latin words; `mm_search_query` turns a query into the same tokens, AND-ed, Latin words as prefixes.
So `连衣裙` finds `夏季碎花连衣裙` and `dress` finds `Summer Dress`.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.db.models import BooleanField, Exists, FloatField, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL

from .models import Category, Product, ProductImage, ProductStatus, Sku

SORTS = ("relevance", "sales", "-sales", "price", "-price", "new")
MAX_QUERY_LENGTH = 100
# Characters the SQL tokenizer indexes; a query without any (e.g. "!!!") searches for nothing in particular.
SEARCHABLE = re.compile(r"[0-9A-Za-z\u00c0-\u024f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")

ORDERINGS = {
    "sales": ("sales_count", "id"),
    "-sales": ("-sales_count", "-id"),
    "price": ("min_price_amount", "id"),
    "-price": ("-min_price_amount", "-id"),
    "new": ("-created", "-id"),
    # Without a query "relevance" means best sellers first.
    "relevance": ("-sales_count", "-id"),
}


@dataclass(frozen=True)
class ProductFilter:
    q: str = ""
    category_ids: tuple[int, ...] | None = None
    brand_id: int | None = None
    min_price: int | None = None
    max_price: int | None = None
    in_stock: bool = False
    sort: str = "relevance"


def category_ids_for(value: str | int) -> tuple[int, ...]:
    """A category (id or slug) and its descendants, in one query; () when there is no such category.

    The tree is at most MAX_CATEGORY_DEPTH = 3 deep, so two parent hops reach every descendant.
    """
    text = str(value).strip()
    is_id = text.isascii() and text.isdigit() and len(text) <= 18
    root = Category.objects.filter(pk=int(text)) if is_id else Category.objects.filter(slug=text)
    root_ids = root.values("pk")
    tree = Category.objects.filter(Q(pk__in=root_ids) | Q(parent_id__in=root_ids) | Q(parent__parent_id__in=root_ids))
    return tuple(tree.values_list("pk", flat=True))


def has_search_terms(q: str) -> bool:
    # NFKC as in SQL (migration 0003): full-width `Ｄｒｅｓｓ` counts as the word it is.
    return bool(SEARCHABLE.search(unicodedata.normalize("NFKC", q or "")))


def storefront_products() -> QuerySet:
    """Active products with what a product card needs: first image, in-stock flag (one query, no N+1)."""
    first_image = ProductImage.objects.filter(product=OuterRef("pk")).order_by("position", "id").values("image")[:1]
    return (
        Product.objects.with_sales()
        .filter(status=ProductStatus.ACTIVE)
        .annotate(
            first_image=Subquery(first_image),
            in_stock=Exists(Sku.objects.filter(product=OuterRef("pk"), stock__gt=0)),
        )
    )


def search_products(spec: ProductFilter) -> QuerySet:
    products = storefront_products()
    ordering = ORDERINGS[spec.sort]
    if has_search_terms(spec.q):
        q = spec.q[:MAX_QUERY_LENGTH]
        products = products.alias(
            matches=RawSQL('"catalog_product"."search_document" @@ mm_search_query(%s)', [q], BooleanField())
        ).filter(matches=True)
        if spec.sort == "relevance":
            # Title hits first, then the document rank, then best sellers.
            products = products.annotate(
                relevance=RawSQL(
                    '(array_to_tsvector(mm_search_lexemes("catalog_product"."title")) @@ mm_search_query(%s))::int'
                    ' + ts_rank("catalog_product"."search_document", mm_search_query(%s))',
                    [q, q],
                    FloatField(),
                )
            )
            ordering = ("-relevance", "-sales_count", "-id")
    if spec.category_ids is not None:
        products = products.filter(category_id__in=spec.category_ids)
    if spec.brand_id is not None:
        products = products.filter(brand_id=spec.brand_id)
    if spec.min_price is not None:
        products = products.filter(min_price_amount__gte=spec.min_price)
    if spec.max_price is not None:
        products = products.filter(min_price_amount__lte=spec.max_price)
    if spec.in_stock:
        products = products.filter(in_stock=True)
    return products.order_by(*ordering)
