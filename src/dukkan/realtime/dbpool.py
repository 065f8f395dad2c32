"""Database work of the async chat code, on a pool of threads that keep their connections."""

from __future__ import annotations

import asyncio
import functools
import os
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from django.db import close_old_connections, connection
from django.utils import translation

T = TypeVar("T")

# This process's name in `welcome` frames and presence rows.
SERVER_ID = f"{os.uname().nodename}-{os.getpid()}-{secrets.token_hex(3)}"

_executor = ThreadPoolExecutor(min(16, (os.cpu_count() or 1) + 6), thread_name_prefix="dukkan-chat")


def _call(function: Callable[..., T], language: str, args: Any, kwargs: Any) -> T:
    if connection.vendor != "sqlite":
        # Recycle broken or too-old connections (CONN_MAX_AGE keeps healthy ones).
        close_old_connections()
    try:
        with translation.override(language):
            return function(*args, **kwargs)
    except Exception:
        if connection.connection is not None and not connection.is_usable():
            connection.close()
        raise


async def run_db(function: Callable[..., T], *args: Any, language: str = "en", **kwargs: Any) -> T:
    """Run sync ORM code on the chat pool and wait for it without blocking the event loop."""
    loop = asyncio.get_running_loop()
    # No context copy: each pool thread keeps its own context, hence its own database
    # connection and cache clients, for as long as it lives (see core/handler.py).
    call = functools.partial(_call, function, language, args, kwargs)
    return await loop.run_in_executor(_executor, call)
