"""Place tutoring links in a course through the deep-linking launch that asked for them."""

import logging

from ..extensions import db
from ..launch_context import LaunchContext
from ..lms.deep_linking import TutoringLink, deep_linking_response
from ..lms.keys import key_secret, signing_key
from ..models import Deployment, Platform

log = logging.getLogger(__name__)


class NotADeepLinkingLaunch(Exception):
    """The page was not opened by a deep-linking request, so there is nowhere to answer."""


def answer_deep_link(
    context: LaunchContext, links: list[TutoringLink], config: dict
) -> tuple[str, str]:
    """Return the LMS's return URL and the signed response carrying the chosen links."""
    if not context.deep_link_return_url:
        raise NotADeepLinkingLaunch()
    platform = db.session.get(Platform, context.platform_id)
    deployment = db.session.get(Deployment, context.deployment_id)
    response = deep_linking_response(
        platform.issuer,
        platform.client_id,
        deployment.deployment_id,
        context.deep_link_data,
        links,
        config["TOOL_URL"],
        signing_key(key_secret(config)),
    )
    log.info("deep-linking response signed: platform=%s links=%s", platform.id, len(links))
    return context.deep_link_return_url, response
