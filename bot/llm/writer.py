"""Generative answers: the LLM writes from numbered sources, and only verified sentences are kept.

The writer never decides whether to answer (the extractive gate does) and never raises: a
model that is down, slow, off-topic or inventive yields ``fallback``, and the bot then
gives its extractive answer.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot.answer import Citation, Passage
from bot.citing import cite
from bot.llm.verify import Check, Verifier
from bot.text import EMAIL, PHONE, URL, contacts, numbers, split_units

log = logging.getLogger(__name__)
PROMPT = (Path(__file__).parent.parent / "prompts" / "answer.txt").read_text(encoding="utf-8")
_QUOTED = re.compile(r"(.+?)((?:\s*\[\d+\])+)", re.S)  # 'sentence [1] [2]' with its markers
_ITEM = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")
_MARKS_AFTER_STOP = re.compile(r"([.!?])[ \t]*((?:\[[^\]\n]{0,20}\d[^\]\n]{0,20}\][ \t]*)+)")


@dataclass(frozen=True)
class WriterSettings:
    min_kept_share: float = 0.5  # below this share of verified sentences, the extractive answer is used
    max_sentences: int = 8  # sentences read from the model; the rest are ignored
    # Fail fast, so nobody waits for a fallback: stop reading once this many sentences failed and
    # they outnumber those that stood, or once a "sentence" runs this long without ending.
    give_up_after: int = 2
    max_sentence_chars: int = 600
    # the whole answer's deadline (LOA_LLM_TIMEOUT): a client's timeout is per read, and a model streaming a
    # token every few milliseconds never trips it however long the answer takes
    deadline_seconds: float | None = None


@dataclass
class Written:
    pieces: list[str] = field(default_factory=list)  # verified sentences, markers renumbered to `citations`
    citations: list[Citation] = field(default_factory=list)
    used: list[tuple[str, int]] = field(default_factory=list)  # (passage id, sentence) each piece rests on
    checks: list[Check] = field(default_factory=list)  # every generated sentence with its verdict
    fallback: str = ""  # why the extractive answer should be used instead; empty when this one stands
    seconds: float = 0.0
    first_piece_seconds: float | None = None  # when the first verified sentence was ready
    first_sentence_seconds: float | None = None  # when the model finished its first sentence, verified or not

    @property
    def removed(self) -> int:
        return sum(not c.kept for c in self.checks)

    def report(self) -> dict:
        """What the answer's JSON says about its generation (``Answer.generation``)."""
        return {
            "sentences": len(self.checks),
            "removed": self.removed,
            "fallback": self.fallback,
            "seconds": round(self.seconds, 3),
            "first_verified_seconds": _rounded(self.first_piece_seconds),
            "first_sentence_seconds": _rounded(self.first_sentence_seconds),
            "removed_reasons": [c.reason for c in self.checks if not c.kept],
            # contacts, figures, dates and names the model wrote that its sources lack (all removed)
            "invented": sorted({fact for c in self.checks for fact in c.unsupported}),
        }


def _rounded(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 3)


def render_sources(passages: Sequence[Passage]) -> str:
    blocks = []
    for n, p in enumerate(passages, start=1):
        draft = f" ({p.status_label})" if p.is_draft else ""
        lines = (" ".join(line.split()) for line in p.text.split("\n"))
        text = "\n".join(line for line in lines if line)  # list items stay on their own lines
        blocks.append(f"[{n}] {p.title}{draft}: {p.section}\n{text}")
    return "\n\n".join(blocks)


def sentences_of(text: str) -> list[str]:
    """The model's answer as sentences and list items, in order."""
    # 'text. [1] Next' -> 'text [1]. Next', so sentences split where they end
    text = _MARKS_AFTER_STOP.sub(lambda m: f" {m.group(2).strip()}{m.group(1)} ", text)
    out: list[str] = []
    for line in text.replace("\r", "").split("\n"):
        if not line.strip():
            continue
        if _ITEM.match(line):
            out.append("• " + _ITEM.sub("", line).strip())
            continue
        out += [u.text for u in split_units(line, 0)]
    return out


class LLMWriter:
    def __init__(
        self,
        llm,  # noqa: ANN001 - any llama-index LLM
        verifier: Verifier,
        config: WriterSettings | None = None,
        prompt: str = PROMPT,
        serial: bool = False,
    ) -> None:
        self.llm = llm
        self.verifier = verifier
        self.config = config or WriterSettings()
        self.template = prompt
        # an in-process model (llama-cpp) is not thread-safe: the app's concurrent answers take turns
        self._turn = threading.Lock() if serial else contextlib.nullcontext()

    def prompt(self, question: str, passages: Sequence[Passage]) -> str:
        return self.template.format(sources=render_sources(passages), question=" ".join(question.split()))

    def write(
        self, question: str, passages: Sequence[Passage], on_piece: Callable[[str], None] | None = None
    ) -> Written:
        """Stream the model's answer, verifying each sentence as soon as it is complete."""
        with self._turn:
            return self._write(question, passages, on_piece)

    def _write(self, question: str, passages: Sequence[Passage], on_piece: Callable[[str], None] | None) -> Written:
        started = time.perf_counter()
        written = Written()
        numbers: dict[int, int] = {}  # prompt source number -> citation number
        try:
            for sentence in self._sentences(self.prompt(question, passages)):
                if written.first_sentence_seconds is None:
                    written.first_sentence_seconds = time.perf_counter() - started
                check = self.verifier.check(sentence, passages)
                written.checks.append(check)
                if not check.kept:
                    if written.removed >= self.config.give_up_after and written.removed > len(written.pieces):
                        break  # off the rails: the answer can no longer be mostly verified
                    continue
                for n in check.cited:
                    numbers.setdefault(n, cite(written.citations, passages[n - 1]))
                marks = " ".join(f"[{numbers[n]}]" for n in check.cited)
                text = check.text.removeprefix("• ")
                piece = f"- {text} {marks}" if check.text.startswith("• ") else f"{text} {marks}"
                written.pieces.append(piece)
                if check.best:
                    written.used.append(check.best)
                if written.first_piece_seconds is None:
                    written.first_piece_seconds = time.perf_counter() - started
                if on_piece is not None:
                    on_piece(piece)
                if len(written.checks) >= self.config.max_sentences:
                    break
        except Exception as err:  # noqa: BLE001 - any failure of the model means the extractive answer
            written.fallback = failure_reason(err)
            log.warning("the LLM failed (%s): %s: %s", written.fallback, type(err).__name__, str(err)[:200])
        written.seconds = time.perf_counter() - started
        if not written.fallback:
            if not written.checks:
                written.fallback = "malformed"
            elif not written.pieces or len(written.pieces) < self.config.min_kept_share * len(written.checks):
                written.fallback = "unverified"
        return written

    def _sentences(self, prompt: str) -> Iterator[str]:
        """Complete sentences as the model streams them: a sentence is complete once the next one begins."""
        text, emitted = "", 0
        deadline = self.config.deadline_seconds
        started = time.perf_counter()
        for chunk in self.llm.stream_complete(prompt):
            if deadline is not None and time.perf_counter() - started > deadline:
                raise TimeoutError(f"the model took longer than {deadline:g} s")
            text += chunk.delta or ""
            done = sentences_of(text)
            while len(done) - 1 > emitted:  # the last one may still be growing
                yield done[emitted]
                emitted += 1
            if done and len(done[-1]) > self.config.max_sentence_chars:
                break  # no sentence ends: a list of sources echoed back, or a ramble
        yield from sentences_of(text)[emitted:]


def details(text: str) -> set[str]:
    """The contacts and figures in a text: what a reader must get exactly."""
    bare = re.sub(r"\[\d+\]", " ", text)
    return contacts(bare) | numbers(PHONE.sub(" ", EMAIL.sub(" ", URL.sub(" ", bare))))


def missing_details(written: Written, quoted: Sequence[str], quoted_citations: Sequence[Citation]) -> list[str]:
    """The extractive answer's sentences holding contacts or figures the generated answer left out.

    A model's summary may drop the phone number or the age limit a family needs; those sentences
    are returned as the documents write them, their sources added to ``written.citations``.
    """
    have = details(" ".join(written.pieces))
    by_number = {c.n: c for c in quoted_citations}
    added: list[str] = []
    for piece in quoted:
        bullet = piece.startswith("- ")
        for text, marks in _QUOTED.findall(piece.removeprefix("- ")):
            cited = [by_number[int(n)] for n in re.findall(r"\d+", marks) if int(n) in by_number]
            if not details(text) - have or not cited:
                continue
            numbers_now = []
            for c in cited:
                n = next((w.n for w in written.citations if w.chunk_id == c.chunk_id), None)
                if n is None:
                    n = len(written.citations) + 1
                    written.citations.append(replace(c, n=n))
                numbers_now.append(n)
            line = f"{text.strip()} " + " ".join(f"[{n}]" for n in numbers_now)
            added.append(f"- {line}" if bullet else line)
            have |= details(text)
    return added


def failure_reason(err: BaseException) -> str:
    """Classify a model failure for the note the person sees."""
    name = type(err).__name__.lower()
    message = str(err).lower()
    if "timeout" in name or "timed out" in message:
        return "timeout"
    if "context" in message and any(w in message for w in ("length", "exceed", "too long", "window", "tokens")):
        return "too long"
    if "connect" in name or "connection" in message or "refused" in message:
        return "unreachable"
    return "error"
