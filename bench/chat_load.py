"""Simulated chat participants on one asyncio loop: each keeps a long-poll open and sends a
message every interval; what the other side receives, and when, is the measurement."""

import asyncio
import random
import re
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from html import unescape
from http.cookies import SimpleCookie
from urllib.parse import urljoin

import aiohttp
from cpu import CpuClock, CpuShares

PAGE_TIMEOUT = 60  # sign-in and page loads, before the measurement
SEND_TIMEOUT = 30
POLL_MARGIN = 15  # a long-poll answers within LIVE_WAIT_SECONDS; past this margin it failed
BACKOFF_FIRST, BACKOFF_MAX = 0.5, 5.0
DRAIN_SECONDS = 10
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
CHAT_SECTION = re.compile(r'<section[^>]*\bid="chat"[^>]*>')
DATA_ATTRIBUTE = re.compile(r'\bdata-([a-z-]+)="([^"]*)"')


class PageFailed(Exception):
    """A page a participant needs before chatting did not answer as a browser expects."""


@dataclass
class Seeded:
    """One active session as seeded: its id, the student's launch token, the tutor's email."""

    id: int
    student_token: str
    tutor_email: str


@dataclass
class ChatResult:
    """What one run measured, over every participant."""

    sessions: int
    seconds: float
    wall: float = 0.0
    latencies: list[float] = field(default_factory=list)  # send → the peer's poll returns it
    send_times: list[float] = field(default_factory=list)  # the POST's own round trip
    attempted: int = 0
    acked: int = 0
    delivered: int = 0
    lost: int = 0
    duplicated: int = 0
    own_missing: int = 0  # acknowledged, but the sender's own poll never showed it
    loop_lag: float = 0.0  # the longest this process's event loop was late: its own delay
    polls: int = 0
    errors: Counter = field(default_factory=Counter)
    cpu: CpuShares = CpuShares(0.0, 0.0, 0.0, 0.0, 0.0)


class Run:
    """Shared state of one run: the HTTP client, the send log and the tallies."""

    def __init__(self, base_url: str, http: aiohttp.ClientSession, result: ChatResult) -> None:
        self.base_url = base_url
        self.http = http
        self.result = result
        self.sent_at: dict[str, float] = {}  # message id → just before its POST
        self.acked: set[str] = set()
        self.delivered: set[str] = set()  # ids the peer's poll returned
        self.echoed: set[str] = set()  # ids the sender's own poll returned
        self.sending = True

    def error(self, what: str) -> None:
        self.result.errors[what] += 1

    def settled(self) -> bool:
        """Whether every acknowledged message has reached both sides."""
        return self.acked <= self.delivered and self.acked <= self.echoed


class Participant:
    """A student or a tutor in one session, with what their page gave them."""

    def __init__(self, run: Run, role: str, session_id: int) -> None:
        self.run, self.role, self.session_id = run, role, session_id
        self.headers: dict[str, str] = {}
        self.cookies: dict[str, str] = {}
        self.updates_url = self.send_url = ""
        self.after = 0
        self.status = "active"
        self.seen: set[str] = set()

    def request_headers(self, **extra: str) -> dict[str, str]:
        """Return the headers a browser page of this participant sends."""
        headers = {**self.headers, **extra}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def keep_cookies(self, response: aiohttp.ClientResponse) -> None:
        """Keep the cookies a response sets, as a browser on 127.0.0.1 would."""
        for header in response.headers.getall("Set-Cookie", []):
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value

    def read_chat_page(self, page_html: str, page_url: str) -> None:
        """Take the chat's URLs, cursor and tokens from the page's data- attributes."""
        section = CHAT_SECTION.search(page_html)
        if section is None:
            raise PageFailed(f"{self.role} session page: no chat section")
        data = {k: unescape(v) for k, v in DATA_ATTRIBUTE.findall(section.group(0))}
        self.updates_url = urljoin(page_url, data["updates-url"])
        self.send_url = urljoin(page_url, data["send-url"])
        self.after = int(data.get("after") or 0)
        self.status = data.get("status", "active")
        if "csrf-token" in data:
            self.headers["X-CSRFToken"] = data["csrf-token"]
        if "launch-token" in data:
            self.headers["X-Launch-Token"] = data["launch-token"]

    async def poll(self, timeout: float) -> None:
        """Long-poll for news until cancelled, always asking for what follows the last seq."""
        backoff = BACKOFF_FIRST
        client_timeout = aiohttp.ClientTimeout(total=timeout)
        while True:
            params = {"after": str(self.after), "status": self.status}
            try:
                async with self.run.http.get(self.updates_url, params=params,
                                             headers=self.request_headers(),
                                             timeout=client_timeout) as response:
                    self.keep_cookies(response)
                    if response.status != 200:
                        self.run.error(f"{self.role} updates: HTTP {response.status}")
                    else:
                        self.receive(await response.json(), time.perf_counter())
                        backoff = BACKOFF_FIRST
                        continue
            except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
                self.run.error(f"{self.role} updates: {type(exc).__name__}")
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, BACKOFF_MAX)

    def receive(self, news: dict, now: float) -> None:
        """Account for the messages one answer brought."""
        run = self.run
        run.result.polls += 1
        if news.get("launch_token"):
            self.headers["X-Launch-Token"] = news["launch_token"]
        if news["status"] != self.status:
            run.error(f"{self.role} updates: session became {news['status']}")
            self.status = news["status"]
        for message in news["messages"]:
            self.after = max(self.after, message["seq"])
            message_id = message["body"].split()[1]
            if message_id in self.seen:
                run.result.duplicated += 1
                continue
            self.seen.add(message_id)
            if message_id not in run.sent_at:
                run.error(f"{self.role} updates: a message nobody sent")
            elif message["role"] == self.role:
                run.echoed.add(message_id)
            else:
                run.delivered.add(message_id)
                run.result.latencies.append(now - run.sent_at[message_id])

    async def send_every(self, interval: float, seconds: float, start: float) -> None:
        """Send one message per interval, from a random offset, until `seconds` have passed."""
        # On schedule even while an earlier send is still waiting for its answer, as a person
        # keeps typing: a slow server must show as latency, not as fewer messages.
        due = start + random.uniform(0, interval)
        sends = []
        while due < start + seconds:
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            message_id = f"{self.session_id}-{self.role}-{len(sends) + 1}"
            sends.append(asyncio.create_task(self.send(message_id)))
            due += interval
        await asyncio.gather(*sends)

    async def send(self, message_id: str) -> None:
        """Post one message as the page's script does, with a fresh client key."""
        run = self.run
        body = f"bench {message_id} says hello across the benchmark"
        form = {"body": body, "client_key": uuid.uuid4().hex}
        headers = self.request_headers(Accept="application/json")
        run.result.attempted += 1
        run.sent_at[message_id] = started = time.perf_counter()
        try:
            async with run.http.post(self.send_url, data=form, headers=headers,
                                     timeout=aiohttp.ClientTimeout(total=SEND_TIMEOUT)) as response:
                self.keep_cookies(response)
                if response.status != 201:
                    run.error(f"{self.role} send: HTTP {response.status}")
                    return
                await response.json()
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            run.error(f"{self.role} send: {type(exc).__name__}")
            return
        run.result.send_times.append(time.perf_counter() - started)
        run.acked.add(message_id)


def _expect(response: aiohttp.ClientResponse, status: int, step: str) -> None:
    if response.status != status:
        raise PageFailed(f"{step}: HTTP {response.status}")


async def open_student(run: Run, seeded: Seeded, page_path: str) -> Participant:
    """Open the student's session page with the launch token, as the tutoring page's form does."""
    student = Participant(run, "student", seeded.id)
    url = urljoin(run.base_url, page_path.format(id=seeded.id))
    async with run.http.post(url, data={"launch_token": seeded.student_token},
                             timeout=aiohttp.ClientTimeout(total=PAGE_TIMEOUT)) as response:
        _expect(response, 200, "student session page")
        student.read_chat_page(await response.text(), str(response.url))
    student.headers.setdefault("X-Launch-Token", seeded.student_token)
    return student


async def open_tutor(run: Run, seeded: Seeded, password: str, page_path: str) -> Participant:
    """Sign the tutor in through /account/login, then open their session page."""
    tutor = Participant(run, "tutor", seeded.id)
    timeout = aiohttp.ClientTimeout(total=PAGE_TIMEOUT)
    login = urljoin(run.base_url, "/account/login")
    async with run.http.get(login, timeout=timeout) as response:
        _expect(response, 200, "sign-in page")
        tutor.keep_cookies(response)
        token = CSRF_FIELD.search(await response.text())
    if token is None:
        raise PageFailed("sign-in page: no csrf_token")
    form = {"csrf_token": unescape(token.group(1)), "email": seeded.tutor_email,
            "password": password}
    async with run.http.post(login, data=form, allow_redirects=False, timeout=timeout,
                             headers=tutor.request_headers(Referer=login)) as response:
        _expect(response, 302, "sign-in")
        tutor.keep_cookies(response)
    url = urljoin(run.base_url, page_path.format(id=seeded.id))
    async with run.http.get(url, headers=tutor.request_headers(), timeout=timeout) as response:
        _expect(response, 200, "tutor session page")
        tutor.keep_cookies(response)
        tutor.read_chat_page(await response.text(), str(response.url))
    return tutor


async def _watch_lag(result: ChatResult, tick: float = 0.05) -> None:
    """Record how late the event loop wakes up: time the load generator adds to latencies."""
    while True:
        started = time.perf_counter()
        await asyncio.sleep(tick)
        result.loop_lag = max(result.loop_lag, time.perf_counter() - started - tick)


async def _bounded(limit: asyncio.Semaphore, opening):
    async with limit:
        return await opening


async def run_chat(base_url: str, seeded: list[Seeded], password: str, pages: dict[str, str],
                   interval: float, seconds: float, poll_timeout: float,
                   watched_app: int) -> ChatResult:
    """Open every page, then chat for `seconds` and wait for the last deliveries."""
    result = ChatResult(len(seeded), seconds)
    # Below gunicorn's 2 s keep-alive, so the client never reuses a connection the server is
    # closing (a browser would retry that request; an error here would be ours, not the app's).
    connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=1.0)
    async with aiohttp.ClientSession(connector=connector,
                                     cookie_jar=aiohttp.DummyCookieJar()) as http:
        run = Run(base_url, http, result)
        # Sign-ins hash a password each: a few at a time keeps the server's queue short.
        limit = asyncio.Semaphore(16)
        openings = [_bounded(limit, open_student(run, s, pages["student"])) for s in seeded]
        openings += [_bounded(limit, open_tutor(run, s, password, pages["tutor"]))
                     for s in seeded]
        participants = await asyncio.gather(*openings)
        pollers = [asyncio.create_task(p.poll(poll_timeout)) for p in participants]
        pollers.append(asyncio.create_task(_watch_lag(result)))
        before = CpuClock.read(watched_app)
        start = time.perf_counter()
        await asyncio.gather(*(p.send_every(interval, seconds, start) for p in participants))
        drain_until = time.perf_counter() + DRAIN_SECONDS
        while not run.settled() and time.perf_counter() < drain_until:
            await asyncio.sleep(0.1)
        after = CpuClock.read(watched_app)
        for poller in pollers:
            poller.cancel()
        await asyncio.gather(*pollers, return_exceptions=True)
    result.wall, result.cpu = after.wall - before.wall, CpuShares.between(before, after)
    result.acked = len(run.acked)
    result.delivered = len(run.delivered & run.acked)
    result.lost = len(run.acked - run.delivered)
    result.own_missing = len(run.acked - run.echoed)
    return result
