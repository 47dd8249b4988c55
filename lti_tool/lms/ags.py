"""Assignment and Grade Services: the tool's line items, scores sent to them, results read."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode, urlsplit, urlunsplit

from .claims import SCOPE_LINEITEM_READONLY, SCOPE_RESULT_READONLY, SCOPE_SCORE
from .errors import LmsRefused
from .gateway import LmsGateway
from .paging import PageTrail

LINEITEM_CONTAINER = "application/vnd.ims.lis.v2.lineitemcontainer+json"
SCORE = "application/vnd.ims.lis.v1.score+json"
RESULT_CONTAINER = "application/vnd.ims.lis.v2.resultcontainer+json"
# Tags the gradebook columns the tool creates for exit-ticket mastery.
TUTORING_TAG = "tutoring-mastery"
# What those columns' labels start with; the rest is the topic's name.
COLUMN_LABEL = "Tutoring mastery: "


@dataclass(frozen=True)
class LineItem:
    """A gradebook column the tool created."""

    url: str
    label: str
    resource_id: str | None
    tag: str | None


@dataclass(frozen=True)
class Result:
    """A user's result on a line item."""

    user_id: str
    score: float | None
    maximum: float | None


def sub_url(lineitem_url: str, service: str) -> str:
    """Return the scores or results URL of a line item: its path with `/scores` or `/results`
    appended, its query string kept (AGS 3.4, 3.3)."""
    parts = urlsplit(lineitem_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/" + service))


def with_query(url: str, params: dict) -> str:
    """Add query parameters to a URL, keeping the ones it already has."""
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}{urlencode(params)}"


def parse_lineitem(raw: object) -> LineItem | None:
    """Read one line item; None without an id or a label."""
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        return None
    return LineItem(
        url=raw["id"],
        label=str(raw.get("label") or ""),
        resource_id=str(raw["resourceId"]) if raw.get("resourceId") is not None else None,
        tag=raw.get("tag") if isinstance(raw.get("tag"), str) else None,
    )


def _list_pages(gateway: LmsGateway, url: str, scopes: tuple[str, ...],
                accept: str) -> Iterator[list]:
    trail = PageTrail(url)
    while url:
        response = gateway.get(url, scopes, accept)
        body = response.json()
        if not isinstance(body, list):
            raise LmsRefused("the LMS answered with something other than a list",
                             response.status_code)
        yield body
        url = trail.next(response.header("Link"))


def lineitems(gateway: LmsGateway, lineitems_url: str, tag: str | None = None) -> list[LineItem]:
    """Return the line items the tool created in a course (all pages), optionally by tag."""
    url = with_query(lineitems_url, {"tag": tag}) if tag else lineitems_url
    items = []
    for page in _list_pages(gateway, url, (SCOPE_LINEITEM_READONLY,), LINEITEM_CONTAINER):
        items.extend(i for i in map(parse_lineitem, page) if i is not None)
    return items


def iso_timestamp(moment: datetime) -> str:
    """Return an AGS timestamp: ISO 8601, UTC, with microseconds."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "+00:00"


def post_score(gateway: LmsGateway, lineitem_url: str, user_id: str, score_given: float,
               score_maximum: float, timestamp: datetime) -> None:
    """Send a final score for one user; tutor notes are never part of it.

    Tried once: if the LMS stored it but the answer was lost, a resend with the same
    timestamp is forbidden (AGS 3.4), so the caller retries with a later timestamp."""
    gateway.post(
        sub_url(lineitem_url, "scores"),
        (SCOPE_SCORE,),
        {
            "userId": user_id,
            "scoreGiven": score_given,
            "scoreMaximum": score_maximum,
            "activityProgress": "Completed",
            "gradingProgress": "FullyGraded",
            "timestamp": iso_timestamp(timestamp),
        },
        SCORE,
        tries=1,
    )


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def results(gateway: LmsGateway, lineitem_url: str, user_id: str | None = None) -> list[Result]:
    """Return the results on a line item (all pages), for one user when `user_id` is given."""
    url = sub_url(lineitem_url, "results")
    if user_id is not None:
        url = with_query(url, {"user_id": user_id})
    found = []
    for page in _list_pages(gateway, url, (SCOPE_RESULT_READONLY,), RESULT_CONTAINER):
        for raw in page:
            if isinstance(raw, dict) and raw.get("userId") is not None:
                found.append(Result(str(raw["userId"]), _number(raw.get("resultScore")),
                                    _number(raw.get("resultMaximum"))))
    return found
