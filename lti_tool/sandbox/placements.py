"""Links the tool placed in the sandbox course through Deep Linking, as an LMS keeps them."""

import uuid
from dataclasses import dataclass, field

from ..lms.claims import DEPLOYMENT_ID
from ..lms.deep_linking import DATA_CLAIM
from .registration import PlatformError


@dataclass(frozen=True)
class PlacedLink:
    """A resource link in the course: what launching it sends, and its gradebook column."""

    link_id: str
    title: str
    custom: dict[str, str] = field(default_factory=dict)
    lineitem_id: str | None = None


def check_response(claims: dict, issuer: str, client_id: str, deployment_id: str,
                   data: object) -> None:
    """Refuse a response that is not for this registration or does not echo `data`."""
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if claims.get("iss") != client_id or issuer not in audiences:
        raise PlatformError("deep-linking response refused: wrong iss or aud")
    if claims.get(DEPLOYMENT_ID) != deployment_id:
        raise PlatformError("deep-linking response refused: wrong deployment_id")
    if claims.get(DATA_CLAIM) != data:
        raise PlatformError("deep-linking response refused: data was not echoed")


def new_link_id() -> str:
    """Return an id for a new resource link, unique in the course."""
    return f"placed-{uuid.uuid4().hex[:10]}"


def custom_of(item: dict) -> dict[str, str]:
    """Return a content item's custom parameters as the LMS stores them: strings."""
    custom = item.get("custom")
    if not isinstance(custom, dict):
        return {}
    return {str(k): str(v) for k, v in custom.items()}
