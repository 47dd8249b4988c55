"""Rows on unique keys that concurrent requests may race to write first."""

from sqlalchemy.exc import IntegrityError

from ..extensions import db


def get_or_insert(model, keys: dict, defaults: dict | None = None):
    """Return the row matching the unique `keys`, inserting it with `defaults` if missing."""
    query = db.select(model).filter_by(**keys)
    row = db.session.execute(query).scalar_one_or_none()
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            row = model(**keys, **(defaults or {}))
            db.session.add(row)
    except IntegrityError:
        # Another worker inserted the same row between our select and our insert.
        return db.session.execute(query).scalar_one()
    return row


def commit_unique(conflict: Exception) -> None:
    """Commit, or roll back and raise `conflict` when a unique key was taken meanwhile (by
    someone who saved the same name between our check and our commit)."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise conflict from None
