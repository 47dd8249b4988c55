"""The tutor's end-of-session diagnosis: record it, free the tutor for the next student."""

import logging
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from .. import live
from ..domain.barriers import reassessment_due
from ..domain.diagnosis import check_diagnosis
from ..domain.events import DiagnosisRecorded
from ..domain.session_states import Status
from ..extensions import db
from ..models import Account, Diagnosis, TutoringSession
from ..queries.tutoring import course_topics, latest_diagnosis_before
from . import events
from .help_requests import QUEUE
from .tutoring_errors import Conflict

log = logging.getLogger(__name__)


def record_diagnosis(session: TutoringSession, tutor: Account, form: Mapping,
                     steps: list[str], now: datetime) -> Diagnosis:
    """Check and store the diagnosis; raise domain DiagnosisInvalid listing what to fix."""
    if session.tutor_id != tutor.id or session.status != Status.ENDED:
        raise Conflict("A diagnosis is recorded by the session's tutor once it has ended.")
    previous = latest_diagnosis_before(session)
    asks = previous is not None and reassessment_due(previous.barrier)
    draft = check_diagnosis(form, topic_ids={t.id for t in course_topics(session.course_id)},
                            asks_reassessment=asks, steps=steps)
    diagnosis = Diagnosis(
        session_id=session.id, tutor_id=tutor.id, observations=draft.observations,
        observation_notes=draft.observation_notes, barrier=draft.barrier,
        next_steps=draft.next_steps, learning_goal=draft.learning_goal,
        prerequisite=draft.prerequisite, mastery=draft.mastery, exit_ticket=draft.exit_ticket,
        topic_id=draft.topic_id, reassessed_diagnosis_id=previous.id if asks else None,
        reassessment=draft.reassessment, reassessment_why=draft.reassessment_why,
        recorded_at=now,
    )
    db.session.add(diagnosis)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("This session's diagnosis has already been recorded.") from None
    session.busy_tutor_id = None
    events.record(DiagnosisRecorded(session.id, session.student_id, session.course_id,
                                    session.is_test_user, diagnosis.id, draft.prerequisite,
                                    draft.mastery, draft.barrier, draft.exit_ticket), now)
    live.announce(QUEUE)
    db.session.commit()
    log.info("session %s diagnosed", session.id)
    return diagnosis


