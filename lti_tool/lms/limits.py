"""Limits every value from an LMS must fit: the widths of the columns that keep it."""

from urllib.parse import urlsplit

MAX_ID_LENGTH = 255  # issuer, client id, deployment id, user and context ids
MAX_URL_LENGTH = 1000


def bounded_id(value: object) -> str | None:
    """Return an identifier that fits its column, or None."""
    return value if isinstance(value, str) and 0 < len(value) <= MAX_ID_LENGTH else None


def bounded_url(value: object) -> str | None:
    """Return an http(s) URL that fits its column, or None."""
    if not isinstance(value, str) or len(value) > MAX_URL_LENGTH:
        return None
    return value if urlsplit(value).scheme in ("https", "http") else None


def origin(url: str) -> str | None:
    """Return scheme://host[:port] of an http(s) URL, or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"
