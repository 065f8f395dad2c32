"""The rating email: a person resolves a conversation whose customer left an email address and
the widget; the worker mails a signed link; following it records the rating; a tampered or
foreign link is refused with a clear page, and bad scores change nothing."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.core import mail
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from dukkan.answerbot.models import Rating
from dukkan.support import services as support
from tests.inbox.conftest import run_queued_tasks


def test_resolving_mails_a_signed_rating_link_that_records_the_rating(
    bot_store: Any, make_store: Any, django_capture_on_commit_callbacks: Any
) -> None:
    visitor = support.create_visitor(bot_store, email="Customer@Example.com", language="fa")
    conversation = support.start_conversation(visitor)
    support.assign(conversation, assignee=bot_store.agent, actor=None)
    visitor.last_seen_at = timezone.now() - timedelta(hours=2)  # the customer left the widget
    visitor.save(update_fields=["last_seen_at"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        support.resolve(conversation, actor=bot_store.agent)
    run_queued_tasks()

    (sent,) = [m for m in mail.outbox if m.to == ["customer@example.com"]]
    with translation.override("fa"):
        assert sent.subject == gettext("How did %(store)s do?") % {"store": bot_store.name}
    found = re.search(r"https?://[^/\s]+(/callbacks/\S+/rate/\S+/)\?lang=fa", sent.body)
    assert found, sent.body
    path = found.group(1) + "?lang=fa"
    client = Client(enforce_csrf_checks=True)  # as a mail reader's browser: no CSRF cookie
    assert client.get(path).status_code == 200

    with translation.override("fa"):
        expected_error = gettext("Choose a rating from 1 to 5.")
        invalid_link = gettext("This rating link is not valid any more.")
        thanks = gettext("Thank you for your rating.")
    bad = client.post(path, {"score": "9", "comment": "عالی"})
    assert bad.status_code == 400
    assert expected_error in bad.content.decode()
    assert not Rating.objects.filter(conversation=conversation).exists()

    token = path.split("/rate/", 1)[1].split("/", 1)[0]
    tampered = path.replace(token, token[:-2] + ("aa" if token[-2:] != "aa" else "bb"))
    refused = client.post(tampered, {"score": "1"})
    assert refused.status_code == 404
    assert invalid_link in refused.content.decode()
    other = make_store()
    foreign = client.post(path.replace(f"/{bot_store.slug}/", f"/{other.slug}/"), {"score": "1"})
    assert foreign.status_code == 404
    assert not Rating.objects.filter(conversation=conversation).exists()

    done = client.post(path, {"score": "5", "comment": "خیلی خوب بود"})
    assert done.status_code == 200
    assert thanks in done.content.decode()
    rating = Rating.objects.get(conversation=conversation)
    assert (rating.score, rating.via, rating.comment, rating.agent) == (
        5,
        "email",
        "خیلی خوب بود",
        bot_store.agent,
    )

    # Once rated, resolving again after a reopen asks no second time.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        support.reopen(conversation, actor=bot_store.agent)
        support.resolve(conversation, actor=bot_store.agent)
    run_queued_tasks()
    assert not [m for m in mail.outbox if m.to == ["customer@example.com"]]
