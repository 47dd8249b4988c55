"""Sessions reported to the service admin: list them with their transcript, resolve them."""

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Account, SessionReport, TutoringSession
from ..queries.transcripts import TranscriptLine, transcript

log = logging.getLogger(__name__)


class ReportNotFound(LookupError):
    """No report has this id."""


@dataclass(frozen=True)
class ReportDetail:
    report: SessionReport
    transcript: list[TranscriptLine]


def list_reports() -> list[SessionReport]:
    """Return every report with its session's course, subject and tutor: open ones first,
    newest first within each."""
    return list(db.session.execute(
        db.select(SessionReport)
        .options(selectinload(SessionReport.session).selectinload(TutoringSession.course),
                 selectinload(SessionReport.session).selectinload(TutoringSession.subject),
                 selectinload(SessionReport.session).selectinload(TutoringSession.tutor))
        .order_by(SessionReport.resolved_at.is_not(None), SessionReport.created_at.desc(),
                  SessionReport.id.desc())
    ).scalars())


def _get_report(report_id: int) -> SessionReport:
    report = db.session.get(SessionReport, report_id)
    if report is None:
        raise ReportNotFound(f"no report with id {report_id}")
    return report


def report_detail(report_id: int) -> ReportDetail:
    """Return a report and its session's transcript, or raise ReportNotFound."""
    report = _get_report(report_id)
    return ReportDetail(report, transcript(report.session))


def resolve_report(report_id: int, admin: Account, now: datetime) -> SessionReport:
    """Mark the report resolved by this admin; resolving it again changes nothing."""
    report = _get_report(report_id)
    if report.resolved_at is None:
        report.resolved_at, report.resolved_by = now, admin.id
        db.session.commit()
        log.info("report %s resolved by account %s", report.id, admin.id)
    return report
