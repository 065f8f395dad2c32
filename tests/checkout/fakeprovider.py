"""A real local HTTP server standing in for a payment provider's API (never the network).

It answers recorded responses (the fixtures, built from the providers' public documentation)
and keeps every request it got, so a test can check what the adapter sent.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.processes import free_port

FIXTURES = Path(__file__).parent / "fixtures"
PORTS = range(18600, 18700)


def fixture(name: str, **replace: str) -> dict[str, Any]:
    text = (FIXTURES / name).read_text()
    for old, new in replace.items():
        text = text.replace(old, new)
    data: dict[str, Any] = json.loads(text)
    return data


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


Responder = Callable[[Seen], tuple[int, Any]]


@dataclass
class FakeProvider:
    routes: list[tuple[str, re.Pattern[str], Responder]] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    url: str = ""

    def on(self, method: str, pattern: str, answer: Responder | tuple[int, Any]) -> None:
        responder = answer if callable(answer) else (lambda _seen, a=answer: a)
        self.routes.insert(0, (method, re.compile(pattern + "$"), responder))

    def requests(self, path_part: str) -> list[Seen]:
        return [s for s in self.seen if path_part in s.path]


def serve() -> Iterator[FakeProvider]:
    fake = FakeProvider()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            seen = Seen(
                self.command, self.path, dict(self.headers.items()), self.rfile.read(length)
            )
            fake.seen.append(seen)
            path = self.path.split("?")[0]
            for method, pattern, responder in fake.routes:
                if method == self.command and pattern.match(path):
                    status, body = responder(seen)
                    break
            else:
                status, body = 404, {"error": "no route"}
            payload = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header(
                "Content-Type",
                "application/x-pem-file" if isinstance(body, bytes) else "application/json",
            )
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _handle

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port(PORTS)), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
