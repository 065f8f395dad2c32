from __future__ import annotations

from django.apps import AppConfig


class ReportcardsConfig(AppConfig):
    name = "dukkan.reportcards"
    label = "reportcards"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Levels decide a seller's terms in gigs (active-service cap, clearing days); gigs
        # cannot import report cards (report cards read gigs' models), so it is told here.
        from dukkan.gigs.services import SellerTerms, register_seller_terms
        from dukkan.reportcards.selectors import level_benefits

        def terms(store_id: int) -> SellerTerms:
            benefits = level_benefits(store_id)
            return SellerTerms(
                max_active_services=int(benefits["max_active_services"]),
                clearing_days=int(benefits["clearing_days"]),
                level_label=str(benefits["label"]),
            )

        register_seller_terms(terms)
