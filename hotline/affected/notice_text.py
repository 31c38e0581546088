"""The text of an individual notice: drafted from a published report, filled in per person.

The draft holds the items 規則10条 asks for (概要, 漏えい等した項目, 原因, 二次被害のおそれ,
その他参考となる事項), what to do now and the contact window, worded from the report's typed
facts with their caveats. Per-person values stay placeholders until a notice is queued
or printed: {氏名}, {お知らせ番号}, {確認コード} and {対象の情報}, which is written from the
person's groups as the report states them (one paragraph per group). Provisional sections
are marked 「（調査中）」 and one caveat says what that means.
"""

import re

from flask import current_app

from sqlalchemy import select

from ..extensions import db
from ..models import AffectedPerson, Certainty, Incident, Report
from ..notices import periods, phrasing
from .people import GroupFacts, facts_for, normalize_number

PLACEHOLDERS = ("{氏名}", "{お知らせ番号}", "{確認コード}", "{対象の情報}", "{変更点}", "{お詫び品コード}", "{お詫び品の期限}")
GIFT_PLACEHOLDERS = ("{お詫び品コード}", "{お詫び品の期限}")
REQUIRED = ("{お知らせ番号}", "{確認コード}", "{対象の情報}")
# The subject is kept in clear in the outbox (and in mail logs on the way): only what is no secret.
SUBJECT_PLACEHOLDERS = ("{お知らせ番号}", "{お詫び品の期限}")
_PLACEHOLDER = re.compile(r"\{[^{}\s]{1,20}\}")
TO_WRITE = "【記入してください："


class NoticeTextError(ValueError):
    """A notice text that cannot be sent; the text is Japanese."""


def _paragraphs(text: str) -> str:
    return "\n".join(p.strip() for p in (text or "").split("\n") if p.strip())


def _heading(title: str, certainty: Certainty) -> str:
    """A section title, marked 「（調査中）」 while its fact is provisional (the caveat is said once, below)."""
    return title if certainty is Certainty.CONFIRMED else f"{title}（調査中）"


CAVEAT = ("※「可能性」「調査中」とした事項は、現時点での調査結果にもとづくものであり、今後の調査により"
          "変わる可能性がございます。新たな事実が判明しましたら、改めてお知らせいたします。")


def draft(report: Report, follow_up: bool = False) -> tuple[str, str]:
    """Subject and body for a campaign of this published report, placeholders left in.

    An item the law requires that the report does not state (the cause, the risk of
    secondary damage) becomes 「【記入してください：…】」, which `check` refuses.
    """
    incident = report.incident
    company = current_app.config["COMPANY_NAME"]
    url = current_app.config["PUBLIC_URL"]
    subject = f"【重要】{company}より個人情報の漏えいに関するお詫びとお知らせ（お知らせ番号 {{お知らせ番号}}）"
    if follow_up:
        subject = f"【重要】{company}よりお知らせした内容の変更について（お知らせ番号 {{お知らせ番号}}）"
    sections = [("前回のお知らせからの変更点", "{変更点}")] if follow_up else []
    sections += [
        ("概要", "\n".join(s for s in (_paragraphs(report.situation),
                                         periods.sentence(periods.of_report(report))) if s)),
        ("お客様に関わる情報", "{対象の情報}"),
        (_heading("原因", report.cause_certainty),
         _paragraphs(report.cause) or f"{TO_WRITE}漏えいの原因（調査中であればその旨）】"),
        (_heading("現在の被害の状況", report.damage_certainty), _paragraphs(report.damage)),
        ("二次被害のおそれ", _paragraphs(report.secondary_risks)
         or f"{TO_WRITE}二次被害またはそのおそれの有無と、その内容】"),
        ("お客様へのお願い", _paragraphs(report.customer_actions)),
        ("当社の対応", "\n".join(s for s in (_paragraphs(report.investigation), _paragraphs(report.next_steps)) if s)),
        ("このお知らせの真偽の確認",
         "このお知らせが当社からのものかどうかは、次のページでお知らせ番号と確認コードを入力してご確認いただけます。\n"
         f"{url}/verify\nお知らせ番号：{{お知らせ番号}}　確認コード：{{確認コード}}\n"
         "当社が、メール・SMS・お電話で、クレジットカード番号やパスワードをお尋ねすることはございません。"),
        ("本件に関するお問い合わせ",
         "\n".join(s for s in (
             f"{incident.title} 専用窓口",
             f"電話：{report.contact_phone}" if report.contact_phone else "",
             f"受付時間：{report.contact_hours}" if report.contact_phone and report.contact_hours else "",
             f"お問い合わせフォーム：{url}/inquiry",
             f"経緯と最新の状況：{url}/notices/{incident.slug}/",
             "お問い合わせの際は、お知らせ番号をお伝えください。") if s)),
    ]
    # Not every recipient is a customer (gift recipients): no 「ご利用いただき」.
    opening = ("{氏名} 様\n\n"
               f"{company}でございます。\n"
               + (_paragraphs(report.apology) or
                  "このたび、お客様の個人情報が漏えいした、またはそのおそれがあることが判明いたしました。"
                  "多大なるご迷惑とご心配をおかけしておりますことを、深くお詫び申し上げます。"))
    if phrasing.has_provisional_facts(report):
        sections.insert(-2, ("", CAVEAT))
    body = opening + "\n\n" + "\n\n".join(f"■ {title}\n{text}" if title else text for title, text in sections if text)
    if report.signatory:
        body += "\n\n" + _paragraphs(report.signatory)
    return subject, body


def check_subject(subject: str) -> None:
    """Refuse a subject with a personal placeholder: its filled text would be stored in clear."""
    personal = [p for p in PLACEHOLDERS if p in subject and p not in SUBJECT_PLACEHOLDERS]
    if personal:
        raise NoticeTextError(
            "件名には " + "、".join(personal) + " を使えません。件名は暗号化されずに送信記録に残るため、"
            "お名前などは本文に入れてください（件名に使えるのは " + "、".join(SUBJECT_PLACEHOLDERS) + " です）。")


def check(subject: str, body: str, gift: bool = False) -> None:
    """Refuse a text that lacks what every notice must carry, or has placeholders we cannot fill.

    With a gift the code and its deadline must be in the body; without one, neither may be.
    """
    used = [p for p in GIFT_PLACEHOLDERS if p in subject + body]
    if gift and len(used) < 2:
        raise NoticeTextError("お詫び品を送る場合は、本文に {お詫び品コード} と {お詫び品の期限} を入れてください。")
    if not gift and used:
        raise NoticeTextError("お詫び品が設定されていないため、" + "、".join(used) + " は使えません。")
    missing = [p for p in REQUIRED if p not in body]
    if missing:
        raise NoticeTextError("本文に " + "、".join(missing) + " が必要です（お一人ずつの内容に置き換わります）。")
    unknown = sorted({p for p in _PLACEHOLDER.findall(subject + body) if p not in PLACEHOLDERS})
    if unknown:
        raise NoticeTextError("使えない差し込み項目があります: " + "、".join(unknown)
                              + f"（使えるのは {'、'.join(PLACEHOLDERS)}）")
    if not subject.strip():
        raise NoticeTextError("件名を入力してください。")
    check_subject(subject)
    if TO_WRITE in subject + body:
        raise NoticeTextError("報に記載がなかった項目があります。本文の「【記入してください：…】」を書き換えてください"
                              "（個人情報保護法施行規則10条で本人に通知する事項です）。")


def facts_text(facts: list[GroupFacts]) -> str:
    """{対象の情報}: each of the person's groups with its items as published (the caveat is the body's, once)."""
    parts = []
    for group in facts:
        if group.group is None or not group.group.affected:
            continue
        sentences = phrasing.item_sentences(group.group, caveat=False)
        if not sentences:
            sentences = ["対象となる情報の項目は、現在調査しております。"]
        parts.append(f"【{group.name}として】\n" + "".join(sentences))
    return "\n".join(parts)


def fill(text: str, person: AffectedPerson, facts: list[GroupFacts], written: str | None = None,
         changed: str = "", extra: dict[str, str] | None = None) -> str:
    """A subject or body with this person's values.

    `written` is their {対象の情報} if already worded; `changed` their {変更点}; `extra` the
    values of their delivery ({お詫び品コード}, {お詫び品の期限}).
    """
    if "{対象の情報}" in text and written is None:
        written = facts_text(facts)
    values = {"{氏名}": person.name or "お客様", "{お知らせ番号}": person.notice_number,
              "{確認コード}": person.verify_code, "{対象の情報}": written or "", "{変更点}": changed, **(extra or {})}
    for key, value in values.items():
        text = text.replace(key, value)
    return text


def items_for_number(incident: Incident | None, number: str) -> str:
    """{対象の情報} for the person with this notice number in the incident's list ('' when nobody)."""
    if incident is None or not number:
        return ""
    person = db.session.scalar(select(AffectedPerson).where(
        AffectedPerson.incident_id == incident.id, AffectedPerson.notice_number == normalize_number(number)))
    if person is None:
        return ""
    return facts_text(facts_for(person)[1])
