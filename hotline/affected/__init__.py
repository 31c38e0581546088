"""The people affected: the affected list, 名寄せ, lookups and the two public checks.

`files` reads CSV (UTF-8, Shift_JIS, EUC-JP: `encodings` tells which) and XLSX,
`rows` maps columns to fields and checks every cell, `matching` holds the 名寄せ rules,
`importing` imports a file all or nothing,
`people` says what the latest report states about a person's groups and finds people
for agents (audited), `checks` answers /verify and /affected, `upkeep` rotates the data
keys, purges past retention and applies supervisors' merge decisions, `cli` is
`flask affected …`. Contact fields are sealed (hotline.models._sealed).
"""

from .checks import MODES, InScope, Verified, mode, self_check, verify_notice  # noqa: F401
from .importing import ImportRefused, ImportResult, import_list, known_groups  # noqa: F401
from .people import (  # noqa: F401
    LOOKUP_KINDS, GroupFacts, channel_counts, facts_for, find, history, items_sentence, listed_groups, open_candidates,
    open_person, phone_display,
)
from .rows import FIELDS  # noqa: F401
from .upkeep import MergeError, decide, purge, rotate_keys  # noqa: F401
