from django.urls import path

from . import views

urlpatterns = [
    path("manage/promotions", views.RulesView.as_view(), name="promotions-rules"),
    path("manage/promotions/simulate", views.SimulateView.as_view(), name="promotions-simulate"),
    path("manage/promotions/<int:rule_id>", views.RuleView.as_view(), name="promotions-rule"),
    path("manage/promotions/<int:rule_id>/status", views.RuleStatusView.as_view(), name="promotions-rule-status"),
    path("manage/promotion-groups", views.GroupsView.as_view(), name="promotions-groups"),
    path("manage/promotion-groups/<int:group_id>", views.GroupView.as_view(), name="promotions-group"),
    path("manage/limited-discounts", views.DiscountsView.as_view(), name="promotions-discounts"),
    path("manage/limited-discounts/<int:discount_id>", views.DiscountView.as_view(), name="promotions-discount"),
    path(
        "manage/limited-discounts/<int:discount_id>/status",
        views.DiscountStatusView.as_view(),
        name="promotions-discount-status",
    ),
    path("manage/member-prices", views.MemberPricesView.as_view(), name="promotions-member-prices"),
    path("manage/member-prices/<int:sku_id>", views.MemberPriceView.as_view(), name="promotions-member-price"),
    path("store/promotions/cart-progress", views.CartProgressView.as_view(), name="promotions-cart-progress"),
]
