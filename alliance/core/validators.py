"""One place per rule: the forms, the API and imports all call these.

Each validator returns the cleaned value or raises ``ValueError`` with a Chinese message.
"""
from __future__ import annotations

import functools
import re
import unicodedata

from stdnum.cn import uscc as _uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128

# Passwords popular with Chinese users that English frequency lists miss.
_COMMON_CHINESE_PASSWORDS = frozenset(
    ["woaini1314", "woaini520", "woaini123", "5201314", "52013145201314", "1314520", "iloveyou1314",
     "aini1314", "qq123456", "qq5201314", "a123456789", "abc123456", "a12345678", "123456789a", "1qaz2wsx",
     "1q2w3e4r", "1q2w3e4r5t", "88888888", "66666666", "11111111", "00000000", "12345678", "123456789",
     "1234567890", "987654321", "147258369", "zhang123", "wang1234", "li123456", "password1", "admin123",
     "admin888", "admin@123", "zxcvbnm123", "qwe123456", "meilong123", "dangjian123", "dangjian2021",
     "passw0rd", "p@ssw0rd"]
)


def validate_uscc(value: str) -> str:
    """Check a 统一社会信用代码 (GB 32100-2015) including its mod-31 check character."""
    try:
        return _uscc.validate(value)
    except InvalidLength:
        raise ValueError("统一社会信用代码应为18位") from None
    except InvalidChecksum:
        raise ValueError("统一社会信用代码校验位不正确，请核对") from None
    except (InvalidFormat, ValidationError):
        raise ValueError("统一社会信用代码格式不正确（应为18位数字或大写字母，不含 I、O、Z、S、V）") from None


def validate_mobile(value: str) -> str:
    """A mainland mobile number: 11 digits starting 13-19. Spaces and dashes are tolerated."""
    cleaned = re.sub(r"[\s-]", "", value)
    if cleaned.startswith("+86"):
        cleaned = cleaned[3:]
    if not MOBILE_RE.match(cleaned):
        raise ValueError("手机号码应为11位数字，以13至19开头")
    return cleaned


@functools.cache
def _common_passwords() -> frozenset[str]:
    """zxcvbn's 30,000 most used passwords plus Chinese favourites; loaded on first use."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"]) | _COMMON_CHINESE_PASSWORDS


def _is_common_password(password: str) -> bool:
    lowered = password.lower()
    return len(set(lowered)) <= 2 or lowered in _common_passwords()  # aaaaaaaa, abababab


def validate_password(password: str, *, username: str | None = None) -> str:
    """At least 8 characters, not a well-known password, not the username."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"密码至少需要{MIN_PASSWORD_LENGTH}个字符")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValueError(f"密码不能超过{MAX_PASSWORD_LENGTH}个字符")
    if username and username.lower() in password.lower():
        raise ValueError("密码不能包含用户名")
    if _is_common_password(password):
        raise ValueError("该密码过于常见，容易被猜中，请换一个")
    return password


# Characters a person cannot see or type on purpose: C0/C1 controls except tab and newlines.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


# Chinese text is written with full-width punctuation (，：；（）！？～); NFKC would turn it into
# ASCII (“季度例会（示例）” into “季度例会(示例)”). It is kept as typed; full-width letters and
# digits (Ａ１) still become ASCII.
_FULLWIDTH_PUNCTUATION = re.compile("([\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]+)")


def normalize_text(value: str) -> str:
    """NFKC (but for Chinese full-width punctuation), without format characters (zero-width
    spaces and joiners, bidi overrides: Unicode category Cf), so that two names that look the
    same are the same. Controls are kept, for ``clean_text`` to refuse."""
    if value.isascii():
        return value
    value = "".join(part if i % 2 else unicodedata.normalize("NFKC", part)
                    for i, part in enumerate(_FULLWIDTH_PUNCTUATION.split(value)))
    return "".join(ch for ch in value if unicodedata.category(ch) != "Cf")


def has_control_characters(value: str) -> bool:
    return bool(_CONTROL_RE.search(value))


def clean_text(value: str | None, *, max_length: int, required: bool = False,
               label: str = "此项") -> str | None:
    """Normalise (``normalize_text``) and strip a text value; empty becomes None; refuse NUL and
    other control characters; enforce a maximum length in characters."""
    if value is None:
        cleaned = ""
    elif isinstance(value, str):
        cleaned = normalize_text(value).strip()
    else:
        raise ValueError(f"{label}应为文本")
    if not cleaned:
        if required:
            raise ValueError(f"{label}不能为空")
        return None
    if len(cleaned) > max_length:
        raise ValueError(f"{label}不能超过{max_length}个字（现有{len(cleaned)}个）")
    if has_control_characters(cleaned):
        raise ValueError(f"{label}含有不允许的字符（控制字符）")
    try:
        cleaned.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        raise ValueError(f"{label}含有无效字符") from None
    return cleaned


def mask_mobile(value: str | None) -> str | None:
    """138****8000: what exports and the audit trail show of a mobile number."""
    if not value:
        return value
    if len(value) >= 7:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    return "*" * len(value)


def mask_value(value):
    """Mask any personal value for the audit trail: keep just enough to recognise it."""
    if value is None or value == "":
        return value
    text = str(value)
    if MOBILE_RE.match(text):
        return mask_mobile(text)
    if "@" in text:
        local, _, domain = text.partition("@")
        return (local[:1] + "***@" + domain) if local else "***@" + domain
    if len(text) <= 2:
        return "*" * len(text)
    return text[0] + "*" * (len(text) - 2) + text[-1]
