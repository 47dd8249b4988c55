"""The subject catalog: add, rename, retire and restore subjects; load the shipped list."""

import logging
from pathlib import Path

from sqlalchemy import func

from ..extensions import db
from ..models import Subject
from ..models.rows import commit_unique
from ..resources import resource_dir

log = logging.getLogger(__name__)

NAME_MAX = 100
TAKEN = "The catalog already has a subject with that name."


class SubjectError(ValueError):
    """A catalog change that cannot be made as asked; the message says why."""


class SubjectNotFound(LookupError):
    """No subject has this id."""


def catalog_path() -> Path:
    """Return the shipped subject list, config/subjects.txt."""
    return resource_dir("config") / "subjects.txt"


def list_subjects() -> list[Subject]:
    """Return every subject, retired ones included, by name."""
    return list(db.session.execute(db.select(Subject).order_by(Subject.name)).scalars())


def get_subject(subject_id: int) -> Subject:
    """Return one subject or raise SubjectNotFound."""
    subject = db.session.get(Subject, subject_id)
    if subject is None:
        raise SubjectNotFound(f"no subject with id {subject_id}")
    return subject


def _named(name: str) -> Subject | None:
    return db.session.execute(
        db.select(Subject).where(func.lower(Subject.name) == name.lower())
    ).scalar_one_or_none()


def _well_formed(raw: str | None) -> str:
    name = " ".join((raw or "").split())
    if not name:
        raise SubjectError("Give the subject a name.")
    if len(name) > NAME_MAX:
        raise SubjectError(f"Subject names are limited to {NAME_MAX} characters.")
    return name


def check_name(raw: str | None, *, renaming: Subject | None = None) -> str:
    """Return the trimmed name, or raise SubjectError if it is empty, too long or taken."""
    name = _well_formed(raw)
    existing = _named(name)
    if existing is not None and existing is not renaming:
        retired = " (retired: restore it instead)" if existing.retired else ""
        raise SubjectError(f"The catalog already has {existing.name}{retired}.")
    return name


def subjects_named(names: list[str]) -> list[Subject]:
    """Return the active subjects with these names (any case), or raise SubjectError."""
    found = {name: _named(name.strip()) for name in names}
    unknown = [name for name, subject in found.items() if subject is None or subject.retired]
    if unknown:
        raise SubjectError(f"No active subject named {', '.join(unknown)} in the catalog.")
    return list(dict.fromkeys(found.values()))


def add_subject(raw_name: str) -> Subject:
    """Add a subject to the catalog."""
    subject = Subject(name=check_name(raw_name))
    db.session.add(subject)
    commit_unique(SubjectError(TAKEN))
    log.info("subject %s added", subject.id)
    return subject


def rename_subject(subject_id: int, raw_name: str) -> Subject:
    """Rename a subject; its sessions and tutors follow the new name."""
    subject = get_subject(subject_id)
    subject.name = check_name(raw_name, renaming=subject)
    commit_unique(SubjectError(TAKEN))
    log.info("subject %s renamed", subject.id)
    return subject


def set_subject_retired(subject_id: int, retired: bool) -> Subject:
    """Retire a subject (students can no longer choose it) or restore it."""
    subject = get_subject(subject_id)
    subject.retired = retired
    db.session.commit()
    log.info("subject %s %s", subject.id, "retired" if retired else "restored")
    return subject


def load_catalog(path: Path) -> list[str]:
    """Add the subjects listed one per line in `path` that are missing; return their names."""
    added = []
    for line in path.read_text(encoding="utf-8").splitlines():
        name = " ".join(line.split())
        if not name or name.startswith("#") or _named(name) is not None:
            continue
        # Already looked up above: only the form is left to check.
        db.session.add(Subject(name=_well_formed(name)))
        db.session.flush()
        added.append(name)
    commit_unique(SubjectError(TAKEN))
    log.info("subject catalog loaded: %s added", len(added))
    return added

