from __future__ import annotations

from django.contrib import admin

from dukkan.delivery.models import DeliverySettings, DownloadLog, Entitlement


@admin.register(DeliverySettings)
class DeliverySettingsAdmin(admin.ModelAdmin[DeliverySettings]):
    list_display = ("store", "link_hours", "download_limit", "magic_link_hours", "updated_at")


@admin.register(Entitlement)
class EntitlementAdmin(admin.ModelAdmin[Entitlement]):
    list_display = ("__str__", "store", "email", "downloads_used", "revoked_at", "created_at")
    list_filter = ("store", "revoked_reason")
    search_fields = ("email", "order__number")
    raw_id_fields = ("order", "order_line", "product_file")


@admin.register(DownloadLog)
class DownloadLogAdmin(admin.ModelAdmin[DownloadLog]):
    list_display = ("at", "store", "entitlement", "status", "ip", "bytes_sent", "counted")
    list_filter = ("store", "status")
    raw_id_fields = ("entitlement", "version")
