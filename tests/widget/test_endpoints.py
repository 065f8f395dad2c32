"""The widget's HTTP endpoints, through Django's test client against a real database."""

from __future__ import annotations

import gzip
import io
import json
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from dukkan.crm.models import Contact
from dukkan.support.models import ATTACHMENT_LIMIT, Attachment, Visitor
from dukkan.widget import script, services
from dukkan.widget.models import FieldMode, PreChatMode
from dukkan.widget.views import SESSION_LIMIT, UPLOAD_LIMIT

pytestmark = pytest.mark.django_db

SHOP = "https://shop.example.com"


@pytest.fixture
def store(make_store: Any) -> Any:
    store = make_store(slug="nakhla", name="نخلة")
    services.update_settings(store, allowed_origins=f"{SHOP}\nhttp://localhost:3000")
    return store


def post(client: Client, url: str, body: Any, origin: str = SHOP) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json", HTTP_ORIGIN=origin)


def new_token(client: Client, store: Any, **extra: Any) -> str:
    response = post(client, f"/widget/{store.slug}/session", {"language": "fa", **extra})
    assert response.status_code == 201, response.content
    return str(response.json()["token"])


# -- the script ---------------------------------------------------------------------------------


def test_widget_js_is_one_small_file_within_25_kb_gzipped() -> None:
    current = script.current()
    assert len(current.gzipped) <= script.GZIP_LIMIT, len(current.gzipped)
    assert gzip.decompress(current.gzipped) == script.SOURCE.read_bytes()
    source = current.body.decode()
    # Dependency-free and text-only: no imports, no HTML parsing of anything.
    assert "import " not in source
    assert "require(" not in source
    assert "innerHTML" not in source
    assert "insertAdjacentHTML" not in source


def test_widget_js_is_served_gzipped_with_a_version_and_long_cache(client: Client) -> None:
    current = script.current()
    plain = client.get("/widget.js")
    assert plain.status_code == 200
    assert plain["Content-Type"].startswith("text/javascript")
    assert plain.content == current.body
    assert plain["ETag"] == current.etag
    assert "max-age=300" in plain["Cache-Control"]
    zipped = client.get(f"/widget.js?v={current.version}", HTTP_ACCEPT_ENCODING="gzip, br")
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == current.body
    assert "immutable" in zipped["Cache-Control"]
    assert "max-age=31536000" in zipped["Cache-Control"]
    assert "Accept-Encoding" in zipped["Vary"]
    again = client.get("/widget.js", HTTP_IF_NONE_MATCH=current.etag)
    assert again.status_code == 304
    assert again.content == b""


def test_the_template_tag_puts_the_versioned_script_on_the_store_page(
    client: Client, store: Any
) -> None:
    page = client.get(f"/fa/s/{store.slug}/").content.decode()
    tag = (
        f'<script src="/widget.js?v={script.current().version}" '
        f'data-store="{store.slug}" async></script>'
    )
    assert tag in page


# -- config -------------------------------------------------------------------------------------


def test_config_speaks_the_asked_language_and_says_the_limits(client: Client, store: Any) -> None:
    services.update_settings(store, welcome_fa="خوش آمدید!", welcome_en="Welcome!")
    response = client.get(f"/widget/{store.slug}/config?lang=fa", HTTP_ORIGIN=SHOP)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == SHOP
    assert "max-age=30" in response["Cache-Control"]
    assert "Origin" in response["Vary"]
    body = response.json()
    assert body["enabled"] is True
    assert (body["language"], body["dir"], body["store_name"]) == ("fa", "rtl", "نخلة")
    assert body["welcome"] == "خوش آمدید!"
    assert body["online"] is False  # nobody of the team is connected
    assert body["limits"]["message_chars"] == 10_000
    assert body["limits"]["attachment_bytes"] == ATTACHMENT_LIMIT
    assert "application/pdf" in body["limits"]["attachment_types"]
    assert body["texts"]["send"] == "ارسال"
    english = client.get(f"/widget/{store.slug}/config?lang=en").json()
    assert english["dir"] == "ltr"
    assert english["texts"]["send"] == "Send"
    assert english["welcome"] == "Welcome!"


def test_config_of_a_switched_off_widget_says_only_that(client: Client, store: Any) -> None:
    services.update_settings(store, enabled=False)
    body = client.get(f"/widget/{store.slug}/config").json()
    assert body == {"enabled": False}


def test_an_unknown_store_is_a_clear_404(client: Client) -> None:
    response = client.get("/widget/no-such-store/config")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


# -- CORS ---------------------------------------------------------------------------------------


def test_an_allowed_origin_gets_cors_headers_and_a_preflight(client: Client, store: Any) -> None:
    preflight = client.options(
        f"/widget/{store.slug}/session",
        HTTP_ORIGIN="http://localhost:3000",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "http://localhost:3000"
    assert "POST" in preflight["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight["Access-Control-Allow-Headers"]


def test_another_origin_is_refused_without_cors_headers(client: Client, store: Any) -> None:
    for origin in ("https://evil.example", "https://shop.example.com.evil.example", "null"):
        response = client.get(f"/widget/{store.slug}/config", HTTP_ORIGIN=origin)
        assert response.status_code == 403, origin
        assert "Access-Control-Allow-Origin" not in response
        assert response.json()["error"]["code"] == "origin_not_allowed"
    refused = post(client, f"/widget/{store.slug}/session", {}, origin="https://evil.example")
    assert refused.status_code == 403
    assert not Visitor.objects.filter(store=store).exists()


def test_dukkan_itself_may_always_use_the_widget(client: Client, store: Any) -> None:
    services.update_settings(store, allowed_origins="")
    own = client.get(f"/widget/{store.slug}/config", HTTP_ORIGIN="http://testserver")
    assert own.status_code == 200
    base = client.get(f"/widget/{store.slug}/config", HTTP_ORIGIN="http://localhost:8000")
    assert base.status_code == 200  # DUKKAN_BASE_URL


# -- session and the host's signed identity -----------------------------------------------------


def test_a_session_is_issued_and_resumed(client: Client, store: Any) -> None:
    token = new_token(client, store)
    visitor = Visitor.objects.get(store=store)
    assert visitor.language == "fa"
    again = post(client, f"/widget/{store.slug}/session", {"token": token})
    assert again.status_code == 200
    assert again.json()["created"] is False
    assert Visitor.objects.filter(store=store).count() == 1


def test_a_token_of_another_store_is_no_token(client: Client, store: Any, make_store: Any) -> None:
    other = make_store(slug="other")
    services.update_settings(other, allowed_origins=SHOP)
    token = new_token(client, store)
    response = post(client, f"/widget/{other.slug}/session", {"token": token})
    assert response.status_code == 201  # a new visitor of the other store, nothing carried over
    assert response.json()["token"] != token
    forged = post(client, f"/widget/{store.slug}/session", {"token": token[:-3] + "abc"})
    assert forged.status_code == 201


def test_a_genuinely_signed_customer_is_known_to_the_agent(client: Client, store: Any) -> None:
    signature = services.identity_signature(store, "user-77")
    identity = {
        "user_id": "user-77",
        "name": "سارا محمدی",
        "email": "Sara@Customers.example",
        "signature": signature,
    }
    response = post(client, f"/widget/{store.slug}/session", {"identity": identity})
    assert response.status_code == 201
    assert response.json()["identified"] is True
    visitor = Visitor.objects.get(store=store)
    assert visitor.external_id == "user-77"
    contact = Contact.objects.get(store=store)
    assert (contact.external_id, contact.email, contact.name) == (
        "user-77",
        "sara@customers.example",
        "سارا محمدی",
    )
    assert visitor.contact == contact


def test_a_bad_signature_is_refused_and_nothing_is_trusted(client: Client, store: Any) -> None:
    good = services.identity_signature(store, "user-77")
    for signature in ("", "0" * 64, good[:-1] + ("0" if good[-1] != "0" else "1")):
        identity = {"user_id": "user-77", "email": "x@example.com", "signature": signature}
        response = post(client, f"/widget/{store.slug}/session", {"identity": identity})
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "bad_signature"
    # Signed for another user id, or with another store's secret: refused as well.
    other = {"user_id": "user-78", "signature": good}
    assert post(client, f"/widget/{store.slug}/session", {"identity": other}).status_code == 403
    assert not Visitor.objects.filter(store=store).exists()
    assert not Contact.objects.filter(store=store).exists()


def test_malformed_session_requests_get_clear_errors(client: Client, store: Any) -> None:
    url = f"/widget/{store.slug}/session"
    not_json = client.post(url, "{not json", content_type="application/json", HTTP_ORIGIN=SHOP)
    assert not_json.status_code == 400
    assert not_json.json()["error"]["code"] == "malformed"
    a_list = post(client, url, [1, 2])
    assert a_list.status_code == 400
    wrong_type = post(client, url, {"token": 12})
    assert wrong_type.status_code == 400
    assert wrong_type.json()["error"]["field"] == "token"
    huge = post(client, url, {"page_url": "x" * 20_000})
    assert huge.status_code == 413
    assert client.get(url, HTTP_ORIGIN=SHOP).status_code == 405


def test_new_sessions_are_rate_limited_per_address(client: Client, store: Any) -> None:
    tokens = [new_token(client, store) for _ in range(SESSION_LIMIT)]
    limited = post(client, f"/widget/{store.slug}/session", {})
    assert limited.status_code == 429
    body = limited.json()["error"]
    assert body["code"] == "rate_limited"
    assert body["retry_after"] > 0
    assert int(limited["Retry-After"]) == body["retry_after"]
    # A returning visitor is never limited: resuming makes nothing new.
    assert post(client, f"/widget/{store.slug}/session", {"token": tokens[0]}).status_code == 200
    assert Visitor.objects.filter(store=store).count() == SESSION_LIMIT


# -- pre-chat form ------------------------------------------------------------------------------


def test_the_prechat_form_checks_required_fields_and_fills_the_contact(
    client: Client, store: Any
) -> None:
    services.update_settings(
        store,
        prechat_mode=PreChatMode.BEFORE,
        prechat_name=FieldMode.OPTIONAL,
        prechat_email=FieldMode.REQUIRED,
        prechat_phone=FieldMode.OFF,
    )
    token = new_token(client, store)
    config = client.get(f"/widget/{store.slug}/config").json()
    assert config["prechat"] == {"name": "optional", "email": "required"}
    url = f"/widget/{store.slug}/prechat"
    missing = post(client, url, {"token": token, "name": "Ali"})
    assert missing.status_code == 400
    assert set(missing.json()["error"]["fields"]) == {"email"}
    invalid = post(client, url, {"token": token, "email": "not-an-email"})
    assert invalid.status_code == 400
    done = post(
        client, url, {"token": token, "name": "علی", "email": "ali@example.com", "phone": "1"}
    )
    assert done.status_code == 200
    visitor = Visitor.objects.get(store=store)
    assert (visitor.name, visitor.email, visitor.phone) == ("علی", "ali@example.com", "")
    assert Contact.objects.get(store=store).email == "ali@example.com"
    assert post(client, url, {"token": "forged", "email": "a@b.c"}).status_code == 401


# -- attachments --------------------------------------------------------------------------------


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def upload(client: Client, store: Any, token: str, name: str, data: bytes) -> Any:
    file = io.BytesIO(data)
    file.name = name
    return client.post(
        f"/widget/{store.slug}/attachments", {"token": token, "file": file}, HTTP_ORIGIN=SHOP
    )


def test_an_image_is_uploaded_and_told_by_its_bytes(client: Client, store: Any) -> None:
    token = new_token(client, store)
    response = upload(client, store, token, "photo.pdf", png_bytes())  # wrong name, real PNG
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["content_type"] == "image/png"
    assert body["name"] == "photo.png"
    assert response["Access-Control-Allow-Origin"] == SHOP
    attachment = Attachment.objects.get(pk=body["id"])
    assert attachment.visitor == Visitor.objects.get(store=store)


def test_a_file_of_another_type_or_too_large_is_refused_with_the_limit(
    client: Client, store: Any
) -> None:
    token = new_token(client, store)
    script_file = upload(client, store, token, "cat.png", b"<script>alert(1)</script>")
    assert script_file.status_code == 415
    assert script_file.json()["error"]["code"] == "unsupported_type"
    assert "application/pdf" in script_file.json()["error"]["allowed"]
    big = upload(client, store, token, "big.pdf", b"%PDF-1.4\n" + b"0" * ATTACHMENT_LIMIT)
    assert big.status_code == 413
    assert big.json()["error"]["limit"] == ATTACHMENT_LIMIT
    assert not Attachment.objects.exists()
    huge = upload(client, store, token, "huge.pdf", b"%PDF-1.4\n" + b"0" * UPLOAD_LIMIT)
    assert huge.status_code == 413  # refused by its length, before it is read
    assert huge.json()["error"]["code"] == "too_large"
    assert not Attachment.objects.exists()
    no_token = upload(client, store, "", "photo.png", png_bytes())
    assert no_token.status_code == 401


# -- the sample host page -----------------------------------------------------------------------


def test_the_sample_page_embeds_the_widget_and_signs_only_for_demo_stores(
    client: Client, store: Any
) -> None:
    page = client.get(f"/widget/demo/{store.slug}/?lang=fa").content.decode()
    assert 'lang="fa" dir="rtl"' in page
    assert f'data-store="{store.slug}"' in page
    assert "data-user-signature" not in page  # not a demo store: nobody is vouched for
    assert client.get("/widget/demo/no-such-store/").status_code == 404


def test_config_says_online_while_an_agent_of_the_store_is_connected(
    client: Client, store: Any
) -> None:
    from dukkan.accounts.models import Membership
    from dukkan.realtime import presence

    owner = Membership.objects.get(store=store).user
    url = f"/widget/{store.slug}/config"
    assert client.get(url).json()["online"] is False
    presence.connect(store, owner, channel_name="test.widget.1", server="test")
    assert client.get(url).json()["online"] is True
    presence.set_status(store, owner, "away")
    assert client.get(url).json()["online"] is False


# -- demo ---------------------------------------------------------------------------------------


def test_the_demo_widgets_load_once_and_keep_an_owners_changes(client: Client) -> None:
    from dukkan.demo import load_demo
    from dukkan.widget.models import WidgetSettings

    load_demo()
    persian = WidgetSettings.objects.get(store__slug="afzoonesara")
    assert persian.prechat_fields() == {
        "name": "optional",
        "email": "required",
        "phone": "optional",
    }
    assert "http://localhost:8000" in persian.origins
    services.update_settings(persian.store, welcome_fa="سلام")
    before = list(WidgetSettings.objects.order_by("pk").values_list())
    load_demo()
    assert list(WidgetSettings.objects.order_by("pk").values_list()) == before
    page = client.get("/widget/demo/afzoonesara/").content.decode()
    assert 'lang="fa" dir="rtl"' in page
    assert "data-user-signature=" in page  # the demo customer, signed with the store's secret


def test_another_signed_in_customer_on_the_same_browser_is_another_visitor(
    client: Client, store: Any
) -> None:
    def identity(user_id: str) -> dict[str, str]:
        return {"user_id": user_id, "signature": services.identity_signature(store, user_id)}

    url = f"/widget/{store.slug}/session"
    first = post(client, url, {"identity": identity("u-1")}).json()["token"]
    same = post(client, url, {"token": first, "identity": identity("u-1")})
    assert same.status_code == 200
    other = post(client, url, {"token": first, "identity": identity("u-2")})
    assert other.status_code == 201
    assert sorted(Visitor.objects.filter(store=store).values_list("external_id", flat=True)) == [
        "u-1",
        "u-2",
    ]


def test_a_switched_off_widget_starts_no_chat(client: Client, store: Any) -> None:
    services.update_settings(store, enabled=False)
    response = post(client, f"/widget/{store.slug}/session", {})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "disabled"
    assert not Visitor.objects.filter(store=store).exists()


# -- the HTTP fallback's cross-origin door ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_fallback_door_answers_preflights_and_lets_only_visitors_through(
    client: Client, store: Any, make_user: Any
) -> None:
    url = f"/widget/{store.slug}/chat/send"
    preflight = client.options(
        url, HTTP_ORIGIN=SHOP, HTTP_ACCESS_CONTROL_REQUEST_HEADERS="x-dukkan-visitor"
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == SHOP
    assert "X-Dukkan-Visitor" in preflight["Access-Control-Allow-Headers"]
    evil = client.options(url, HTTP_ORIGIN="https://evil.example")
    assert evil.status_code == 403
    assert "Access-Control-Allow-Origin" not in evil
    # A signed-in team member's cookie never works from another site: visitors only.
    from dukkan.accounts.models import Membership

    client.force_login(Membership.objects.get(store=store).user)
    no_token = client.get(f"/widget/{store.slug}/chat/session", HTTP_ORIGIN=SHOP)
    assert no_token.status_code == 401
    assert no_token.json()["code"] == "unauthorized"
    token = new_token(client, store)
    welcome = client.get(
        f"/widget/{store.slug}/chat/session", HTTP_ORIGIN=SHOP, HTTP_X_DUKKAN_VISITOR=token
    )
    assert welcome.status_code == 200
    assert welcome.json()["role"] == "visitor"
    assert welcome["Access-Control-Allow-Origin"] == SHOP
