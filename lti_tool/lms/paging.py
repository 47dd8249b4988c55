"""Follow paged LMS collections: the next page is named by a `Link: <url>; rel="next"` header."""

import re

_LINK = re.compile(r"<([^>]*)>((?:\s*;\s*[^;,]+)*)")
_REL = re.compile(r"""rel\s*=\s*(?:"([^"]*)"|([^\s;,"]+))""", re.IGNORECASE)


def next_page_url(link_header: str | None) -> str | None:
    """Return the rel="next" URL exactly as given (rel matched case-insensitively, quoted or
    not, possibly among several relations), or None on the last page."""
    for url, params in _LINK.findall(link_header or ""):
        for quoted, bare in _REL.findall(params):
            if "next" in (quoted or bare).lower().split():
                return url.strip()
    return None
