"""The platform side of LTI 1.3, built on lti1p3platform: login initiation, the OIDC
authorization endpoint that signs launches, JWKS, and (from sandbox/services.py) tokens,
NRPS and AGS.

It holds no Flask objects: the sandbox blueprint and the tests' `responses` callbacks both
drive the same instance, so there is one implementation of the platform side.
"""

import base64
import hashlib
import hmac
import json
from typing import Any

import jwt
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.request import Request

from .demo import DemoCourse, DemoUser
from .placements import PlacedLink, check_response, custom_of, new_link_id
from .registration import (
    PlatformConf,
    PlatformError,
    PlatformRegistration,
    ToolSide,
)
from .services import Gradebook, PlatformServices

# Opaque data the sandbox sends with a deep-linking request; the tool must echo it exactly.
DEEP_LINK_DATA = {"sandbox": "echo-me"}


class _Params(Request):
    def build_metadata(self, request: dict) -> dict:
        return {
            "method": "GET",
            "form_data": {},
            "get_data": request,
            "headers": {},
            "content_type": None,
            "path": "",
            "json": None,
        }


class _Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs: Any) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str) -> str:
        return url


class _Launch(LTIAdvantageMessageLaunchAbstract):
    def render_launch_form(self, launch_data: dict, **kwargs: Any) -> dict:
        return launch_data


class SandboxPlatform(PlatformServices):
    """One LMS registration of the tool, seen from the LMS."""

    def __init__(
        self,
        base_url: str,
        client_id: str,
        deployment_id: str,
        private_pem: str,
        public_pem: str,
        tool: ToolSide,
        course: DemoCourse,
        hint_secret: str,
        page_size: int = 50,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.issuer = self.base_url
        self.client_id = client_id
        self.deployment_id = deployment_id
        self.private_pem = private_pem
        self.tool = tool
        self.course = course
        self.page_size = page_size
        self.gradebook = Gradebook()
        # Resource links placed in the course through Deep Linking, by link id.
        self.placed_links: dict[str, PlacedLink] = {}
        self._hint_secret = hint_secret.encode()
        self.registration = (
            PlatformRegistration()
            .set_iss(self.issuer)
            .set_client_id(client_id)
            .set_deployment_id(deployment_id)
            .set_launch_url(tool.launch_url)
            .set_deeplink_launch_url(tool.launch_url)
            .set_oidc_login_url(tool.login_url)
            .set_platform_public_key(public_pem)
            .set_platform_private_key(private_pem)
        )
        self.kid = self.registration.get_kid()
        for topic in course.topics:
            self.seed_lineitem(topic)

    # Endpoints the tool registers with -------------------------------------------------
    @property
    def auth_url(self) -> str:
        return self.base_url + "/auth"

    @property
    def token_url(self) -> str:
        return self.base_url + "/token"

    @property
    def jwks_url(self) -> str:
        return self.base_url + "/jwks"

    @property
    def memberships_url(self) -> str:
        return f"{self.base_url}/courses/{self.course.context_id}/memberships"

    @property
    def lineitems_url(self) -> str:
        return f"{self.base_url}/courses/{self.course.context_id}/lineitems"

    def jwks(self) -> dict:
        """Return the platform's public key set."""
        return {"keys": self.registration.get_jwks()}

    def member(self, user_id: str) -> DemoUser:
        for user in self.course.members:
            if user.user_id == user_id:
                return user
        raise PlatformError(f"unknown user {user_id}", 404)

    # Login initiation and the authorization endpoint -----------------------------------
    def _sign_hint(self, payload: dict) -> str:
        body = base64.urlsafe_b64encode(json.dumps(payload, sort_keys=True).encode()).decode()
        mac = hmac.new(self._hint_secret, body.encode(), hashlib.sha256).hexdigest()
        return f"{body}.{mac}"

    def _read_hint(self, hint: str) -> dict:
        body, _, mac = hint.rpartition(".")
        expected = hmac.new(self._hint_secret, body.encode(), hashlib.sha256).hexdigest()
        if not body or not hmac.compare_digest(mac, expected):
            raise PlatformError("lti_message_hint was altered")
        return json.loads(base64.urlsafe_b64decode(body))

    def login_initiation_url(
        self,
        user_id: str,
        message: str = "resource",
        link_id: str = "course-nav",
        custom: dict | None = None,
    ) -> str:
        """Return the URL that starts a launch of the tool as one member."""
        self.member(user_id)
        login = _Login(None, PlatformConf(registration=self.registration))
        login.set_lti_message_hint(
            hint=self._sign_hint({"message": message, "link": link_id, "custom": custom or {}})
        )
        return login.prepare_preflight_url(user_id)

    def authorize(self, params: dict) -> dict:
        """Check the tool's auth request and return the form the browser posts back to it."""
        checks = {
            "scope": "openid",
            "response_type": "id_token",
            "response_mode": "form_post",
            "prompt": "none",
            "client_id": self.client_id,
        }
        for name, expected in checks.items():
            if params.get(name) != expected:
                raise PlatformError(f"auth request: {name} must be {expected!r}")
        if params.get("redirect_uri") != self.tool.launch_url:
            raise PlatformError("auth request: redirect_uri is not registered")
        user = self.member(params.get("login_hint", ""))
        hint = self._read_hint(params.get("lti_message_hint", ""))
        launch = _Launch(_Params(params), PlatformConf(registration=self.registration))
        self._describe_launch(launch, user, hint)
        form = launch.lti_launch()
        return {"action": form["launch_url"], "id_token": form["id_token"], "state": form["state"]}

    def _describe_launch(self, launch: _Launch, user: DemoUser, hint: dict) -> None:
        launch.set_user_data(user.user_id, list(user.roles), user.name, user.email)
        launch.set_extra_claims({"given_name": user.given_name, "family_name": user.family_name})
        launch.set_launch_context_claim(
            self.course.context_id,
            ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"],
            self.course.title,
            self.course.label,
        )
        placed = self.placed_links.get(hint["link"]) if hint["message"] != "deep_link" else None
        custom = placed.custom if placed else {}
        launch.set_custom_parameters_claim(
            {"timezone": "America/New_York", **custom, **hint["custom"]})
        launch.set_launch_presentation_claim("iframe", self.base_url + "/")
        launch.set_nrps(self.memberships_url)
        # A link with a gradebook column names it, so the tool can score that column.
        launch.set_ags(self.lineitems_url, lineitem_url=placed.lineitem_id if placed else None,
                       allow_creating_lineitems=True)
        launch.set_extra_claims(
            {
                "https://purl.imsglobal.org/spec/lti/claim/tool_platform": {
                    "guid": self.issuer,
                    "name": "Sandbox LMS",
                    "product_family_code": "sandbox",
                }
            }
        )
        if hint["message"] == "deep_link":
            launch.set_dl(
                self.base_url + "/deep-link-return",
                title="Tutoring",
                accept_types={"ltiResourceLink"},
                extra_data=DEEP_LINK_DATA,
            )
        else:
            launch.set_resource_link_claim(hint["link"],
                                           title=placed.title if placed else "Tutoring")

    def sign(self, claims: dict, headers: dict | None = None) -> str:
        """Sign any claims with the platform key (tests use it to build bad launches)."""
        return jwt.encode(
            claims,
            self.private_pem,
            algorithm="RS256",
            headers={"kid": self.kid, **(headers or {})},
        )

    def receive_deep_link(self, response_jwt: str) -> list[dict]:
        """Verify a deep-linking response against the tool's keys, place its links (creating
        the gradebook columns they ask for, as Canvas does); return its content items."""
        self.registration.set_tool_key_set(self.tool.jwks())
        try:
            items = PlatformConf(registration=self.registration).validate_deeplinking_resp(
                {"JWT": response_jwt}
            )
        except Exception as exc:
            raise PlatformError(f"deep-linking response refused: {exc}") from exc
        # Verified above; read again for the claims lti1p3platform leaves unchecked.
        claims = jwt.decode(response_jwt, options={"verify_signature": False})
        check_response(claims, self.issuer, self.client_id, self.deployment_id, DEEP_LINK_DATA)
        for item in items:
            if item.get("type") == "ltiResourceLink":
                self._place(item)
        return items

    def _place(self, item: dict) -> PlacedLink:
        link_id = new_link_id()
        line_item = item.get("lineItem")
        column = self.lineitem_for_link(link_id, line_item) if isinstance(line_item, dict) else None
        placed = PlacedLink(link_id, str(item.get("title") or "Tutoring"), custom_of(item), column)
        self.placed_links[link_id] = placed
        return placed
