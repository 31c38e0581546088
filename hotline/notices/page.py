"""What a report's page says, as plain values: the same for readers and for the approver.

The public report page and the approval page render these values with one template
(templates/notices/_article.html), so the person who approves a report sees what readers
will see, the changes since the previous report included.
"""

from ..models import Report
from . import phrasing, report_view
from .changes import changes_between, count_summary, section_marks
from .consistency import CORRECTED, check_report, corrected_sections
from .workflow import earlier_published, published_reports, report_label


def article(report: Report) -> dict:
    """The body of the report page: correction, caveat, requests, changes, the numbered items."""
    earlier = earlier_published(report)
    previous = earlier[-1] if earlier else None
    changes = changes_between(previous, report) if previous else []
    label = report_label(report)
    title = report.title or report.incident.title
    return {
        "report": report,
        "label": label,
        "title": title,
        "show_label": label not in title,  # 【第二報】… already says it
        "key_points": key_points(report),
        "corrected_by": corrected_by(report),
        "signatory": report_view.paragraphs(report.signatory),
        "signed_on": report_view.jst_date(report.published_at),
        "sections": report_view.report_sections(report),
        "correction": report_view.paragraphs(report.correction),
        "customer_actions": report_view.paragraphs(report.customer_actions),
        "provisional": phrasing.has_provisional_facts(report),
        "provisional_items": phrasing.provisional_items(report),
        "tel": report_view.tel_uri(report.contact_phone),
        "previous": previous,
        "previous_label": report_label(previous) if previous else "",
        "changes": [c for c in changes if not c.is_text],
        "updated": [c for c in changes if c.is_text],
        "marks": section_marks(changes, corrected_sections(report, earlier) if previous else set()),
    }


def key_points(report: Report) -> dict:
    """The box readers see first: what happened, who is concerned, what to do, whom to call."""
    scope = [f"{g.name}：{count_summary(g)}" for g in report.affected_groups]
    return {
        "what": report_view.first_sentence(report.situation),
        "who": scope or ["現在調査しております。"],
        "actions": report_view.paragraphs(report.customer_actions),
        "phone": report.contact_phone,
        "tel": report_view.tel_uri(report.contact_phone),
        "hours": report.contact_hours,
        "form_url": report.contact_form_url,
    }


def corrected_by(report: Report) -> list[dict]:
    """Later published reports whose 訂正 corrects what this one said: the note on an earlier page.

    A later report corrects this one when, checked against the reports up to this one, its
    訂正 covers a change of what they said (a corrected finding)."""
    if not report.is_published:
        return []
    published = published_reports(report.incident)
    upto = [r for r in published if r.number <= report.number]
    return [{"report": later, "label": report_label(later)} for later in published
            if later.number > report.number and later.correction.strip()
            and any(f.severity == CORRECTED for f in check_report(later, upto))]
