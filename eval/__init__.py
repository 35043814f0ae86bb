"""The QA benchmark: questions with gold answers and evidence, and the tools that score the bot."""
