from __future__ import annotations

from ninja import NinjaAPI

from dukkan.accounts.api import router as accounts_router
from dukkan.licensing.api import install as install_licence_api

api = NinjaAPI(title="Dukkan API", version="1", docs_url="/docs", urls_namespace="api")
api.add_router("/v1/", accounts_router)
install_licence_api(api)  # /api/v1/licenses/…
