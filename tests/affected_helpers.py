"""An incident whose published report names two groups, and affected-list files to import."""

import csv
import io

from hotline import notices
from hotline.models import DataCategory, LeakStatus

from .factories import make_draft, make_incident, publish

MEMBERS = "会員のお客様"
GIFTS = "ギフトのお届け先の方"
HEADER = ["会員番号", "氏名", "フリガナ", "メールアドレス", "電話番号", "郵便番号", "住所", "生年月日"]


def two_groups():
    """会員 with name, email and card number; お届け先 with name, address and phone."""
    item = notices.ItemSpec
    return [
        notices.GroupSpec(MEMBERS, unit="名", count_min=3, count_max=300, items=[
            item(LeakStatus.CONFIRMED, DataCategory.NAME), item(LeakStatus.CONFIRMED, DataCategory.EMAIL),
            item(LeakStatus.POSSIBLE, DataCategory.CARD_NUMBER), item(LeakStatus.NOT_LEAKED, DataCategory.PASSWORD)]),
        notices.GroupSpec(GIFTS, unit="名", count_min=2, count_max=200, items=[
            item(LeakStatus.CONFIRMED, DataCategory.NAME), item(LeakStatus.CONFIRMED, DataCategory.ADDRESS),
            item(LeakStatus.INVESTIGATING, DataCategory.PHONE)]),
    ]


def incident_with_groups(staff, slug="list-incident"):
    """An incident with a published 第一報 naming both groups."""
    incident = make_incident(slug)
    report = make_draft(incident, staff["sup1"], groups=two_groups(),
                        cause="第三者による不正アクセスと見ておりますが、侵入経路は調査中です。",
                        secondary_risks="当社を装った不審なメールが届くおそれがございます。",
                        customer_actions="カードのご利用明細をご確認ください。")
    publish(report, staff["sup1"], staff["sup2"])
    return incident


def csv_bytes(rows, header=HEADER, encoding="utf-8") -> bytes:
    """A CSV file as a system would export it."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


MEMBER_ROWS = [
    ["M0001", "山田 太郎", "ヤマダ タロウ", "taro@example.jp", "090-1111-2222", "100-0001", "東京都千代田区1-1", "1980-04-01"],
    ["M0002", "佐藤 花子", "サトウ ハナコ", "hanako@example.jp", "", "530-0001", "大阪府大阪市北区2-2", "1975/12/31"],
    ["M0003", "鈴木 一郎", "スズキ イチロウ", "", "03-1234-5678", "060-0001", "北海道札幌市中央区3-3", ""],
]
GIFT_ROWS = [
    ["", "山田太郎", "", "", "09011112222", "100-0001", "東京都千代田区1-1", ""],
    ["", "高橋 次郎", "タカハシ ジロウ", "", "", "812-0011", "福岡県福岡市博多区4-4", ""],
]
