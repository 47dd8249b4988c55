"""The tool's signing keys: generated, encrypted at rest, published as one JWKS for all hosts."""

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.fernet import MultiFernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from sqlalchemy import or_

from ..extensions import db
from ..models import ToolKey


@dataclass(frozen=True)
class SigningKey:
    """A private key ready to sign, with the kid platforms will look it up by."""

    kid: str
    private_pem: str


def new_key(cipher: MultiFernet) -> ToolKey:
    """Generate an RSA-2048 key whose kid is its RFC 7638 thumbprint, sealed with `cipher`."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return ToolKey(
        kid=_thumbprint(json.loads(RSAAlgorithm.to_jwk(private.public_key()))),
        public_pem=public_pem.decode(),
        private_pem_encrypted=cipher.encrypt(private_pem),
    )


def _thumbprint(jwk: dict) -> str:
    canonical = json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def current_key() -> ToolKey | None:
    """Return the newest key that has not been retired."""
    return db.session.execute(
        db.select(ToolKey).where(ToolKey.retired_at.is_(None)).order_by(ToolKey.id.desc()).limit(1)
    ).scalar_one_or_none()


def published_keys(now: datetime, overlap: timedelta) -> list[ToolKey]:
    """Return the current key and every retired key still inside its overlap."""
    return list(
        db.session.execute(
            db.select(ToolKey)
            .where(or_(ToolKey.retired_at.is_(None), ToolKey.retired_at > now - overlap))
            .order_by(ToolKey.id.desc())
        ).scalars()
    )


def public_jwk(key: ToolKey) -> dict:
    """Return a key's public half as a JWK with kid, alg and use."""
    public = serialization.load_pem_public_key(key.public_pem.encode())
    jwk = json.loads(RSAAlgorithm.to_jwk(public))
    jwk.update({"kid": key.kid, "alg": "RS256", "use": "sig"})
    return jwk


def signing_key(cipher: MultiFernet) -> SigningKey:
    """Return the current key opened with `cipher` for signing; fail loudly when none was
    generated."""
    key = current_key()
    if key is None:
        raise RuntimeError("No tool key: run `flask --app lti_tool keys generate` first.")
    return SigningKey(key.kid, cipher.decrypt(key.private_pem_encrypted).decode())
