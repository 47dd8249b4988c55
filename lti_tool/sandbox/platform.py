"""The platform side of LTI 1.3, built on lti1p3platform: login initiation, the OIDC
authorization endpoint that signs launches, JWKS, client-credentials tokens, NRPS and AGS.

It holds no Flask objects: the sandbox blueprint and the tests' `responses` callbacks both
drive the same instance, so there is one implementation of the platform side.
"""

import base64
import hashlib
import hmac
import json
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request

from .demo import DemoCourse, DemoUser

SCOPE_NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_LINEITEM_READONLY = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCOPE_RESULT = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def new_key_pair() -> tuple[str, str]:
    """Return a new RSA-2048 key pair as (private PEM, public PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private.decode(), public.decode()


class PlatformError(Exception):
    """A request the platform refuses, with the HTTP status it answers."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class ToolSide:
    """What the platform knows of the tool it launches."""

    login_url: str
    launch_url: str
    jwks: Callable[[], dict]


@dataclass
class Gradebook:
    """Line items and scores the tool created (kept in memory: a development LMS)."""

    lineitems: dict[str, dict] = field(default_factory=dict)
    scores: dict[str, list[dict]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Registration(Registration):
    """lti1p3platform's registration, parsing the private key once instead of per signature."""

    def set_platform_private_key(self, platform_private_key: str) -> "_Registration":
        super().set_platform_private_key(platform_private_key)
        self._signing_key = serialization.load_pem_private_key(
            platform_private_key.encode(), password=None
        )
        self._kid = Registration.get_jwk(platform_private_key)["kid"]
        return self

    def get_kid(self) -> str:
        return self._kid

    def platform_encode_and_sign(self, payload: dict, expiration: int | None = None) -> str:
        return Registration.encode_and_sign(
            payload, self._signing_key, {"kid": self._kid}, expiration=expiration
        )


class _Conf(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, registration: Registration) -> None:
        self._registration = registration

    def get_registration_by_params(self, **kwargs: Any) -> Registration:
        return self._registration


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


class SandboxPlatform:
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
        self._hint_secret = hint_secret.encode()
        self.registration = (
            _Registration()
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
            self._seed_lineitem(topic)

    def _seed_lineitem(self, topic: str) -> None:
        # Columns the tool created earlier, so the demo gradebook is not empty.
        slug = topic.lower().replace(" ", "-")
        item_id = f"{self.lineitems_url}/{slug}"
        self.gradebook.lineitems[item_id] = {
            "id": item_id,
            "label": f"Tutoring mastery: {topic}",
            "scoreMaximum": 100,
            "resourceId": slug,
            "tag": "tutoring-mastery",
        }

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
        login = _Login(None, _Conf(registration=self.registration))
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
        launch = _Launch(_Params(params), _Conf(registration=self.registration))
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
        launch.set_custom_parameters_claim({"timezone": "America/New_York", **hint["custom"]})
        launch.set_launch_presentation_claim("iframe", self.base_url + "/")
        launch.set_nrps(self.memberships_url)
        launch.set_ags(self.lineitems_url, allow_creating_lineitems=True)
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
                extra_data={"sandbox": "echo-me"},
            )
        else:
            launch.set_resource_link_claim(hint["link"], title="Tutoring")

    def sign(self, claims: dict, headers: dict | None = None) -> str:
        """Sign any claims with the platform key (tests use it to build bad launches)."""
        return jwt.encode(
            claims,
            self.private_pem,
            algorithm="RS256",
            headers={"kid": self.kid, **(headers or {})},
        )

    def receive_deep_link(self, response_jwt: str) -> list[dict]:
        """Verify a deep-linking response against the tool's keys; return its content items."""
        self.registration.set_tool_key_set(self.tool.jwks())
        try:
            return _Conf(registration=self.registration).validate_deeplinking_resp(
                {"JWT": response_jwt}
            )
        except Exception as exc:
            raise PlatformError(f"deep-linking response refused: {exc}") from exc

    # Services ----------------------------------------------------------------------------
    def issue_token(self, form: dict) -> dict:
        """The client-credentials endpoint: check the tool's signed assertion, grant scopes."""
        if form.get("grant_type") != "client_credentials":
            raise PlatformError("unsupported_grant_type")
        if form.get("client_assertion_type") != ASSERTION_TYPE:
            raise PlatformError("invalid_client")
        assertion = form.get("client_assertion", "")
        try:
            claims = jwt.decode(assertion, options={"verify_signature": False})
        except jwt.InvalidTokenError as exc:
            raise PlatformError("invalid_client") from exc
        if claims.get("iss") != self.client_id or claims.get("sub") != self.client_id:
            raise PlatformError("invalid_client", 401)
        if claims.get("aud") not in (self.token_url, [self.token_url]):
            raise PlatformError("invalid_client: aud must be the token endpoint", 401)
        conf = _Conf(registration=self.registration)
        self.registration.set_tool_key_set(self.tool.jwks())
        try:
            return dict(conf.get_access_token(form))
        except Exception as exc:  # lti1p3platform raises bare exceptions on a bad signature
            raise PlatformError(f"invalid_client: {exc}", 401) from exc

    def _require(self, authorization: str | None, scopes: tuple[str, ...]) -> None:
        token = (authorization or "").removeprefix("Bearer ").strip()
        if not token:
            raise PlatformError("missing bearer token", 401)
        conf = _Conf(registration=self.registration)
        try:
            allowed = conf.validate_token(token, allowed_scopes=list(scopes))
        except Exception as exc:
            raise PlatformError("invalid bearer token", 401) from exc
        if not allowed:
            raise PlatformError("token lacks the scope for this service", 403)

    def memberships(
        self, authorization: str | None, page: int, limit: int | None
    ) -> tuple[dict, str | None]:
        """One NRPS page and the URL of the next one, if any."""
        self._require(authorization, (SCOPE_NRPS,))
        size = min(limit or self.page_size, self.page_size)
        start = (page - 1) * size
        chunk = self.course.members[start : start + size]
        body = {
            "id": self.memberships_url,
            "context": {
                "id": self.course.context_id,
                "label": self.course.label,
                "title": self.course.title,
            },
            "members": [
                {
                    "user_id": u.user_id,
                    "status": u.status,
                    "name": u.name,
                    "given_name": u.given_name,
                    "family_name": u.family_name,
                    "email": u.email,
                    "roles": list(u.roles),
                }
                for u in chunk
            ],
        }
        more = start + size < len(self.course.members)
        next_url = f"{self.memberships_url}?{urlencode({'page': page + 1, 'limit': size})}"
        return body, next_url if more else None

    def lineitems(self, authorization: str | None) -> list[dict]:
        """The line items this tool created in the course."""
        self._require(authorization, (SCOPE_LINEITEM, SCOPE_LINEITEM_READONLY))
        with self.gradebook.lock:
            return list(self.gradebook.lineitems.values())

    def create_lineitem(self, authorization: str | None, body: dict) -> dict:
        """Create a gradebook column."""
        self._require(authorization, (SCOPE_LINEITEM,))
        if not body.get("label") or not isinstance(body.get("scoreMaximum"), int | float):
            raise PlatformError("a line item needs a label and a numeric scoreMaximum")
        item_id = f"{self.lineitems_url}/{uuid.uuid4().hex[:12]}"
        item = {**body, "id": item_id}
        with self.gradebook.lock:
            self.gradebook.lineitems[item_id] = item
        return item

    def post_score(self, authorization: str | None, lineitem_id: str, score: dict) -> None:
        """Record a score; an older timestamp than the last one is ignored, as AGS requires."""
        self._require(authorization, (SCOPE_SCORE,))
        with self.gradebook.lock:
            if lineitem_id not in self.gradebook.lineitems:
                raise PlatformError("unknown line item", 404)
            history = self.gradebook.scores.setdefault(lineitem_id, [])
            last = [s for s in history if s.get("userId") == score.get("userId")]
            if last and last[-1].get("timestamp", "") >= score.get("timestamp", ""):
                raise PlatformError("score timestamp is not newer than the last one", 409)
            history.append(score)

    def results(self, authorization: str | None, lineitem_id: str) -> list[dict]:
        """The latest score of every user on a line item."""
        self._require(authorization, (SCOPE_RESULT,))
        with self.gradebook.lock:
            latest: dict[str, dict] = {}
            for score in self.gradebook.scores.get(lineitem_id, []):
                latest[score["userId"]] = score
        return [
            {
                "id": f"{lineitem_id}/results/{user}",
                "scoreOf": lineitem_id,
                "userId": user,
                "resultScore": s.get("scoreGiven"),
                "resultMaximum": s.get("scoreMaximum"),
            }
            for user, s in latest.items()
        ]
