"""python -m bot: ask the assistant from the command line.

python -m bot ask "question"                 an answer and its numbered sources
python -m bot ask --json "question"          one JSON object
python -m bot ask --json --batch FILE        JSONL in ({"id", "question", "history"?}), JSONL out
python -m bot chat                           an interactive session with follow-ups
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from loa.settings import SettingsError, configure_offline


def _load_bot():  # noqa: ANN202
    from bot.assistant import Bot

    return Bot.from_defaults()


def _print_answer(answer: Any, as_json: bool, extra: dict | None = None) -> None:
    if as_json:
        print(json.dumps({**(extra or {}), **answer.to_json()}, ensure_ascii=False), flush=True)
        return
    print(answer.answer)
    if answer.path == "llm":
        from bot.wording import MESSAGES

        print(f"\n({MESSAGES['llm_written']})")
    if answer.citations:
        print("\nSources:")
        print(answer.render_sources())


def _batch(bot: Any, path: str) -> int:
    """The evaluators' interface: one JSON line out per line in, each carrying its id."""
    failures = 0
    stream = sys.stdin if path == "-" else open(path, encoding="utf-8", errors="replace")  # noqa: SIM115
    with stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            item_id: Any = f"line-{number}"
            try:
                item = json.loads(line)
                if not isinstance(item, dict):
                    raise ValueError("each line must be a JSON object")
                item_id = item.get("id", item_id)
                question = item.get("question")
                history = item.get("history") or []
                if not isinstance(question, str):
                    raise ValueError('"question" must be a string')
                if not isinstance(history, list) or not all(isinstance(t, dict) for t in history):
                    raise ValueError('"history" must be a list of {"role", "content"} objects')
                answer = bot.ask(question, history)
                print(json.dumps({"id": item_id, **answer.to_json()}, ensure_ascii=False), flush=True)
            except (ValueError, json.JSONDecodeError) as err:
                failures += 1
                print(json.dumps({"id": item_id, "error": f"line {number}: {err}"}), flush=True)
    return 1 if failures else 0


def _chat(bot: Any) -> int:
    print("Ask about Leeds SEND services (an empty line or Ctrl-D ends).")
    history: list[dict[str, str]] = []
    while True:
        try:
            question = input("\nYou: ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not question:
            return 0
        answer = bot.ask(question, history)
        print()
        _print_answer(answer, as_json=False)
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": answer.answer}]


def main(argv: list[str] | None = None) -> int:
    configure_offline()
    parser = argparse.ArgumentParser(prog="python -m bot", description="Ask the Local Offer Assistant.")
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer one question, or a batch")
    ask.add_argument("question", nargs="?", help="the question (omit with --batch)")
    ask.add_argument("--json", action="store_true", help="print JSON")
    ask.add_argument("--batch", metavar="FILE", help="JSONL of questions ('-' for standard input)")
    sub.add_parser("chat", help="an interactive session")
    args = parser.parse_args(argv)
    if args.command == "ask" and not args.batch and not (args.question or "").strip():
        parser.error("give a question, or --batch FILE")

    from loa.store import IndexUnavailable

    try:
        bot = _load_bot()
    except (IndexUnavailable, SettingsError) as err:
        message = f"The assistant can't start: {err}"
        if args.command == "ask" and args.json:
            print(json.dumps({"error": message}), flush=True)
        print(message, file=sys.stderr)
        return 2
    if args.command == "chat":
        return _chat(bot)
    if args.batch:
        try:
            return _batch(bot, args.batch)
        except OSError as err:
            print(f"cannot read {args.batch}: {err.strerror or err}", file=sys.stderr)
            return 2
    _print_answer(bot.ask(args.question), args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
