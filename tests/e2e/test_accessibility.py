"""axe-core finds no WCAG 2.2 A/AA violation on the public and staff pages, at both widths.

The demo is served by gunicorn as `dev.py run` serves it; staff pages are seen by a
supervisor, with a report awaiting approval, a requested incident change and edits of a
template and of a FAQ entry waiting for approval on them.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from hotline.demo import people as demo
from tests.livesite import LiveSite

SLUG = "2026-midori-store"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PUBLIC_PAGES = ["/", "/notices/", f"/notices/{SLUG}/", f"/notices/{SLUG}/1", f"/notices/{SLUG}/2",
                "/faq/", "/faq/search?q=クレカ勝手に使われた", "/faq/search?q=該当なしの質問xyz", "/faq/search?q=自腹",
                "/faq/card-replace", "/inquiry", "/inquiry/status", "/callback", "/verify", "/affected", "/login", "/no-such-page",
                f"/notices/{SLUG}/subscribe", f"/notices/{SLUG}/subscribe/sent", "/subscribe/confirm/no-such-token",
                "/subscribe/stop/no-such-token"]
STAFF_PAGES = ["/admin/", "/admin/incidents/1/edit", "/admin/reports/1", "/admin/reports/3",
               "/admin/reports/3/edit", "/admin/faq/", "/admin/answers/", "/agent/", "/agent/?view=all",
               "/agent/call", "/agent/people", "/agent/people/1", "/supervisor/", "/supervisor/affected", "/supervisor/notices", "/supervisor/notices/1",
               "/supervisor/audit", "/account/mfa", "/admin/answers/1", "/agent/inquiries/1",
               "/admin/faq/1/edit", "/admin/faq/changes/1", "/agent/callbacks", "/agent/callbacks/1",
               "/admin/faq/blocks", "/admin/faq/blocks/1", "/admin/faq/blocks/3"]
# Answers to a form: (page, {field: value}, what the answer says).
ANSWERS = [
    ("/verify", {"#number": demo.DEMO_NOTICE_NUMBER, "#code": demo.DEMO_CODE}, "当社からお送りしたお知らせです"),
    ("/verify", {"#number": "1111-2222-3333", "#code": "ZZZZZZ"}, "確認できませんでした"),
    ("/affected", {"#first": demo.DEMO_MEMBER, "#second": demo.DEMO_MEMBER_PHONE}, "対象となっております"),
    ("/affected", {"#first": demo.DEMO_MEMBER, "#second": "090-9999-9999"}, "確認できませんでした"),
]


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory, sqlite_template, browser):
    """The demo with a third report awaiting approval and a requested incident change."""
    folder = tmp_path_factory.mktemp("a11y")
    database = folder / "site.sqlite3"
    database.write_bytes(sqlite_template.read_bytes())
    site = LiveSite(folder, database)
    for command in (("demo", "load"), ("demo", "faq"),
                    ("demo", "answers"), ("answers", "reindex")):
        site.flask(*command)
    site.start()
    context = browser.new_context(locale="ja-JP")
    context.set_default_timeout(10000)
    try:
        _prepare(context.new_page(), site)
    finally:
        context.close()
    yield site
    site.stop()


def _violations(page) -> list[str]:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
    return [f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]]


def _log_in(page, site, username: str) -> None:
    page.goto(site.url + "/login")
    page.fill("#username", username)
    page.fill("#password", "demo-password-2026")
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def _prepare(page, site) -> None:
    """A draft awaiting approval (report 3) and a pending change of the incident."""
    _log_in(page, site, "sato")
    page.goto(site.url + "/admin/")
    page.click("text=新しい報を作成")
    page.click("text=下書きを保存")
    page.goto(site.url + "/admin/reports/3")
    page.click("text=承認を依頼する")
    page.goto(site.url + "/admin/incidents/1/edit")
    page.fill("#reason", "名称の表記を統一するため")
    page.fill("#title", page.input_value("#title") + "（更新）")
    page.click("main button[type=submit]")
    page.goto(site.url + "/admin/answers/1/edit")  # an edit of a shared template waiting for approval
    page.fill("#body", page.input_value("#body") + "\nご不便をおかけしております。")
    page.click("main form button[type=submit]")
    page.goto(site.url + "/admin/faq/blocks/new")  # a new shared text block waiting for approval
    page.fill("#name", "返金の案内")
    page.fill("#body", "返金は、ご利用のカード会社を通じて行います。")
    page.click("main form.form button[type=submit]")
    page.goto(site.url + "/admin/faq/1/edit")  # a FAQ change waiting for a second supervisor
    page.fill("#answer", page.input_value("#answer") + "\n\nご不便をおかけしております。")
    page.click("main form button[type=submit]")
    page.click("form.staff-user button[type=submit]")


@pytest.mark.parametrize("width", [390, 1280])
def test_no_page_has_an_accessibility_violation(demo_site, browser, width):
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10000)
    try:
        found = {}
        for path in PUBLIC_PAGES:
            page.goto(demo_site.url + path)
            found[path] = _violations(page)
        for number, (path, fields, says) in enumerate(ANSWERS):
            page.goto(demo_site.url + path)
            for selector, value in fields.items():
                page.fill(selector, value)
            page.click("main form button[type=submit]")
            assert says in page.inner_text("main")
            found[f"{path} answer {number}"] = _violations(page)
        _log_in(page, demo_site, "suzuki")  # not the author of report 3, nor the one who asked for the change
        for path in STAFF_PAGES:
            page.goto(demo_site.url + path)
            found[path] = _violations(page)
        page.goto(demo_site.url + "/agent/")
        assert page.locator("table.queue").count() == 1
        assert {path: v for path, v in found.items() if v} == {}
    finally:
        context.close()


def test_the_check_finds_what_it_looks_for(page):
    page.set_content('<html><body><img src="x.png"><p style="color:#ddd;background:#fff">薄い文字</p></body></html>')
    found = " ".join(_violations(page))
    assert "image-alt" in found and "color-contrast" in found and "html-has-lang" in found
