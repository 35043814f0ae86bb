"""Local Offer Assistant: the web app for families and staff.

Run it with ``python app.py`` (settings come from the ``LOA_*`` variables, see loa/settings.py;
it listens on http://127.0.0.1:7860 by default and builds the index on first start).

Call it from Python with gradio_client; it returns the same JSON as ``python -m bot ask --json``::

    import json
    from gradio_client import Client
    client = Client("http://127.0.0.1:7860/")
    result = json.loads(client.predict("my son is 2 and not talking, can someone visit us?", "[]", api_name="/ask"))
    print(result["answer"], [(c["n"], c["title"], c["section"]) for c in result["citations"]])

The second argument is the conversation so far as a JSON list of {"role", "content"} objects.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from loa.settings import Settings, SettingsError, configure_offline

configure_offline()  # before Gradio is imported: no telemetry, no model hub

from feedback.store import FeedbackStore  # noqa: E402
from ui.logs import configure_logging  # noqa: E402
from ui.server import Served, build_server, serve  # noqa: E402


def build_app(bot: Any, settings: Settings, store: FeedbackStore | None = None):  # noqa: ANN201 - a FastAPI app
    """The whole app around one loaded bot: the families' page at /, the staff area at /staff."""
    return build_server(bot, settings, store)


def launch(app: Any, settings: Settings, *, block: bool = True) -> Served:
    """Serve on settings.host:settings.port (loopback by default, never a public share link)."""
    served = serve(app, settings, block=False)
    print(f"Local Offer Assistant is running at {served.url}  (press Ctrl+C to stop)", flush=True)
    if block:
        try:
            served.thread.join()  # type: ignore[union-attr]
        finally:
            served.close()
    return served


def ensure_index(settings: Settings) -> None:
    """On first start there is no index: build it from the corpus, showing progress."""
    from ingest.pipeline import ingest
    from loa.store import IndexStore

    if IndexStore.open(settings).active() is not None:
        return
    print(f"No index yet: building it from {settings.corpus_dir} (first start only, about a minute)...", flush=True)
    report = ingest(settings, progress=True, say=lambda msg: print(msg, flush=True))
    print(report.summary(), flush=True)


def main() -> int:
    configure_logging(logging.INFO)  # redacted and rate-limited, whoever writes (ui/logs.py)
    from loa.store import IndexUnavailable

    try:
        settings = Settings.from_env()
        ensure_index(settings)
        print("Loading the model and the index...", flush=True)
        from bot.assistant import Bot

        bot = Bot.from_defaults(settings)
    except (SettingsError, IndexUnavailable) as err:
        print(f"The assistant can't start: {err}", file=sys.stderr)
        return 2
    try:
        launch(build_app(bot, settings), settings)
    except OSError as err:
        print(f"The assistant can't listen on {settings.host}:{settings.port}: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nStopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
