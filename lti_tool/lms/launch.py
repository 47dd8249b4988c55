"""Validate an LTI 1.3 launch: every check of the security framework, with a reason code each.

pylti1p3 provides the message model and its per-type validators; the checks it leaves out
or gets wrong (single-use state and nonce bound to the browser, aud arrays and azp, leeway,
iat age, kid refetch, deployment and target_link_uri against the login) are done here.
"""

import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jwt
from jwt.algorithms import RSAAlgorithm
from pylti1p3.cookie import CookieService
from pylti1p3.exception import LtiException
from pylti1p3.message_launch import MessageLaunch
from pylti1p3.registration import Registration
from pylti1p3.request import Request
from pylti1p3.session import SessionService
from sqlalchemy import delete

from ..clock import epoch_seconds
from ..extensions import db
from ..models import Deployment, LaunchState, Platform
from ..models.rows import get_or_insert
from . import claims
from .errors import LaunchRefused
from .limits import bounded_id
from .login import is_our_launch_target
from .platform_keys import platform_key
from .state_binding import binding_hash

MAX_ID_TOKEN_BYTES = 64 * 1024


@dataclass(frozen=True)
class ValidatedLaunch:
    """A launch that passed every check, with its registration, deployment and claims."""

    platform: Platform
    deployment: Deployment
    claims: dict[str, Any]

    @property
    def message_type(self) -> str:
        return self.claims[claims.MESSAGE_TYPE]


class _FormRequest(Request):
    def __init__(self, form: dict) -> None:
        self._form = form

    def is_secure(self) -> bool:
        return True

    def get_param(self, key: str) -> str:
        return self._form.get(key, "")


class _Unused(SessionService, CookieService):
    """Launch state lives in our own table; pylti1p3's session and cookie stores are not used."""

    def __init__(self) -> None:
        pass


class ToolMessageLaunch(MessageLaunch):
    """pylti1p3's launch with our state store, key cache and the checks it lacks."""

    def __init__(self, form: dict, binding_secret: str | None, now: datetime, config: dict):
        unused = _Unused()
        super().__init__(
            _FormRequest(form), None, session_service=unused, cookie_service=unused
        )
        self._form = form
        self._binding_secret = binding_secret
        self._now = now
        self._config = config
        self._state_row: LaunchState | None = None
        self._platform: Platform | None = None
        self._deployment: Deployment | None = None

    def _get_request_param(self, key: str) -> str:
        return self._form.get(key, "")

    def validate(self) -> "ToolMessageLaunch":
        self._validated = True  # the getters below must not re-enter validation
        return (
            self.validate_state()
            .validate_jwt_format()
            .validate_registration()
            .validate_jwt_signature()
            .validate_nonce()
            .validate_deployment()
            .validate_message()
        )

    def validate_state(self) -> "ToolMessageLaunch":
        state = self._get_request_param("state")
        if not state:
            raise LaunchRefused("state_missing")
        # Single use: whoever deletes the row owns the state; a replay finds nothing.
        row = db.session.execute(
            delete(LaunchState).where(LaunchState.state == state).returning(LaunchState)
        ).scalar_one_or_none()
        if row is None:
            raise LaunchRefused("state_unknown")
        if row.expires_at <= self._now:
            raise LaunchRefused("state_expired")
        if not self._binding_secret:
            raise LaunchRefused("state_cookie_missing", hint="cookies")
        if not hmac.compare_digest(binding_hash(self._binding_secret), row.browser_binding_hash):
            raise LaunchRefused("state_browser_mismatch")
        self._state_row = row
        return self

    def validate_jwt_format(self) -> "ToolMessageLaunch":
        id_token = self._get_request_param("id_token")
        if not id_token:
            raise LaunchRefused("id_token_missing", 400)
        if len(id_token) > MAX_ID_TOKEN_BYTES:
            raise LaunchRefused("id_token_too_large", 413)
        try:
            super().validate_jwt_format()
        except LtiException as exc:
            raise LaunchRefused("id_token_malformed", 400) from exc
        if not isinstance(self._jwt.get("header"), dict) or not isinstance(
            self._jwt.get("body"), dict
        ):
            raise LaunchRefused("id_token_malformed", 400)
        return self

    def get_client_id(self) -> str:
        assert self._platform is not None
        return self._platform.client_id

    def validate_registration(self) -> "ToolMessageLaunch":
        assert self._state_row is not None
        body = self._jwt["body"]
        platform = db.session.get(Platform, self._state_row.platform_id)
        if platform is None or body.get("iss") != platform.issuer:
            raise LaunchRefused("iss_mismatch")
        aud = body.get("aud")
        audiences = aud if isinstance(aud, list) else [aud]
        if platform.client_id not in audiences:
            raise LaunchRefused("aud_mismatch")
        if len(audiences) > 1:
            trusted = {platform.client_id, *(platform.extra_audiences or [])}
            # Unverified input: an entry may be unhashable, so test the type before the set.
            if any(not isinstance(a, str) or a not in trusted for a in audiences):
                raise LaunchRefused("aud_untrusted")
            if body.get("azp") != platform.client_id:
                raise LaunchRefused("azp_mismatch")
        elif "azp" in body and body["azp"] != platform.client_id:
            raise LaunchRefused("azp_mismatch")
        if not platform.enabled:
            raise LaunchRefused("registration_disabled", 403, hint="disabled")
        if platform.kind == "sandbox" and not self._config["SANDBOX_ENABLED"]:
            raise LaunchRefused("sandbox_disabled", 403, hint="disabled")
        self._platform = platform
        self._registration = Registration().set_issuer(platform.issuer).set_client_id(
            platform.client_id
        )
        return self

    def validate_jwt_signature(self) -> "ToolMessageLaunch":
        assert self._platform is not None
        header = self._jwt["header"]
        # RS256 only: never `none`, never HMAC, never keys named by the token itself.
        if header.get("alg") != "RS256":
            raise LaunchRefused("alg_not_allowed")
        kid = header.get("kid")
        if not kid or not isinstance(kid, str):
            raise LaunchRefused("kid_missing")
        jwk = platform_key(self._platform, kid, self._now, self._config)
        if jwk.get("kty") != "RSA" or jwk.get("alg", "RS256") != "RS256":
            raise LaunchRefused("alg_key_mismatch")
        try:
            public_key = RSAAlgorithm.from_jwk(jwk)
        except (jwt.InvalidKeyError, ValueError, KeyError, TypeError) as exc:
            raise LaunchRefused("platform_key_invalid") from exc
        leeway = self._config["JWT_LEEWAY_SECONDS"]
        try:
            verified = jwt.decode(
                self._get_request_param("id_token"),
                public_key,
                algorithms=["RS256"],
                audience=self._platform.client_id,
                issuer=self._platform.issuer,
                leeway=leeway,
                options={"require": ["exp", "iat", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise LaunchRefused("token_expired") from exc
        except jwt.ImmatureSignatureError as exc:
            raise LaunchRefused("iat_in_future") from exc
        except jwt.MissingRequiredClaimError as exc:
            raise LaunchRefused(f"claim_missing_{exc.claim}") from exc
        except jwt.InvalidSignatureError as exc:
            raise LaunchRefused("signature_invalid") from exc
        except jwt.InvalidTokenError as exc:
            raise LaunchRefused("token_invalid") from exc
        iat = verified["iat"]
        # Not now.timestamp(): `now` is naive UTC, which that would read as server-local time.
        oldest = epoch_seconds(self._now) - self._config["JWT_MAX_AGE_SECONDS"]
        if not isinstance(iat, int | float) or iat < oldest:
            raise LaunchRefused("iat_too_old")
        self._jwt["body"] = verified  # from here on only verified claims are read
        return self

    def validate_nonce(self) -> "ToolMessageLaunch":
        assert self._state_row is not None
        nonce = self._jwt["body"].get("nonce")
        if not nonce or not isinstance(nonce, str):
            raise LaunchRefused("nonce_missing")
        # Bytes: compare_digest raises on str with non-ASCII characters.
        if not hmac.compare_digest(nonce.encode(), self._state_row.nonce.encode()):
            raise LaunchRefused("nonce_mismatch")
        return self

    def validate_deployment(self) -> "ToolMessageLaunch":
        assert self._platform is not None and self._state_row is not None
        deployment_id = self._jwt["body"].get(claims.DEPLOYMENT_ID)
        if not bounded_id(deployment_id):
            raise LaunchRefused("deployment_id_missing")
        login_deployment = self._state_row.login_deployment_id
        if login_deployment is not None and login_deployment != deployment_id:
            raise LaunchRefused("deployment_mismatch")
        # The platform signed it, so a new install of a known client is recorded and waits
        # for the service admin's approval.
        deployment = get_or_insert(
            Deployment,
            {"platform_id": self._platform.id, "deployment_id": deployment_id},
            {"status": "pending"},
        )
        if deployment.status == "pending":
            raise LaunchRefused("deployment_pending", 403, hint="approval")
        if deployment.status != "approved":
            raise LaunchRefused("deployment_disabled", 403, hint="disabled")
        self._deployment = deployment
        return self

    def validate_message(self) -> "ToolMessageLaunch":
        assert self._state_row is not None
        body = self._jwt["body"]
        version = body.get(claims.VERSION)
        if version is None:
            raise LaunchRefused("version_missing")
        if version != "1.3.0":
            raise LaunchRefused("version_invalid")
        message_type = body.get(claims.MESSAGE_TYPE)
        if message_type is None:
            raise LaunchRefused("message_type_missing")
        if message_type not in claims.SUPPORTED_MESSAGE_TYPES:
            raise LaunchRefused("message_type_unsupported")
        if not isinstance(body.get(claims.ROLES), list):
            raise LaunchRefused("roles_missing")
        if "sub" not in body:
            raise LaunchRefused("anonymous_launch", 403, hint="anonymous")
        sub = body["sub"]
        if not isinstance(sub, str) or not sub or len(sub) > 255:
            raise LaunchRefused("sub_invalid")
        context = body.get(claims.CONTEXT)
        if context is not None and (
            not isinstance(context, dict) or not bounded_id(context.get("id"))
        ):
            raise LaunchRefused("context_id_missing")
        target = body.get(claims.TARGET_LINK_URI)
        if not target:
            raise LaunchRefused("target_link_uri_missing")
        if target != self._state_row.target_link_uri or not is_our_launch_target(
            target, self._config["TOOL_URL"]
        ):
            raise LaunchRefused("target_link_uri_mismatch")
        if message_type == claims.RESOURCE_LINK_REQUEST:
            link = body.get(claims.RESOURCE_LINK)
            link_id = link.get("id") if isinstance(link, dict) else None
            if not link_id or not isinstance(link_id, str) or len(link_id) > 255:
                raise LaunchRefused("resource_link_id_missing")
        if message_type == claims.DEEP_LINKING_REQUEST:
            settings = body.get(claims.DEEP_LINKING_SETTINGS)
            if not isinstance(settings, dict) or not settings.get("deep_link_return_url"):
                raise LaunchRefused("deep_linking_settings_missing")
        try:
            super().validate_message()
        except LtiException as exc:
            raise LaunchRefused("message_invalid") from exc
        return self

    def result(self) -> ValidatedLaunch:
        """Return the validated launch; call after validate()."""
        assert self._platform is not None and self._deployment is not None
        return ValidatedLaunch(self._platform, self._deployment, dict(self._jwt["body"]))


def validate_launch(
    form: dict, binding_secret: str | None, now: datetime, config: dict
) -> ValidatedLaunch:
    """Run every launch check; raise LaunchRefused with the failing check's reason code."""
    if form.get("error"):
        raise LaunchRefused("platform_error", 400)
    return ToolMessageLaunch(form, binding_secret, now, config).validate().result()
