"""Encryption at rest and blind indexes for petitioners' personal data.

个人信息保护法 第五十一条 requires 个人信息处理者 to "采取相应的加密、去标识化等安全技术措施": ID numbers
and phones are stored encrypted (``encrypt``/``decrypt``, used by ``fields.EncryptedTextField``) and
are found by equality through a keyed hash (``blind_index``) instead of by decrypting every row.

Keys. ``settings.FIELD_ENCRYPTION_KEY`` is one secret, or several separated by commas for rotation:
the FIRST encrypts and keys the blind index, every one of them decrypts. From each secret two
independent keys are derived with HKDF-SHA256 (RFC 5869): ``info=b"xinfang-field-encryption"`` for a
Fernet key (AES-128-CBC + HMAC-SHA256, authenticated: a tampered or foreign token is refused) and
``info=b"xinfang-blind-index"`` for the HMAC-SHA256 blind-index key, so the index key never touches the
cipher. A secret therefore cannot contain a comma. To rotate: put the new secret first and keep the
old ones after it; re-encrypt stored values (``rotate``) and rebuild every blind index (it changes
with the first secret), then drop the old ones.

Nothing here logs, and no error message contains a plaintext, a token or a key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence
from functools import lru_cache
from typing import Final

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = ["DecryptionError", "blind_index", "decrypt", "encrypt", "rotate"]

_ENCRYPTION_INFO: Final = b"xinfang-field-encryption"
_BLIND_INDEX_INFO: Final = b"xinfang-blind-index"
_UNDECRYPTABLE: Final = "stored personal data could not be decrypted (altered, or made with an unknown key)"


class DecryptionError(ValueError):
    """A stored value could not be decrypted: it was altered, or none of the configured keys made it."""


def _derive(secret: str, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret.encode("utf-8"))


def _secrets() -> tuple[str, ...]:
    """The configured secrets, newest first, read on every call so that override_settings works."""
    raw: object = getattr(settings, "FIELD_ENCRYPTION_KEY", "")
    if isinstance(raw, str):
        parts: Sequence[object] = raw.split(",")
    elif isinstance(raw, (list, tuple)):
        parts = raw
    else:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must be a string (comma-separated keys) or a list.")
    keys = tuple(part.strip() for part in parts if isinstance(part, str) and part.strip())
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY is empty: personal data cannot be encrypted.")
    return keys


# The caches are keyed on the secrets themselves, so a changed setting derives fresh keys.
@lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(base64.urlsafe_b64encode(_derive(k, _ENCRYPTION_INFO))) for k in keys])


@lru_cache(maxsize=8)
def _index_key(secret: str) -> bytes:
    return _derive(secret, _BLIND_INDEX_INFO)


def encrypt(plaintext: str) -> str:
    """Encrypt ``plaintext`` with the first key; an ASCII token, different on every call. "" stays "".

    (PIPL 第五十一条: 采取相应的加密、去标识化等安全技术措施.)
    """
    if not isinstance(plaintext, str):
        raise TypeError("encrypt() takes a str")
    if plaintext == "":
        return ""
    return _fernet(_secrets()).encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """Decrypt a token made by ``encrypt`` with any configured key. "" stays "".

    Raises ``DecryptionError`` if the token was altered or truncated, is not a token, or was made
    with a key that is no longer configured.
    """
    if not isinstance(token, str):
        raise TypeError("decrypt() takes a str")
    if token == "":
        return ""
    try:
        data = _fernet(_secrets()).decrypt(token.encode("ascii"))
        return data.decode("utf-8")
    except (InvalidToken, UnicodeError):
        raise DecryptionError(_UNDECRYPTABLE) from None


def rotate(token: str) -> str:
    """Re-encrypt a token under the first key (for key rotation). "" stays "".

    Raises ``DecryptionError`` like ``decrypt``.
    """
    if not isinstance(token, str):
        raise TypeError("rotate() takes a str")
    if token == "":
        return ""
    try:
        return _fernet(_secrets()).rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError):
        raise DecryptionError(_UNDECRYPTABLE) from None


def blind_index(purpose: str, normalized_value: str) -> str:
    """Keyed hash to find equal values without decrypting: HMAC-SHA256, 64 hex chars. "" stays "".

    The message is ``purpose + "\\x00" + normalized_value``, so the same number gives unrelated
    indexes for different purposes (e.g. ``"id_number"``, ``"phone"``). Pass the NORMALISED value
    (``identity.validate_id_number``/``validate_phone``), or equal numbers will not match. Keyed
    with a key derived from the first secret only: rebuild all indexes when it changes.
    """
    if not isinstance(purpose, str) or not isinstance(normalized_value, str):
        raise TypeError("blind_index() takes two str")
    if not purpose or "\x00" in purpose:
        raise ValueError("blind_index() needs a non-empty purpose without NUL")
    if normalized_value == "":
        return ""
    message = purpose.encode("utf-8") + b"\x00" + normalized_value.encode("utf-8")
    return hmac.new(_index_key(_secrets()[0]), message, hashlib.sha256).hexdigest()
