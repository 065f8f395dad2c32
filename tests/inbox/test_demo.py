"""The inbox's demo data: canned replies in each store's language, loaded once."""

from __future__ import annotations

import pytest

from dukkan.demo import load_demo
from dukkan.inbox.models import AgentCapacity, CannedReply, NotificationSettings

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_in_each_stores_language() -> None:
    load_demo()
    counts = (
        CannedReply.objects.count(),
        AgentCapacity.objects.count(),
        NotificationSettings.objects.count(),
    )
    load_demo()
    assert counts == (
        CannedReply.objects.count(),
        AgentCapacity.objects.count(),
        NotificationSettings.objects.count(),
    )
    assert counts[0] == 12
    languages = set(CannedReply.objects.values_list("store__slug", "language"))
    assert languages == {("alwarraq", "ar"), ("afzoonesara", "fa"), ("cedar-apps", "en")}
    greeting = CannedReply.objects.get(store__slug="afzoonesara", shortcut="سلام")
    assert "{name}" in greeting.body
