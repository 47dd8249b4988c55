"""Answer a deep-linking request with a signed LtiDeepLinkingResponse."""

from dataclasses import dataclass, field

import jwt
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem
from pylti1p3.registration import Registration

from .keys import SigningKey
from .tool_config import launch_url

DATA_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/data"


@dataclass(frozen=True)
class GradebookColumn:
    """A line item the LMS creates with the link (DL 2.0 `lineItem`)."""

    label: str
    resource_id: str
    tag: str
    score_maximum: int = 100


@dataclass(frozen=True)
class TutoringLink:
    """A link the instructor places in the course; custom parameters reach every launch."""

    title: str
    custom: dict[str, str] = field(default_factory=dict)
    column: GradebookColumn | None = None


def _resource(link: TutoringLink, url: str) -> DeepLinkResource:
    resource = DeepLinkResource().set_url(url).set_title(link.title)
    resource.set_custom_params(link.custom)
    if link.column is not None:
        column = link.column
        resource.set_lineitem(
            LineItem().set_label(column.label).set_score_maximum(column.score_maximum)
            .set_resource_id(column.resource_id).set_tag(column.tag)
        )
    return resource


def deep_linking_response(
    issuer: str,
    client_id: str,
    deployment_id: str,
    data: object,
    links: list[TutoringLink],
    tool_url: str,
    key: SigningKey,
) -> str:
    """Return the signed response JWT; `data` is echoed exactly, or left out when absent."""
    registration = Registration().set_issuer(issuer).set_client_id(client_id)
    settings = {"data": data} if data is not None else {}
    resources = [_resource(link, launch_url(tool_url)) for link in links]
    message = DeepLink(registration, deployment_id, settings).get_message_jwt(resources)
    if data is None:
        # pylti1p3 sends "data": null; the spec wants the claim only when the request had it.
        message.pop(DATA_CLAIM)
    return jwt.encode(message, key.private_pem, algorithm="RS256", headers={"kid": key.kid})
