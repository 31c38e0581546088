"""Answer templates (想定Q&A): the one set of answers agents and the FAQ give.

`templates` holds the life of a template (proposal, edit, retirement, use), `approval`
puts a waiting version in use (never by its writer) and brings back earlier ones,
`placeholders` the facts a body may draw on ({件数}, {漏えい項目} …), `filling` fills a
body from the latest published report and suggests templates for a question,
`review` flags templates when a new report changes their facts, `faq_publish` turns a
template into a public FAQ entry, `search` is the template index, `files` and `cli`
load templates from Markdown files (`flask answers …`).
"""

from .approval import approve, revert  # noqa: F401
from .faq_publish import publish_as_faq, schedule_faq_index  # noqa: F401
from .filling import Preview, Suggestion, answer_context, fill, preview, suggest, suggest_all  # noqa: F401
from .review import flag_after_publish, flag_changed, subscribe  # noqa: F401
from .templates import (  # noqa: F401
    CONTENT_FIELDS, FAQ_KEY_PREFIX, KEY_PATTERN, LIMITS, AnswerError, can_edit,
    clean_values, create, new_key, propose, record_use, require_role, retire,
    save_template,
)
