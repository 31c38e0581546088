"""Answering an inquiry from a shared template: fill, record, mail, count, propose.

Brings together the queue (`handling`), the templates (hotline.answers) and the
message (`mail_texts`), so views stay thin and tests can call one function.
"""

from flask import current_app

from .. import answers
from ..affected import notice_text
from ..extensions import db
from ..models import AnswerTemplate, Inquiry, User
from ..models._types import as_id
from . import handling
from . import mail_texts as inquiry_mail


def template_for(template_id) -> AnswerTemplate | None:
    """A usable template by id, or None."""
    key = as_id(template_id)
    if key is None:
        return None
    template = db.session.get(AnswerTemplate, key)
    return template if template is not None and template.status.usable else None


def suggested_text(template: AnswerTemplate, inquiry: Inquiry) -> tuple[str, str]:
    """(filled answer, error message) for a template applied to this inquiry's incident.

    An inquiry that gives a notice number on the affected list gets {対象の情報} for that
    person's groups.
    """
    told = notice_text.items_for_number(inquiry.incident, inquiry.notice_number)
    try:
        return answers.fill(template, inquiry.incident, current_app.config["PUBLIC_URL"],
                            {"対象の情報": told} if told else None), ""
    except answers.AnswerError as error:
        return "", str(error)


def answer(inquiry: Inquiry, agent: User, text: str, channel: str, template: AnswerTemplate | None) -> None:
    """Record the answer with its template and version, send it by mail when chosen, count the use."""
    suggested = suggested_text(template, inquiry)[0] if template else ""
    choice = handling.AnswerChoice(text, channel, template.id if template else None,
                                    template.version if template else None, suggested)
    handling.record_answer(inquiry, agent, choice)
    if template is not None:
        answers.record_use(template, agent)
    if channel == "email":
        inquiry_mail.queue_answer(inquiry)


def propose(inquiry: Inquiry, agent: User, title: str, question: str, text: str) -> AnswerTemplate:
    """Turn an answer written without a template into a proposal for supervisors.

    The customer's own message is never copied into the proposal: templates become
    public FAQ entries, and the message may hold personal details.
    """
    return answers.propose(agent, title, question or title, text, inquiry.category, "", inquiry.incident)
