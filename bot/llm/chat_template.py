"""A GGUF model's own chat template, for llama-index's LlamaCPP (which otherwise assumes Llama 2's)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

CHATML = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def gguf_prompt_formatters(model_path: Path) -> tuple[Callable, Callable]:
    """(messages_to_prompt, completion_to_prompt) using the template stored in the GGUF file."""
    from llama_cpp import Llama
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    vocab = Llama(model_path=str(model_path), vocab_only=True, verbose=False)
    meta = vocab.metadata
    template = meta.get("tokenizer.chat_template") or CHATML

    def token(key: str) -> str:
        tid = meta.get(key)
        return vocab._model.token_get_text(int(tid)) if tid is not None else ""

    formatter = Jinja2ChatFormatter(
        template,
        eos_token=token("tokenizer.ggml.eos_token_id"),
        bos_token=token("tokenizer.ggml.bos_token_id"),
        add_generation_prompt=True,
    )

    def messages_to_prompt(messages: Sequence) -> str:  # llama-index ChatMessages
        turns = [
            {"role": str(m.role.value if hasattr(m.role, "value") else m.role), "content": m.content or ""}
            for m in messages
        ]
        return formatter(messages=turns).prompt

    def completion_to_prompt(completion: str) -> str:
        return formatter(messages=[{"role": "user", "content": completion}]).prompt

    return messages_to_prompt, completion_to_prompt
