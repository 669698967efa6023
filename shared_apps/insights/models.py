"""Platform data (public schema): each shop's daily figures, handed over by the shop's data centre when it rolls a
day up (event `analytics.day_rolled` through the tenancy platform door). The operator's dashboard and the agency
report read these rows; nothing here reads a shop schema."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ShopDayStat(models.Model):
    shop = models.ForeignKey("tenancy.Shop", on_delete=models.CASCADE, related_name="day_stats")
    day = models.DateField()
    visitors = models.PositiveIntegerField(default=0)
    pv = models.PositiveIntegerField(default=0)
    orders = models.PositiveIntegerField(default=0)
    paid_orders = models.PositiveIntegerField(default=0)
    gmv_amount = models.PositiveBigIntegerField(default=0)
    paying_members = models.PositiveIntegerField(default=0)
    rolled_at = models.DateTimeField()  # the shop's rollup time: an older re-roll arriving late changes nothing

    class Meta:
        verbose_name = _("shop day")
        verbose_name_plural = _("shop days")
        constraints = [models.UniqueConstraint(fields=["shop", "day"], name="insights_shopday_unique")]
        indexes = [models.Index(fields=["day"], name="insights_shopday_day")]

    def __str__(self) -> str:
        return f"{self.shop_id} {self.day}"
