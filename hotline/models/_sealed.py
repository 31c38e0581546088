"""Personal data sealed at rest: encrypted columns and keyed hashes for exact lookups.

`Sealed` is a column type that encrypts on the way into the database and decrypts on
the way out (Fernet from the `cryptography` package: AES-128-CBC with an HMAC, a
timestamp and a random IV, so equal values never look equal in the file). The keys
are `DATA_KEYS` (the first encrypts, every one decrypts: a new key is put in front,
`flask affected rotate-keys` re-encrypts, then the old one can go). Exact-match
lookups (an email address, a phone number, a member id) use `lookup_hash`, a keyed
BLAKE2b with `LOOKUP_KEY`, which never rotates with the data keys.
"""

import hashlib
import unicodedata
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator


class SealingError(RuntimeError):
    """A sealed value that no configured key opens (wrong or missing key)."""


@lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def cipher() -> MultiFernet:
    """The configured keys, the first one encrypting."""
    keys = current_app.config["DATA_KEYS"]
    return _fernet(tuple(keys))


def seal(value: str) -> str:
    """Encrypt one value with the first data key."""
    return cipher().encrypt(value.encode("utf-8")).decode("ascii")


def unseal(token: str) -> str:
    """Decrypt one value with whichever configured key sealed it."""
    try:
        return cipher().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as error:
        raise SealingError("暗号化された値を復号できません（データ鍵の設定を確認してください）。") from error


def reseal(token: str) -> str:
    """The same value encrypted with the first data key (for key rotation)."""
    try:
        return cipher().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as error:
        raise SealingError("暗号化された値を復号できません（データ鍵の設定を確認してください）。") from error


@lru_cache(maxsize=8)
def _lookup_key(secret: str) -> bytes:
    return hashlib.sha256(b"hotline-lookup\x00" + secret.encode()).digest()


def lookup_hash(kind: str, value: str) -> str:
    """Keyed hash of a normalized value, for exact-match lookups ('' for an empty value).

    BLAKE2b in keyed mode (a MAC by design, and cheaper than HMAC for the millions of
    values a large list has), 32 bytes, hex.
    """
    if not value:
        return ""
    key = _lookup_key(current_app.config["LOOKUP_KEY"])
    text = unicodedata.normalize("NFKC", value)
    return hashlib.blake2b(f"{kind}\x00{text}".encode("utf-8"), key=key, digest_size=32).hexdigest()


class Sealed(TypeDecorator):
    """A text column stored encrypted; '' stays '' (so emptiness is not a secret)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None or value == "":
            return value
        return seal(str(value))

    def process_result_value(self, value, dialect):
        if value is None or value == "":
            return value
        return unseal(value)
