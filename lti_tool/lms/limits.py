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


_DEFAULT_PORTS = {"https": 443, "http": 80}


def same_origin(first: str, second: str) -> bool:
    """Tell whether two URLs share scheme, host and port (a default port written or not)."""
    key_first, key_second = _origin_key(first), _origin_key(second)
    return key_first is not None and key_first == key_second


def _origin_key(url: str) -> tuple[str, str, int | None] | None:
    try:
        parts = urlsplit(url)
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:
        return None
    if not parts.hostname:
        return None
    return parts.scheme.lower(), parts.hostname.lower(), port


def origin(url: str) -> str | None:
    """Return scheme://host[:port] of an http(s) URL, or None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"
