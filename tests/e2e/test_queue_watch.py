"""The agents' queue says when an urgent inquiry arrives, without reloading the page under them."""

import pytest

from tests.livesite import LiveSite


@pytest.fixture
def site(tmp_path, sqlite_template):
    instance = tmp_path / "instance"
    instance.mkdir()
    database = instance / "site.sqlite3"
    database.write_bytes(sqlite_template.read_bytes())
    live = LiveSite(instance, database)
    live.env["HOTLINE_QUEUE_POLL_SECONDS"] = "1"
    live.flask("demo", "load")
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

    page.wait_for_function("document.getElementById('queue-watch').textContent.includes('至急の問い合わせが届きました')",
                           timeout=10000)
    assert "一覧を更新する" in page.locator("#queue-watch").inner_text()
    assert page.title() != before and page.title().startswith("【至急")
