from __future__ import annotations

import socket
from collections.abc import Callable, Iterator

import pytest

from loa.settings import Settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def serve(real_bot) -> Iterator[Callable[[Settings], str]]:  # noqa: ANN001
    """Start the real app (on the shared real bot) on a free loopback port; stopped after the test."""
    import app

    started = []

    def start(settings: Settings) -> str:
        settings = settings.with_(host="127.0.0.1", port=free_port())
        demo = app.build_app(real_bot, settings)
        started.append(demo)
        return app.launch(demo, settings, block=False)

    yield start
    for demo in started:
        demo.close()
