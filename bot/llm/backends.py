"""The optional LLM behind generative answers, built with llama-index's own integrations.

``LOA_LLM`` picks one; each lives in an optional extra so the default install carries none.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from loa.settings import Settings, SettingsError

BACKENDS = ("none", "ollama", "openai-like", "llama-cpp")
EXTRAS = {"ollama": "llm-ollama", "openai-like": "llm-openai-like", "llama-cpp": "llm-llama-cpp"}
MAX_ANSWER_TOKENS = 300  # a short answer: four sentences and some bullets
TEMPERATURE = 0.0  # greedy: the same sources give the same answer


_CLASSES = {
    "ollama": ("llama_index.llms.ollama", "Ollama"),
    "openai-like": ("llama_index.llms.openai_like", "OpenAILike"),
    "llama-cpp": ("llama_index.llms.llama_cpp", "LlamaCPP"),
}


def _llm_class(backend: str):  # noqa: ANN202
    """The backend's llama-index class; a missing optional extra is a SettingsError naming it."""
    module, name = _CLASSES[backend]
    try:
        return getattr(importlib.import_module(module), name)
    except ImportError:
        raise SettingsError(
            f"LOA_LLM={backend} needs its optional extra: pip install -e '.[{EXTRAS[backend]}]' "
            "(or set LOA_LLM=none for extractive answers)"
        ) from None


def make_llm(settings: Settings):  # noqa: ANN201 - a llama-index LLM, imported lazily
    """The configured LLM, or None for the extractive default. Misconfiguration is a clear SettingsError."""
    backend = settings.llm
    if backend == "none":
        return None
    if backend not in BACKENDS:
        raise SettingsError(f"LOA_LLM must be one of {', '.join(BACKENDS)}, not {backend!r}")
    if backend == "ollama":
        if not settings.llm_model:
            raise SettingsError("LOA_LLM=ollama needs LOA_LLM_MODEL, the Ollama model name (for example llama3.2)")
        Ollama = _llm_class(backend)
        return Ollama(
            model=settings.llm_model,
            base_url=settings.llm_base_url or "http://127.0.0.1:11434",
            request_timeout=settings.llm_timeout,
            temperature=TEMPERATURE,
            context_window=settings.llm_context_tokens,
            additional_kwargs={"num_predict": MAX_ANSWER_TOKENS},
        )
    if backend == "openai-like":
        if not settings.llm_base_url:
            raise SettingsError("LOA_LLM=openai-like needs LOA_LLM_BASE_URL, for example http://127.0.0.1:8080/v1")
        OpenAILike = _llm_class(backend)
        return OpenAILike(
            model=settings.llm_model or "local-model",
            api_base=settings.llm_base_url,
            # never falls back to OPENAI_API_KEY: the key comes from LOA_LLM_API_KEY only
            api_key=settings.llm_api_key or "not-needed",
            is_chat_model=True,
            context_window=settings.llm_context_tokens,
            max_tokens=MAX_ANSWER_TOKENS,
            temperature=TEMPERATURE,
            timeout=settings.llm_timeout,
            max_retries=0,  # a failure falls back to the extractive answer at once
        )
    model_path = Path(settings.llm_model).expanduser()
    if not settings.llm_model or not model_path.is_file():
        raise SettingsError(f"LOA_LLM=llama-cpp needs LOA_LLM_MODEL, the path to a .gguf file; {model_path} is not one")
    LlamaCPP = _llm_class(backend)
    from bot.llm.chat_template import gguf_prompt_formatters

    to_messages, to_completion = gguf_prompt_formatters(model_path)
    return LlamaCPP(
        model_path=str(model_path),
        temperature=TEMPERATURE,
        max_new_tokens=MAX_ANSWER_TOKENS,
        context_window=settings.llm_context_tokens,
        model_kwargs={"n_threads": 2},
        messages_to_prompt=to_messages,
        completion_to_prompt=to_completion,
        verbose=False,
    )
