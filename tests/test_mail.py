"""The outbox and its sender, against a real SMTP server in the test process (aiosmtpd)."""

from __future__ import annotations

import os
import threading
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlmodel import select

from netzwerker.cli import cli
from netzwerker.clock import utcnow
from netzwerker.config import parse_config
from netzwerker.domain.mail.models import OutboxMessage
from netzwerker.domain.mail.outbox import MOST_ATTEMPTS, Mail, deliver, enqueue
from netzwerker.structuring import InvalidInput
from netzwerker.testing import MINIMAL_CONFIG


@pytest.fixture
def deployment(make_deployment, mail_toml):
    return make_deployment(toml=MINIMAL_CONFIG + mail_toml, migrate=True)


def _write(deployment, *mails: Mail) -> list[bool]:
    with deployment.transaction() as session:
        return [enqueue(session, mail) for mail in mails]


def _rows(deployment) -> list[OutboxMessage]:
    with deployment.session() as session:
        return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)))


REMINDER = Mail(
    "task:1:reminder:tom@sucht.example",
    "tom@sucht.example",
    "Erinnerung: Erstgespräche anbieten",
    "Die Aufgabe ist in drei Tagen fällig.",
    "<p>Die Aufgabe ist in <strong>drei Tagen</strong> fällig.</p>",
)


def test_a_mail_written_with_a_change_is_sent_once(deployment, relay):
    assert _write(deployment, REMINDER, REMINDER) == [True, False], "one mail per key"
    assert _write(deployment, REMINDER) == [False]
    done = deliver(deployment)
    assert (done.sent, done.deferred, done.failed) == (1, 0, 0)
    (arrived,) = relay.to("tom@sucht.example")
    assert arrived["Subject"] == "Erinnerung: Erstgespräche anbieten"
    assert arrived["From"] == "netzwerk@jobcenter-teststadt.example"
    assert arrived["Reply-To"] == "koordination@jobcenter-teststadt.example"
    parts = {part.get_content_type() for part in arrived.walk()}
    assert {"text/plain", "text/html"} <= parts
    assert deliver(deployment).sent == 0 and len(relay.received) == 1, "never twice"
    assert _rows(deployment)[0].status == "sent"


def test_a_change_rolled_back_writes_no_mail(deployment, relay):
    with pytest.raises(RuntimeError), deployment.transaction() as session:
        enqueue(session, REMINDER)
        raise RuntimeError("the change fails after its mail was written")
    assert _rows(deployment) == []
    deliver(deployment)
    assert relay.received == []


def test_a_relay_that_asks_to_come_back_later_gets_the_mail_once_it_recovers(deployment, relay):
    _write(deployment, REMINDER)
    relay.busy = 1
    first = deliver(deployment)
    assert (first.sent, first.deferred) == (0, 1) and relay.received == []
    (row,) = _rows(deployment)
    assert row.status == "queued" and row.last_error.startswith("451")
    assert deliver(deployment).sent == 0, "not before its pause is over"
    later = deliver(deployment, now=utcnow() + timedelta(minutes=2))
    assert later.sent == 1 and len(relay.to("tom@sucht.example")) == 1


def test_a_permanent_refusal_is_marked_failed_and_not_tried_again(deployment, relay):
    relay.refuse["tom@sucht.example"] = "550 5.1.1 Postfach unbekannt"
    other = Mail("task:1:reminder:eva@klinik.example", "eva@klinik.example", "Erinnerung", "…")
    _write(deployment, REMINDER, other)
    done = deliver(deployment)
    assert (done.sent, done.failed) == (1, 1)
    failed = next(row for row in _rows(deployment) if row.recipient == "tom@sucht.example")
    assert failed.status == "failed" and failed.last_error == "550 5.1.1 Postfach unbekannt"
    assert deliver(deployment, now=utcnow() + timedelta(days=1)).failed == 0


def test_a_relay_out_of_reach_defers_every_mail_and_gives_up_after_many_tries(
    make_deployment, unreachable_mail_toml
):
    deployment = make_deployment(toml=MINIMAL_CONFIG + unreachable_mail_toml, migrate=True)
    _write(deployment, REMINDER)
    moment = utcnow()
    for attempt in range(1, MOST_ATTEMPTS + 1):
        done = deliver(deployment, now=moment)
        (row,) = _rows(deployment)
        assert row.attempts == attempt
        moment = row.next_attempt_at
    assert (done.deferred, done.failed) == (0, 1) and row.status == "failed"
    assert "ConnectionRefusedError" in row.last_error


def test_sent_mails_are_kept_for_the_days_the_deployment_says(deployment, relay):
    _write(deployment, REMINDER)
    deliver(deployment)
    deliver(deployment, now=utcnow() + timedelta(days=89))
    assert len(_rows(deployment)) == 1
    deliver(deployment, now=utcnow() + timedelta(days=91))
    assert _rows(deployment) == []


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgresql"),
    reason="two senders share the outbox through PostgreSQL's row locks",
)
def test_two_senders_at_once_send_each_mail_once(deployment, relay):
    _write(
        deployment,
        *(
            Mail(f"digest:{index}", f"partner{index}@example.org", "Wochenübersicht", "…")
            for index in range(60)
        ),
    )
    start = threading.Barrier(2)
    results = []

    def sender() -> None:
        start.wait()
        results.append(deliver(deployment))

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(result.sent for result in results) == 60
    addresses = [message["To"] for message in relay.received]
    assert len(addresses) == len(set(addresses)) == 60


def test_mail_test_tries_the_relay_and_names_what_is_wrong(deployment, relay):
    runner = CliRunner(env={"DATABASE_URL": deployment.database_url})
    folder = str(deployment.folder)
    answer = runner.invoke(cli, ["mail", "test", folder, "it@jobcenter-teststadt.example"])
    assert answer.exit_code == 0, answer.output
    (arrived,) = relay.to("it@jobcenter-teststadt.example")
    assert "Mail-Einstellungen" in arrived.get_content()
    assert runner.invoke(cli, ["mail", "test", folder, "keine adresse"]).exit_code == 1
    relay.refuse["it@jobcenter-teststadt.example"] = "550 Nein"
    refused = runner.invoke(cli, ["mail", "test", folder, "it@jobcenter-teststadt.example"])
    assert refused.exit_code == 1 and "550" in refused.output

    _write(deployment, REMINDER)
    sent = runner.invoke(cli, ["mail", "send", folder])
    assert sent.exit_code == 0 and "1 sent" in sent.output


@pytest.mark.parametrize(
    ("mail", "path", "words"),
    [
        ({"password": "geheim"}, "mail.password", "never in deployment.toml"),
        ({"host": "relay", "security": "ssl", "sender": "a@b.de"}, "mail.security", "starttls"),
        ({"host": "relay"}, "mail.sender", "required with a host"),
        ({"sender": "kein-absender"}, "mail.sender", "not an e-mail address"),
        ({"port": 0}, "mail.port", "not a port"),
        ({"user": "u", "password_env": "A", "password_file": "b"}, "mail.password_file", "one"),
        ({"password_env": "A"}, "mail.user", "required with a password"),
    ],
)
def test_bad_mail_settings_are_named(mail, path, words):
    with pytest.raises(InvalidInput) as refused:
        parse_config({"deployment": {"name": "Jobcenter Teststadt"}, "mail": mail})
    assert any(p.path == path and words in p.message for p in refused.value.problems), (
        refused.value.problems
    )


def test_the_password_comes_from_the_environment_or_a_file(tmp_path, monkeypatch):
    config = parse_config(
        {"deployment": {"name": "x"}, "mail": {"user": "u", "password_env": "NZ_MAIL"}}
    ).mail
    with pytest.raises(InvalidInput) as missing:
        config.password(tmp_path)
    assert missing.value.problems[0].path == "mail.password_env"
    monkeypatch.setenv("NZ_MAIL", "aus-der-umgebung")
    assert config.password(tmp_path) == "aus-der-umgebung"
    (tmp_path / "mail-password").write_text("aus-der-datei\n", encoding="utf-8")
    from_file = parse_config(
        {"deployment": {"name": "x"}, "mail": {"user": "u", "password_file": "mail-password"}}
    ).mail
    assert from_file.password(tmp_path) == "aus-der-datei"
