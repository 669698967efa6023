"""Shop back office for the catalog: products with their SKU matrix and images, categories, brands,
the stock ledger, low-stock notices, CSV imports with progress, and catalog settings.

Writes go through services; stock is read-only here except through a ledger entry (adjust_stock).
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Sum
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from micromall.admin_forms import ServiceErrorsAdmin, error_text, form_error
from micromall.errors import ApplicationError
from shared_apps.tenancy.interface import Permission, ShopModelAdmin, shop_admin_site

from . import services
from .models import (
    MAX_CATEGORY_DEPTH,
    Brand,
    CatalogSettings,
    Category,
    ImportJob,
    ImportStatus,
    LowStockNotice,
    Product,
    ProductImage,
    Sku,
    StockAdjustment,
    StockReason,
)


class CatalogScreen(ServiceErrorsAdmin, ShopModelAdmin):
    manage_permission = Permission.CATALOG_MANAGE
    delete_permission = Permission.CATALOG_DELETE


class ShopInline:
    """Inlines follow the parent screen's permissions (Django's permission rows live in public)."""

    def _parent(self):
        return self.admin_site._registry[self.parent_model]

    def has_view_permission(self, request, obj=None):
        return self._parent().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._parent().has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._parent().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._parent().has_change_permission(request, obj)


class ProductImageForm(forms.ModelForm):
    class Meta:
        model = ProductImage
        fields = ["image", "alt", "position"]

    def clean_image(self):
        upload = self.cleaned_data["image"]
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            try:
                services.inspect_image(upload)
            except ApplicationError as exc:
                raise form_error(exc) from exc
        return upload


class ProductImageInline(ShopInline, admin.TabularInline):
    model = ProductImage
    form = ProductImageForm
    extra = 0
    readonly_fields = ["preview"]
    fields = ["preview", "image", "alt", "position"]

    @admin.display(description="preview / 预览")
    def preview(self, image):
        return format_html('<img src="{}" style="max-height:60px">', image.image.url) if image.pk else "-"


def major_units(amount: int | None) -> str:
    """Minor units -> `25.00` (integer arithmetic, no floats)."""
    if amount is None:
        return "-"
    major, minor = divmod(int(amount), 100)
    return f"{major:,}.{minor:02d}"


# Amounts are stored and typed in minor units (分); without saying so a merchant reads 2500 as ¥2,500.
AMOUNT_LABELS = {
    "price_amount": "售价（分）Price (fen)",
    "compare_at_amount": "划线价（分）Compare-at (fen)",
    "cost_amount": "成本（分）Cost (fen)",
}


class SkuForm(forms.ModelForm):
    class Meta:
        model = Sku
        fields = [
            "code",
            "price_amount",
            "compare_at_amount",
            "cost_amount",
            "low_stock_threshold",
            "weight_grams",
            "barcode",
        ]
        labels = AMOUNT_LABELS
        help_texts = {name: "1 元 = 100 分：2500 = ¥25.00" for name in AMOUNT_LABELS}
        # Narrow inputs so the nine-column matrix fits the screen (the admin's CSS widths ignore `size`).
        widgets = {
            "code": forms.TextInput(attrs={"style": "width:9em"}),
            "barcode": forms.TextInput(attrs={"style": "width:9em"}),
            **{name: forms.NumberInput(attrs={"style": "width:6em"}) for name in AMOUNT_LABELS},
        }


class SkuInline(ShopInline, admin.TabularInline):
    """The SKU matrix: rows come from the spec groups; prices and codes are edited here, stock via the ledger."""

    model = Sku
    form = SkuForm
    extra = 0
    fields = [
        "specs_label",
        "code",
        "price_amount",
        "compare_at_amount",
        "cost_amount",
        "stock",
        "low_stock_threshold",
        "weight_grams",
        "barcode",
    ]
    readonly_fields = ["specs_label", "stock"]

    @admin.display(description="specs / 规格")
    def specs_label(self, sku):
        return " / ".join(f"{k}: {v}" for k, v in sku.specs.items()) or "-"

    def has_add_permission(self, request, obj=None):
        return False  # SKUs are generated from the spec groups

    def has_delete_permission(self, request, obj=None):
        return False  # ... and removed by changing them


SKU_FORM_FIELDS = {
    "code": "sku_code",
    "price_amount": "price_amount",
    "compare_at_amount": "compare_at_amount",
    "cost_amount": "cost_amount",
    "low_stock_threshold": "low_stock_threshold",
    "weight_grams": "weight_grams",
    "barcode": "barcode",
}


def sku_rows(formset) -> list[dict]:
    """The SKU matrix as typed in the inline, in the services' input shape (`{specs, sku_code, price_amount...}`)."""
    if formset is None:
        return []
    return [
        {"specs": sku_form.instance.specs}
        | {target: sku_form.cleaned_data.get(source) for source, target in SKU_FORM_FIELDS.items()}
        for sku_form in formset.forms
        if sku_form.instance.pk is not None
    ]


def specs_to_text(product: Product) -> str:
    return "\n".join(
        f"{group['name']}: {', '.join(group['values'])}" for group in services.products.current_specs(product)
    )


def text_to_specs(text: str) -> list[dict]:
    """`颜色: 红, 蓝` per line -> [{"name": "颜色", "values": ["红", "蓝"]}]; commas may be full-width."""
    specs = []
    for line in filter(None, (line.strip() for line in text.splitlines())):
        name, sep, values = line.replace("：", ":").partition(":")
        parsed = [v.strip() for v in values.replace("，", ",").split(",") if v.strip()]
        if not sep or not name.strip() or not parsed:
            raise forms.ValidationError(f"“{line}”: 每行写 名称: 值1, 值2。Write one `name: value1, value2` per line.")
        specs.append({"name": name.strip(), "values": parsed})
    return specs


class ProductForm(forms.ModelForm):
    specs_text = forms.CharField(
        label="specs / 规格",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "颜色: 红, 蓝\n尺码: S, M, L"}),
        help_text="每行一个规格；保存后生成 SKU 组合。One spec group per line; saving regenerates the SKU matrix.",
    )

    class Meta:
        model = Product
        fields = ["title", "subtitle", "category", "brand", "tags", "description_html"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["specs_text"] = specs_to_text(self.instance)

    def clean_specs_text(self):
        return text_to_specs(self.cleaned_data["specs_text"])


@admin.register(Product, site=shop_admin_site)
class ProductAdmin(CatalogScreen):
    form = ProductForm
    service_error_fields = {"specs": "specs_text"}  # the service's spec groups are typed in this textarea
    inlines = [SkuInline, ProductImageInline]
    list_display = ["title", "status", "category", "brand", "lowest_price", "total_stock", "sales_count", "updated"]
    list_filter = ["status", "category", "brand"]
    list_select_related = ["category", "brand"]
    search_fields = ["title", "skus__code"]
    readonly_fields = ["status", "sales_count", "lowest_price", "created", "updated"]
    actions = ["publish", "unpublish"]

    @admin.display(description="最低价（元）Lowest price", ordering="min_price_amount")
    def lowest_price(self, product):
        return major_units(product.min_price_amount)

    def get_queryset(self, request):
        return super().get_queryset(request).with_sales().annotate(stock_total=Sum("skus__stock"))

    @admin.display(description=_("sales"), ordering="sales_count")
    def sales_count(self, product):
        return getattr(product, "sales_count", 0)  # annotated from ProductStats by get_queryset

    @admin.display(description="stock / 库存", ordering="stock_total")
    def total_stock(self, product):
        return product.stock_total or 0

    def save_model(self, request, obj, form, change):
        pass  # written with its inlines in save_related, through one service call

    def construct_change_message(self, request, form, formsets, add=False):
        return []  # Django never saved the formsets (no new_objects); shop changes are not logged anyway

    def save_related(self, request, form, formsets, change):
        """The product, its spec matrix, SKU prices and images through create_product/update_product, so the
        back office gets every check the API gets (prices of an active product, compare-at >= price, ...)."""
        data = form.cleaned_data
        specs = data.get("specs_text", [])
        by_prefix = {formset.prefix: formset for formset in formsets}
        changes = {
            "title": data["title"],
            "subtitle": data.get("subtitle", ""),
            "category": data["category"].pk if data.get("category") else None,
            "brand": data["brand"].pk if data.get("brand") else None,
            "tags": list(data.get("tags") or []),
            "description_html": data.get("description_html", ""),
            "images": self._image_ids(by_prefix.get("images")),
        }
        if not change:
            product = services.create_product(data={**changes, "specs": specs}, actor_user_id=request.user.pk)
            form.instance.pk = product.pk
            return
        if specs != services.products.current_specs(form.instance):
            changes["specs"] = specs
        combos = {frozenset(combo.items()) for combo in services.spec_combinations(specs)}
        # Rows of combinations the new specs drop are gone; the others keep what was typed in them.
        changes["skus"] = [row for row in sku_rows(by_prefix.get("skus")) if frozenset(row["specs"].items()) in combos]
        services.update_product(product=form.instance, changes=changes, actor_user_id=request.user.pk)

    @staticmethod
    def _image_ids(formset) -> list[int]:
        """Ids of the images to keep, in their `position` order; new uploads are stored first."""
        if formset is None:
            return []
        rows = []
        for index, image_form in enumerate(formset.forms):
            if not image_form.has_changed() and image_form.instance.pk is None:
                continue  # an empty extra row
            if formset.can_delete and formset._should_delete_form(image_form):
                continue
            cleaned = image_form.cleaned_data
            image = image_form.instance
            if image.pk is None or "image" in image_form.changed_data:
                image = services.upload_product_image(upload=cleaned["image"], alt=cleaned.get("alt", ""))
            elif "alt" in image_form.changed_data:
                services.describe_image(image=image, alt=cleaned.get("alt", ""))
            rows.append((cleaned.get("position") or 0, index, image.pk))
        return [pk for _, _, pk in sorted(rows)]

    @admin.action(description="上架 Publish")
    def publish(self, request, queryset):
        done = 0
        for product in queryset:
            try:
                services.publish_product(product=product)
                done += 1
            except ApplicationError as exc:
                self.message_user(request, f"{product.title}: {error_text(exc)}", messages.ERROR)
        if done:
            self.message_user(request, f"已上架 {done} 个商品。Published {done} product(s).", messages.SUCCESS)

    @admin.action(description="下架 Unpublish")
    def unpublish(self, request, queryset):
        for product in queryset:
            services.unpublish_product(product=product)
        self.message_user(request, f"已下架 {queryset.count()} 个商品。Unpublished.", messages.SUCCESS)

    def delete_model(self, request, obj):
        services.delete_product(product=obj)

    def delete_queryset(self, request, queryset):
        for product in queryset:
            services.delete_product(product=product)


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["name", "slug", "parent", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False  # made from the name when empty

    def clean(self):
        data = super().clean()
        parent = data.get("parent")
        depth = 1 if parent is None else parent.depth + 1
        height = services.categories._subtree_height(self.instance) if self.instance.pk else 1
        if depth + height - 1 > MAX_CATEGORY_DEPTH:
            raise forms.ValidationError(services.categories.TOO_DEEP)
        return data


@admin.register(Category, site=shop_admin_site)
class CategoryAdmin(CatalogScreen):
    form = CategoryForm
    list_display = ["name", "slug", "parent", "depth", "position"]
    list_filter = ["depth"]
    search_fields = ["name", "slug"]
    ordering = ["depth", "position", "id"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            services.update_category(category=obj, changes=data)
        else:
            made = services.create_category(
                name=data["name"], parent=data["parent"], slug=data["slug"], position=data["position"]
            )
            obj.pk, obj.depth = made.pk, made.depth

    def delete_model(self, request, obj):
        services.delete_category(category=obj)

    def delete_queryset(self, request, queryset):
        for category in queryset.order_by("-depth"):  # children before their parents
            services.delete_category(category=category)


class BrandForm(forms.ModelForm):
    class Meta:
        model = Brand
        fields = ["name", "logo"]

    def clean_logo(self):
        upload = self.cleaned_data["logo"]
        if upload and hasattr(upload, "content_type"):
            try:
                services.inspect_image(upload, field="logo")
            except ApplicationError as exc:
                raise form_error(exc) from exc
        return upload


@admin.register(Brand, site=shop_admin_site)
class BrandAdmin(CatalogScreen):
    form = BrandForm
    list_display = ["name", "logo"]
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        brand = (
            services.update_brand(brand=obj, name=data["name"]) if change else services.create_brand(name=data["name"])
        )
        obj.pk = brand.pk
        logo = data.get("logo")
        if logo and hasattr(logo, "content_type"):  # a new upload
            services.set_brand_logo(brand=brand, upload=logo)
        elif logo is False:  # the "clear" box
            services.remove_brand_logo(brand=brand)

    def delete_model(self, request, obj):
        services.delete_brand(brand=obj)

    def delete_queryset(self, request, queryset):
        for brand in queryset:
            services.delete_brand(brand=brand)


class StockAdjustmentForm(forms.ModelForm):
    reason = forms.ChoiceField(
        choices=[(r, StockReason(r).label) for r in (StockReason.MANUAL, StockReason.CORRECTION, StockReason.RETURN)]
    )

    class Meta:
        model = StockAdjustment
        fields = ["sku", "delta", "reason", "note"]

    def clean(self):
        data = super().clean()
        sku, delta = data.get("sku"), data.get("delta")
        if sku is not None and delta is not None:
            if delta == 0:
                self.add_error("delta", _("Must not be 0."))
            elif sku.stock + delta < 0:
                self.add_error("delta", _("Not enough stock: %(available)d left.") % {"available": sku.stock})
        return data


@admin.register(StockAdjustment, site=shop_admin_site)
class StockAdjustmentAdmin(CatalogScreen):
    """The ledger is append-only: new entries go through adjust_stock; existing ones are read-only."""

    form = StockAdjustmentForm
    list_display = ["created", "sku", "delta", "stock_after", "reason", "note", "actor_user_id"]
    list_filter = ["reason"]
    search_fields = ["sku__code", "sku__product__title", "note"]
    list_select_related = ["sku"]
    autocomplete_fields = ["sku"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        change_made = services.adjust_stock(
            sku_id=data["sku"].pk,
            delta=data["delta"],
            reason=data["reason"],
            note=data.get("note", ""),
            actor_user_id=request.user.pk,
        )
        obj.pk = change_made.adjustment.pk


@admin.register(Sku, site=shop_admin_site)
class SkuAdmin(CatalogScreen):
    """Needed for searching SKUs in the stock form; SKUs are edited on their product."""

    list_display = ["code", "product", "specs", "price_amount", "stock", "low_stock_threshold"]
    search_fields = ["code", "product__title", "barcode"]
    list_select_related = ["product"]
    readonly_fields = ["product", "specs", "stock"]
    fields = ["product", "code", "specs", "price_amount", "compare_at_amount", "cost_amount", "stock"]
    fields += ["low_stock_threshold", "weight_grams", "barcode"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        changes = {target: form.cleaned_data.get(source) for source, target in SKU_FORM_FIELDS.items()}
        services.update_sku(sku=obj, changes=changes, actor_user_id=request.user.pk)


@admin.register(LowStockNotice, site=shop_admin_site)
class LowStockNoticeAdmin(CatalogScreen):
    list_display = ["created", "sku", "product", "stock", "threshold", "resolved"]
    list_filter = ["resolved"]
    list_select_related = ["sku__product"]
    actions = ["resolve"]

    @admin.display(description="product / 商品")
    def product(self, notice):
        return notice.sku.product

    @admin.display(description="threshold / 预警值")
    def threshold(self, notice):
        return notice.sku.low_stock_threshold

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # notices are resolved, not deleted

    @admin.action(description="标记为已处理 Mark resolved")
    def resolve(self, request, queryset):
        for notice in queryset:
            services.resolve_low_stock_notice(notice=notice)


class ImportJobForm(forms.ModelForm):
    csv_file = forms.FileField(
        label="CSV",
        help_text=(
            "列 Columns: handle,title,subtitle,category,brand,tags,status,description_html,sku_code,specs,"
            "price_amount,compare_at_amount,cost_amount,stock,weight_grams,barcode,low_stock_threshold"
        ),
    )

    class Meta:
        model = ImportJob
        fields = []

    def clean_csv_file(self):
        upload = self.cleaned_data["csv_file"]
        try:
            self.text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError("文件须为 UTF-8 编码。The file must be UTF-8.") from exc
        try:
            services.imports._read_rows(self.text)
        except ApplicationError as exc:
            raise form_error(exc) from exc
        return upload


@admin.register(ImportJob, site=shop_admin_site)
class ImportJobAdmin(CatalogScreen):
    list_display = ["created", "filename", "status", "progress", "created_products"]
    readonly_fields = ["status", "filename", "progress", "created_products", "error_report", "created", "finished"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            return ImportJobForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ["csv_file"] if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the record of what was imported

    def save_model(self, request, obj, form, change):
        job = services.start_product_import(
            filename=form.cleaned_data["csv_file"].name, text=form.text, actor_user_id=request.user.pk
        )
        obj.pk = job.pk

    @admin.display(description="progress / 进度")
    def progress(self, job):
        refresh = (
            format_html('<meta http-equiv="refresh" content="2">')
            if job.status in (ImportStatus.PENDING, ImportStatus.RUNNING)
            else ""
        )
        return format_html(
            '{}<progress value="{}" max="{}"></progress> {}/{}',
            refresh,
            job.processed,
            job.total or 1,
            job.processed,
            job.total,
        )

    @admin.display(description="errors / 错误")
    def error_report(self, job):
        if not job.errors:
            return "-"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>第 {} 行 row {}: {}</li>",
                (
                    (e["row"], e["row"], "; ".join(f"{k}: {' '.join(v)}" for k, v in e["errors"].items()))
                    for e in job.errors
                ),
            ),
        )


@admin.register(CatalogSettings, site=shop_admin_site)
class CatalogSettingsAdmin(CatalogScreen):
    list_display = ["__str__", "auto_unpublish_sold_out", "low_stock_email"]
    fields = ["auto_unpublish_sold_out", "low_stock_email"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not CatalogSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = services.update_catalog_settings(
            auto_unpublish_sold_out=data["auto_unpublish_sold_out"], low_stock_email=data["low_stock_email"]
        )
        obj.pk = saved.pk
