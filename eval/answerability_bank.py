"""The question bank as answerability data: each question's signals read with its writer's questions held out.

Dev has 185 questions that reach the decide stage; the bank has about 3,000, by twelve writers blind to the
code and the locked splits, with 380 hard negatives. A bank question's own entry would make its bank signals
perfect, so the writers are split into four groups, and each group's questions are asked of a bot whose
relevance model (bank index and sentence selector) was built from the other three groups' questions only: the
signals a new user's question gets. About 8 minutes on 2 cores; cached by the bank's and the index's hashes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from loa.questions import BankEntry, parse_entry
from loa.settings import Settings

log = logging.getLogger(__name__)
GROUPS = 4  # writer groups: each is held out once


def writer_groups(entries: list[dict], groups: int = GROUPS) -> list[list[str]]:
    writers = sorted({e.get("written_by", "") for e in entries})
    return [writers[i::groups] for i in range(groups)]


def _held_out_bot(settings: Settings, kept_lines: dict[str, list[str]], folder: Path):  # noqa: ANN202
    """A bot whose relevance model reads only ``kept_lines`` of the bank (written to ``folder``)."""
    from bot.assistant import Bot

    folder.mkdir(parents=True, exist_ok=True)
    for name, lines in kept_lines.items():
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Bot.from_defaults(settings, questions_dir=folder)


def _parsed(lines: list[str]) -> Iterator[tuple[str, BankEntry]]:
    """Each readable line with its entry, read as the bank is (loa/questions.py); a bad line is left out there too."""
    for line in lines:
        if line.strip():
            with suppress(ValueError):
                yield line, parse_entry(json.loads(line))


def bank_rows(settings: Settings, progress: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Signals, labels (1: nothing answers it) and writer group of every bank question that reaches decide."""
    from eval.tune_answerable import decide_stage_rows
    from loa.store import IndexStore

    questions = settings.corpus_dir / "questions"
    files = {p.name: p.read_text(encoding="utf-8").splitlines() for p in sorted(questions.glob("*.jsonl"))}
    index = IndexStore.open(settings).serving_collection()[1].name
    key = hashlib.sha256(json.dumps(files, sort_keys=True).encode() + index.encode()).hexdigest()[:16]
    cache = settings.cache_dir / f"answerability-bank-{key}.npz"
    if cache.is_file():
        with np.load(cache) as stored:
            return stored["x"], stored["y"], stored["group"]
    entries = {name: list(_parsed(lines)) for name, lines in files.items()}
    groups = writer_groups([{"written_by": e.written_by} for rows in entries.values() for _, e in rows])
    xs, ys, gs = [], [], []
    for g, held in enumerate(groups):
        kept = {name: [line for line, e in rows if e.written_by not in held] for name, rows in entries.items()}
        asked = [
            SimpleNamespace(
                question=e.question,
                history=[{"role": "user", "content": e.previous}] if e.previous else [],
                refusal_expected=e.negative,
            )
            for rows in entries.values()
            for _, e in rows
            if e.written_by in held
        ]
        with tempfile.TemporaryDirectory() as tmp:
            bot = _held_out_bot(settings, kept, Path(tmp) / "questions")
            x, y = decide_stage_rows(bot, asked)
        xs.append(x), ys.append(y), gs.append(np.full(len(y), g))
        if progress:
            print(f"  writers {', '.join(held)} held out: {len(y)} of {len(asked)} questions reach decide", flush=True)
    x, y, group = np.concatenate(xs), np.concatenate(ys), np.concatenate(gs)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez(cache, x=x, y=y, group=group)
    except OSError as err:
        log.warning("could not cache %s: %s", cache.name, err)
    return x, y, group
