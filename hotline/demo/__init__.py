"""Demo data: a breach at a fictional online shop, two published reports, staff accounts.

Loaded only by the run command for trying the site out (with the shipped answer templates,
brought in and approved by the two demo supervisors); refused in a production config.
"""

from datetime import date, datetime, time, timedelta

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from .. import callbacks, inquiries, notices
from ..answers import approval
from ..answers import files as answer_files
from ..config import PROJECT_ROOT
from ..extensions import db
from ..models import Callback, Certainty, DataCategory, Incident, InquiryCategory, LeakStatus, ReplyBy, Role, User
from ..models._types import utcnow
from ..faq import blocks as faq_blocks
from ..faq import changes as faq_changes
from ..faq import entries as faq_entries
from ..faq import imports as faq_imports
from ..faq import search as faq_search
from ..notices import contact_window
from ..staff import accounts
from .people import load_people

DEMO_SLUG = "2026-midori-store"
DEMO_PASSWORD = "demo-password-2026"
DEMO_USERS = [
    ("admin", "管理者 山本", Role.ADMIN),
    ("sato", "責任者 佐藤", Role.SUPERVISOR),
    ("suzuki", "責任者 鈴木", Role.SUPERVISOR),
    ("tanaka", "オペレーター 田中", Role.AGENT),
]
C, P = Certainty.CONFIRMED, Certainty.PROVISIONAL
L = LeakStatus

demo_cli = AppGroup("demo", help="デモデータ")


class DemoRefused(RuntimeError):
    """The demo must not be loaded into a production database."""


def load_demo(env: str, today: date | None = None) -> bool:
    """Create the demo accounts and incident; False if they already exist."""
    if env == "production":
        raise DemoRefused("本番設定（HOTLINE_ENV=production）ではデモデータを読み込めません。")
    if db.session.scalar(select(Incident).filter_by(slug=DEMO_SLUG)):
        return False
    users = {name: _user(name, label, role) for name, label, role in DEMO_USERS}
    aware = (today or date.today()) - timedelta(days=13)
    incident = notices.create_incident(
        slug=DEMO_SLUG,
        title="ミドリストア オンラインへの不正アクセスによる個人情報漏えいについて",
        aware_on=aware,
        malicious=True,
        contact_phone="0120-000-123",
        contact_hours="9:00〜20:00（土日祝日も受け付けています）",
        contact_form_url="/inquiry",
        contact_schedule=contact_window.normalized(
            f"{aware.isoformat()}〜{(aware + timedelta(days=60)).isoformat()} 9:00-20:00 土日祝も受付\n"
            f"{(aware + timedelta(days=61)).isoformat()}〜{(aware + timedelta(days=150)).isoformat()} 9:00-18:00 土日祝を除く"),
    )
    _publish(incident, users, FIRST_REPORT, first_groups(), aware + timedelta(days=2))
    _publish(incident, users, SECOND_REPORT, second_groups(), aware + timedelta(days=10))
    _inquiries(users)
    _callbacks()
    _blocks(users)
    load_people(incident, users["sato"], users["suzuki"])
    return True


DEMO_INQUIRIES = [
    (dict(name="青木 さくら", email="sakura.aoki@example.jp", reply_by=ReplyBy.EMAIL,
          category=InquiryCategory.ELIGIBILITY, message="2年前に一度だけミドリストアで買い物をしました。私の情報も漏れているのでしょうか。"), 30),
    (dict(name="井上 健", email="", phone="090-0000-1111", reply_by=ReplyBy.PHONE,
          category=InquiryCategory.OTHER, message="昨日、身に覚えのない請求がカード明細にありました。どうすればいいですか。"), 5),
    (dict(name="上田 美咲", email="misaki.ueda@example.jp", reply_by=ReplyBy.EMAIL,
          category=InquiryCategory.DELETION, message="退会して、登録している情報をすべて削除してほしいです。"), 120),
    (dict(name="山田 太郎", email="demo.customer0001@example.jp", reply_by=ReplyBy.EMAIL,
          category=InquiryCategory.LEAKED_DATA, notice_number="3141-5926-5358",
          message="お知らせの書面が届きました。私の場合、具体的にどの情報が漏れたのでしょうか。"), 45),
]


def _inquiries(users: dict) -> None:
    """A few inquiries waiting in the queue, so the console is not empty on first run."""
    for values, minutes_ago in DEMO_INQUIRIES:
        item = inquiries.receive({"phone": "", "notice_number": "", **values})
        item.created_at = item.created_at - timedelta(minutes=minutes_ago)


DEMO_BLOCKS = (
    ("カード番号の注意", "当社から、お電話やメールでカード番号・セキュリティコード・パスワードをお伺いすることはございません。"),
    ("窓口の受付時間", "9:00〜20:00（土日祝日も受け付けております）"),
)


def _blocks(users: dict) -> None:
    """Shared text blocks written by one supervisor and approved by the other."""
    for name, text in DEMO_BLOCKS:
        faq_blocks.approve_edit(faq_blocks.request_edit(None, name, text, users["sato"]), users["suzuki"])


def _callbacks() -> None:
    """Two booked callbacks: one due now (tried once already), one later today or tomorrow."""
    now = utcnow().replace(second=0, microsecond=0)
    on_grid = now.replace(minute=now.minute // 30 * 30)
    for number, phone, category, minutes, attempts in (
            ("CB-DEMO-0001", "090-0000-2222", InquiryCategory.CARD_FRAUD, -5, 1),
            ("CB-DEMO-0002", "03-0000-3333", InquiryCategory.COMPENSATION, 180, 0)):
        slot = on_grid + timedelta(minutes=(minutes // 30) * 30 - 30 * attempts)
        db.session.add(Callback(number=number, phone=phone, phone_hash=callbacks.phone_key(phone), category=category,
                                slot_at=slot, next_attempt_at=now + timedelta(minutes=minutes), attempts=attempts,
                                note="補償の対象を知りたい" if attempts == 0 else ""))


def _user(username: str, display_name: str, role: Role) -> User:
    """Create one demo account."""
    return accounts.create_user(username, display_name, DEMO_PASSWORD, role)


def _publish(incident, users, fields, groups, on: date) -> None:
    """Draft by sato, approval by suzuki, dated `on`."""
    report = notices.start_draft(incident, users["sato"])
    fields = dict(fields)
    period = {"period_start": incident.aware_on - timedelta(days=fields.pop("start_days_before")),
              "period_end": incident.aware_on}
    notices.update_draft(report, {**fields, **period}, groups, editor=users["sato"])
    notices.submit_for_approval(report, users["sato"])
    notices.approve_and_publish(report, users["suzuki"], notices.content_hash(report))
    report.published_at = datetime.combine(on, time(6, 0))
    db.session.flush()


SIGNATORY = "株式会社ミドリ商会\n代表取締役社長　緑川 一郎"
FIRST_REPORT = dict(
    start_days_before=70,
    title="【第一報】ミドリストア オンラインへの不正アクセスによる個人情報漏えいに関するお詫びとお知らせ",
    signatory=SIGNATORY,
    situation="当社が運営する通信販売サイト「ミドリストア オンライン」のサーバーが第三者による不正アクセスを受け、"
              "お客様の個人情報が外部に漏えいしたことが判明いたしました。",
    apology="お客様をはじめ関係者の皆様に多大なるご迷惑とご心配をおかけしておりますことを、深くお詫び申し上げます。",
    background="保守を委託している事業者から、サーバーに不審なファイルが置かれているとの連絡を受け、"
               "同日中にサイトを停止して調査を開始いたしました。",
    period_certainty=C,
    damage="現時点で、漏えいした情報が悪用されたとの報告は受けておりません。", damage_certainty=P,
    cause="外部からの不正アクセスによるものと考えておりますが、侵入経路は調査中です。", cause_certainty=P,
    investigation="サイトを停止し、外部の調査会社に調査を依頼しました。警察および個人情報保護委員会に報告しています。",
    secondary_risks="当社を装った不審なメールや電話、SMSが届くおそれがあります。",
    customer_actions="当社からメールでパスワードやカード番号をお尋ねすることはありません。"
                     "身に覚えのないメールのリンクは開かないでください。",
    next_steps="調査の進捗に応じて、第二報以降でお知らせいたします。対象のお客様には個別にご連絡いたします。",
)
MEMBER_ITEMS = {
    "name": (L.CONFIRMED, ""), "address": (L.CONFIRMED, ""), "email": (L.CONFIRMED, ""),
    "phone": (L.POSSIBLE, ""), "card_number": (L.POSSIBLE, ""), "card_expiry": (L.POSSIBLE, ""),
    "security_code": (L.INVESTIGATING, ""), "password": (L.NOT_LEAKED, "暗号化して保存しています"),
}


def _items(items: dict) -> list:
    """Item specs from {category value: (status, note)}."""
    return [notices.ItemSpec(status, DataCategory(key), note=note) for key, (status, note) in items.items()]


def first_groups() -> list:
    """第一報: members, with a range; phone orders not concerned."""
    return [
        notices.GroupSpec("会員のお客様", count_min=12000, count_max=48000, items=_items(MEMBER_ITEMS)),
        notices.GroupSpec("お電話でご注文のお客様", affected=False,
                          note="お電話でのご注文は別のシステムで受け付けており、影響はございません。"),
    ]


SECOND_REPORT = dict(
    start_days_before=84,
    title="【第二報】ミドリストア オンラインへの不正アクセスによる個人情報漏えいに関するお詫びとご報告",
    period_certainty=C,
    damage="一部のお客様から、クレジットカードの不正利用が疑われるとのご連絡を受けています。", damage_certainty=P,
    cause="決済画面のプログラムが第三者により改ざんされ、入力されたカード情報が外部に送信されていたものと見ています。",
    cause_certainty=P,
    investigation="外部の調査会社によるログ解析で、改ざんされたプログラムの設置日を特定しました。",
    secondary_risks="クレジットカードの不正利用、当社を装ったフィッシングメールのおそれがあります。",
    customer_actions="カードのご利用明細をご確認ください。身に覚えのない請求がある場合は、"
                     "カード裏面の電話番号からカード会社にご連絡のうえ、当窓口にもお知らせください。",
    next_steps="対象のお客様へのお詫びとお知らせの書面を順次お送りしています。調査が完了しましたら最終報告でお知らせいたします。",
    damage_cases=31,
    compensation_status="considering",
    service_status="ミドリストア オンラインでのカードによるお支払いを停止しております。",
    reopening_note="カード情報を当社のサーバーに通さない決済方式への切り替えが完了した後に再開いたします",
    next_update_note="調査の完了後、最終報告でお知らせいたします。",
    correction="第一報で「漏えいした期間」の始まりを確定としてお知らせしましたが、その後の調査で、"
               "それより2週間早い日から不正なプログラムが設置されていたことが判明しました。"
               "確定としてお知らせした内容を訂正し、深くお詫び申し上げます。",
)
SECOND_ITEMS = {
    **MEMBER_ITEMS,
    "phone": (L.CONFIRMED, ""), "card_holder": (L.LIKELY, ""),
    "card_number": (L.LIKELY, ""), "card_expiry": (L.LIKELY, ""), "security_code": (L.POSSIBLE, ""),
}


def second_groups() -> list:
    """第二報: the member range narrows; guests who paid by card appear (新たに判明)."""
    return [
        notices.GroupSpec("会員のお客様", count_min=31200, count_max=48000, items=_items(SECOND_ITEMS),
                          reason="ログの解析が進み、漏えいを確認した会員の数が増えました。上限は変わっておりません。"),
        notices.GroupSpec("ゲスト購入のお客様", count_max=6500, items=_items({
            "name": (L.POSSIBLE, ""), "address": (L.POSSIBLE, ""), "email": (L.POSSIBLE, ""),
            "card_number": (L.POSSIBLE, ""), "card_expiry": (L.POSSIBLE, ""),
            "password": (L.NOT_HELD, "会員登録をされていないため")}),
            reason="会員登録をせずにご購入されたお客様の決済も、改ざんされた画面を経由していたことが判明しました。"),
        notices.GroupSpec("お電話でご注文のお客様", affected=False,
                          note="お電話でのご注文は別のシステムで受け付けており、影響はございません。"),
    ]


def _demo_supervisors(env: str) -> tuple[User, User]:
    """The two demo supervisors: one brings shipped files in, the other approves them."""
    if env == "production":
        raise DemoRefused("本番設定（HOTLINE_ENV=production）ではデモデータを読み込めません。")
    author = db.session.scalar(select(User).filter_by(username="sato"))
    approver = db.session.scalar(select(User).filter_by(username="suzuki"))
    if author is None or approver is None:
        raise DemoRefused("先に flask demo load でデモのアカウントを作成してください。")
    return author, approver


def load_demo_answers(env: str, directory) -> int:
    """The shipped answer templates, brought in by one demo supervisor and approved by the other."""
    author, approver = _demo_supervisors(env)
    result = answer_files.import_specs(answer_files.read_answer_dir(directory), author)
    for template in result.changed:
        approval.approve(template, approver)
    return len(result.changed)


def load_demo_faq(env: str, directory) -> int:
    """The shipped FAQ files, brought in by one demo supervisor and approved by the other."""
    author, approver = _demo_supervisors(env)
    result = faq_imports.import_specs(faq_entries.read_faq_dir(directory), author)
    for change in result.changes:
        faq_changes.approve_change(change, approver)
    return len(result.changes)


@demo_cli.command("faq")
@click.argument("directory", default=str(PROJECT_ROOT / "faq"), type=click.Path(exists=True, file_okay=False))
def faq_command(directory: str) -> None:
    """Import and approve the demo FAQ as the two demo supervisors (never in production)."""
    try:
        count = load_demo_faq(current_app.config["HOTLINE_ENV"], directory)
    except (DemoRefused, faq_entries.FaqFileError, faq_changes.FaqChangeError) as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    faq_search.rebuild()
    click.echo(f"デモのよくあるご質問を取り込み、承認しました（{count} 件）。" if count
               else "デモのよくあるご質問はファイルと同じです。取り込むものはございません。")


@demo_cli.command("answers")
@click.argument("directory", default=str(PROJECT_ROOT / "answers"),
                type=click.Path(exists=True, file_okay=False))
def answers_command(directory: str) -> None:
    """Import and approve the demo answer templates as the two demo supervisors (never in production)."""
    try:
        count = load_demo_answers(current_app.config["HOTLINE_ENV"], directory)
    except (DemoRefused, answer_files.AnswerFileError) as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"デモの回答テンプレートを取り込み、承認しました（{count} 件）。")


@demo_cli.command("load")
def load_command() -> None:
    """Load the demo incident and demo staff accounts (never in production)."""
    try:
        created = load_demo(current_app.config["HOTLINE_ENV"])
    except DemoRefused as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo("デモデータを読み込みました。" if created else "デモデータは読み込み済みです。")
