"""SMTP settings, checked when the app starts (a typo in MAIL_PORT fails ``create_app``, not the
first digest), and sending with the standard library (smtplib, email)."""
from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


class MailConfigError(RuntimeError):
    """A malformed MAIL_* setting: raised by create_app."""


@dataclass(frozen=True)
class MailSettings:
    server: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool  # STARTTLS after connecting
    use_ssl: bool  # TLS from the first byte (SMTPS, usually port 465)
    sender: str
    timeout: float


def _flag(config: Mapping[str, Any], name: str) -> bool:
    value = config.get(name)
    if isinstance(value, bool) or value is None:
        return bool(value)
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise MailConfigError(f"{name} 应为 true 或 false，而不是 {value!r}")


def mail_settings(config: Mapping[str, Any]) -> MailSettings | None:
    """The SMTP settings of ``config``, or None when MAIL_SERVER is not set (no e-mail).
    Raises MailConfigError naming the setting that is wrong."""
    server = (config.get("MAIL_SERVER") or "").strip()
    if not server:
        return None
    use_tls, use_ssl = _flag(config, "MAIL_USE_TLS"), _flag(config, "MAIL_USE_SSL")
    if use_tls and use_ssl:
        raise MailConfigError("MAIL_USE_TLS 与 MAIL_USE_SSL 不能同时开启（STARTTLS 或 SMTPS 二选一）")
    raw_port = config.get("MAIL_PORT")
    if raw_port in (None, ""):
        port = 465 if use_ssl else (587 if use_tls else 25)
    else:
        try:
            port = int(str(raw_port).strip())
        except ValueError:
            raise MailConfigError(f"MAIL_PORT 应为 1 至 65535 的整数，而不是 {raw_port!r}") from None
        if not 1 <= port <= 65535:
            raise MailConfigError(f"MAIL_PORT 应为 1 至 65535 的整数，而不是 {raw_port!r}")
    sender = (config.get("MAIL_DEFAULT_SENDER") or "").strip()
    if not sender or "@" not in parseaddr(sender)[1]:
        raise MailConfigError(f"MAIL_DEFAULT_SENDER 应为发件地址（如 联盟通 <noreply@example.org>），而不是 {sender!r}")
    username = config.get("MAIL_USERNAME") or None
    password = config.get("MAIL_PASSWORD") or None
    if (username is None) != (password is None):
        raise MailConfigError("MAIL_USERNAME 与 MAIL_PASSWORD 须同时设置或同时留空")
    try:
        timeout = float(config.get("MAIL_TIMEOUT") or 30)
    except ValueError:
        raise MailConfigError(f"MAIL_TIMEOUT 应为秒数，而不是 {config.get('MAIL_TIMEOUT')!r}") from None
    return MailSettings(server, port, username, password, use_tls, use_ssl, sender, timeout)


def build_message(settings: MailSettings, to: str, subject: str, text: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = Address(addr_spec=to)
    message["Subject"] = subject
    message.set_content(text, charset="utf-8")
    return message


def connect(settings: MailSettings) -> smtplib.SMTP:
    """An SMTP connection, secured and logged in as configured; the caller closes it (``with``)."""
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if settings.use_ssl:
        smtp = smtplib.SMTP_SSL(settings.server, settings.port, timeout=settings.timeout, context=context)
    else:
        smtp = smtplib.SMTP(settings.server, settings.port, timeout=settings.timeout)
    if settings.use_tls:
        smtp.starttls(context=context)
    if settings.username and settings.password:
        smtp.login(settings.username, settings.password)
    return smtp
