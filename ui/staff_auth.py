"""Staff sign-in: accounts held as argon2 hashes, sessions kept on the server, guessing throttled and audited.

- **Accounts**: a TOML file (``LOA_STAFF_ACCOUNTS``: ``[users]`` then ``name = "<argon2 hash>"``, written by
  ``python -m feedback add-staff NAME``), and ``LOA_STAFF_PASSWORD`` as the account ``staff``.
- **Sessions**: signing in stores a random id's sha256 in the database with its expiry; the cookie
  (Starlette's SessionMiddleware: signed, HttpOnly, SameSite=Strict, path /staff) carries only the id.
  Signing out deletes it, so an old or copied cookie, or a guessed id, finds nothing.
- **Guessing**: sign-in attempts go through ``limits``' moving windows (per client and overall); after
  ``failures`` wrong passwords a client is locked out for ``lockout`` seconds, recorded in the audit
  table so that every process behind one address refuses it.
- **Audit**: every sign-in, failed sign-in, lockout, sign-out and export is written to the ``audit`` table.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from feedback.db import Database, reason
from feedback.schema import app_secret, audit, staff_sessions

log = logging.getLogger("loa.staff")


@dataclass(frozen=True)
class ThrottleSettings:
    per_client: str = "5/minute"  # sign-in attempts one client may make (limits' notation)
    overall: str = "20/minute"  # ... and all clients together
    failures: int = 5  # wrong passwords, within ``lockout`` seconds, that lock a client out
    lockout: float = 60.0  # seconds


def load_accounts(password: str, accounts_file: Path | None) -> dict[str, str]:
    """User name -> argon2 hash, from the accounts file and LOA_STAFF_PASSWORD (the account ``staff``)."""
    accounts: dict[str, str] = {}
    if accounts_file is not None:
        data = tomllib.loads(accounts_file.read_text(encoding="utf-8"))
        accounts.update({str(k): str(v) for k, v in (data.get("users") or {}).items()})
    if password:
        accounts["staff"] = PasswordHasher().hash(password)
    return accounts


class StaffSignIn:
    def __init__(
        self, accounts: dict[str, str], db: Database, hours: float = 8.0, throttle: ThrottleSettings | None = None
    ) -> None:
        self.accounts = accounts
        self.db = db
        self.hours = hours
        self.throttle = throttle or ThrottleSettings()
        self.hasher = PasswordHasher()
        self._dummy = self.hasher.hash("no such user")  # a wrong name costs as much time as a wrong password
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._limits = (parse(self.throttle.per_client), parse(self.throttle.overall))

    # -- guessing ---------------------------------------------------------------
    def _recent(self, event: str, client: str) -> int:
        """How many times ``event`` happened to this client within the lockout period (every process's)."""
        since = time.time() - self.throttle.lockout
        with self.db.engine.connect() as conn:
            found = conn.execute(
                select(func.count())
                .select_from(audit)
                .where(audit.c.event == event, audit.c.client == client, audit.c.at >= since)
            ).scalar()
        return int(found or 0)

    def locked(self, client: str) -> bool:
        return self._recent("locked out", client) > 0

    def allowed(self, client: str) -> bool:
        """May this client try a password now? Counts the attempt (atomic within the process)."""
        per_client, overall = self._limits
        if not self._limiter.hit(overall, "all"):
            return False
        return self._limiter.hit(per_client, client) and not self.locked(client)

    def verify(self, username: str, password: str, client: str) -> bool:
        stored = self.accounts.get(username)
        try:
            ok = self.hasher.verify(stored or self._dummy, password) and stored is not None
        except (VerificationError, InvalidHashError):
            ok = False
        self.record("sign-in" if ok else "failed sign-in", username, client)
        if not ok:
            self._maybe_lock(client)
        return ok

    def _maybe_lock(self, client: str) -> None:
        failures = self._recent("failed sign-in", client)
        if failures >= self.throttle.failures:
            self.record("locked out", "", client, f"{failures} wrong passwords")

    # -- sessions ---------------------------------------------------------------
    def start(self, username: str) -> str:
        """A new session for a signed-in user: the random id the cookie will carry."""
        token = secrets.token_urlsafe(32)
        now = time.time()
        with self.db.engine.begin() as conn:
            conn.execute(delete(staff_sessions).where(staff_sessions.c.expires_at < now))
            conn.execute(
                insert(staff_sessions).values(
                    id_hash=_hash(token), username=username, created_at=now, expires_at=now + self.hours * 3600
                )
            )
        return token

    def user_of(self, token: object) -> str | None:
        if not isinstance(token, str) or not token:
            return None
        try:
            with self.db.engine.connect() as conn:
                row = conn.execute(
                    select(staff_sessions.c.username, staff_sessions.c.expires_at).where(
                        staff_sessions.c.id_hash == _hash(token)
                    )
                ).first()
        except SQLAlchemyError as err:
            log.warning("staff sessions can't be read: %s", reason(err))
            return None
        return row.username if row is not None and row.expires_at > time.time() else None

    def end(self, token: object) -> None:
        if isinstance(token, str) and token:
            with self.db.engine.begin() as conn:
                conn.execute(delete(staff_sessions).where(staff_sessions.c.id_hash == _hash(token)))

    # -- audit ------------------------------------------------------------------
    def record(self, event: str, username: str = "", client: str = "", detail: str = "") -> None:
        try:
            with self.db.engine.begin() as conn:
                conn.execute(
                    insert(audit).values(
                        at=time.time(), event=event, username=username[:100], client=client[:64], detail=detail[:500]
                    )
                )
        except SQLAlchemyError as err:
            log.warning("audit record not written (%s): %s", event, reason(err))

    def events(self, limit: int = 200) -> list[dict]:
        with self.db.engine.connect() as conn:
            rows = conn.execute(select(audit).order_by(audit.c.id.desc()).limit(limit))
            return [dict(r._mapping) for r in rows]


def shared_secret(db: Database, configured: str) -> str:
    """The session cookie's signing key: LOA_SESSION_SECRET, else one kept in the database for every process."""
    if configured:
        return configured
    with db.engine.begin() as conn:
        found = conn.execute(select(app_secret.c.value).where(app_secret.c.name == "session")).scalar()
    if found:
        return str(found)
    try:
        with db.engine.begin() as conn:
            conn.execute(insert(app_secret).values(name="session", value=secrets.token_urlsafe(48)))
    except IntegrityError:
        pass  # another process wrote it first: use theirs
    with db.engine.connect() as conn:
        return str(conn.execute(select(app_secret.c.value).where(app_secret.c.name == "session")).scalar())


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
