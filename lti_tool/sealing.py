"""Sealing at rest: secrets (private keys, TOTP secrets, service tokens) and free text
(transcripts), each purpose with its own key derived from KEY_ENCRYPTION_SECRET."""

import base64
from functools import lru_cache

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

TOOL_KEYS = "tool-keys"
TRANSCRIPTS = "transcripts"


def key_secret(config) -> str:
    """Return the secret that seals secrets at rest."""
    return config.get("KEY_ENCRYPTION_SECRET") or config["SECRET_KEY"]


@lru_cache(maxsize=8)
def secret_box(secret: str, purpose: str = TOOL_KEYS) -> Fernet:
    """Return the cipher that seals one purpose's data at rest (Fernet: AES-128-CBC with an
    HMAC-SHA256 tag); derived once per secret and purpose, as chats seal every message."""
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"tool-key-encryption", info=purpose.encode()
    ).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def box(config, purpose: str = TOOL_KEYS) -> Fernet:
    """Return the cipher that seals one purpose's data under the app's configured secret."""
    return secret_box(key_secret(config), purpose)
