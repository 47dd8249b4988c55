"""Seal every sealed value again under the current KEY_ENCRYPTION_SECRET.

Run after the secret changed, with the old one listed in KEY_ENCRYPTION_RETIRED_SECRETS on
every host; once it has run, nothing needs the old secret any more. The tool keeps serving
meanwhile: a value is rewritten only if nobody changed it since it was read, and a batch
at a time, so a long transcript table never sits in one transaction.
"""

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from cryptography.fernet import InvalidToken

from ..extensions import db
from ..sealing import TOOL_KEYS, TRANSCRIPTS, box

BATCH = 500


@dataclass(frozen=True)
class SealedColumn:
    """A column that holds sealed values: as text (str) or bytes."""

    label: str
    table: str
    column: str
    purpose: str
    text: bool


# The table definitions below read the stored value itself: the models would open it.
SEALED = (
    SealedColumn("tool signing keys", "tool_keys", "private_pem_encrypted", TOOL_KEYS, False),
    SealedColumn("TOTP secrets", "accounts", "totp_secret_encrypted", TOOL_KEYS, True),
    SealedColumn("LMS service tokens", "service_tokens", "access_token_encrypted", TOOL_KEYS,
                 False),
    SealedColumn("chat messages", "messages", "body", TRANSCRIPTS, True),
)


@dataclass(frozen=True)
class Resealed:
    label: str
    resealed: int
    unopened: int  # values none of the configured secrets opens


def reseal_column(sealed: SealedColumn, config,
                  progress: Callable[[int], None] = lambda done: None) -> Resealed:
    """Seal every value of one column again under the current secret."""
    kind = sa.Text if sealed.text else sa.LargeBinary
    table = sa.table(sealed.table, sa.column("id", sa.Integer), sa.column(sealed.column, kind))
    value = table.c[sealed.column]
    cipher = box(config, sealed.purpose)
    resealed = unopened = 0
    after = 0
    while True:
        rows = db.session.execute(
            sa.select(table.c.id, value).where(table.c.id > after, value.is_not(None))
            .order_by(table.c.id).limit(BATCH)
        ).all()
        if not rows:
            return Resealed(sealed.label, resealed, unopened)
        for row_id, stored in rows:
            token = stored.encode() if sealed.text else stored
            try:
                fresh = cipher.rotate(token)  # keeps the time it was first sealed
            except InvalidToken:
                unopened += 1
                continue
            changed = db.session.execute(
                table.update().where(table.c.id == row_id, value == stored)
                .values({sealed.column: fresh.decode() if sealed.text else fresh})
            ).rowcount
            resealed += changed
        db.session.commit()
        after = rows[-1][0]
        if len(rows) == BATCH:  # more may follow: say how far it got
            progress(resealed + unopened)


def reseal_all(config, progress: Callable[[str, int], None] = lambda label, done: None,
               ) -> list[Resealed]:
    """Seal every sealed column again under the current secret; return what each held."""
    return [reseal_column(sealed, config, lambda done, label=sealed.label: progress(label, done))
            for sealed in SEALED]
