"""An inquiry in a real browser, from the public form to the customer reading the answer.

A customer asks through /inquiry; an agent claims it in the console, answers with the
template the search suggests (filled with the facts of the latest published report)
and sends it by email; the customer reads the answer on /inquiry/status. A question no
template covers is answered by hand and proposed; a supervisor approves it and
publishes it as FAQ, and a visitor finds it by searching in other words.

Runs on SQLite and on PostgreSQL (the `database_url` fixture), under gunicorn.
"""

import re
from email.message import EmailMessage

import pytest

from tests.livesite import ROOT, LiveSite
from tests.smtpserver import SmtpServer

PASSWORD = "browser-test-password"
RECEIPT = re.compile(r"^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$")

CARD_QUESTION = "ニュース見ました。うちのカードもミドリストアで使ってたんですけど、作り直したほうがいいんですか？"
GIFT_QUESTION = ("誕生日にもらったミドリストアのギフト券が5,000円分残ってます。"
                 "サイトが止まってる間に有効期限が来ちゃったら、もう使えないんですか？")
GIFT_ANSWER = ("ご不便をおかけし、申し訳ございません。\n"
               "サイトの停止中に有効期限を迎えたギフト券は、サイトの再開後6か月間ご利用いただけるよう延長いたします。\n"
               "お手続きは不要です。")
GIFT_TITLE = "停止中に期限が来るギフト券の扱い"
GIFT_PROPOSED_QUESTION = "ギフト券の有効期限が切れたら使えなくなりますか？"
GIFT_SEARCH = "もらったギフト券、期限すぎても大丈夫？"  # a visitor's own words, not the question's

# What the template fills in from the second (latest) report of the demo incident. The
# first report said the card number had possibly leaked and the security code was still
# being investigated, so these sentences come only from the latest one.
LATEST_FACTS = ["クレジットカード名義人名、クレジットカード番号およびクレジットカード有効期限は、漏えいした可能性が高いと考えております",
                "セキュリティコードは、漏えいした可能性を否定できません", "【ゲスト購入のお客様】"]
CARD_TEMPLATE_TEXT = "カードの再発行（カード番号の変更）をご検討ください"


@pytest.fixture
def site(database_url, tmp_path):
    """gunicorn on the test database (SQLite file or PostgreSQL), with the demo incident,
    the FAQ, the answer templates, three staff accounts and a real SMTP server."""
    instance = tmp_path / "live-instance"
    instance.mkdir()
    smtp = SmtpServer()
    smtp.start()
    live = LiveSite(instance, instance / "unused.sqlite3")
    live.env.update(HOTLINE_DATABASE_URL=database_url, HOTLINE_SMTP_HOST="127.0.0.1",
                    HOTLINE_SMTP_PORT=str(smtp.port), HOTLINE_SMTP_TIMEOUT="5")
    live.smtp = smtp
    for command in (["demo", "load"], ["demo", "faq"],
                    ["demo", "answers"], ["answers", "reindex"]):
        live.flask(*command)
    live.create_user("kimura", "agent", PASSWORD)
    live.create_user("mori", "supervisor", PASSWORD)
    live.start()
    yield live
    live.stop()
    smtp.stop()


@pytest.fixture
def new_page(browser, request):
    """Pages in fresh browser contexts, one per person (no shared cookies)."""
    pages = []

    def make():
        context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10000)
        pages.append(context.new_page())
        return pages[-1]

    yield make
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for number, staff_page in enumerate(pages, 1):
        if failed:
            staff_page.screenshot(path=str(ROOT / "tests" / "screenshots" / f"failed-{request.node.name}-{number}.png"),
                                  full_page=True)
        staff_page.context.close()


def log_in(page, site, username):
    """Log in through the staff login form."""
    page.goto(site.url + "/login")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(re.compile(r"/(agent|admin)/$"))


def send_inquiry(page, site, name, email, category, message) -> str:
    """Fill in and send the public form as a customer; return the receipt number shown."""
    page.goto(site.url + "/inquiry")
    page.get_by_label("お名前").fill(name)
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("お問い合わせの種類").select_option(label=category)
    page.get_by_label("お問い合わせ内容").fill(message)
    assert page.get_by_label("メールで回答を希望").is_checked()  # the default answer channel
    page.get_by_label("個人情報の取り扱いに同意します").check()
    page.get_by_role("button", name="送信する").click()
    page.wait_for_url("**/inquiry/thanks")
    assert page.locator("h1").inner_text() == "お問い合わせを受け付けました"
    assert "回答はメールでお送りします。" in page.inner_text("main")
    receipt = page.locator(".receipt-number").inner_text().strip()
    assert RECEIPT.match(receipt), receipt
    return receipt


def claim_from_queue(page, site, receipt, category):
    """Find the inquiry in the shared queue (without personal data) and take it."""
    page.locator("nav.staff-nav").get_by_role("link", name="受付一覧").click()
    page.wait_for_url("**/agent/")
    row = page.locator("table.queue tbody tr", has_text=receipt)
    assert row.count() == 1
    assert "@" not in page.inner_text("table.queue")  # no email addresses (nor names) in the queue
    assert category in row.inner_text() and "未対応" in row.inner_text()
    row.get_by_role("button", name="担当する").click()
    page.wait_for_url("**/agent/inquiries/*")
    assert receipt in page.locator("h1").inner_text()
    assert "担当になりました。" in page.inner_text("main")
    assert page.locator(".page-head .state").inner_text() == "対応中"


def check_status(page, site, receipt, email) -> str:
    """Look the inquiry up on the public status page; return the result's text."""
    page.goto(site.url + "/inquiry/status")
    page.get_by_label("受付番号").fill(receipt)
    page.get_by_label("お問い合わせの際に入力したメールアドレスまたは電話番号").fill(email)
    page.get_by_role("button", name="確認する").click()
    page.wait_for_selector("section.status-result")
    assert page.locator("#result-title").inner_text() == f"受付番号 {receipt}"
    return page.inner_text("section.status-result")


def search_faq(page, site, words) -> list[str]:
    """Search the FAQ from its top page like a visitor; return the questions listed."""
    page.goto(site.url + "/faq/")
    page.get_by_label("よくあるご質問を検索").fill(words)
    page.get_by_role("button", name="検索", exact=True).click()
    page.wait_for_url("**/faq/search?*")
    assert page.get_by_label("よくあるご質問を検索").input_value() == words
    return [t.strip() for t in page.locator("ol.search-results li h2 a").all_inner_texts()]


def answer_mail(site, email) -> EmailMessage:
    """Deliver the outbox through the CLI and return the answer mail sent to `email`."""
    site.flask("mail", "send")
    answers = [r.message for r in site.smtp.received
               if email in r.rcpt_tos and "お問い合わせへの回答" in str(r.message["Subject"])]
    assert len(answers) == 1, [str(r.message["Subject"]) for r in site.smtp.received]
    return answers[0]


def test_inquiry_answered_from_template_and_new_question_becomes_faq(site, page, new_page):
    # A visitor looks for an answer about gift certificates first: the FAQ has none yet.
    assert GIFT_PROPOSED_QUESTION not in search_faq(page, site, GIFT_SEARCH)

    # 1. The customer asks whether her card should be replaced.
    receipt = send_inquiry(page, site, "山田 花子", "hanako@example.jp", "クレジットカード・不正利用", CARD_QUESTION)
    before = check_status(page, site, receipt, "hanako@example.jp")
    assert "状況：受け付けました" in before and "回答しました" not in before and CARD_TEMPLATE_TEXT not in before
    assert "営業日以内を目安に、メールで回答いたします" in before  # when and how the reply comes

    # 2. An agent claims it and answers with the suggested template.
    agent = new_page()
    log_in(agent, site, "kimura")
    claim_from_queue(agent, site, receipt, "カードと不正利用")
    assert "山田 花子" in agent.inner_text("main") and CARD_QUESTION in agent.inner_text("main")
    suggested = agent.locator("ol.suggested li")
    titles = [t.strip() for t in suggested.locator("a").all_inner_texts()]
    assert "クレジットカードの再発行" in titles, titles
    suggested.locator("a", has_text="クレジットカードの再発行").click()
    agent.wait_for_url(re.compile(r"template=\d+"))
    assert "使用中のテンプレート：クレジットカードの再発行（第1版）" in agent.inner_text("#answer-form")
    text = agent.get_by_label("回答文").input_value()
    for fact in LATEST_FACTS:
        assert fact in text, text
    assert CARD_TEMPLATE_TEXT in text and "{" not in text and "}" not in text
    agent.get_by_label("メールで送信").check()
    agent.get_by_role("button", name="回答を記録する").click()
    agent.wait_for_selector("text=回答を記録しました。メールは送信待ちの一覧に入りました。")
    assert agent.locator(".page-head .state").inner_text() == "回答済み"
    record = agent.locator("section[aria-labelledby=answer-title]").inner_text()
    assert "kimuraさんが回答（メール）・テンプレート使用（第1版）" in record and "編集あり" not in record
    assert CARD_TEMPLATE_TEXT in record

    mail = answer_mail(site, "hanako@example.jp")
    assert receipt in str(mail["Subject"])
    body = mail.get_content()
    assert CARD_TEMPLATE_TEXT in body and LATEST_FACTS[0] in body

    # 3. The customer reads the answer on the status page.
    result = check_status(page, site, receipt, "hanako@example.jp")
    assert "状況：回答しました" in result
    assert CARD_TEMPLATE_TEXT in result and LATEST_FACTS[1] in result

    # 4. A question no template covers: answered by hand and proposed as a new template.
    gift_receipt = send_inquiry(page, site, "佐々木 一郎", "ichiro@example.jp", "その他", GIFT_QUESTION)
    claim_from_queue(agent, site, gift_receipt, "その他")
    suggestions = agent.locator("section[aria-labelledby=answer-title]").inner_text()
    assert "ギフト券" not in suggestions  # nothing suggested is about gift certificates
    agent.get_by_label("回答文").fill(GIFT_ANSWER)
    agent.get_by_label("メールで送信").check()
    agent.get_by_label("該当するテンプレートがないため、新しい質問として責任者に提案する").check()
    agent.get_by_label("提案するテンプレートの題名").fill(GIFT_TITLE)
    agent.get_by_label("想定される質問（お客様の言い方で）").fill(GIFT_PROPOSED_QUESTION)
    agent.get_by_role("button", name="回答を記録する").click()
    agent.wait_for_selector("text=回答を記録しました。")
    assert agent.locator(".page-head .state").inner_text() == "回答済み"
    assert "テンプレート使用" not in agent.locator("section[aria-labelledby=answer-title]").inner_text()

    # A supervisor finds the proposal, approves it and publishes it as FAQ.
    supervisor = new_page()
    log_in(supervisor, site, "mori")
    supervisor.locator("nav.staff-nav").get_by_role("link", name="回答テンプレート").click()
    supervisor.wait_for_url("**/admin/answers/")
    waiting = supervisor.locator("section[aria-labelledby=waiting-proposal]")
    assert "承認待ちの提案（1件）" in waiting.inner_text()
    waiting.get_by_role("link", name=GIFT_TITLE).click()
    assert GIFT_TITLE in supervisor.locator("h1").inner_text()
    page_text = supervisor.inner_text("main")
    assert GIFT_PROPOSED_QUESTION in supervisor.inner_text("section[aria-labelledby=questions-title]")
    assert "6か月間ご利用いただけるよう延長いたします" in page_text
    assert "佐々木" not in page_text and "ichiro@example.jp" not in page_text  # no customer data in a template
    supervisor.get_by_role("button", name="承認して全員に共有する").click()
    supervisor.wait_for_selector("text=承認しました。")
    supervisor.get_by_role("button", name="よくあるご質問として公開する").click()
    supervisor.wait_for_selector("text=よくあるご質問として公開しました。")
    assert supervisor.get_by_role("link", name=GIFT_PROPOSED_QUESTION).count() == 1

    # A visitor searches the FAQ in other words and finds the new answer.
    results = search_faq(page, site, GIFT_SEARCH)
    assert GIFT_PROPOSED_QUESTION in results, results
    found = page.locator("ol.search-results li h2 a", has_text=GIFT_PROPOSED_QUESTION)
    assert found.count() == 1, page.locator("ol.search-results").inner_text()
    found.click()
    assert page.locator("h1").inner_text() == GIFT_PROPOSED_QUESTION
    assert "6か月間ご利用いただけるよう延長いたします" in page.inner_text("main")
