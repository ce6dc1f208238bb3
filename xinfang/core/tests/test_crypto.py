"""Encryption at rest and blind indexes (PIPL 第五十一条). No database."""

from __future__ import annotations

import base64

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from xinfang.core import crypto
from xinfang.core.crypto import DecryptionError, blind_index, decrypt, encrypt, rotate

KEY_A = "test-key-a-0123456789abcdefghijklmnopqrstuvwxyz"
KEY_B = "test-key-b-zyxwvutsrqponmlkjihgfedcba9876543210"


@pytest.fixture(autouse=True)
def _key_a():
    with override_settings(FIELD_ENCRYPTION_KEY=KEY_A):
        yield


@pytest.mark.parametrize("plaintext", ["11010519491231002X", "13800138000", "张三 浙江省杭州市", "x" * 5000])
def test_round_trip(plaintext: str) -> None:
    token = encrypt(plaintext)
    assert token != plaintext
    assert plaintext not in token
    assert token.isascii()
    assert decrypt(token) == plaintext


def test_empty_stays_empty() -> None:
    assert encrypt("") == ""
    assert decrypt("") == ""
    assert blind_index("id_number", "") == ""
    assert rotate("") == ""


def test_ciphertext_differs_each_time() -> None:
    tokens = {encrypt("11010519491231002X") for _ in range(5)}
    assert len(tokens) == 5
    assert {decrypt(t) for t in tokens} == {"11010519491231002X"}


def test_tampered_token_is_refused() -> None:
    token = encrypt("13800138000")
    raw = bytearray(base64.urlsafe_b64decode(token))
    raw[30] ^= 0x01  # flip one bit of the ciphertext
    tampered = base64.urlsafe_b64encode(bytes(raw)).decode("ascii")
    with pytest.raises(DecryptionError):
        decrypt(tampered)


@pytest.mark.parametrize("garbage", ["not a token", "gAAAAA", "张三", "13800138000"])
def test_garbage_is_refused(garbage: str) -> None:
    with pytest.raises(DecryptionError):
        decrypt(garbage)


def test_truncated_token_is_refused() -> None:
    token = encrypt("13800138000")
    with pytest.raises(DecryptionError):
        decrypt(token[:-8])


def test_wrong_key_is_refused() -> None:
    token = encrypt("13800138000")
    with override_settings(FIELD_ENCRYPTION_KEY=KEY_B), pytest.raises(DecryptionError):
        decrypt(token)


def test_decryption_error_is_value_error_and_says_nothing_secret() -> None:
    token = encrypt("13800138000")
    with override_settings(FIELD_ENCRYPTION_KEY=KEY_B), pytest.raises(ValueError) as info:
        decrypt(token)
    assert isinstance(info.value, DecryptionError)
    assert token not in str(info.value)
    assert "13800138000" not in str(info.value)
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__


def test_rotation_old_key_second_still_decrypts() -> None:
    old_token = encrypt("11010519491231002X")
    with override_settings(FIELD_ENCRYPTION_KEY=f"{KEY_B}, {KEY_A}"):
        assert decrypt(old_token) == "11010519491231002X"
        new_token = encrypt("11010519491231002X")
        rotated = rotate(old_token)
        assert decrypt(rotated) == "11010519491231002X"
    # the new first key encrypted: the old key alone cannot read what was written or rotated
    with pytest.raises(DecryptionError):
        decrypt(new_token)
    with pytest.raises(DecryptionError):
        decrypt(rotated)
    with override_settings(FIELD_ENCRYPTION_KEY=KEY_B):
        assert decrypt(new_token) == "11010519491231002X"
        assert decrypt(rotated) == "11010519491231002X"


def test_keys_may_be_a_list() -> None:
    token = encrypt("13800138000")
    with override_settings(FIELD_ENCRYPTION_KEY=[KEY_B, KEY_A]):
        assert decrypt(token) == "13800138000"


@pytest.mark.parametrize("value", ["", " , ", [], None])
def test_missing_key_is_a_configuration_error(value: object) -> None:
    with override_settings(FIELD_ENCRYPTION_KEY=value), pytest.raises(ImproperlyConfigured):
        encrypt("13800138000")


def test_encryption_key_is_derived_not_the_secret_itself() -> None:
    # Fernet keys are derived with HKDF; the two derived keys differ from each other.
    enc = crypto._derive(KEY_A, b"xinfang-field-encryption")
    idx = crypto._derive(KEY_A, b"xinfang-blind-index")
    assert len(enc) == len(idx) == 32
    assert enc != idx
    assert KEY_A.encode() not in (enc, idx)


def test_non_str_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        encrypt(123)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        decrypt(None)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- blind index


def test_blind_index_shape_and_determinism() -> None:
    index = blind_index("id_number", "11010519491231002X")
    assert len(index) == 64
    assert int(index, 16) >= 0
    assert index == index.lower()
    assert blind_index("id_number", "11010519491231002X") == index
    assert "11010519491231002X" not in index


def test_blind_index_differs_per_value_and_purpose() -> None:
    assert blind_index("phone", "13800138000") != blind_index("phone", "13800138001")
    assert blind_index("phone", "13800138000") != blind_index("id_number", "13800138000")


def test_blind_index_separator_prevents_ambiguity() -> None:
    assert blind_index("ab", "c") != blind_index("a", "bc")


def test_blind_index_differs_per_key_and_uses_first_key_only() -> None:
    with_a = blind_index("phone", "13800138000")
    with override_settings(FIELD_ENCRYPTION_KEY=KEY_B):
        with_b = blind_index("phone", "13800138000")
    assert with_a != with_b
    with override_settings(FIELD_ENCRYPTION_KEY=f"{KEY_B},{KEY_A}"):
        assert blind_index("phone", "13800138000") == with_b
    with override_settings(FIELD_ENCRYPTION_KEY=f"{KEY_A},{KEY_B}"):
        assert blind_index("phone", "13800138000") == with_a


def test_blind_index_is_not_keyed_with_the_encryption_key() -> None:
    import hashlib
    import hmac

    message = b"phone\x00" + b"13800138000"
    for key in (KEY_A.encode(), crypto._derive(KEY_A, b"xinfang-field-encryption")):
        assert hmac.new(key, message, hashlib.sha256).hexdigest() != blind_index("phone", "13800138000")
    expected = hmac.new(crypto._derive(KEY_A, b"xinfang-blind-index"), message, hashlib.sha256).hexdigest()
    assert blind_index("phone", "13800138000") == expected


@pytest.mark.parametrize("purpose", ["", "a\x00b"])
def test_blind_index_needs_a_purpose(purpose: str) -> None:
    with pytest.raises(ValueError):
        blind_index(purpose, "13800138000")
