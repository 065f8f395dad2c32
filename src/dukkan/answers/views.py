"""The seller's answers pages (report and settings) and the inbox's suggested-articles calls."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dukkan.accounts.models import Role
from dukkan.accounts.permissions import current_membership, current_store, store_view
from dukkan.answers import selectors, services
from dukkan.answers.forms import AnswerSettingsForm, DraftForm
from dukkan.answers.models import AskedQuestion
from dukkan.core.tenancy import get_scoped_or_404
from dukkan.support.selectors import conversation_for_store


@store_view(Role.AGENT)
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    """Unanswered questions grouped by similarity, each with the team's reply to draft from."""
    store = current_store(request)
    groups = selectors.unanswered_groups(store)
    replies = selectors.replies_to(store, [q for g in groups for q in g.questions[:1]])
    context = {
        "store": store,
        "membership": current_membership(request),
        "rows": [(g, g.questions[0], replies.get(g.questions[0].pk, "")) for g in groups],
        "settings": selectors.settings_for(store),
        "figures": selectors.figures(store),
    }
    return render(request, "answers/report.html", context)


@store_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    store = current_store(request)
    current = selectors.settings_for(store)
    initial = {
        "enabled": current.enabled,
        "threshold": current.threshold,
        "policy": current.policy,
        "repeat_limit": current.repeat_limit,
        "window_hours": current.window_hours,
    }
    form = AnswerSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_settings(store, **form.cleaned_data)
        except ValidationError as invalid:
            for field, errors in invalid.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Answer settings saved."))
            return redirect("answers:settings", store_slug=store.slug)
    context = {"store": store, "membership": current_membership(request), "form": form}
    return render(request, "answers/settings.html", context, status=400 if form.errors else 200)


@store_view(Role.AGENT)
@require_POST
def make_draft(request: HttpRequest) -> HttpResponse:
    """One click: the team's reply to an unanswered question becomes a draft FAQ article."""
    store = current_store(request)
    form = DraftForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The draft needs a question and an answer."))
        return redirect("answers:report", store_slug=store.slug)
    question = get_scoped_or_404(AskedQuestion, store, pk=form.cleaned_data["question"])
    try:
        article = services.draft_from_reply(
            store,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            language=question.language or store.default_language,
            author=request.user,
        )
    except ValidationError as invalid:
        messages.error(request, " ".join(invalid.messages))
        return redirect("answers:report", store_slug=store.slug)
    services.dismiss_question(store, question.pk)
    messages.success(request, _("Draft article created: review and publish it."))
    return redirect(selectors.article_edit_url(store, article.pk))


@store_view(Role.AGENT)
@require_POST
def dismiss(request: HttpRequest, question_id: int) -> HttpResponse:
    store = current_store(request)
    get_scoped_or_404(AskedQuestion, store, pk=question_id)
    services.dismiss_question(store, question_id)
    messages.success(request, _("The question is off the report."))
    return redirect("answers:report", store_slug=store.slug)


def _conversation(request: HttpRequest, conversation_id: int):  # type: ignore[no-untyped-def]
    return conversation_for_store(current_store(request), conversation_id)


@store_view(Role.AGENT)
@require_GET
def suggested(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """The suggested-articles card of a conversation (reloaded by the inbox)."""
    conversation = _conversation(request, conversation_id)
    if conversation is None:
        return JsonResponse({"error": _("There is no such conversation.")}, status=404)
    context = selectors.inbox_suggestions(conversation)
    return render(request, "answers/_inbox_card.html", context)


@store_view(Role.AGENT)
@require_POST
def inserted(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """The agent inserted an article into a reply: keep the customer's question as one more
    phrasing of it, so the FAQ answers it next time."""
    store = current_store(request)
    conversation = _conversation(request, conversation_id)
    if conversation is None:
        return JsonResponse({"error": _("There is no such conversation.")}, status=404)
    try:
        article_id = int(request.POST.get("article_id", ""))
    except ValueError:
        return JsonResponse({"error": _("Say which article was inserted.")}, status=400)
    question = selectors.latest_question(conversation)
    learned = bool(question) and services.learn_phrasing(
        store, article_id=article_id, text=question, by=request.user
    )
    return JsonResponse({"ok": True, "learned": learned})
