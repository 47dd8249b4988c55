"""Find a registration by what a platform sends."""

from ..extensions import db
from ..models import Platform


def find_platform(issuer: str, client_id: str | None) -> Platform | None:
    """Return the registration for (issuer, client_id); without client_id only if it is unique."""
    query = db.select(Platform).where(Platform.issuer == issuer)
    if client_id:
        query = query.where(Platform.client_id == client_id)
    platforms = db.session.execute(query.limit(2)).scalars().all()
    return platforms[0] if len(platforms) == 1 else None
