"""Catalog Celery tasks: thin and idempotent. tenant-schemas-celery runs each in the schema it was sent from."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

from shared_apps.tenancy.interface import Permission, current_shop, roles_with, shop_staff_emails, shop_url

from . import services
from .models import Sku


@shared_task(name="catalog.notify_low_stock")
def notify_low_stock(sku_id: int) -> bool:
    """Open a low-stock notice and e-mail the shop's owner and admins once per notice."""
    notice = services.record_low_stock(sku_id=sku_id)
    if notice is None or not services.catalog_settings().low_stock_email:
        return notice is not None
    shop = current_shop()
    recipients = shop_staff_emails(shop, roles_with(Permission.CATALOG_ALERTS)) if shop else []
    if recipients:
        sku = Sku.objects.select_related("product").get(pk=sku_id)
        specs = " / ".join(sku.specs.values())
        send_mail(
            subject=f"[{shop.name}] 库存不足 Low stock: {sku.product.title} {specs}".strip(),
            message=(
                f"{sku.product.title} {specs} (SKU {sku.code}) 库存剩余 {notice.stock}，"
                f"预警值 {sku.low_stock_threshold}。\n"
                f"{sku.product.title} {specs} (SKU {sku.code}) has {notice.stock} left "
                f"(alert threshold {sku.low_stock_threshold}).\n\n{shop_url(shop, '/admin/catalog/lowstocknotice/')}"
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=recipients,
        )
    return True


@shared_task(name="catalog.import_products")
def import_products(job_id: int) -> str:
    return services.run_product_import(job_id=job_id).status
