"""Learning from misses: searches that did not help become phrasings in one click (approved by a
second supervisor), and the questions on the rise are shown day by day."""

import re
from datetime import timedelta

from sqlalchemy import select

from hotline import faq, inquiries
from hotline.extensions import db
from hotline.faq import search as faq_search
from hotline.inquiries import stats
from hotline.models import AnswerTemplate, FaqEntry, InquiryCategory, ReplyBy, SearchStat
from hotline.models._types import utcnow

from .factories import approved_template
from .pages import body

ENTRY = {"key": "card-stop", "category": "カード", "question": "カードを止めたほうがいいですか？",
         "alternatives": "カード 停止", "keywords": "カード", "answer": "カード会社にご連絡ください。",
         "display_order": 10, "published": True, "expires_on": ""}


def _entry(staff) -> FaqEntry:
    entry = faq.approve_change(faq.request_change(None, ENTRY, staff["sup1"]), staff["sup2"])
    db.session.commit()
    faq_search.rebuild()
    return entry


def test_a_search_followed_by_an_inquiry_is_counted_without_any_personal_data(client, app, staff):
    _entry(staff)
    page = body(client.get("/faq/search", query_string={"q": "くれかとめる"}))
    link = re.search(r'href="(/inquiry\?from_q=[^"]+)"', page).group(1)
    form = body(client.get(link.replace("&amp;", "&")))
    assert 'name="from_q"' in form and "くれかとめる" in form
    client.post("/inquiry", data={"name": "山田 太郎", "email": "taro@example.jp", "reply_by": "email",
                                  "category": "other", "message": "止め方を教えて", "consent": "y",
                                  "from_q": "くれかとめる"})
    stat = db.session.scalar(select(SearchStat).filter_by(query=faq_search.query_key("くれかとめる")))
    assert stat.inquiries == 1
    client.post("/inquiry", data={"name": "山田 太郎", "email": "taro@example.jp", "reply_by": "email",
                                  "category": "other", "message": "再送", "consent": "y",
                                  "from_q": "taro@example.jp 09012345678"})
    assert db.session.scalar(select(SearchStat).where(SearchStat.query.like("%taro%"))) is None


def test_one_click_adds_a_missed_search_as_a_phrasing_waiting_for_approval(client, app, staff, login):
    entry = _entry(staff)
    client.get("/faq/search", query_string={"q": "ぴたっととめたい"})
    stat = db.session.scalar(select(SearchStat))
    login("sup1")
    overview = body(client.get("/admin/faq/"))
    assert "ぴたっととめたい" in overview and "言い換えに加える" in overview
    response = client.post(f"/admin/faq/misses/{stat.id}", data={"entry_id": str(entry.id), "action": "phrasing"})
    assert response.status_code == 302 and "/admin/faq/changes/" in response.headers["Location"]
    assert stat.query not in db.session.get(FaqEntry, entry.id).alternatives    # not public before approval
    assert "ぴたっととめたい" not in body(client.get("/admin/faq/")).split("misses-heading")[1]
    change = faq.pending_for(db.session.get(FaqEntry, entry.id))
    assert faq.values_of(change)["alternatives"].splitlines() == ["カード 停止", stat.query]
    faq.approve_change(change, staff["sup2"])
    db.session.commit()
    faq_search.sync([db.session.get(FaqEntry, entry.id)])
    assert [h.entry.key for h in faq_search.search_faq("ぴたっととめたい")][:1] == ["card-stop"]


def test_a_second_phrasing_builds_on_the_change_already_waiting(app, staff):
    entry = _entry(staff)
    waiting = faq.request_change(entry, {"answer": "カード会社へすぐにご連絡ください。"}, staff["sup1"])
    stat = SearchStat(query="かーどとめる", searches=1, zero_hits=1, opens=0, inquiries=0)
    db.session.add(stat)
    db.session.flush()
    change = faq.add_phrasing(stat, entry, staff["sup1"])
    assert waiting.status == "superseded"
    values = faq.values_of(change)
    assert values["answer"] == "カード会社へすぐにご連絡ください。" and "かーどとめる" in values["alternatives"]
    assert stat.handled_at is not None and "card-stop" in stat.handled_note


def test_a_miss_can_be_set_aside(client, app, staff, login):
    client.get("/faq/search", query_string={"q": "今日の天気"})
    stat = db.session.scalar(select(SearchStat))
    login("sup1")
    client.post(f"/admin/faq/misses/{stat.id}", data={"action": "aside"})
    assert db.session.get(SearchStat, stat.id).handled_note == "対象外"
    assert faq.unanswered_queries() == []


def _answer_with(template: AnswerTemplate, staff, when) -> None:
    item = inquiries.receive(dict(name="山田", email="t@example.jp", phone="", reply_by=ReplyBy.EMAIL,
                                  category=InquiryCategory.OTHER, message="質問", notice_number=""))
    item.template_id, item.answered_at = template.id, when
    item.answered_by_id = staff["agent"].id


def test_questions_on_the_rise_compare_two_weeks_day_by_day(app, staff):
    rising = approved_template("rising", "増えている質問")
    calm = approved_template("calm", "落ち着いた質問")
    now = utcnow()
    for days_ago in (0, 0, 1, 2):
        _answer_with(rising, staff, now - timedelta(days=days_ago))
    for days_ago in (1, 8, 9, 10):
        _answer_with(calm, staff, now - timedelta(days=days_ago))
    db.session.commit()
    rows = stats.rising_templates()
    assert [r["title"] for r in rows] == ["増えている質問", "落ち着いた質問"]
    assert (rows[0]["this_week"], rows[0]["last_week"], rows[0]["rise"]) == (4, 0, 4)
    assert (rows[1]["this_week"], rows[1]["last_week"], rows[1]["rise"]) == (1, 3, -2)
    assert len(rows[0]["recent"]) == 7 and rows[0]["recent"][-1]["count"] == 2


def test_the_supervisor_page_charts_the_rising_questions(client, app, staff, login):
    test_questions_on_the_rise_compare_two_weeks_day_by_day(app, staff)
    login("sup1")
    page = body(client.get("/supervisor/"))
    assert "増えている質問（直近7日" in page and "+4" in page and 'class="spark"' in page
    assert re.search(r'aria-label="日ごとの回答数：[^"]*2件"', page)
