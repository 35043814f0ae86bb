"""The reliability tests start the real app with the UI tests' own fixture (a free loopback port, stopped after)."""

from tests.ui.conftest import serve, server  # noqa: F401 - re-exported as fixtures for this directory
