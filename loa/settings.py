"""The one place configuration is read: ``LOA_*`` environment variables.

Everything else receives a :class:`Settings` object, so tests can build one
directly and nothing else touches ``os.environ``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Offline and private by default: no model hub, no telemetry from any library.
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "TOKENIZERS_PARALLELISM": "false",
}


def configure_offline() -> None:
    """Set the offline and no-telemetry switches before any library is imported."""
    for key, value in OFFLINE_ENV.items():
        os.environ[key] = value


def child_env(**overrides: str) -> dict[str, str]:
    """The environment for a child process (benchmarks, tests): this one's, offline, with overrides."""
    return {**os.environ, **OFFLINE_ENV, **overrides}


class SettingsError(ValueError):
    """A ``LOA_*`` variable holds a value we cannot use."""


def _int(env: Mapping[str, str], name: str, default: int, low: int = 0, high: int | None = None) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise SettingsError(f"{name} must be {bounds}, not {value}")
    return value


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    """A positive, finite number of seconds."""
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, not {raw!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise SettingsError(f"{name} must be a positive number, not {raw!r}")
    return value


def _flag(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path = PROJECT_ROOT / "corpus"
    index_dir: Path = PROJECT_ROOT / ".index"
    # Chroma server (scale-out); empty means the embedded on-disk index.
    chroma_url: str = ""
    # Retrieval and answer settings; defaults were chosen on the eval set.
    chunk_tokens: int = 160
    chunk_overlap: int = 20
    top_k: int = 6
    # Answers
    llm: str = "none"
    llm_model: str = ""
    llm_base_url: str = ""
    llm_timeout: float = 30.0
    llm_api_key: str = field(default="", repr=False)
    llm_context_tokens: int = 4096  # the model's context window: prompt plus answer
    # App
    host: str = "127.0.0.1"
    port: int = 7860
    max_input_chars: int = 2000
    max_request_bytes: int = 1_000_000  # a larger HTTP request body is refused before it is read
    staff_password: str = field(default="", repr=False)
    # signs the staff area's session cookie; set the same value in every process behind one address
    session_secret: str = field(default="", repr=False)
    https_only: bool = False  # the staff cookie only over HTTPS (set it behind a TLS proxy)
    staff_session_hours: int = 8  # a staff sign-in lasts this long
    feedback_db: Path = PROJECT_ROOT / ".data" / "feedback.sqlite3"
    # where feedback, the question log and the staff area keep their records: SQLite in feedback_db by
    # default, or a server, e.g. postgresql+psycopg://user:pass@host/db (never logged: it may hold a password)
    database_url: str = field(default="", repr=False)
    question_log: bool = True  # keep what families ask (redacted) for the staff area
    log_days: int = 90  # questions older than this are deleted
    staff_accounts: Path | None = None  # a TOML file of user name = argon2 hash (python -m feedback add-staff)
    # the embedding model's int8 quantisation (measured in eval/README.md: it costs quality, so off)
    embed_int8: bool = False
    # models trained from the exemplar files (the route classifier), keyed by their hash
    cache_dir: Path = PROJECT_ROOT / ".data" / "cache"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        base = cls()

        def path(name: str, default: Path) -> Path:
            raw = env.get(name, "").strip()
            return Path(raw).expanduser().resolve() if raw else default

        return cls(
            corpus_dir=path("LOA_CORPUS_DIR", base.corpus_dir),
            index_dir=path("LOA_INDEX_DIR", base.index_dir),
            chroma_url=env.get("LOA_CHROMA_URL", "").strip(),
            chunk_tokens=_int(env, "LOA_CHUNK_TOKENS", base.chunk_tokens, low=32),
            chunk_overlap=_int(env, "LOA_CHUNK_OVERLAP", base.chunk_overlap),
            top_k=_int(env, "LOA_TOP_K", base.top_k, low=1),
            llm=env.get("LOA_LLM", base.llm).strip().lower() or "none",
            llm_model=env.get("LOA_LLM_MODEL", "").strip(),
            llm_base_url=env.get("LOA_LLM_BASE_URL", "").strip(),
            llm_timeout=_float(env, "LOA_LLM_TIMEOUT", base.llm_timeout),
            llm_api_key=env.get("LOA_LLM_API_KEY", ""),
            llm_context_tokens=_int(env, "LOA_LLM_CONTEXT_TOKENS", base.llm_context_tokens, low=512),
            host=env.get("LOA_HOST", base.host).strip() or base.host,
            port=_int(env, "LOA_PORT", base.port, low=1, high=65535),
            max_input_chars=_int(env, "LOA_MAX_INPUT_CHARS", base.max_input_chars, low=10),
            max_request_bytes=_int(env, "LOA_MAX_REQUEST_BYTES", base.max_request_bytes, low=10_000),
            staff_password=env.get("LOA_STAFF_PASSWORD", ""),
            session_secret=env.get("LOA_SESSION_SECRET", ""),
            https_only=_flag(env, "LOA_HTTPS_ONLY"),
            staff_session_hours=_int(env, "LOA_STAFF_SESSION_HOURS", base.staff_session_hours, low=1, high=24 * 30),
            feedback_db=path("LOA_FEEDBACK_DB", base.feedback_db),
            database_url=env.get("LOA_DATABASE_URL", "").strip(),
            question_log=env.get("LOA_QUESTION_LOG", "on").strip().lower() not in ("off", "0", "false", "no"),
            log_days=_int(env, "LOA_LOG_DAYS", base.log_days, low=1, high=3650),
            staff_accounts=path("LOA_STAFF_ACCOUNTS", Path()) if env.get("LOA_STAFF_ACCOUNTS", "").strip() else None,
            cache_dir=path("LOA_CACHE_DIR", base.cache_dir),
            embed_int8=_flag(env, "LOA_EMBED_INT8"),
        )

    @property
    def database(self) -> str:
        """The database URL: LOA_DATABASE_URL, else SQLite in LOA_FEEDBACK_DB."""
        return self.database_url or f"sqlite:///{self.feedback_db}"

    def with_(self, **changes: object) -> Settings:
        """A copy with some fields changed (tests and experiments)."""
        return replace(self, **changes)  # type: ignore[arg-type]
