"""Bring up what one measurement needs: a scratch database, the tool prepared through its own
commands, the platform process and the app under gunicorn, all on 127.0.0.1."""

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
from servers import Server, serving, wait_ready
from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CLIENT_ID, DEPLOYMENT_ID = "bench-client", "bench-deployment"
STUDENTS = [f"student-{i:02d}" for i in range(1, 31)]


@dataclass(frozen=True)
class Stack:
    """An app and the platform it is registered with, both serving."""

    app: Server
    platform: Server
    platform_url: str

    def initiation_urls(self) -> list[str]:
        """Return every student's login initiation link, as the course page would show it."""
        with requests.Session() as session:
            return [
                session.get(f"{self.platform_url}/initiate", params={"user": user},
                            timeout=10).json()["url"]
                for user in STUDENTS
            ]


@contextmanager
def scratch_database(kind: str, postgres_url: str, tmp: Path) -> Iterator[str]:
    """Yield the URL of an empty SQLite or PostgreSQL database, removed afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'bench.sqlite3'}"
        return
    url = make_url(postgres_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    drop = text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
    try:
        with admin.connect() as conn:
            conn.execute(drop)
            conn.execute(text(f'CREATE DATABASE "{url.database}"'))
        yield postgres_url
    finally:
        with admin.connect() as conn:
            conn.execute(drop)
        admin.dispose()


def tool_env(database_url: str, tool_url: str) -> dict:
    """Return the environment of the tool's commands and server (bench/launch.py says why)."""
    return {
        **os.environ, "TOOL_ENV": "development", "SANDBOX_ENABLED": "0", "LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url, "TOOL_URL": tool_url,
    }


def prepare_tool(env: dict, platform_url: str) -> None:
    """Build the schema, generate the tool key and register the platform, as an admin would."""
    commands = [
        ["db", "upgrade"],
        ["keys", "generate"],
        ["platforms", "add", "--name", "Bench LMS", "--issuer", platform_url,
         "--auth-url", platform_url + "/auth", "--token-url", platform_url + "/token",
         "--jwks-url", platform_url + "/jwks", "--client-id", CLIENT_ID,
         "--deployment", DEPLOYMENT_ID],
    ]
    for command in commands:
        flask(env, *command)


def flask(env: dict, *command: str) -> None:
    """Run one `flask --app lti_tool` command; raise with its output if it fails."""
    done = subprocess.run([str(BIN / "flask"), "--app", "lti_tool", *command], env=env,
                          cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(command[:2])} failed:\n{done.stderr}")


def gunicorn(port: int, app: str, threads: int, *options: str) -> list[str]:
    """Return the command serving `app` with two workers (sync, or gthread with threads > 1)."""
    return [str(BIN / "gunicorn"), "-w", "2", "--threads", str(threads),
            "-b", f"127.0.0.1:{port}", *options, app]


@contextmanager
def stack(name: str, app_argv: list[str], app_env: dict, ports: tuple[int, int],
          paths: tuple[str, str], log_dir: Path) -> Iterator[Stack]:
    """Serve the platform (on ports[1]) and an app (on ports[0]) until the block ends."""
    app_url, platform_url = (f"http://127.0.0.1:{port}" for port in ports)
    platform_argv = [
        sys.executable, str(ROOT / "bench" / "platform_server.py"), "--port", str(ports[1]),
        "--login-url", app_url + paths[0], "--launch-url", app_url + paths[1],
        "--client-id", CLIENT_ID, "--deployment-id", DEPLOYMENT_ID,
    ]
    with (
        serving(f"{name}-platform", platform_argv, dict(os.environ), log_dir) as platform,
        serving(name, app_argv, app_env, log_dir) as app,
    ):
        wait_ready(platform, platform_url + "/jwks")
        wait_ready(app, app_url + "/")
        yield Stack(app, platform, platform_url)
