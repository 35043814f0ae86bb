"""An in-process model (llama-cpp) is not thread-safe: the writer lets one answer at a time use it."""

from __future__ import annotations

import threading
import time

from bot.answer import Passage
from bot.llm.verify import Check
from bot.llm.writer import LLMWriter
from tests.fakes import ScriptedLLM


class CountingLLM(ScriptedLLM):
    """Streams slowly and records how many streams ran at once."""

    active: int = 0
    most: int = 0

    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs):  # noqa: ANN003, ANN201
        inner = super().stream_complete(prompt, formatted, **kwargs)

        def gen():  # noqa: ANN202
            self.active += 1
            self.most = max(self.most, self.active)
            try:
                for chunk in inner:
                    time.sleep(0.005)
                    yield chunk
            finally:
                self.active -= 1

        return gen()


class AcceptAll:
    def check(self, sentence: str, sources) -> Check:  # noqa: ANN001
        return Check(sentence, [1])


def run_two_at_once(serial: bool) -> int:
    llm = CountingLLM(script="Portage visits families at home [1]. It is free [1].")
    writer = LLMWriter(llm, AcceptAll(), serial=serial)  # type: ignore[arg-type]
    source = [Passage.from_metadata("p1", "Portage visits families at home. It is free.", {})]
    threads = [threading.Thread(target=writer.write, args=("q", source)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return llm.most


def test_a_serial_writer_never_runs_the_model_twice_at_once() -> None:
    assert run_two_at_once(serial=True) == 1


def test_a_server_backed_writer_runs_answers_concurrently() -> None:
    assert run_two_at_once(serial=False) == 2
