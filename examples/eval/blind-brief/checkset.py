"""Check a blind question set (BLIND.md beside this file): it loads, every expected reading
runs, groups and statuses are sane.

    python /work/brief/checkset.py FILE            # check a set
    python /work/brief/checkset.py --catalog       # tools, measures, options, default periods
    python /work/brief/checkset.py --values        # the demo company's values per dimension
"""
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))  # the repository
from agent import evaluation as ev  # noqa: E402
from agent.context import Warehouse  # noqa: E402
from agent.scope import Category  # noqa: E402
from protocols.cli.common import settings  # noqa: E402
from tools.registry import TOOLS  # noqa: E402
from tools.settings import data_dir  # noqa: E402

SPEC = ev.DemoSpec(end_date="2026-11-26")


def warehouse():
    from protocols.cli.common import build_demo, read_only
    path = ev.demo_path(SPEC, data_dir())
    if not path.exists():
        print(f"building the demo company in {path} (one time, a minute)...", file=sys.stderr)
        build_demo(path, seed=SPEC.seed, opportunities=SPEC.opportunities,
                   end_date=SPEC.end_date, fiscal_year_start_month=SPEC.fiscal_year_start_month)
    return Warehouse(read_only(path), settings().warehouse.answer_cache)


def catalog():
    for name, t in sorted(TOOLS.items()):
        print(f"## {name}: {t.title}\n  {t.description}\n  measures: {', '.join(t.measures)}"
              f" (first = default)\n  default period: {t.default_period}\n"
              f"  dimensions: {', '.join(d.value for d in t.group_by)}")
        for k, o in t.options.items():
            print(f"  option {k}: {o}")


def values():
    wh = warehouse()
    con = wh.cursor()
    dims = con.execute("select distinct dimension from v_entity_values order by 1").fetchall()
    for (dim,) in dims:
        rows = [r[0] for r in con.execute(
            "select label from v_entity_values where dimension = ? order by 1", [dim]).fetchall()]
        shown = rows if len(rows) <= 60 else rows[:60] + [f"... ({len(rows)} in all)"]
        print(f"{dim}: {', '.join(map(str, shown))}")
    for col in ("stage", "forecast_category"):
        rows = con.execute(f"select distinct {col} from v_opps order by 1").fetchall()
        print(f"{col}: {', '.join(str(r[0]) for r in rows)}")


def check(path):
    qset = ev.load_questions(path)
    wh = warehouse()
    problems = []
    cats = set(Category.__args__)
    for i, case in enumerate(qset.cases, 1):
        where = f"case {i} ({case.question[:60]!r})"
        if case.status == "answered":
            if not case.tool:
                problems.append(f"{where}: answered but no tool")
                continue
            try:
                ev.run_expected(wh, case, case.as_of or qset.as_of)
            except Exception as exc:  # report every problem, never stop at the first
                problems.append(f"{where}: {exc}")
        elif case.status == "escalated" and case.category not in cats:
            problems.append(f"{where}: escalated needs category in {sorted(cats)}")
        elif case.status == "error":
            problems.append(f"{where}: status error is not a reading")
    groups = Counter(c.group for c in qset.cases if c.group)
    for g, n in groups.items():
        if n < 4:
            problems.append(f"group {g}: {n} cases (want 4)")
    dup = [q for q, n in Counter(c.question for c in qset.cases).items() if n > 1]
    problems += [f"duplicate question {q!r}" for q in dup]
    print(f"{path}: {len(qset.cases)} cases; status {dict(Counter(c.status for c in qset.cases))};"
          f" groups {dict(groups)}")
    for p in problems:
        print("PROBLEM", p)
    print("OK" if not problems else f"{len(problems)} problems")
    return 0 if not problems else 1


if __name__ == "__main__":
    arg = sys.argv[1] if len(sys.argv) > 1 else "--help"
    if arg == "--catalog":
        catalog()
    elif arg == "--values":
        values()
    elif arg.startswith("-"):
        print(__doc__)
    else:
        sys.exit(check(Path(arg)))
