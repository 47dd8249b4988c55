"""LTI Dynamic Registration: read the platform's configuration, register, report what it made."""

import json
import re
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .errors import FetchRefused, RegistrationFailed
from .http import Fetched, OutboundPolicy, check_url, fetch
from .limits import MAX_ID_LENGTH, MAX_URL_LENGTH, origin, same_origin
from .presets import Endpoints
from .tool_config import TOOL_CONFIGURATION, ToolConfig, registration_request

PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
KINDS = {"canvas": "canvas", "moodle": "moodle"}
ENDPOINT_KEYS = ("registration_endpoint", "authorization_endpoint", "token_endpoint", "jwks_uri")
MAX_WORDS = 500
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class PlatformRegistration:
    """What the LMS made of our registration: its endpoints, our client id and deployment."""

    endpoints: Endpoints
    client_id: str
    deployment_id: str | None
    audience: str | None


def register(
    configuration_url: str, registration_token: str | None, tool: ToolConfig, policy: OutboundPolicy
) -> PlatformRegistration:
    """Read the platform's configuration, post our registration, and return what it made."""
    secrets = _secrets(configuration_url, registration_token)
    config = read_platform_configuration(configuration_url, policy, secrets)
    headers = {"Accept": "application/json"}
    if registration_token:
        headers["Authorization"] = f"Bearer {registration_token}"
    # No redirects for the POST: a 307 would carry the bearer token to another host.
    response = _fetch(
        "POST",
        config["registration_endpoint"],
        replace(policy, max_redirects=0),
        "send its registration",
        headers=headers,
        json_body=registration_request(tool),
    )
    if not response.ok:
        raise RegistrationFailed(
            f"The LMS refused the registration (HTTP {response.status_code}): "
            + _words(response, secrets)
        )
    answer = _json_object(response, "registration answer")
    client_id = str(answer.get("client_id") or "").strip()
    tool_config = answer.get(TOOL_CONFIGURATION)
    deployment_id = tool_config.get("deployment_id") if isinstance(tool_config, dict) else None
    if not client_id or len(client_id) > MAX_ID_LENGTH or len(str(deployment_id)) > MAX_ID_LENGTH:
        raise RegistrationFailed(
            "The LMS accepted the registration but sent no usable client id or deployment id."
        )
    return PlatformRegistration(
        endpoints=Endpoints(
            kind=_kind(config),
            issuer=config["issuer"],
            auth_login_url=config["authorization_endpoint"],
            auth_token_url=config["token_endpoint"],
            jwks_url=config["jwks_uri"],
        ),
        client_id=client_id,
        deployment_id=str(deployment_id) if deployment_id not in (None, "") else None,
        audience=_audience(config),
    )


def read_platform_configuration(
    url: str, policy: OutboundPolicy, secrets: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Fetch the platform's OpenID configuration exactly as given and check its issuer."""
    if origin(url) is None:
        raise RegistrationFailed("The LMS sent an openid_configuration that is not a web address.")
    response = _fetch(
        "GET", url, policy, "read the LMS's configuration", headers={"Accept": "application/json"}
    )
    if not response.ok:
        raise RegistrationFailed(
            f"The LMS's configuration ({_redacted(url)}) answered HTTP {response.status_code}: "
            + _words(response, secrets)
        )
    config = _json_object(response, "configuration")
    issuer = config.get("issuer")
    # Only the site at the issuer's own origin may speak for that issuer: a registration
    # from elsewhere could otherwise claim, say, every cloud Canvas school's issuer.
    if (
        not isinstance(issuer, str)
        or len(issuer) > MAX_ID_LENGTH
        or not same_origin(issuer, url)
    ):
        raise RegistrationFailed(
            f"The LMS's configuration names the issuer {str(issuer)[:200]!r}, which is not the "
            f"site it was read from ({_redacted(url)}). Start the registration from the LMS itself."
        )
    missing = [
        key
        for key in ENDPOINT_KEYS
        if not isinstance(config.get(key), str)
        or not config[key]
        or len(config[key]) > MAX_URL_LENGTH
    ]
    if missing:
        raise RegistrationFailed(
            "The LMS's configuration does not list a usable " + ", ".join(missing) + "."
        )
    # Refuse now what the tool could not fetch later, before the LMS creates anything.
    for key in ENDPOINT_KEYS[1:]:
        try:
            check_url(config[key], policy)
        except (FetchRefused, ValueError) as refusal:
            raise RegistrationFailed(
                f"The tool cannot use the LMS's {key} ({_redacted(config[key])}): {refusal}."
            ) from refusal
    return config


def _fetch(method: str, url: str, policy: OutboundPolicy, doing: str, **kwargs) -> Fetched:
    try:
        return fetch(method, url, policy, **kwargs)
    except (FetchRefused, ValueError) as refusal:
        raise RegistrationFailed(
            f"The tool could not {doing} ({_redacted(url)}): {refusal}."
        ) from refusal


def _json_object(response: Fetched, what: str) -> dict[str, Any]:
    try:
        body = json.loads(response.content)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise RegistrationFailed(
            f"The LMS's {what} ({_redacted(response.url)}) is not a JSON object."
        )
    return body


def _secrets(configuration_url: str, registration_token: str | None) -> tuple[str, ...]:
    """Return the values an LMS error must not echo: the token, wherever the LMS put it."""
    try:
        query_values = [value for _, value in parse_qsl(urlsplit(configuration_url).query)]
    except ValueError:
        query_values = []
    return tuple(v for v in [registration_token, *query_values] if v and len(v) >= 8)


def _words(response: Fetched, secrets: tuple[str, ...]) -> str:
    """Return what the LMS said about an error, short, with registration tokens removed."""
    text = response.content.decode("utf-8", "replace").strip()
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list) and errors:
            text = "; ".join(
                str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors
            )
        else:
            text = str(
                body.get("error_description") or body.get("error") or body.get("message") or text
            )
    else:
        text = " ".join(_TAG.sub(" ", text).split())  # an HTML error page, read as words
    for secret in secrets:
        text = text.replace(secret, "[registration token]")
    if len(text) > MAX_WORDS:
        text = text[:MAX_WORDS] + "…"
    return text or "no explanation given"


def _kind(config: dict[str, Any]) -> str:
    platform = config.get(PLATFORM_CONFIGURATION)
    family = platform.get("product_family_code") if isinstance(platform, dict) else None
    return KINDS.get(str(family).lower(), "other")


def _audience(config: dict[str, Any]) -> str | None:
    """Return the token audience when the platform names an authorization server of its own."""
    server = config.get("authorization_server")
    if isinstance(server, str) and server and server != config["token_endpoint"]:
        return server
    return None


def _redacted(url: str) -> str:
    """Return a URL without its query: Canvas puts the registration token there."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "an address that is not a valid URL"
    return f"{parts.scheme}://{parts.netloc}{parts.path}"
