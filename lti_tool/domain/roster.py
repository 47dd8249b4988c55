"""How a course's roster reads to people: roles and status in words, and the roster's age."""

from datetime import datetime

from .roles import audience_for, parse_role

# Context roles (LIS vocabulary) as an instructor would name them.
ROLE_WORDS = {
    "Instructor": "Instructor",
    "TeachingAssistant": "Teaching assistant",
    "Learner": "Student",
    "ContentDeveloper": "Course designer",
    "Mentor": "Observer",
    "Administrator": "Course administrator",
    "Manager": "Manager",
    "Member": "Member",
    "Officer": "Officer",
}
REMOVED = "Removed from the LMS roster"


def role_words(roles: list[str] | tuple[str, ...] | None) -> list[str]:
    """Name a member's course roles in words; institution and system roles are left out."""
    words: list[str] = []
    for role in (parse_role(r) for r in (roles or []) if isinstance(r, str)):
        if role.scope != "context":
            continue
        word = ROLE_WORDS.get(role.name) or ROLE_WORDS.get(role.parent or "")
        if word and word not in words:
            words.append(word)
    # LMSs list a TA as Instructor too (the TA role is an Instructor sub-role): say only TA.
    if "Teaching assistant" in words and "Instructor" in words:
        words.remove("Instructor")
    if audience_for(list(roles or [])).test_user:
        words = ["Test student" if w == "Student" else w for w in words] or ["Test student"]
    return words


def status_words(status: str, removed: bool) -> str:
    """Say whether a member is active in the course, as the LMS last reported it."""
    if removed:
        return REMOVED
    return status if status in ("Active", "Inactive", "Deleted") else "Active"


def age_in_words(then: datetime, now: datetime) -> str:
    """Say how long ago `then` was: "just now", "12 minutes ago", "3 hours ago", "2 days ago"."""
    minutes = int((now - then).total_seconds() // 60)
    if minutes < 1:
        return "just now"
    for size, unit in ((24 * 60, "day"), (60, "hour"), (1, "minute")):
        if minutes >= size:
            count = minutes // size
            return f"{count} {unit}{'' if count == 1 else 's'} ago"


def is_enrolled(status: str | None, removed_at: datetime | None) -> bool:
    """Whether a member is in the course: active there (or never reported otherwise) and not
    removed from the roster."""
    return status in (None, "Active") and removed_at is None


def sync_pending(queued: bool, synced: datetime | None, requested: datetime | None) -> bool:
    """Whether a roster sync is on its way: just queued, or asked for since the last one."""
    return queued or (requested is not None and (synced is None or requested > synced))
