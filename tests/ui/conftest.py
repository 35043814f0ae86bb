from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from loa.settings import Settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(real_bot) -> Iterator[Callable[[Settings], tuple[Any, str]]]:  # noqa: ANN001
    """Start the real app (on the shared real bot) on a free loopback port: (its FastAPI app, its URL).
    Stopped after the test."""
    import app

    started = []

    def start(settings: Settings) -> tuple[Any, str]:
        settings = settings.with_(host="127.0.0.1", port=free_port())
        fastapi_app = app.build_app(real_bot, settings)
        served = app.launch(fastapi_app, settings, block=False)
        started.append(served)
        return fastapi_app, served.url

    yield start
    for served in started:
        served.close()


@pytest.fixture
def serve(server) -> Callable[[Settings], str]:  # noqa: ANN001
    """Start the real app on a free loopback port; its URL."""
    return lambda settings: server(settings)[1]
