"""Shared foundations: settings, the bundled embedding model and the index store."""
