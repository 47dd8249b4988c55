"""The platform's registration of the tool, on lti1p3platform, and the platform's keys."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.registration import Registration


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


class PlatformRegistration(Registration):
    """lti1p3platform's registration, parsing the private key once instead of per signature."""

    def set_platform_private_key(self, platform_private_key: str) -> "PlatformRegistration":
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


class PlatformConf(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, registration: Registration) -> None:
        self._registration = registration

    def get_registration_by_params(self, **kwargs: Any) -> Registration:
        return self._registration


@dataclass(frozen=True)
class ToolSide:
    """What the platform knows of the tool it launches."""

    login_url: str
    launch_url: str
    jwks: Callable[[], dict]
