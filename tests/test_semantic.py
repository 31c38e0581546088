"""Closeness in meaning for the FAQ search (hotline.search.semantic): ja-ginza's word vectors."""

from hotline import search
from hotline.search import query as search_query
from hotline.search import semantic


def test_words_are_keyed_as_spacy_keys_them():
    # spaCy's hash_string("補償"): MurmurHash64A of the UTF-8 bytes, seed 1; the words below
    # end in tails of 1 to 7 bytes, so a wrong tail or block step loses their rows
    assert semantic._murmur64a("補償".encode()) == 944934864787430527
    table = semantic.table()
    assert table is not None, "ja-ginza's files are installed by dev.py"
    words = ["補償", "埋め合わせ", "クレジットカード", "再発行", "PC", "金", "個人情報", "メールアドレス", "弁償"]
    assert {len(w.encode()) % 8 for w in words} == set(range(8))
    assert all(table.row(word) is not None for word in words)
    assert table.row("ぴよぴよぴよ星人ではない語") is None


def test_related_words_are_closer_than_unrelated_ones():
    table = semantic.table()
    def cosine(a, b):
        return float(table.matrix[table.row(a)] @ table.matrix[table.row(b)])
    assert cosine("補償", "弁償") > cosine("補償", "天気") + 0.2
    assert cosine("クレジットカード", "クレカ") > cosine("クレジットカード", "野球") + 0.2


def test_content_words_leave_out_grammar_and_words_of_asking():
    forms = [form for form, _ in semantic.words("カードの再発行にお金がかかるのか教えてください")]
    assert "再発行" in forms and "カード" in forms
    assert not {"の", "に", "が", "教える", "下さる", "くださる"} & set(forms)


def test_a_paraphrase_sharing_no_word_finds_its_entry_by_meaning(shipped_index):
    # 実費 (the actual cost) shares no word with the entry on the reissue fee
    assert search.search(shipped_index, "実費") == []
    found = search.related(shipped_index, "実費", limit=3)
    assert found and found[0].id == "card-reissue-fee"
    assert all(hit.score == 0.0 and "<mark>" not in hit.question_html for hit in found)


def test_meaning_reorders_word_matches_and_adds_none(shipped_index):
    query = "カードを作り直すのは自腹ですか"
    words_only = semantic.blend(_word_ranking(shipped_index, query), {}, 10)
    blended = search.search(shipped_index, query, limit=40)
    assert {hit.id for hit in blended} == {_doc_id(shipped_index, d) for d, _ in _word_ranking(shipped_index, query)}
    assert blended[0].id == "card-reissue-fee"
    assert words_only[0][1] == 1.0  # the best word match scores 1 before closeness is added
    close = _space(shipped_index).closeness(query)
    assert close and all(value > 0 for value in close.values())
    assert len(close) <= len(_space(shipped_index).docnums) // 2 + 1  # only entries above the median


def test_blend_weights_closeness_against_the_best_word_match():
    ranked = [(0, 8.0), (1, 4.0), (2, 2.0)]
    assert semantic.blend(ranked, {}, 3) == [(0, 1.0), (1, 0.5), (2, 0.25)]
    assert semantic.blend(ranked, {2: 0.3}, 3)[0] == (2, 0.25 + semantic.WEIGHT * 0.3)
    assert semantic.blend(ranked, {2: 0.3}, 2) == [(2, 0.25 + semantic.WEIGHT * 0.3), (0, 1.0)]
    assert semantic.blend([], {5: 0.9}, 3) == []
    assert semantic.nearest({5: 0.1, 6: 0.3, 7: 0.2}, 2) == [6, 7]


def test_without_the_vectors_the_search_runs_on_words(shipped_index, monkeypatch, tmp_path):
    directory = str(tmp_path / "index")
    monkeypatch.setattr(semantic, "table", lambda: None)
    semantic.words.cache_clear()
    try:
        search.rebuild_index(directory, [{"id": "fee", "question": "カードの再発行に手数料はかかりますか？",
                                          "alternatives": [], "keywords": [], "answer": "かかりません。",
                                          "category": "カード"}])
        assert [hit.id for hit in search.search(directory, "再発行の手数料")] == ["fee"]
        assert search.related(directory, "実費") == []
    finally:
        semantic.words.cache_clear()


def test_stored_rows_round_trip():
    stored = semantic.encode(["カードの再発行"], "手数料はかかりません。")
    left, right = semantic._decode(stored)
    assert [form for form, _ in left] == [form for form, _ in semantic.words("カードの再発行")]
    assert [row for _, row in right] == [row for _, row in semantic.words("手数料はかかりません。")]
    assert semantic._decode("") == ([], [])


def _space(directory):
    search.search(directory, "カード")
    return search_query._searcher(directory)[4]


def _word_ranking(directory, query):
    searcher = search_query._searcher(directory)[0]
    terms = search_query._query_terms(query, search_query.schema_kinds(searcher.schema))
    from collections import OrderedDict
    return search_query._top(searcher, OrderedDict(), search_query._subqueries(search_query._prune(searcher, terms)))


def _doc_id(directory, docnum):
    return search_query._searcher(directory)[0].stored_fields(docnum)["id"]
