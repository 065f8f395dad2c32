"""Attachments by signed link: the file as uploaded, never sniffed or run as a page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dukkan.support import fanout, services
from tests.support.conftest import Desk
from tests.support.test_services import _png


@pytest.mark.django_db
def test_signed_links_serve_the_file_safely_and_forged_ones_are_404(desk: Desk) -> None:
    picture = services.save_attachment(
        desk.store, SimpleUploadedFile("screen.png", _png()), visitor=desk.visitor
    )
    pdf = services.save_attachment(
        desk.store, SimpleUploadedFile("invoice.pdf", b"%PDF-1.4 test"), user=desk.agent
    )
    client = Client()
    shown = client.get(fanout.attachment_url(picture))
    assert shown.status_code == 200
    assert shown["Content-Type"] == "image/png"
    assert shown["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in shown["Content-Security-Policy"]
    assert b"".join(shown.streaming_content) == _png()  # type: ignore[attr-defined]
    downloaded = client.get(fanout.attachment_url(pdf))
    assert downloaded["Content-Disposition"].startswith("attachment")

    url = fanout.attachment_url(picture)
    forged = url[:-3] + ("xyz" if url.endswith("abc") else "abc")
    assert client.get(forged).status_code == 404
    assert client.get("/chat/files/1.1").status_code == 404


@pytest.mark.django_db
def test_event_frames_carry_the_attachment_and_visitors_never_see_agent_ids(desk: Desk) -> None:
    picture = services.save_attachment(
        desk.store, SimpleUploadedFile("screen.png", _png()), visitor=desk.visitor
    )
    posted = services.post_message(
        desk.conversation, author_kind="visitor", body="see", attachment=picture
    )
    frame = fanout.event_frame(posted.event)
    assert frame["event"]["attachment"]["content_type"] == "image/png"
    assert frame["event"]["attachment"]["url"] == fanout.attachment_url(picture)
    reply = services.post_message(
        desk.conversation, author_kind="agent", author=desk.agent, body="ok"
    )
    for_visitor = fanout.event_frame(reply.event, for_visitor=True)
    assert for_visitor["event"]["author"] == {"kind": "agent", "name": "Ali"}
    # Another conversation cannot reuse an attachment already sent elsewhere.
    other = services.start_conversation(services.create_visitor(desk.store))
    with pytest.raises(Exception, match="Unknown attachment"):
        services.post_message(other, author_kind="visitor", body="x", attachment=picture)
