"""Templates flagged for review when a newly published report changes the facts they use.

`subscribe` connects `flag_after_publish` to hotline.notices.report_published; the
application factory calls it, so every path that publishes a report flags templates.
"""

from sqlalchemy import or_, select

from .. import audit, notices
from ..faq import blocks
from ..extensions import db
from ..models import AnswerTemplate, Report, TemplateStatus
from . import placeholders
from . import search as answer_search
from .faq_publish import publish_template_text, schedule_faq_index
from .templates import AnswerError


def subscribe() -> None:
    """Flag templates whenever a report is published or a shared text block they use changes
    (connecting twice is harmless)."""
    notices.report_published.connect(_on_report_published)
    blocks.block_changed.connect(_on_block_changed)


def _on_block_changed(block, templates=()) -> None:
    """Receiver of hotline.faq.blocks.block_changed: flag every shared template using the block."""
    reason = (f"共通文面「{block.name}」が第{block.version}版に変わりました。"
              "この回答の文面全体が新しい内容と合っているか確認し、再承認してください。")
    for template in templates:
        if template.status not in answer_search.USABLE:
            continue
        mark_for_review(template, reason)


def _on_report_published(report: Report) -> None:
    """Receiver of hotline.notices.report_published."""
    flag_after_publish(report)


def flag_changed(previous_report: Report | None, new_report: Report) -> list[AnswerTemplate]:
    """Mark shared templates whose placeholders draw on facts the new report changed.

    Runs as the last step of a publication (nothing changes the report after the signal).
    It flushes only to record the refreshed facts of a template's FAQ entry: the database
    accepts an entry's new text only as the values of an approved change already written.
    """
    with db.session.no_autoflush:
        changed = changed_fields(previous_report, new_report)
        if not changed:
            return []
        rows = db.session.scalars(select(AnswerTemplate).where(
            AnswerTemplate.status.in_(answer_search.USABLE),
            or_(AnswerTemplate.incident_id.is_(None), AnswerTemplate.incident_id == new_report.incident_id),
        ).order_by(AnswerTemplate.id)).all()
        return [t for t in rows if _flag(t, new_report, placeholders.fields_used(t.body) & changed)]


def _flag(template: AnswerTemplate, report: Report, fields: set[str]) -> bool:
    """Mark one template for review because `fields` changed; False when none of them did."""
    if not fields:
        return False
    faq_problem = _refresh_faq_facts(template, report)
    mark_for_review(template, _review_reason(template, report, describe_fields(fields), faq_problem))
    return True


def mark_for_review(template: AnswerTemplate, reason: str) -> None:
    """Flag a template with a reason (added to the reasons already waiting, never twice)."""
    if template.status is TemplateStatus.NEEDS_REVIEW and template.review_reason:
        if reason not in template.review_reason:
            template.review_reason += "\n" + reason
    else:
        template.review_reason = reason
    template.status = TemplateStatus.NEEDS_REVIEW
    audit.record("flag", "answer_template", template.id, detail=reason[:200])


def _refresh_faq_facts(template: AnswerTemplate, report: Report) -> str:
    """Keep the public FAQ entry made from a template on the facts of the newest report.

    The approved wording stays; only the placeholders are filled again (with their
    caveats), so the public page never shows superseded counts or categories while
    the template waits for review. Returns why it could not ('' when it did, or when
    the template has no FAQ entry); the review reason then says so.
    """
    entry = template.faq_entry
    if entry is None:
        return ""
    try:
        answer = placeholders.render(template.body, report, report.incident)
        publish_template_text(template, entry, {"answer": answer}, None,
                              f"{placeholders.report_label(report)}の公表に合わせて事実を差し替え")
    except (placeholders.PlaceholderError, AnswerError) as error:
        audit.record("refresh_faq_failed", "answer_template", template.id, detail=f"faq:{entry.key}")
        return str(error)
    audit.record("refresh_faq", "answer_template", template.id, detail=f"faq:{entry.key}")
    schedule_faq_index(entry)
    return ""


def _review_reason(template: AnswerTemplate, report: Report, labels: list[str], faq_problem: str = "") -> str:
    """Japanese reason: which report changed what, whether the FAQ entry followed, and what to do."""
    text = (f"{placeholders.report_label(report)}の公表で、この回答が使う事実が変わりました："
            f"{'、'.join(labels)}。回答文が新しい内容に合っているか確認し、再承認してください。")
    if template.faq_entry_id and faq_problem:
        text += (f"FAQに掲載している回答の事実は、自動で差し替えられませんでした（{faq_problem}）。"
                 "FAQの回答が古い事実のままです。すぐに確認し、必要ならFAQから取り下げてください。")
    elif template.faq_entry_id:
        text += "FAQに掲載している回答の事実は、新しい報の内容に自動で差し替えました。回答文全体も合っているか確認してください。"
    return text


def flag_after_publish(report: Report) -> list[AnswerTemplate]:
    """Hook for notices.approve_and_publish: compare with the report published before it."""
    earlier = notices.earlier_published(report)
    return flag_changed(earlier[-1] if earlier else None, report)


def _field_value(report: Report, field: str):
    """A comparable value of one report field (the groups' numbers or items as tuples)."""
    if field == "counts":
        return tuple((g.name, g.affected, g.unit, g.count_min, g.count_max, g.count_approx, g.count_certainty,
                      g.cleared, g.final_scope) for g in report.groups)
    if field == "items":
        return tuple(sorted((g.name, i.label, i.status.value, i.note or "") for g in report.groups for i in g.items))
    return getattr(report, field)


def changed_fields(previous: Report | None, new: Report) -> set[str]:
    """Fields placeholders draw on whose value differs between two reports (all of them after none)."""
    if previous is None:
        return set(placeholders.FIELD_LABELS)
    return {field for field in placeholders.FIELD_LABELS if _field_value(previous, field) != _field_value(new, field)}


def describe_fields(fields: set[str]) -> list[str]:
    """Japanese names of fields, without repeats, in a stable order."""
    return list(dict.fromkeys(label for field, label in placeholders.FIELD_LABELS.items() if field in fields))
