"""Decide what a launch may open from its course (context) roles alone."""

from dataclasses import dataclass
from enum import StrEnum

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
LTI_SYSTEM_PERSON = "http://purl.imsglobal.org/vocab/lti/system/person#"
LEGACY_CONTEXT = "urn:lti:role:ims/lis/"

STAFF_ROLES = frozenset({"Instructor", "TeachingAssistant", "Administrator"})
LEARNER_ROLES = frozenset({"Learner"})
DESIGNER_ROLES = frozenset({"ContentDeveloper"})


class Destination(StrEnum):
    """Where a launch lands."""

    PORTAL = "portal"
    TUTORING = "tutoring"
    COURSE_SETUP = "course_setup"
    NOT_AVAILABLE = "not_available"


@dataclass(frozen=True)
class Role:
    """One entry of the roles claim: its scope and its name (and parent for sub-roles)."""

    scope: str  # context, institution, system, unknown
    name: str
    parent: str | None = None


@dataclass(frozen=True)
class Audience:
    """What a person may open in a course, derived from their context roles."""

    staff: bool
    learner: bool
    designer: bool
    test_user: bool

    @property
    def destination(self) -> Destination:
        if self.staff:
            return Destination.PORTAL
        if self.learner:
            return Destination.TUTORING
        if self.designer:
            return Destination.COURSE_SETUP
        return Destination.NOT_AVAILABLE

    @property
    def can_open_portal(self) -> bool:
        return self.staff

    @property
    def can_open_tutoring(self) -> bool:
        return self.learner

    @property
    def can_set_up_course(self) -> bool:
        return self.staff or self.designer


def parse_role(value: str) -> Role:
    """Read a full role URI, a legacy URN or a short name (short names are context roles)."""
    value = value.strip()
    if not value:
        return Role("unknown", "")
    if value.startswith(LTI_SYSTEM_PERSON):
        return Role("system", value[len(LTI_SYSTEM_PERSON) :])
    if value.startswith(LIS):
        path, _, name = value[len(LIS) :].partition("#")
        if not name:
            return Role("unknown", value)
        if path == "membership":
            return Role("context", name)
        if path.startswith("membership/"):
            return Role("context", name, parent=path.removeprefix("membership/"))
        if path.startswith("institution/"):
            return Role("institution", name)
        if path.startswith("system/"):
            return Role("system", name)
        return Role("unknown", value)
    if value.startswith(LEGACY_CONTEXT):
        return Role("context", value[len(LEGACY_CONTEXT) :])
    if ":" in value or "/" in value:
        return Role("unknown", value)
    return Role("context", value)


def _in_group(role: Role, group: frozenset[str]) -> bool:
    # A sub-role (membership/Instructor#TeachingAssistant) belongs to its parent's group too.
    return role.scope == "context" and (role.name in group or role.parent in group)


def audience_for(roles: list[str] | None) -> Audience:
    """Decide the audience from the roles claim; institution and system roles grant nothing."""
    parsed = [parse_role(r) for r in (roles or []) if isinstance(r, str)]
    return Audience(
        staff=any(_in_group(r, STAFF_ROLES) for r in parsed),
        learner=any(_in_group(r, LEARNER_ROLES) for r in parsed),
        designer=any(_in_group(r, DESIGNER_ROLES) for r in parsed),
        test_user=any(r.scope == "system" and r.name == "TestUser" for r in parsed),
    )
