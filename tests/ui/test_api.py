"""The running app answers through gradio_client with the same JSON as `python -m bot ask --json`."""

from __future__ import annotations

import json
from pathlib import Path

from gradio_client import Client


def test_ask_endpoint_returns_the_cli_json(serve, real_settings, real_bot, tmp_path: Path) -> None:  # noqa: ANN001
    url = serve(real_settings.with_(feedback_db=tmp_path / "fb.sqlite3"))
    assert url.startswith("http://127.0.0.1:")
    client = Client(url, verbose=False)
    assert list(client.view_api(return_format="dict", print_info=False)["named_endpoints"]) == ["/ask"]

    question = "my son is 2 and not talking, can someone visit us?"
    data = json.loads(client.predict(question, "[]", api_name="/ask"))
    assert {"answer", "refused", "citations", "latency_ms", "kind", "question", "notes"} <= set(data)
    expected = real_bot.ask(question).to_json()
    assert set(data) == set(expected)
    assert data["answer"] == expected["answer"] and data["citations"] == expected["citations"]
    assert data["refused"] is False and "Portage" in data["answer"]
    assert {"n", "title", "status", "status_label", "section", "text", "chunk_id"} <= set(data["citations"][0])

    history = json.dumps([{"role": "user", "content": question}, {"role": "assistant", "content": data["answer"]}])
    follow_up = json.loads(client.predict(question="and how do I ask for it?", history_json=history, api_name="/ask"))
    assert isinstance(follow_up["refused"], bool)

    too_long = json.loads(client.predict("x" * (real_settings.max_input_chars + 1), "[]", api_name="/ask"))
    assert too_long["refused"] is True and too_long["kind"] == "error" and "characters" in too_long["answer"]
