"""Runs the stages in order; the first that returns an Answer ends the run."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.answer import Answer
from bot.context import Asked


class Stage(Protocol):
    def __call__(self, asked: Asked) -> Answer | None: ...


class Pipeline:
    def __init__(self, stages: Sequence[Stage]) -> None:
        self.stages = list(stages)

    def run(self, asked: Asked) -> Answer:
        for stage in self.stages:
            answer = stage(asked)
            if answer is not None:
                return answer
        raise RuntimeError("no stage answered")  # the last stage always answers; a wiring mistake otherwise
