from __future__ import annotations

import pytest

from dukkan.crm.models import Contact
from dukkan.crm.selectors import contact_by_email, search_contacts
from dukkan.crm.services import upsert_contact

pytestmark = pytest.mark.django_db


def test_the_same_email_is_one_contact_and_new_details_complete_it(make_store) -> None:
    store = make_store()
    first = upsert_contact(store, email="Noura@Customers.example", name="نورة")
    second = upsert_contact(store, email="noura@customers.example", phone="+966500000000")
    assert first.pk == second.pk
    second.refresh_from_db()
    assert (second.name, second.email, second.phone) == (
        "نورة",
        "noura@customers.example",
        "+966500000000",
    )
    assert contact_by_email(store, "NOURA@customers.example") == second


def test_a_verified_id_wins_over_the_email(make_store) -> None:
    store = make_store()
    known = upsert_contact(store, external_id="u-42", name="Sara")
    again = upsert_contact(store, external_id="u-42", email="sara@customers.example")
    assert known.pk == again.pk
    assert Contact.objects.filter(store=store).count() == 1


def test_contacts_belong_to_their_store(make_store) -> None:
    a, b = make_store(slug="a"), make_store(slug="b")
    upsert_contact(a, email="same@example.com")
    upsert_contact(b, email="same@example.com")
    assert Contact.objects.filter(email="same@example.com").count() == 2
    assert search_contacts(a, "same").get().store == a


def test_search_finds_any_spelling(make_store) -> None:
    store = make_store()
    upsert_contact(store, name="مریم رضایی", email="maryam@example.com")
    upsert_contact(store, name="علی کریمی")
    assert [c.name for c in search_contacts(store, "مريم")] == ["مریم رضایی"]
    assert [c.name for c in search_contacts(store, "كريمي")] == ["علی کریمی"]
    assert not search_contacts(store, "john").exists()
