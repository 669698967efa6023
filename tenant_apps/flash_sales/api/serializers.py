from django.core.files.storage import default_storage
from rest_framework import serializers

STATUS_HELP = "draft, scheduled, running, paused, ended or invalidated (what the clock makes of the stored status)"


class FlashSaleItemInput(serializers.Serializer):
    sku_id = serializers.IntegerField()
    price_amount = serializers.IntegerField(help_text="Flash price in minor units; not above the SKU's price.")
    stock = serializers.IntegerField(help_text="Flash stock, separate from the SKU's; not above it at creation.")
    per_member_limit = serializers.IntegerField(help_text="Units one member may buy in this session (at least 1).")
    per_order_limit = serializers.IntegerField(
        required=False, help_text="Units per order (at least 1, at most per_member_limit; default per_member_limit)."
    )


class FlashSaleInput(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    pay_within_minutes = serializers.IntegerField(required=False, help_text="Unpaid window of its orders, 1-30.")
    publish = serializers.BooleanField(required=False, default=False, help_text="Publish at once (else a draft).")
    items = FlashSaleItemInput(many=True, allow_empty=True)


class FlashSaleItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sku_id = serializers.IntegerField()
    product_id = serializers.IntegerField()
    title = serializers.CharField()
    specs = serializers.DictField(child=serializers.CharField())
    normal_price_amount = serializers.IntegerField()
    price_amount = serializers.IntegerField()
    stock = serializers.IntegerField()
    remaining = serializers.IntegerField()
    sold = serializers.IntegerField()
    per_member_limit = serializers.IntegerField()
    per_order_limit = serializers.IntegerField()


class ManageItemSerializer(FlashSaleItemSerializer):
    orders = serializers.IntegerField(help_text="Orders holding this item (awaiting payment or paid).")
    paid_orders = serializers.IntegerField()
    buyers = serializers.IntegerField()


class FlashSaleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField(help_text=STATUS_HELP)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    pay_within_minutes = serializers.IntegerField()
    currency = serializers.CharField()
    items = ManageItemSerializer(many=True)
    created = serializers.DateTimeField()


class ManageListSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField(help_text=STATUS_HELP)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    items_count = serializers.IntegerField()
    stock_total = serializers.IntegerField()
    sold_total = serializers.IntegerField()


class StoreItemSerializer(FlashSaleItemSerializer):
    image_url = serializers.CharField(allow_null=True)
    sold_percent = serializers.IntegerField(help_text="已抢 x%: sold / flash stock, rounded down.")


class StoreSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField(help_text="running, scheduled (upcoming) or paused")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    currency = serializers.CharField()
    items = StoreItemSerializer(many=True)


def item_data(item, stats=None) -> dict:
    data = {
        "id": item.pk,
        "sku_id": item.sku_id,
        "product_id": item.product_id,
        "title": item.title,
        "specs": item.specs,
        "normal_price_amount": item.normal_price_amount,
        "price_amount": item.price_amount,
        "stock": item.stock,
        "remaining": item.remaining,
        "sold": item.sold,
        "per_member_limit": item.per_member_limit,
        "per_order_limit": item.per_order_limit,
    }
    if stats is not None:
        data.update({"orders": 0, "paid_orders": 0, "buyers": 0, **stats.get(item.pk, {})})
        data.pop("paid_units", None)
    return data


def store_item_data(item) -> dict:
    return {
        **item_data(item),
        "image_url": default_storage.url(item.image) if item.image else None,
        "sold_percent": item.sold * 100 // item.stock if item.stock else 100,
    }
