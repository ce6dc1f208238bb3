"""Validation, normalisation and masking of petitioners' identity numbers and phone numbers.

Pure functions: no database, no settings, no logging. Personal data must never reach a log or an
error message, so every ``IdentityError`` carries a fixed Chinese message and a stable code and never
echoes the value it rejected.

居民身份证号码 (GB 11643-1999《公民身份号码》): 6-digit 行政区划代码, 8-digit 出生日期 (YYYYMMDD),
3-digit 顺序码 (odd for men, even for women), 1 校验码 computed with ISO 7064:1983 MOD 11-2.

Phone numbers: a mainland mobile (``1[3-9]`` + 9 digits) or a landline with its area code (``010``/
``02x`` + 8 digits, or a 4-digit area code + 7 or 8 digits). A landline extension (``-123``,
``转123``, ``分机123``, ``ext123``) is DROPPED: the stored number is the switchboard number, so every
stored phone is plain digits whose last four are the number's own (``phone_tail``) and equal numbers
stay equal for the blind index. Short service numbers (110, 12345, 95xxx), 400/800 numbers and numbers
outside the mainland are not a petitioner's phone and are rejected.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Final
from zoneinfo import ZoneInfo

__all__ = [
    "IdentityError",
    "birth_date_from_id",
    "gender_from_id",
    "id_number_check_char",
    "mask_id_number",
    "mask_phone",
    "normalize_id_number",
    "normalize_phone",
    "phone_tail",
    "validate_id_number",
    "validate_phone",
]

# Birth dates printed on the card are Beijing dates.
_CHINA_TZ: Final = ZoneInfo("Asia/Shanghai")


class IdentityError(ValueError):
    """A rejected ID number or phone; ``code`` is stable for the API, ``message`` is for the UI.

    Neither ever contains the rejected value.
    """

    code: str
    message: str

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"IdentityError(code={self.code!r}, message={self.message!r})"


# --------------------------------------------------------------------------- shared normalisation

# Full-width forms (U+FF01..U+FF5E) of the characters people type in ID numbers and phones, the
# ideographic space, and the dash look-alikes; everything else is left for the validators to reject.
_WIDTH_TABLE: Final = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "\uff38": "X",  # Ｘ
        "\uff58": "x",  # ｘ
        "\uff0b": "+",  # ＋
        "\uff0d": "-",  # －
        "\uff08": "(",  # （
        "\uff09": ")",  # ）
        "\u3000": " ",  # ideographic space
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
    }
)
_WHITESPACE_RE: Final = re.compile(r"\s+")


def _half_width(raw: str) -> str:
    return raw.translate(_WIDTH_TABLE)


# --------------------------------------------------------------------------- 居民身份证号码

_ID_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS: Final = "10X98765432"
_ID_RE: Final = re.compile(r"[0-9]{17}[0-9X]")
_OLD_ID_RE: Final = re.compile(r"[0-9]{15}")

_MSG_ID_FORMAT: Final = "请填写18位公民身份号码（前17位为数字，最后一位为数字或X）"
_MSG_ID_OLD: Final = "请填写18位公民身份号码（不再接受15位旧号码）"
_MSG_ID_REGION: Final = "公民身份号码的前6位行政区划代码不正确"
_MSG_ID_BIRTHDATE: Final = "公民身份号码中的出生日期不正确"
_MSG_ID_CHECKSUM: Final = "公民身份号码校验位不正确，请核对后重新填写"


def normalize_id_number(raw: str) -> str:
    """Remove all whitespace, turn full-width digits and Ｘ into ASCII and upper-case the ``x``.

    Nothing else is changed: a value with other characters stays invalid for ``validate_id_number``.
    """
    if not isinstance(raw, str):
        return ""
    return _WHITESPACE_RE.sub("", _half_width(raw)).upper()


def id_number_check_char(first17: str) -> str:
    """The check character of a 居民身份证号码 (GB 11643-1999 §6, ISO 7064:1983 MOD 11-2).

    ``first17`` is the 17-digit body; the result is one of ``0-9`` or ``X``.
    """
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("the body of a 公民身份号码 is 17 ASCII digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def _birth_date(number: str) -> date | None:
    """The date in positions 7-14 of an 18-character number, or None if it is not a real date."""
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def validate_id_number(raw: str, *, today: date | None = None) -> str:
    """Return the normalised 18-character 居民身份证号码, or raise ``IdentityError``.

    Checks, in this order (GB 11643-1999):

    - ``id_number_format``: 17 digits then a digit or ``X``; 15-digit pre-1999 numbers are refused
      (message asks for the 18-digit number); the 行政区划代码 (first 6 digits) must not start with 0;
    - ``id_number_birthdate``: positions 7-14 are a real date YYYYMMDD, year >= 1900, not after
      ``today`` (default: today in Beijing);
    - ``id_number_checksum``: the 18th character equals the ISO 7064 MOD 11-2 check character of the
      first 17 (weights 7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2; remainder 0..10 -> ``10X98765432``).
    """
    number = normalize_id_number(raw)
    if _OLD_ID_RE.fullmatch(number):
        raise IdentityError("id_number_format", _MSG_ID_OLD)
    if not _ID_RE.fullmatch(number):
        raise IdentityError("id_number_format", _MSG_ID_FORMAT)
    if number[0] == "0":
        raise IdentityError("id_number_format", _MSG_ID_REGION)
    born = _birth_date(number)
    if today is None:
        today = datetime.now(_CHINA_TZ).date()
    if born is None or born.year < 1900 or born > today:
        raise IdentityError("id_number_birthdate", _MSG_ID_BIRTHDATE)
    if id_number_check_char(number[:17]) != number[17]:
        raise IdentityError("id_number_checksum", _MSG_ID_CHECKSUM)
    return number


def mask_id_number(value: str) -> str:
    """Show the first 6 and last 4 characters only: ``330521********123X``.

    Tolerant, for display of whatever is stored: "" (or None) gives "", a value of 10 characters or
    fewer is masked completely (it cannot be shown partly without revealing most of it).
    """
    number = normalize_id_number(value) if value else ""
    if not number:
        return ""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def birth_date_from_id(value: str) -> date | None:
    """The birth date in an 18-character number (positions 7-14), or None if there is none.

    Does not check the check character; use ``validate_id_number`` for that.
    """
    number = normalize_id_number(value) if value else ""
    if not _ID_RE.fullmatch(number):
        return None
    return _birth_date(number)


def gender_from_id(value: str) -> str | None:
    """``"male"`` if the 17th digit (end of the 顺序码) is odd, ``"female"`` if even, else None."""
    number = normalize_id_number(value) if value else ""
    if not _ID_RE.fullmatch(number):
        return None
    return "male" if int(number[16]) % 2 else "female"


# --------------------------------------------------------------------------- phones

_MOBILE_RE: Final = re.compile(r"1[3-9][0-9]{9}")
# 3-digit area codes (010 Beijing, 02x) have 8-digit local numbers; 4-digit ones 7 or 8. Local numbers
# never start with 0 or 1 (those are trunk/service prefixes).
_LANDLINE_RE: Final = re.compile(r"0(?:10|2[0-9])[2-9][0-9]{7}|0[3-9][0-9]{2}[2-9][0-9]{6,7}")
_EXTENSION_RE: Final = re.compile(r"(?:转|分机|ext\.?|x)\s*[0-9]*\s*$", re.IGNORECASE)
_SEPARATORS_RE: Final = re.compile(r"[\s\-().]")
_TRAILING_EXT_RE: Final = re.compile(r"-\s*[0-9]{1,6}\s*$")

_MSG_PHONE: Final = "请填写正确的手机号码（11位）或带区号的固定电话号码"


def _is_phone(digits: str) -> bool:
    return bool(_MOBILE_RE.fullmatch(digits) or _LANDLINE_RE.fullmatch(digits))


def _strip_country_code(number: str) -> str:
    """Drop +86 / 0086 (and a bare 86 before a mobile); restore the trunk 0 of a landline."""
    if number.startswith("+86"):
        rest = number[3:]
    elif number.startswith("0086"):
        rest = number[4:]
    elif number.startswith("86") and _MOBILE_RE.fullmatch(number[2:]):
        return number[2:]
    else:
        return number
    if _MOBILE_RE.fullmatch(rest) or rest.startswith("0"):
        return rest
    # International form of a landline omits the trunk prefix: +86 571 87654321 -> 0571 87654321.
    return "0" + rest


def _compact(text: str) -> str:
    return _strip_country_code(_SEPARATORS_RE.sub("", text))


def normalize_phone(raw: str) -> str:
    """Canonical digits of a phone: ``"+86 138-0013-8000"`` -> ``"13800138000"``.

    Converts full-width characters; removes spaces, hyphens, dots and parentheses; drops a leading
    +86 / 0086 (and a bare 86 before a mobile, restoring the 0 of a landline written as +86 571 ...);
    drops a landline extension (``转123``, ``分机123``, ``ext 123``, or a trailing ``-123`` after a
    complete landline whose area code is also hyphenated: ``0571-8765432-1`` -> ``05718765432``).
    An unrecognisable value comes back compacted, for ``validate_phone`` to reject.
    """
    if not isinstance(raw, str):
        return ""
    text = _half_width(raw).strip()
    compact = _compact(text)
    without_ext = _EXTENSION_RE.sub("", text)
    if without_ext != text and _LANDLINE_RE.fullmatch(_compact(without_ext)):
        return _compact(without_ext)
    # "0571-8765432-1": with the area code split off, a last hyphen group is an extension; so is a
    # group that does not fit otherwise ("057187654321-123"). "138-0013-8000" stays one number.
    without_ext = _TRAILING_EXT_RE.sub("", text)
    if (
        without_ext != text
        and _LANDLINE_RE.fullmatch(_compact(without_ext))
        and (text.count("-") >= 2 or not _is_phone(compact))
    ):
        return _compact(without_ext)
    return compact


def validate_phone(raw: str) -> str:
    """Return the normalised phone (see ``normalize_phone``) or raise ``IdentityError("phone_format")``.

    Accepted: a mainland mobile ``1[3-9]xxxxxxxxx`` or a landline with area code (extension dropped).
    Rejected: service numbers (110, 12345, 95xxx...), 400/800 numbers, numbers without area code,
    numbers outside the mainland.
    """
    number = normalize_phone(raw)
    if not _is_phone(number):
        raise IdentityError("phone_format", _MSG_PHONE)
    return number


def _area_code_length(number: str) -> int:
    return 3 if number[1] in "12" else 4


def mask_phone(value: str) -> str:
    """Mask a phone for lists: mobile ``138****5678``; landline ``0571****4321`` (area code, last 4).

    Tolerant: "" (or None) gives ""; anything unrecognised shows only its last 2 characters when it
    has more than 4, otherwise nothing.
    """
    number = normalize_phone(value) if value else ""
    if not number:
        return ""
    if _MOBILE_RE.fullmatch(number):
        return number[:3] + "****" + number[-4:]
    if _LANDLINE_RE.fullmatch(number):
        area = _area_code_length(number)
        return number[:area] + "*" * (len(number) - area - 4) + number[-4:]
    if len(number) <= 4:
        return "*" * len(number)
    return "*" * (len(number) - 2) + number[-2:]


def phone_tail(value: str) -> str:
    """The last 4 digits of the (normalised) phone, as the petitioner types them to track a petition.

    Fewer digits give what there is; "" (or None) gives "".
    """
    number = normalize_phone(value) if value else ""
    digits = "".join(ch for ch in number if ch.isascii() and ch.isdigit())
    return digits[-4:]
