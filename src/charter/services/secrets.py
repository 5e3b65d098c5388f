"""Random secrets (token secrets, session ids) and the hashes the database keeps of them."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "chr_"


def new_secret(prefix: str = "") -> str:
    """256 random bits, URL-safe."""
    return prefix + secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    """SHA-256 hex digest: enough for high-entropy random secrets (passwords get argon2)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
