"""Two supervisors publish a report in a real browser; a visitor sees it on the top page."""

PASSWORD = "browser-test-password"


def log_in(page, site, username):
    """Log in through the login form."""
    page.goto(site.url + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")


def log_out(page):
    """Log out with the header button."""
    page.click("form.staff-user button[type=submit]")
    page.wait_for_url("**/login")


def register_incident_and_draft(page, slug: str, title: str) -> None:
    """Register an incident through its form and open a new draft with its situation filled in."""
    page.click("text=事案を登録")
    page.fill("#slug", slug)
    page.fill("#title", title)
    page.fill("#aware_on", "2026-11-20")
    page.fill("#contact_phone", "0120-999-000")
    page.fill("#contact_hours", "10:00〜17:00")
    page.click("main button[type=submit]")
    page.click("text=新しい報を作成")
    page.fill("#situation", "当店の通販サイトが不正アクセスを受けました。")


def test_draft_approve_and_see_it_on_the_top_page(live_site, page):
    live_site.create_user("kato", "supervisor", PASSWORD)
    live_site.create_user("ito", "supervisor", PASSWORD)

    log_in(page, live_site, "kato")
    register_incident_and_draft(page, "e2e-breach", "テスト商店への不正アクセスについて")
    page.fill("#groups-0-name", "会員のお客様")
    page.fill("#groups-0-count_min", "１，２００")
    page.fill("#groups-0-count_max", "3000")
    page.select_option("#groups-0-cat_name", "confirmed")
    page.select_option("#groups-0-cat_card_number", "possible")
    page.click("text=下書きを保存")
    page.wait_for_selector("text=下書きを保存しました")
    page.click("text=承認を依頼する")
    page.wait_for_selector("text=承認待ち")
    assert page.locator("text=承認して公開する").count() == 0  # the author cannot approve
    log_out(page)

    log_in(page, live_site, "ito")
    page.click("text=確認する")
    page.click("text=承認して公開する")
    page.wait_for_selector("text=公開済み")
    log_out(page)

    page.goto(live_site.url + "/")
    assert "テスト商店への不正アクセスについて" in page.content()
    page.click("text=テスト商店への不正アクセスについて")
    text = page.inner_text("main")
    assert "対象となる会員のお客様は少なくとも1,200名でございますが、最大で3,000名に及ぶ可能性がございます。" in text
    assert "クレジットカード番号は、漏えいした可能性を否定できません。" in text


def test_a_supervisor_who_edited_the_draft_cannot_approve_it(live_site, page):
    for name in ("kato", "ito", "sano"):
        live_site.create_user(name, "supervisor", PASSWORD)
    log_in(page, live_site, "kato")
    register_incident_and_draft(page, "e2e-edited", "編集された下書きの事案")
    page.fill("#groups-0-name", "お客様")
    page.select_option("#groups-0-cat_name", "confirmed")
    page.click("text=下書きを保存")
    page.click("text=承認を依頼する")
    page.wait_for_selector("text=承認待ち")
    report_url = page.url
    log_out(page)

    log_in(page, live_site, "ito")  # ito changes the phone number while the report waits
    page.goto(report_url)
    page.click("text=編集する")
    page.fill("#contact_phone", "0120-999-111")
    page.click("text=下書きを保存")
    page.wait_for_selector("text=下書きを保存しました")
    assert page.locator("text=承認を依頼する").count() == 1  # the edit sent it back to draft
    log_out(page)

    log_in(page, live_site, "kato")
    page.goto(report_url)
    page.click("text=承認を依頼する")
    page.wait_for_selector("text=承認待ち")
    log_out(page)

    log_in(page, live_site, "ito")
    page.goto(report_url)
    assert page.locator("text=承認して公開する").count() == 0
    assert "あなたも編集したため、あなたは承認できません" in page.inner_text("main")
    log_out(page)

    log_in(page, live_site, "sano")
    page.goto(report_url)
    assert "0120-999-111" in page.inner_text("main")  # the approver sees the edited version
    page.click("text=承認して公開する")
    page.wait_for_selector("text=公開済み")
