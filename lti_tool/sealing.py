"""Sealing at rest: secrets (private keys, TOTP secrets, service tokens) and free text
(transcripts), each purpose with its own key derived from KEY_ENCRYPTION_SECRET.

Changing that secret does not strand what the old one sealed: listed in
KEY_ENCRYPTION_RETIRED_SECRETS, an old secret still opens its data, and `flask --app lti_tool
secrets reseal` (services/reseal.py) seals everything again under the current one, after
which the old secret can be dropped.
"""

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

TOOL_KEYS = "tool-keys"
TRANSCRIPTS = "transcripts"


def _key_secrets(config) -> tuple[str, ...]:
    """Return the secret that seals, then the retired ones that may still open."""
    current = config.get("KEY_ENCRYPTION_SECRET") or config["SECRET_KEY"]
    return (current, *config.get("KEY_ENCRYPTION_RETIRED_SECRETS", ()))


def _fernet(secret: str, purpose: str) -> Fernet:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"tool-key-encryption", info=purpose.encode()
    ).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


@lru_cache(maxsize=8)
def _secret_box(secrets: tuple[str, ...], purpose: str) -> MultiFernet:
    """Return the cipher that seals one purpose's data at rest under the first secret and
    opens it under any (Fernet: AES-128-CBC with an HMAC-SHA256 tag); derived once per
    secrets and purpose, as chats seal every message."""
    return MultiFernet([_fernet(secret, purpose) for secret in secrets])


def box(config, purpose: str = TOOL_KEYS) -> MultiFernet:
    """Return the cipher that seals one purpose's data under the app's configured secrets."""
    return _secret_box(_key_secrets(config), purpose)
