"""A development SMTP server that shows each mail as its reader would see it.

`flask mail catch` listens on 127.0.0.1 (port 1025, where the app sends by default) and,
for every message, prints the headers that matter and the decoded text body, and keeps
it as a text file (readable by its owner only: test mail holds personal data too).
Not for production: nothing is forwarded.
"""

from __future__ import annotations

import os
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from ..models._types import utcnow

SHOWN_HEADERS = ("From", "To", "Subject", "Date", "Message-ID", "List-Unsubscribe")


def readable(message: EmailMessage) -> str:
    """Headers decoded (Japanese subjects and names as text) and the plain-text body."""
    lines = [f"{name}: {message[name]}" for name in SHOWN_HEADERS if message[name] is not None]
    part = message.get_body(preferencelist=("plain",))
    body = part.get_content() if part is not None else "(本文なし)"
    return "\n".join(lines) + "\n\n" + body.rstrip() + "\n"


class ReadableHandler:
    """aiosmtpd handler: decode, print, keep as a file."""

    def __init__(self, folder: Path, echo=print):
        self.folder, self.echo = Path(folder), echo
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.count, self.lock = 0, threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        text = readable(message)
        with self.lock:
            self.count += 1
            name = f"{utcnow():%Y%m%d-%H%M%S}-{self.count:04d}.txt"
        path = self.folder / name
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        self.echo(f"―――― {path}\n{text}")
        return "250 Message accepted"


def start(folder: Path, port: int = 1025, echo=print):
    """Start listening on 127.0.0.1:port; returns the aiosmtpd controller (call .stop())."""
    from aiosmtpd.controller import Controller

    controller = Controller(ReadableHandler(folder, echo), hostname="127.0.0.1", port=port)
    controller.start()
    return controller
