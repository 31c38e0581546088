"""Notice numbers and verification codes: printed on every notice, read out on the phone.

A notice number is 12 digits in groups of four (easy to say and to type on a keypad);
the code is 6 characters of an alphabet without look-alikes. Only a keyed hash of
number and code together is compared at /verify; the code itself is sealed, for printing.
"""

import secrets

from sqlalchemy import select

from ..extensions import db
from ..models import AffectedPerson
from ..models._sealed import lookup_hash

NUMBER_DIGITS = 12
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
CODE_LENGTH = 6


def new_notice_number() -> str:
    """A notice number like '4821-0937-5516' (digits only, easy to read out on the phone)."""
    digits = str(secrets.randbelow(9 * 10 ** (NUMBER_DIGITS - 1)) + 10 ** (NUMBER_DIGITS - 1))
    return "-".join(digits[i:i + 4] for i in range(0, NUMBER_DIGITS, 4))


def new_code() -> str:
    """A short verification code printed next to the notice number."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def code_hash(number: str, code: str) -> str:
    """What is stored to check a number and code without opening the sealed code."""
    return lookup_hash("verify", f"{number}|{code}")


def fresh_numbers(count: int) -> list[str]:
    """`count` notice numbers used by nobody yet."""
    numbers: set[str] = set()
    while len(numbers) < count:
        batch = {new_notice_number() for _ in range(count - len(numbers))} - numbers
        taken = set()
        batch_list = list(batch)
        for start in range(0, len(batch_list), 500):
            taken |= set(db.session.scalars(select(AffectedPerson.notice_number).where(
                AffectedPerson.notice_number.in_(batch_list[start:start + 500]))))
        numbers |= batch - taken
    return list(numbers)
