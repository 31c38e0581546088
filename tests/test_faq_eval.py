"""Search quality on the demo FAQ: realistic customer phrasings must find their answer.

The figures are the ones reached when the analyzer was chosen (docs/search.md);
a change that lowers them fails here.
"""

import json
from collections import OrderedDict
import os
from pathlib import Path

import pytest

from hotline import faq, search
from hotline.config import PROJECT_ROOT

EVAL_FILE = Path(__file__).parent / "data" / "faq_eval.jsonl"
HELD_FILE = Path(__file__).parent / "data" / "faq_held.jsonl"  # held back while the analyzer was chosen
HELD2_FILE = Path(__file__).parent / "data" / "faq_held2.jsonl"  # written by someone who never saw the search
HELD3_FILE = Path(__file__).parent / "data" / "faq_held3.jsonl"  # the same, paraphrasing on purpose
HELD4_FILE = Path(__file__).parent / "data" / "faq_held4.jsonl"  # the same again, read once the vectors were tuned
HELD5_FILE = Path(__file__).parent / "data" / "faq_held5.jsonl"  # the same again, read once the dictionary grew
HELD6_FILE = Path(__file__).parent / "data" / "faq_held6.jsonl"  # several personas, read once after held5
HELD7_FILE = Path(__file__).parent / "data" / "faq_held7.jsonl"  # a day's mix of writers, read once after kana
MIN_TOP3_HITS = 81
MIN_TOP1_HITS = 74
# With word vectors (search.semantic; docs/search.md): held 55/58 → 54/60, held2 60/73 → 63/74,
# held3 48/63 → 56/68.
MIN_HELD = (54, 60)  # top-1, top-3 of 62 (54, 58 when first read; docs/search.md)
MIN_HELD2 = (64, 74)  # top-1, top-3 of 80 (first read: 53, 66)
MIN_HELD3 = (58, 69)  # top-1, top-3 of 80 (first read: 47, 62)
MIN_HELD4 = (54, 67)  # top-1, top-3 of 80 (first read with word vectors: 52, 64; 43, 62 on shared words alone)
MIN_HELD5 = (66, 75)  # top-1, top-3 of 80 as first read (65, 74 with the dictionary before its last additions)
MIN_HELD6 = (60, 76)  # top-1, top-3 of 80 (first read: 56, 72; 56, 71 with the dictionary before its last additions)
MIN_HELD7 = (64, 73)  # top-1, top-3 of 80 as first read


@pytest.fixture(scope="module")
def demo_index(tmp_path_factory):
    """An index of the shipped FAQ files."""
    directory = str(tmp_path_factory.mktemp("eval") / "index")
    docs = [{"id": s.key, "question": s.question, "alternatives": s.alternatives,
             "keywords": s.keywords, "answer": s.answer, "category": s.category}
            for s in faq.read_faq_dir(PROJECT_ROOT / "faq")]
    search.rebuild_index(directory, docs)
    return directory


def load_queries(path: Path = EVAL_FILE) -> list[dict]:
    """The evaluation phrasings, each with the entry that answers it."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_evaluation_set_is_large_and_varied():
    queries = load_queries()
    assert len(queries) >= 50
    assert any(any("\uff61" <= ch <= "\uff9f" for ch in q["query"]) for q in queries), "half-width katakana"
    assert any(len(q["query"]) > 40 for q in queries), "long sentences"


def test_top3_hit_rate_does_not_regress(demo_index):
    top1 = top3 = 0
    misses = []
    for item in load_queries():
        wanted = {item["expected"], *item.get("also_ok", [])}
        found = [hit.id for hit in search.search(demo_index, item["query"], limit=3)]
        top1 += bool(found[:1] and found[0] in wanted)
        if wanted & set(found):
            top3 += 1
        else:
            misses.append((item["query"], item["expected"], found))
    assert top3 >= MIN_TOP3_HITS, misses
    assert top1 >= MIN_TOP1_HITS


@pytest.mark.parametrize("path, floor", [(HELD_FILE, MIN_HELD), (HELD2_FILE, MIN_HELD2), (HELD3_FILE, MIN_HELD3),
                                         (HELD4_FILE, MIN_HELD4), (HELD5_FILE, MIN_HELD5), (HELD6_FILE, MIN_HELD6),
                                         (HELD7_FILE, MIN_HELD7)],
                         ids=["held", "held2", "held3", "held4", "held5", "held6", "held7"])
def test_held_back_phrasings_do_not_regress(demo_index, path, floor):
    rows = load_queries(path)
    assert len(rows) >= 60 and {r["expected"] for r in rows} >= {s.key for s in faq.read_faq_dir(PROJECT_ROOT / "faq")}
    top1 = top3 = 0
    for item in rows:
        wanted = {item["expected"], *item.get("also_ok", [])}
        found = [hit.id for hit in search.search(demo_index, item["query"], limit=3)]
        top1 += bool(found[:1] and found[0] in wanted)
        top3 += bool(wanted & set(found))
    assert top1 >= floor[0] and top3 >= floor[1], (top1, top3)


def test_scores_are_whooshs_own_on_an_index_with_segments_and_deletions(tmp_path):
    """The search sums each term's BM25F scores itself (kept per searcher); on every
    evaluation phrasing its word scores rank exactly as Whoosh's OR query over the same terms,
    also on an index updated entry by entry (several segments, replaced documents)."""
    from whoosh import index as whoosh_index
    from whoosh.query import Or, Term

    from hotline.search import index as search_index
    from hotline.search import query as search_query

    directory = str(tmp_path / "index")
    specs = list(faq.read_faq_dir(PROJECT_ROOT / "faq"))
    docs = [{"id": s.key, "question": s.question, "alternatives": s.alternatives,
             "keywords": s.keywords, "answer": s.answer, "category": s.category} for s in specs]
    search.rebuild_index(directory, docs[:25])
    live = whoosh_index.open_dir(os.path.realpath(directory))
    for doc in docs[20:]:  # five replaced, fifteen added, one unmerged segment each
        writer = live.writer()
        writer.update_document(**search_index._fields({**doc, "answer": doc["answer"] + " 追記"},
                                                      search_index.ANALYZERS[search_index.DEFAULT_ANALYZER]))
        writer.commit(merge=False)
    searcher = live.searcher(weighting=search_query.WEIGHTING)
    assert not searcher.is_atomic() and searcher.reader().has_deletions()
    queries = [q["query"] for path in (EVAL_FILE, HELD_FILE, HELD2_FILE, HELD3_FILE) for q in load_queries(path)]
    compared = 0
    for text in queries:
        terms = search_query._query_terms(text, search_query.schema_kinds(searcher.schema))
        subqueries = search_query._subqueries(search_query._prune(searcher, terms))
        ours = [(searcher.stored_fields(docnum)["id"], score)
                for docnum, score in search_query._top(searcher, OrderedDict(), subqueries, 10)]
        subs = [Term(field, term, boost=boost) for field, term, boost in subqueries]
        theirs = [(r["id"], r.score) for r in searcher.search(Or(subs), limit=10)] if subs else []
        assert ours == theirs, text
        compared += bool(theirs)
    assert compared >= len(queries) - 3
