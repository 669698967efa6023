from django.urls import path

from . import views

urlpatterns = [
    path("store/points", views.PointsView.as_view(), name="loyalty-points"),
    path("store/checkin", views.CheckInView.as_view(), name="loyalty-checkin"),
    path("store/invites", views.InvitesView.as_view(), name="loyalty-invites"),
    path("store/invites/accept", views.AcceptInviteView.as_view(), name="loyalty-invite-accept"),
    path("manage/loyalty", views.ManageSettingsView.as_view(), name="loyalty-settings"),
    path("manage/loyalty/members/<int:member_id>/points", views.ManageMemberPointsView.as_view()),
    path("manage/loyalty/members/<int:member_id>/adjustments", views.ManageAdjustView.as_view()),
]
