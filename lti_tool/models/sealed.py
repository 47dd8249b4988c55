"""A column of free text sealed at rest: encrypted on the way in, in clear on the way out."""

from cryptography.fernet import MultiFernet
from flask import current_app
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

from ..sealing import TRANSCRIPTS, box


class SealedText(TypeDecorator):
    """Text the database holds only sealed (sealing.py), with the transcripts' key.

    What a person wrote to a tutor can hold disclosures: a copy of the database, a backup or a
    query log never shows it in clear. Reading or writing it needs an app context. The
    column cannot be searched or compared in SQL, which nothing here does.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else transcripts_box().encrypt(value.encode()).decode()

    def process_result_value(self, value, dialect):
        return None if value is None else transcripts_box().decrypt(value.encode()).decode()


def transcripts_box() -> MultiFernet:
    """Return the cipher of what people wrote (messages, and the notes announcing them)."""
    return box(current_app.config, TRANSCRIPTS)
