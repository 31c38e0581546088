"""Public notice pages: top page, list, incident, each report, the feed, caching."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from sqlalchemy import select

from hotline import demo, notices
from hotline.extensions import db
from hotline.models import Report, User

from .factories import make_draft, make_incident, publish
from .pages import assert_valid_html, body

SLUG = demo.DEMO_SLUG
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def demo_site(app):
    """The demo incident with its 第一報 and 第二報 (with a correction)."""
    demo.load_demo("development")
    db.session.commit()


@pytest.mark.parametrize("url", ["/", "/notices/", f"/notices/{SLUG}/", f"/notices/{SLUG}/1", f"/notices/{SLUG}/2"])
def test_public_pages_are_valid_html_with_landmarks(client, demo_site, url):
    response = client.get(url)
    html = body(response)
    assert response.status_code == 200
    assert_valid_html(html)
    assert '<html lang="ja">' in html and "<main" in html and "<h1" in html and "<nav" in html
    assert "<script" not in html


def test_top_page_has_a_banner_linking_the_latest_report(client, demo_site):
    html = body(client.get("/"))
    assert 'class="incident-banner"' in html
    assert f'href="/notices/{SLUG}/"' in html
    assert "第二報を読む" in html and "訂正あり" in html
    assert 'href="tel:0120000123"' in html
    assert 'href="/faq/"' in html


def test_top_page_without_incidents_says_so(client):
    html = body(client.get("/"))
    assert "対応中の事案はありません" in html


def test_incident_page_shows_latest_report_in_full_with_timeline_and_faq_search(client, demo_site):
    html = body(client.get(f"/notices/{SLUG}/"))
    assert "第二報" in html and "訂正とお詫び" in html
    for title in ("1. 本件の概要", "4. 漏えいした期間", "5. 漏えいの可能性がある情報と対象者", "7. 漏えいの原因",
                  "10. 対象のお客様への対応", "11. サービスの状況", "12. 今後の対応", "13. 次回のお知らせ",
                  "14. お問い合わせ窓口"):
        assert title in html
    assert "再発防止策" not in html  # left empty in the demo, so it is not numbered either
    assert "お客様へのお願い" in html
    assert f'href="/notices/{SLUG}/1"' in html and 'aria-current="page"' in html
    assert 'action="/faq/search"' in html


def test_every_provisional_fact_reads_with_its_caveat(client, demo_site):
    html = body(client.get(f"/notices/{SLUG}/2"))
    assert "対象となる会員のお客様は少なくとも31,200名でございますが、最大で48,000名に及ぶ可能性がございます。" in html
    assert "セキュリティコードは、漏えいした可能性を否定できません。" in html
    assert "パスワードは、当社ではお預かりしておりません。" in html
    assert "お電話でご注文のお客様は、本件の対象ではございません。" in html
    assert "今後の調査により変わる可能性がございます" in html
    assert ("調査を継続している事項：会員のお客様の数と情報の項目の一部、ゲスト購入のお客様の数と情報の項目の一部、"
            "現在発生している被害の状況、漏えいの原因") in html
    assert html.count("速やかにお知らせいたします") == 1  # said once, in the caveat summary
    assert "漏えいしていないことを確認" in html


def test_report_page_shows_changes_since_the_previous_report(client, demo_site):
    html = body(client.get(f"/notices/{SLUG}/2"))
    assert "前回のお知らせ（第一報）からの変更点" in html
    assert "12,000名〜48,000名（調査中）" in html and "31,200名〜48,000名（調査中）" in html
    assert "ログの解析が進み" in html  # the reason for the changed number
    assert html.count("会員登録をせずにご購入されたお客様の決済も") == 1  # once per group, not per row
    first = body(client.get(f"/notices/{SLUG}/1"))
    assert "からの変更点" not in first
    assert "過去のお知らせです" in first and f'href="/notices/{SLUG}/2"' in first


def test_correction_is_shown_before_the_items(client, demo_site):
    html = body(client.get(f"/notices/{SLUG}/2"))
    assert html.index("訂正とお詫び") < html.index("1. 本件の概要")


def test_drafts_and_unknown_reports_are_never_public(client, app, staff):
    incident = make_incident("draft-only")
    db.session.commit()
    draft = make_draft(incident, staff["sup1"], situation="まだ公開していない下書きの本文")
    db.session.commit()
    assert client.get("/notices/draft-only/").status_code == 404
    assert client.get("/notices/draft-only/1").status_code == 404
    assert "draft-only" not in body(client.get("/notices/")) and "下書き" not in body(client.get("/"))
    publish(draft, staff["sup1"], staff["sup2"])
    second = make_draft(incident, staff["sup1"], situation="第二報の下書き")
    db.session.commit()
    assert client.get("/notices/draft-only/1").status_code == 200
    assert client.get("/notices/draft-only/2").status_code == 404
    assert "第二報の下書き" not in body(client.get("/notices/draft-only/"))
    assert "第二報の下書き" not in body(client.get("/notices/feed.atom"))
    assert second.state.value == "draft"


def test_hostile_text_is_escaped_in_pages_and_feed(client, app, staff):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    incident = make_incident("hostile", title="事案" + payload)
    db.session.commit()
    report = make_draft(incident, staff["sup1"], situation=payload, customer_actions=payload,
                        contact_hours=payload)
    publish(report, staff["sup1"], staff["sup2"])
    for url in ("/", "/notices/", "/notices/hostile/", "/notices/hostile/1"):
        html = body(client.get(url))
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html
        assert_valid_html(html)
    feed = body(client.get("/notices/feed.atom"))
    assert "<script>" not in feed
    ET.fromstring(feed.encode())


def test_feed_lists_reports_newest_first_with_absolute_links(client, demo_site):
    response = client.get("/notices/feed.atom")
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    entries = root.findall(f"{ATOM}entry")
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert len(entries) == 2 and "第二報" in titles[0] and "訂正あり" in titles[0] and "第一報" in titles[1]
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link.startswith("http://") and link.endswith(f"/notices/{SLUG}/2")
    summary = entries[0].find(f"{ATOM}summary").text
    assert "最大で48,000名" in summary and "最大で6,500名" in summary


@pytest.mark.parametrize("url", ["/", "/notices/", f"/notices/{SLUG}/", f"/notices/{SLUG}/2", "/notices/feed.atom"])
def test_public_pages_can_be_cached_and_revalidated(client, demo_site, url):
    first = client.get(url)
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    cache = first.headers["Cache-Control"]
    assert "public" in cache and "max-age=60" in cache and "stale-if-error" in cache
    assert "Set-Cookie" not in first.headers and "Cookie" not in first.headers.get("Vary", "")
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    since = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304


def test_a_new_report_changes_the_validators(client, app, demo_site, staff):
    first = client.get(f"/notices/{SLUG}/")
    second = db.session.scalar(select(Report).filter_by(number=2))
    groups = [notices.spec_of(g) for g in second.groups]
    groups[0].count_max, groups[0].reason = 40000, "上限を見直しました。"
    report = make_draft(second.incident, staff["sup1"], groups=groups)
    publish(report, staff["sup1"], staff["sup2"])
    again = client.get(f"/notices/{SLUG}/", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and "第三報" in body(again)


def test_staff_pages_are_not_cached(client, login, staff):
    login("sup1")
    response = client.get("/admin/")
    assert response.headers["Cache-Control"] == "no-store" and "ETag" not in response.headers


def test_public_pages_seen_by_staff_are_private(client, demo_site, login, staff):
    login("sup1")
    response = client.get(f"/notices/{SLUG}/")
    assert "private" in response.headers["Cache-Control"] and "public" not in response.headers["Cache-Control"]


def test_a_matching_revalidation_is_answered_without_rendering(client, demo_site, monkeypatch):
    from hotline.public import views

    first = client.get(f"/notices/{SLUG}/")

    def no_rendering(*args, **kwargs):
        raise AssertionError("rendered although the client was current")

    monkeypatch.setattr(views, "render_template", no_rendering)
    again = client.get(f"/notices/{SLUG}/", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.headers["ETag"] == first.headers["ETag"]
    assert "public" in again.headers["Cache-Control"]


def test_changing_the_incident_or_a_template_changes_the_etag(client, app, demo_site, tmp_path):
    from hotline.models import Incident
    from hotline.public.caching import build_fingerprint

    first = client.get(f"/notices/{SLUG}/").headers["ETag"]
    incident = db.session.scalar(select(Incident).filter_by(slug=SLUG))
    users = {u.username: u for u in db.session.scalars(select(User))}
    change = notices.request_change(incident, {"title": incident.title + "（更新）"}, users["sato"])
    notices.approve_change(change, users["suzuki"])
    db.session.commit()
    assert client.get(f"/notices/{SLUG}/").headers["ETag"] != first
    for folder in ("hotline", "templates", "static"):
        (tmp_path / folder).mkdir()
    (tmp_path / "templates" / "page.html").write_text("a")
    before = build_fingerprint(tmp_path)
    (tmp_path / "templates" / "page.html").write_text("ab")
    assert build_fingerprint(tmp_path) != before


def test_the_summary_box_comes_first_with_scope_actions_and_a_phone_link(client, demo_site):
    html = body(client.get(f"/notices/{SLUG}/2"))
    article = html[html.index('<article'):]
    assert article.index('class="summary-box"') < article.index('class="correction"') < article.index("1. 本件の概要")
    box = article[article.index('class="summary-box"'):article.index("</section>")]
    assert "何が起きたか" in box and "お客様へのお願い" in box and "カードのご利用明細をご確認ください。" in box
    assert '<span class="scope-line">会員のお客様：31,200名〜48,000名（調査中）</span>' in box
    assert '<span class="scope-line">ゲスト購入のお客様：最大6,500名（調査中）</span>' in box
    assert '<a class="tel" href="tel:0120000123">0120-000-123</a>' in box
    assert "お電話でご注文" not in box  # a group not concerned is not in scope


def test_a_stage_has_its_own_title_and_signature_without_a_doubled_label(client, demo_site):
    html = body(client.get(f"/notices/{SLUG}/2"))
    assert '<h1 id="notice-title">【第二報】ミドリストア オンラインへの不正アクセスによる個人情報漏えいに関するお詫びとご報告</h1>' in html
    assert '<span class="report-label">' not in html  # 【第二報】 already names the stage
    signature = html[html.index('<footer class="signatory">'):]
    assert "株式会社ミドリ商会" in signature and "代表取締役社長　緑川 一郎" in signature  # carried over from the 第一報


def test_an_earlier_report_says_it_was_corrected_and_links_the_correction(client, demo_site):
    first = body(client.get(f"/notices/{SLUG}/1"))
    assert "この第一報の内容の一部は、第二報で訂正いたしました。" in first
    assert f'href="/notices/{SLUG}/2#correction-title"' in first
    assert "訂正いたしました" not in body(client.get(f"/notices/{SLUG}/2"))


def test_pages_show_todays_hours_and_change_their_validators_at_midnight_in_japan(client, demo_site, monkeypatch):
    from hotline.notices import contact_window

    today = contact_window.today_in_japan()
    for url in ("/", f"/notices/{SLUG}/2"):
        html = body(client.get(url))
        assert f"本日（{today.month}月{today.day}日）" in html, url
        assert "受付時間を9:00〜18:00（土日祝日を除く）といたします。" in html, url
    first = client.get("/")
    monkeypatch.setattr(contact_window, "today_in_japan", lambda now=None: today + timedelta(days=1))
    tomorrow = client.get("/", headers={"If-None-Match": first.headers["ETag"]})
    assert tomorrow.status_code == 200
    assert f"（{(today + timedelta(days=1)).month}月{(today + timedelta(days=1)).day}日）" in body(tomorrow)


def test_the_response_facts_read_as_sentences_with_their_caveats(client, demo_site):
    html = body(client.get(f"/notices/{SLUG}/2"))
    assert "現時点で把握しております被害の件数は31件でございます。今後の調査により変わる可能性がございます。" in html
    assert "対象のお客様への補償などの対応は、現在検討しております。決まり次第、お知らせいたします。" in html
    assert "カードによるお支払いを停止しております。" in html and "決済方式への切り替えが完了した後に再開いたします。" in html
    assert "調査の完了後、最終報告でお知らせいたします。" in html
    first = body(client.get(f"/notices/{SLUG}/1"))
    assert "サービスの状況" not in first  # nothing said, nothing shown
