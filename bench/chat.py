"""Chat benchmark: live sessions under gunicorn, every participant sending and following.

Run from the repository root with the project's virtualenv and the `bench` extra
(`pip install -e ".[test,bench]"`); PostgreSQL must accept `postgres` on 127.0.0.1:5432.
The full run takes three to four minutes: seeding, 200 sign-ins, 60 s of chat, the drain:

    python bench/chat.py                              # 200 sessions for 60 s on PostgreSQL
    python bench/chat.py --sessions 20 --seconds 10   # a quick smoke
    python bench/chat.py --database sqlite --sessions 20 --seconds 10

What it measures. A scratch PostgreSQL database (`bench_chat`, created and dropped here) gets
its schema from `flask db upgrade`; bench/chat_seed.py then adds one course, a subject, N
students, N tutor accounts and N sessions made active through the tool's own services
(request_help, then accept_session). The tool is served by gunicorn with
config/gunicorn.conf.py: gthread workers, --workers and --threads as WEB_CONCURRENCY and
THREADS (every participant holds its page's live stream open, so the workers need a thread per
stream on top of those that answer sends), and a connection pool per worker of --pool-size
plus --max-overflow (DATABASE_POOL_SIZE, DATABASE_MAX_OVERFLOW). This process plays all 2 × N
participants on one asyncio loop: students open their session page with a launch token
minted at seeding and send it as X-Launch-Token; tutors sign in through /account/login, keep
the session cookie and send the page's CSRF token as X-CSRFToken. Each participant follows
its page's live stream from the moment the page is open, as the page's script does
(server-sent events; reopened after the highest seq it has seen when the server ends it).
Once every page is open, each posts a message every --interval seconds from a random offset
for --seconds, on schedule even while an earlier post is unanswered. A message is delivered
when the other participant's stream brings it; latency is that moment minus the moment just
before its POST. After the sending, up to 10 s more let the last messages arrive; then lost
(acknowledged, never delivered to the peer), duplicated (one participant received a message
twice) and errors (any non-2xx answer, exception or timeout) are counted, and whether each
sender's own stream showed its message.
CPU is counted over the chat in cores: this process (the load generator), the gunicorn
master and workers, the PostgreSQL processes, and the rest of the machine; the load
generator's longest stall (how late its event loop woke) is time it added to latencies.

Settings. The tool runs with TOOL_ENV=development and SANDBOX_ENABLED=0 (plain http on
127.0.0.1, otherwise the production code), with LIVE_STREAM_SECONDS and LIVE_HEARTBEAT_SECONDS
as in production unless the environment sets them. --database sqlite is a smoke test only:
SQLite serializes writes and its waiters poll the database, so its figures are not the
target's. Only 127.0.0.1 is used, and the server and the scratch database are removed on
exit, error or SIGTERM.

The last lines compare the figures with the targets, one line each:
`target NAME: measured VALUE UNIT, goal OP VALUE UNIT, PASS|FAIL`.
"""

import argparse
import asyncio
import json
import math
import os
import secrets
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from chat_load import DRAIN_SECONDS, SILENCE_MARGIN, ChatResult, run_chat
from chat_pages import PageFailed, Seeded
from cpu import machine_busy
from loadgen import quantile
from report import OTHER_LOAD_LIMIT, target_line
from servers import free_port, serving, wait_ready
from stacks import BIN, ROOT, flask, scratch_database, tool_env

from lti_tool.settings import BaseSettings  # the server reads the same environment

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_chat"
# Where each side's chat page lives; the page itself names the updates and send URLs.
PAGES = {"student": "/tutoring/sessions/{id}", "tutor": "/tutor/sessions/{id}"}
TIMELINE_STEP = 10  # seconds per row of the latency timeline
MAX_CONNECTIONS = 80  # of PostgreSQL's default 100, leaving room for psql and other clients


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=200, help="live sessions (2 people each)")
    parser.add_argument("--seconds", type=float, default=60, help="how long everyone sends")
    parser.add_argument("--interval", type=float, default=2, help="seconds between messages")
    # Four processes share two cores better than two with twice the threads (less contention
    # for each one's interpreter lock); 160 threads hold 100 streams and the sends beside them.
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=160, help="threads per gunicorn worker")
    parser.add_argument("--pool-size", type=int, default=15,
                        help="DATABASE_POOL_SIZE: connections each worker keeps open")
    parser.add_argument("--max-overflow", type=int, default=3,
                        help="DATABASE_MAX_OVERFLOW: extra connections a worker may open")
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES,
                        help="URL of the scratch database to create and drop")
    args = parser.parse_args()
    # Each worker also holds one connection for LISTEN; PostgreSQL allows 100 by default.
    if args.workers * (args.pool_size + args.max_overflow + 1) > MAX_CONNECTIONS:
        parser.error(f"workers × (pool size + overflow + 1) must stay within {MAX_CONNECTIONS}")
    return args


def seed(env: dict, args: argparse.Namespace) -> tuple[list[Seeded], str]:
    """Seed people and active sessions in a process with the app; return them and the password."""
    # Launch tokens outlive the whole run, page loads and draining included.
    token_seconds = int(args.seconds) + 600
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "chat_seed.py"), "--sessions",
         str(args.sessions), "--token-seconds", str(token_seconds)],
        env=env, cwd=ROOT, capture_output=True, text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"seeding failed:\n{done.stderr}")
    seeded = json.loads(done.stdout)
    return [Seeded(**s) for s in seeded["sessions"]], seeded["password"]


def server_env(database_url: str, port: int, args: argparse.Namespace) -> dict:
    """Return the tool's environment, with config/gunicorn.conf.py's knobs set from the options."""
    return {
        **tool_env(database_url, f"http://127.0.0.1:{port}"),
        "SECRET_KEY": secrets.token_urlsafe(48), "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(args.workers), "THREADS": str(args.threads),
        "DATABASE_POOL_SIZE": str(args.pool_size),
        "DATABASE_MAX_OVERFLOW": str(args.max_overflow),
    }


def bench(args: argparse.Namespace, tmp: Path) -> ChatResult:
    """Seed, serve and chat on one database."""
    port = free_port()
    with scratch_database(args.database, args.postgres, tmp) as database_url:
        env = server_env(database_url, port, args)
        flask(env, "db", "upgrade")
        seeded, password = seed(env, args)
        argv = [str(BIN / "gunicorn"), "-c", str(ROOT / "config" / "gunicorn.conf.py"),
                "lti_tool:create_app()"]
        with serving("tool-chat", argv, env, tmp) as app:
            base_url = f"http://127.0.0.1:{port}"
            wait_ready(app, base_url + "/account/login")
            try:
                result = asyncio.run(run_chat(
                    base_url, seeded, password, PAGES, args.interval, args.seconds,
                    BaseSettings.LIVE_HEARTBEAT_SECONDS + SILENCE_MARGIN, app.process.pid,
                ))
            except PageFailed:
                print(f"last lines of the server log:\n{app.log_tail(40)}", file=sys.stderr)
                raise
            if result.errors:
                print(f"last lines of the server log:\n{app.log_tail()}", file=sys.stderr)
            return result


def print_figures(result: ChatResult, args: argparse.Namespace, busy_before: float) -> None:
    """Print the run's figures, a line each."""
    r, cpu = result, result.cpu
    lat, send = r.latencies, r.send_times
    print(f"chat on {args.database}: {r.sessions} sessions ({2 * r.sessions} participants), "
          f"a message every {args.interval:g} s for {args.seconds:g} s, gunicorn "
          f"{args.workers} workers × {args.threads} threads")
    rows = [
        ("messages sent / acknowledged", f"{r.attempted} / {r.acked}"),
        ("delivered to the peer", f"{r.delivered}"),
        ("lost / duplicated", f"{r.lost} / {r.duplicated}"),
        ("not shown to their own sender", f"{r.own_missing}"),
        ("errors", f"{sum(r.errors.values())}"),
        ("delivery latency p50 / p95 / max",
         f"{quantile(lat, 50):.3f} / {quantile(lat, 95):.3f} / "
         f"{max(lat, default=math.nan):.3f} s"),
        ("send round trip p50 / p95 / max",
         f"{quantile(send, 50):.3f} / {quantile(send, 95):.3f} / "
         f"{max(send, default=math.nan):.3f} s"),
        ("load generator's longest stall", f"{r.loop_lag:.3f} s"),
        ("live streams opened / events", f"{r.streams} / {r.events}"),
        ("CPU cores: loadgen / app / db / other",
         f"{cpu.loadgen:.2f} / {cpu.app:.2f} / {cpu.database:.2f} / {cpu.other:.2f}"
         f" of {os.cpu_count()}" + (" *" if cpu.other > OTHER_LOAD_LIMIT else "")),
        ("load generator's CPU share", f"{cpu.loadgen / (os.cpu_count() or 1):.0%} of the "
         "machine"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")
    print(f"CPU over the chat and its drain (up to {DRAIN_SECONDS} s after the last send; "
          f"{r.wall:.1f} s in all): loadgen is this "
          "process, app the gunicorn master and workers, db the PostgreSQL processes, other "
          "the rest of the machine.")
    if cpu.other > OTHER_LOAD_LIMIT or busy_before > 0.1:
        print(f"* Other load shared the machine ({busy_before:.2f} cores busy before the start):"
              " latencies may be higher than the app alone would give.")
    print(f"Delivery latency by when the message was sent ({TIMELINE_STEP} s windows):")
    windows: dict[int, list[float]] = {}
    for sent, latency in r.timeline:
        windows.setdefault(int(sent // TIMELINE_STEP), []).append(latency)
    for window, latencies in sorted(windows.items()):
        print(f"  {window * TIMELINE_STEP:4d}–{(window + 1) * TIMELINE_STEP:<4d} s  "
              f"p50 {quantile(latencies, 50):.3f}  p95 {quantile(latencies, 95):.3f}  "
              f"max {max(latencies):.3f} s  ({len(latencies)} messages)")
    for error, count in r.errors.most_common(8):
        print(f"  error ×{count}: {error}")


def print_chat_targets(result: ChatResult) -> None:
    """Compare the run with the chat targets."""
    p95 = quantile(result.latencies, 95)
    print(target_line("chat_p95", p95, "s", "<", 1, decimals=2))
    print(target_line("chat_lost", result.lost, "messages", "=", 0, decimals=0))
    print(target_line("chat_duplicated", result.duplicated, "messages", "=", 0, decimals=0))
    print(target_line("chat_errors", sum(result.errors.values()), "errors", "=", 0,
                      decimals=0))


def main() -> None:
    args = parse_args()
    # A plain SIGTERM would skip the finally blocks that stop the server and drop the database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    busy_before = machine_busy(1.0)
    # The server's log (gunicorn's access log: a line per request, written under one lock per
    # worker) goes to memory: on the disk PostgreSQL fsyncs its WAL to, each write can wait for
    # a journal commit, and every request thread queues behind it. In production it goes to a
    # pipe (journald, a container runtime), not to a file beside the database.
    in_memory = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(prefix="bench-chat-", dir=in_memory) as tmp:
        result = bench(args, Path(tmp))
    print()
    print_figures(result, args, busy_before)
    print()
    print_chat_targets(result)


if __name__ == "__main__":
    main()
