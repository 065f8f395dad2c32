"""Canned replies: filling their {variables} from the conversation's contact, store and agent.

Only the four names below are replaced; anything else in braces stays as typed, so a reply that
mentions "{curly}" text or a JSON snippet is never broken, and a missing value becomes empty.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

VARIABLES = ("name", "email", "store", "agent")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(VARIABLES) + r")\}")


def fill(body: str, values: Mapping[str, str]) -> str:
    """`body` with {name}, {email}, {store} and {agent} replaced by `values` (missing: empty)."""
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), "") or "", body)


def first_name(full_name: str) -> str:
    """The first word of a name, for a friendlier greeting ("Hello Noura")."""
    return full_name.split()[0] if full_name.split() else ""
