"""LOA_LLM picks a llama-index LLM; misconfiguration is a clear message, never a traceback."""

from __future__ import annotations

import pytest

from bot.llm.backends import make_llm
from loa.settings import Settings, SettingsError


def test_none_is_the_default_and_builds_nothing() -> None:
    assert Settings.from_env({}).llm == "none"
    assert make_llm(Settings()) is None


def test_settings_read_the_llm_variables() -> None:
    s = Settings.from_env(
        {
            "LOA_LLM": "OpenAI-Like",
            "LOA_LLM_MODEL": "smollm2",
            "LOA_LLM_BASE_URL": "http://127.0.0.1:8080/v1",
            "LOA_LLM_TIMEOUT": "7.5",
            "LOA_LLM_API_KEY": "secret-key",
        }
    )
    assert (s.llm, s.llm_model, s.llm_timeout) == ("openai-like", "smollm2", 7.5)
    assert s.llm_base_url == "http://127.0.0.1:8080/v1"
    assert "secret-key" not in repr(s)


def test_openai_like_uses_the_key_from_settings_only() -> None:
    llm = make_llm(Settings(llm="openai-like", llm_base_url="http://127.0.0.1:9/v1", llm_api_key="k1", llm_timeout=3))
    assert type(llm).__name__ == "OpenAILike"
    assert (llm.api_key, llm.api_base, llm.timeout, llm.max_retries) == ("k1", "http://127.0.0.1:9/v1", 3, 0)


def test_ollama_gets_its_model_url_and_timeout() -> None:
    llm = make_llm(Settings(llm="ollama", llm_model="llama3.2", llm_timeout=4))
    assert type(llm).__name__ == "Ollama"
    assert (llm.model, llm.base_url, llm.request_timeout) == ("llama3.2", "http://127.0.0.1:11434", 4)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (Settings(llm="gpt-9"), "LOA_LLM must be one of"),
        (Settings(llm="openai-like"), "needs LOA_LLM_BASE_URL"),
        (Settings(llm="ollama"), "needs LOA_LLM_MODEL"),
        (Settings(llm="llama-cpp", llm_model="/no/such/model.gguf"), "path to a .gguf file"),
    ],
)
def test_misconfiguration_is_a_clear_settings_error(settings: Settings, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        make_llm(settings)


def test_the_cli_reports_a_bad_backend_without_a_traceback(capsys: pytest.CaptureFixture[str], monkeypatch) -> None:  # noqa: ANN001
    from bot import __main__ as cli

    def bad_bot():  # noqa: ANN202
        raise SettingsError("LOA_LLM=openai-like needs LOA_LLM_BASE_URL")

    monkeypatch.setattr(cli, "_load_bot", bad_bot)
    assert cli.main(["ask", "what is Portage?"]) == 2
    err = capsys.readouterr().err
    assert "LOA_LLM_BASE_URL" in err and "Traceback" not in err


def test_a_backend_whose_extra_is_not_installed_names_the_extra(monkeypatch) -> None:  # noqa: ANN001
    import importlib

    def missing(name: str):  # noqa: ANN202
        raise ImportError(f"No module named {name!r}")

    monkeypatch.setattr(importlib, "import_module", missing)
    with pytest.raises(SettingsError, match=r"pip install -e '\.\[llm-ollama\]'"):
        make_llm(Settings(llm="ollama", llm_model="llama3.2"))
