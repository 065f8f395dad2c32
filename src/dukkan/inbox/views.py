"""The inbox pages: the conversation list, one conversation, and its actions.

Views are thin: reads come from `inbox.selectors`, every write to a conversation goes through
`dukkan.support.services`, presence through `dukkan.realtime.presence`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dukkan.accounts.models import Membership, User
from dukkan.accounts.permissions import current_membership, current_store, store_view
from dukkan.core.models import Store
from dukkan.core.money import localize_digits
from dukkan.core.tenancy import get_scoped_or_404, scoped
from dukkan.inbox import canned, selectors
from dukkan.inbox.forms import ReplyForm, SnoozeForm
from dukkan.inbox.selectors import ListFilters
from dukkan.inbox.settings_views import inbox_url
from dukkan.inbox.templatetags.inbox import STATUS_LABELS
from dukkan.support.models import (
    Channel,
    Conversation,
    ConversationEvent,
    Label,
    Priority,
    Status,
)

LIST_LIMIT = 100


def _presence_context(request: HttpRequest) -> dict[str, Any]:
    """The agent's own presence, for the switch in the header (set over the agent socket)."""
    from dukkan.realtime.selectors import agent_status

    store = current_store(request)
    return {
        "presence_choices": [("online", _("Online")), ("away", _("Away"))],
        "my_presence": agent_status(store, current_membership(request).user),
    }


def _base_context(request: HttpRequest, active: str) -> dict[str, Any]:
    return {
        "store": current_store(request),
        "membership": current_membership(request),
        "active": active,
        **_presence_context(request),
    }


def _list_context(request: HttpRequest, filters: ListFilters) -> dict[str, Any]:
    store = current_store(request)
    user = current_membership(request).user
    views = {"mine": _("Mine"), "unassigned": _("Unassigned"), "all": _("All")}
    view_counts = selectors.view_counts(store, user, filters.status)
    status_counts = selectors.status_counts(store, user, filters.view)
    rows = list(selectors.conversation_list(store, user, filters)[: LIST_LIMIT + 1])
    for row in rows:
        row.who = _who(row)  # type: ignore[attr-defined]
    return {
        "filters": filters,
        "conversations": rows[:LIST_LIMIT],
        "truncated": len(rows) > LIST_LIMIT,
        "shown": LIST_LIMIT,
        "view_links": [
            (value, label, view_counts[value], filters.as_query(view=value))
            for value, label in views.items()
        ],
        "status_links": [
            (value, STATUS_LABELS[value], status_counts[value], filters.as_query(status=value))
            for value in Status.values
        ],
        "label_links": [
            (label, filters.as_query(label=label.pk)) for label in selectors.labels(store)
        ],
        "channel_links": [("", _("All channels"), filters.as_query(channel=""))]
        + [(value, label, filters.as_query(channel=value)) for value, label in Channel.choices],
        "clear_search": filters.as_query(q="", status=Status.OPEN),
    }


def _who(conversation: Conversation) -> str:
    contact = conversation.contact
    return (contact.display_name if contact else "") or str(conversation.visitor)


@store_view()
@require_GET
def conversation_list(request: HttpRequest) -> HttpResponse:
    filters = ListFilters.from_query(request.GET)
    context = {**_base_context(request, "list"), **_list_context(request, filters)}
    if request.GET.get("partial"):
        return render(request, "inbox/_list.html", context)
    return render(request, "inbox/list.html", context)


@store_view()
@require_GET
def counts(request: HttpRequest) -> JsonResponse:
    """The badge numbers, for the live list and the tab title."""
    store = current_store(request)
    user = current_membership(request).user
    return JsonResponse(
        {
            "views": selectors.view_counts(store, user),
            "waiting": selectors.waiting_count(store),
        }
    )


def _conversation(request: HttpRequest, conversation_id: int) -> Conversation:
    return get_scoped_or_404(
        scoped(Conversation, current_store(request)).select_related(
            "visitor", "contact", "assignee"
        ),
        current_store(request),
        pk=conversation_id,
    )


def _orders(store: Store, conversation: Conversation) -> list[Any] | None:
    """The contact's orders, once the checkout app offers them (None: not available)."""
    if conversation.contact is None:
        return None
    try:
        from dukkan.checkout.selectors import orders_for_contact
    except ImportError:
        return None
    try:
        return list(orders_for_contact(store, conversation.contact)[:10])
    except Exception:  # the panel must not take the conversation down with it
        return None


def _canned_data(request: HttpRequest, conversation: Conversation) -> list[dict[str, str]]:
    store = current_store(request)
    values = _variables(store, conversation, current_membership(request).user)
    return [
        {
            "shortcut": reply.shortcut,
            "title": reply.title,
            "body": canned.fill(reply.body, values),
        }
        for reply in selectors.canned_replies(store)
    ]


def _variables(store: Store, conversation: Conversation, agent: User) -> dict[str, str]:
    contact = conversation.contact
    visitor = conversation.visitor
    name = (contact.name if contact else "") or visitor.name
    return {
        "name": canned.first_name(name),
        "email": (contact.email if contact else "") or visitor.email,
        "store": store.name,
        "agent": canned.first_name(agent.display_name) or str(agent),
    }


def decorate(events: list[ConversationEvent]) -> list[ConversationEvent]:
    """Give each event what the thread template shows: a summary line, the attachment's link."""
    from django.urls import NoReverseMatch

    from dukkan.support.fanout import attachment_url

    for event in events:
        event.summary = selectors.describe(event)  # type: ignore[attr-defined]
        if event.attachment_id and event.attachment is not None:
            try:
                event.attachment_url = attachment_url(event.attachment)  # type: ignore[attr-defined]
            except NoReverseMatch:
                event.attachment_url = ""  # type: ignore[attr-defined]
    return events


def _conversation_context(
    request: HttpRequest, conversation: Conversation, form: ReplyForm | None = None
) -> dict[str, Any]:
    store = current_store(request)
    user = current_membership(request).user
    filters = ListFilters.from_query(request.GET)
    before, after = selectors.neighbours(store, user, filters, conversation)
    events = decorate(list(selectors.history(conversation)))
    return {
        **_base_context(request, "list"),
        "conversation": conversation,
        "who": _who(conversation),
        "events": events,
        "last_seq": conversation.last_seq,
        "form": form or ReplyForm(),
        "snooze_form": SnoozeForm(),
        "team": selectors.team_members(store),
        "labels": selectors.labels(store),
        "conversation_labels": set(conversation.labels.values_list("pk", flat=True)),
        "priorities": Priority.choices,
        "previous": selectors.previous_conversations(conversation),
        "orders": _orders(store, conversation),
        "canned": _canned_data(request, conversation),
        "status_labels": {value: str(label) for value, label in STATUS_LABELS.items()},
        "filters": filters,
        "query": filters.as_query(),
        "before": before,
        "after": after,
    }


@store_view()
@require_GET
def conversation(request: HttpRequest, conversation_id: int) -> HttpResponse:
    found = _conversation(request, conversation_id)
    return render(request, "inbox/conversation.html", _conversation_context(request, found))


@store_view()
@require_GET
def events_after(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """The events after `?after=N`, rendered like the page's own: the live view appends them."""
    found = _conversation(request, conversation_id)
    try:
        after = max(0, int(request.GET.get("after", "0")))
    except ValueError:
        after = 0
    events = decorate(list(selectors.history(found).filter(seq__gt=after)[:500]))
    context = {
        "events": events,
        "conversation": found,
        "store": current_store(request),
        "who": _who(found),
    }
    response = render(request, "inbox/_events.html", context)
    response["X-Last-Seq"] = str(events[-1].seq if events else after)
    response["X-Visitor-Read"] = str(found.visitor_read_seq)
    response["X-Visitor-Delivered"] = str(found.visitor_delivered_seq)
    return response


def _back(request: HttpRequest, conversation: Conversation) -> HttpResponse:
    url = inbox_url("conversation", current_store(request), conversation_id=conversation.pk)
    query = request.POST.get("list", "")
    return redirect(f"{url}?{query}" if query else url)


def _refuse(request: HttpRequest, error: ValidationError | PermissionDenied) -> None:
    text = " ".join(getattr(error, "messages", [str(error)])) or _("This cannot be done.")
    messages.error(request, text)


@store_view()
@require_POST
def reply(request: HttpRequest, conversation_id: int) -> HttpResponse:
    from dukkan.support import services as support

    found = _conversation(request, conversation_id)
    user = current_membership(request).user
    form = ReplyForm(request.POST, request.FILES)
    wants_json = request.headers.get("X-Requested-With") == "fetch"
    if not form.is_valid():
        if wants_json:
            return JsonResponse({"error": _form_errors(form)}, status=400)
        context = _conversation_context(request, found, form)
        return render(request, "inbox/conversation.html", context, status=400)
    body = form.cleaned_data["body"].strip()
    try:
        attachment = None
        upload = form.cleaned_data.get("attachment")
        client_id = request.POST.get("client_id", "")[:64]
        if form.cleaned_data["kind"] == "note":
            if upload is not None:
                raise ValidationError(_("Files go with replies; a note is text only."))
            posted = support.post_note(found, author=user, body=body, client_id=client_id)
        else:
            if upload is not None:
                attachment = support.save_attachment(found.store, upload, user=user)
            posted = support.post_message(
                found,
                author_kind="agent",
                author=user,
                body=body,
                client_id=client_id,
                attachment=attachment,
            )
    except (ValidationError, PermissionDenied) as error:
        text = " ".join(getattr(error, "messages", [str(error)]))
        if wants_json:
            return JsonResponse({"error": text}, status=400)
        form.add_error(None, text)
        context = _conversation_context(request, found, form)
        return render(request, "inbox/conversation.html", context, status=400)
    if wants_json:
        return JsonResponse({"seq": posted.event.seq, "duplicate": not posted.created})
    return _back(request, found)


def _form_errors(form: ReplyForm) -> str:
    return " ".join(str(message) for errors in form.errors.values() for message in errors)


def _member(store: Store, user_id: str) -> User | None:
    if not user_id:
        return None
    try:
        membership = scoped(Membership, store).select_related("user").get(user_id=int(user_id))
    except (Membership.DoesNotExist, ValueError):
        raise ValidationError(_("Choose a member of this store's team.")) from None
    return membership.user


@store_view()
@require_POST
def assign(request: HttpRequest, conversation_id: int) -> HttpResponse:
    from dukkan.support import services as support

    store = current_store(request)
    found = _conversation(request, conversation_id)
    try:
        assignee = _member(store, request.POST.get("assignee", ""))
        support.assign(found, assignee=assignee, actor=current_membership(request).user)
    except (ValidationError, PermissionDenied) as error:
        _refuse(request, error)
    return _back(request, found)


@store_view()
@require_POST
def set_status(request: HttpRequest, conversation_id: int) -> HttpResponse:
    from dukkan.support import services as support

    found = _conversation(request, conversation_id)
    user = current_membership(request).user
    status = request.POST.get("status", "")
    try:
        if status == Status.SNOOZED:
            form = SnoozeForm(request.POST)
            # The time the agent picked is the store's local time.
            with timezone.override(found.store.time_zone):
                valid = form.is_valid()
            if not valid:
                raise ValidationError(_("Choose when the conversation should come back."))
            support.snooze(found, until=form.cleaned_data["until"], actor=user)
        elif status in (Status.OPEN, Status.PENDING, Status.RESOLVED):
            support.set_status(found, status, actor=user)
        else:
            raise ValidationError(_("Choose a status from the list."))
    except (ValidationError, PermissionDenied) as error:
        _refuse(request, error)
    return _back(request, found)


@store_view()
@require_POST
def set_priority(request: HttpRequest, conversation_id: int) -> HttpResponse:
    from dukkan.support import services as support

    found = _conversation(request, conversation_id)
    try:
        priority = int(request.POST.get("priority", ""))
        if priority not in Priority.values:
            raise ValueError
        support.set_priority(found, priority, actor=current_membership(request).user)
    except ValueError:
        messages.error(request, _("Choose a priority from the list."))
    except (ValidationError, PermissionDenied) as error:
        _refuse(request, error)
    return _back(request, found)


@store_view()
@require_POST
def set_labels(request: HttpRequest, conversation_id: int) -> HttpResponse:
    from dukkan.support import services as support

    store = current_store(request)
    found = _conversation(request, conversation_id)
    try:
        ids = [int(value) for value in request.POST.getlist("labels")]
    except ValueError:
        ids = []
    chosen = list(scoped(Label, store).filter(pk__in=ids))
    new_name = request.POST.get("new_label", "").strip()
    try:
        if new_name:
            chosen.append(support.create_label(store, new_name))
        support.set_labels(found, chosen, actor=current_membership(request).user)
    except (ValidationError, PermissionDenied) as error:
        _refuse(request, error)
    return _back(request, found)


@store_view()
@require_POST
def mark_read(request: HttpRequest, conversation_id: int) -> JsonResponse:
    """The agent has seen the conversation up to `seq` (the page calls this when it shows them)."""
    from dukkan.support import services as support

    found = _conversation(request, conversation_id)
    try:
        seq = int(request.POST.get("seq", ""))
    except ValueError:
        return JsonResponse({"error": _("seq must be a whole number.")}, status=400)
    seq = min(seq, found.last_seq)
    try:
        support.mark_read(found, side="agent", seq=seq, user=current_membership(request).user)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse({"read": seq})


def _period_label(days: int) -> str:
    text = ngettext("Last %(days)s day", "Last %(days)s days", days) % {"days": days}
    return localize_digits(text, (get_language() or "en").split("-")[0])


@store_view()
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    try:
        days = int(request.GET.get("days", "30"))
    except ValueError:
        days = 30
    days = days if days in (7, 30, 90) else 30
    context = {
        **_base_context(request, "figures"),
        "figures": selectors.figures(store, days=days),
        "days": days,
        "periods": [(period, _period_label(period)) for period in (7, 30, 90)],
    }
    return render(request, "inbox/figures.html", context)
