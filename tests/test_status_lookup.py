"""The status lookup tells nothing to someone who does not hold both halves.

Every wrong input, near misses included, must get the very same answer as a receipt number
that never existed: same status code, same page once the echoed inputs are removed.
"""

import re

import pytest

from hotline import inquiries
from hotline.models import InquiryCategory

from .factories import receive_inquiry

RECEIPT_FREE = "2222-2222-2222"  # valid form, never issued (the alphabet is random; the test checks it is unused)


def received(email="taro@example.jp", phone="090-1234-5678"):
    """A stored inquiry with both an email and a phone, and its status-link token."""
    item = receive_inquiry("対象かどうか知りたいです。", email=email, phone=phone,
                           category=InquiryCategory.ELIGIBILITY)
    return item, item.status_token


def page(response) -> tuple[int, str]:
    """Status and body without what the visitor typed, the CSRF token or the page's own path."""
    html = response.get_data(as_text=True)
    html = re.sub(r'(<input[^>]*name="(receipt|contact|csrf_token)"[^>]*?) value="[^"]*"', r"\1", html)
    html = re.sub(r'<form method="post" action="[^"]*"', '<form method="post"', html)
    return response.status_code, html


@pytest.fixture
def lookups(app):
    app.config["STATUS_LIMIT_PER_HOUR"] = 10_000
    return app


def near_misses(receipt: str) -> list[dict]:
    """Inputs one step away from right, and plainly wrong ones."""
    other = "".join("3" if c == "2" else c for c in receipt[:-1]) + ("X" if receipt[-1] != "X" else "Y")
    return [
        {"receipt": receipt, "contact": "hanako@example.jp"},
        {"receipt": receipt, "contact": "taro@example"},  # a prefix of the address
        {"receipt": receipt, "contact": "taro@example.jp.evil.example"},  # the address plus more
        {"receipt": receipt, "contact": "taro"},
        {"receipt": receipt, "contact": "example.jp"},
        {"receipt": receipt, "contact": "090-1234-567"},  # one digit short
        {"receipt": receipt, "contact": "090-1234-56789"},  # one digit more
        {"receipt": receipt, "contact": "0901234"},
        {"receipt": receipt, "contact": "%"},
        {"receipt": receipt, "contact": "' OR '1'='1"},
        {"receipt": other, "contact": "taro@example.jp"},  # a receipt one character off
        {"receipt": receipt[:-1], "contact": "taro@example.jp"},
        {"receipt": RECEIPT_FREE, "contact": "090-1234-5678"},
    ]


def test_every_wrong_pair_gets_the_answer_a_made_up_receipt_gets(client, lookups):
    item, _ = received()
    assert inquiries.lookup(RECEIPT_FREE, "taro@example.jp") is None
    baseline = page(client.post("/inquiry/status", data={"receipt": RECEIPT_FREE, "contact": "taro@example.jp"}))
    assert baseline[0] == 200 and "一致するお問い合わせが見つかりませんでした" in baseline[1]
    for data in near_misses(item.receipt):
        assert page(client.post("/inquiry/status", data=data)) == baseline, data
    right = page(client.post("/inquiry/status", data={"receipt": item.receipt, "contact": "TARO@example.jp "}))
    assert right != baseline and "受付番号 " + item.receipt in right[1]
    by_phone = page(client.post("/inquiry/status", data={"receipt": item.receipt.lower(), "contact": "09012345678"}))
    assert by_phone == right


def test_another_persons_receipt_with_my_contact_tells_nothing(client, lookups):
    mine, _ = received()
    theirs, _ = received(email="hanako@example.jp", phone="")
    baseline = page(client.post("/inquiry/status", data={"receipt": RECEIPT_FREE, "contact": "taro@example.jp"}))
    assert page(client.post("/inquiry/status", data={"receipt": theirs.receipt, "contact": "taro@example.jp"})) == baseline
    assert page(client.post("/inquiry/status", data={"receipt": mine.receipt, "contact": "hanako@example.jp"})) == baseline


def test_an_empty_phone_never_matches_an_inquiry_without_one(client, lookups):
    item, _ = received(email="taro@example.jp", phone="")
    baseline = page(client.post("/inquiry/status", data={"receipt": RECEIPT_FREE, "contact": "-"}))
    for contact in ("-", "ー", "（）", "0"):
        assert page(client.post("/inquiry/status", data={"receipt": item.receipt, "contact": contact})) == baseline


def test_the_status_link_answers_a_wrong_contact_as_it_answers_a_wrong_link(client, lookups):
    item, token = received()
    baseline = page(client.post("/inquiry/status/" + "A" * 22, data={"contact": "taro@example.jp"}))
    assert "一致するお問い合わせが見つかりませんでした" in baseline[1]
    for contact in ("hanako@example.jp", "taro@example", "090-1234-567", "taro@example.jp.x"):
        assert page(client.post(f"/inquiry/status/{token}", data={"contact": contact})) == baseline, contact
    for wrong in (token[:-1], token + "A", token.upper() if token.upper() != token else token.lower(), "x" * 65):
        assert page(client.post(f"/inquiry/status/{wrong}", data={"contact": "taro@example.jp"})) == baseline, wrong
    right = page(client.post(f"/inquiry/status/{token}", data={"contact": "taro@example.jp"}))
    assert right != baseline and "受付番号 " + item.receipt in right[1]
