"""Sync a course's roster from Names and Roles, page by page, resuming where a sync stopped."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError

from ..domain.roles import audience_for
from ..extensions import db
from ..lms.errors import FetchRefused, LmsRefused, LmsServiceError, ServiceNotOffered
from ..lms.gateway import LmsGateway
from ..lms.limits import MAX_ID_LENGTH, bounded_url
from ..lms.nrps import Member, MemberPage, first_page_url, member_pages
from ..models import Course, LmsUser, Membership
from ..models.rows import get_or_insert

log = logging.getLogger(__name__)

# A checkpoint older than this is not resumed: the LMS's page links may have gone stale, and
# the members seen before it would be judged against an old roster.
RESUME_WITHIN = timedelta(hours=6)
ERROR_WIDTH = 500
NAME_WIDTH = 255
EMAIL_WIDTH = 320

Progress = Callable[[int, int], None]  # (pages done in this run, members seen by the sync)


@dataclass(frozen=True)
class RosterSync:
    """What a finished sync did."""

    pages: int
    members: int
    removed: int
    resumed: bool


def sync_roster(course_id: int, now: datetime, config: dict,
                progress: Progress | None = None) -> RosterSync:
    """Fetch the course's members from the LMS and store them; commit after every page."""
    course = db.session.get(Course, course_id)
    if course is None:
        raise LookupError(f"no course {course_id}")
    if not course.nrps_url:
        raise ServiceNotOffered("this course's launches carried no Names and Roles endpoint")
    gateway = LmsGateway.for_course(course, config)
    if gateway is None:
        raise LmsRefused("this LMS registration is turned off in the tool")
    resumed = bool(course.roster_next_url and course.roster_sync_started_at
                   and now - course.roster_sync_started_at < RESUME_WITHIN)
    if resumed:
        started, url = course.roster_sync_started_at, course.roster_next_url
    else:
        started, url = now, first_page_url(course.nrps_url, config["ROSTER_PAGE_SIZE"])
    platform_id = course.platform_id
    pages = seen = 0
    try:
        for page in member_pages(gateway, url):
            next_url = _next_url(page)
            seen += _store_page(course_id, platform_id, page.members, started, next_url)
            pages += 1
            if progress is not None:
                progress(pages, seen)
    except (LmsServiceError, FetchRefused) as exc:
        db.session.rollback()
        _record_failure(course_id, exc)
        raise
    return _finish(course_id, started, now, pages, resumed)


def _next_url(page: MemberPage) -> str | None:
    # The page trail has refused other hosts; what is left must fit the checkpoint column.
    if page.next_url is not None and bounded_url(page.next_url) is None:
        raise LmsRefused("the LMS's next roster page URL is too long")
    return page.next_url


def _store_page(course_id: int, platform_id: int, members: list[Member],
                started: datetime, next_url: str | None) -> int:
    """Upsert one page's people and memberships with a few batched statements, and commit
    them with the checkpoint: the URL of the page after this one."""
    by_sub = {m.user_id: m for m in members if len(m.user_id) <= MAX_ID_LENGTH}
    if by_sub:
        users = _users(platform_id, by_sub)
        by_user = {users[sub].id: member for sub, member in by_sub.items()}
        for user_id, membership in _memberships(course_id, list(by_user)).items():
            member = by_user[user_id]
            membership.roles, membership.status = list(member.roles), member.status
            membership.is_test_user = membership.is_test_user or audience_for(
                list(member.roles)).test_user
            membership.roster_seen_at, membership.removed_at = started, None
    course = db.session.get(Course, course_id)
    course.roster_sync_started_at, course.roster_next_url = started, next_url
    db.session.commit()
    return len(by_sub)


def _users(platform_id: int, by_sub: dict[str, Member]) -> dict[str, LmsUser]:
    """Return the page's people by LMS user id, updated, inserting those not met yet."""
    rows = db.session.execute(db.select(LmsUser).where(
        LmsUser.platform_id == platform_id, LmsUser.sub.in_(list(by_sub)))).scalars()
    found = {row.sub: row for row in rows}
    for sub, user in found.items():
        _update_user(user, by_sub[sub])
    new = [LmsUser(platform_id=platform_id, sub=sub) for sub in sorted(by_sub)
           if sub not in found]
    found.update(_insert_all(
        new, lambda row: get_or_insert(LmsUser, {"platform_id": platform_id, "sub": row.sub}),
        key=lambda row: row.sub, prepare=lambda row: _update_user(row, by_sub[row.sub])))
    db.session.flush()
    return found


def _memberships(course_id: int, user_ids: list[int]) -> dict[int, Membership]:
    """Return the page's memberships by user row id, inserting the new ones."""
    rows = db.session.execute(db.select(Membership).where(
        Membership.course_id == course_id, Membership.user_id.in_(user_ids))).scalars()
    found = {row.user_id: row for row in rows}
    new = [Membership(course_id=course_id, user_id=user_id, is_test_user=False)
           for user_id in sorted(user_ids) if user_id not in found]
    found.update(_insert_all(
        new, lambda row: get_or_insert(Membership, {"course_id": course_id,
                                                    "user_id": row.user_id}),
        key=lambda row: row.user_id))
    return found


def _insert_all(rows: list, one_by_one: Callable, key: Callable,
                prepare: Callable | None = None) -> dict:
    """Insert rows in one batch; if a launch inserted one of them meanwhile, go row by row."""
    if not rows:
        return {}
    prepare = prepare or (lambda row: None)
    for row in rows:
        prepare(row)
    try:
        with db.session.begin_nested():
            db.session.add_all(rows)
    except IntegrityError:
        rows = [one_by_one(row) for row in rows]
        for row in rows:
            prepare(row)
    return {key(row): row for row in rows}


def _update_user(user: LmsUser, member: Member) -> None:
    # Names the LMS leaves out (privacy settings) keep what a launch told us.
    for field in ("name", "given_name", "family_name"):
        value = getattr(member, field)
        if value:
            setattr(user, field, value[:NAME_WIDTH])
    # Only instructors' and TAs' addresses are kept (alert delivery); never a learner's.
    if member.email and len(member.email) <= EMAIL_WIDTH and audience_for(
            list(member.roles)).staff:
        user.email = member.email


def _finish(course_id: int, started: datetime, now: datetime, pages: int,
            resumed: bool) -> RosterSync:
    """Mark members this sync did not see as removed (never deleted); clear the checkpoint."""
    removed = db.session.execute(
        update(Membership)
        .where(Membership.course_id == course_id, Membership.removed_at.is_(None),
               (Membership.roster_seen_at.is_(None)) | (Membership.roster_seen_at < started),
               # Test students (Canvas's Student View) may be missing from rosters but are no
               # less in the course.
               Membership.is_test_user.is_(False))
        .values(removed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    seen = db.session.scalar(db.select(func.count()).select_from(Membership).where(
        Membership.course_id == course_id, Membership.roster_seen_at == started))
    course = db.session.get(Course, course_id)
    course.roster_synced_at, course.roster_error = now, None
    course.roster_sync_started_at, course.roster_next_url = None, None
    db.session.commit()
    log.info("roster synced: course=%s pages=%s members=%s removed=%s resumed=%s",
             course_id, pages, seen, removed, resumed)
    return RosterSync(pages, seen, removed, resumed)


def _record_failure(course_id: int, exc: Exception) -> None:
    """Keep the last good roster and the checkpoint; say briefly why the LMS did not answer."""
    course = db.session.get(Course, course_id)
    if isinstance(exc, LmsServiceError):
        course.roster_error = str(exc)[:ERROR_WIDTH]
    else:
        course.roster_error = "the LMS's roster page could not be read"
    db.session.commit()
    log.warning("roster sync failed: course=%s status=%s (%s)", course_id,
                getattr(exc, "status", None), type(exc).__name__)
