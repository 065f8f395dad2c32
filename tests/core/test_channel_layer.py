from __future__ import annotations

import pytest
from channels.layers import get_channel_layer
from django.conf import settings


def test_layer_follows_redis_url() -> None:
    backend = settings.CHANNEL_LAYERS["default"]["BACKEND"]
    if settings.REDIS_URL:
        assert backend == "channels_redis.pubsub.RedisPubSubChannelLayer"
    else:
        assert backend == "channels.layers.InMemoryChannelLayer"


async def test_group_message_reaches_a_member_through_the_configured_layer() -> None:
    sender = get_channel_layer()
    receiver = get_channel_layer()
    assert sender is not None
    assert receiver is not None
    channel = await receiver.new_channel()
    await receiver.group_add("store-1-agents", channel)
    try:
        await sender.group_send("store-1-agents", {"type": "chat.message", "text": "سلام"})
        message = await receiver.receive(channel)
    finally:
        await receiver.group_discard("store-1-agents", channel)
    assert message == {"type": "chat.message", "text": "سلام"}


@pytest.mark.skipif(
    not settings.REDIS_URL,
    reason="runs in the PostgreSQL + Redis pass of CI, where REDIS_URL is set",
)
async def test_two_separate_redis_layers_deliver_across_processes() -> None:
    """Two layer instances share nothing in memory: only Redis can carry the message."""
    from channels_redis.pubsub import RedisPubSubChannelLayer

    web_a = RedisPubSubChannelLayer(hosts=[settings.REDIS_URL])
    web_b = RedisPubSubChannelLayer(hosts=[settings.REDIS_URL])
    channel = await web_b.new_channel()
    await web_b.group_add("conversation-42", channel)
    try:
        await web_a.group_send("conversation-42", {"type": "chat.message", "seq": 7})
        message = await web_b.receive(channel)
    finally:
        await web_b.group_discard("conversation-42", channel)
        await web_a.flush()
        await web_b.flush()
    assert message == {"type": "chat.message", "seq": 7}
