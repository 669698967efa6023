from django.urls import path

from . import views

urlpatterns = [
    path("manage/bargains", views.ManageBargainListView.as_view(), name="bargains"),
    path("manage/bargains/<int:activity_id>", views.ManageBargainDetailView.as_view(), name="bargain"),
    path("manage/bargains/<int:activity_id>/sessions", views.ManageSessionListView.as_view(), name="bargain-sessions"),
    *[
        path(
            f"manage/bargains/<int:activity_id>/{action}",
            views.ManageBargainStatusView.as_view(action_name=action),
            name=f"bargain-{action}",
        )
        for action in ("publish", "pause", "resume", "end", "invalidate")
    ],
    path("store/bargains/<int:activity_id>", views.StoreBargainView.as_view(), name="store-bargain"),
    path("store/bargains/<int:activity_id>/start", views.StoreStartView.as_view(), name="store-bargain-start"),
    path("store/bargain-sessions", views.StoreMySessionsView.as_view(), name="store-my-bargain-sessions"),
    path("store/bargain-sessions/<int:session_id>", views.StoreSessionView.as_view(), name="store-bargain-session"),
    path("store/bargain-sessions/<int:session_id>/help", views.StoreHelpView.as_view(), name="store-bargain-help"),
    path("store/bargain-sessions/<int:session_id>/qr.svg", views.session_qr, name="store-bargain-session-qr"),
    path(
        "store/bargain-sessions/<int:session_id>/poster.png", views.session_poster, name="store-bargain-session-poster"
    ),
]
