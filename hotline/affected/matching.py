"""名寄せ: when two rows are one person, by rules a supervisor can read back.

A row joins an existing person when one of these holds, tried in this order:

1. 会員番号が一致 — the same member id;
2. 氏名とメールアドレスが一致, 氏名と電話番号が一致, 氏名と住所が一致 — the same name (spaces
   ignored) and one shared contact, unless both carry different member ids.

Rows that only look alike are not merged but listed for a supervisor (`MergeCandidate`):
the same name and birth date with other contacts; the same email or phone under
another name (a family sharing an address: two people, each notified); the same name
and contact under two member ids (one person with two accounts); a new row of a list
imported again, named like a person that list no longer holds (a corrected contact).

Everything is compared through keyed hashes, so matching never decrypts the list.
"""

import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import select

from ..extensions import db
from ..models import AffectedPerson
from ..models._sealed import lookup_hash
from .rows import Listed

RULE_MEMBER = "会員番号が一致"
RULE_LABELS = {"email": "氏名とメールアドレスが一致", "phone": "氏名と電話番号が一致", "address": "氏名と住所が一致"}
NEW = "新規"
REPLACED = "同じリストの取り込み直しで行がなくなった方と氏名が同じ（連絡先を訂正した可能性）"


def name_key(name: str) -> str:
    """A name as compared: NFKC, no spaces."""
    return "".join(unicodedata.normalize("NFKC", name).split())


@dataclass
class Keys:
    """The keyed hashes of one row or person."""

    member: str = ""
    name: str = ""
    email: str = ""
    phone: str = ""
    birth: str = ""
    address: str = ""

    @classmethod
    def of(cls, row: Listed) -> "Keys":
        """Hashes of a validated row."""
        place = f"{row.postal_code}|{name_key(row.address)}" if row.address else ""
        return cls(
            member=lookup_hash("member", row.member_id), name=lookup_hash("name", name_key(row.name)),
            email=lookup_hash("email", row.email), phone=lookup_hash("phone", row.phone),
            birth=lookup_hash("birth", row.birth_date), address=lookup_hash("address", place),
        )


@dataclass
class Candidate:
    """Two entries that may be one person."""

    ref: object
    other: object
    reason: str


@dataclass
class Index:
    """Every person of an incident by their hashes; rows of the file join it as they are read."""

    keys: dict = field(default_factory=dict)
    by_member: dict = field(default_factory=dict)
    by_pair: dict = field(default_factory=dict)
    by_contact: dict = field(default_factory=dict)
    by_birth: dict = field(default_factory=dict)

    @classmethod
    def load(cls, incident_id: int) -> "Index":
        """The incident's people, hashes only."""
        index = cls()
        rows = db.session.execute(select(
            AffectedPerson.id, AffectedPerson.member_hash, AffectedPerson.name_hash, AffectedPerson.email_hash,
            AffectedPerson.phone_hash, AffectedPerson.birth_hash, AffectedPerson.address_hash,
        ).where(AffectedPerson.incident_id == incident_id))
        for pid, member, name, email, phone, birth, address in rows:
            index.add(pid, Keys(member, name, email, phone, birth, address))
        return index

    def add(self, ref, keys: Keys) -> None:
        """Make a person findable by every hash it has (keeping the keys it had before)."""
        old = self.keys.get(ref)
        if old is not None:
            for attr in ("member", "email", "phone", "birth", "address"):
                if not getattr(keys, attr):
                    setattr(keys, attr, getattr(old, attr))
        self.keys[ref] = keys
        if keys.member:
            self.by_member.setdefault(keys.member, ref)
        for kind in RULE_LABELS:
            value = getattr(keys, kind)
            if value:
                self.by_pair.setdefault((keys.name, kind, value), ref)
                self.by_contact.setdefault((kind, value), []).append(ref)
        if keys.birth:
            self.by_birth.setdefault((keys.name, keys.birth), []).append(ref)

    def match(self, keys: Keys) -> tuple[object | None, str]:
        """The person a row is, and the rule that says so; (None, NEW) for a new person."""
        if keys.member and keys.member in self.by_member:
            return self.by_member[keys.member], RULE_MEMBER
        for kind, label in RULE_LABELS.items():
            value = getattr(keys, kind)
            ref = self.by_pair.get((keys.name, kind, value)) if value else None
            if ref is not None and not self._members_differ(keys, ref):
                return ref, label
        return None, NEW

    def _members_differ(self, keys: Keys, ref) -> bool:
        other = self.keys[ref].member
        return bool(keys.member and other and keys.member != other)

    def candidates(self, ref, keys: Keys) -> list[Candidate]:
        """Entries that look like this one without meeting a merge rule."""
        found: dict[object, str] = {}
        for other in self.by_birth.get((keys.name, keys.birth), []) if keys.birth else []:
            found.setdefault(other, "氏名と生年月日が一致し、連絡先が異なる")
        for kind, label in (("email", "メールアドレス"), ("phone", "電話番号")):
            value = getattr(keys, kind)
            for other in self.by_contact.get((kind, value), []) if value else []:
                other_keys = self.keys[other]
                if other_keys.name != keys.name:
                    found.setdefault(other, f"{label}が同じで氏名が異なる（ご家族などの可能性）")
                elif self._members_differ(keys, other):
                    found.setdefault(other, f"氏名と{label}が一致し、会員番号が異なる")
        return [Candidate(ref, other, reason) for other, reason in found.items() if other != ref]

    def replaced(self, new_refs: list, gone: set) -> list[Candidate]:
        """New entries named like a person the same list no longer holds: a corrected email or phone
        that no merge rule can see (only the name is left in common)."""
        by_name: dict[str, list] = {}
        for pid in gone:
            by_name.setdefault(self.keys[pid].name, []).append(pid)
        return [Candidate(ref, pid, REPLACED) for ref in new_refs for pid in by_name.get(self.keys[ref].name, [])]
