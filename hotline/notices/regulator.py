"""What the regulator (個人情報保護委員会) expects, by when, and what was filed.

速報 is due about 3–5 days after the company became aware, 確報 within 30 days (60 for
malicious cases); 追完 adds what came later. Whether the law requires a report at all
(規則7条: 要配慮個人情報, 財産的被害のおそれ, 不正の目的, more than 1,000 people) is
decided by one supervisor and reviewed by another.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from .. import audit
from ..extensions import db
from ..models import FilingKind, Incident, RegulatorFiling, ReportingDecision, Role, User
from ..models._types import utcnow
from . import phrasing
from .workflow import NoticeError, require_role

CASES = {
    "sensitive": "要配慮個人情報が含まれる",
    "financial": "不正に利用されると財産的被害が生じるおそれがある",
    "wrongful": "不正の目的によるおそれがある（不正アクセス、改ざんされたページからの取得を含む）",
    "over_thousand": "本人の数が1,000人を超える",
}


@dataclass(frozen=True)
class Deadline:
    """A date by which the regulator expects a report, and whether it was filed."""

    label: str
    due: date
    kind: FilingKind | None = None
    filed_on: date | None = None


def regulator_deadlines(incident: Incident) -> list[Deadline]:
    """速報 (about 3–5 days) and 確報 (30 days; 60 for cases of 不正の目的) after awareness.

    The 60 days follow the recorded decision on 不正の目的 once there is one (it is what the
    report to the regulator states); before that, the incident's own mark of a malicious case."""
    decision = reporting_decision(incident) if incident.id is not None else None
    wrongful = decision.wrongful if decision is not None else incident.malicious
    final_days = 60 if wrongful else 30
    filed = {}
    if incident.id is not None:
        for filing in filings(incident):
            filed.setdefault(filing.kind, filing.filed_on)
    return [
        Deadline("速報（目安：発覚から3〜5日以内）", incident.aware_on + timedelta(days=5),
                 FilingKind.PRELIMINARY, filed.get(FilingKind.PRELIMINARY)),
        Deadline(f"確報（発覚から{final_days}日以内）", incident.aware_on + timedelta(days=final_days),
                 FilingKind.FINAL, filed.get(FilingKind.FINAL)),
    ]


def filings(incident: Incident) -> list[RegulatorFiling]:
    """Everything filed for the incident, oldest first."""
    return list(db.session.scalars(select(RegulatorFiling).filter_by(incident_id=incident.id)
                                   .order_by(RegulatorFiling.filed_on, RegulatorFiling.id)))


def record_filing(incident: Incident, kind: FilingKind, filed_on: date, user: User,
                  reference: str = "", note: str = "", today: date | None = None) -> RegulatorFiling:
    """Record a report filed with the regulator (速報 and 確報 once each; 追完 as often as needed),
    or a report to the police (as often as needed)."""
    require_role(user, Role.SUPERVISOR, "報告の記録には責任者以上の権限が必要です。")
    if filed_on > (today or date.today()) + timedelta(days=1):
        raise NoticeError("提出日に未来の日付は入力できません。")
    if filed_on < incident.aware_on:
        raise NoticeError("提出日が発覚日より前になっています。")
    filed = {f.kind for f in filings(incident)}
    if kind in (FilingKind.PRELIMINARY, FilingKind.FINAL) and kind in filed:
        raise NoticeError(f"{kind.label}は既に記録されています。追加の報告は「追完」として記録してください。")
    if kind is FilingKind.FINAL and FilingKind.PRELIMINARY not in filed:
        raise NoticeError("確報の前に速報を記録してください（速報と確報を同時に提出した場合は、同じ日付で両方を記録してください）。")
    filing = RegulatorFiling(incident_id=incident.id, kind=kind, filed_on=filed_on, reference=reference.strip()[:100],
                             note=note.strip()[:300], recorded_by=user)
    db.session.add(filing)
    db.session.flush()
    audit.record("file", "incident", incident.id, detail=f"{kind.value} {filed_on.isoformat()}", user=user)
    return filing


def reporting_decision(incident: Incident) -> ReportingDecision | None:
    """The decision whether the incident must be reported, if one was made."""
    return db.session.scalar(select(ReportingDecision).filter_by(incident_id=incident.id))


def decide_reporting(incident: Incident, answers: dict[str, bool], user: User, note: str = "") -> ReportingDecision:
    """Record which of the four cases apply; a changed decision needs a new review."""
    require_role(user, Role.SUPERVISOR, "報告義務の判断には責任者以上の権限が必要です。")
    row = reporting_decision(incident) or ReportingDecision(incident_id=incident.id)
    for name in CASES:
        setattr(row, name, bool(answers.get(name)))
    row.note, row.decided_by, row.decided_at = note.strip()[:300], user, utcnow()
    row.reviewed_by, row.reviewed_at = None, None
    db.session.add(row)
    db.session.flush()
    audit.record("decide_reporting", "incident", incident.id,
                 detail=" ".join(f"{n}={int(getattr(row, n))}" for n in CASES), user=user)
    return row


def review_reporting(incident: Incident, user: User) -> ReportingDecision:
    """A second supervisor confirms the decision."""
    require_role(user, Role.SUPERVISOR, "報告義務の確認には責任者以上の権限が必要です。")
    row = reporting_decision(incident)
    if row is None:
        raise NoticeError("まだ報告義務の判断が記録されていません。")
    if row.decided_by_id == user.id:
        raise NoticeError("判断した本人は確認できません。別の責任者に確認を依頼してください。")
    row.reviewed_by, row.reviewed_at = user, utcnow()
    db.session.flush()
    audit.record("review_reporting", "incident", incident.id, user=user)
    return row


def applicable_cases(row: ReportingDecision | None) -> list[str]:
    """The cases that make a report required, in words."""
    return [label for name, label in CASES.items() if row is not None and getattr(row, name)]


def deadline_status(deadline: Deadline, today: date) -> tuple[str, str]:
    """(state, words) of one deadline: 'filed', 'overdue', 'soon' or 'due'."""
    if deadline.filed_on is not None:
        return "filed", f"提出済み（{phrasing.format_date(deadline.filed_on)}）"
    left = (deadline.due - today).days
    if left < 0:
        return "overdue", f"期限切れ：{-left}日超過"
    if left == 0:
        return "soon", "本日が期限"
    return ("soon" if left <= 3 else "due"), f"あと{left}日"
