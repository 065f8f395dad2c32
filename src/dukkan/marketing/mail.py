"""Building list emails: Markdown to safe HTML (direction from the language), a plain-text part,
the store's From address, and the RFC 2369 / RFC 8058 unsubscribe headers.

The body is rendered once per batch; each recipient's message only swaps in their own
unsubscribe link (and tracking links when the owner turned tracking on).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from email.utils import make_msgid
from urllib.parse import quote, urlencode

import nh3
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from dukkan.catalog.markdown import render_markdown
from dukkan.core.models import Store
from dukkan.marketing.models import MailingSettings
from dukkan.marketing.tokens import make_list_token, make_tracking_token

UNSUBSCRIBE_MARK = "__DUKKAN_UNSUBSCRIBE__"
_HREF = re.compile(r'href="(https?://[^"]+)"')


def direction(language: str) -> str:
    return "rtl" if language in settings.LANGUAGES_BIDI else "ltr"


def platform_address() -> str:
    address = settings.DEFAULT_FROM_EMAIL
    if "<" in address:
        address = address[address.index("<") + 1 : address.rindex(">")]
    return address


def from_header(store: Store, mailing: MailingSettings) -> str:
    name = store.name.replace('"', "").replace("\n", " ").replace("\r", " ")
    return f'"{name}" <{mailing.from_address or platform_address()}>'


def body_html(store: Store, markdown: str) -> str:
    """Safe HTML of an owner's Markdown: raw HTML is off and nh3 drops any script."""
    return render_markdown(markdown, store.slug, store.pk)


def body_text(markdown: str) -> str:
    """The plain-text part: the Markdown as written, with any HTML tags stripped."""
    return html.unescape(nh3.clean(markdown, tags=set())).strip()


def unsubscribe_url(store: Store, subscriber_id: int, campaign_id: int | None) -> str:
    token = make_list_token(store, subscriber_id, campaign_id)
    return settings.DUKKAN_BASE_URL + reverse("marketing_public:unsubscribe", args=[token])


def manage_url(store: Store, subscriber_id: int, language: str) -> str:
    token = make_list_token(store, subscriber_id)
    with translation.override(language):
        path = reverse("marketing_storefront:manage", args=[store.slug, token])
    return settings.DUKKAN_BASE_URL + path


def unsubscribe_mailto(store: Store, mailing: MailingSettings, token_url: str) -> str:
    address = mailing.reply_to or mailing.from_address or platform_address()
    return f"mailto:{address}?subject={quote('unsubscribe ' + token_url.rsplit('/', 2)[-2])}"


@dataclass
class Rendered:
    """A message body shared by a batch, with the recipient's parts left to fill."""

    subject: str
    html: str
    text: str
    language: str


def render(store: Store, subject: str, markdown: str, language: str) -> Rendered:
    with translation.override(language):
        context = {
            "store": store,
            "subject": subject,
            "body": body_html(store, markdown),
            "page_language": language,
            "page_dir": direction(language),
            "unsubscribe_url": UNSUBSCRIBE_MARK,
            "store_url": settings.DUKKAN_BASE_URL
            + reverse("store_home", kwargs={"store_slug": store.slug}),
        }
        html_part = render_to_string("marketing/email/message.html", context)
        text_part = render_to_string(
            "marketing/email/message.txt", {**context, "text": body_text(markdown)}
        )
    return Rendered(subject, html_part, text_part, language)


def _track_links(store: Store, recipient_id: int, html_part: str) -> str:
    def swap(match: re.Match[str]) -> str:
        target = html.unescape(match.group(1))
        if target.startswith(settings.DUKKAN_BASE_URL + "/newsletter/"):
            return match.group(0)  # never wrap the unsubscribe link
        token = make_tracking_token(store, recipient_id, target)
        url = settings.DUKKAN_BASE_URL + reverse("marketing_public:click", args=[token])
        return f'href="{html.escape(url + "?" + urlencode({"u": target}))}"'

    tracked = _HREF.sub(swap, html_part)
    pixel_token = make_tracking_token(store, recipient_id)
    pixel = settings.DUKKAN_BASE_URL + reverse("marketing_public:open", args=[pixel_token])
    return tracked.replace(
        "</body>", f'<img src="{html.escape(pixel)}" width="1" height="1" alt=""></body>'
    )


def message(
    store: Store,
    mailing: MailingSettings,
    rendered: Rendered,
    *,
    to: str,
    subscriber_id: int,
    campaign_id: int | None,
    recipient_id: int | None = None,
    tracking: bool = False,
    message_id: str | None = None,
) -> EmailMultiAlternatives:
    """One recipient's message, with their own one-click unsubscribe."""
    link = unsubscribe_url(store, subscriber_id, campaign_id)
    return _message(
        store,
        mailing,
        rendered,
        to=to,
        link=link,
        recipient_id=recipient_id,
        tracking=tracking,
        message_id=message_id,
    )


def _message(
    store: Store,
    mailing: MailingSettings,
    rendered: Rendered,
    *,
    to: str,
    link: str,
    recipient_id: int | None = None,
    tracking: bool = False,
    message_id: str | None = None,
) -> EmailMultiAlternatives:
    html_part = rendered.html.replace(UNSUBSCRIBE_MARK, html.escape(link))
    if tracking and recipient_id is not None:
        html_part = _track_links(store, recipient_id, html_part)
    headers = {
        "List-Unsubscribe": f"<{link}>, <{unsubscribe_mailto(store, mailing, link)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"<store-{store.pk}.list.{platform_address().rpartition('@')[2] or 'dukkan'}>",
        "Message-ID": message_id or new_message_id(),
        "Content-Language": rendered.language,
    }
    if mailing.reply_to:
        headers["Reply-To"] = mailing.reply_to
    email = EmailMultiAlternatives(
        rendered.subject,
        rendered.text.replace(UNSUBSCRIBE_MARK, link),
        from_header(store, mailing),
        [to],
        headers=headers,
    )
    email.attach_alternative(html_part, "text/html")
    return email


def message_id_domain() -> str:
    return platform_address().rpartition("@")[2] or "dukkan.invalid"


def new_message_id() -> str:
    return make_msgid(domain=message_id_domain())


_TO = "dukkan-recipient@placeholder.invalid"
_TOKEN = "DUKKANTOKENPLACEHOLDER"
_MESSAGE_ID = "<dukkan-message-id@placeholder.invalid>"


class BatchTemplate:
    """One batch's message serialised once, with the recipient's parts as placeholders.

    Building a MIME message (header encoding and folding) costs far more than sending it, and
    in a campaign only the recipient, the Message-ID and the unsubscribe token differ. The
    placeholders are plain ASCII; when the body was not sent as 8-bit text (a line over 998
    characters makes Django use quoted-printable), a recipient address is not ASCII, or
    tracking rewrites every link per recipient, `raw` answers None and the caller builds the
    message the ordinary way.
    """

    def __init__(
        self, store: Store, mailing: MailingSettings, rendered: Rendered, campaign_id: int
    ) -> None:
        self.store = store
        self.campaign_id = campaign_id
        base = settings.DUKKAN_BASE_URL + reverse("marketing_public:unsubscribe", args=["x"])
        link = base.replace("/x/", f"/{_TOKEN}/")
        message = _message(store, mailing, rendered, to=_TO, link=link, message_id=_MESSAGE_ID)
        from django.core.mail.message import sanitize_address

        self.sender = sanitize_address(
            message.from_email, message.encoding or settings.DEFAULT_CHARSET
        )
        raw = message.message().as_bytes(linesep="\r\n")  # type: ignore[call-arg]
        usable = (
            b"quoted-printable" not in raw.lower()
            and b"base64" not in raw.lower()
            and raw.count(_TOKEN.encode()) >= 3
            and raw.count(_TO.encode()) == 1
        )
        self.raw_template = raw if usable else None

    def raw(self, to: str, subscriber_id: int, message_id: str) -> bytes | None:
        """The message bytes for one recipient, or None for the ordinary path."""
        if self.raw_template is None or not to.isascii() or not message_id.isascii():
            return None
        token = make_list_token(self.store, subscriber_id, self.campaign_id)
        return (
            self.raw_template.replace(_TOKEN.encode(), token.encode())
            .replace(_TO.encode(), to.encode())
            .replace(_MESSAGE_ID.encode(), message_id.encode())
        )
