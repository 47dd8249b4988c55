"""What the tutor console shows live: the waiting requests and the tutor's unfinished session."""

import hashlib
from dataclasses import dataclass

from ..domain.session_states import Status
from ..extensions import db
from ..models import TutoringSession
from .tutoring import QueueEntry, tutor_queue


@dataclass(frozen=True)
class Console:
    entries: list[QueueEntry]
    unfinished: TutoringSession | None
    version: str  # changes exactly when the page needs redrawing

    @property
    def needs_diagnosis(self) -> bool:
        return self.unfinished is not None and self.unfinished.status == Status.ENDED


def unfinished_session_of(tutor_id: int) -> TutoringSession | None:
    """Return the tutor's active session or the ended one still waiting for its diagnosis."""
    # Read afresh: live checks call this repeatedly in one request, and loaded objects are
    # not expired on commit, so a session the student has just ended would still look active.
    return db.session.execute(
        db.select(TutoringSession).filter_by(busy_tutor_id=tutor_id)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def console_of(tutor_id: int) -> Console:
    """Return the tutor's queue and unfinished session, with a version for live pages."""
    entries = tutor_queue(tutor_id)
    unfinished = unfinished_session_of(tutor_id)
    # What the page shows besides the ticking waits: the requests, and what the tutor is busy with.
    state = [str(e.session_id) for e in entries]
    state.append(f"{unfinished.id}:{unfinished.status}" if unfinished else "free")
    return Console(entries, unfinished, hashlib.sha256(",".join(state).encode()).hexdigest()[:16])
