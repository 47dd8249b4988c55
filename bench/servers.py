"""Start, watch and stop the benchmark's server processes."""

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import requests


@dataclass(frozen=True)
class Server:
    """A running server process and the file its output goes to."""

    name: str
    process: subprocess.Popen
    log: Path

    def log_tail(self, lines: int = 20) -> str:
        """Return the last lines the process wrote."""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(name: str, argv: list[str], env: dict, log_dir: Path) -> Iterator[Server]:
    """Run a server for the duration of the block; stop it and its children afterwards."""
    log = log_dir / f"{name}.log"
    with log.open("wb") as out:
        # Its own session, so its workers can be stopped with it by its process group id.
        process = subprocess.Popen(
            argv, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield Server(name, process, log)
    finally:
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)  # workers a killed master left behind
    except ProcessLookupError:
        pass
    process.wait()


def wait_ready(server: Server, url: str, timeout: float = 30.0) -> None:
    """Wait until the server answers `url` with any status; fail early if it exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited:\n{server.log_tail()}")
        try:
            requests.get(url, timeout=2)
            return
        # A read timeout: the socket is bound but no worker has finished loading the app yet.
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.1)
    raise RuntimeError(f"{server.name} did not answer {url} in {timeout:.0f} s")


class JsonHandler(BaseHTTPRequestHandler):
    """A request handler of a stand-in server that answers JSON and logs nothing."""

    def _reply(self, status: int, body: dict, headers: dict | None = None) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        for name, value in {"Content-Type": "application/json", **(headers or {})}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args) -> None:
        pass  # one line per request would cost more than the request
