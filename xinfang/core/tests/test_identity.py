"""ID numbers (GB 11643-1999) and phones: validation, normalisation, masking. No database."""

from __future__ import annotations

from datetime import date

import pytest

from xinfang.core.identity import (
    IdentityError,
    birth_date_from_id,
    gender_from_id,
    id_number_check_char,
    mask_id_number,
    mask_phone,
    normalize_id_number,
    normalize_phone,
    phone_tail,
    validate_id_number,
    validate_phone,
)

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def make_id(body17: str) -> str:
    """An independent implementation of the GB 11643-1999 check character, for building test data."""
    remainder = sum(int(d) * w for d, w in zip(body17, WEIGHTS, strict=True)) % 11
    return body17 + "10X98765432"[remainder]


def wrong_check(number: str) -> str:
    """The same number with a check character that is certainly wrong."""
    return number[:17] + ("0" if number[17] != "0" else "1")


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# --------------------------------------------------------------------------- check character


def test_known_example_is_valid() -> None:
    # The example printed in GB 11643-1999 and countless references.
    assert validate_id_number("11010519491231002X") == "11010519491231002X"
    assert id_number_check_char("11010519491231002") == "X"


@pytest.mark.parametrize(
    "body",
    [
        "33052119900101123",
        "44030519851130401",
        "51010720000229004",  # 29 Feb of a leap year
        "65010219000101001",  # earliest accepted year
        "13010220231231999",
    ],
)
def test_computed_numbers_are_valid(body: str) -> None:
    number = make_id(body)
    assert id_number_check_char(body) == number[17]
    assert validate_id_number(number) == number


def test_every_check_character_value_is_reachable() -> None:
    seen = set()
    for serial in range(200):
        number = make_id(f"330521199001{serial % 28 + 1:02d}{serial:03d}")
        seen.add(number[17])
        assert validate_id_number(number) == number
    assert seen == set("10X98765432")


def test_check_char_rejects_bad_body() -> None:
    with pytest.raises(ValueError):
        id_number_check_char("1234")
    with pytest.raises(ValueError):
        id_number_check_char("1101051949123100X")


# --------------------------------------------------------------------------- normalisation


def test_normalize_full_width_spaces_and_lowercase_x() -> None:
    assert normalize_id_number(" 110105 19491231 002x ") == "11010519491231002X"
    assert normalize_id_number(full_width("11010519491231002x")) == "11010519491231002X"
    assert normalize_id_number("110105\u300019491231002Ｘ") == "11010519491231002X"


def test_validate_accepts_full_width_and_lowercase_x() -> None:
    assert validate_id_number("11010519491231002x") == "11010519491231002X"
    assert validate_id_number(full_width("11010519491231002x")) == "11010519491231002X"
    assert validate_id_number("110105 1949 1231 002X") == "11010519491231002X"


# --------------------------------------------------------------------------- error codes


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "11010519491231002",  # 17 chars
        "11010519491231002XX",  # 19 chars
        "1101051949123100X2",  # X not last
        "11010519491231002Y",
        "11010519491231002-",
        "110105-19491231-002X",  # hyphens are not stripped
        "ABCDEFGHIJKLMNOPQR",
    ],
)
def test_format_errors(raw: str) -> None:
    with pytest.raises(IdentityError) as info:
        validate_id_number(raw)
    assert info.value.code == "id_number_format"
    assert info.value.message == str(info.value)
    assert "18位" in info.value.message


def test_fifteen_digit_old_number_is_refused_with_specific_message() -> None:
    with pytest.raises(IdentityError) as info:
        validate_id_number("110105491231002")
    assert info.value.code == "id_number_format"
    assert "请填写18位公民身份号码" in info.value.message


def test_region_starting_with_zero_is_a_format_error() -> None:
    with pytest.raises(IdentityError) as info:
        validate_id_number(make_id("01010519491231002"))
    assert info.value.code == "id_number_format"


@pytest.mark.parametrize(
    "body",
    [
        "11010519900230001",  # 30 February
        "11010519000229001",  # 1900 is not a leap year
        "11010519901301001",  # month 13
        "11010519901200001",  # day 0
        "11010500000101001",  # year 0
        "11010518991231001",  # before 1900
    ],
)
def test_birthdate_errors(body: str) -> None:
    number = make_id(body)  # valid check character: the date alone is wrong
    with pytest.raises(IdentityError) as info:
        validate_id_number(number)
    assert info.value.code == "id_number_birthdate"


def test_future_birth_date_is_refused() -> None:
    number = make_id("11010520300101001")
    with pytest.raises(IdentityError) as info:
        validate_id_number(number)
    assert info.value.code == "id_number_birthdate"


def test_birth_date_is_compared_with_today() -> None:
    number = make_id("11010520240615001")
    with pytest.raises(IdentityError) as info:
        validate_id_number(number, today=date(2024, 6, 14))
    assert info.value.code == "id_number_birthdate"
    assert validate_id_number(number, today=date(2024, 6, 15)) == number


@pytest.mark.parametrize("body", ["11010519491231002", "33052119900101123", "44030519851130401"])
def test_checksum_errors(body: str) -> None:
    with pytest.raises(IdentityError) as info:
        validate_id_number(wrong_check(make_id(body)))
    assert info.value.code == "id_number_checksum"


def test_single_digit_typo_is_caught() -> None:
    number = "11010519491231002X"
    typo = number[:15] + "7" + number[16:]  # 002X -> 007X
    with pytest.raises(IdentityError) as info:
        validate_id_number(typo)
    assert info.value.code == "id_number_checksum"


def test_error_never_contains_the_value() -> None:
    number = wrong_check(make_id("33052119900101123"))
    with pytest.raises(IdentityError) as info:
        validate_id_number(number)
    assert number not in str(info.value)
    assert number not in repr(info.value)
    assert number[:6] not in repr(info.value.args)


def test_identity_error_is_value_error() -> None:
    error = IdentityError("phone_format", "消息")
    assert isinstance(error, ValueError)
    assert (error.code, error.message, str(error)) == ("phone_format", "消息", "消息")


# --------------------------------------------------------------------------- derived facts


def test_birth_date_and_gender() -> None:
    assert birth_date_from_id("11010519491231002X") == date(1949, 12, 31)
    assert gender_from_id("11010519491231002X") == "female"  # 17th digit 2
    male = make_id("33052119900101123")
    assert gender_from_id(male) == "male"  # 17th digit 3
    assert birth_date_from_id(male) == date(1990, 1, 1)
    assert birth_date_from_id("11010519491231002x") == date(1949, 12, 31)


@pytest.mark.parametrize("raw", ["", "123", "110105491231002", "11010519900230001X", "abc"])
def test_birth_date_and_gender_tolerate_bad_input(raw: str) -> None:
    assert birth_date_from_id(raw) is None
    if raw != "11010519900230001X":  # well-formed except for the date: gender is still readable
        assert gender_from_id(raw) is None


# --------------------------------------------------------------------------- masking


def test_mask_id_number() -> None:
    number = make_id("33052119900101123")
    assert mask_id_number(number) == "330521********" + number[-4:]
    assert mask_id_number("11010519491231002x") == "110105********002X"
    assert len(mask_id_number(number)) == 18


@pytest.mark.parametrize(
    ("raw", "masked"),
    [("", ""), ("1", "*"), ("1234567890", "**********"), ("12345678901", "123456*8901")],
)
def test_mask_id_number_tolerates_short_input(raw: str, masked: str) -> None:
    assert mask_id_number(raw) == masked


def test_mask_tolerates_none() -> None:
    assert mask_id_number(None) == ""  # type: ignore[arg-type]
    assert mask_phone(None) == ""  # type: ignore[arg-type]
    assert phone_tail(None) == ""  # type: ignore[arg-type]


# --------------------------------------------------------------------------- phones


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800138000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("+8613800138000", "13800138000"),
        ("0086 138 0013 8000", "13800138000"),
        ("86 13800138000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("(138) 0013 8000", "13800138000"),
        ("１３８ ００１３ ８０００", "13800138000"),
        ("＋８６　１３８００１３８０００", "13800138000"),
        ("19912345678", "19912345678"),
        ("0571-87654321", "057187654321"),
        ("(0571)87654321", "057187654321"),
        ("（０５７１）８７６５４３２１", "057187654321"),
        ("0571 8765432", "05718765432"),  # 4-digit area code, 7-digit number
        ("010-62345678", "01062345678"),
        ("020 8765 4321", "02087654321"),
        ("+86 10 6234 5678", "01062345678"),  # international form drops the trunk 0
        ("+86 571 87654321", "057187654321"),
        ("0571-87654321-123", "057187654321"),  # extension dropped
        ("0571-87654321转123", "057187654321"),
        ("0571-87654321 分机 8001", "057187654321"),
        ("0571-87654321 ext. 12", "057187654321"),
        ("057187654321-123", "057187654321"),
        ("0571-8765432-1", "05718765432"),
    ],
)
def test_valid_phones(raw: str, expected: str) -> None:
    assert validate_phone(raw) == expected
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "123",
        "12345",  # 12345 政务服务便民热线
        "110",
        "95588",
        "400-123-4567",
        "800-123-4567",
        "1380013800",  # 10 digits
        "138001380001",  # 12 digits
        "12800138000",  # 12x is not a mobile prefix
        "87654321",  # landline without area code
        "0571-12345",  # service number with area code
        "0571-07654321",  # local number cannot start with 0
        "0571-12345678",  # nor with 1
        "010-6234567",  # 3-digit area codes have 8-digit numbers
        "+852 9123 4567",
        "+1 415 555 0100",
        "138abc38000",
        "13800138000-12",  # mobiles have no extensions
    ],
)
def test_invalid_phones(raw: str) -> None:
    with pytest.raises(IdentityError) as info:
        validate_phone(raw)
    assert info.value.code == "phone_format"
    assert raw.strip() == "" or raw not in info.value.message


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("13800135678", "138****5678"),
        ("+86 138 0013 5678", "138****5678"),
        ("0571-87654321", "0571****4321"),
        ("0571-8765432", "0571***5432"),
        ("010-62345678", "010****5678"),
        ("", ""),
        ("123", "***"),
        ("123456", "****56"),
    ],
)
def test_mask_phone(raw: str, masked: str) -> None:
    assert mask_phone(raw) == masked


@pytest.mark.parametrize(
    ("raw", "tail"),
    [
        ("13800135678", "5678"),
        ("+86 138 0013 5678", "5678"),
        ("0571-87654321-123", "4321"),  # the number's own digits, not the extension
        ("", ""),
        ("12", "12"),
    ],
)
def test_phone_tail(raw: str, tail: str) -> None:
    assert phone_tail(raw) == tail
