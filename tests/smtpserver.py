"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, stoppable and restartable."""

import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    """Ask the kernel for an unused loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    """One message as the server got it: envelope and parsed content."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    message: EmailMessage


@dataclass
class _Handler:
    """aiosmtpd handler that stores messages and can refuse recipients."""

    received: list[Received] = field(default_factory=list)
    refuse_rcpt: str | None = None  # e.g. "550 5.1.1 no such user"
    unknown_users: set[str] = field(default_factory=set)  # addresses refused with 550 5.1.1
    arrived: threading.Condition = field(default_factory=threading.Condition)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_rcpt:
            return self.refuse_rcpt
        if address.lower() in self.unknown_users:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        parsed = message_from_bytes(raw, policy=policy.default)
        with self.arrived:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), raw, parsed))
            self.arrived.notify_all()
        return "250 Message accepted"


class SmtpServer:
    """Start, stop and start again on the same port; messages survive restarts."""

    def __init__(self):
        self.port = free_port()
        self.handler = _Handler()
        self._controller: Controller | None = None

    @property
    def received(self) -> list[Received]:
        """Everything received so far."""
        return self.handler.received

    def start(self) -> None:
        """Listen on 127.0.0.1:port."""
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        """Stop listening; connections are then refused."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, count: int, timeout: float = 10.0) -> bool:
        """Wait until at least `count` messages have arrived."""
        with self.handler.arrived:
            return self.handler.arrived.wait_for(lambda: len(self.received) >= count, timeout)
