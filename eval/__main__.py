"""python -m eval: the QA benchmark, baselines side by side, speed, reports and the CI gate."""

from __future__ import annotations

import argparse
import copy
import sys
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from loa.settings import PROJECT_ROOT, Settings, SettingsError, configure_offline

THRESHOLDS = Path(__file__).parent / "thresholds.toml"


def gate_splits(results: dict[str, Any]) -> list[str]:
    """The splits the gate reads: the locked ones the run has (test, real), else the first it has."""
    from eval.qa import LOCKED

    splits = results.get("splits") or {}
    return [s for s in LOCKED if s in splits] or list(splits)[:1]


def gate(results: dict[str, Any], path: Path = THRESHOLDS) -> dict[str, Any]:
    """Compare the assistant's numbers on each locked split with its committed thresholds
    ([min] and [max] for test, [real.min] and [real.max] for real)."""
    limits = tomllib.loads(path.read_text(encoding="utf-8"))
    splits = gate_splits(results)
    checks = []
    for split in splits:
        table = limits.get("real", {}) if split == "real" else limits
        assistant = results["splits"][split]["systems"]["assistant"]
        overall = assistant["answers"]["overall"]
        invented = assistant["invented"]
        values = {name: (overall.get(name) or {}).get("value") for name in overall}
        values["invented"] = invented["contacts"] + invented["numbers"] + invented["team_names"]
        values["route_flips"] = (assistant.get("route_noise") or {}).get("rate")
        for op, bounds in ((">=", table.get("min", {})), ("<=", table.get("max", {}))):
            for metric, threshold in bounds.items():
                value = values.get(metric)
                ok = value is not None and (value >= threshold if op == ">=" else value <= threshold)
                checks.append(
                    {"split": split, "metric": metric, "value": value, "threshold": threshold, "op": op, "ok": ok}
                )
    return {"split": " and ".join(splits), "passed": all(c["ok"] for c in checks), "checks": checks}


def main(argv: list[str] | None = None) -> int:
    configure_offline()
    parser = argparse.ArgumentParser(prog="python -m eval", description=__doc__)
    parser.add_argument(
        "--split",
        choices=["dev", "test", "real", "both", "all"],
        default="all",
        help="which split to run: dev (for tuning), test or real (locked), both (dev and test) or all three side "
        "by side (the default)",
    )
    parser.add_argument("--questions", type=Path, help="run one QA file (JSONL) instead of the splits")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "eval" / "out", help="report folder")
    parser.add_argument("--only", metavar="CATEGORY", help="run one category")
    parser.add_argument("--no-baselines", action="store_true", help="skip baselines (a) and (b)")
    parser.add_argument("--no-speed", action="store_true", help="skip cold-start and ingest timings")
    parser.add_argument("--gate", action="store_true", help="exit 1 if a threshold in eval/thresholds.toml fails")
    parser.add_argument(
        "--ablation", action="store_true", help="also run the question bank's relevance parts each alone (slower)"
    )
    parser.add_argument(
        "--llm",
        nargs="?",
        const="env",
        choices=["env", "smollm2"],
        help="also evaluate generative answers: 'env' (the default) uses LOA_LLM and the other LOA_LLM_* settings; "
        "'smollm2' starts the bundled SmolLM2-135M llama-cpp server on loopback for the run",
    )
    args = parser.parse_args(argv)

    from eval.qa import CATEGORIES, SPLITS
    from eval.report import markdown_summary, write_reports
    from loa.store import IndexUnavailable

    if args.only and args.only not in CATEGORIES:
        print(f"eval: unknown category {args.only!r}; one of: {', '.join(CATEGORIES)}", file=sys.stderr)
        return 2
    if args.questions:
        files = {args.questions.stem: args.questions}
    else:
        chosen = {"all": tuple(SPLITS), "both": ("dev", "test")}.get(args.split, (args.split,))
        files = {name: path for name, path in SPLITS.items() if name in chosen}
    splits = _load_splits(files, args.only)
    if splits is None:
        return 2

    from eval.llm_server import ServerUnavailable

    try:
        settings = Settings.from_env()
        with _llm_settings(settings, args.llm) as llm_settings:
            results = run(
                settings,
                splits,
                baselines=not args.no_baselines,
                speed=not args.no_speed,
                llm=llm_settings,
                ablation=args.ablation,
            )
    except (IndexUnavailable, SettingsError, ServerUnavailable) as err:
        print(f"eval: {err}", file=sys.stderr)
        return 2
    results["meta"].update(questions_files={k: str(v) for k, v in files.items()}, only=args.only)
    results["gate"] = gate(results)
    paths = write_reports(results, args.out)
    print(markdown_summary(results))
    print("\n".join(f"{kind}: {path}" for kind, path in paths.items()))
    if args.gate:
        for check in results["gate"]["checks"]:
            mark = "ok  " if check["ok"] else "FAIL"
            bound = f"{check['op']} {check['threshold']}"
            print(f"gate {mark} {check['split']}: {check['metric']} = {check['value']} ({bound})")
        return 0 if results["gate"]["passed"] else 1
    return 0


def _load_splits(files: dict[str, Path], only: str | None) -> dict[str, tuple[list, list[str]]] | None:
    """Each split's items and malformed lines; None (after saying why) when there is nothing to run."""
    from eval.qa import load_qa

    splits = {}
    for name, path in files.items():
        try:
            items, errors = load_qa(path)
        except OSError as err:
            print(f"eval: cannot read {path}: {err.strerror or err}", file=sys.stderr)
            return None
        for error in errors:
            print(f"eval: skipped {path.name} {error}", file=sys.stderr)
        items = [i for i in items if i.category == only] if only else items
        if items:
            splits[name] = (items, errors)
    if not splits:
        print("eval: no questions to run", file=sys.stderr)
        return None
    return splits


@contextmanager
def _llm_settings(settings: Settings, which: str | None) -> Iterator[Settings | None]:
    """Settings for the generative run: none, as configured, or pointing at a SmolLM2 server started here."""
    if which is None:
        yield None
    elif which == "env":
        if settings.llm == "none":
            raise SettingsError("--llm needs LOA_LLM (ollama, openai-like or llama-cpp), or use --llm smollm2")
        yield settings
    else:
        from eval.llm_server import ALIAS, smollm2_server

        with smollm2_server(settings.llm_context_tokens) as base_url:
            yield settings.with_(llm="openai-like", llm_base_url=base_url, llm_model=ALIAS, llm_api_key="")


def run(
    settings: Settings,
    splits: dict[str, tuple[list, list[str]]],
    *,
    baselines: bool,
    speed: bool,
    llm: Settings | None = None,
    ablation: bool = False,
) -> dict[str, Any]:
    """Every system on every split (the same bot and index), then speed once."""
    from bot.assistant import Bot
    from eval.evidence import EvidenceLocator
    from eval.runner import route_speed, timestamp
    from ingest.pipeline import load_corpus

    docs, _ = load_corpus(settings.with_(llm="none"))
    locator = EvidenceLocator({d.info.file: d.text for d in docs})
    bot = Bot.from_defaults(settings.with_(llm="none"))
    results_by_split = {
        name: _run_split(bot, docs, locator, items, errors, baselines=baselines, llm=llm)
        for name, (items, errors) in splits.items()
    }
    if ablation and bot.relevance is not None:
        from eval.tune_relevance import ablation as designs

        for name, (items, _) in splits.items():
            results_by_split[name]["ablation"] = designs(bot, items, locator)
    first = next(iter(results_by_split.values()))["systems"]["assistant"]["latency_ms"]
    timings: dict[str, Any] = {"warm_p50_ms": first["p50"], "warm_p95_ms": first["p95"]}
    timings.update(route_speed(bot, next(iter(splits.values()))[0]))
    if speed:
        from eval.speed import measure

        timings.update(measure(settings))
    import resource

    timings["eval_peak_memory_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return {
        "meta": {
            "date": timestamp(),
            "n_items": {name: len(items) for name, (items, _) in splits.items()},
            "settings": {
                "top_k": settings.top_k,
                "chunk_tokens": settings.chunk_tokens,
                "chunk_overlap": settings.chunk_overlap,
            },
        },
        "splits": results_by_split,
        "speed": timings,
    }


def _run_split(bot, docs, locator, items: list, errors: list[str], *, baselines: bool, llm) -> dict[str, Any]:  # noqa: ANN001
    from bot.llm.wiring import writer_from_settings
    from eval.noise import route_flips
    from eval.runner import ratios, run_assistant, run_baseline

    assistant, failures = run_assistant(bot, items, locator)
    systems = {"assistant": {**assistant.results(), "route_noise": route_flips(bot, items)}}
    if llm is not None:
        generative = copy.copy(bot)
        generative.writer = writer_from_settings(llm, bot)
        label = f"Generative ({llm.llm}{', ' + llm.llm_model if llm.llm_model else ''}), verified"
        systems["assistant_llm"] = run_assistant(generative, items, locator, label)[0].results()
    if baselines:
        from eval.baselines import BM25Top3, LlamaIndexDefaults

        cleaned = {d.info.file: (d.text, {"title": d.info.title, "status": d.info.status}) for d in docs}
        for name, system in (
            ("llama_index_defaults", LlamaIndexDefaults(cleaned, bot.retriever.embed_model)),
            ("bm25_top3", BM25Top3(bot.retriever.nodes, bot.retriever.passages)),
        ):
            systems[name] = run_baseline(system, items, locator).results()
    return {
        "n_items": len(items),
        "systems": systems,
        "ratios": ratios(systems) if baselines else {},
        "failures": failures[:60],
        "errors": errors,
    }


if __name__ == "__main__":
    sys.exit(main())
