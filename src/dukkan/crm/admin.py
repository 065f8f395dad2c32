from __future__ import annotations

from django.contrib import admin

from dukkan.crm.models import Contact


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin[Contact]):
    list_display = ("__str__", "store", "email", "phone", "language", "updated_at")
    list_filter = ("store",)
    search_fields = ("name", "email", "phone")
