"""Parser benchmark: what reading a question adds to an answer (rules path, no model).

    python benchmarks/parser_bench.py [--db company.duckdb] [--repeat 5]

Times `parse_question` (normalization, periods, vocabulary, entity matching, typo repair,
leftovers and the confidence check of agent/parser/confidence.py) on every question of the
eval sets in examples/eval/, against the eval demo company (built once by `revops eval` in the
user data directory, or the warehouse given with --db). The entity index is loaded once before
timing, as a running service holds it. Prints per-question milliseconds (median, p95, max) as a
markdown table for BENCHMARKS.md. Timing lives here, never in tests.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
import tomllib
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _questions() -> list[tuple[str, str, date]]:
    """(set name, question, as-of) of every eval set."""
    out = []
    for path in sorted((REPO / "examples" / "eval").glob("*-questions.toml")):
        data = tomllib.loads(path.read_text("utf-8"))
        for case in data["case"]:
            out.append((path.stem, case["question"], case.get("as_of", data["as_of"])))
    return out


def _warehouse(db: Path | None):
    import duckdb

    from agent.context import Warehouse
    from agent.evaluation import DemoSpec, demo_path
    from tools.settings import data_dir

    if db is None:
        data = tomllib.loads((REPO / "examples/eval/demo-questions.toml").read_text("utf-8"))
        db = demo_path(DemoSpec(**data["demo"]), data_dir())
        if not db.exists():
            sys.exit(f"{db} is missing: run `revops eval --questions "
                     "examples/eval/demo-questions.toml` once to build it, or pass --db")
    return Warehouse(duckdb.connect(str(db), read_only=True))


def main() -> None:
    from agent.parser.parse import parse_question

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    wh = _warehouse(args.db)
    index, calendar = wh.entities, wh.settings.calendar
    questions = _questions()
    failed = []
    for _, q, as_of in questions:  # warm caches (vocabulary, fillers, compiled patterns)
        try:
            parse_question(q, as_of=as_of, calendar=calendar, index=index)
        except Exception:  # a question the parser cannot read is counted, not timed
            failed.append(q)
    questions = [x for x in questions if x[1] not in failed]
    per_set: dict[str, list[float]] = {}
    for _ in range(args.repeat):
        for name, q, as_of in questions:
            t0 = time.perf_counter()
            parse_question(q, as_of=as_of, calendar=calendar, index=index)
            per_set.setdefault(name, []).append((time.perf_counter() - t0) * 1000)
    everything = [ms for times in per_set.values() for ms in times]
    per_set["all sets"] = everything
    if failed:
        print(f"{len(failed)} questions raised an error and are not timed: {failed[:3]}\n")
    print(f"Parser timing ({platform.processor() or platform.machine()}, Python "
          f"{platform.python_version()}, {len(questions)} questions x {args.repeat}):\n")
    print("| set | questions | median ms | p95 ms | max ms |")
    print("|---|---|---|---|---|")
    for name, times in per_set.items():
        p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
        print(f"| {name} | {len(times) // args.repeat} | {statistics.median(times):.2f} | "
              f"{p95:.2f} | {max(times):.2f} |")


if __name__ == "__main__":
    main()
