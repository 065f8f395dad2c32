"""The widget's own words, translated by Django's catalogs and sent in its config.

widget.js has no strings of its own: it shows what `texts()` returns for the page's language,
so every word lives in the .po catalogs beside the rest of Dukkan.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from dukkan.core.templatetags.dukkan import lnumber
from dukkan.support.models import ATTACHMENT_LIMIT


def megabytes() -> str:
    """The attachment limit as the reader writes it: "10 MB", "١٠ ميغابايت", "۱۰ مگابایت"."""
    return _("%(number)s MB") % {"number": lnumber(ATTACHMENT_LIMIT // (1024 * 1024))}


def limits_text() -> str:
    return _("Images (JPEG, PNG, GIF, WebP) and PDF files up to %(size)s.") % {"size": megabytes()}


def texts() -> dict[str, str]:
    """Strings with %(name)s placeholders are filled in by the script."""
    return {
        "open": _("Chat with us"),
        "close": _("Close the chat"),
        "title": _("Chat with %(store)s"),
        "messages": _("Messages"),
        "online": _("Online"),
        "offline": _("Away — leave a message"),
        "placeholder": _("Type a message…"),
        "send": _("Send"),
        "attach": _("Attach an image or PDF"),
        "limits": limits_text(),
        "sending": _("Sending…"),
        "sent": _("Sent"),
        "seen": _("Seen"),
        "not_sent": _("Not sent"),
        "typing": _("Typing…"),
        "typing_named": _("%(name)s is typing…"),
        "reconnecting": _("Reconnecting… your messages will be sent as soon as we are back."),
        "offline_queue": _(
            "You are offline. Your messages will be sent when the connection returns."
        ),
        "unavailable": _("The chat is not available right now. Please try again shortly."),
        "rate_limited": _("Too many messages. Please wait %(seconds)s seconds."),
        "too_long": _("A message can be at most %(limit)s characters."),
        "too_big": _("This file is too large; the limit is %(size)s."),
        "bad_type": _("Only images (JPEG, PNG, GIF, WebP) and PDF files can be sent."),
        "uploading": _("Uploading…"),
        "sound_on": _("Sound on; turn it off"),
        "sound_off": _("Sound off; turn it on"),
        "prechat_intro": _("Tell us who you are, so we can reply even if you leave."),
        "name": _("Name"),
        "email": _("Email"),
        "phone": _("Phone"),
        "optional": _("(optional)"),
        "start": _("Start the chat"),
        "resolved": _("This conversation was closed. Write again any time."),
        "unread": _("unread messages: %(count)s"),
        **_support_texts(),
    }


def _support_texts() -> dict[str, str]:
    from dukkan.answerbot.widget_api import texts as support  # bot, queue, callbacks, ratings

    return support()
