"""What a report's page says, as plain values: the same for readers and for the approver.

The public report page and the approval page render these values with one template
(templates/notices/_article.html), so the person who approves a report sees what readers
will see, the changes since the previous report included.
"""

from ..models import Report
from . import phrasing, report_view
from .changes import changes_between, section_marks
from .workflow import earlier_published, report_label


def article(report: Report) -> dict:
    """The body of the report page: correction, caveat, requests, changes, the numbered items."""
    earlier = earlier_published(report)
    previous = earlier[-1] if earlier else None
    changes = changes_between(previous, report) if previous else []
    return {
        "report": report,
        "label": report_label(report),
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
        "marks": section_marks(changes),
    }
