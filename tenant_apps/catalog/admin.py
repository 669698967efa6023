"""Shop back office for the catalog: products with their SKU matrix and images, categories, brands,
the stock ledger, low-stock notices, CSV imports with progress, and catalog settings.

Writes go through services; stock is read-only here except through a ledger entry (adjust_stock).
"""

import json

from django import forms
from django.contrib import admin, messages
from django.db.models import Sum
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminTextareaWidget, UnfoldAdminTextInputWidget

from micromall.admin_forms import ServiceErrorsAdmin, error_text, form_error
from micromall.errors import ApplicationError
from micromall.money import YuanField, format_money
from shared_apps.tenancy.interface import Permission, ShopModelAdmin, shop_admin_site, user_labels

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
        widgets = {"position": forms.HiddenInput, "alt": forms.TextInput(attrs={"placeholder": _("Alt text")})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False  # set by the gallery's drag and drop; new uploads go last

    def clean_image(self):
        upload = self.cleaned_data["image"]
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            try:
                services.inspect_image(upload)
            except ApplicationError as exc:
                raise form_error(exc) from exc
        return upload


class ProductImageInline(ShopInline, admin.TabularInline):
    """The product's pictures as a gallery of cards: drop or pick files to add, drag to reorder (the first
    is the main picture), × to remove. Saved with the product (save_related), never on their own."""

    model = ProductImage
    form = ProductImageForm
    extra = 0
    fields = ["image", "alt", "position"]
    template = "catalog/admin/image_gallery.html"
    verbose_name_plural = _("Product pictures")


class ImageSelect(forms.Select):
    """A <select> of the product's pictures whose options carry their URL, so the row shows a thumbnail."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-src"] = instance.image.url
        return option


class ImageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, image):
        return gettext("Picture %(number)d") % {"number": image.position + 1}


class SkuForm(forms.ModelForm):
    # Typed in yuan (129.00), stored in fen (12900): micromall.money.YuanField.
    price_amount = YuanField(label=_("Price"))
    compare_at_amount = YuanField(label=_("Compare-at price"), required=False)
    cost_amount = YuanField(label=_("Cost"), required=False)

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
        widgets = {
            "code": forms.TextInput(attrs={"class": "bo-code"}),
            "barcode": forms.TextInput(attrs={"class": "bo-code"}),
        }


class SkuMatrixForm(SkuForm):
    """A row of the product page's SKU matrix. Stock is set here but written by the inventory service
    (adjust_stock through update_product), so the ledger says who changed it; rows added in the browser for a
    new spec combination carry that combination in `specs_json`."""

    stock = forms.IntegerField(label=_("Stock"), min_value=0, max_value=services.MAX_STOCK, required=False)
    image = ImageChoiceField(
        label=_("SKU image"), queryset=ProductImage.objects.none(), required=False, widget=ImageSelect
    )
    specs_json = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta(SkuForm.Meta):
        fields = ["image", "price_amount", "compare_at_amount", "cost_amount", "stock", "code", "weight_grams"]
        widgets = {
            "code": forms.TextInput(attrs={"class": "bo-code", "placeholder": _("generated")}),
            "weight_grams": forms.NumberInput(attrs={"min": 0, "class": "bo-number"}),
        }

    spec_names: list[str] = []  # the product's spec groups in their order (set by SkuInline.get_formset)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False  # a new row gets a generated code
        self.fields["weight_grams"].required = False
        self.fields["stock"].widget.attrs.update({"min": 0, "class": "bo-number", "inputmode": "numeric"})
        self.fields["price_amount"].required = False  # 0 until priced; publishing refuses a zero price
        if self.instance.pk is not None:
            self.initial.setdefault("stock", self.instance.stock)

    def _shown_combination(self) -> dict:
        if self.instance.pk is not None:
            return self.instance.specs
        try:
            shown = json.loads(self.data.get(self.add_prefix("specs_json")) or "{}") if self.is_bound else {}
        except ValueError:
            shown = {}
        return shown if isinstance(shown, dict) else {}

    @property
    def combo_json(self) -> str:
        return json.dumps(self._shown_combination(), ensure_ascii=False)

    @property
    def spec_cells(self) -> list[tuple[str, str]]:
        """(group, value) cells of the row, in the order the spec groups were entered."""
        if not self.spec_names:
            return [(gettext("Specs"), gettext("Single SKU"))]
        combination = self._shown_combination()
        return [(name, str(combination.get(name, ""))) for name in self.spec_names]

    def clean_specs_json(self):
        raw = self.cleaned_data.get("specs_json") or ""
        if self.instance.pk is not None or not raw:
            return None
        try:
            specs = json.loads(raw)
        except ValueError:
            specs = None
        if not isinstance(specs, dict) or not all(isinstance(v, str) for v in specs.values()):
            raise forms.ValidationError(_("Must map spec names to values."))
        return specs

    @property
    def combination(self) -> dict | None:
        """The row's spec combination: the SKU's own, or the one the browser generated the row for."""
        if self.instance.pk is not None:
            return self.instance.specs
        return getattr(self, "cleaned_data", {}).get("specs_json")


class SkuMatrixFormSet(forms.BaseInlineFormSet):
    def validate_unique(self):
        """Codes are checked by the product service (new rows have none yet: they are generated there)."""


class SkuInline(ShopInline, admin.TabularInline):
    """The SKU matrix: one row per combination of the spec groups (a column per group, in the order entered),
    with price, compare-at price, cost, stock, image, code and weight. The browser adds rows for new
    combinations as the specs are typed (product_form.js); the server keeps only the rows the specs make."""

    model = Sku
    form = SkuMatrixForm
    formset = SkuMatrixFormSet
    extra = 0
    fields = ["image", "price_amount", "compare_at_amount", "cost_amount", "stock", "code", "weight_grams"]
    template = "catalog/admin/sku_matrix.html"
    verbose_name_plural = _("Prices and stock")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product").prefetch_related("product__spec_groups")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        images = ProductImage.objects.filter(product=obj) if obj is not None else ProductImage.objects.none()
        names = [group.name for group in obj.spec_groups.all()] if obj is not None else []
        form = formset.form

        class RowForm(form):
            spec_names = names

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.fields["image"].queryset = images

        formset.form = RowForm
        return formset

    def has_delete_permission(self, request, obj=None):
        return False  # rows go when their combination leaves the specs


# Matrix form field -> services' SKU input key.
SKU_FORM_FIELDS = {
    "code": "sku_code",
    "price_amount": "price_amount",
    "compare_at_amount": "compare_at_amount",
    "cost_amount": "cost_amount",
    "low_stock_threshold": "low_stock_threshold",
    "weight_grams": "weight_grams",
    "barcode": "barcode",
}
MATRIX_DEFAULTS = {"price_amount": 0, "weight_grams": 0}  # a blank cell of a required number


def sku_row(sku_form, combination: dict) -> dict:
    """One matrix row in the services' input shape (`{specs, sku_code, price_amount, stock, image...}`)."""
    data = sku_form.cleaned_data
    row = {"specs": combination}
    for source, target in SKU_FORM_FIELDS.items():
        if source not in sku_form.fields:
            continue
        value = data.get(source)
        if value in (None, "") and source in MATRIX_DEFAULTS:
            if sku_form.instance.pk is not None:
                continue  # left blank: keep what the SKU has
            value = MATRIX_DEFAULTS[source]
        if source == "code" and not value:
            continue  # keep the SKU's code, or generate one
        row[target] = value
    if "image" in sku_form.fields:
        row["image"] = data["image"].pk if data.get("image") else None
    # Stock only when the merchant changed it: an untouched cell must not undo sales made since the page opened.
    stock_given = sku_form.instance.pk is None or "stock" in sku_form.changed_data
    if "stock" in sku_form.fields and stock_given and data.get("stock") is not None:
        row["stock"] = data["stock"]
    return row


def sku_rows(formset, specs: list[dict]) -> list[dict]:
    """The rows of the matrix whose combination the specs make, first one per combination."""
    if formset is None:
        return []
    combos = {frozenset(combo.items()) for combo in services.spec_combinations(specs)}
    rows, seen = [], set()
    for sku_form in formset.forms:
        combination = sku_form.combination
        if combination is None:
            continue  # an empty row
        key = frozenset(combination.items())
        if key in combos and key not in seen:
            seen.add(key)
            rows.append(sku_row(sku_form, combination))
    return rows


def specs_to_text(product: Product) -> str:
    return "\n".join(
        f"{group['name']}: {', '.join(group['values'])}" for group in services.products.current_specs(product)
    )


def text_to_specs(text: str) -> list[dict]:
    """`颜色: 红, 蓝` per line -> [{"name": "颜色", "values": ["红", "蓝"]}]; colons and commas may be full-width,
    values may also be separated by 、. The same parsing runs in the browser (product_form.js)."""
    specs = []
    for line in filter(None, (line.strip() for line in text.splitlines())):
        name, sep, values = line.replace("：", ":").partition(":")
        parsed = [v.strip() for v in values.replace("，", ",").replace("、", ",").split(",") if v.strip()]
        if not sep or not name.strip() or not parsed:
            raise forms.ValidationError(
                _("“%(line)s”: write one spec group per line as “name: value 1, value 2”.") % {"line": line}
            )
        specs.append({"name": name.strip(), "values": parsed})
    return specs


class RichTextarea(forms.Textarea):
    """The description: a Quill editor (vendored under catalog/static, no CDN) writing into this textarea.
    Whatever it posts is still cleaned by nh3 in the services (catalog/richtext.py)."""

    template_name = "catalog/admin/richtext.html"

    class Media:
        css = {"all": ["catalog/vendor/quill-2.0.3/quill.snow.css"]}
        js = ["catalog/vendor/quill-2.0.3/quill.js"]


class TagsField(forms.CharField):
    """Tags typed as one line, separated by commas (full-width too) or 、."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list | tuple) else value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [tag.strip() for tag in text.replace("，", ",").replace("、", ",").split(",") if tag.strip()]


class ProductForm(forms.ModelForm):
    tags = TagsField(
        label=_("Tags"),
        required=False,
        help_text=_("Separate tags with commas."),
        widget=UnfoldAdminTextInputWidget(attrs={"placeholder": _("e.g. new, summer")}),
    )
    specs_text = forms.CharField(
        label=_("Spec groups"),
        required=False,
        widget=UnfoldAdminTextareaWidget(
            attrs={"rows": 3, "placeholder": _("Colour: red, blue\nSize: S, M, L"), "data-specs": ""}
        ),
        help_text=_(
            "One spec group per line, up to three. The table below gets a row per combination, in the order typed here."
        ),
    )

    class Meta:
        model = Product
        fields = ["title", "subtitle", "category", "brand", "tags", "description_html"]
        widgets = {"description_html": RichTextarea(attrs={"rows": 10}), "subtitle": UnfoldAdminTextInputWidget}

    class Media:
        css = {"all": ["catalog/admin/product_form.css"]}
        js = ["catalog/admin/product_form.js"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["specs_text"] = specs_to_text(self.instance)

    def clean_specs_text(self):
        return text_to_specs(self.cleaned_data["specs_text"])


@admin.register(Product, site=shop_admin_site)
class ProductAdmin(CatalogScreen):
    form = ProductForm
    change_form_template = "catalog/admin/product_change_form.html"
    service_error_fields = {"specs": "specs_text"}  # the service's spec groups are typed in this textarea
    inlines = [ProductImageInline, SkuInline]
    list_display = ["title", "status", "category", "brand", "lowest_price", "total_stock", "sales_count", "updated"]
    list_filter = ["status", "category", "brand"]
    list_select_related = ["category", "brand"]
    search_fields = ["title", "skus__code"]
    readonly_fields = ["status", "sales_count", "lowest_price", "created", "updated"]
    fieldsets = [
        (
            _("Basic information"),
            {"fields": ["title", "subtitle", "category", "brand", "tags"], "classes": ["bo-basic"]},
        ),
        (_("Specs"), {"fields": ["specs_text"], "classes": ["bo-specs"]}),
        (_("Description"), {"fields": ["description_html"], "classes": ["bo-description"]}),
        (
            _("Status"),
            {"fields": ["status", "sales_count", "lowest_price", "created", "updated"], "classes": ["bo-status"]},
        ),
    ]
    actions = ["publish", "unpublish"]

    @admin.display(description=_("Lowest price"), ordering="min_price_amount")
    def lowest_price(self, product):
        return format_money(product.min_price_amount)

    def get_queryset(self, request):
        return super().get_queryset(request).with_sales().annotate(stock_total=Sum("skus__stock"))

    @admin.display(description=_("sales"), ordering="sales_count")
    def sales_count(self, product):
        return getattr(product, "sales_count", 0)  # annotated from ProductStats by get_queryset

    @admin.display(description=_("Stock"), ordering="stock_total")
    def total_stock(self, product):
        return product.stock_total or 0

    def save_model(self, request, obj, form, change):
        pass  # written with its inlines in save_related, through one service call

    def construct_change_message(self, request, form, formsets, add=False):
        return []  # Django never saved the formsets (no new_objects); shop changes are not logged anyway

    def save_related(self, request, form, formsets, change):
        """The product, its spec matrix (prices, stock, images, codes) and its pictures through one
        create_product/update_product call, so the back office gets every check the API gets (prices of an
        active product, compare-at >= price, ...) and stock changes land in the ledger with who made them."""
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
            "skus": sku_rows(by_prefix.get("skus"), specs),
        }
        if not change:
            product = services.create_product(data={**changes, "specs": specs}, actor_user_id=request.user.pk)
            form.instance.pk = product.pk
            return
        if specs != services.products.current_specs(form.instance):
            changes["specs"] = specs
        services.update_product(product=form.instance, changes=changes, actor_user_id=request.user.pk)

    @staticmethod
    def _image_ids(formset) -> list[int]:
        """Ids of the pictures to keep, in the gallery's order (`position`, set by dragging); uploads
        without a position go last in the order they were added."""
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
            position = cleaned.get("position")
            rows.append((10**6 + index if position is None else position, index, image.pk))
        return [pk for _, _, pk in sorted(rows)]

    @admin.action(description=_("Put on sale"))
    def publish(self, request, queryset):
        done = 0
        for product in queryset:
            try:
                services.publish_product(product=product)
                done += 1
            except ApplicationError as exc:
                self.message_user(request, f"{product.title}: {error_text(exc)}", messages.ERROR)
        if done:
            self.message_user(
                request,
                ngettext("%(count)d product is on sale.", "%(count)d products are on sale.", done) % {"count": done},
                messages.SUCCESS,
            )

    @admin.action(description=_("Take off the shelf"))
    def unpublish(self, request, queryset):
        count = 0
        for product in queryset:
            services.unpublish_product(product=product)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d product taken off the shelf.", "%(count)d products taken off the shelf.", count)
            % {"count": count},
            messages.SUCCESS,
        )

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


SKU_SPEC_GROUPS = "sku__product__spec_groups"  # what Sku.__str__ reads, prefetched by screens listing SKUs


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
    list_display = ["created", "sku", "delta", "stock_after", "reason", "note", "actor"]
    list_filter = ["reason"]
    search_fields = ["sku__code", "sku__product__title", "note"]
    autocomplete_fields = ["sku"]  # the picker shows title · specs (code): Sku.__str__

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("sku__product").prefetch_related("sku__product__spec_groups")
        )

    def get_changelist(self, request, **kwargs):
        base = super().get_changelist(request, **kwargs)

        class LedgerChangeList(base):
            def get_results(self, request):
                super().get_results(request)
                labels = user_labels(entry.actor_user_id for entry in self.result_list)  # one query a page
                for entry in self.result_list:
                    entry.actor_label = labels.get(entry.actor_user_id)

        return LedgerChangeList

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["sku", "delta", "reason", "note"]
        return ["created", "sku", "delta", "stock_after", "reason", "note", "actor"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    @admin.display(description=_("by"))
    def actor(self, entry):
        """Who made the change, by name and email; the system (orders, imports) when nobody did."""
        if entry.actor_user_id is None:
            return gettext("System")
        if not hasattr(entry, "actor_label"):
            entry.actor_label = user_labels([entry.actor_user_id]).get(entry.actor_user_id)
        return entry.actor_label or gettext("Former staff member")

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

    form = SkuForm  # prices typed in yuan, like the product's SKU matrix
    list_display = ["code", "product", "specs_label", "price", "stock", "low_stock_threshold"]
    search_fields = ["code", "product__title", "barcode"]
    readonly_fields = ["product", "specs_label", "stock"]
    fields = ["product", "code", "specs_label", "price_amount", "compare_at_amount", "cost_amount", "stock"]
    fields += ["low_stock_threshold", "weight_grams", "barcode"]

    def get_queryset(self, request):
        # Every SKU picker (autocomplete) and list names the SKU by product title and specs: Sku.__str__.
        return super().get_queryset(request).select_related("product").prefetch_related("product__spec_groups")

    @admin.display(description=_("specs"))
    def specs_label(self, sku):
        return " / ".join(f"{name}: {value}" for name, value in sku.ordered_specs()) or "-"

    @admin.display(description=_("Price"), ordering="price_amount")
    def price(self, sku):
        return format_money(sku.price_amount)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        changes = {target: form.cleaned_data.get(source) for source, target in SKU_FORM_FIELDS.items()}
        services.update_sku(sku=obj, changes=changes, actor_user_id=request.user.pk)


@admin.register(LowStockNotice, site=shop_admin_site)
class LowStockNoticeAdmin(CatalogScreen):
    list_display = ["created", "sku", "stock", "threshold", "resolved"]
    list_filter = ["resolved"]
    actions = ["resolve"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("sku__product").prefetch_related("sku__product__spec_groups")
        )

    @admin.display(description=_("low-stock alert at"))
    def threshold(self, notice):
        return notice.sku.low_stock_threshold

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # notices are resolved, not deleted

    @admin.action(description=_("Mark resolved"))
    def resolve(self, request, queryset):
        for notice in queryset:
            services.resolve_low_stock_notice(notice=notice)


class ImportJobForm(forms.ModelForm):
    csv_file = forms.FileField(
        label=_("CSV file"),
    )

    class Meta:
        model = ImportJob
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        columns = ",".join(services.imports.CSV_COLUMNS)
        self.fields["csv_file"].help_text = gettext("Columns: %(columns)s") % {"columns": columns}

    def clean_csv_file(self):
        upload = self.cleaned_data["csv_file"]
        try:
            self.text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("The file must be UTF-8.")) from exc
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

    @admin.display(description=_("progress"))
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

    @admin.display(description=_("errors"))
    def error_report(self, job):
        if not job.errors:
            return "-"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{}: {}</li>",
                (
                    (
                        gettext("Row %(row)d") % {"row": e["row"]},
                        "; ".join(f"{k}: {' '.join(v)}" for k, v in e["errors"].items()),
                    )
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
