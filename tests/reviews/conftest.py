from tests.gigs.conftest import market, package, paid_gig, service, shop  # noqa: F401
