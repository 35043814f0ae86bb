"""Feedback on answers: a small SQLite store and a CSV export (``python -m feedback export``)."""

from feedback.store import FeedbackError, FeedbackStore

__all__ = ["FeedbackError", "FeedbackStore"]
