"""Tutor accounts: create them, choose the subjects they cover, turn them off and on."""

import logging
from dataclasses import dataclass

from .. import live
from ..extensions import db
from ..models import Account, Subject, TutorSubject
from .accounts import AccountError, create_account
from .help_requests import QUEUE

log = logging.getLogger(__name__)

NAME_MAX = 200
EMAIL_MAX = 320


class TutorError(ValueError):
    """A tutor change that cannot be made as asked; the message says why, `field` where."""

    def __init__(self, message: str, field: str = "subject"):
        super().__init__(message)
        self.field = field


class TutorNotFound(LookupError):
    """No tutor account matches."""


@dataclass(frozen=True)
class TutorListing:
    account: Account
    subjects: list[Subject]


def list_tutors() -> list[TutorListing]:
    """Return every tutor account, by name, with the subjects it covers."""
    tutors = db.session.execute(
        db.select(Account).filter_by(is_tutor=True).order_by(Account.name, Account.id)
    ).scalars().all()
    covered = db.session.execute(
        db.select(TutorSubject.account_id, Subject)
        .join(Subject, Subject.id == TutorSubject.subject_id).order_by(Subject.name)
    ).all()
    by_tutor: dict[int, list[Subject]] = {}
    for account_id, subject in covered:
        by_tutor.setdefault(account_id, []).append(subject)
    return [TutorListing(t, by_tutor.get(t.id, [])) for t in tutors]


def get_tutor(account_id: int) -> Account:
    """Return one tutor account or raise TutorNotFound."""
    account = db.session.get(Account, account_id)
    if account is None or not account.is_tutor:
        raise TutorNotFound(f"no tutor with id {account_id}")
    return account


def tutor_by_email(email: str) -> Account:
    """Return the tutor account with this email or raise TutorNotFound."""
    account = db.session.execute(
        db.select(Account).filter_by(email=email.strip().lower(), is_tutor=True)
    ).scalar_one_or_none()
    if account is None:
        raise TutorNotFound(f"no tutor account for {email.strip()}")
    return account


def create_tutor(email: str, name: str, password: str, subject_ids: list[int]) -> Account:
    """Create a tutor account covering the given subjects."""
    name, email = " ".join(name.split()), email.strip()
    if not name or len(name) > NAME_MAX:
        raise TutorError(f"Give the tutor's name (at most {NAME_MAX} characters).", "name")
    if "@" not in email.strip("@") or len(email) > EMAIL_MAX or " " in email:
        raise TutorError("Give the tutor's email address, like name@example.edu.", "email")
    if db.session.execute(db.select(Account.id).filter_by(email=email.lower())).first():
        raise TutorError(f"An account for {email} already exists.", "email")
    subjects = _subjects(subject_ids, allowed_retired=set())
    try:
        account = create_account(email, name, password, commit=False)
    except AccountError as exc:  # what is left to refuse is the password
        raise TutorError(f"{str(exc)[0].upper()}{str(exc)[1:]}.", "password") from exc
    account.is_tutor = True
    db.session.add_all(TutorSubject(account_id=account.id, subject_id=s.id) for s in subjects)
    db.session.commit()
    log.info("tutor %s created with %s subject(s)", account.id, len(subjects))
    return account


def set_tutor_subjects(account_id: int, subject_ids: list[int]) -> Account:
    """Replace the subjects a tutor covers."""
    tutor = get_tutor(account_id)
    current = set(db.session.execute(
        db.select(TutorSubject.subject_id).filter_by(account_id=tutor.id)
    ).scalars())
    # A retired subject the tutor already covers may stay; it cannot be newly given.
    wanted = {s.id for s in _subjects(subject_ids, allowed_retired=current)}
    for subject_id in current - wanted:
        db.session.delete(db.session.get(TutorSubject, (tutor.id, subject_id)))
    db.session.add_all(TutorSubject(account_id=tutor.id, subject_id=subject_id)
                       for subject_id in wanted - current)
    live.announce(QUEUE)  # the tutor's queue shows other requests now
    db.session.commit()
    log.info("tutor %s now covers %s subject(s)", tutor.id, len(wanted))
    return tutor


def set_tutor_active(account_id: int, active: bool) -> Account:
    """Turn a tutor account off (it can no longer sign in nor appear online) or back on."""
    tutor = get_tutor(account_id)
    tutor.active = active
    if not active:
        tutor.available = False
    live.announce(QUEUE)  # students' "tutors online" counts change
    db.session.commit()
    log.info("tutor %s %s", tutor.id, "enabled" if active else "disabled")
    return tutor


def _subjects(subject_ids: list[int], *, allowed_retired: set[int]) -> list[Subject]:
    subjects = [db.session.get(Subject, subject_id) for subject_id in dict.fromkeys(subject_ids)]
    if any(s is None or (s.retired and s.id not in allowed_retired) for s in subjects):
        raise TutorError("Choose subjects from the catalog.")
    return subjects
