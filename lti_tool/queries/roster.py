"""A course's roster as the portal lists it, and the courses a roster sync covers."""

from dataclasses import dataclass

from ..domain.roles import audience_for
from ..domain.roster import role_words, status_words
from ..extensions import db
from ..models import Course, LmsUser, Membership


@dataclass(frozen=True)
class RosterRow:
    """One member of a course, in words."""

    name: str
    roles: list[str]
    status: str
    learner: bool


def course_roster(course_id: int) -> list[RosterRow]:
    """Return the course's members, learners first, then by name."""
    rows = db.session.execute(
        db.select(Membership, LmsUser)
        .join(LmsUser, LmsUser.id == Membership.user_id)
        .where(Membership.course_id == course_id)
        .order_by(Membership.id)
    ).all()
    members = [
        RosterRow(
            name=user.display_name,
            roles=role_words(membership.roles),
            status=status_words(membership.status, membership.removed_at is not None),
            learner=audience_for(membership.roles).learner,
        )
        for membership, user in rows
    ]
    return sorted(members, key=lambda m: (not m.learner, m.name.casefold()))


def roster_courses(course_ids: list[int] | None = None) -> list[Course]:
    """Return the given courses, or every course whose launches carried a roster endpoint."""
    query = db.select(Course).order_by(Course.id)
    if course_ids:
        query = query.where(Course.id.in_(course_ids))
    else:
        query = query.where(Course.nrps_url.is_not(None))
    return list(db.session.execute(query).scalars())
