"""Shared helpers of the core tests; the fixtures themselves live in netzwerker.testing."""

from __future__ import annotations

import shutil
import socket
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "deployments" / "example"


@pytest.fixture
def example() -> Path:
    """The example deployment shipped in the repository (read it, never write to it)."""
    return EXAMPLE


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    """A copy of the example deployment, without any database it may hold."""
    target = tmp_path / "example"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("*.db*"))
    return target


class Relay:
    """An SMTP server that keeps what it receives, and refuses as a test tells it to."""

    def __init__(self) -> None:
        self.received: list[Message] = []
        #: An address and the answer it gets instead of "250 OK".
        self.refuse: dict[str, str] = {}
        #: How many recipients are told to come back later before the relay takes them.
        self.busy = 0

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address in self.refuse:
            return self.refuse[address]
        if self.busy:
            self.busy -= 1
            return "451 4.3.0 Bitte später erneut versuchen"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [message for message in self.received if message["To"] == address]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def relay():
    handler = Relay()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    handler.port = controller.port  # type: ignore[attr-defined]
    yield handler
    controller.stop()


def mail_section(port: int) -> str:
    return f"""
[mail]
host = "127.0.0.1"
port = {port}
security = "none"
sender = "netzwerk@jobcenter-teststadt.example"
reply_to = "koordination@jobcenter-teststadt.example"
"""


@pytest.fixture
def mail_toml(relay) -> str:
    """A ``[mail]`` section that sends to the test's relay."""
    return mail_section(relay.port)


@pytest.fixture
def unreachable_mail_toml() -> str:
    """A ``[mail]`` section whose relay does not answer."""
    return mail_section(_free_port())
