from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from dukkan.accounts import views as account_views
from dukkan.config.api import api
from dukkan.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("metrics", core_views.metrics_view, name="metrics"),
    path("api/", api.urls),
    path("i18n/language/", account_views.switch_language, name="switch_language"),
    # Each app's public, language-neutral endpoints.
    path("", include("dukkan.widget.urls")),  # widget.js and the widget's HTTP endpoints
    path("chat/", include("dukkan.realtime.urls")),  # the protocol's plain-HTTP fallback
    path("webhooks/", include("dukkan.checkout.webhook_urls")),  # payment providers
    path("dl/", include("dukkan.delivery.download_urls")),  # signed download links
    path("kb/", include("dukkan.knowledge.public_urls")),  # search-as-you-type, sitemaps
    path("answers/", include("dukkan.answers.public_urls")),  # FAQ suggestions for the widget
    path("inbound-mail/", include("dukkan.email_channel.webhook_urls")),  # mail providers
    path("newsletter/", include("dukkan.marketing.public_urls")),  # one-click unsubscribe
    path("callbacks/", include("dukkan.callbacks.public_urls")),  # callback requests
    path("favicon.ico", RedirectView.as_view(url="/static/dukkan/favicon.svg", permanent=True)),
]

urlpatterns += i18n_patterns(
    path("", core_views.marketplace_home, name="marketplace_home"),
    # Our sign-in view first: allauth's, with 400/429 status codes for refused attempts.
    path("accounts/login/", account_views.login, name="account_login"),
    path("accounts/", include("allauth.urls")),
    path("dashboard/<str:store_slug>/inbox/", include("dukkan.inbox.urls")),
    path("dashboard/<str:store_slug>/products/", include("dukkan.catalog.urls")),
    path("dashboard/<str:store_slug>/orders/", include("dukkan.checkout.urls")),
    path("dashboard/<str:store_slug>/delivery/", include("dukkan.delivery.dashboard_urls")),
    path("dashboard/<str:store_slug>/widget/", include("dukkan.widget.dashboard_urls")),
    path("dashboard/<str:store_slug>/knowledge/", include("dukkan.knowledge.urls")),
    path("dashboard/<str:store_slug>/answers/", include("dukkan.answers.urls")),
    path("dashboard/<str:store_slug>/licenses/", include("dukkan.licensing.urls")),
    path("dashboard/<str:store_slug>/email/", include("dukkan.email_channel.urls")),
    path("dashboard/<str:store_slug>/promotions/", include("dukkan.promotions.urls")),
    path("dashboard/<str:store_slug>/affiliates/", include("dukkan.affiliates.urls")),
    path("dashboard/<str:store_slug>/marketing/", include("dukkan.marketing.urls")),
    path("dashboard/<str:store_slug>/hours/", include("dukkan.hours.urls")),
    path("dashboard/<str:store_slug>/bot/", include("dukkan.answerbot.urls")),
    path("dashboard/<str:store_slug>/callbacks/", include("dukkan.callbacks.urls")),
    path("dashboard/<str:store_slug>/services/", include("dukkan.gigs.urls")),
    path("dashboard/<str:store_slug>/reviews/", include("dukkan.reviews.urls")),
    path("dashboard/<str:store_slug>/listing-review/", include("dukkan.moderation.urls")),
    path("dashboard/<str:store_slug>/report-card/", include("dukkan.reportcards.urls")),
    path("operator/gigs/", include("dukkan.gigs.operator_urls")),
    path("operator/review/", include("dukkan.moderation.operator_urls")),
    path("operator/report-cards/", include("dukkan.reportcards.operator_urls")),
    path("dashboard/", include("dukkan.accounts.urls")),
    path("invitations/<str:token>/", account_views.accept_invitation, name="accept_invitation"),
    path("s/<str:store_slug>/", core_views.store_home, name="store_home"),
    path("s/<str:store_slug>/", include("dukkan.catalog.storefront_urls")),
    path("s/<str:store_slug>/checkout/", include("dukkan.checkout.storefront_urls")),
    path("s/<str:store_slug>/purchases/", include("dukkan.delivery.urls")),
    path("s/<str:store_slug>/help/", include("dukkan.knowledge.helpcenter_urls")),
    path("s/<str:store_slug>/licenses/", include("dukkan.licensing.storefront_urls")),
    path("s/<str:store_slug>/offers/", include("dukkan.promotions.storefront_urls")),
    path("s/<str:store_slug>/affiliates/", include("dukkan.affiliates.storefront_urls")),
    path("s/<str:store_slug>/newsletter/", include("dukkan.marketing.storefront_urls")),
    path("s/<str:store_slug>/services/", include("dukkan.gigs.storefront_urls")),
    path("s/<str:store_slug>/reviews/", include("dukkan.reviews.storefront_urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)
