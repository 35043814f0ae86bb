"""Two small pieces of ASGI middleware around the app: a size cap and security headers.

``BodyLimit``: a cap on HTTP request bodies, checked before anything is read into memory. A body
announced as larger than the cap (Content-Length) gets 413 and a plain message at once; a body sent
without a length is counted as it arrives and the request is cut off at the cap,
so a 50 MB question never sits in memory. Pure ASGI, so it wraps Gradio's FastAPI app as
middleware (``launch(app_kwargs={"middleware": [...]})``).

``SecurityHeaders``: every response says what the page may load and do (a Content-Security-Policy
that allows only the page's own scripts, styles, images and connections), that no other site may
frame it, that types are not to be guessed, and that no referrer is sent.
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


def csp(scripts: str) -> str:
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "media-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


# Gradio's page configures itself with an inline script, and so does ours (ui/head.html). The staff area's
# charts (Gradio's plots draw with Vega, which compiles expressions) also need eval: only there, behind sign-in.
CSP = csp("'self' 'unsafe-inline'")
STAFF_CSP = csp("'self' 'unsafe-inline' 'unsafe-eval'")
HEADERS = (
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


class SecurityHeaders:
    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], eval_prefix: str = "/staff/") -> None:
        """``eval_prefix``: the paths whose pages may use eval (the staff area's charts)."""
        self.app = app
        self.eval_prefix = eval_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return

        policy = STAFF_CSP if str(scope.get("path", "")).startswith(self.eval_prefix) else CSP
        headers = [(b"content-security-policy", policy.encode()), *HEADERS]

        async def with_headers(message: Message) -> None:
            if message.get("type") == "http.response.start":
                names = {name for name, _ in headers}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": kept + headers}
            await send(message)

        await self.app(scope, receive, with_headers)
