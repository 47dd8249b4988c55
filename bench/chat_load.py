"""Simulated chat participants on one asyncio loop: each follows its page's live stream and
sends a message every interval; what the other side receives, and when, is the measurement."""

import asyncio
import json
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import aiohttp
from chat_pages import ChatPage, Seeded, Tab, open_student, open_tutor
from cpu import CpuClock, CpuShares

SEND_TIMEOUT = aiohttp.ClientTimeout(total=30)
# A stream sends a keep-alive every LIVE_HEARTBEAT_SECONDS; silence this much longer is a failure.
SILENCE_MARGIN = 15
BACKOFF_FIRST, BACKOFF_MAX = 0.5, 5.0
DRAIN_SECONDS = 10
OPENING_AT_ONCE = 16  # sign-ins hash a password each: a few at a time keep the queue short
BODY = "bench {id} says hello across the benchmark"


@dataclass
class ChatResult:
    """What one run measured, over every participant."""

    sessions: int
    wall: float = 0.0
    latencies: list[float] = field(default_factory=list)  # send → the peer's stream brings it
    # (seconds from the start when sent, latency): how delivery went over the run
    timeline: list[tuple[float, float]] = field(default_factory=list)
    send_times: list[float] = field(default_factory=list)  # the POST's own round trip
    attempted: int = 0
    acked: int = 0
    delivered: int = 0
    lost: int = 0
    duplicated: int = 0
    own_missing: int = 0  # acknowledged, but the sender's own stream never showed it
    loop_lag: float = 0.0  # the longest this process's event loop was late: its own delay
    events: int = 0  # live-stream events received
    streams: int = 0  # live streams opened
    errors: Counter = field(default_factory=Counter)
    cpu: CpuShares = CpuShares(0.0, 0.0, 0.0, 0.0, 0.0)


class Run:
    """Shared state of one run: the HTTP client, the send log and the tallies."""

    def __init__(self, http: aiohttp.ClientSession, result: ChatResult) -> None:
        self.http = http
        self.result = result
        self.sent_at: dict[str, float] = {}  # message id → just before its POST
        self.acked: set[str] = set()
        self.delivered: set[str] = set()  # ids the peer's stream brought
        self.echoed: set[str] = set()  # ids the sender's own stream brought
        self.start = 0.0  # when the sending began

    def error(self, what: str) -> None:
        """Count one failed request by what went wrong."""
        self.result.errors[what] += 1

    def settled(self) -> bool:
        """Whether every acknowledged message has reached both sides."""
        return self.acked <= self.delivered and self.acked <= self.echoed


class Participant:
    """A student or a tutor in one session, chatting from the page they opened."""

    def __init__(self, run: Run, role: str, session_id: int, tab: Tab, page: ChatPage) -> None:
        self.run, self.role, self.session_id, self.tab = run, role, session_id, tab
        self.updates_url, self.send_url = page.updates_url, page.send_url
        self.after, self.status = page.after, page.status
        self.seen: set[str] = set()

    async def follow(self, timeout: aiohttp.ClientTimeout) -> None:
        """Follow the live stream until cancelled, reopening it after the last seq seen, as the
        page's script does."""
        backoff = BACKOFF_FIRST
        while True:
            params = {"after": str(self.after)}
            headers = self.tab.request_headers(Accept="text/event-stream")
            try:
                async with self.run.http.get(self.updates_url, params=params, timeout=timeout,
                                             headers=headers) as response:
                    self.tab.keep_cookies(response)
                    if response.status == 200:
                        self.run.result.streams += 1
                        async for line in response.content:
                            if line.startswith(b"data: "):
                                self.receive(json.loads(line[6:]), time.perf_counter())
                                backoff = BACKOFF_FIRST
                        continue  # the server ended the stream: open the next at once
                    self.run.error(f"{self.role} updates: HTTP {response.status}")
            except (aiohttp.ClientError, TimeoutError, ValueError, KeyError) as exc:
                self.run.error(f"{self.role} updates: {type(exc).__name__}")
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, BACKOFF_MAX)

    def receive(self, news: dict, now: float) -> None:
        """Account for the messages one answer brought."""
        run = self.run
        run.result.events += 1
        if news.get("launch_token"):
            self.tab.headers["X-Launch-Token"] = news["launch_token"]
        if news["status"] != self.status:
            run.error(f"{self.role} updates: session became {news['status']}")
            self.status = news["status"]
        for message in news["messages"]:
            self.after = max(self.after, message["seq"])
            words = message["body"].split()
            message_id = words[1] if len(words) > 1 else ""
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
                latency = now - run.sent_at[message_id]
                run.result.latencies.append(latency)
                run.result.timeline.append((run.sent_at[message_id] - run.start, latency))

    async def send_every(self, interval: float, seconds: float, start: float) -> None:
        """Send one message per interval, from a random offset, until `seconds` have passed."""
        # On schedule even while an earlier send still waits for its answer, as a person keeps
        # typing: a slow server must show as latency, not as fewer messages.
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
        form = {"body": BODY.format(id=message_id), "client_key": uuid.uuid4().hex}
        headers = self.tab.request_headers(Accept="application/json")
        run.result.attempted += 1
        run.sent_at[message_id] = started = time.perf_counter()
        try:
            async with run.http.post(self.send_url, data=form, headers=headers,
                                     timeout=SEND_TIMEOUT) as response:
                self.tab.keep_cookies(response)
                if response.status != 201:
                    run.error(f"{self.role} send: HTTP {response.status}")
                    return
                await response.json()
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            run.error(f"{self.role} send: {type(exc).__name__}")
            return
        run.result.send_times.append(time.perf_counter() - started)
        run.acked.add(message_id)


async def _join(run: Run, base_url: str, seeded: Seeded, password: str, pages: dict[str, str],
                limit: asyncio.Semaphore, followers: list[asyncio.Task],
                stream_timeout: aiohttp.ClientTimeout) -> list[Participant]:
    """Open both sides of one session; each page follows its stream as soon as it is open,
    as its script does on load."""
    student_tab, tutor_tab = Tab(), Tab()
    async with limit:
        student_page = await open_student(run.http, student_tab, base_url, seeded,
                                          pages["student"])
        student = Participant(run, "student", seeded.id, student_tab, student_page)
        followers.append(asyncio.create_task(student.follow(stream_timeout)))
        tutor_page = await open_tutor(run.http, tutor_tab, base_url, seeded, password,
                                      pages["tutor"])
        tutor = Participant(run, "tutor", seeded.id, tutor_tab, tutor_page)
        followers.append(asyncio.create_task(tutor.follow(stream_timeout)))
    return [student, tutor]


async def _watch_lag(result: ChatResult, tick: float = 0.05) -> None:
    """Record how late the event loop wakes up: time the load generator adds to latencies."""
    while True:
        started = time.perf_counter()
        await asyncio.sleep(tick)
        result.loop_lag = max(result.loop_lag, time.perf_counter() - started - tick)


async def run_chat(base_url: str, seeded: list[Seeded], password: str, pages: dict[str, str],
                   interval: float, seconds: float, silence_seconds: float,
                   watched_app: int) -> ChatResult:
    """Open every page, then chat for `seconds` and wait for the last deliveries."""
    result = ChatResult(len(seeded))
    # Below gunicorn's 2 s keep-alive, so the client never reuses a connection the server is
    # closing (a browser would retry that request; an error here would be ours, not the app's).
    connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=1.0)
    async with aiohttp.ClientSession(connector=connector,
                                     cookie_jar=aiohttp.DummyCookieJar()) as http:
        run = Run(http, result)
        limit = asyncio.Semaphore(OPENING_AT_ONCE)
        stream_timeout = aiohttp.ClientTimeout(total=None, sock_read=silence_seconds)
        background: list[asyncio.Task] = [asyncio.create_task(_watch_lag(result))]
        pairs = await asyncio.gather(*(
            _join(run, base_url, s, password, pages, limit, background, stream_timeout)
            for s in seeded))
        participants = [p for pair in pairs for p in pair]
        before = CpuClock.read(watched_app)
        start = run.start = time.perf_counter()
        await asyncio.gather(*(p.send_every(interval, seconds, start) for p in participants))
        drain_until = time.perf_counter() + DRAIN_SECONDS
        while not run.settled() and time.perf_counter() < drain_until:
            await asyncio.sleep(0.1)
        after = CpuClock.read(watched_app)
        for task in background:
            task.cancel()
        outcomes = await asyncio.gather(*background, return_exceptions=True)
    # A follower that died of a bug would pass for lost messages: show the bug instead.
    for outcome in outcomes:
        if isinstance(outcome, Exception):
            raise outcome
    result.wall, result.cpu = after.wall - before.wall, CpuShares.between(before, after)
    result.acked = len(run.acked)
    result.delivered = len(run.delivered & run.acked)
    result.lost = len(run.acked - run.delivered)
    result.own_missing = len(run.acked - run.echoed)
    return result
