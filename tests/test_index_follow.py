"""Each node's search index follows the database: a change committed on one node is found on another."""

import time

from sqlalchemy import select

from hotline import create_app
from hotline.extensions import db
from hotline.faq import search as faq_search
from hotline.models import FaqEntry, IndexGeneration
from hotline.search import follow

from .conftest import _base_config
from .factories import approved_faq


def _node(tmp_path, database_url, name):
    """An application with its own instance folder (its own index), as on another machine."""
    return create_app(_base_config(tmp_path / name, database_url))


def _keys(node, query):
    with node.app_context():
        follow.forget_checks()
        keys = [hit.entry.key for hit in faq_search.search_faq(query)]
        db.session.remove()
        return keys


def _generation(name="faq"):
    return db.session.scalar(select(IndexGeneration.number).filter_by(name=name))


def test_a_change_on_one_node_is_found_by_search_on_the_other(app, tmp_path, database_url):
    approved_faq(key="kiwi", question="キウイの配送はいつですか？", answer="来週お届けいたします。")
    db.session.commit()
    other = _node(tmp_path, database_url, "node-b")
    assert _keys(other, "キウイ") == ["kiwi"]  # node B had no index: built from the database on first use
    entry = db.session.scalar(select(FaqEntry).filter_by(key="kiwi"))
    approved_faq(entry, question="メロンの配送はいつですか？")
    db.session.commit()  # on this node only; node B's files know nothing of it
    assert _keys(other, "メロン") == ["kiwi"] and _keys(other, "キウイ") == []


def test_only_changes_to_searched_text_move_the_generation(app):
    entry = approved_faq(key="vote-me", question="質問", answer="回答")
    db.session.commit()
    before = _generation()
    entry.helpful_yes += 1
    db.session.commit()
    approved_faq(entry, display_order=7)
    db.session.commit()
    assert _generation() == before  # neither a vote nor the order rebuilds anything anywhere
    approved_faq(entry, answer="新しい回答", keywords="追加")
    db.session.commit()
    assert _generation() == before + 1  # one transaction, one step
    approved_faq(entry, answer="もう一度")
    db.session.rollback()
    assert _generation() == before + 1


def test_a_node_checks_the_database_at_most_once_a_second(app, tmp_path, database_url):
    approved_faq(key="peach", question="桃の配送は？", answer="明日です。")
    db.session.commit()
    other = _node(tmp_path, database_url, "node-c")
    with other.app_context():
        follow.forget_checks()
        assert follow.follow("faq", faq_search.index_dir(), faq_search.rebuild, every=0.5) is True
        assert follow.local_generation(faq_search.index_dir()) == follow.database_generation("faq")
        assert follow.follow("faq", faq_search.index_dir(), faq_search.rebuild, every=0.5) is False
        db.session.remove()
    approved_faq(db.session.scalar(select(FaqEntry).filter_by(key="peach")), question="梨の配送は？")
    db.session.commit()
    with other.app_context():
        assert follow.follow("faq", faq_search.index_dir(), faq_search.rebuild, every=0.5) is False  # within 0.5 s
        time.sleep(0.6)
        assert follow.follow("faq", faq_search.index_dir(), faq_search.rebuild, every=0.5) is True
        db.session.remove()


def test_an_index_built_by_another_analysis_or_dictionary_is_rebuilt(app):
    from hotline.search import textnorm, tokens

    approved_faq(key="grape", question="ぶどうの配送は？", answer="来週です。")
    db.session.commit()
    directory = faq_search.index_dir()
    follow.forget_checks()
    follow.follow("faq", directory, faq_search.rebuild, every=0)
    assert follow.local_generation(directory) == follow.database_generation("faq")
    with open(follow.marker(directory), encoding="ascii") as handle:
        number, version = handle.read().split(" ")
    assert version == tokens.analysis_version() and version.startswith(f"{tokens.ANALYSIS_VERSION}-")
    for stale in (number, f"{number} 1-{version.split('-')[1]}"):  # written before versions, or by older code
        with open(follow.marker(directory), "w", encoding="ascii") as handle:
            handle.write(stale)
        assert follow.local_generation(directory) == -1
        assert follow.follow("faq", directory, faq_search.rebuild, every=0) is True
        assert follow.local_generation(directory) == follow.database_generation("faq")
    edited = textnorm.load_variants()
    edited.groups.append(["ぶどう", "グレープ"])  # the dictionary file changed (and the app restarted)
    textnorm.set_variants(edited)
    try:
        assert tokens.analysis_version() != version and follow.local_generation(directory) == -1
    finally:
        textnorm.set_variants(None)
    assert tokens.analysis_version() == version
