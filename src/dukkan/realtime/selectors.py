"""Reads of the realtime layer (presence); see `presence` for how it is kept."""

from __future__ import annotations

from dukkan.realtime.presence import agent_status, online_agents, statuses

__all__ = ["agent_status", "online_agents", "statuses"]
