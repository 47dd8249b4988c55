"""The services an LMS offers a tool: client-credentials tokens, rosters (NRPS), gradebook (AGS)."""

import threading
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlencode

import jwt

from ..lms.ags import COLUMN_LABEL, TUTORING_TAG
from ..lms.claims import (
    SCOPE_LINEITEM,
    SCOPE_LINEITEM_READONLY,
    SCOPE_NRPS,
    SCOPE_RESULT_READONLY,
    SCOPE_SCORE,
)
from .demo import DemoCourse
from .registration import PlatformConf, PlatformError, PlatformRegistration, ToolSide

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@dataclass
class Gradebook:
    """Line items and scores the tool created (kept in memory: a development LMS)."""

    lineitems: dict[str, dict] = field(default_factory=dict)
    scores: dict[str, list[dict]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


class PlatformServices:
    """Token, NRPS and AGS endpoints of one registration (mixed into SandboxPlatform)."""

    client_id: str
    token_url: str
    memberships_url: str
    lineitems_url: str
    course: DemoCourse
    page_size: int
    gradebook: Gradebook
    registration: PlatformRegistration
    tool: ToolSide
    # Moodle's line item URLs carry a query string (`?type_id=3`); set one to act like it.
    lineitem_query: str = ""

    def lineitem_url(self, item: str) -> str:
        """Return a line item's URL as this LMS writes it."""
        url = f"{self.lineitems_url}/{item}/lineitem"
        return f"{url}?{self.lineitem_query}" if self.lineitem_query else url

    def seed_lineitem(self, topic: str) -> None:
        # Columns the tool created earlier, so the demo gradebook is not empty.
        slug = topic.lower().replace(" ", "-")
        item_id = self.lineitem_url(slug)
        self.gradebook.lineitems[item_id] = {
            "id": item_id,
            "label": COLUMN_LABEL + topic,
            "scoreMaximum": 100,
            "resourceId": slug,
            "tag": TUTORING_TAG,
        }

    def issue_token(self, form: dict) -> dict:
        """The client-credentials endpoint: check the tool's signed assertion, grant scopes."""
        if form.get("grant_type") != "client_credentials":
            raise PlatformError("unsupported_grant_type")
        if form.get("client_assertion_type") != ASSERTION_TYPE:
            raise PlatformError("invalid_client")
        assertion = form.get("client_assertion", "")
        try:
            claims = jwt.decode(assertion, options={"verify_signature": False})
        except jwt.InvalidTokenError as exc:
            raise PlatformError("invalid_client") from exc
        if claims.get("iss") != self.client_id or claims.get("sub") != self.client_id:
            raise PlatformError("invalid_client", 401)
        if claims.get("aud") not in (self.token_url, [self.token_url]):
            raise PlatformError("invalid_client: aud must be the token endpoint", 401)
        conf = PlatformConf(registration=self.registration)
        self.registration.set_tool_key_set(self.tool.jwks())
        try:
            return dict(conf.get_access_token(form))
        except Exception as exc:  # lti1p3platform raises bare exceptions on a bad signature
            raise PlatformError(f"invalid_client: {exc}", 401) from exc

    def _require(self, authorization: str | None, scopes: tuple[str, ...]) -> None:
        token = (authorization or "").removeprefix("Bearer ").strip()
        if not token:
            raise PlatformError("missing bearer token", 401)
        conf = PlatformConf(registration=self.registration)
        try:
            allowed = conf.validate_token(token, allowed_scopes=list(scopes))
        except Exception as exc:
            raise PlatformError("invalid bearer token", 401) from exc
        if not allowed:
            raise PlatformError("token lacks the scope for this service", 403)

    def memberships(
        self, authorization: str | None, page: int, limit: int | None
    ) -> tuple[dict, str | None]:
        """One NRPS page and the URL of the next one, if any."""
        self._require(authorization, (SCOPE_NRPS,))
        size = min(limit or self.page_size, self.page_size)
        start = (page - 1) * size
        chunk = self.course.members[start : start + size]
        body = {
            "id": self.memberships_url,
            "context": {
                "id": self.course.context_id,
                "label": self.course.label,
                "title": self.course.title,
            },
            "members": [
                {
                    "user_id": u.user_id,
                    "status": u.status,
                    "name": u.name,
                    "given_name": u.given_name,
                    "family_name": u.family_name,
                    "email": u.email,
                    "roles": list(u.roles),
                }
                for u in chunk
            ],
        }
        more = start + size < len(self.course.members)
        next_url = f"{self.memberships_url}?{urlencode({'page': page + 1, 'limit': size})}"
        return body, next_url if more else None

    def lineitems(self, authorization: str | None, tag: str | None = None,
                  resource_id: str | None = None) -> list[dict]:
        """The line items this tool created in the course, filtered as AGS allows."""
        self._require(authorization, (SCOPE_LINEITEM, SCOPE_LINEITEM_READONLY))
        with self.gradebook.lock:
            items = list(self.gradebook.lineitems.values())
        return [
            i for i in items
            if (tag is None or i.get("tag") == tag)
            and (resource_id is None or i.get("resourceId") == resource_id)
        ]

    def create_lineitem(self, authorization: str | None, body: dict) -> dict:
        """Create a gradebook column."""
        self._require(authorization, (SCOPE_LINEITEM,))
        if not body.get("label") or not isinstance(body.get("scoreMaximum"), int | float):
            raise PlatformError("a line item needs a label and a numeric scoreMaximum")
        return self._store_lineitem(body)

    def lineitem_for_link(self, link_id: str, line_item: dict) -> str:
        """Create the column a deep-linking content item asked for (as Canvas does); return
        its id."""
        maximum = line_item.get("scoreMaximum")
        body = {
            "label": str(line_item.get("label") or "Tutoring"),
            "scoreMaximum": maximum if isinstance(maximum, int | float) else 100,
            "resourceLinkId": link_id,
            **{k: str(line_item[k]) for k in ("resourceId", "tag") if line_item.get(k)},
        }
        return self._store_lineitem(body)["id"]

    def _store_lineitem(self, body: dict) -> dict:
        item_id = self.lineitem_url(uuid.uuid4().hex[:12])
        item = {**body, "id": item_id}
        with self.gradebook.lock:
            self.gradebook.lineitems[item_id] = item
        return item

    def post_score(self, authorization: str | None, lineitem_id: str, score: dict) -> None:
        """Record a score; an older timestamp than the last one is ignored, as AGS requires."""
        self._require(authorization, (SCOPE_SCORE,))
        with self.gradebook.lock:
            if lineitem_id not in self.gradebook.lineitems:
                raise PlatformError("unknown line item", 404)
            history = self.gradebook.scores.setdefault(lineitem_id, [])
            last = [s for s in history if s.get("userId") == score.get("userId")]
            if last and last[-1].get("timestamp", "") >= score.get("timestamp", ""):
                raise PlatformError("score timestamp is not newer than the last one", 409)
            history.append(score)

    def results(self, authorization: str | None, lineitem_id: str,
                user_id: str | None = None) -> list[dict]:
        """The latest score of every user (or of one) on a line item."""
        self._require(authorization, (SCOPE_RESULT_READONLY,))
        with self.gradebook.lock:
            if lineitem_id not in self.gradebook.lineitems:
                raise PlatformError("unknown line item", 404)
            latest: dict[str, dict] = {}
            for score in self.gradebook.scores.get(lineitem_id, []):
                if user_id is None or score["userId"] == user_id:
                    latest[score["userId"]] = score
        return [
            {
                "id": f"{lineitem_id}/results/{user}",
                "scoreOf": lineitem_id,
                "userId": user,
                "resultScore": s.get("scoreGiven"),
                "resultMaximum": s.get("scoreMaximum"),
            }
            for user, s in latest.items()
        ]
