"""Callbacks (折り返し) for when the line is saturated.

`slots` offers the bookable time slots (hours in Japan, length, capacity), `booking` books
one from the public page and writes the confirmation, `calls` is the agents' side: what is
due, the audited opening, and each attempt's outcome (a call that gets through becomes a
phone inquiry; one that does not is retried, then closed with a note).
"""

from .booking import CallbackError, book, confirmation_text, phone_key  # noqa: F401
from .calls import OUTCOMES, due, listing, open_for, record_outcome  # noqa: F401
from .slots import Slot, open_slots, parse_slot, slot_label  # noqa: F401
