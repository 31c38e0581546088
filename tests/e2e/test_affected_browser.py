"""The affected list in a real browser: from importing a file to a customer checking their notice.

A supervisor uploads a member list on /supervisor/affected, drafts the notice of the
latest report, opens the sending hours and asks for approval; a second supervisor
approves it. The mail sender's round (`flask affected pump`, `flask mail send`) sends
the notices over SMTP; a customer types the notice number and code from their mail
into /verify, and a member of the new list checks /affected with member id and phone.
"""

import re

import pytest

from tests.livesite import LiveSite
from tests.smtpserver import SmtpServer

PASSWORD = "demo-password-2026"
LIST = ("会員番号,氏名,フリガナ,メールアドレス,電話番号,郵便番号,住所,生年月日\r\n"
        "B0001,新井 理沙,アライ リサ,risa.arai@example.jp,080-1111-0001,100-0001,東京都千代田区1-1,1990-03-03\r\n"
        "B0002,石田 航,イシダ ワタル,,080-1111-0002,530-0001,大阪府大阪市北区2-2,1985-08-08\r\n")


@pytest.fixture
def site(tmp_path, sqlite_template):
    instance = tmp_path / "instance"
    instance.mkdir()
    database = instance / "site.sqlite3"
    database.write_bytes(sqlite_template.read_bytes())
    smtp = SmtpServer()
    smtp.start()
    live = LiveSite(instance, database)
    live.env.update(HOTLINE_SMTP_HOST="127.0.0.1", HOTLINE_SMTP_PORT=str(smtp.port), HOTLINE_SMTP_TIMEOUT="5")
    live.smtp = smtp
    live.flask("demo", "load")
    live.start()
    yield live
    live.stop()
    smtp.stop()


def log_in(page, site, username: str) -> None:
    page.goto(site.url + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def test_from_import_to_a_customer_checking_their_notice(site, page, tmp_path):
    upload = tmp_path / "新規会員.csv"
    upload.write_bytes(LIST.encode("cp932"))
    log_in(page, site, "sato")
    page.goto(site.url + "/supervisor/affected")
    page.set_input_files("#file", str(upload))
    page.select_option("#group", "会員のお客様")
    page.click("main form button:has-text('取り込む')")
    assert "新規2名" in page.inner_text("body")

    page.goto(site.url + "/supervisor/notices")
    page.click("text=最新の報からお知らせを作成する")
    assert "会員のお客様の方へのお知らせ" in page.inner_text("main")
    page.fill("#send_from_hour", "0")
    page.fill("#send_until_hour", "24")
    page.fill("#pace_per_hour", "6000")
    page.click("text=下書きを保存する")
    page.click("text=承認を依頼する")
    assert "文面を作成・変更した方は承認できません" in page.inner_text("main")
    campaign_url = page.url
    page.click("form.staff-user button[type=submit]")

    log_in(page, site, "suzuki")
    page.goto(campaign_url)
    page.click("text=この文面で承認し、送付を始める")
    assert "送付中" in page.inner_text("main")

    site.flask("affected", "pump")
    site.flask("mail", "send")
    assert site.smtp.wait_for(1, timeout=20)
    mail = site.smtp.received[0].message
    text = mail.get_content()
    number = re.search(r"お知らせ番号：(\d{4}-\d{4}-\d{4})", text).group(1)
    code = re.search(r"確認コード：([2-9A-HJ-NP-Z]{6})", text).group(1)
    assert number in mail["Subject"]

    customer = page.context.browser.new_context(locale="ja-JP").new_page()
    customer.goto(site.url + "/")
    customer.click("text=お知らせの真偽確認")
    customer.fill("#number", number)
    customer.fill("#code", code)
    customer.click("main form button[type=submit]")
    assert "当社からお送りしたお知らせです" in customer.inner_text("main")
    customer.goto(site.url + "/affected")
    customer.fill("#first", "B0002")
    customer.fill("#second", "08011110002")
    customer.click("main form button[type=submit]")
    result = customer.inner_text("main")
    assert "お客様は、本件の対象となっております" in result and "クレジットカード番号" in result
    customer.context.close()
