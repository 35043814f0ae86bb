"""The assistant: retrieval-grounded answers with citations, no LLM needed."""

from bot.answer import Answer, Citation, Passage
from bot.assistant import Bot

__all__ = ["Answer", "Bot", "Citation", "Passage"]
