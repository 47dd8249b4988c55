"""Open each participant's chat page as a browser would: the student with a launch token, the
tutor through the tool's own sign-in; keep what the page hands its script."""

import re
from dataclasses import dataclass
from html import unescape
from http.cookies import SimpleCookie
from urllib.parse import urljoin

import aiohttp

PAGE_TIMEOUT = aiohttp.ClientTimeout(total=60)
LOGIN = "/account/login"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
CHAT_SECTION = re.compile(r'<section[^>]*\bid="chat"[^>]*>')
DATA_ATTRIBUTE = re.compile(r'\bdata-([a-z-]+)="([^"]*)"')


class PageFailed(Exception):
    """A page a participant needs before chatting did not answer as a browser expects."""


@dataclass(frozen=True)
class Seeded:
    """One active session as seeded: its id, the student's launch token, the tutor's email."""

    id: int
    student_token: str
    tutor_email: str


@dataclass(frozen=True)
class ChatPage:
    """What the chat section of a session page tells its script."""

    updates_url: str
    send_url: str
    after: int
    status: str


class Tab:
    """One person's browser tab: its cookies and the headers its page's script sends."""

    def __init__(self) -> None:
        self.headers: dict[str, str] = {}
        self.cookies: dict[str, str] = {}

    def request_headers(self, **extra: str) -> dict[str, str]:
        """Return the headers of a request from this tab."""
        headers = {**self.headers, **extra}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def keep_cookies(self, response: aiohttp.ClientResponse) -> None:
        """Keep (or drop) the cookies a response sets, as a browser on 127.0.0.1 would."""
        for header in response.headers.getall("Set-Cookie", []):
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def read_chat_page(self, page_html: str, page_url: str) -> ChatPage:
        """Read the chat section's data- attributes; keep the token the script would send."""
        section = CHAT_SECTION.search(page_html)
        if section is None:
            raise PageFailed("session page: no chat section")
        data = {k: unescape(v) for k, v in DATA_ATTRIBUTE.findall(section.group(0))}
        if "csrf-token" in data:
            self.headers["X-CSRFToken"] = data["csrf-token"]
        if "launch-token" in data:
            self.headers["X-Launch-Token"] = data["launch-token"]
        return ChatPage(urljoin(page_url, data["updates-url"]), urljoin(page_url, data["send-url"]),
                        int(data.get("after") or 0), data.get("status", ""))


def _expect(response: aiohttp.ClientResponse, status: int, step: str) -> None:
    if response.status != status:
        raise PageFailed(f"{step}: HTTP {response.status}")


async def open_student(http: aiohttp.ClientSession, tab: Tab, base_url: str, seeded: Seeded,
                       path: str) -> ChatPage:
    """Open the student's session page with the launch token, as the tutoring page's form does."""
    url = urljoin(base_url, path.format(id=seeded.id))
    async with http.post(url, data={"launch_token": seeded.student_token},
                         timeout=PAGE_TIMEOUT) as response:
        _expect(response, 200, "student session page")
        return tab.read_chat_page(await response.text(), str(response.url))


async def open_tutor(http: aiohttp.ClientSession, tab: Tab, base_url: str, seeded: Seeded,
                     password: str, path: str) -> ChatPage:
    """Sign the tutor in through the sign-in form, then open their session page."""
    login = urljoin(base_url, LOGIN)
    async with http.get(login, timeout=PAGE_TIMEOUT) as response:
        _expect(response, 200, "sign-in page")
        tab.keep_cookies(response)
        token = CSRF_FIELD.search(await response.text())
    if token is None:
        raise PageFailed("sign-in page: no csrf_token")
    form = {"csrf_token": unescape(token.group(1)), "email": seeded.tutor_email,
            "password": password}
    async with http.post(login, data=form, allow_redirects=False, timeout=PAGE_TIMEOUT,
                         headers=tab.request_headers(Referer=login)) as response:
        _expect(response, 302, "sign-in")
        tab.keep_cookies(response)
    url = urljoin(base_url, path.format(id=seeded.id))
    async with http.get(url, headers=tab.request_headers(), timeout=PAGE_TIMEOUT) as response:
        _expect(response, 200, "tutor session page")
        tab.keep_cookies(response)
        return tab.read_chat_page(await response.text(), str(response.url))
