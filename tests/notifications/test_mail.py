"""Daily digests through a real SMTP server (aiosmtpd, started by the tests); SMTP settings
checked at start-up."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from alliance import create_app
from alliance.core.dates import LOCAL_TZ
from alliance.extensions import db
from alliance.notifications import services
from alliance.notifications.mail import MailConfigError
from alliance.notifications.models import Digest, Notification
from tests.lists import make_need, seed

NOW = datetime(2021, 5, 1, 8, 0, tzinfo=LOCAL_TZ)


def _setup(world):
    seed(world.alliance.id)
    make_need(world.liaison_a, world.unit_a, title="加装电梯意见征询", wanted_by=date(2021, 4, 30))
    make_need(world.liaison_a, world.unit_a, title="暑期托管志愿者", wanted_by=date(2021, 4, 20))
    services.save_preferences(world.staff.id, "staff@alliance.test", services.rules())
    db.session.commit()
    services.create_reminders(NOW)
    db.session.commit()


def test_one_digest_a_day_in_chinese_with_links_and_unsubscribe(world, mail_app, smtp_server, client):
    _setup(world)
    assert services.send_digests(NOW) == {"sent": 1, "skipped": 0, "failed": 0}
    assert services.send_digests(NOW + timedelta(hours=1)) == {"sent": 0, "skipped": 0, "failed": 0}
    [(recipients, message)] = smtp_server.messages
    assert recipients == ["staff@alliance.test"]
    assert message["Subject"] == "联盟通提醒：2 条待办（5月1日）"
    text = message.get_content()
    assert "需求已过期望日期：加装电梯意见征询" in text and "需求已过期望日期：暑期托管志愿者" in text
    assert re.search(r"查看：http://alliance\.test/needs/\d+", text)
    assert all(n.emailed_at is not None for n in db.session.scalars(select(Notification)))
    # The unsubscribe link works without signing in and leaves that kind out of later digests.
    link = re.search(r"需求逾期提醒：http://alliance\.test(/notifications/unsubscribe/\S+)", text).group(1)
    assert "确认退订" in client.get(link).get_data(as_text=True)
    page = client.post(link).get_data(as_text=True)
    assert "已退订“需求逾期提醒”类提醒邮件" in page
    assert services.preference_of(world.staff.id).muted == {"need_overdue"}
    assert client.get(link[:-3] + "xyz").status_code == 404  # an altered token


def test_a_second_run_the_same_day_sends_nothing_even_with_new_reminders(world, mail_app, smtp_server):
    _setup(world)
    services.send_digests(NOW)
    make_need(world.liaison_a, world.unit_a, title="第三个需求", wanted_by=date(2021, 4, 25))
    services.create_reminders(NOW + timedelta(hours=2))
    db.session.commit()
    assert services.send_digests(NOW + timedelta(hours=3))["sent"] == 0  # once per person per day
    assert services.send_digests(NOW + timedelta(days=1))["sent"] == 1  # the next day's has it
    assert len(smtp_server.messages) == 2
    assert "第三个需求" in smtp_server.messages[1][1].get_content()
    assert db.session.scalar(select(Digest.reminder_count).where(Digest.day == date(2021, 5, 2))) == 1


def test_an_unreachable_server_is_kept_on_the_digest_row(world, app):
    _setup(world)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT="1", MAIL_DEFAULT_SENDER="noreply@alliance.test")
    assert services.send_digests(NOW)["failed"] == 1
    assert "Error" in db.session.scalar(select(Digest.error))
    assert all(n.emailed_at is None for n in db.session.scalars(select(Notification)))


def test_no_mail_server_no_mail(world, app):
    _setup(world)
    assert services.send_digests(NOW) == {"sent": 0, "skipped": 0, "failed": 0}


@pytest.mark.parametrize(("settings", "message"), [
    ({"MAIL_PORT": "twenty-five"}, "MAIL_PORT 应为 1 至 65535 的整数"),
    ({"MAIL_PORT": "70000"}, "MAIL_PORT 应为 1 至 65535 的整数"),
    ({"MAIL_USE_TLS": "true", "MAIL_USE_SSL": "1"}, "MAIL_USE_TLS 与 MAIL_USE_SSL 不能同时开启"),
    ({"MAIL_USE_TLS": "maybe"}, "MAIL_USE_TLS 应为 true 或 false"),
    ({"MAIL_DEFAULT_SENDER": "nobody"}, "MAIL_DEFAULT_SENDER 应为发件地址"),
    ({"MAIL_USERNAME": "u"}, "MAIL_USERNAME 与 MAIL_PASSWORD 须同时设置"),
])
def test_a_malformed_smtp_setting_fails_at_start_up(settings, message):
    with pytest.raises(MailConfigError, match=message):
        create_app("testing", {"MAIL_SERVER": "smtp.example.org", **settings})


def test_well_formed_settings_start(database_url):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "MAIL_SERVER": "smtp.example.org",
                                 "MAIL_PORT": "465", "MAIL_USE_SSL": "true"})
    assert app.config["MAIL_SERVER"] == "smtp.example.org"
