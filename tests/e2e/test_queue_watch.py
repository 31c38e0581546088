"""The agent console in a browser: the queue announces urgent arrivals, templates switch in place."""

import pytest
from playwright.sync_api import expect

from tests.livesite import LiveSite


@pytest.fixture
def site(tmp_path, sqlite_template):
    instance = tmp_path / "instance"
    instance.mkdir()
    database = instance / "site.sqlite3"
    database.write_bytes(sqlite_template.read_bytes())
    live = LiveSite(instance, database)
    live.env["HOTLINE_QUEUE_POLL_SECONDS"] = "1"
    for command in (("demo", "load"), ("demo", "answers"), ("answers", "reindex")):
        live.flask(*command)
    live.start()
    yield live
    live.stop()


def test_an_urgent_arrival_is_announced_on_the_open_queue(site, page):
    page.goto(site.url + "/login")
    page.fill("#username", "tanaka")
    page.fill("#password", "demo-password-2026")
    page.click("main button[type=submit]")
    page.goto(site.url + "/agent/")
    assert page.locator("#queue-watch").inner_text() == ""
    before = page.title()

    customer = page.context.browser.new_context(locale="ja-JP").new_page()
    customer.goto(site.url + "/inquiry")
    customer.fill("#name", "急ぎ 太郎")
    customer.fill("#email", "hurry@example.jp")
    customer.select_option("#category", "card_fraud")
    customer.fill("#message", "知らない請求がカードに来ています。")
    customer.check("#consent")
    customer.click("main form button[type=submit]")
    customer.wait_for_load_state()
    customer.context.close()

    expect(page.locator("#queue-watch")).to_contain_text("至急の問い合わせが届きました", timeout=10000)
    assert "一覧を更新する" in page.locator("#queue-watch").inner_text()
    assert page.title() != before and page.title().startswith("【至急")


def test_switching_the_template_fills_the_answer_in_place(site, page):
    page.goto(site.url + "/login")
    page.fill("#username", "sato")
    page.fill("#password", "demo-password-2026")
    page.click("main button[type=submit]")
    page.goto(site.url + "/agent/")
    page.click("table.queue tbody tr:first-child button:has-text('担当')")
    page.wait_for_load_state()
    url = page.url
    options = page.locator("#pick option")
    assert options.count() > 1
    page.select_option("#pick", index=1)
    page.click("#template-pick button")
    expect(page.locator("#template-note")).to_contain_text("使用中のテンプレート", timeout=10000)
    assert len(page.locator("textarea[name=text]").input_value()) > 20
    assert page.url == url  # no reload
    assert "使用中のテンプレート" in page.locator("#template-note").inner_text()
    assert page.locator("input[name=template_id]").input_value() != ""
