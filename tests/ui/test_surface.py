"""The public surface, walked route by route: the families' page, its queue and /ask answer; nothing else does.

Every route the server has (its own and the two mounted Gradio apps'), every event /config lists and
every endpoint /gradio_api/info names is called without a session. The families' page answers only
on its allow-list (ui/surface.py); the staff area answers only its sign-in page; nothing anywhere
gives a 5xx. Then the staff area is walked again signed in.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
from starlette.routing import Mount

from ui.surface import NOT_FOUND

PASSWORD = "correct horse battery staple"
FAMILY_OPEN = {
    ("GET", "/"),
    ("GET", "/config"),
    ("GET", "/gradio_api/info"),
    ("GET", "/theme.css"),
    ("GET", "/favicon.ico"),
    ("GET", "/assets/{path:path}"),
    ("GET", "/static/{path:path}"),
    ("GET", "/gradio_api/heartbeat/{session_hash}"),
    ("GET", "/gradio_api/queue/data"),
    ("POST", "/gradio_api/queue/join"),
    ("POST", "/gradio_api/cancel"),
    ("GET", "/healthz"),  # for a load balancer: whether the index and the database can be reached
}
STAFF_OPEN = {
    ("GET", "/staff/login"),
    ("POST", "/staff/login"),
    ("GET", "/staff/logout"),
    ("POST", "/staff/logout"),
    ("GET", "/staff"),
}
STAFF_FILES = {"/staff/assets/{path:path}", "/staff/static/{path:path}", "/staff/theme.css", "/staff/favicon.ico"}
_PARAM = re.compile(r"\{(\w+)(?::path)?\}")


def _flat(routes_: list, prefix: str = "") -> list[tuple[str, str]]:
    """(method, path) of every route, through FastAPI's included routers."""
    out = []
    for route in routes_:
        if hasattr(route, "original_router"):  # a router included with a prefix (Gradio's /gradio_api)
            out += _flat(route.original_router.routes, prefix + route.include_context.prefix)
        elif hasattr(route, "path") and not isinstance(route, Mount):
            out += [(m, prefix + route.path) for m in getattr(route, "methods", None) or {"GET"}]
    return out


def routes(app) -> list[tuple[str, str, str]]:  # noqa: ANN001
    """(method, path pattern, mount prefix) for every route of the app and of the apps mounted on it."""
    found = [(m, p, "") for m, p in _flat(app.routes)]
    for mount in (r for r in app.routes if isinstance(r, Mount)):
        prefix = mount.path.rstrip("/")
        found += [(m, prefix + p, prefix) for m, p in _flat(mount.app.routes)]
    return sorted({(m, p, prefix) for m, p, prefix in found if m != "HEAD"})


def concrete(pattern: str) -> str:
    return _PARAM.sub(lambda m: "x/y.js" if ":path" in m.group(0) else "comment", pattern)


def call(client: httpx.Client, method: str, path: str) -> tuple[int, dict]:
    """The status and the JSON body (if any) of one request; a stream (a heartbeat, say) is read no further."""
    body = {"data": ["call me on 0113 222 3333"], "fn_index": 0, "session_hash": "probe"}
    with client.stream(method, path, json=body if method == "POST" else None) as reply:
        if "json" not in reply.headers.get("content-type", ""):
            return reply.status_code, {}
        reply.read()
        return reply.status_code, reply.json() if reply.content else {}


@pytest.fixture
def app_url(server, real_settings, tmp_path: Path):  # noqa: ANN001, ANN201
    return server(real_settings.with_(feedback_db=tmp_path / "fb.sqlite3", staff_password=PASSWORD))


def sign_in(client: httpx.Client) -> None:
    reply = client.post("/staff/login", data={"username": "staff", "password": PASSWORD})
    assert reply.status_code == 303, reply.text


def test_every_route_without_a_session(app_url) -> None:  # noqa: ANN001
    app, url = app_url
    found = routes(app)
    assert len(found) > 60  # Gradio's own routes are all there to be walked
    problems = []
    with httpx.Client(base_url=url, timeout=30, follow_redirects=False) as client:
        for method, pattern, prefix in found:
            status, body = call(client, method, concrete(pattern))
            opened = not prefix and (method, pattern.rstrip("/") or "/") in FAMILY_OPEN  # /config/ is /config
            if pattern in STAFF_FILES:  # Gradio's own scripts and styles, the same for everyone
                continue
            if status >= 500:
                problems.append(f"{method} {pattern}: {status}")
            elif prefix == "/staff" or (method, pattern) in STAFF_OPEN:
                if (method, pattern) not in STAFF_OPEN and status not in (303, 401, 404):  # 303: to sign in
                    problems.append(f"{method} {pattern}: staff route answered {status} without a session")
            elif not opened and (status != 404 or body.get("error") != NOT_FOUND):
                problems.append(f"{method} {pattern}: {status}, not refused by the allow-list")
    assert problems == [], "\n".join(problems)


def test_every_event_and_endpoint_the_pages_describe(app_url) -> None:  # noqa: ANN001
    _, url = app_url
    with httpx.Client(base_url=url, timeout=60) as client:
        config = client.get("/config").json()
        info = client.get("/gradio_api/info").json()
        assert list(info["named_endpoints"]) == ["/ask"] and not info.get("unnamed_endpoints")
        assert client.get("/openapi.json").status_code == 404
        for dep in config["dependencies"]:
            name, index = dep.get("api_name"), dep["id"]
            if name and name != "ask":  # a page event by name: not an API
                for route in (f"/gradio_api/run/{name}", f"/gradio_api/call/{name}"):
                    assert client.post(route, json={"data": []}).status_code == 404, (route, name)
            wrong = {"data": [None] * (len(dep["inputs"]) + 1), "fn_index": index, "session_hash": "probe"}
            reply = client.post("/gradio_api/queue/join", json=wrong)
            assert reply.status_code == 400 and "value" in reply.json()["error"], (index, reply.text)
        assert client.post("/gradio_api/run/ask", json={"data": ["what is portage?"]}).status_code == 200
        # the staff area's own description and events: nothing without a session
        assert client.get("/staff/config").status_code == 401
        for index in range(12):
            body = {"data": ["budget", "", ""], "fn_index": index, "session_hash": "probe"}
            assert client.post("/staff/gradio_api/queue/join", json=body).status_code in (401, 404)


def test_signed_in_staff_reach_their_area_and_still_no_upload(app_url) -> None:  # noqa: ANN001
    _, url = app_url
    with httpx.Client(base_url=url, timeout=30, follow_redirects=False) as client:
        assert client.get("/staff").headers["location"].endswith("/staff/login")
        sign_in(client)
        assert client.get("/staff/").status_code == 200
        config = client.get("/staff/config").json()
        assert config["dependencies"] and all(d.get("api_name") != "ask" for d in config["dependencies"])
        upload = client.post("/staff/gradio_api/upload", files={"files": ("x.bin", b"\x00" * 100)})
        assert upload.status_code == 404
        assert client.get("/staff/gradio_api/file=/etc/passwd").status_code == 404


def test_no_uploads_and_no_files_served(app_url) -> None:  # noqa: ANN001
    _, url = app_url
    with httpx.Client(base_url=url, timeout=30) as client:
        upload = client.post("/gradio_api/upload", files={"files": ("x.bin", b"\x00" * 900_000)})
        assert upload.status_code == 404 and "/tmp" not in upload.text
        for route in ("/gradio_api/file=/etc/passwd", "/file=/etc/passwd", "/gradio_api/file/etc/passwd"):
            reply = client.get(route)
            assert reply.status_code == 404 and "root:" not in reply.text, route


@pytest.mark.parametrize(
    ("path", "body", "says"),
    [
        ("/gradio_api/run/ask", b'{"data": ["\\udc80", "[]"]}', "surrogate"),
        ("/gradio_api/run/ask", b'{"data": ["hi", "' + b"[" * 100_000 + b"]" * 100_000 + b'"]}', "history_json"),
        ("/gradio_api/call/ask", b'{"data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested"),
        ("/gradio_api/run/ask", b'{"data": ["one", "[]", "three"]}', "values"),
        ("/gradio_api/run/ask", b'{"data": [5]}', "text"),
        ("/gradio_api/run/ask", b"not json", "JSON"),
        ("/gradio_api/run/ask", b"\xff\xfe", "UTF-8"),
        ("/gradio_api/queue/join", b'{"data": [], "fn_index": 999, "session_hash": "x"}', "no such event"),
        ("/gradio_api/queue/join", b'{"data": [], "fn_index": "0", "session_hash": "x"}', "no such event"),
        ("/gradio_api/run/nosuch", b'{"data": []}', "nothing here"),
    ],
)
def test_bad_input_gets_a_clear_4xx(app_url, path: str, body: bytes, says: str) -> None:  # noqa: ANN001
    _, url = app_url
    reply = httpx.post(url.rstrip("/") + path, content=body, headers={"Content-Type": "application/json"}, timeout=30)
    assert 400 <= reply.status_code < 500
    message = reply.json()["error"]
    assert says.lower() in message.lower() and "Traceback" not in reply.text


def test_security_headers_on_every_response_and_no_cors(app_url) -> None:  # noqa: ANN001
    _, url = app_url
    with httpx.Client(base_url=url, timeout=30, follow_redirects=False) as client:
        replies = [
            client.get("/"),
            client.get("/config"),
            client.get("/nothing"),
            client.post("/gradio_api/run/ask", content=b"[", headers={"Content-Type": "application/json"}),
            client.post("/gradio_api/run/ask", content=b"x" * 2_000_000),
            client.get("/staff"),
            client.get("/staff/login"),
            client.get("/staff/config"),
        ]
        assert sorted({r.status_code for r in replies}) == [200, 303, 400, 401, 404, 413]
        for reply in replies:
            csp = reply.headers.get("content-security-policy", "")
            assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
            # only the staff area's charts may use eval, behind sign-in
            assert ("'unsafe-eval'" in csp) == reply.url.path.startswith("/staff/"), reply.url.path
            assert reply.headers.get("x-frame-options") == "DENY"
            assert reply.headers.get("x-content-type-options") == "nosniff"
            assert reply.headers.get("referrer-policy") == "no-referrer"
        evil = {"Origin": "https://evil.example"}
        assert "access-control-allow-origin" not in client.get("/config", headers=evil).headers
        preflight = client.options("/gradio_api/run/ask", headers={**evil, "Access-Control-Request-Method": "POST"})
        assert "access-control-allow-origin" not in preflight.headers


def test_staff_sign_in(app_url) -> None:  # noqa: ANN001
    _, url = app_url
    with httpx.Client(base_url=url, timeout=30, follow_redirects=False) as client:
        wrong = client.post("/staff/login", data={"username": "staff", "password": "guess"})
        assert wrong.status_code == 401 and "don&#x27;t match" in wrong.text
        assert "loa_staff" not in wrong.headers.get("set-cookie", "")
        right = client.post("/staff/login", data={"username": "staff", "password": PASSWORD})
        cookie = right.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "path=/staff" in cookie
        assert client.get("/staff/").status_code == 200
        client.post("/staff/logout")
        assert client.get("/staff/").headers["location"] == "/staff/login"
    forged = {"loa_staff": "eyJzdGFmZl91c2VyIjogInN0YWZmIn0=.aaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbb"}
    with httpx.Client(base_url=url, timeout=30, cookies=forged, follow_redirects=False) as client:
        assert client.get("/staff/").status_code == 303 and client.get("/staff/config").status_code == 401
        gradio_session = {"data": ["budget", "", ""], "fn_index": 0, "session_hash": "a-signed-in-session"}
        assert client.post("/staff/gradio_api/queue/join", json=gradio_session).status_code == 401


def test_ask_json_still_answers(app_url) -> None:  # noqa: ANN001
    _, url = app_url
    reply = httpx.post(url + "gradio_api/call/ask", json={"data": ["what is portage?"]}, timeout=60)
    event = reply.json()["event_id"]
    stream = httpx.get(f"{url}gradio_api/call/ask/{event}", timeout=60).text
    data = json.loads(stream.split("data: ", 1)[1].splitlines()[0])
    assert "Portage" in json.loads(data[0])["answer"]
