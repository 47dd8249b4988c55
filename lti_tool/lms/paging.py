"""Follow paged LMS collections: the next page is named by a `Link: <url>; rel="next"` header."""

import re

from .errors import LmsRefused
from .limits import same_origin

# Far beyond any course (Canvas: 50 members a page), short of a loop that never ends.
MAX_PAGES = 2000

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



class PageTrail:
    """The pages followed from a first URL. A next page must stay on the first page's origin
    (our bearer token goes with it), never repeat, and come within MAX_PAGES: an LMS whose
    links loop is refused, not followed forever."""

    def __init__(self, first_url: str) -> None:
        self.first_url = first_url
        self.seen = {first_url}

    def next(self, link_header: str | None) -> str | None:
        """Return the page a Link header names next (None on the last page), or raise
        LmsRefused when it may not be followed."""
        url = next_page_url(link_header)
        if url is None:
            return None
        if url in self.seen or len(self.seen) >= MAX_PAGES:
            raise LmsRefused("the LMS's next-page links go round in circles or never end")
        if not same_origin(url, self.first_url):
            raise LmsRefused("the LMS's next page is on another host")
        self.seen.add(url)
        return url
