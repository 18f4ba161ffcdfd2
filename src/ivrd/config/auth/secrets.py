"""Random credentials and their one-way storage.

Tokens and application secrets are random alphanumerics kept only as SHA-256 hashes (they
carry enough entropy that a fast hash is right); user passwords use scrypt with a salt.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string

ALPHANUMERIC = string.ascii_letters + string.digits
TOKEN_LENGTH = 30
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


def random_alphanumeric(length: int = TOKEN_LENGTH) -> str:
    return "".join(secrets.choice(ALPHANUMERIC) for _ in range(length))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return f"scrypt${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, salt_hex, digest_hex = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(
        password.encode(), salt=bytes.fromhex(salt_hex), n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P
    )
    return hmac.compare_digest(digest.hex(), digest_hex)
