"""python -m eval.tune: the sweeps that chose the retrieval and answer settings.

  python -m eval.tune retrieval     hit@k and MRR for retriever variants (uses the current index)
  python -m eval.tune answers       key facts and citations for composer settings
  python -m eval.tune chunks        re-ingests at several chunk sizes into temporary indexes
  python -m eval.tune gate          false answers and false refusals for refusal-gate thresholds
  python -m eval.tune answerability fits the answerability model (bot/data/answerability.json)
  python -m eval.tune verify        support thresholds for generated sentences (bot/llm/verify.py)
  python -m eval.tune route         route-stage thresholds, the rules kept beside its classifier, and the
                                    question-bank rule (also on eval/route_blind.jsonl, written blind)
  python -m eval.tune relevance     the question bank's relevance parts, each alone and together (ablation)

Every sweep reads the dev split only (and data written blind to the locked splits). Results are printed
as Markdown tables; eval/README.md records the last run.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from loa.settings import Settings, configure_offline


def _setup(settings: Settings):  # noqa: ANN202
    from bot.assistant import Bot
    from eval.evidence import EvidenceLocator
    from eval.qa import DEV_FILE, load_qa
    from ingest.pipeline import load_corpus

    docs, _ = load_corpus(settings)
    locator = EvidenceLocator({d.info.file: d.text for d in docs})
    items, _ = load_qa(DEV_FILE)  # tuning reads dev only: the test split is locked
    bot = Bot.from_defaults(settings)
    cache: dict[str, object] = {}
    original = bot.retriever.embed_query

    def cached(text: str):  # noqa: ANN202
        if text not in cache:
            cache[text] = original(text)
        return cache[text]

    bot.retriever.embed_query = cached  # type: ignore[method-assign]
    return bot, items, locator


def retrieval_table(bot, items, locator, variants: dict[str, object]) -> list[str]:  # noqa: ANN001
    from bot.retrieve import HybridRetriever
    from eval.metrics import locate_all, retrieval_metrics
    from eval.runner import _rank

    rows = ["| variant | hit@1 | hit@3 | hit@5 | hit@10 | MRR |", "|---|---|---|---|---|---|"]
    base = bot.retriever
    for name, config in variants.items():
        hybrid = HybridRetriever.__new__(HybridRetriever)
        hybrid.__dict__.update(base.__dict__)
        HybridRetriever._build_fusion(hybrid, config)
        bot.retriever = hybrid
        ranks = []
        for item in items:
            spans = locate_all(locator, item)
            if spans and item.answerable:
                ranks.append(_rank(bot.search(item.question, list(item.history)), spans))
        m = retrieval_metrics(ranks)
        rows.append(
            f"| {name} | {m['hit@1']:.3f} | {m['hit@3']:.3f} | {m['hit@5']:.3f} | {m['hit@10']:.3f} | {m['mrr']:.3f} |"
        )
        print(rows[-1], file=sys.stderr)
    bot.retriever = base
    return rows


def main(argv: list[str] | None = None) -> int:
    configure_offline()
    parser = argparse.ArgumentParser(prog="python -m eval.tune", description=__doc__)
    parser.add_argument(
        "what", choices=["retrieval", "answers", "chunks", "gate", "verify", "route", "answerability", "relevance"]
    )
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    from bot.retrieve import RetrievalSettings

    if args.what == "retrieval":
        bot, items, locator = _setup(settings)
        d = RetrievalSettings()
        variants = {
            "dense only": replace(d, sparse_k=0, sentence_k=0),
            "BM25 only": replace(d, dense_k=0, sentence_k=0),
            "best sentence only": replace(d, dense_k=0, sparse_k=0),
            "dense + BM25 (RRF)": replace(d, sentence_k=0),
            "dense + BM25 + best sentence (RRF)": d,
            "dense + BM25 + best sentence (relative score)": replace(d, mode="relative_score"),
            "dense + BM25 + best sentence (distance-based)": replace(d, mode="dist_based_score"),
            "... RRF, dense on the expanded question": replace(d, expand_dense=True),
        }
        print("\n".join(retrieval_table(bot, items, locator, variants)))
    elif args.what == "answers":
        print(answers_table(settings))
    elif args.what == "gate":
        print(gate_table(settings))
    elif args.what == "verify":
        print(verify_table(settings))
    elif args.what == "answerability":
        from eval.tune_answerable import answerability_table

        print(answerability_table(settings))
    elif args.what == "route":
        from eval.tune_route import route_table, vague_table

        print(route_table(settings))
        print("\n" + vague_table(settings))
    elif args.what == "relevance":
        from eval.tune_relevance import VARIANTS, relevance_table

        print(relevance_table(*_setup(settings), VARIANTS))
    else:
        print(chunks_table(settings))
    return 0


def answers_table(settings: Settings) -> str:
    from bot.compose import ComposeSettings
    from eval.runner import run_assistant

    bot, items, locator = _setup(settings)
    rows = [
        "| w_unit | w_lexical | max_lead | follow | key facts | all facts | cit. precision | cit. recall |",
        "|---|---|---|---|---|---|---|---|",
    ]
    answerable = [i for i in items if i.answerable]
    for w_unit, w_lex, max_lead, follow in itertools.product((0.4, 0.5, 0.6), (0.2, 0.3), (3, 4), (0.65, 0.75)):
        bot.composer.config = replace(
            ComposeSettings(),
            w_unit=w_unit,
            w_lexical=w_lex,
            w_passage=round(1 - w_unit - w_lex, 2),
            max_lead=max_lead,
            follow_ratio=follow,
        )
        run, _ = run_assistant(bot, answerable, locator)
        o = run.results()["answers"]["overall"]
        values = " | ".join(
            f"{o[m]['value']:.3f}" for m in ("key_facts", "key_facts_all", "citation_precision", "citation_recall")
        )
        rows.append(f"| {w_unit} | {w_lex} | {max_lead} | {follow} | {values} |")
        print(rows[-1], file=sys.stderr)
    return "\n".join(rows)


def gate_table(settings: Settings) -> str:
    """The refusal gate's two signals for every question the screening lets through, and the best thresholds."""
    from bot.guard import screen

    bot, items, _ = _setup(settings)
    rows = []
    for item in items:
        checked = screen(item.question)
        if item.route != "answer" or not checked.question.strip(" ?.!"):
            continue
        evidence = bot.gather(checked.question, list(item.history))
        rows.append((item.refusal_expected, evidence.best_unit, evidence.coverage))
    results = []
    for floor, dense, coverage in itertools.product(
        (0.25, 0.3, 0.35, 0.4), (0.4, 0.45, 0.5, 0.55, 0.6, 0.65), (0.4, 0.5, 0.6, 0.7, 0.8, 1.01)
    ):
        answers = [unit >= floor and (unit >= dense or cov >= coverage) for _, unit, cov in rows]
        false_answers = sum(1 for (refuse, _, _), a in zip(rows, answers) if refuse and a)
        false_refusals = sum(1 for (refuse, _, _), a in zip(rows, answers) if not refuse and not a)
        results.append((false_answers + false_refusals, false_answers, false_refusals, floor, dense, coverage))
    results.sort()
    out = [
        f"{len(rows)} questions, {sum(r[0] for r in rows)} expecting a refusal (before the figure/name/contact rules)",
        "| floor | min similarity | min coverage | false answers | false refusals |",
        "|---|---|---|---|---|",
    ]
    out += [f"| {r[3]} | {r[4]} | {r[5]} | {r[1]} | {r[2]} |" for r in results[:10]]
    return "\n".join(out)


def verify_table(settings: Settings) -> str:
    """Calibrate sentence support on the eval set.

    Supported pairs: each sentence of an item's reference answer (a plain-language paraphrase)
    with the retrieved passages that hold its evidence. Unsupported pairs: the same sentence
    with the best-ranked retrieved passage that does not (the wrong source a model might cite).
    """
    from bot.llm.wiring import verifier_for
    from bot.text import split_units
    from eval.metrics import locate_all
    from eval.runner import overlaps

    bot, items, locator = _setup(settings)
    verifier = verifier_for(bot)
    pairs: list[tuple[bool, float, float, bool]] = []  # (supported, similarity, overlap, facts all found)
    for item in items:
        spans = locate_all(locator, item)
        if not (item.answerable and spans and item.answer):
            continue
        passages = bot.search(item.question, list(item.history))[: settings.top_k]
        holds = [any(overlaps(s, p.doc, p.start, p.end) for s in spans) for p in passages]
        gold = [p for p, h in zip(passages, holds) if h]
        wrong = [p for p, h in zip(passages, holds) if not h][:1]
        for unit in split_units(item.answer, 0):
            for label, cited in ((True, gold), (False, wrong)):
                if cited:
                    sim, _ = verifier.similarity(unit.text, cited)
                    facts_ok = not verifier.unsupported_facts(unit.text, cited)
                    pairs.append((label, sim, verifier.overlap(unit.text, cited), facts_ok))
    positives = sum(p[0] for p in pairs)
    rows = []
    for min_sim, min_overlap in itertools.product((0.0, 0.4, 0.5, 0.55, 0.6, 0.7), (0.0, 0.4, 0.5, 0.6, 0.7)):
        kept = [(label, facts and sim >= min_sim and ov >= min_overlap) for label, sim, ov, facts in pairs]
        recall = sum(k for label, k in kept if label) / max(positives, 1)
        false_support = sum(k for label, k in kept if not label) / max(len(pairs) - positives, 1)
        rows.append((min_sim, min_overlap, recall, false_support))
    facts_ok = [f for label, *_, f in pairs if label]
    out = [
        f"{positives} supported and {len(pairs) - positives} unsupported sentence/source pairs; "
        f"the fact check alone passes {sum(facts_ok) / max(len(facts_ok), 1):.1%} of supported sentences",
        "Kept = all contacts, figures, dates and names found, and both thresholds met.",
        "| min similarity | min overlap | supported kept | unsupported kept |",
        "|---|---|---|---|",
    ]
    out += [f"| {a} | {b} | {r:.3f} | {f:.3f} |" for a, b, r, f in rows]
    return "\n".join(out)


def chunks_table(settings: Settings) -> str:
    from ingest.pipeline import ingest

    rows = ["| chunk tokens | chunks | hit@1 | hit@5 | MRR | key facts |", "|---|---|---|---|---|---|"]
    for size in (96, 128, 160, 200, 256):
        with tempfile.TemporaryDirectory(prefix="loa-tune-") as tmp:
            trial = replace(settings, index_dir=Path(tmp), chunk_tokens=size, chunk_overlap=min(20, size // 8))
            report = ingest(trial, progress=False, say=lambda m: None)
            from eval.runner import run_assistant

            bot, items, locator = _setup(trial)
            run, _ = run_assistant(bot, items, locator)
            r = run.results()
            rows.append(
                f"| {size} | {report.chunks} | {r['retrieval']['hit@1']:.3f} | {r['retrieval']['hit@5']:.3f}"
                f" | {r['retrieval']['mrr']:.3f} | {r['answers']['overall']['key_facts']['value']:.3f} |"
            )
            print(rows[-1], file=sys.stderr)
    return "\n".join(rows)


if __name__ == "__main__":
    sys.exit(main())
