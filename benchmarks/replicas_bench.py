"""Throughput and latency of `revops serve` replicas on one machine, and what each request costs.

    python benchmarks/replicas_bench.py [--seconds 20] [--clients 50] [--data-dir bench-data]

Runs the same closed-loop load (N clients, each sending its next task when the last one is
answered, spread round-robin over the replicas) against: one replica on SQLite state (the
default), one replica on PostgreSQL state, and three replicas on one PostgreSQL database. The
tasks mix explicit tool calls, plain questions and escalations (which go through the outbox to a
stub hub). Reported: requests/s, p50/p99 latency, and per-request costs measured from /proc
(replica CPU, PostgreSQL CPU, the load generator's own CPU) and pg_stat_database (transactions),
from which docs/scaling.md estimates what a given rate needs. Results go into BENCHMARKS.md
between the replicas markers (the rest of the file is left as it is). Timing lives here, never
in tests. Loopback only: the PostgreSQL server is a throwaway one started from its binaries.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.pg_server import free_port, new_database, postgres_server  # noqa: E402

BEGIN, END_MARK = "<!-- replicas:begin -->", "<!-- replicas:end -->"
AS_OF = "2026-11-26"
TOKEN = "bench-hub-token-0123456789abcdef"
TOOLS = [("win_rate", {"group_by": ["region"]}), ("bookings", {"group_by": ["segment"]}),
         ("pipeline_coverage", {}), ("sales_cycle", {})]
QUESTIONS = ["what's our win rate this quarter?", "top 5 reps by bookings this year",
             "open pipeline by stage", "average deal size by segment this year"]
ESCALATING = "launch a campaign for Q1"
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def children_cpu(parent: int) -> float:
    """CPU seconds of a process and its live children (a PostgreSQL server's backends)."""
    total = cpu_seconds(parent)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            total += (int(fields[11]) + int(fields[12])) / TICKS
    return total


def postmaster_pid(url: str) -> int:
    import psycopg

    with psycopg.connect(f"{url}/postgres") as con:
        data_dir = con.execute("show data_directory").fetchone()[0]
    return int(Path(data_dir, "postmaster.pid").read_text().split()[0])


def pg_transactions(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as con:
        return con.execute("select xact_commit + xact_rollback from pg_stat_database"
                           " where datname = current_database()").fetchone()[0]


class StubHub:
    """Acknowledges every escalation at once (the hub is not what is measured)."""

    def __init__(self) -> None:
        self.received = 0

        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
                self.rfile.read(int(self.headers["Content-Length"]))
                hub.received += 1
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/escalations"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Run:
    """One configuration's measurements."""

    label: str
    replicas: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    replica_cpu: float = 0.0
    pg_cpu: float | None = None
    client_cpu: float = 0.0
    pg_tx: int | None = None

    @property
    def done(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.done / self.seconds

    def pct(self, q: float) -> float:
        return statistics.quantiles(self.latencies, n=100)[int(q) - 1] * 1000


def start_replicas(n: int, db: Path, env: dict[str, str]) -> list[tuple[subprocess.Popen, str]]:
    procs = []
    for _ in range(n):
        port = free_port()
        log = tempfile.TemporaryFile("w+")  # noqa: SIM115 - read back if the replica fails
        proc = subprocess.Popen([sys.executable, "-m", "protocols.cli", "serve", "--db", str(db),
                                 "--port", str(port)], cwd=REPO, env=env,
                                stdout=subprocess.DEVNULL, stderr=log)
        proc.log = log  # type: ignore[attr-defined]
        procs.append((proc, f"http://127.0.0.1:{port}"))
    import httpx

    for proc, url in procs:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                proc.log.seek(0)  # type: ignore[attr-defined]
                raise RuntimeError(f"replica {url} exited with {proc.returncode}: "
                                   f"{proc.log.read()[-2000:]}")  # type: ignore[attr-defined]
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"replica {url} did not start")
            time.sleep(0.2)
    return procs


def task_body(n: int) -> dict:
    body = {"task_id": f"b-{time.time_ns()}-{n}", "sender": "hub", "as_of": AS_OF}
    kind = n % 10
    if kind == 0:
        return {**body, "question": ESCALATING}
    if kind <= 3:
        return {**body, "question": QUESTIONS[n % len(QUESTIONS)]}
    tool, params = TOOLS[n % len(TOOLS)]
    return {**body, "tool": tool, "params": params}


async def load(urls: list[str], clients: int, warmup: float, seconds: float,
               run: Run) -> None:
    """Closed loop: each client sends its next task as soon as the last one is answered."""
    import httpx

    counter = itertools.count()
    start = time.monotonic()
    measure_from, stop_at = start + warmup, start + warmup + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=60, limits=limits,
                                 headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        async def worker() -> None:
            while True:
                n = next(counter)
                began = time.monotonic()
                if began >= stop_at:
                    return
                try:
                    reply = await client.post(f"{urls[n % len(urls)]}/v1/tasks",
                                              json=task_body(n))
                    ok = reply.status_code == 200
                except httpx.HTTPError:
                    ok = False
                ended = time.monotonic()
                if began >= measure_from and ended <= stop_at:
                    if ok:
                        run.latencies.append(ended - began)
                    else:
                        run.errors += 1

        await asyncio.gather(*(worker() for _ in range(clients)))


def measure(label: str, n: int, db: Path, env: dict[str, str], args: argparse.Namespace,
            pg: tuple[str, int] | None) -> Run:
    run = Run(label, n)
    procs = start_replicas(n, db, env)
    try:
        urls = [u for _, u in procs]
        # warm every replica (entity index, first graph run) before anything is measured
        asyncio.run(load(urls, 4, 0, 3, Run("warm", n)))
        before_cpu = sum(cpu_seconds(p.pid) for p, _ in procs)
        before_pg = children_cpu(pg[1]) if pg else None
        before_tx = pg_transactions(pg[0]) if pg else None
        before_self = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
        t0 = time.monotonic()
        asyncio.run(load(urls, args.clients, 0, args.seconds, run))
        run.seconds = time.monotonic() - t0
        run.client_cpu = sum(resource.getrusage(resource.RUSAGE_SELF)[:2]) - before_self
        run.replica_cpu = sum(cpu_seconds(p.pid) for p, _ in procs) - before_cpu
        if pg:
            run.pg_cpu = children_cpu(pg[1]) - before_pg  # type: ignore[operator]
            run.pg_tx = pg_transactions(pg[0]) - before_tx  # type: ignore[operator]
    finally:
        for proc, _ in procs:
            proc.terminate()
        for proc, _ in procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
    return run


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return f"{cpu}, {os.cpu_count()} cores, Linux {platform.release()}, Python " \
           f"{platform.python_version()}"


def render(runs: list[Run], args: argparse.Namespace, opportunities: int) -> str:
    base = runs[0]
    lines = [BEGIN, "## Several replicas on shared PostgreSQL state", "",
             f"Generated by `python benchmarks/replicas_bench.py` (run {date.today()}; "
             f"{args.clients} clients in a closed loop for {args.seconds:.0f} s per row, after a "
             f"warm-up; demo company of {opportunities:,} opportunities). Machine: {machine()}; "
             "the replicas, PostgreSQL, the stub hub and the load generator all share it.", "",
             "Tasks: 60% explicit tool calls, 30% plain questions, 10% escalations (recorded "
             "with their outbox row and delivered to a stub hub). Every replica reads the same "
             "DuckDB file read-only.", "",
             "| configuration | requests/s | vs 1 replica (SQLite) | p50 | p99 | errors |",
             "|---|---|---|---|---|---|"]
    for r in runs:
        lines.append(f"| {r.label} | {r.rate:.1f} | {r.rate / base.rate:.2f}x | "
                     f"{r.pct(50):.0f} ms | {r.pct(99):.0f} ms | {r.errors} |")
    lines += ["", "Cost per answered request (CPU time over the measured window divided by the "
              "requests answered in it):", "",
              "| configuration | replica CPU | PostgreSQL CPU | PostgreSQL transactions | "
              "load generator + stub hub CPU | machine busy |", "|---|---|---|---|---|---|"]
    for r in runs:
        pg_cpu = f"{r.pg_cpu / r.done * 1000:.2f} ms" if r.pg_cpu is not None else "-"
        pg_tx = f"{r.pg_tx / r.done:.1f}" if r.pg_tx is not None else "-"
        busy = (r.replica_cpu + (r.pg_cpu or 0) + r.client_cpu) / (r.seconds * os.cpu_count())
        lines.append(f"| {r.label} | {r.replica_cpu / r.done * 1000:.1f} ms | {pg_cpu} | "
                     f"{pg_tx} | {r.client_cpu / r.done * 1000:.1f} ms | {busy:.0%} |")
    lines += ["", f"\"Machine busy\" counts only the processes of this benchmark; the load "
              f"average was {args.load_before:.1f} at the start and {os.getloadavg()[0]:.1f} at "
              f"the end. docs/scaling.md turns these costs into an estimate for a hub sending "
              "500 requests/s.", END_MARK]
    return "\n".join(lines)


def write_section(path: Path, section: str) -> None:
    """Put the section between its markers in BENCHMARKS.md (appended the first time)."""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    if BEGIN in text and END_MARK in text:
        head, rest = text.split(BEGIN, 1)
        text = head + section + rest.split(END_MARK, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text)


def main() -> None:
    """Run the three configurations and write the BENCHMARKS.md section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--opportunities", type=int, default=20_000)
    parser.add_argument("--data-dir", type=Path, default=REPO / "bench-data")
    parser.add_argument("--output", type=Path, default=REPO / "BENCHMARKS.md")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    args = parser.parse_args()
    args.load_before = os.getloadavg()[0]
    db = args.data_dir / f"replicas-demo-{args.opportunities}.duckdb"
    if not db.exists():
        args.data_dir.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "protocols.cli", "demo", "--db", str(db),
                        "--opportunities", str(args.opportunities), "--end-date", AS_OF],
                       cwd=REPO, check=True)
    hub = StubHub()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REVOPS_", "OPENAI_"))}
    env.update({"PYTHONPATH": str(REPO), "REVOPS_TOKENS": f"{TOKEN}=bench-hub:hub",
                "REVOPS_HUB_URL": hub.url, "REVOPS_OUTBOX_INTERVAL": "1"})
    runs = []
    try:
        with tempfile.TemporaryDirectory() as state:
            sqlite_env = {**env, "REVOPS_STATE_DB": f"{state}/state.sqlite",
                          "REVOPS_THREADS_DB": f"{state}/threads.sqlite"}
            print("1 replica, SQLite state", flush=True)
            runs.append(measure("1 replica, SQLite state", 1, db, sqlite_env, args, None))
        with postgres_server(max_connections=200) as server:
            pid = postmaster_pid(server)
            for n in (1, 3):
                url = new_database(server, f"bench_{n}")
                pg_env = {**env, "REVOPS_STATE_DB": url, "REVOPS_THREADS_DB": url}
                label = f"{n} replica{'s' if n > 1 else ''}, PostgreSQL state"
                print(label, flush=True)
                runs.append(measure(label, n, db, pg_env, args, (url, pid)))
    finally:
        hub.close()
    section = render(runs, args, args.opportunities)
    print(section)
    write_section(args.output, section)
    if args.json:
        args.json.write_text(json.dumps([{
            "label": r.label, "replicas": r.replicas, "seconds": r.seconds, "done": r.done,
            "errors": r.errors, "rate": r.rate, "p50_ms": r.pct(50), "p99_ms": r.pct(99),
            "replica_cpu_ms": r.replica_cpu / r.done * 1000,
            "pg_cpu_ms": None if r.pg_cpu is None else r.pg_cpu / r.done * 1000,
            "pg_tx": None if r.pg_tx is None else r.pg_tx / r.done,
            "client_cpu_ms": r.client_cpu / r.done * 1000} for r in runs], indent=2))
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
