"""Names and Role Provisioning: a course's members, page by page."""

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

from .claims import SCOPE_NRPS
from .errors import LmsRefused
from .gateway import LmsGateway
from .paging import PageTrail

MEMBERSHIP_CONTAINER = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
STATUSES = ("Active", "Inactive", "Deleted")


@dataclass(frozen=True)
class Member:
    """One member of a course as the LMS lists it."""

    user_id: str
    roles: tuple[str, ...]
    status: str
    name: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class MemberPage:
    """One page of members and the URL of the next page, None on the last."""

    members: list[Member]
    next_url: str | None


def first_page_url(memberships_url: str, limit: int) -> str:
    """Ask for `limit` members per page, keeping any query the LMS put in its URL."""
    joiner = "&" if "?" in memberships_url else "?"
    return f"{memberships_url}{joiner}{urlencode({'limit': limit})}"


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def parse_member(raw: object) -> Member | None:
    """Read one member; None for an entry without a user id (nothing to attach it to)."""
    if not isinstance(raw, dict) or not _text(str(raw.get("user_id") or "")):
        return None
    status = raw.get("status")
    roles = raw.get("roles")
    return Member(
        user_id=str(raw["user_id"]),
        roles=tuple(r for r in roles if isinstance(r, str)) if isinstance(roles, list) else (),
        # An absent status means Active (NRPS 2.3).
        status=status if status in STATUSES else "Active",
        name=_text(raw.get("name")),
        given_name=_text(raw.get("given_name")),
        family_name=_text(raw.get("family_name")),
        email=_text(raw.get("email")),
    )


def member_pages(gateway: LmsGateway, url: str) -> Iterator[MemberPage]:
    """Yield the membership container's pages from `url`, following rel="next" verbatim."""
    trail = PageTrail(url)
    while url:
        response = gateway.get(url, (SCOPE_NRPS,), MEMBERSHIP_CONTAINER)
        body = response.json()
        if not isinstance(body, dict) or not isinstance(body.get("members"), list):
            raise LmsRefused("the roster page is not a membership container", response.status_code)
        members = [m for m in map(parse_member, body["members"]) if m is not None]
        # Checked before the page is handed out: a caller may keep next_url as a checkpoint.
        url = trail.next(response.header("Link"))
        yield MemberPage(members, url)
