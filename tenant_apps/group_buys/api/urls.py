from django.urls import path

from . import views

urlpatterns = [
    path("manage/group-buys", views.ManageGroupBuyListView.as_view(), name="group-buys"),
    path("manage/group-buys/<int:activity_id>", views.ManageGroupBuyDetailView.as_view(), name="group-buy"),
    path("manage/group-buys/<int:activity_id>/groups", views.ManageGroupListView.as_view(), name="group-buy-groups"),
    *[
        path(
            f"manage/group-buys/<int:activity_id>/{action}",
            views.ManageGroupBuyStatusView.as_view(action_name=action),
            name=f"group-buy-{action}",
        )
        for action in ("publish", "pause", "resume", "end", "invalidate")
    ],
    path("store/group-buys/<int:activity_id>", views.StoreGroupBuyView.as_view(), name="store-group-buy"),
    path("store/groups/<int:group_id>", views.StoreGroupView.as_view(), name="store-group"),
    path("store/groups/<int:group_id>/qr.svg", views.group_qr, name="store-group-qr"),
    path("store/groups/<int:group_id>/poster.png", views.group_poster, name="store-group-poster"),
]
