"""Launch benchmark: full LTI 1.3 launches against the tool under gunicorn, and a bare reference.

Run from the repository root with the project's virtualenv (under a minute with the defaults
on an idle two-core machine; PostgreSQL must accept `postgres` on 127.0.0.1:5432):

    python bench/launch.py                      # SQLite and PostgreSQL, then the reference
    python bench/launch.py --c1 50 --c8 200     # a shorter run
    python bench/launch.py --databases postgresql --no-reference
    python bench/launch.py --threads 4          # gthread workers, as config/gunicorn.conf.py

What it measures. For each database (a SQLite file in a temporary directory, then a scratch
PostgreSQL database, `bench_launch`, created and dropped here) it builds the schema, generates
a tool key and registers the platform with the `flask --app lti_tool` commands, then serves
the tool with `gunicorn -w 2` (sync workers). The platform is bench/platform_server.py:
SandboxPlatform in a process of its own. Simulated browsers (threads of this process, one
requests.Session each, cookies kept as a browser on 127.0.0.1 keeps them and emptied before
each launch, since every launch is another student) run full launches: GET /lti/login → the
platform's /auth → POST /lti/launch with the state cookie → POST the landing form with the
launch token → 200 "Tutoring". Latency is one whole launch, end to end. After a warm-up, a
run at concurrency 1 and one at concurrency 8, each bounded by a launch count and a time
limit, give launches/s (successful launches over wall time), p50 and p95 latency, and the CPU
each party used in cores: the load generator (this process), the app, the platform,
PostgreSQL and everything else on the machine (a run marked * shared the machine with load
that was not ours). bench/bare_pylti1p3_app.py, a single-file pylti1p3 app with no database,
is measured the same way as a reference; its launch POST is its landing page.

Settings. The tool runs with TOOL_ENV=development and SANDBOX_ENABLED=0: production settings
refuse http:// and loopback fetches (the platform JWKS is http://127.0.0.1:PORT/jwks) and
an http:// TOOL_URL; development allows both and otherwise runs the same code. The platform
is registered as kind "other", so the sandbox switch plays no part. Only 127.0.0.1 is used,
and every server process and the scratch database are removed on exit, error or SIGTERM.

The last lines compare the PostgreSQL figures with the targets, one line each:
`target NAME: measured VALUE UNIT, goal OP VALUE UNIT, PASS|FAIL`.
"""

import argparse
import os
import secrets
import signal
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import loadgen
from cpu import machine_busy
from report import Row, print_table, print_targets
from servers import free_port
from stacks import (
    CLIENT_ID,
    DEPLOYMENT_ID,
    ROOT,
    Stack,
    gunicorn,
    prepare_tool,
    scratch_database,
    stack,
    tool_env,
)

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_launch"


def databases(value: str) -> list[str]:
    """Parse the --databases list."""
    kinds = [kind.strip() for kind in value.split(",") if kind.strip()]
    unknown = set(kinds) - {"sqlite", "postgresql"}
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown database {', '.join(sorted(unknown))}")
    return kinds


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--c1", type=int, default=200, help="launches at concurrency 1")
    parser.add_argument("--c8", type=int, default=800, help="launches at concurrency 8")
    parser.add_argument("--warmup", type=int, default=40, help="launches before measuring")
    parser.add_argument("--max-seconds", type=float, default=60, help="time limit of one run")
    parser.add_argument("--databases", type=databases, default="sqlite,postgresql",
                        help="comma-separated: sqlite, postgresql")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES,
                        help="URL of the scratch database to create and drop")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per gunicorn worker (1: sync workers, the targets' setup)")
    parser.add_argument("--no-reference", action="store_true",
                        help="skip the bare pylti1p3 reference")
    return parser.parse_args()


def measure(name: str, database: str, launch: Callable[[loadgen.Browser, str], None],
            running: Stack, args: argparse.Namespace) -> list[Row]:
    """Warm up, then run at concurrency 1 and 8; return a row per run."""
    urls = running.initiation_urls()
    watched = (running.app.process.pid, running.platform.process.pid)
    loadgen.run(launch, urls, 8, args.warmup, args.max_seconds, watched)
    rows = []
    for concurrency, count in ((1, args.c1), (8, args.c8)):
        result = loadgen.run(launch, urls, concurrency, count, args.max_seconds, watched)
        rows.append(Row(name, database, result))
        print(f"  {name} on {database}, concurrency {concurrency}: {len(result.latencies)} ok, "
              f"{len(result.errors)} failed", file=sys.stderr)
        if result.errors:
            print(f"  last lines of the {name} log:\n{running.app.log_tail()}", file=sys.stderr)
    return rows


def bench_tool(database: str, args: argparse.Namespace, tmp: Path) -> list[Row]:
    """Measure the tool on one database."""
    ports = (free_port(), free_port())
    app_url, platform_url = (f"http://127.0.0.1:{port}" for port in ports)
    with scratch_database(database, args.postgres, tmp) as database_url:
        env = tool_env(database_url, app_url)
        prepare_tool(env, platform_url)
        argv = gunicorn(ports[0], "lti_tool:create_app()", args.threads)
        with stack(f"tool-{database}", argv, env, ports, ("/lti/login", "/lti/launch"),
                   tmp) as running:
            return measure("tool", database, loadgen.tool_launch, running, args)


def bench_reference(args: argparse.Namespace, tmp: Path) -> list[Row]:
    """Measure the bare pylti1p3 app."""
    ports = (free_port(), free_port())
    env = {
        **os.environ, "BARE_PLATFORM_URL": f"http://127.0.0.1:{ports[1]}",
        "BARE_CLIENT_ID": CLIENT_ID, "BARE_DEPLOYMENT_ID": DEPLOYMENT_ID,
        "BARE_SECRET_KEY": secrets.token_hex(32),
    }
    argv = gunicorn(ports[0], "bare_pylti1p3_app:create_app()", args.threads,
                    "--chdir", str(ROOT / "bench"))
    with stack("bare", argv, env, ports, ("/login", "/launch"), tmp) as running:
        return measure("bare pylti1p3", "none", loadgen.bare_launch, running, args)


def main() -> None:
    args = parse_args()
    # A plain SIGTERM would skip the finally blocks that stop the servers and drop the database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    busy_before = machine_busy(1.0)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-launch-") as tmp:
        for database in args.databases:
            rows += bench_tool(database, args, Path(tmp))
        if not args.no_reference:
            rows += bench_reference(args, Path(tmp))
    print()
    print_table(rows, busy_before)
    print()
    print_targets(rows)


if __name__ == "__main__":
    main()
