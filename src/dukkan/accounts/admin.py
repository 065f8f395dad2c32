from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from dukkan.accounts.models import Invitation, Membership, User


@admin.register(User)
class DukkanUserAdmin(UserAdmin):
    list_display = ["email", "display_name", "language", "is_operator", "is_staff"]
    ordering = ["email"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Dukkan", {"fields": ("display_name", "language", "is_operator")}),
    )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "store", "role", "created_at"]
    list_filter = ["role"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    list_display = ["email", "store", "role", "created_at", "accepted_at", "revoked_at"]
