"""Subscribers: people told by email of every new report of an incident (double opt-in).

`subscriptions` starts, confirms and stops a subscription (the confirmation mail, tokens
stored only as hashes); `broadcast` turns each published report into mail for every
confirmed subscriber, queued by the mail sender in batches and delivered at a set pace,
so publishing costs one row however many people subscribed.
"""

from .broadcast import figures, pump, queue_report, subscribe_to_reports  # noqa: F401
from .subscriptions import (  # noqa: F401
    CONFIRM_HOURS, SubscriptionError, confirm, find_by_confirm_token, find_by_stop_token, stop, stop_link, subscribe,
)
