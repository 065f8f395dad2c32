from django.contrib import admin

from dukkan.core.models import PeriodicRun, Store


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin[Store]):
    list_display = ["name", "slug", "default_language", "currency", "is_active", "created_at"]
    search_fields = ["name", "slug"]


@admin.register(PeriodicRun)
class PeriodicRunAdmin(admin.ModelAdmin[PeriodicRun]):
    list_display = ["job", "due_at", "claimed_by", "created_at"]
    list_filter = ["job"]
