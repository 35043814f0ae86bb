"""The staff area: its own page at ``/staff``, reached only by signing in.

It is a second Gradio Blocks mounted beside the families' page, with Gradio's ``auth_dependency``:
every one of its routes (the page, its configuration, its queue, its events) asks ``StaffSignIn.user``
first and gets 401 without a signed-in session. Signing in is a plain form at ``/staff/login``; the
session is a signed, HttpOnly, SameSite=Strict cookie that only ``/staff`` paths receive, so nothing the
browser chooses (Gradio's session id, say) can stand in for it.
"""

from __future__ import annotations

import asyncio
import html
from pathlib import Path
from string import Template
from typing import Any

import gradio as gr
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from feedback.store import FeedbackStore
from ui import texts
from ui.wording import WordingSearch, build_tab

PREFIX = "/staff"
LOGIN, LOGOUT = f"{PREFIX}/login", f"{PREFIX}/logout"
SESSION_KEY = "staff_user"
FAILED_DELAY = 1.0  # seconds before a wrong password is answered
_FORM = Path(__file__).with_name("signin.html")


class StaffSignIn:
    """Who may sign in (passwords held only as argon2 hashes) and who is signed in."""

    def __init__(self, accounts: dict[str, str]) -> None:
        """``accounts``: user name -> argon2 hash."""
        self.accounts = accounts
        self.hasher = PasswordHasher()
        self._dummy = self.hasher.hash("no such user")  # a wrong name costs as much time as a wrong password

    @classmethod
    def from_password(cls, password: str) -> StaffSignIn:
        """One account, ``staff``, from LOA_STAFF_PASSWORD; none when it is empty."""
        return cls({"staff": PasswordHasher().hash(password)} if password else {})

    def verify(self, username: str, password: str) -> bool:
        stored = self.accounts.get(username)
        try:
            return self.hasher.verify(stored or self._dummy, password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False

    @staticmethod
    def user(request: Request) -> str | None:
        """The signed-in user of this request, or None (Gradio's auth_dependency)."""
        return _session_user(request.scope)


class StaffGate:
    """ASGI middleware: under /staff, only the sign-in routes and Gradio's own static files answer a stranger.

    It sits inside Starlette's SessionMiddleware, so the session is already read; Gradio's
    ``auth_dependency`` checks every route again behind it. The page itself sends a stranger to sign in.
    """

    OPEN = (LOGIN, LOGOUT, PREFIX)
    ASSETS = (f"{PREFIX}/assets/", f"{PREFIX}/static/", f"{PREFIX}/theme.css", f"{PREFIX}/favicon.ico")

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        path = str(scope.get("path", ""))
        inside = scope.get("type") == "http" and path.startswith(PREFIX + "/")
        if not inside or path in self.OPEN or path.startswith(self.ASSETS) or _session_user(scope):
            await self.app(scope, receive, send)
            return
        if scope.get("method") == "GET" and path == PREFIX + "/":
            reply: Response = RedirectResponse(LOGIN, status_code=303)
        else:
            reply = JSONResponse({"error": texts.WORDING_LOCKED}, status_code=401)
        await reply(scope, receive, send)


def _session_user(scope: dict) -> str | None:
    user = (scope.get("session") or {}).get(SESSION_KEY)
    return user if isinstance(user, str) and user else None


def signin_page(message: str = "", ok: bool = False, username: str = "", intro: str = texts.SIGNIN_INTRO) -> str:
    note = f'<p class="message{" ok" if ok else ""}" role="alert">{html.escape(message)}</p>' if message else ""
    return Template(_FORM.read_text(encoding="utf-8")).substitute(
        intro=html.escape(intro), message=note, action=LOGIN, username=html.escape(username), home="/"
    )


def add_signin_routes(app: FastAPI, signin: StaffSignIn) -> None:
    """GET and POST /staff/login, POST /staff/logout, and /staff itself sending a stranger to sign in."""

    @app.get(LOGIN, include_in_schema=False)
    def login_form(request: Request) -> Response:
        if signin.user(request):
            return RedirectResponse(f"{PREFIX}/", status_code=303)
        closed = not signin.accounts
        return HTMLResponse(signin_page(texts.SIGNIN_CLOSED if closed else ""))

    @app.post(LOGIN, include_in_schema=False)
    async def login(request: Request) -> Response:
        form = await request.form()
        username, password = str(form.get("username") or "")[:100], str(form.get("password") or "")[:200]
        if signin.verify(username, password):
            request.session.clear()
            request.session[SESSION_KEY] = username
            return RedirectResponse(f"{PREFIX}/", status_code=303)
        await asyncio.sleep(FAILED_DELAY)
        return HTMLResponse(signin_page(texts.SIGNIN_FAILED, username=username), status_code=401)

    @app.get(LOGOUT, include_in_schema=False)  # the cookie is SameSite=Strict: no other site can sign anyone out
    @app.post(LOGOUT, include_in_schema=False)
    def logout(request: Request) -> Response:
        request.session.clear()
        return HTMLResponse(signin_page(texts.SIGNED_OUT, ok=True))

    @app.get(PREFIX, include_in_schema=False)
    def staff_home(request: Request) -> Response:
        return RedirectResponse(f"{PREFIX}/" if signin.user(request) else LOGIN, status_code=303)


def build_staff(bot: Any, store: FeedbackStore, max_input_chars: int) -> gr.Blocks:
    """The staff area's page: the exact-wording search and the feedback export."""
    search = WordingSearch(bot, store, max_input_chars)
    with gr.Blocks(title=texts.STAFF_TITLE, analytics_enabled=False) as page:
        with gr.Row(elem_classes="loa-signout"):
            gr.Button("Sign out", link=LOGOUT, size="md", scale=0, min_width=120)
        build_tab(search)
    return page
