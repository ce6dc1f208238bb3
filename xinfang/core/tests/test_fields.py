"""EncryptedTextField, tested on its conversion methods (no model, no database)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import FieldError
from django.db import models
from django.db.models import Value
from django.db.models.lookups import IsNull
from django.test import override_settings
from django.test.utils import isolate_apps

from xinfang.core.crypto import DecryptionError, decrypt, encrypt
from xinfang.core.fields import EncryptedTextField

KEY_A = "fields-test-key-a-0123456789abcdefghijklmnopqrstuvwxyz"
KEY_B = "fields-test-key-b-zyxwvutsrqponmlkjihgfedcba9876543210"


@pytest.fixture(autouse=True)
def _key_a():
    with override_settings(FIELD_ENCRYPTION_KEY=KEY_A):
        yield


@pytest.fixture
def field() -> EncryptedTextField:
    f = EncryptedTextField(blank=True, null=True)
    f.set_attributes_from_name("id_number")
    return f


def test_get_prep_value_encrypts(field: EncryptedTextField) -> None:
    stored = field.get_prep_value("11010519491231002X")
    assert stored is not None
    assert "11010519491231002X" not in stored
    assert decrypt(stored) == "11010519491231002X"
    assert field.get_prep_value("11010519491231002X") != stored  # randomised


def test_get_db_prep_save_encrypts(field: EncryptedTextField) -> None:
    from django.db import connection

    stored = field.get_db_prep_save("13800138000", connection)
    assert decrypt(stored) == "13800138000"


def test_none_and_empty(field: EncryptedTextField) -> None:
    assert field.get_prep_value(None) is None
    assert field.get_prep_value("") == ""
    assert field.from_db_value(None, None, None) is None
    assert field.from_db_value("", None, None) == ""
    assert field.to_python(None) is None
    assert field.to_python("") == ""


def test_from_db_value_decrypts(field: EncryptedTextField) -> None:
    assert field.from_db_value(encrypt("张三 13800138000"), None, None) == "张三 13800138000"


def test_round_trip(field: EncryptedTextField) -> None:
    for value in ["11010519491231002X", "13800138000", "浙江省杭州市西湖区", "a" * 1000]:
        assert field.from_db_value(field.get_prep_value(value), None, None) == value


def test_to_python_is_plaintext(field: EncryptedTextField) -> None:
    assert field.to_python("11010519491231002X") == "11010519491231002X"
    assert field.to_python(13800138000) == "13800138000"


def test_get_prep_value_accepts_non_str(field: EncryptedTextField) -> None:
    stored = field.get_prep_value(13800138000)
    assert stored is not None
    assert decrypt(stored) == "13800138000"


def test_from_db_value_with_wrong_key_raises(field: EncryptedTextField) -> None:
    stored = field.get_prep_value("13800138000")
    with override_settings(FIELD_ENCRYPTION_KEY=KEY_B), pytest.raises(DecryptionError):
        field.from_db_value(stored, None, None)


def test_from_db_value_after_rotation(field: EncryptedTextField) -> None:
    stored = field.get_prep_value("13800138000")
    with override_settings(FIELD_ENCRYPTION_KEY=f"{KEY_B},{KEY_A}"):
        assert field.from_db_value(stored, None, None) == "13800138000"


def test_from_db_value_tampered_raises(field: EncryptedTextField) -> None:
    stored = field.get_prep_value("13800138000")
    assert stored is not None
    with pytest.raises(DecryptionError):
        field.from_db_value(stored[:-4] + ("AAAA" if stored[-4:] != "AAAA" else "BBBB"), None, None)


def test_value_to_string_is_plaintext(field: EncryptedTextField) -> None:
    class Obj:
        id_number = "11010519491231002X"

    assert field.value_to_string(Obj()) == "11010519491231002X"  # type: ignore[arg-type]


# --------------------------------------------------------------------------- lookups


def test_isnull_is_allowed(field: EncryptedTextField) -> None:
    assert field.get_lookup("isnull") is IsNull


@pytest.mark.parametrize(
    "name", ["iexact", "contains", "icontains", "startswith", "in", "gt", "lt", "regex", "search"]
)
def test_other_lookups_are_refused(field: EncryptedTextField, name: str) -> None:
    with pytest.raises(FieldError, match="isnull"):
        field.get_lookup(name)


def test_transforms_are_refused(field: EncryptedTextField) -> None:
    with pytest.raises(FieldError, match="ciphertext"):
        field.get_transform("lower")


def test_exact_only_with_none(field: EncryptedTextField) -> None:
    exact = field.get_lookup("exact")
    assert exact is not None
    lhs = Value("", output_field=field)
    with pytest.raises(FieldError, match="blind"):
        exact(lhs, "11010519491231002X")
    # filter(field=None): Django builds this lookup, sees rhs None and turns it into isnull.
    assert exact(lhs, None).rhs is None


def test_refusal_never_shows_the_value(field: EncryptedTextField) -> None:
    exact = field.get_lookup("exact")
    assert exact is not None
    with pytest.raises(FieldError) as info:
        exact(Value("", output_field=field), "11010519491231002X")
    assert "11010519491231002X" not in str(info.value)


# --------------------------------------------------------------------------- model integration


def test_deconstruct(field: EncryptedTextField) -> None:
    name, path, args, kwargs = field.deconstruct()
    assert name == "id_number"
    assert path == "xinfang.core.fields.EncryptedTextField"
    assert args == []
    assert kwargs == {"blank": True, "null": True}
    clone = EncryptedTextField(*args, **kwargs)
    assert clone.null and clone.blank


def test_internal_type_is_text(field: EncryptedTextField) -> None:
    assert field.get_internal_type() == "TextField"


@pytest.mark.parametrize("flag", ["unique", "db_index"])
def test_check_refuses_unique_and_index(flag: str) -> None:
    kwargs: dict[str, Any] = {flag: True}
    f = EncryptedTextField(**kwargs)
    f.set_attributes_from_name("phone")
    errors = [e for e in f.check() if e.id == "core.E001"]
    assert len(errors) == 1
    assert flag in errors[0].msg


def test_check_passes_plain_field(field: EncryptedTextField) -> None:
    assert not [e for e in field.check() if e.id == "core.E001"]


# --------------------------------------------------------------------------- in a query (SQL only, no DB)


@isolate_apps("xinfang.core")
def test_queries_compile_without_database() -> None:
    class Holder(models.Model):
        secret = EncryptedTextField(null=True)

        class Meta:
            app_label = "core"

    assert "IS NULL" in str(Holder._default_manager.filter(secret__isnull=True).query)
    assert "IS NOT NULL" in str(Holder._default_manager.filter(secret__isnull=False).query)
    assert "IS NULL" in str(Holder._default_manager.filter(secret=None).query)
    assert 'NOT ("core_holder"."secret" IS NULL)' in str(Holder._default_manager.exclude(secret=None).query)
    with pytest.raises(FieldError, match=r"core\.Holder\.secret"):
        Holder._default_manager.filter(secret="13800138000")
    with pytest.raises(FieldError):
        Holder._default_manager.filter(secret__icontains="1380")
    with pytest.raises(FieldError):
        Holder._default_manager.filter(secret__in=["13800138000"])
    with pytest.raises(FieldError):
        Holder._default_manager.filter(secret__lower__exact="x")
