"""Inquiries: one window for every question, from the web form or a logged phone call.

`intake` receives inquiries (receipt numbers, urgency, status lookups, retention),
`handling` is the shared queue agents work from (claiming, answering, the audited opening),
`answering` answers from a shared template, `mail_texts` writes the customer's mail,
`stats` and `export` serve supervisors, `cli` is `flask inquiries …`.
"""

from .handling import (  # noqa: F401
    QUEUE_VIEWS, URGENT_MARKS, URGENT_UNMARKS, AnswerChoice, age_label, claim, open_for, queue, queue_counts,
    record_answer, release, reply_options, resume, set_urgent, set_waiting,
)
from .intake import (  # noqa: F401
    RECEIPT_ALPHABET, RECEIPT_GROUPS, URGENT_CATEGORIES, InquiryError, by_submission,
    current_incident, current_incident_id, lookup, lookup_by_token, new_receipt, normalize_phone, normalize_receipt,
    purge_expired, receive, token_hash, urgency,
)
