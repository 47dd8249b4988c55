"""Simulated browsers that run full LTI 1.3 launches, and the figures of one measured run."""

import itertools
import math
import re
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import urljoin

import requests
from cpu import CpuClock, CpuShares

TIMEOUT = 30
AUTH_URL = re.compile(r'data-auth-url="([^"]+)"')
CONTINUE_ACTION = re.compile(r'<form id="continue" method="post" action="([^"]+)"')
LAUNCH_TOKEN = re.compile(r'name="launch_token" value="([^"]+)"')


class LaunchFailed(Exception):
    """A step of a launch answered something a browser could not continue from."""


class LoopbackCookiePolicy(DefaultCookiePolicy):
    """Send Secure cookies over http, as browsers do for loopback (a secure context)."""

    def return_ok_secure(self, cookie, request) -> bool:
        return True  # the benchmark only ever talks to 127.0.0.1


class Browser(requests.Session):
    """A session that keeps and sends cookies the way a browser on 127.0.0.1 does."""

    def __init__(self) -> None:
        super().__init__()
        self.trust_env = False  # no proxy and netrc lookups on every request: loopback only
        self.cookies.set_policy(LoopbackCookiePolicy())

    def prepare_request(self, request: requests.Request) -> requests.PreparedRequest:
        prepared = super().prepare_request(request)
        # requests builds the Cookie header from a copy of the jar with the default policy.
        prepared.headers.pop("Cookie", None)
        prepared.prepare_cookies(self.cookies)
        return prepared


def _expect(response: requests.Response, status: int, step: str) -> requests.Response:
    if response.status_code != status:
        raise LaunchFailed(f"{step}: HTTP {response.status_code}")
    return response


def _find(pattern: re.Pattern, text: str, step: str) -> str:
    match = pattern.search(text)
    if match is None:
        raise LaunchFailed(f"{step}: no {pattern.pattern!r} in the page")
    return unescape(match.group(1))


def _authorize_and_post(browser: Browser, auth_url: str) -> requests.Response:
    # A real LMS answers with an auto-submitting form; the platform server hands us its fields.
    form = _expect(browser.get(auth_url, timeout=TIMEOUT), 200, "auth").json()
    data = {"id_token": form["id_token"], "state": form["state"]}
    return _expect(browser.post(form["action"], data=data, timeout=TIMEOUT), 200, "launch")


def _check_landing(landing: requests.Response) -> None:
    if "Tutoring" not in _expect(landing, 200, "landing").text:
        raise LaunchFailed("landing: not the tutoring page")


def tool_launch(browser: Browser, initiation_url: str) -> None:
    """Login initiation, authorization, launch, then the landing form: the tool's flow."""
    login = _expect(browser.get(initiation_url, timeout=TIMEOUT), 200, "login")
    launch = _authorize_and_post(browser, _find(AUTH_URL, login.text, "login"))
    action = _find(CONTINUE_ACTION, launch.text, "launch")
    token = _find(LAUNCH_TOKEN, launch.text, "launch")
    landing = browser.post(
        urljoin(launch.url, action), data={"launch_token": token}, timeout=TIMEOUT
    )
    _check_landing(landing)


def bare_launch(browser: Browser, initiation_url: str) -> None:
    """Login initiation (a redirect), authorization, launch: pylti1p3's flow."""
    login = _expect(
        browser.get(initiation_url, allow_redirects=False, timeout=TIMEOUT), 302, "login"
    )
    _check_landing(_authorize_and_post(browser, login.headers["Location"]))


def quantile(values: list[float], percent: int) -> float:
    """Return a percentile (nan with fewer than two values)."""
    if len(values) < 2:
        return math.nan
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


@dataclass
class RunResult:
    """What one run at one concurrency measured."""

    concurrency: int
    wall: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    cpu: CpuShares = CpuShares(0.0, 0.0, 0.0, 0.0, 0.0)

    @property
    def rate(self) -> float:
        """Successful launches per second of wall time."""
        return len(self.latencies) / self.wall if self.wall else 0.0

    def percentile_ms(self, percent: int) -> float:
        """Return a latency percentile in milliseconds (nan with fewer than two launches)."""
        return quantile(self.latencies, percent) * 1e3


def run(
    launch: Callable[[Browser, str], None],
    initiation_urls: list[str],
    concurrency: int,
    count: int,
    max_seconds: float,
    watched: tuple[int, int],
) -> RunResult:
    """Run `count` launches from `concurrency` browsers, or stop at `max_seconds`.

    `watched` is the (app, platform) pair of process ids whose CPU time is charged to the run.
    """
    result = RunResult(concurrency)
    issued = itertools.count()
    lock = threading.Lock()
    deadline = time.monotonic() + max_seconds

    def browse() -> None:
        browser = Browser()
        while time.monotonic() < deadline and (n := next(issued)) < count:
            browser.cookies.clear()  # each launch is another student, so another browser
            started = time.perf_counter()
            try:
                launch(browser, initiation_urls[n % len(initiation_urls)])
            except (LaunchFailed, requests.RequestException, ValueError, KeyError) as exc:
                with lock:
                    result.errors.append(f"{type(exc).__name__}: {exc}")
                continue
            elapsed = time.perf_counter() - started
            with lock:
                result.latencies.append(elapsed)

    browsers = [threading.Thread(target=browse, daemon=True) for _ in range(concurrency)]
    before = CpuClock.read(*watched)
    for browser in browsers:
        browser.start()
    for browser in browsers:
        browser.join()
    after = CpuClock.read(*watched)
    result.wall, result.cpu = after.wall - before.wall, CpuShares.between(before, after)
    return result
