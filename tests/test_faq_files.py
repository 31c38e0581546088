"""FAQ files: parsing, idempotent import, Markdown sanitizing, votes, statistics."""

import pytest
from sqlalchemy import func, select

from hotline import faq
from hotline.extensions import db
from hotline.faq import markdown
from hotline.models import FaqEntry

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


def test_import_is_idempotent_and_updates(app):
    spec = faq.parse_faq_file(GOOD, "card.md")
    changed, unchanged = faq.import_specs([spec])
    assert len(changed) == 1 and unchanged == 0
    changed, unchanged = faq.import_specs([spec])
    assert changed == [] and unchanged == 1
    spec.question = "カードは作り直すべき？"
    changed, _ = faq.import_specs([spec])
    assert len(changed) == 1
    db.session.commit()
    assert db.session.scalar(select(func.count(FaqEntry.id))) == 1
    assert db.session.scalar(select(FaqEntry.question)) == "カードは作り直すべき？"


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
    faq.import_specs([faq.parse_faq_file(GOOD, "card.md")])
    entry = db.session.scalar(select(FaqEntry))
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
