"""Two small pieces of ASGI middleware around Gradio's FastAPI app.

``BodyLimit``: a cap on HTTP request bodies, checked before anything is read into memory. A body
announced as larger than the cap (Content-Length) gets 413 and a plain message at once; a body sent
without a length is counted as it arrives and the request is cut off at the cap,
so a 50 MB question never sits in memory. Pure ASGI, so it wraps Gradio's FastAPI app as
middleware (``launch(app_kwargs={"middleware": [...]})``).

``ApiDefaults``: a raw HTTP call to an API endpoint may leave out trailing arguments that have
defaults ("/gradio_api/call/ask" with the question alone); Gradio itself insists on every value,
so the defaults are filled in before it sees the request.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

MESSAGE = "This request is too large. Questions can be up to a few thousand characters; please shorten it."


class BodyLimit:
    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"")
        if length.isdigit() and int(length) > self.max_bytes:
            await _too_large(send)
            return
        seen = 0
        refused = False
        started = False

        async def counted() -> Message:
            nonlocal seen, refused
            message = await receive()
            if message.get("type") == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    refused = True
                    return {"type": "http.disconnect"}  # the app stops reading; nothing more is kept
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if refused and not started:
                return  # the app's own error for a disconnected client: ours goes instead
            started = started or message.get("type") == "http.response.start"
            await send(message)

        await self.app(scope, counted, watched)
        if refused and not started:
            await _too_large(send)


async def _too_large(send: Send) -> None:
    body = json.dumps({"error": MESSAGE}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


class ApiDefaults:
    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], defaults: dict[str, list]) -> None:
        """``defaults``: endpoint name -> the values of all its arguments, used where a call leaves them out."""
        self.app = app
        self.defaults = defaults

    def _endpoint(self, scope: Scope) -> list | None:
        if scope.get("type") != "http" or scope.get("method") != "POST":
            return None
        path = str(scope.get("path", "")).rstrip("/")
        for name, values in self.defaults.items():
            if path.endswith((f"/call/{name}", f"/run/{name}")):
                return values
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        values = self._endpoint(scope)
        if values is None:
            await self.app(scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            if message.get("type") != "http.request":
                await self.app(scope, _replay([message]), send)
                return
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        body = _filled(body, values)
        headers = [(k, v) for k, v in scope.get("headers", []) if k != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        replay = _replay([{"type": "http.request", "body": body, "more_body": False}], then=receive)
        await self.app({**scope, "headers": headers}, replay, send)


def _filled(body: bytes, values: list) -> bytes:
    """{"data": ["question"]} -> {"data": ["question", "[]"]}; anything else is passed on unchanged."""
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        return body
    data = payload.get("data") if isinstance(payload, dict) else None
    if isinstance(data, list) and len(data) < len(values):
        payload["data"] = data + values[len(data) :]
        return json.dumps(payload).encode()
    return body


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    pending = list(messages)

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive
