"""Outgoing mail: a transactional outbox (`outbox`), its SMTP sender (`sender`) and `flask mail …`."""

from .outbox import (  # noqa: F401
    KIND_MAX, NAME_MAX, SUBJECT_MAX, MailError, build_message, clean_body, clean_header_text,
    enqueue, normalize_address,
)
from .sender import (  # noqa: F401
    BACKOFF_FIRST, BACKOFF_MAX, LEASE, DeliveryResult, OutboxSummary, backoff, connect,
    deliver_pending, outbox_summary,
)
