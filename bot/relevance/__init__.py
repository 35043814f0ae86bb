"""Relevance learned from the question bank (corpus/questions/): which sentences answer which questions.

- ``units``: every sentence and list item of the index, with its vector and words.
- ``bank``: the bank's questions embedded and linked to those sentences; a question's nearest bank
  questions vote for the sentences they were written for.
- ``selector``: a logistic regression over a few signals (the vote, meaning, words, section, place),
  trained on the bank itself, scores every candidate sentence for a question.
- ``retriever``: the scored sentences' chunks as a retriever for llama-index's fusion.
"""
