"""Settings come from LOA_* variables only, with clear errors for values that cannot be used."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from loa.settings import OFFLINE_ENV, PROJECT_ROOT, Settings, SettingsError, configure_offline


def test_defaults_without_variables() -> None:
    settings = Settings.from_env({})
    assert settings == Settings()
    assert settings.corpus_dir == PROJECT_ROOT / "corpus"
    assert settings.index_dir == PROJECT_ROOT / ".index"
    assert settings.top_k == 6 and settings.chunk_tokens == 160 and settings.chunk_overlap == 20
    assert settings.llm == "none" and settings.host == "127.0.0.1" and settings.port == 7860
    assert settings.max_input_chars == 2000


def test_reads_loa_values(tmp_path: Path) -> None:
    env = {
        "LOA_CORPUS_DIR": str(tmp_path / "corpus"),
        "LOA_INDEX_DIR": str(tmp_path / "index"),
        "LOA_CHROMA_URL": " http://chroma:8000 ",
        "LOA_CHUNK_TOKENS": "256",
        "LOA_CHUNK_OVERLAP": "0",
        "LOA_TOP_K": "3",
        "LOA_LLM": " Ollama ",
        "LOA_LLM_MODEL": "llama3",
        "LOA_LLM_BASE_URL": "http://localhost:11434",
        "LOA_LLM_TIMEOUT": "12.5",
        "LOA_LLM_API_KEY": "sk-secret-123",
        "LOA_HOST": "0.0.0.0",
        "LOA_PORT": "8080",
        "LOA_MAX_INPUT_CHARS": "500",
        "LOA_STAFF_PASSWORD": "hunter2",
        "LOA_FEEDBACK_DB": str(tmp_path / "fb.sqlite3"),
    }
    s = Settings.from_env(env)
    assert s.corpus_dir == (tmp_path / "corpus").resolve()
    assert s.index_dir == (tmp_path / "index").resolve()
    assert s.chroma_url == "http://chroma:8000"
    assert (s.chunk_tokens, s.chunk_overlap, s.top_k) == (256, 0, 3)
    assert s.llm == "ollama" and s.llm_model == "llama3" and s.llm_base_url == "http://localhost:11434"
    assert s.llm_timeout == 12.5 and s.llm_api_key == "sk-secret-123"
    assert (s.host, s.port, s.max_input_chars) == ("0.0.0.0", 8080, 500)
    assert s.staff_password == "hunter2"
    assert s.feedback_db == (tmp_path / "fb.sqlite3").resolve()


def test_other_variables_are_ignored() -> None:
    assert Settings.from_env({"TOP_K": "99", "INDEX_DIR": "/elsewhere", "loa_top_k": "2"}) == Settings()


def test_blank_values_mean_the_default() -> None:
    env = {"LOA_TOP_K": "  ", "LOA_PORT": "", "LOA_LLM": " ", "LOA_HOST": "  ", "LOA_INDEX_DIR": "  "}
    assert Settings.from_env(env) == Settings()


def test_relative_and_home_paths_are_resolved(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    s = Settings.from_env({"LOA_INDEX_DIR": "~/idx", "LOA_CORPUS_DIR": "relative/corpus"})
    assert s.index_dir == (tmp_path / "idx").resolve()
    assert s.corpus_dir.is_absolute() and s.corpus_dir == Path("relative/corpus").resolve()


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("LOA_TOP_K", "five", "whole number"),
        ("LOA_TOP_K", "2.5", "whole number"),
        ("LOA_TOP_K", "0", "at least 1"),
        ("LOA_CHUNK_TOKENS", "16", "at least 32"),
        ("LOA_CHUNK_OVERLAP", "-1", "at least 0"),
        ("LOA_PORT", "http", "whole number"),
        ("LOA_PORT", "-80", "between 1 and 65535"),
        ("LOA_MAX_INPUT_CHARS", "5", "at least 10"),
        ("LOA_LLM_TIMEOUT", "soon", "a number"),
    ],
)
def test_bad_numbers_name_the_variable(name: str, value: str, words: str) -> None:
    with pytest.raises(SettingsError) as error:
        Settings.from_env({name: value})
    message = str(error.value)
    assert name in message and words in message and value.strip() in message


def test_settings_error_is_a_value_error() -> None:
    assert issubclass(SettingsError, ValueError)


def test_numbers_with_surrounding_space_are_accepted() -> None:
    assert Settings.from_env({"LOA_TOP_K": " 4 ", "LOA_LLM_TIMEOUT": " 3 "}).top_k == 4


def test_secrets_stay_out_of_repr() -> None:
    s = Settings.from_env({"LOA_LLM_API_KEY": "sk-secret-123", "LOA_STAFF_PASSWORD": "hunter2"})
    for text in (repr(s), str(s)):
        assert "sk-secret-123" not in text and "hunter2" not in text
        assert "llm_api_key" not in text and "staff_password" not in text
    assert "top_k=6" in repr(s)


def test_with_changes_a_copy() -> None:
    base = Settings()
    changed = base.with_(top_k=2, port=9000)
    assert (changed.top_k, changed.port) == (2, 9000)
    assert base.top_k == 6
    with pytest.raises(AttributeError):
        base.top_k = 3  # type: ignore[misc]


def test_from_env_reads_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOA_TOP_K", "9")
    assert Settings.from_env().top_k == 9


def test_configure_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in OFFLINE_ENV:
        monkeypatch.delenv(key, raising=False)
    configure_offline()
    for key, value in OFFLINE_ENV.items():
        assert os.environ[key] == value
    assert os.environ["HF_HUB_OFFLINE"] == "1"


@pytest.mark.parametrize(
    ("name", "value"), [("LOA_PORT", "70000"), ("LOA_LLM_TIMEOUT", "-5"), ("LOA_LLM_TIMEOUT", "nan")]
)
def test_unusable_numbers_rejected(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})


def test_staff_session_settings() -> None:
    settings = Settings.from_env(
        {"LOA_SESSION_SECRET": "k" * 40, "LOA_HTTPS_ONLY": "yes", "LOA_STAFF_SESSION_HOURS": "2"}
    )
    assert settings.session_secret == "k" * 40 and settings.https_only and settings.staff_session_hours == 2
    assert "k" * 40 not in repr(settings)
    assert not Settings.from_env({}).https_only and Settings.from_env({}).staff_session_hours == 8
    with pytest.raises(SettingsError, match="LOA_STAFF_SESSION_HOURS"):
        Settings.from_env({"LOA_STAFF_SESSION_HOURS": "0"})
