"""The app's database: SQLite (WAL) by default, or Postgres with ``LOA_DATABASE_URL``; migrated with Alembic.

``Database.open(url)`` creates the engine and brings the schema to the newest migration
(feedback/migrations/). A SQLite file the app wrote before migrations existed holds only the
``feedback`` table: it is stamped at the first revision and migrated in place, nothing lost. Several
processes may start at once against one Postgres: the migration runs under an advisory lock.
"""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.exc import SQLAlchemyError

MIGRATIONS = Path(__file__).with_name("migrations")
_LOCK_ID = 744_190_223  # the Postgres advisory lock that serialises migrations


class DatabaseError(RuntimeError):
    """The database could not be reached, read or written; the message is safe to show (no URL, no password)."""


def sqlite_url(path: Path | str) -> str:
    return f"sqlite:///{Path(path)}"


def engine_for(url: str, timeout: float = 3.0) -> Engine:
    """An engine for the URL; SQLite gets WAL, full sync and a busy timeout on every connection."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": timeout, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, connect_args={"connect_timeout": 5})


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision; an old feedback-only SQLite file is stamped first."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
        tables = set(inspect(conn).get_table_names())
        config.attributes["connection"] = conn
        if "feedback" in tables and "alembic_version" not in tables:
            command.stamp(config, "0001")  # written by the app before it had migrations
        command.upgrade(config, "head")


def reason(err: BaseException) -> str:
    """A short, safe description of a database error: its first line, without the statement or URL."""
    original = getattr(err, "orig", None) or err
    text_ = str(original).strip() or type(original).__name__
    return text_.splitlines()[0][:200]


class Database:
    """One engine per URL in a process, migrated on first use."""

    _open: dict[str, Database] = {}
    _guard = threading.Lock()

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str, timeout: float = 3.0) -> Database:
        key = f"{url}|{timeout}"
        with cls._guard:
            found = cls._open.get(key)
            if found is None:
                try:
                    engine = engine_for(url, timeout)
                    migrate(engine)
                except (SQLAlchemyError, OSError) as err:
                    raise DatabaseError(f"the database can't be used ({reason(err)})") from err
                found = cls._open[key] = cls(engine)
            return found

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def healthy(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False
