"""Roster benchmark: sync a 5,000-member course (100 pages of 50) from a local NRPS server.

Run from the repository root with the project's virtualenv (a few seconds):

    python bench/roster.py                  # a SQLite file in a temporary directory
    python bench/roster.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_roster
    python bench/roster.py --members 500    # a quick smoke

What it measures. This process serves the LMS side on 127.0.0.1 with the stdlib
ThreadingHTTPServer in a thread: a client-credentials token endpoint and a Names and Roles
endpoint that answers pages of at most 50 members, each naming the next page in a
`Link: <...>; rel="next"` header, as Canvas does. It then builds the tool's database with the
migrations (a SQLite file, or the scratch PostgreSQL database named by --database-url, created
and dropped here), generates a tool key, registers the platform and creates the course with
the platform's roster URL, all through the tool's own code. Each sync runs in a fresh Python
process (the real app: create_app("development")): that process loads the app and opens the
database first, then times `sync_roster` (token request with a signed assertion, every page
fetched over HTTP, parsed, upserted and committed page by page) and reports the peak resident
memory it added: getrusage's ru_maxrss after the sync minus ru_maxrss just before it. The
server's own memory is not counted, as it lives in this process. Two syncs run: the first
inserts everyone, the second (a re-sync of an unchanged roster) updates everyone; each target
is checked against the worse of the two. The stored roster is counted afterwards, so a run
that synced nothing cannot pass.

Settings: TOOL_ENV=development with the sandbox off (development allows plain http to
127.0.0.1, otherwise the production code runs). The last lines compare the figures with the
targets, one line each: `target NAME: measured VALUE UNIT, goal OP VALUE UNIT, PASS|FAIL`.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from pathlib import Path

from report import target_line
from roster_server import make_handler
from stacks import CLIENT_ID, DEPLOYMENT_ID, ROOT, scratch_database

GOAL_SECONDS, GOAL_MB = 5, 60


def app_for(database_url: str):
    """Return the real app on the given database, with production code paths."""
    from lti_tool import create_app

    return create_app("development", {"SQLALCHEMY_DATABASE_URI": database_url,
                                      "SANDBOX_ENABLED": False})


@contextmanager
def app_context(database_url: str):
    """Run inside the app's context, its connections closed on the way out."""
    from lti_tool.extensions import db

    app = app_for(database_url)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def prepare(database_url: str, lms_url: str) -> int:
    """Build the schema, a tool key, the platform and the course; return the course id."""
    from flask_migrate import upgrade

    from lti_tool.extensions import db
    from lti_tool.lms.presets import Endpoints
    from lti_tool.models import Course
    from lti_tool.services.platforms import add_platform
    from lti_tool.services.tool_keys import generate_key

    with app_context(database_url) as app:
        upgrade()
        generate_key(app.config)
        platform = add_platform("Bench LMS", Endpoints(
            "other", lms_url, lms_url + "/auth", lms_url + "/token", lms_url + "/jwks"),
            CLIENT_ID, [DEPLOYMENT_ID])
        course = Course(platform_id=platform.id, deployment_id=platform.deployments[0].id,
                        context_id="bench-course", title="BENCH 500: Large lecture",
                        label="BENCH 500", nrps_url=lms_url + "/courses/bench/memberships")
        db.session.add(course)
        db.session.commit()
        course_id = course.id
    return course_id


def stored_members(database_url: str, course_id: int) -> int:
    """Count the members the tool holds for the course."""
    from lti_tool.extensions import db
    from lti_tool.models import Membership

    with app_context(database_url):
        return db.session.scalar(db.select(db.func.count()).select_from(Membership).where(
            Membership.course_id == course_id, Membership.removed_at.is_(None)))


def child(database_url: str, course_id: int) -> None:
    """Sync once in this fresh process; print seconds, pages, members and MB of peak added."""
    from lti_tool.clock import utcnow
    from lti_tool.extensions import db
    from lti_tool.services.roster import sync_roster

    app = app_for(database_url)
    with app.app_context():
        db.session.execute(db.text("SELECT 1"))  # the connection is part of the baseline
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        result = sync_roster(course_id, utcnow(), app.config)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # ru_maxrss is in KiB on Linux, in bytes on macOS.
    unit = 1 if sys.platform == "darwin" else 1024
    print(json.dumps({"seconds": seconds, "pages": result.pages, "members": result.members,
                      "peak_added_mb": (after - before) * unit / 2**20}))


def run_sync(database_url: str, course_id: int) -> dict:
    """Run one sync in a fresh process and return its figures."""
    env = {**os.environ, "TOOL_ENV": "development", "SANDBOX_ENABLED": "0",
           "LOG_LEVEL": "WARNING"}
    done = subprocess.run(
        [sys.executable, __file__, "--child", "--database-url", database_url,
         "--course-id", str(course_id)],
        env=env, cwd=ROOT, capture_output=True, text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the sync failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--page-size", type=int, default=50, help="the LMS's largest page")
    parser.add_argument("--database-url", help="a scratch PostgreSQL database to create and drop")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--course-id", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if args.child:
        child(args.database_url, args.course_id)
        return

    server = ThreadingHTTPServer(("127.0.0.1", 0), None)
    lms_url = f"http://127.0.0.1:{server.server_address[1]}"
    server.RequestHandlerClass = make_handler(lms_url, args.members, args.page_size)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    kind = "postgresql" if args.database_url else "sqlite"
    try:
        with tempfile.TemporaryDirectory(prefix="bench-roster-") as tmp, \
                scratch_database(kind, args.database_url or "", Path(tmp)) as database_url:
            course_id = prepare(database_url, lms_url)
            runs = [run_sync(database_url, course_id) for _ in ("first", "again")]
            stored = stored_members(database_url, course_id)
    finally:
        server.shutdown()

    print(f"Roster sync of {args.members} members in pages of {args.page_size} on {kind}; "
          "peak memory added = ru_maxrss delta of a fresh process around the sync.")
    for name, run in zip(("first sync (inserts)", "re-sync (updates)"), runs, strict=True):
        print(f"  {name:<22}{run['seconds']:>7.2f} s{run['peak_added_mb']:>8.1f} MB"
              f"{run['pages']:>6} pages{run['members']:>7} members")
    print(f"  members stored: {stored}")
    complete = stored == args.members and all(r["members"] == args.members for r in runs)
    seconds = max(r["seconds"] for r in runs) if complete else float("nan")
    memory = max(r["peak_added_mb"] for r in runs) if complete else float("nan")
    if not complete:
        print("  INCOMPLETE: not every member was synced and stored.")
    print(target_line("roster_seconds", seconds, "s", "<", GOAL_SECONDS, decimals=2))
    print(target_line("roster_peak_memory", memory, "MB", "<", GOAL_MB))


if __name__ == "__main__":
    main()
