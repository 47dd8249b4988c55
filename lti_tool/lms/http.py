"""Fetch URLs that came from a registration: no private addresses, bounded size, time, redirects."""

import ipaddress
import json
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from .errors import FetchFailed, FetchRefused
from .limits import same_origin

USER_AGENT = "TutoringPortal/0.1 (LTI 1.3 tool)"
_session = requests.Session()
_session.headers["User-Agent"] = USER_AGENT


@dataclass(frozen=True)
class OutboundPolicy:
    """What the tool may fetch: development allows http and local addresses, production not."""

    allow_http: bool = False
    allow_private: bool = False
    allowlist: tuple[str, ...] = ()
    timeout: float = 5.0
    max_bytes: int = 1024 * 1024
    max_redirects: int = 3

    @classmethod
    def from_config(cls, config: dict) -> "OutboundPolicy":
        return cls(
            allow_http=config["FETCH_ALLOW_HTTP"],
            allow_private=config["FETCH_ALLOW_PRIVATE"],
            allowlist=tuple(config["FETCH_ALLOWLIST"]),
            timeout=config["FETCH_TIMEOUT_SECONDS"],
            max_bytes=config["FETCH_MAX_BYTES"],
            max_redirects=config["FETCH_MAX_REDIRECTS"],
        )


@dataclass
class Fetched:
    """A fetched response, fully read within the size limit."""

    status_code: int
    headers: dict[str, str]
    content: bytes
    url: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status_code < 300

    def json(self) -> Any:
        try:
            return json.loads(self.content)
        except ValueError as exc:
            # The host only: paths and queries can carry course and user identifiers.
            raise FetchRefused(f"{urlsplit(self.url).hostname} did not return JSON") from exc

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == lowered), None)


def resolve(host: str) -> list[str]:
    """Return every address a host name resolves to."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchRefused(f"cannot resolve {host}") from exc
    return sorted({info[4][0] for info in infos})


def _allowlisted(host: str, addresses: list[str], allowlist: tuple[str, ...]) -> bool:
    for entry in allowlist:
        if entry.lower() == host.lower():
            return True
        try:
            network = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            continue
        if addresses and all(ipaddress.ip_address(a) in network for a in addresses):
            return True
    return False


def check_url(url: str, policy: OutboundPolicy) -> None:
    """Refuse a URL whose scheme or resolved addresses the policy forbids."""
    parts = urlsplit(url)
    allowed_schemes = {"https", "http"} if policy.allow_http else {"https"}
    if parts.scheme not in allowed_schemes:
        raise FetchRefused(f"only {' or '.join(sorted(allowed_schemes))} URLs may be fetched")
    if not parts.hostname:
        raise FetchRefused("the URL has no host")
    if policy.allow_private:
        return
    addresses = resolve(parts.hostname)
    if _allowlisted(parts.hostname, addresses, policy.allowlist):
        return
    for address in addresses:
        ip = ipaddress.ip_address(address)
        if not ip.is_global or ip.is_multicast:
            raise FetchRefused(f"{parts.hostname} resolves to a private or local address")


def fetch(
    method: str,
    url: str,
    policy: OutboundPolicy,
    *,
    headers: dict[str, str] | None = None,
    data: Any = None,
    json_body: Any = None,
) -> Fetched:
    """Fetch a URL under the policy, re-checking every redirect hop."""
    for _ in range(policy.max_redirects + 1):
        check_url(url, policy)
        try:
            response = _session.request(
                method,
                url,
                headers=headers,
                data=data,
                json=json_body,
                timeout=(min(3.0, policy.timeout), policy.timeout),
                allow_redirects=False,
                stream=True,
            )
        except requests.RequestException as exc:
            raise FetchFailed(
                f"could not reach {urlsplit(url).hostname}: {type(exc).__name__}"
            ) from exc
        with response:
            if response.is_redirect and "location" in response.headers:
                target = urljoin(url, response.headers["location"])
                if headers and not same_origin(target, url):
                    # Credentials were meant for the first host only.
                    headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
                url = target
                if response.status_code in (301, 302, 303):
                    method, data, json_body = "GET", None, None
                continue
            return Fetched(
                status_code=response.status_code,
                headers=dict(response.headers),
                content=_read_limited(response, policy.max_bytes),
                url=url,
            )
    raise FetchRefused(f"too many redirects (more than {policy.max_redirects})")


def _read_limited(response: requests.Response, max_bytes: int) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_content(64 * 1024):
        size += len(chunk)
        if size > max_bytes:
            raise FetchRefused(f"response larger than {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
