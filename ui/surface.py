"""The public surface: only what the families' page and ``/ask`` need reach Gradio.

Gradio serves far more than the page uses: file uploads and downloads, every event by name through
``/gradio_api/run/<name>``, an OpenAPI description, monitoring. ``PublicSurface`` is an allow-list in
front of it. The page's own files, its configuration, the queue it talks through (for the events of
this page only, with the number of values each expects) and ``/ask`` by name pass; everything else
gets 404. Request bodies that do pass are checked first, so malformed input gets a clear 400 rather
than a traceback: JSON nested deeper than ``MAX_DEPTH``, text that is not valid Unicode (a lone
surrogate), the wrong number of values. A call to ``/ask`` may leave out its trailing arguments:
their defaults are filled in, since Gradio itself insists on every value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_DEPTH = 32  # the deepest JSON any public call needs is 4
NOT_FOUND = "There is nothing here. The assistant is at the address's home page."
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_PAGE_FILES = re.compile(r"^/(?:assets|static)/[\w./-]+$")
_HEARTBEAT = re.compile(r"^/gradio_api/heartbeat/[\w-]{1,64}/?$")


class BadRequest(ValueError):
    """The request's body can't be used; the message says why, in plain words."""


@dataclass(frozen=True)
class Endpoint:
    """A named API endpoint: the default of each argument (a call may leave out the last ones), and a check."""

    defaults: list[Any]
    check: Callable[[list[Any]], None] = lambda data: None  # raises BadRequest


@dataclass(frozen=True)
class Surface:
    """What may be called: the page's events (fn index -> number of inputs) and named API endpoints."""

    events: Mapping[int, int]
    api: Mapping[str, Endpoint] = field(default_factory=dict)
    pages: frozenset[str] = frozenset({"/", "/config", "/gradio_api/info", "/theme.css", "/favicon.ico"})

    def allows(self, method: str, path: str) -> str | None:
        """The kind of request it is ('page', 'queue', 'api:<name>', ...), or None: not found."""
        if method in ("GET", "HEAD"):
            if path in self.pages or path.rstrip("/") in self.pages or _PAGE_FILES.match(path):
                return "page"
            if _HEARTBEAT.match(path) or path == "/gradio_api/queue/data":
                return "page"
            for name in self.api:  # the result stream of a call: /gradio_api/call/ask/<event id>
                if re.fullmatch(rf"/gradio_api/call/{re.escape(name)}/[\w-]{{1,64}}", path):
                    return "page"
            return None
        if method != "POST":
            return None
        if path.rstrip("/") in ("/gradio_api/queue/join", "/gradio_api/cancel"):
            return "queue"
        for name in self.api:
            if path.rstrip("/") in (f"/gradio_api/run/{name}", f"/gradio_api/call/{name}"):
                return f"api:{name}"
        return None


def loads(body: bytes, max_depth: int = MAX_DEPTH) -> Any:
    """JSON, refusing deep nesting before the parser recurses into it, and text that isn't valid Unicode."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("The request is not valid UTF-8 text.") from None
    depth = deepest = 0
    for char in _STRING.sub(b'""', body):
        if char in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in b"]}":
            depth -= 1
    if deepest > max_depth:
        raise BadRequest(f"The request is nested {deepest} levels deep; at most {max_depth} are accepted.")
    try:
        data = json.loads(text or "null")
    except (ValueError, RecursionError):
        raise BadRequest("The request is not valid JSON.") from None
    _check_text(data)
    return data


def _check_text(data: Any) -> None:
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise BadRequest("The text holds a character that isn't valid Unicode (a lone surrogate).") from None
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def checked_body(kind: str, body: bytes, surface: Surface) -> bytes:
    """The body to pass on (for /ask, with its defaults filled in), or BadRequest."""
    payload = loads(body)
    if not isinstance(payload, dict):
        raise BadRequest('The request must be a JSON object such as {"data": [...]}.')
    if kind == "queue":
        index = payload.get("fn_index")
        if not isinstance(index, int) or isinstance(index, bool) or index not in surface.events:
            raise BadRequest("There is no such event on this page.")
        data = payload.get("data")
        if "data" in payload and (not isinstance(data, list) or len(data) != surface.events[index]):
            raise BadRequest(f"This event takes {surface.events[index]} value(s).")
        return body
    name = kind.split(":", 1)[1]
    endpoint = surface.api[name]
    data, defaults = payload.get("data"), endpoint.defaults
    if not isinstance(data, list) or not 1 <= len(data) <= len(defaults):
        raise BadRequest(f'/{name} takes 1 to {len(defaults)} values in "data".')
    if not all(isinstance(v, str) or v is None for v in data):
        raise BadRequest(f"/{name} takes text values.")
    endpoint.check(data)
    payload["data"] = data + defaults[len(data) :]
    return json.dumps(payload).encode()


class PublicSurface:
    """ASGI middleware: the allow-list, and the checks on what passes it."""

    def __init__(
        self,
        app: ASGIApp,
        surfaces: Callable[[], Mapping[str, Surface]],
        routes: frozenset[tuple[str, str]] = frozenset(),
    ) -> None:
        """``surfaces``: each mounted page's surface by its path prefix ("" for the families' page at "/"),
        read per request since the events are known once the app is built; ``routes``: (method, path)
        pairs of the app's own that pass unchecked (the staff sign-in page, say)."""
        self.app = app
        self.surfaces = surfaces
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        method, path = str(scope.get("method", "")), str(scope.get("path", ""))
        if (method, path) in self.routes or (method == "HEAD" and ("GET", path) in self.routes):
            await self.app(scope, receive, send)
            return
        prefix = max((p for p in self.surfaces() if path == p or path.startswith(p + "/")), key=len, default=None)
        surface = self.surfaces()[prefix] if prefix is not None else None
        kind = surface.allows(method, path[len(prefix) :] or "/") if surface is not None else None
        if kind is None:
            await reply(send, 404, NOT_FOUND)
            return
        if kind == "page":
            await self.app(scope, receive, send)
            return
        body, complete = await read_body(receive)
        if not complete:
            return  # the client went away (or the size cap cut it off, which answers for itself)
        try:
            body = checked_body(kind, body, surface)
        except BadRequest as err:
            await reply(send, 400, str(err))
            return
        headers = [(k, v) for k, v in scope.get("headers", []) if k != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await self.app({**scope, "headers": headers}, replay([{"type": "http.request", "body": body}], receive), send)


async def read_body(receive: Receive) -> tuple[bytes, bool]:
    body = b""
    while True:
        message = await receive()
        if message.get("type") != "http.request":
            return body, False
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body, True


def replay(messages: list[Message], then: Receive) -> Receive:
    """A ``receive`` that gives these messages first, then the client's own (a disconnect, say)."""
    pending = list(messages)

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        return await then()

    return receive


async def reply(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
