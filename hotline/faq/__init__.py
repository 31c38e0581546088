"""The FAQ (よくあるご質問): entries, votes, search statistics, and their public search.

`entries` holds the entries and their Markdown files (`faq/*.md`), `markdown` renders
answers to sanitized HTML, `search` is the FAQ's index, `blocks` the shared text blocks ({文面:…}), `changes` holds back-office edits until a second supervisor
approves them, `imports` brings FAQ files in as such changes, `cli` is `flask faq …`.
"""

from .entries import (  # noqa: F401
    FRONT_MATTER, MAX_ANSWER, MAX_QUESTION, FaqFileError, FaqSpec, clean_line, entries_by_category,
    parse_faq_file, published_entries, read_faq_dir, record_open, record_search,
    record_search_inquiry, record_vote, save_entry, search_document, set_aside, unanswered_queries,
)
from .search import withdraw_entry  # noqa: F401,E402
from .imports import FileImport, import_specs  # noqa: F401,E402
from .changes import (  # noqa: F401,E402
    FaqChangeError, add_phrasing, approve_change, change_diff, change_hash, pending_changes, pending_for,
    publish_approved, reject_change, request_change, values_of,
)
