"""Regenerate the README's example blocks from real runs, so the README stays true.

    python docs/readme_examples.py [--shared ../shared]

Builds the demo company (history ending 2026-11-26) and, when the public Maven export is
available, imports it; runs the example commands; rewrites the text between
`<!-- begin:NAME -->` and `<!-- end:NAME -->` markers in README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
END_DATE = "2026-11-26"
DEMO_QUESTIONS = ["what's our win rate this quarter?", "top 5 reps by bookings this year",
                  "pipeline coverage by team", "bookings in EMEA vs last year",
                  "which region has the best win rate", "quota attainment by team for Q3",
                  "how are we doing against our targets?", "which deals are at risk this quarter",
                  "NRR"]
HANDOFF_QUESTIONS = ["win rate for Zorblax", "launch a campaign for EMEA next quarter",
                     "delete all lost deals"]


def revops(*args: str) -> str:
    """Run the CLI as a user would and return its output."""
    env = {**os.environ, "COLUMNS": "110"}
    out = subprocess.run([sys.executable, "-m", "protocols.cli", *args], capture_output=True,
                         text=True, cwd=REPO, env=env, check=True)
    return out.stdout.rstrip()


def console(db: Path, as_of: str, questions: list[str]) -> list[str]:
    lines = []
    for q in questions:
        lines += [f'$ revops ask "{q}"', revops("ask", "--db", str(db), "--as-of", as_of, q)]
    return lines


def demo_block(db: Path) -> str:
    return "\n".join([
        f"The demo company (`revops demo`; history ending {END_DATE}, asked as of that date; "
        "your numbers change with the date):", "", "```console",
        *console(db, END_DATE, DEMO_QUESTIONS), "```", "",
        "It asks back instead of guessing, and hands off what is not its job:", "",
        "```console", *console(db, END_DATE, HANDOFF_QUESTIONS), "```"])


def maven_blocks(db: Path, source: Path) -> tuple[str, str]:
    summary = revops("import", "--db", str(db), "--mapping",
                     "examples/mappings/maven-crm.toml", "--source", str(source))
    summary = re.sub(r"Import \S+ from \S+", "Import 61a58ab4-... from path/to/maven-crm",
                     summary)
    lines = ["```console", "$ revops import --db maven.duckdb --mapping "
             "examples/mappings/maven-crm.toml --source path/to/maven-crm", summary]
    for q in ("win rate by regional office", "which manager's team closed the most in Q4 2017"):
        lines += [f'$ revops ask --db maven.duckdb --as-of 2017-12-31 "{q}"',
                  revops("ask", "--db", str(db), "--as-of", "2017-12-31", q)]
    body = json.loads(revops("ask", "--db", str(db), "--as-of", "2017-12-31", "--json",
                             "win rate by regional office"))
    body["request_id"] = "4f1c0e9b8a6d4d2e9f3b7c1a2d5e6f70"
    chart = (body.get("result") or {}).get("chart")
    if chart:  # the full Vega-Lite spec is long: its kind and fields, and where it is described
        body["result"]["chart"] = {
            "$schema": chart.get("$schema"),
            "layer" if "layer" in chart else "mark": "..." if "layer" in chart else chart["mark"],
            "comment": "Vega-Lite spec abbreviated here (see 'Charts and the dashboard')"}
    return "\n".join(lines + ["```"]), "```json\n" + json.dumps(body, indent=2) + "\n```"


def tools_block() -> str:
    tools = json.loads(revops("tools", "--json"))["tools"]
    rows = ["| tool | what | measures | default period |", "|---|---|---|---|"]
    for t in tools:
        measures = ", ".join(t["measures"][:5]) + (" ..." if len(t["measures"]) > 5 else "")
        rows.append(f"| `{t['name']}` | {t['description']} | {measures} | "
                    f"{t['default_period']} |")
    return "\n".join(rows)


def graph_block() -> str:
    sys.path.insert(0, str(REPO))
    from agent.diagram import mermaid

    return "```mermaid\n" + mermaid() + "\n```"


def replace(text: str, name: str, body: str) -> str:
    pattern = re.compile(rf"(<!-- begin:{name} -->\n).*?(\n<!-- end:{name} -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"README.md has no block {name}")
    return pattern.sub(lambda m: m[1] + body + m[2], text)


def main() -> None:
    """Rebuild the example data and rewrite README.md's generated blocks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = parser.parse_args()
    readme = REPO / "README.md"
    text = readme.read_text()
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "demo.duckdb"
        revops("demo", "--db", str(demo), "--end-date", END_DATE)
        text = replace(text, "demo", demo_block(demo))
        maven = args.shared / "datasets" / "maven-crm"
        if maven.exists():
            import_block, json_block = maven_blocks(Path(tmp) / "maven.duckdb", maven)
            text = replace(text, "maven", import_block)
            text = replace(text, "maven-json", json_block)
    text = replace(text, "tools", tools_block())
    text = replace(text, "graph", graph_block())
    readme.write_text(text)
    print("README.md examples regenerated")


if __name__ == "__main__":
    main()
