"""Who gets a customer the bot handed over: the team of the customer's language, agents who
speak it first, then the inbox's own assignment rules (round-robin within capacities).

`assign` is what the inbox's auto-assignment calls for a new or waiting conversation.
"""

from __future__ import annotations

from collections.abc import Iterable

from dukkan.accounts.models import User
from dukkan.answerbot import selectors
from dukkan.answerbot.models import BotSession
from dukkan.core.tenancy import scoped
from dukkan.support.models import Conversation


def candidate_groups(conversation: Conversation, online: list[int]) -> list[list[int]]:
    """Online agent ids in the order routing tries them: the team's members who speak the
    customer's language, anyone who speaks it, the team, everyone online."""
    store = conversation.store
    language = (conversation.language or conversation.visitor.language or "")[:2]
    session = scoped(BotSession, store).filter(conversation=conversation).first()
    team = (
        session.team
        if session and session.team_id
        else selectors.team_for_language(store, language)
    )
    speaks = {uid for uid, langs in selectors.agent_languages(store).items() if language in langs}
    members = set(team.members.values_list("pk", flat=True)) if team else set()
    groups = [
        [uid for uid in online if uid in members and uid in speaks],
        [uid for uid in online if uid in speaks],
        [uid for uid in online if uid in members],
        list(online),
    ]
    seen: list[list[int]] = []
    for group in groups:
        if group and group not in seen:
            seen.append(group)
    return seen


def assign(conversation_id: int, online_user_ids: Iterable[int]) -> User | None:
    """Assign a waiting conversation by team and language, then the inbox's rules; None when
    the bot still holds it or nobody suitable has room."""
    from dukkan.inbox.assignment import auto_assign

    conversation = (
        Conversation.objects.select_related("store", "visitor").filter(pk=conversation_id).first()
    )
    if conversation is None or selectors.held_by_bot(conversation):
        return None
    for group in candidate_groups(conversation, list(online_user_ids)):
        agent = auto_assign(conversation_id, group)
        if agent is not None:
            return agent
    return None
