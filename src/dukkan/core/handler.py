"""An ASGI handler that runs Django's sync middleware and views in one hop per request.

Django's stock ASGI handler adapts every sync middleware separately: with a dozen
middleware that is some twenty event-loop/thread round trips per request, plus a new
thread per request, which costs milliseconds of CPU. Here the whole sync chain runs in
one call on a long-lived thread pool, so each pool thread also keeps its own persistent
database connection (CONN_MAX_AGE), as under a threaded WSGI server.

Paths that need the async chain (static files: servestatic's middleware is async-only;
any prefix in DUKKAN_ASYNC_PATH_PREFIXES, for async views such as long-polls) go through
Django's stock handler, with every middleware.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Any

from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.base import BaseHandler
from django.http import HttpResponseBase
from django.test.utils import override_settings
from django.urls import set_script_prefix
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[Mapping[str, Any]]]
Send = Callable[[Mapping[str, Any]], Awaitable[None]]

# Async-only middleware that only ever answers the paths sent to the stock handler.
EDGE_ONLY_MIDDLEWARE = frozenset({"servestatic.middleware.ServeStaticMiddleware"})


def _pool_size() -> int:
    # Python's default for I/O-bound pools; each thread holds at most one DB connection.
    return min(32, (os.cpu_count() or 1) + 4)


def sync_chain_middleware() -> list[str] | None:
    """The middleware for the one-hop chain, or None when one of them cannot run sync."""
    chain = []
    for path in settings.MIDDLEWARE:
        if path in EDGE_ONLY_MIDDLEWARE:
            continue
        if not getattr(import_string(path), "sync_capable", True):
            return None
        chain.append(path)
    return chain


class OneHopASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        BaseHandler.__init__(self)
        self.stock = ASGIHandler()
        chain = sync_chain_middleware()
        self.enabled = chain is not None
        if chain is None:
            logger.warning("a middleware cannot run sync; every request takes the stock ASGI path")
        else:
            with override_settings(MIDDLEWARE=chain):
                self.load_middleware(is_async=False)
        self.stock_prefixes = (
            settings.STATIC_URL or "/static/",
            *getattr(settings, "DUKKAN_ASYNC_PATH_PREFIXES", ()),
        )
        self.executor = ThreadPoolExecutor(_pool_size(), thread_name_prefix="dukkan-http")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            not self.enabled
            or scope["type"] != "http"
            or scope["path"].startswith(self.stock_prefixes)
        ):
            await self.stock(scope, receive, send)
            return
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        loop = asyncio.get_running_loop()
        # Each pool thread keeps its own context, as a WSGI thread would: Django's
        # context-local state (the cache clients and their Redis connection pools) then
        # lives as long as the thread instead of being rebuilt for every request.
        response, closed = await loop.run_in_executor(
            self.executor, self._respond, scope, body_file
        )
        if closed:
            await self.send_response(response, send)
            return
        try:
            if not response.is_async:  # type: ignore[attr-defined]
                sync_content = iter(response.streaming_content)  # type: ignore[attr-defined]
                response.streaming_content = self._pull(sync_content)  # type: ignore[attr-defined]
            await self.send_response(response, send)
        finally:
            # A stream is finished (request_finished fires) only once its body is out.
            await loop.run_in_executor(self.executor, self._close, response, body_file)

    def _respond(self, scope: Scope, body_file: IO[bytes]) -> tuple[HttpResponseBase, bool]:
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, error_response = self.create_request(scope, body_file)
        if request is None:
            assert error_response is not None
            response = error_response
        else:
            response = self.get_response(request)
            response._handler_class = self.__class__  # type: ignore[attr-defined]
        if response.streaming:
            return response, False
        # A complete body needs nothing more from Django: finish it here (request_finished
        # recycles stale DB connections) and save a second trip to the pool.
        self._close(response, body_file)
        return response, True

    @staticmethod
    def _close(response: HttpResponseBase, body_file: IO[bytes]) -> None:
        try:
            response.close()
        finally:
            body_file.close()

    async def _pull(self, chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
        """Reads a sync streaming body chunk by chunk on the pool, never all at once."""
        loop = asyncio.get_running_loop()
        while True:
            chunk = await loop.run_in_executor(self.executor, next, chunks, None)
            if chunk is None:
                return
            yield chunk
