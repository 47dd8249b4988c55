"""Find registrations and deployments by what a platform sends."""

from ..extensions import db
from ..models import Deployment, Platform


def find_platform(issuer: str, client_id: str | None) -> Platform | None:
    """Return the registration for (issuer, client_id); without client_id only if it is unique."""
    query = db.select(Platform).where(Platform.issuer == issuer)
    if client_id:
        query = query.where(Platform.client_id == client_id)
    platforms = db.session.execute(query.limit(2)).scalars().all()
    return platforms[0] if len(platforms) == 1 else None


def find_deployment(platform: Platform, deployment_id: str) -> Deployment | None:
    """Return a registration's deployment by its exact, case-sensitive id."""
    return db.session.execute(
        db.select(Deployment).where(
            Deployment.platform_id == platform.id, Deployment.deployment_id == deployment_id
        )
    ).scalar_one_or_none()
