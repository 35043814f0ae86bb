"""The staff sign-in: argon2 accounts, sessions on the server, guessing throttled and locked out, all audited.

Unit tests on a database with a moved clock, then the real app: 30 clients guessing at once get at
most five password checks in a minute; a reused, copied or guessed session id gets nothing; every
sign-in, failure, lockout and export is in the audit table.
"""

from __future__ import annotations

import concurrent.futures
import time
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher

from feedback.db import Database
from ui.staff_auth import StaffSignIn, ThrottleSettings, load_accounts, shared_secret

PASSWORD = "a long staff password 42"


@pytest.fixture
def signin(database_url: str) -> StaffSignIn:
    return StaffSignIn({"amy": PasswordHasher().hash(PASSWORD)}, Database.open(database_url), hours=1)


def test_accounts_come_from_the_file_and_the_password(tmp_path: Path) -> None:
    accounts = tmp_path / "staff.toml"
    accounts.write_text(f'[users]\nbob = "{PasswordHasher().hash("bobs password")}"\n', encoding="utf-8")
    found = load_accounts("env password", accounts)
    assert set(found) == {"bob", "staff"} and all(h.startswith("$argon2") for h in found.values())
    assert "env password" not in accounts.read_text() and load_accounts("", None) == {}


def test_five_wrong_passwords_lock_a_client_out_for_a_minute(signin: StaffSignIn, monkeypatch) -> None:  # noqa: ANN001
    now = [1_000_000.0]
    monkeypatch.setattr("ui.staff_auth.time.time", lambda: now[0])
    for _ in range(5):
        assert not signin.verify("amy", "guess", "10.0.0.1")
    assert signin.locked("10.0.0.1") and not signin.locked("10.0.0.2")
    now[0] += 59
    assert signin.locked("10.0.0.1")
    now[0] += 2
    assert not signin.locked("10.0.0.1")
    events = [e["event"] for e in signin.events()]
    assert events.count("failed sign-in") == 5 and events.count("locked out") == 1


def test_the_rate_limit_counts_every_attempt(database_url: str) -> None:
    throttle = ThrottleSettings(per_client="3/minute", overall="5/minute")
    signin = StaffSignIn({}, Database.open(database_url), throttle=throttle)
    assert [signin.allowed("a") for _ in range(4)] == [True, True, True, False]
    assert signin.allowed("b") and not signin.allowed("c")  # the overall limit


def test_sessions_live_on_the_server(signin: StaffSignIn, monkeypatch) -> None:  # noqa: ANN001
    token = signin.start("amy")
    assert signin.user_of(token) == "amy"
    assert signin.user_of("a guessed id") is None and signin.user_of(None) is None
    signin.end(token)
    assert signin.user_of(token) is None  # a copy of the cookie kept after signing out finds nothing
    later = signin.start("amy")
    real = time.time
    monkeypatch.setattr("ui.staff_auth.time.time", lambda: real() + 3601)
    assert signin.user_of(later) is None  # expired


def test_every_process_signs_cookies_with_one_secret(database_url: str) -> None:
    db = Database.open(database_url)
    first = shared_secret(db, "")
    assert len(first) > 40 and shared_secret(db, "") == first and shared_secret(db, "configured") == "configured"


# -- the real app --------------------------------------------------------------------------------
@pytest.fixture
def app_url(server, real_settings, tmp_path: Path):  # noqa: ANN001, ANN201
    _, url = server(real_settings.with_(feedback_db=tmp_path / "app.sqlite3", staff_password=PASSWORD))
    return url, tmp_path / "app.sqlite3"


def test_thirty_guessing_clients_get_five_password_checks(app_url) -> None:  # noqa: ANN001
    url, db = app_url

    def guess(i: int) -> int:
        with httpx.Client(base_url=url, timeout=60) as client:
            return client.post("/staff/login", data={"username": "staff", "password": f"guess {i}"}).status_code

    with concurrent.futures.ThreadPoolExecutor(30) as pool:
        statuses = list(pool.map(guess, range(30)))
    signin = StaffSignIn({}, Database.open(f"sqlite:///{db}"))
    events = [e["event"] for e in signin.events(500)]
    print(f"\n[staff] 30 parallel guesses: {statuses.count(401)} checked (401), {statuses.count(429)} refused (429)")
    assert events.count("failed sign-in") <= 5 and statuses.count(401) <= 5
    assert statuses.count(429) >= 25 and "locked out" in events
    with httpx.Client(base_url=url, timeout=60, follow_redirects=False) as client:  # even the right password waits
        assert client.post("/staff/login", data={"username": "staff", "password": PASSWORD}).status_code == 429


def test_a_reused_or_guessed_session_gets_nothing(app_url) -> None:  # noqa: ANN001
    url, db = app_url
    with httpx.Client(base_url=url, timeout=60, follow_redirects=False) as client:
        assert client.post("/staff/login", data={"username": "staff", "password": PASSWORD}).status_code == 303
        cookie = client.cookies.get("loa_staff")
        assert client.get("/staff/config").status_code == 200
        client.get("/staff/logout")
    with httpx.Client(base_url=url, timeout=60, cookies={"loa_staff": cookie}) as copied:
        assert copied.get("/staff/config").status_code == 401  # the session ended on the server
    with httpx.Client(base_url=url, timeout=60, cookies={"loa_staff": "eyJzaWQiOiAiZ3Vlc3MifQ==.x.y"}) as guessed:
        assert guessed.get("/staff/config").status_code == 401
    events = [e["event"] for e in StaffSignIn({}, Database.open(f"sqlite:///{db}")).events()]
    assert {"sign-in", "sign-out"} <= set(events)
