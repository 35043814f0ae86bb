"""The staff area: its own page at ``/staff``, reached only by signing in (ui/staff_auth.py).

It is a second Gradio Blocks mounted beside the families' page. ``StaffGate`` refuses every ``/staff``
request without a signed-in session before anything else reads it, and Gradio's ``auth_dependency``
checks each of the page's own routes again. Signing in is a plain form at ``/staff/login``; the cookie
holds only a random session id that the server looks up, so nothing the browser chooses (Gradio's
session id, say) can stand in for it.
"""

from __future__ import annotations

import html
from pathlib import Path
from string import Template
from typing import Any

import gradio as gr
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from feedback.questions import QuestionLog
from feedback.store import FeedbackStore
from ui import texts
from ui.insights import build_insights
from ui.staff_auth import StaffSignIn
from ui.wording import WordingSearch, build_tab

PREFIX = "/staff"
LOGIN, LOGOUT = f"{PREFIX}/login", f"{PREFIX}/logout"
SESSION_KEY = "sid"
_FORM = Path(__file__).with_name("signin.html")


def client_of(request: Request) -> str:
    return request.client.host if request.client else ""


def user_of(signin: StaffSignIn, request: Request) -> str | None:
    """The signed-in user of this request (Gradio's auth_dependency), or None."""
    return signin.user_of((request.scope.get("session") or {}).get(SESSION_KEY))


class StaffGate:
    """ASGI middleware: under /staff, only the sign-in routes and Gradio's own static files answer a stranger.

    It sits inside Starlette's SessionMiddleware, so the session cookie is already read; the session it
    names must exist on the server. The page itself sends a stranger to sign in.
    """

    OPEN = (LOGIN, LOGOUT, PREFIX)
    ASSETS = (f"{PREFIX}/assets/", f"{PREFIX}/static/", f"{PREFIX}/theme.css", f"{PREFIX}/favicon.ico")

    def __init__(self, app: Any, signin: StaffSignIn) -> None:
        self.app = app
        self.signin = signin

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        path = str(scope.get("path", ""))
        inside = scope.get("type") == "http" and path.startswith(PREFIX + "/")
        if not inside or path in self.OPEN or path.startswith(self.ASSETS):
            await self.app(scope, receive, send)
            return
        token = (scope.get("session") or {}).get(SESSION_KEY)
        if await run_in_threadpool(self.signin.user_of, token):
            await self.app(scope, receive, send)
            return
        if scope.get("method") == "GET" and path == PREFIX + "/":
            reply: Response = RedirectResponse(LOGIN, status_code=303)
        else:
            reply = JSONResponse({"error": texts.WORDING_LOCKED}, status_code=401)
        await reply(scope, receive, send)


def signin_page(message: str = "", ok: bool = False, username: str = "", intro: str = texts.SIGNIN_INTRO) -> str:
    note = f'<p class="message{" ok" if ok else ""}" role="alert">{html.escape(message)}</p>' if message else ""
    return Template(_FORM.read_text(encoding="utf-8")).substitute(
        intro=html.escape(intro), message=note, action=LOGIN, username=html.escape(username), home="/"
    )


def add_signin_routes(app: FastAPI, signin: StaffSignIn) -> None:
    """GET and POST /staff/login, GET and POST /staff/logout, and /staff itself sending a stranger to sign in."""

    @app.get(LOGIN, include_in_schema=False)
    async def login_form(request: Request) -> Response:
        if await run_in_threadpool(user_of, signin, request):
            return RedirectResponse(f"{PREFIX}/", status_code=303)
        return HTMLResponse(signin_page(texts.SIGNIN_CLOSED if not signin.accounts else ""))

    @app.post(LOGIN, include_in_schema=False)
    async def login(request: Request) -> Response:
        form = await request.form()
        username, password = str(form.get("username") or "")[:100], str(form.get("password") or "")[:200]
        client = client_of(request)
        if not await run_in_threadpool(signin.allowed, client):
            await run_in_threadpool(signin.record, "refused sign-in", username, client, "too many attempts")
            return HTMLResponse(signin_page(texts.SIGNIN_WAIT, username=username), status_code=429)
        if await run_in_threadpool(signin.verify, username, password, client):
            token = await run_in_threadpool(signin.start, username)
            request.session.clear()
            request.session[SESSION_KEY] = token
            return RedirectResponse(f"{PREFIX}/", status_code=303)
        return HTMLResponse(signin_page(texts.SIGNIN_FAILED, username=username), status_code=401)

    @app.get(LOGOUT, include_in_schema=False)  # the cookie is SameSite=Strict: no other site can sign anyone out
    @app.post(LOGOUT, include_in_schema=False)
    async def logout(request: Request) -> Response:
        token = request.session.get(SESSION_KEY)
        user = await run_in_threadpool(signin.user_of, token)
        await run_in_threadpool(signin.end, token)
        if user:
            await run_in_threadpool(signin.record, "sign-out", user, client_of(request))
        request.session.clear()
        return HTMLResponse(signin_page(texts.SIGNED_OUT, ok=True))

    @app.get(PREFIX, include_in_schema=False)
    async def staff_home(request: Request) -> Response:
        signed_in = await run_in_threadpool(user_of, signin, request)
        return RedirectResponse(f"{PREFIX}/" if signed_in else LOGIN, status_code=303)


def build_staff(
    bot: Any, store: FeedbackStore, max_input_chars: int, signin: StaffSignIn, questions: QuestionLog | None
) -> gr.Blocks:
    """The staff area's page: what families asked, the exact-wording search and the feedback export."""
    search = WordingSearch(bot, store, max_input_chars, on_export=lambda user: signin.record("export", user))
    sections = sorted({p.section for p in bot.retriever.passages.values()})
    with gr.Blocks(title=texts.STAFF_TITLE, analytics_enabled=False) as page:
        with gr.Row(elem_classes="loa-signout"):
            gr.Button("Sign out", link=LOGOUT, size="md", scale=0, min_width=120)
        with gr.Tabs():
            with gr.Tab("What families asked"):
                build_insights(questions, store, sections, on_export=lambda user: signin.record("export", user))
            with gr.Tab("Find exact wording"):
                build_tab(search)
    return page
