from django.urls import path

from . import views

urlpatterns = [
    path("manage/analytics/summary", views.SummaryView.as_view(), name="analytics-summary"),
    path("manage/analytics/timeseries", views.TimeseriesView.as_view(), name="analytics-timeseries"),
    path("manage/analytics/top", views.TopView.as_view(), name="analytics-top"),
    path("manage/analytics/funnel", views.FunnelView.as_view(), name="analytics-funnel"),
    path("manage/analytics/fission", views.FissionView.as_view(), name="analytics-fission"),
    path("manage/analytics/settings", views.SettingsView.as_view(), name="analytics-settings"),
    path("store/events", views.StoreEventView.as_view(), name="store-events"),
    path(
        "store/products/<int:product_id>/recommendations",
        views.StoreRecommendationsView.as_view(),
        name="store-product-recommendations",
    ),
    path("store/recommendations/for-you", views.StoreGuessYouLikeView.as_view(), name="store-guess-you-like"),
]
