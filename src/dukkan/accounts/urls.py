from __future__ import annotations

from django.urls import path

from dukkan.accounts import views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("new-store/", views.create_store, name="create_store"),
    path("operator/stores/", views.operator_stores, name="operator_stores"),
    path("<str:store_slug>/", views.store_overview, name="store"),
    path("<str:store_slug>/team/", views.team, name="team"),
    path("<str:store_slug>/team/invite/", views.invite, name="invite"),
    path("<str:store_slug>/team/<int:membership_id>/role/", views.change_role, name="change_role"),
    path(
        "<str:store_slug>/team/<int:membership_id>/remove/",
        views.remove_member,
        name="remove_member",
    ),
    path(
        "<str:store_slug>/invitations/<int:invitation_id>/revoke/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
    path("<str:store_slug>/settings/", views.store_settings, name="settings"),
]
