from django.urls import path

from . import views

urlpatterns = [
    path("store/distribution/apply", views.ApplyView.as_view(), name="distribution-apply"),
    path("store/distribution/me", views.MeView.as_view(), name="distribution-me"),
    path("store/distribution/team", views.TeamView.as_view(), name="distribution-team"),
    path("store/distribution/commissions", views.CommissionsView.as_view(), name="distribution-commissions"),
    path("store/distribution/withdrawals", views.WithdrawalsView.as_view(), name="distribution-withdrawals"),
    path("store/distribution/bind", views.BindView.as_view(), name="distribution-bind"),
    path("store/distribution/leaderboard", views.LeaderboardView.as_view(), name="distribution-leaderboard"),
    path("store/distribution/qr/<str:code>.<str:fmt>", views.qr_code, name="distribution-qr"),
    path("store/distribution/poster/<str:code>.png", views.poster, name="distribution-poster"),
    path("manage/distribution/settings", views.ManageSettingsView.as_view(), name="distribution-settings"),
    path("manage/distribution/distributors", views.ManageDistributorsView.as_view()),
    path(
        "manage/distribution/distributors/<int:distributor_id>/approve",
        views.ManageDistributorDecisionView.as_view(approve=True),
    ),
    path(
        "manage/distribution/distributors/<int:distributor_id>/reject",
        views.ManageDistributorDecisionView.as_view(approve=False),
    ),
    path(
        "manage/distribution/distributors/<int:distributor_id>/payout-account",
        views.ManagePayoutAccountView.as_view(),
    ),
    path("manage/distribution/withdrawals", views.ManageWithdrawalsView.as_view()),
    path("manage/distribution/withdrawals/<int:withdrawal_id>/approve", views.ManageWithdrawalApproveView.as_view()),
    path("manage/distribution/withdrawals/<int:withdrawal_id>/reject", views.ManageWithdrawalRejectView.as_view()),
    path("manage/distribution/bindings", views.ManageRebindView.as_view()),
]
