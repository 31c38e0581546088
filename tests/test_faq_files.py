"""FAQ files: parsing, idempotent import, Markdown sanitizing, votes, statistics."""

import pytest
from sqlalchemy import func, select

from hotline import faq
from hotline.extensions import db
from hotline.faq import markdown
from hotline.models import AuditEvent, FaqChange, FaqEntry

from .factories import publish_faq

GOOD = """+++
id = "card-replace"
category = "クレジットカード"
question = "カードを再発行したほうがいいですか？"
alternatives = ["クレカ 作り直し", "カード番号を変えたい"]
keywords = ["再発行"]
order = 5
+++
カード会社に**再発行**をご依頼ください。
"""


def test_parse_reads_header_and_answer():
    spec = faq.parse_faq_file(GOOD, "card.md")
    assert spec.key == "card-replace" and spec.order == 5
    assert spec.alternatives == ["クレカ 作り直し", "カード番号を変えたい"]
    assert spec.answer.startswith("カード会社に")


@pytest.mark.parametrize("text, message", [
    ("no header", "ヘッダー"),
    ("+++\nid = \n+++\nx", "読み取れません"),
    ("+++\nid = \"a\"\ncategory = \"c\"\n+++\n本文", "question"),
    ("+++\nid = \"a b\"\ncategory = \"c\"\nquestion = \"q\"\n+++\n本文", "半角英数字"),
    ("+++\nid = \"a\"\ncategory = \"c\"\nquestion = \"q\"\n+++\n", "本文"),
    ("+++\nid = \"a\"\ncategory = \"c\"\nquestion = \"q\"\nalternatives = \"x\"\n+++\n本文", "配列"),
])
def test_bad_files_get_japanese_errors_naming_the_file(text, message):
    with pytest.raises(faq.FaqFileError, match=message) as caught:
        faq.parse_faq_file(text, "bad.md")
    assert "bad.md" in str(caught.value)


def test_control_characters_are_removed_from_questions():
    spec = faq.parse_faq_file(GOOD.replace("カードを再発行", "カード\u200bを\u202e再発行"), "x.md")
    assert spec.question == "カードを再発行したほうがいいですか？"


def test_a_file_is_public_only_once_a_second_supervisor_approves_it(app, staff):
    spec = faq.parse_faq_file(GOOD, "card.md")
    first = faq.import_specs([spec], staff["sup1"])
    db.session.commit()
    assert len(first.changes) == 1 and first.unchanged == 0
    assert db.session.scalar(select(func.count(FaqEntry.id))) == 0  # nothing public yet
    again = faq.import_specs([spec], staff["sup1"])
    assert again.changes == [] and again.unchanged == 1  # running it twice proposes nothing new
    with pytest.raises(faq.FaqChangeError, match="書いた方は承認できません"):
        faq.approve_change(first.changes[0], staff["sup1"])
    entry = faq.approve_change(first.changes[0], staff["sup2"])
    db.session.commit()
    assert (entry.question, entry.source, entry.published) == ("カードを再発行したほうがいいですか？", "file", True)
    assert entry.alternatives == "クレカ 作り直し\nカード番号を変えたい" and entry.display_order == 5
    update = db.session.scalar(select(AuditEvent).filter_by(action="update", target_type="faq_entry"))
    assert update.user_id == staff["sup2"].id
    assert faq.import_specs([spec], staff["sup1"]).unchanged == 1


def test_a_changed_file_waits_for_approval_and_the_public_entry_stays_until_then(app, staff):
    spec = faq.parse_faq_file(GOOD, "card.md")
    publish(spec, staff)
    spec.question = "カードは作り直すべき？"
    changed = faq.import_specs([spec], staff["sup2"])
    db.session.commit()
    assert len(changed.changes) == 1
    assert db.session.scalar(select(FaqEntry.question)) == "カードを再発行したほうがいいですか？"
    faq.approve_change(changed.changes[0], staff["sup1"])
    db.session.commit()
    assert db.session.scalar(select(func.count(FaqEntry.id))) == 1
    assert db.session.scalar(select(FaqEntry.question)) == "カードは作り直すべき？"


def test_a_file_put_back_withdraws_its_waiting_change(app, staff):
    spec = faq.parse_faq_file(GOOD, "card.md")
    publish(spec, staff)
    spec.answer = "別の回答"
    waiting = faq.import_specs([spec], staff["sup1"]).changes[0]
    spec.answer = "カード会社に**再発行**をご依頼ください。"
    result = faq.import_specs([spec], staff["sup1"])
    assert result.changes == [] and result.unchanged == 1 and waiting.status == "withdrawn"


def test_a_back_office_edit_waiting_is_not_replaced_by_a_file(app, staff):
    spec = faq.parse_faq_file(GOOD, "card.md")
    entry = publish(spec, staff)
    office = faq.request_change(entry, {"answer": "管理画面で直した回答"}, staff["sup2"])
    spec.answer = "ファイルで直した回答"
    result = faq.import_specs([spec], staff["sup1"])
    assert result.kept == ["card-replace"] and result.changes == [] and office.status == "pending"


def test_only_a_supervisor_brings_files_in(app, staff):
    with pytest.raises(faq.FaqChangeError, match="責任者以上"):
        faq.import_specs([faq.parse_faq_file(GOOD, "card.md")], staff["agent"])


def test_the_import_command_names_its_author_and_says_what_waits(app, staff, runner, tmp_path):
    (tmp_path / "card.md").write_text(GOOD, encoding="utf-8")
    missing = runner.invoke(args=["faq", "import", str(tmp_path)])
    assert missing.exit_code != 0 and "--author" in missing.output
    unknown = runner.invoke(args=["faq", "import", str(tmp_path), "--author", "nobody"])
    assert unknown.exit_code != 0 and "ユーザーが見つかりません: nobody" in unknown.output
    done = runner.invoke(args=["faq", "import", str(tmp_path), "--author", "sup1"])
    assert done.exit_code == 0, done.output
    assert "承認待ち 1 件、変更なし 0 件" in done.output and "別の責任者が承認すると公開されます" in done.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count(FaqEntry.id))) == 0
    assert db.session.scalar(select(func.count(FaqChange.id)).filter_by(status="pending")) == 1


def publish(spec, staff) -> FaqEntry:
    """A file brought in by sup1 and approved by sup2."""
    entry = faq.approve_change(faq.import_specs([spec], staff["sup1"]).changes[0], staff["sup2"])
    db.session.commit()
    return entry


def test_duplicate_ids_in_a_folder_are_refused(tmp_path):
    (tmp_path / "a.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.md").write_text(GOOD, encoding="utf-8")
    with pytest.raises(faq.FaqFileError, match="a.md"):
        faq.read_faq_dir(tmp_path)


def test_shipped_faq_folder_parses():
    from hotline.config import PROJECT_ROOT

    specs = faq.read_faq_dir(PROJECT_ROOT / "faq")
    assert len(specs) >= 30
    assert len({s.category for s in specs}) >= 5


@pytest.mark.parametrize("source", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    '<a href="http://x" onclick="evil()">x</a>',
])
def test_markdown_never_lets_html_through(source):
    tags = _tags(str(markdown.render(source)))
    assert {name for name, _ in tags} <= {"p", "a"}
    for _, attrs in tags:
        assert all(not key.startswith("on") for key, _ in attrs)
        assert all(not (value or "").startswith("javascript") for _, value in attrs)


def _tags(html: str) -> list:
    """(tag, attributes) of every element in an HTML fragment."""
    from html.parser import HTMLParser

    found = []
    parser = HTMLParser()
    parser.handle_starttag = lambda tag, attrs: found.append((tag, attrs))
    parser.feed(html)
    return found


def test_markdown_keeps_formatting():
    html = str(markdown.render("**大切**\n\n- 一つ目\n- 二つ目\n\n[お知らせ](/notices/)"))
    assert "<strong>大切</strong>" in html and "<li>一つ目</li>" in html
    assert '<a href="/notices/"' in html


def test_one_vote_per_browser(app):
    entry = publish_faq([faq.parse_faq_file(GOOD, "card.md")])[0]
    assert faq.record_vote(entry, "browser-1", True) is True
    assert faq.record_vote(entry, "browser-1", False) is False
    assert faq.record_vote(entry, "browser-2", False) is True
    db.session.commit()
    db.session.refresh(entry)
    assert (entry.helpful_yes, entry.helpful_no) == (1, 1)


def test_search_statistics_keep_unanswered_queries(app):
    faq.record_search("ぽいんと", 0)
    faq.record_search("ぽいんと", 0)
    faq.record_search("かーど", 3)
    faq.record_open("かーど")
    faq.record_search("たいかい", 2)
    db.session.commit()
    rows = {s.query: s for s in faq.unanswered_queries()}
    assert rows["ぽいんと"].zero_hits == 2 and rows["ぽいんと"].searches == 2
    assert "たいかい" in rows and "かーど" not in rows


def test_the_demo_faq_is_brought_in_by_one_demo_supervisor_and_approved_by_the_other(app, runner):
    from hotline import demo
    from hotline.config import PROJECT_ROOT
    from hotline.models import User

    demo.load_demo("development")
    db.session.commit()
    result = runner.invoke(args=["demo", "faq"])
    assert result.exit_code == 0, result.output
    shipped = len(list((PROJECT_ROOT / "faq").glob("*.md")))
    assert f"（{shipped} 件）" in result.output
    db.session.expire_all()
    changes = db.session.scalars(select(FaqChange)).all()
    sato, suzuki = (db.session.scalar(select(User).filter_by(username=n)) for n in ("sato", "suzuki"))
    assert {(c.status, c.author_id, c.decided_by_id) for c in changes} == {("approved", sato.id, suzuki.id)}
    assert db.session.scalar(select(func.count(FaqEntry.id)).filter_by(source="file", published=True)) == shipped
    assert "取り込むものはございません" in runner.invoke(args=["demo", "faq"]).output  # nothing new the second time


def test_the_demo_faq_is_refused_in_production(app, runner):
    app.config["HOTLINE_ENV"] = "production"
    result = runner.invoke(args=["demo", "faq"])
    assert result.exit_code != 0 and "本番設定" in result.output
