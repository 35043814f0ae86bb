"""Building the LLM writer for a bot: the verifier reads the bot's own index and glossary."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.llm.backends import make_llm
from bot.llm.verify import Verifier
from bot.llm.writer import LLMWriter, WriterSettings
from loa.settings import Settings

if TYPE_CHECKING:
    from bot.assistant import Bot


def verifier_for(bot: Bot) -> Verifier:
    """A verifier that checks generated sentences against this bot's index and glossary."""
    return Verifier(
        bot.retriever.embed_query, bot.retriever.unit_similarity, bot.vocabulary, glossary=bot.composer.glossary
    )


def writer_from_settings(settings: Settings, bot: Bot) -> LLMWriter | None:
    """The LLM writer LOA_LLM asks for; None for extractive answers."""
    llm = make_llm(settings)
    if llm is None:
        return None
    config = WriterSettings(deadline_seconds=settings.llm_timeout)
    return LLMWriter(llm, verifier_for(bot), config, serial=settings.llm == "llama-cpp")
