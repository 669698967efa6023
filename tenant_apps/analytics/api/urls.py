from django.urls import path

from . import crm_views, views

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
    path("manage/crm/members", crm_views.MemberListView.as_view(), name="crm-members"),
    path("manage/crm/tags", crm_views.TagListView.as_view(), name="crm-tags"),
    path("manage/crm/tags/<int:tag_id>", crm_views.TagDetailView.as_view(), name="crm-tag"),
    path("manage/crm/tags/<int:tag_id>/members", crm_views.TagMembersView.as_view(), name="crm-tag-members"),
    path("manage/crm/segments", crm_views.SegmentListView.as_view(), name="crm-segments"),
    path("manage/crm/segments/<int:segment_id>", crm_views.SegmentDetailView.as_view(), name="crm-segment"),
    path(
        "manage/crm/segments/<int:segment_id>/issue-coupon",
        crm_views.SegmentIssueCouponView.as_view(),
        name="crm-segment-issue-coupon",
    ),
    path("store/recommendations/for-you", views.StoreGuessYouLikeView.as_view(), name="store-guess-you-like"),
]
