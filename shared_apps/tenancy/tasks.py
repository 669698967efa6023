"""Background work of tenancy: keeping the spare-schema pool topped up (beat + after each claim)."""

from celery import shared_task

from .provisioning import top_up_pool


@shared_task(ignore_result=True)
def top_up_spare_schemas() -> int:
    # Idempotent: creates only what is missing, and a concurrent run returns at once (advisory lock).
    return top_up_pool()
