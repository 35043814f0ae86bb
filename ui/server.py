"""The web server: the families' page at ``/``, the staff area at ``/staff``, and what guards them.

One FastAPI app with two Gradio Blocks mounted on it. Around them, outermost first:
``SecurityHeaders`` (every response, errors included), ``BodyLimit`` (1 MB before anything is
read), Starlette's ``SessionMiddleware`` (the staff sign-in's cookie, only for ``/staff``),
``StaffGate`` (nothing under ``/staff`` without a signed-in session), ``PublicSurface`` (the allow-list
and its input checks) and CORS closed to other sites. It runs
on uvicorn with logging left to ui/logs.py.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import gradio as gr
import uvicorn
from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.sessions import SessionMiddleware

from feedback.db import Database
from feedback.questions import QuestionLog
from feedback.store import FeedbackStore
from loa.settings import Settings
from ui import HEAD, STYLE
from ui.api import check_ask
from ui.family import build_family, events, theme
from ui.http import BodyLimit, SecurityHeaders
from ui.staff import LOGIN, LOGOUT, PREFIX, StaffGate, add_signin_routes, build_staff, user_of
from ui.staff_auth import StaffSignIn, load_accounts, shared_secret
from ui.surface import Endpoint, PublicSurface, Surface

DEFAULT_CONCURRENCY = 4  # other events (feedback, clearing)
HEALTH = "/healthz"
QUEUE_SIZE = 64  # beyond this, people are asked to try again shortly


def _mount_options(settings: Settings) -> dict[str, Any]:
    """What each page shares: Gradio's look and our script, and none of its optional surfaces."""
    return {
        "footer_links": ["api"],
        "run_history": False,  # questions are not kept in the browser
        "show_error": False,
        "ssr_mode": False,
        "pwa": False,
        "mcp_server": False,
        "enable_monitoring": False,
        "theme": theme(),
        "css_paths": [STYLE],
        "head": HEAD.read_text(encoding="utf-8"),
        "server_name": settings.host,
        "server_port": settings.port,
        # Gradio 6.31's screen-reader status says "common.complete": its English text is missing
        "i18n": gr.I18n(en={"common.complete": "Done.", "common.error": "Something went wrong."}),
    }


def build_server(bot: Any, settings: Settings, store: FeedbackStore | None = None) -> FastAPI:
    """The whole app around one loaded bot. ``store`` defaults to the settings' database."""
    store = store or FeedbackStore(settings.database)
    db = Database.open(settings.database)
    accounts = load_accounts(settings.staff_password, settings.staff_accounts)
    signin = StaffSignIn(accounts, db, settings.staff_session_hours)
    questions = QuestionLog.from_settings(settings, bot.retriever.embed_query)
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    add_health_route(app, bot, db)
    family = build_family(bot, settings.max_input_chars, store, questions)
    staff = build_staff(bot, store, settings.max_input_chars, signin, questions)
    for page in (family, staff):
        page.queue(default_concurrency_limit=DEFAULT_CONCURRENCY, max_size=QUEUE_SIZE)
    add_signin_routes(app, signin)
    options = _mount_options(settings)
    gr.mount_gradio_app(app, staff, path=PREFIX, auth_dependency=lambda r: user_of(signin, r), **options)
    gr.mount_gradio_app(app, family, path="/", **options)
    ask = Endpoint(defaults=[None, "[]"], check=check_ask)  # the question, then the history
    surfaces = {"": Surface(events(family), api={"ask": ask}), PREFIX: Surface(events(staff))}
    routes = frozenset(
        {("GET", LOGIN), ("POST", LOGIN), ("GET", LOGOUT), ("POST", LOGOUT), ("GET", PREFIX), ("GET", HEALTH)}
    )
    # add_middleware puts each one outside the ones before it: this list runs from the inside out
    app.add_middleware(CORSMiddleware, allow_origins=[], allow_credentials=False)
    app.add_middleware(PublicSurface, surfaces=lambda: surfaces, routes=routes)
    app.add_middleware(StaffGate, signin=signin)
    app.add_middleware(
        SessionMiddleware,
        secret_key=shared_secret(db, settings.session_secret),
        session_cookie="loa_staff",
        path=PREFIX,
        same_site="strict",
        https_only=settings.https_only,
        max_age=settings.staff_session_hours * 3600,
    )
    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(SecurityHeaders)
    return app


def add_health_route(app: FastAPI, bot: Any, db: Database) -> None:
    """GET /healthz: whether the index and the database can be reached (for a load balancer): 200 or 503."""
    from fastapi.responses import JSONResponse
    from starlette.concurrency import run_in_threadpool

    def check() -> dict[str, bool]:
        try:
            index = bool(bot.retriever.passages) and bot.search("portage") is not None
        except Exception:  # noqa: BLE001 - an unreachable index server is what this reports
            index = False
        return {"index": index, "database": db.healthy()}

    @app.get(HEALTH, include_in_schema=False)
    async def healthz() -> JSONResponse:
        found = await run_in_threadpool(check)
        return JSONResponse({"ok": all(found.values()), **found}, status_code=200 if all(found.values()) else 503)


@dataclass
class Served:
    """A running server: its address, and how to stop it."""

    url: str
    server: uvicorn.Server
    thread: threading.Thread | None = None

    def close(self) -> None:
        self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(timeout=10)


def serve(app: FastAPI, settings: Settings, *, block: bool = True) -> Served:
    """Listen on settings.host:settings.port (loopback by default). ``block=False`` returns once it listens."""
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,  # records go to the root logger, whose filters redact them (ui/logs.py)
        access_log=False,
        ws="none",
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    url = f"http://{settings.host}:{settings.port}/"
    if block:
        server.run()
        return Served(url, server)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise OSError(f"the server could not listen on {settings.host}:{settings.port}")
        time.sleep(0.05)
    return Served(url, server, thread)
