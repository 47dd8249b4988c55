"""The tool's own registration data: one source for dynamic registration and the Canvas JSON."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from pylti1p3.dynamic_registration import DynamicRegistration

from .claims import DEEP_LINKING_REQUEST, RESOURCE_LINK_REQUEST, TOOL_SCOPES

DESCRIPTION = (
    "Live tutoring for students inside their course, and a Client Portal for instructors "
    "with session reports and Early Alerts."
)
# Names, emails and the person's time zone: the portal's reports and alerts need them.
CLAIMS = ("sub", "name", "given_name", "family_name", "email")
CUSTOM_FIELDS = {"timezone": "$Person.address.timezone"}
# Canvas sends names and emails (in launches and NRPS) only at this level.
PRIVACY_LEVEL = "public"
CANVAS_PLACEMENT_PREFIX = "https://canvas.instructure.com/lti/"
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
CANVAS_PRIVACY_LEVEL = "https://canvas.instructure.com/lti/privacy_level"


@dataclass(frozen=True)
class Placement:
    """Where the LMS shows the tool, and which message it sends from there."""

    canvas_name: str
    message_type: str
    label: str


# One course-navigation link for everyone (role routing picks portal or tutoring), and
# Deep Linking so instructors can place topic-specific help links in modules.
PLACEMENTS = (
    Placement("course_navigation", RESOURCE_LINK_REQUEST, "Tutoring"),
    Placement("link_selection", DEEP_LINKING_REQUEST, "Tutoring help link"),
)


# The tool's own LTI endpoints; every URL the tool hands out is built from these.
LOGIN_PATH = "/lti/login"
LAUNCH_PATH = "/lti/launch"
JWKS_PATH = "/.well-known/jwks.json"
REGISTER_PATH = "/lti/register"
CANVAS_JSON_PATH = "/lti/config/canvas.json"


def launch_url(tool_url: str) -> str:
    """Return our one registered redirect URI and target link URI."""
    return tool_url.rstrip("/") + LAUNCH_PATH


@dataclass(frozen=True)
class ToolConfig:
    """The URLs and names the tool hands to an LMS, all derived from TOOL_URL."""

    title: str
    base_url: str

    @classmethod
    def from_config(cls, config: dict) -> "ToolConfig":
        return cls(title=config["TOOL_TITLE"], base_url=config["TOOL_URL"].rstrip("/"))

    @property
    def login_url(self) -> str:
        return self.base_url + LOGIN_PATH

    @property
    def launch_url(self) -> str:
        return launch_url(self.base_url)

    @property
    def jwks_url(self) -> str:
        return self.base_url + JWKS_PATH

    @property
    def canvas_json_url(self) -> str:
        return self.base_url + CANVAS_JSON_PATH

    def registration_url(self, invitation: str) -> str:
        """Return the URL an LMS admin pastes into the LMS to register with an invitation."""
        return f"{self.base_url}{REGISTER_PATH}?{urlencode({'invitation': invitation})}"

    @property
    def domain(self) -> str:
        """Return host[:port] of the tool, as LMSs match launch URLs against it."""
        return urlsplit(self.base_url).netloc

    @property
    def scopes(self) -> tuple[str, ...]:
        return TOOL_SCOPES


def canvas_developer_key(tool: ToolConfig) -> dict:
    """Return the JSON a Canvas admin pastes into a new LTI developer key."""
    placements = [
        {
            "placement": placement.canvas_name,
            "message_type": placement.message_type,
            "target_link_uri": tool.launch_url,
            "text": placement.label,
        }
        for placement in PLACEMENTS
    ]
    return {
        "title": tool.title,
        "description": DESCRIPTION,
        "oidc_initiation_url": tool.login_url,
        "target_link_uri": tool.launch_url,
        "public_jwk_url": tool.jwks_url,
        "scopes": list(tool.scopes),
        "extensions": [
            {
                "platform": "canvas.instructure.com",
                "domain": tool.domain,
                "privacy_level": PRIVACY_LEVEL,
                "settings": {"text": tool.title, "placements": placements},
            }
        ],
        "custom_fields": dict(CUSTOM_FIELDS),
    }


class _ToolRegistration(DynamicRegistration):
    """pylti1p3's registration document, filled from the tool config."""

    def __init__(self, tool: ToolConfig) -> None:
        self.tool = tool

    def get_client_name(self) -> str:
        return self.tool.title

    def get_description(self) -> str:
        return DESCRIPTION

    def get_initiate_login_uri(self) -> str:
        return self.tool.login_url

    def get_jwks_uri(self) -> str:
        return self.tool.jwks_url

    def get_redirect_uris(self) -> list[str]:
        return [self.tool.launch_url]

    def get_scopes(self) -> list[str]:
        return list(self.tool.scopes)

    def get_domain(self) -> str:
        return self.tool.domain

    def get_target_link_uri(self) -> str:
        return self.tool.launch_url

    def get_claims(self) -> list[str]:
        return list(CLAIMS)

    def get_messages(self) -> list[dict]:
        return [
            {
                "type": placement.message_type,
                "target_link_uri": self.tool.launch_url,
                "label": placement.label,
                "placements": [CANVAS_PLACEMENT_PREFIX + placement.canvas_name],
            }
            for placement in PLACEMENTS
        ]

    def get_logo_uri(self) -> None:
        return None

    def lti_registration_data(self) -> dict[str, Any]:
        data = super().lti_registration_data()
        del data["logo_uri"]  # the tool has no logo; an empty URI would be invalid
        data[TOOL_CONFIGURATION][CANVAS_PRIVACY_LEVEL] = PRIVACY_LEVEL
        data[TOOL_CONFIGURATION]["custom_parameters"] = dict(CUSTOM_FIELDS)
        return data


def registration_request(tool: ToolConfig) -> dict[str, Any]:
    """Return the Dynamic Registration document the tool posts to the platform."""
    return _ToolRegistration(tool).lti_registration_data()
