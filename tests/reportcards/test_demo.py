"""The demo runs a real bonus round from the commission its completed orders leave, and
loading it twice doubles nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from dukkan.accounts.models import User
from dukkan.core.money import format_money
from dukkan.gigs.models import GigOrder, LedgerEntry
from dukkan.gigs.selectors import platform_balance
from dukkan.knowledge.models import Article
from dukkan.reportcards.models import BonusAward, BonusRound, ReportCard


@pytest.mark.django_db
def test_demo_bonus_round_is_paid_from_commission_once(client: Client) -> None:
    from dukkan.demo import load_demo

    load_demo()

    def counts() -> tuple[int, ...]:
        return tuple(
            m.objects.count()
            for m in (GigOrder, LedgerEntry, ReportCard, BonusRound, BonusAward, Article)
        )

    before = counts()
    load_demo()
    assert counts() == before
    award = BonusAward.objects.select_related("store", "round").get()
    assert award.store.slug == "afzoonesara"
    assert award.ledger_entry_id is not None
    entry = LedgerEntry.objects.get(pk=award.ledger_entry_id)
    assert (entry.kind, entry.amount_minor, entry.note) == (
        "bonus",
        award.amount_minor,
        award.message,
    )
    # The pool was half of what completed orders left the platform; the rest stays.
    assert platform_balance("IRR") >= award.round.pool_minor > 0
    assert GigOrder.objects.filter(store__slug="afzoonesara", status="completed").count() >= 3
    client.force_login(User.objects.get(email="maryam@afzoonesara.example"))
    page = client.get("/fa/dashboard/afzoonesara/report-card/").content.decode()
    assert award.message in page
    assert format_money(award.amount_minor, "IRR", "fa") in page
    # The operator's overview names the round's pool as money and the category in words.
    client.force_login(User.objects.get(email="operator@dukkan.example"))
    overview = client.get("/fa/operator/report-cards/").content.decode()
    with translation.override("fa"):
        service_fa = translation.gettext("Service")
    assert format_money(award.round.pool_minor, "IRR", "fa") in overview
    assert f"<td>{service_fa}</td>" in overview
