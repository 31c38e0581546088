"""Importing the affected list: encodings, validation all-or-nothing, 名寄せ, re-import, sealing."""

import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from hotline import affected
from hotline.affected.files import ListFileError, read_table
from hotline.affected.rows import ColumnError, map_columns, validate
from hotline.extensions import db
from hotline.models import AffectedMembership, AffectedPerson, AuditEvent, MergeCandidate

from .affected_helpers import GIFT_ROWS, GIFTS, HEADER, MEMBER_ROWS, MEMBERS, csv_bytes, incident_with_groups


def people_count() -> int:
    return db.session.scalar(select(func.count(AffectedPerson.id)))


# Reading files (no database) ---------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_csv_is_read_in_every_encoding_real_systems_export(encoding):
    table = read_table(csv_bytes(MEMBER_ROWS, encoding=encoding), "members.csv")
    assert table.header == HEADER
    assert table.rows[0][1] == "山田 太郎"


def test_a_file_in_neither_encoding_is_refused_with_the_line():
    data = csv_bytes(MEMBER_ROWS[:1]) + b"M2,\x80\xff\r\n"
    with pytest.raises(ListFileError, match="文字コードを判別できません（3行目付近）"):
        read_table(data, "x.csv")


def test_broken_quotes_and_oversized_files_are_refused():
    with pytest.raises(ListFileError, match="引用符"):
        read_table('会員番号,氏名\r\nM1,"山田\r\n'.encode() + b'x' * 10 + b'",\r\nM2,"a"b"\r\n', "x.csv")
    with pytest.raises(ListFileError, match="大きすぎます"):
        read_table(b"a" * 2000, "x.csv", max_bytes=1000)
    with pytest.raises(ListFileError, match="空"):
        read_table(b"  \r\n", "x.csv")


def xlsx_bytes(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_is_read_and_numbers_that_lost_their_zero_are_named():
    from datetime import datetime

    data = xlsx_bytes([HEADER, ["M1", "山田 太郎", "", "t@example.jp", 9011112222, "100-0001", "東京都", datetime(1980, 4, 1)]])
    table = read_table(data, "list.xlsx")
    rows, errors = validate(table, map_columns(table.header), "会員")
    assert not rows
    assert [str(e) for e in errors] == ["2行目・電話番号: 数値として保存され先頭の0が失われています。列を文字列にして保存し直してください。"]
    with pytest.raises(ListFileError, match="Excel"):
        read_table(b"PK\x03\x04broken", "list.xlsx")


def test_columns_must_all_be_known_or_mapped():
    with pytest.raises(ColumnError, match="「備考」"):
        map_columns(HEADER + ["備考"])
    assert "member_id" in map_columns(["顧客コード", "お名前", "備考"], {"顧客コード": "member_id", "備考": "-"}).values()
    with pytest.raises(ColumnError, match="「氏名」の列がありません"):
        map_columns(["会員番号", "メールアドレス"])
    with pytest.raises(ColumnError, match="2つあります"):
        map_columns(["氏名", "お名前"])


def test_every_bad_cell_is_reported_with_row_column_and_reason():
    bad = [
        ["M1", "=HYPERLINK(\"http://x\")", "", "", "", "", "", ""],
        ["M2", "<script>alert(1)</script>", "", "", "", "", "", ""],
        ["M3", "山田\x07太郎", "", "", "", "", "", ""],
        ["M4", "佐藤", "さとう", "not-an-address", "12345", "1234", "", "1980-02-30"],
        ["M 5", "", "", "", "", "", "", ""],
    ]
    table = read_table(csv_bytes(bad), "bad.csv")
    rows, errors = validate(table, map_columns(table.header), "会員")
    messages = [str(e) for e in errors]
    assert rows == []
    assert messages[0].startswith("2行目・氏名: 「=」「+」「-」「@」で始まる値")
    assert messages[1] == "3行目・氏名: 使用できない記号（< > { } \\ `）が含まれています。"
    assert messages[2] == "4行目・氏名: 改行・タブ・制御文字が含まれています。"
    assert any(m.startswith("5行目・メールアドレス") for m in messages)
    assert "5行目・電話番号: 電話番号として読めません（0から始まる10桁または11桁）。" in messages
    assert "5行目・郵便番号: 郵便番号は7桁で入力してください（例: 100-0001）。" in messages
    assert "5行目・生年月日: 存在しない日付です。" in messages
    assert "6行目・会員番号: 英数字と - _ . だけで入力してください。" in messages


def test_values_are_normalized():
    table = read_table(csv_bytes([["Ｍ０００１", "山田　太郎", "やまだ たろう", "Taro@Example.JP", "+81 90-1111-2222",
                                   "〒1000001", "東京都", "1980年4月1日"]]), "x.csv")
    (row,), errors = validate(table, map_columns(table.header), "会員")
    assert errors == []
    assert (row.member_id, row.name, row.kana, row.email, row.phone, row.postal_code, row.birth_date) == (
        "M0001", "山田 太郎", "ヤマダ タロウ", "taro@example.jp", "09011112222", "100-0001", "1980-04-01")


# Importing (both databases) ----------------------------------------------------------


def test_import_merges_lists_and_reimport_updates_without_duplicates(app, staff):
    incident = incident_with_groups(staff)
    first = affected.import_list(incident, csv_bytes(MEMBER_ROWS), "members.csv", group=MEMBERS, user=staff["sup1"])
    gifts = affected.import_list(incident, csv_bytes(GIFT_ROWS), "gifts.csv", group=GIFTS, user=staff["sup1"])
    db.session.commit()
    assert (first.record.added, gifts.record.added, gifts.record.merged) == (3, 1, 1)
    assert gifts.merged_rules == {"氏名と電話番号が一致": 1}
    assert people_count() == 4
    taro = db.session.scalar(select(AffectedPerson).where(AffectedPerson.member_hash != "").order_by(AffectedPerson.id))
    assert taro.group_names == [MEMBERS, GIFTS]

    corrected = [row[:] for row in MEMBER_ROWS]
    corrected[1][3] = "hanako.sato@example.jp"
    del corrected[2]
    again = affected.import_list(incident, csv_bytes(corrected), "members.csv", group=MEMBERS, user=staff["sup1"])
    db.session.commit()
    assert (again.record.added, again.record.updated, again.record.removed) == (0, 2, 1)
    assert people_count() == 3
    emails = {p.email for p in db.session.scalars(select(AffectedPerson))}
    assert "hanako.sato@example.jp" in emails and "hanako@example.jp" not in emails
    actions = db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "import")).all()
    assert len(actions) == 3 and "更新2" in actions[-1]


def test_a_list_without_member_ids_imported_again_with_a_corrected_email_asks_whether_it_is_one_person(app, staff):
    from hotline.models import NoticeChannel, NoticeEvent

    incident = incident_with_groups(staff)
    rows = [["", "木村 彩", "", "aya@exampel.jp", "", "", "", ""], ["", "森 健", "", "ken@example.jp", "", "", "", ""]]
    affected.import_list(incident, csv_bytes(rows), "guests.csv", group=MEMBERS, user=staff["sup1"])
    aya = db.session.scalars(select(AffectedPerson).order_by(AffectedPerson.id)).first()
    db.session.add(NoticeEvent(person_id=aya.id, kind="sent", channel=NoticeChannel.EMAIL, happened_on=aya.updated_at.date()))
    db.session.commit()
    rows[0][3] = "aya@example.jp"  # the typo corrected at the source
    again = affected.import_list(incident, csv_bytes(rows), "guests.csv", group=MEMBERS, user=staff["sup1"])
    db.session.commit()
    assert (again.record.added, again.record.removed, again.record.candidates) == (1, 1, 1)
    candidate = db.session.scalars(select(MergeCandidate)).one()
    assert {candidate.person_id, candidate.other_id} >= {aya.id} and "取り込み直し" in candidate.reason
    rows[1][3] = "ken.mori@example.jp"  # never notified: the old row simply gives way
    third = affected.import_list(incident, csv_bytes(rows), "guests.csv", group=MEMBERS, user=staff["sup1"])
    db.session.commit()
    assert (third.record.added, third.record.candidates) == (1, 0)
    assert people_count() == 4 - 1  # 木村 twice (one notified, kept for the supervisor), 森 once


def test_a_file_with_one_bad_row_imports_nothing(app, staff):
    incident = incident_with_groups(staff)
    rows = MEMBER_ROWS + [["M9", "田中", "", "", "0000", "", "", ""]]
    with pytest.raises(affected.ImportRefused) as refused:
        affected.import_list(incident, csv_bytes(rows), "members.csv", group=MEMBERS, user=staff["sup1"])
    db.session.rollback()
    assert "1件の誤り" in refused.value.lines[0]
    assert refused.value.lines[1].startswith("5行目・電話番号")
    assert people_count() == 0


def test_unknown_groups_duplicates_and_agents_are_refused(app, staff):
    incident = incident_with_groups(staff)
    with pytest.raises(affected.ImportRefused) as refused:
        affected.import_list(incident, csv_bytes(MEMBER_ROWS), "m.csv", group="会員", user=staff["sup1"])
    assert f"「会員」は報の対象者の区分にありません（区分: {MEMBERS}、{GIFTS}）" in refused.value.lines[1]
    with pytest.raises(affected.ImportRefused) as refused:
        affected.import_list(incident, csv_bytes(MEMBER_ROWS + MEMBER_ROWS[:1]), "m.csv", group=MEMBERS,
                             user=staff["sup1"])
    assert refused.value.lines[1] == "5行目・会員番号: 2行目と同じ会員番号です（同じ区分で重複）。"
    with pytest.raises(affected.ImportRefused, match="責任者"):
        affected.import_list(incident, csv_bytes(MEMBER_ROWS), "m.csv", group=MEMBERS, user=staff["agent"])


def test_uncertain_merges_are_listed_and_a_supervisor_decides(app, staff):
    incident = incident_with_groups(staff)
    family = [
        ["F1", "伊藤 健", "", "ito@example.jp", "", "", "", "2015-05-05"],
        ["F2", "伊藤 葵", "", "ito@example.jp", "", "", "", "2017-07-07"],
        ["F3", "木村 彩", "", "aya@example.jp", "", "", "", "1990-01-01"],
    ]
    affected.import_list(incident, csv_bytes(family), "family.csv", group=MEMBERS, user=staff["sup1"])
    other = [["", "木村 彩", "", "aya.k@example.jp", "", "", "", "1990-01-01"]]
    affected.import_list(incident, csv_bytes(other), "gifts.csv", group=GIFTS, user=staff["sup1"])
    db.session.commit()
    assert people_count() == 4
    waiting = affected.open_candidates(incident)
    reasons = sorted(c.reason for c in waiting)
    assert reasons == ["メールアドレスが同じで氏名が異なる（ご家族などの可能性）", "氏名と生年月日が一致し、連絡先が異なる"]
    family_pair = next(c for c in waiting if "ご家族" in c.reason)
    with pytest.raises(affected.MergeError, match="責任者"):
        affected.decide(family_pair, merge=True, user=staff["agent"])
    affected.decide(family_pair, merge=False, user=staff["sup2"])
    same = next(c for c in waiting if "生年月日" in c.reason)
    affected.decide(same, merge=True, user=staff["sup2"])
    db.session.commit()
    assert people_count() == 3
    aya = db.session.get(AffectedPerson, same.person_id)
    assert aya.group_names == [MEMBERS, GIFTS]
    assert affected.open_candidates(incident) == []
    with pytest.raises(affected.MergeError):
        affected.decide(family_pair, merge=True, user=staff["sup2"])
    # Importing the same family again does not ask the same question twice.
    affected.import_list(incident, csv_bytes(family), "family.csv", group=MEMBERS, user=staff["sup1"])
    db.session.commit()
    assert affected.open_candidates(incident) == []


def test_no_contact_detail_is_in_the_database_file_in_clear(app, staff, database_url):
    from datetime import datetime

    from hotline.affected import campaigns, notice_text, sending

    incident = incident_with_groups(staff)
    affected.import_list(incident, csv_bytes(MEMBER_ROWS), "members.csv", group=MEMBERS, user=staff["sup1"])
    db.session.commit()
    # The outbox keeps the subject in clear: a name in it is refused, and mail queued with the rest stays sealed.
    campaign = campaigns.create(incident, staff["sup1"])
    with pytest.raises(notice_text.NoticeTextError, match="件名には {氏名}、{確認コード} を使えません。"):
        campaigns.update(campaign, {"subject": "{氏名} 様 {確認コード}"}, staff["sup1"])
    campaigns.submit(campaign, staff["sup1"])
    campaigns.approve(campaign, staff["sup2"], campaigns.content_hash(campaign))
    morning = datetime(2026, 12, 3, 1, 0)
    campaign.last_pump_at, campaign.credit = morning, 10.0
    assert sending._queue_some(campaign, morning) == 2
    db.session.commit()
    if database_url.startswith("sqlite"):
        db.engine.dispose()
        raw = b"".join(p.read_bytes() for p in Path(database_url[10:]).parent.glob("hotline.sqlite3*"))
        assert len(raw) > 10000
    else:
        raw = b"".join(str(v).encode() for v in db.session.connection().exec_driver_sql(
            "SELECT email, phone, name, member_id FROM affected_person").all())
        raw += b"".join(str(v).encode() for v in db.session.connection().exec_driver_sql(
            "SELECT to_addr, to_name, subject, body FROM outbox_mail").all())
    codes = [p.verify_code for p in db.session.scalars(select(AffectedPerson))]
    for secret in ("taro@example.jp", "09011112222", "090-1111-2222", "山田 太郎", "M0001", "佐藤 花子", *codes):
        assert secret.encode() not in raw
    # The application reads them back.
    assert {p.email for p in db.session.scalars(select(AffectedPerson))} == {"taro@example.jp", "hanako@example.jp", ""}
    # A campaign approved with a name in its subject (before the rule) stops before sending any more.
    campaign.subject = "{氏名} 様へのお知らせ"
    campaign.content_hash = campaigns.content_hash(campaign)
    assert campaigns.why_not_sendable(campaign).startswith("自動停止：件名には {氏名} を使えません。")


def test_keys_rotate_and_a_missing_key_is_a_clear_error(app, staff):
    from cryptography.fernet import Fernet

    from hotline.models._sealed import SealingError

    incident = incident_with_groups(staff)
    affected.import_list(incident, csv_bytes(MEMBER_ROWS), "members.csv", group=MEMBERS, user=staff["sup1"])
    db.session.commit()
    old = app.config["DATA_KEYS"][0]
    new = Fernet.generate_key().decode()
    app.config["DATA_KEYS"] = [new, old]
    changed = affected.rotate_keys()
    db.session.commit()
    assert changed >= 3 * 2
    app.config["DATA_KEYS"] = [new]
    db.session.expire_all()
    assert sorted(p.name for p in db.session.scalars(select(AffectedPerson))) == ["佐藤 花子", "山田 太郎", "鈴木 一郎"]
    app.config["DATA_KEYS"] = [old]
    db.session.expire_all()
    with pytest.raises(SealingError, match="復号できません"):
        list(db.session.scalars(select(AffectedPerson)))
    app.config["DATA_KEYS"] = [new]


def test_purge_removes_people_past_retention(app, staff):
    from datetime import timedelta

    from hotline.models._types import utcnow

    incident = incident_with_groups(staff)
    affected.import_list(incident, csv_bytes(MEMBER_ROWS), "members.csv", group=MEMBERS, user=staff["sup1"])
    db.session.commit()
    old = db.session.scalars(select(AffectedPerson)).first()
    old.updated_at = utcnow() - timedelta(days=800)
    db.session.commit()
    assert affected.purge(730) == 1
    db.session.commit()
    assert people_count() == 2
    assert db.session.scalar(select(func.count(AffectedMembership.id))) == 2
    assert db.session.scalar(select(func.count(MergeCandidate.id))) == 0


def test_a_list_written_in_chunks_merges_across_them(app, staff, monkeypatch):
    from hotline.affected import importing

    monkeypatch.setattr(importing, "CHUNK", 2)
    incident = incident_with_groups(staff)
    rows = [["", "木村 彩", "", "aya@example.jp", "", "", "", ""], ["", "林 誠", "", "m@example.jp", "", "", "", ""],
            ["", "森 恵子", "", "k@example.jp", "", "", "", ""], ["", "木村彩", "", "aya@example.jp", "", "100-0001", "東京都", ""]]
    result = affected.import_list(incident, csv_bytes(rows), "gifts.csv", group=GIFTS, user=staff["sup1"])
    db.session.commit()
    assert (result.record.added, result.record.merged, people_count()) == (3, 1, 3)
    aya = next(p for p in db.session.scalars(select(AffectedPerson)) if p.email == "aya@example.jp")
    assert aya.address == "東京都" and aya.group_names == [GIFTS]
    again = affected.import_list(incident, csv_bytes(rows[:3]), "gifts.csv", group=GIFTS, user=staff["sup1"])
    db.session.commit()
    assert (again.record.updated, again.record.removed, people_count()) == (3, 0, 3)
