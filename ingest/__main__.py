"""python -m ingest: build or update the index from corpus/.

Exit status: 0 when every file was ingested, 1 when something was skipped
(the rest is still ingested), 2 when nothing could be done.
"""

from __future__ import annotations

import argparse
import sys

from loa.settings import Settings, SettingsError, configure_offline


def main(argv: list[str] | None = None) -> int:
    configure_offline()
    parser = argparse.ArgumentParser(prog="python -m ingest", description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="re-embed everything into a fresh index")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--services", action="store_true", help="then print the service directory, for staff to check")
    parser.add_argument(
        "--questions", action="store_true", help="then print the question bank's coverage by section and stale entries"
    )
    parser.add_argument(
        "--propose-questions",
        action="store_true",
        help="with LOA_LLM set: propose questions for sections the bank covers thinly, for staff to review",
    )
    args = parser.parse_args(argv)

    from ingest.manifest import ManifestError
    from ingest.pipeline import ingest
    from loa.store import IndexUnavailable

    try:
        settings = Settings.from_env()
        report = ingest(settings, rebuild=args.rebuild, progress=False if args.quiet else None)
    except (SettingsError, ManifestError, IndexUnavailable) as err:
        print(f"ingest: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ingest: interrupted; the previous index is still the one in use", file=sys.stderr)
        return 130
    print(report.summary())
    print(question_bank(settings, detail=args.questions))
    if args.services:
        print_services(settings)
    if args.propose_questions:
        return propose_questions(settings) or (1 if report.skipped else 0)
    return 1 if report.skipped else 0


def question_bank(settings: Settings, detail: bool = False) -> str:
    """How the question bank (corpus/questions/) fits the documents as ingested: stale entries, coverage."""
    from ingest.pipeline import load_corpus
    from ingest.questions import check, describe
    from loa.questions import QuestionBank

    bank = QuestionBank.load(settings.corpus_dir / "questions")
    coverage = check(bank, load_corpus(settings)[0])
    lines = [describe(coverage) if detail else coverage.summary()]
    if coverage.stale and not detail:
        lines.append("  (python -m ingest --questions lists them)")
    lines += [f"  skipped {error}" for error in bank.errors]
    return "\n".join(lines)


def propose_questions(settings: Settings) -> int:
    """Questions from the configured LLM for thin sections, written to corpus/questions/proposed/ for review."""
    from bot.llm.backends import make_llm
    from eval.copies import CopyCheck
    from eval.qa import LOCKED, SPLITS, load_qa
    from ingest.pipeline import load_corpus
    from ingest.propose import propose_all

    try:
        llm = make_llm(settings)
    except SettingsError as err:
        print(f"ingest: {err}", file=sys.stderr)
        return 2
    if llm is None:
        print("ingest: --propose-questions needs an LLM: set LOA_LLM (README, 'Generative answers')", file=sys.stderr)
        return 2
    checks = [CopyCheck(i.question for i in load_qa(SPLITS[split])[0]) for split in LOCKED]

    def shown(done: int, total: int, section: str) -> None:
        print(f"  [{done}/{total}] {section[:90]}", file=sys.stderr)

    try:
        proposals, files = propose_all(
            settings.corpus_dir / "questions",
            load_corpus(settings)[0],
            llm,
            lambda q: any(c.copies(q) for c in checks),
            progress=shown,
        )
    except Exception as err:  # noqa: BLE001 - an unreachable or failing LLM server: say so, write nothing more
        print(f"ingest: the LLM could not propose questions ({type(err).__name__}: {err})", file=sys.stderr)
        return 2
    print(f"proposed {len(proposals)} questions for review: " + (", ".join(str(f) for f in files) or "none"))
    return 0


def print_services(settings: Settings) -> None:
    """The serving build's service directory, as staff check it."""
    from ingest.services import describe
    from loa.services import Service
    from loa.store import IndexStore

    store = IndexStore.open(settings)
    collection = store.services_collection(store.serving_collection()[1])
    got = collection.get(include=["metadatas"]) if collection is not None else {"metadatas": []}
    print()
    print(describe([Service.from_json(m["record"]) for m in got["metadatas"]]))


if __name__ == "__main__":
    sys.exit(main())
