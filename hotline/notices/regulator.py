"""What the regulator (個人情報保護委員会) expects, and by when."""

from dataclasses import dataclass
from datetime import date, timedelta

from ..models import Incident


@dataclass(frozen=True)
class Deadline:
    """A date by which the regulator (個人情報保護委員会) expects a report."""

    label: str
    due: date


def regulator_deadlines(incident: Incident) -> list[Deadline]:
    """速報 (about 3–5 days) and 確報 (30 days; 60 for malicious cases) after awareness."""
    final_days = 60 if incident.malicious else 30
    return [
        Deadline("速報（目安：発覚から3〜5日以内）", incident.aware_on + timedelta(days=5)),
        Deadline(f"確報（発覚から{final_days}日以内）", incident.aware_on + timedelta(days=final_days)),
    ]
