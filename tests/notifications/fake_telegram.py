"""A fake Telegram Bot API on 127.0.0.1, for tests (there is no internet here).

It answers `getUpdates` from updates the test pushes and `sendMessage` from a script of
answers (429 with retry_after, 500, …; `ok` once the script runs out), and records every
call it got.
"""

from __future__ import annotations

import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeBotApi:
    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.script: list[tuple[int, dict[str, Any]]] = []
        self.updates: list[dict[str, Any]] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                payload = json.loads(self.rfile.read(length) or b"{}")
                prefix = f"/bot{fake.token}/"
                if not self.path.startswith(prefix):
                    self._answer(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                    return
                status, body = fake.answer(self.path.removeprefix(prefix), payload)
                self._answer(status, body)

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FakeBotApi:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def answer(self, method: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.calls.append((method, payload))
            if method == "getUpdates":
                offset = int(payload.get("offset") or 0)
                return 200, {
                    "ok": True,
                    "result": [u for u in self.updates if u["update_id"] >= offset],
                }
            if method == "sendMessage":
                if self.script:
                    return self.script.pop(0)
                return 200, {"ok": True, "result": {"message_id": len(self.calls), **payload}}
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}

    # What the test does and sees

    def push(
        self,
        chat_id: int,
        *,
        text: str | None = None,
        contact: dict[str, Any] | None = None,
        from_id: int | None = None,
    ) -> None:
        message: dict[str, Any] = {
            "message_id": next(self._ids),
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": from_id or chat_id, "is_bot": False, "first_name": "Test"},
            "date": 1_767_000_000,
        }
        if text is not None:
            message["text"] = text
        if contact is not None:
            message["contact"] = contact
        with self._lock:
            self.updates.append({"update_id": 1000 + len(self.updates), "message": message})

    def fail_next(self, status: int, **body: Any) -> None:
        self.script.append((status, {"ok": False, "error_code": status, **body}))

    def messages(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """Every sendMessage call received (answered or not), in order."""
        return [
            p
            for m, p in self.calls
            if m == "sendMessage" and (chat_id is None or p["chat_id"] == chat_id)
        ]
