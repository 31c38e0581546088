"""Tests for hotline.search (FAQ full-text search: normalization, tokens, index, query)."""
import multiprocessing
import os
import re
import signal
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from hotline import search  # noqa: E402
from hotline.search import index as search_index  # noqa: E402
from hotline.search import textnorm, tokens

SPAWN = multiprocessing.get_context("spawn")

DOCS = [
    {"id": "card", "question": "クレジットカード情報は漏えいしましたか？",
     "alternatives": ["カード番号は盗まれた？"], "keywords": ["カード"],
     "answer": "決済画面で入力されたクレジットカード番号が流出した可能性があります。",
     "category": "クレジットカード"},
    {"id": "pw", "question": "パスワードの変更方法を教えてください。", "alternatives": [],
     "keywords": [], "answer": "マイページの「会員情報の変更」から変更できます。",
     "category": "パスワード"},
    {"id": "dark", "question": "ダークウェブで売買されていませんか？", "alternatives": [],
     "keywords": [], "answer": "専門会社が闇サイトを監視しています。", "category": "二次被害"},
    {"id": "mention", "question": "監視体制について教えてください。", "alternatives": [],
     "keywords": [], "answer": "外部の専門会社がダークウェブを含めて監視しています。",
     "category": "再発防止"},
    {"id": "html", "question": "<b>太字</b>のお知らせ & 注意",
     "alternatives": [], "keywords": [],
     "answer": "**重要**: <script>alert(1)</script> という文字列は [こちら](https://x.example/) で説明します。",
     "category": "その他"},
]


def ids(hits):
    """Ids of a hit list, in order."""
    return [h.id for h in hits]


@pytest.fixture()
def ix(tmp_path):
    """An index of DOCS in a fresh directory."""
    path = str(tmp_path / "faq-index")
    search.rebuild_index(path, DOCS)
    return path


@pytest.mark.parametrize("module", ["index", "query", "textnorm", "tokens"])
def test_import_ok_without_flask(module):
    """Index, query and text modules stand alone: no Flask or database import
    (only hotline.search.sync knows about database commits)."""
    src = (ROOT / "hotline" / "search" / f"{module}.py").read_text(encoding="utf-8")
    assert "flask" not in src.lower() and "sqlalchemy" not in src.lower()


# An index written before the search code became a package: its schema pickles the
# tokenizer as hotline.search.JaTokenizer (protocol 2, as Whoosh writes it).
OLD_TOKENIZER_PICKLE = (b"\x80\x02chotline.search\nJaTokenizer\nq\x00)\x81q\x01}q\x02X\x04\x00\x00\x00kindq\x03"
                        b"X\x06\x00\x00\x00bigramq\x04sb.")


def test_indexes_written_earlier_still_open_and_new_ones_keep_the_name():
    import pickle

    old = pickle.loads(OLD_TOKENIZER_PICKLE)
    assert old == search_index.JaTokenizer("bigram") and old.kind == "bigram"
    assert b"chotline.search\nJaTokenizer\n" in pickle.dumps(search_index.JaTokenizer("sudachi"), protocol=2)


# ---------------------------------------------------------------- normalization


@pytest.mark.parametrize("a,b", [
    ("ＡＢＣ１２３", "abc123"),
    ("ｸﾚｶ", "くれか"),
    ("クレカ", "くれか"),
    ("ﾊﾟｽﾜｰﾄﾞ", "ぱすわど"),
    ("パスワード", "ぱすわど"),
    ("ぱすわーど", "ぱすわど"),
    ("パスワ-ド", "ぱすわど"),
    ("サーバ", "さば"),
    ("サーバー", "さば"),
    ("PayPay", "paypay"),
    ("Ｅ－ｍａｉｌ", "e-mail"),
])
def test_fold(a, b):
    assert textnorm.fold_text(a) == b


def test_fold_keeps_offsets_into_original():
    original = "ｸﾞﾚｰﾄﾞ㈱カード"
    folded = textnorm.fold(original)
    assert folded.text == "ぐれど(株)かど"
    for i, ch in enumerate(folded.text):
        span = original[folded.starts[i]:folded.ends[i]]
        assert span, (i, ch)
    assert original[folded.starts[0]:folded.ends[0]] == "ｸﾞ"
    assert original[folded.starts[3]:folded.ends[3]] == "㈱"


def test_normalize_applies_variants():
    assert textnorm.normalize("ｸﾚｶ") == textnorm.normalize("クレジットカード")
    assert textnorm.normalize("漏洩") == textnorm.normalize("漏えい") == textnorm.normalize("流出")
    assert textnorm.normalize("PW") == textnorm.normalize("パスワード")
    assert textnorm.normalize("メアド") == textnorm.normalize("メールアドレス")
    assert search.normalize("ＰＷ") == textnorm.normalize("パスワード")


def test_variant_boundaries():
    # katakana entries only match whole katakana words, ASCII entries whole words
    assert textnorm.normalize("パスポート") == "ぱすぽと"
    assert textnorm.normalize("pwn") == "pwn"
    assert textnorm.normalize("パスを忘れた") == textnorm.normalize("パスワードを忘れた")
    # a one-kanji entry only where it stands alone, never inside a compound
    assert textnorm.normalize("夫のカード") == textnorm.normalize("家族のカード")
    assert textnorm.normalize("死んだ母あて") == textnorm.normalize("死んだ家族あて")
    assert textnorm.normalize("工夫しております") == "工夫しております"
    assert textnorm.normalize("祖母と父母") == "祖母と父母"


def test_loanwords_typed_in_hiragana_are_read_as_katakana():
    assert tokens.loanwords_in_katakana("せきゅりてぃこーど は無事？") == "セキュリティコード は無事？"
    assert tokens.loanwords_in_katakana("めーるあどれす") == "メールアドレス"
    # ordinary hiragana stays: no long-vowel mark, no small ぁぃぅぇぉ
    assert tokens.loanwords_in_katakana("ありがとうございます、ちょっと") == "ありがとうございます、ちょっと"
    assert tokens.loanwords_in_katakana("マイナンバーの話") == "マイナンバーの話"  # the の after a katakana word
    terms = [t for t, *_ in tokens.tokens("せきゅりてぃこーど", "sudachi")]
    assert terms == [t for t, *_ in tokens.tokens("セキュリティコード", "sudachi")]


def test_variant_file_format():
    groups, problems = textnorm.parse_variant_lines([
        "# comment line", "", "退会, 解約 # trailing comment", "漏えい、漏洩、流出",
        "解約, キャンセル", "ひとつだけ"])
    assert groups[0] == ["退会", "解約"]
    assert groups[1] == ["漏えい", "漏洩", "流出"]
    assert groups[2] == ["キャンセル"] and any("解約" in p for p in problems)
    assert any("ひとつだけ" in p for p in problems)


def test_shipped_variant_file_is_clean():
    vm = textnorm.load_variants()
    assert vm.problems == []
    assert len(vm.groups) >= 20


def test_tokens_map_to_original_text():
    text = "ｸﾚｶの番号がもれた？"
    for kind in ("bigram", "sudachi", "synonym", "reading"):
        toks = tokens.tokens(text, kind)
        assert toks
        for _, start, end in toks:
            assert 0 <= start < end <= len(text)


# ---------------------------------------------------------------- searching


@pytest.mark.parametrize("query,expected", [
    ("クレカ", "card"), ("ｸﾚｶ", "card"), ("くれじっとかーど", "card"),
    ("漏洩", "card"), ("PW変えたい", "pw"), ("ぱすわーど", "pw"),
    ("ダークウエブ", "dark"),
])
def test_search_finds(ix, query, expected):
    assert ids(search.search(ix, query))[:1] == [expected]


def test_question_boosted_above_answer(ix):
    assert ids(search.search(ix, "ダークウェブ"))[:2] == ["dark", "mention"]


def test_highlight_marks_original_text(ix):
    hit = search.search(ix, "ｸﾚｶ")[0]
    assert "<mark>クレジットカード</mark>" in hit.question_html
    assert "<mark>" in hit.snippet_html


def test_single_hiragana_words_rank_but_are_not_marked(tmp_path):
    path = str(tmp_path / "marks")
    search.rebuild_index(path, [{"id": "count", "question": "対象の件数は何件ですか？", "alternatives": [],
                                 "keywords": [], "answer": "漏えいした件数は調査しております。判明した時点でお知らせします。",
                                 "category": "テスト"}])
    hit = search.search(path, "どうしたらいいですか件数")[0]  # the し of したら is a word of its own
    assert "<mark>件数</mark>" in hit.question_html
    assert hit.snippet_html == "漏えいした<mark>件数</mark>は調査しております。判明した時点でお知らせします。"


HOSTILE = ["AND(", "*", '"', "field:x", "question:クレカ", "NOT", "(()", "a OR b AND",
           "<script>alert(1)</script>", "' OR 1=1--", "\"; DROP TABLE faq;--", "あ" * 500,
           "クレカ" * 200, "", "   ", "！？。、・…", "%_\\", "\x00\x01", "🔥💳", "~^~",
           "太字 & <b>", "script"]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_raise_and_escape(ix, query):
    hits = search.search(ix, query)
    assert isinstance(hits, list)
    for hit in hits:
        for frag in (hit.question_html, hit.snippet_html):
            assert "<" not in re.sub(r"</?mark>", "", frag), frag
            assert ">" not in re.sub(r"</?mark>", "", frag), frag


def test_stored_html_is_escaped(ix):
    hit = search.search(ix, "<script>alert(1)</script>")[0]
    assert hit.id == "html"
    assert "&lt;script&gt;" in hit.snippet_html or "<mark>script</mark>" in hit.snippet_html
    assert "<script" not in hit.snippet_html
    assert "**" not in hit.snippet_html and "https://" not in hit.snippet_html
    hit = search.search(ix, "太字")[0]
    assert hit.question_html.startswith("&lt;b&gt;<mark>太字</mark>&lt;/b&gt;")


def test_search_without_index(tmp_path):
    assert search.search(str(tmp_path / "none"), "クレカ") == []


def test_long_document_and_snippet_window(ix):
    long_answer = "前置きの文章です。" * 300 + "最後にマイナンバーの話をします。" + "後書き。" * 50
    search.upsert_document(ix, {"id": "long", "question": "長い回答", "answer": long_answer})
    hit = search.search(ix, "マイナンバー")[0]
    assert hit.id == "long"
    assert "<mark>マイナンバー</mark>" in hit.snippet_html
    assert hit.snippet_html.startswith("…") and len(hit.snippet_html) < 300


# ---------------------------------------------------------------- updates


def test_upsert_and_remove(ix):
    doc = {"id": "new", "question": "ＱＵＯカードはいつ届きますか？", "answer": "８月です。",
           "alternatives": ["クオカードが来ない"], "keywords": ["お詫び"], "category": "お詫び"}
    search.upsert_document(ix, doc)
    assert ids(search.search(ix, "クオカード"))[:1] == ["new"]
    search.upsert_document(ix, dict(doc, question="お詫びの品について", alternatives=[]))
    assert "new" not in ids(search.search(ix, "クオカード"))
    assert search.document_ids(ix) == {d["id"] for d in DOCS} | {"new"}
    assert search.remove_document(ix, "new") is True
    assert search.remove_document(ix, "new") is False
    assert "new" not in search.document_ids(ix)


def test_upsert_creates_missing_index(tmp_path):
    path = str(tmp_path / "fresh")
    search.upsert_document(path, DOCS[0])
    assert ids(search.search(path, "クレカ")) == ["card"]


def test_rebuild_replaces_everything_and_cleans_up(ix):
    assert ids(search.search(ix, "ダークウェブ"))[:1] == ["dark"]
    for _ in range(4):
        search.rebuild_index(ix, DOCS[:2])
    assert search.search(ix, "ダークウェブ") == []
    assert search.document_ids(ix) == {"card", "pw"}
    parent = Path(ix).parent
    versions = [p for p in parent.iterdir() if p.name.startswith("faq-index.v-")]
    assert len(versions) <= 1 + search.KEEP_OLD_VERSIONS
    assert not [p for p in parent.iterdir() if ".build-" in p.name]


def test_failed_rebuild_keeps_old_index(ix):
    def broken_docs():
        yield DOCS[0]
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        search.rebuild_index(ix, broken_docs())
    assert search.document_ids(ix) == {d["id"] for d in DOCS}
    assert not [p for p in Path(ix).parent.iterdir() if ".build-" in p.name]


# ---------------------------------------------------------------- processes
# Workers run in spawned processes, so they must be top-level functions.


def _upsert_many(path, prefix, count):
    """Worker: upsert `count` documents."""
    for i in range(count):
        search.upsert_document(path, {"id": f"{prefix}-{i}", "question": f"質問 {prefix} {i}",
                                      "answer": "回答です。"})


def _slow_rebuild(path, ready):
    """Worker: start a rebuild whose document source stalls forever."""
    def docs():
        yield DOCS[0]
        ready.set()
        time.sleep(60)
        yield DOCS[1]

    search.rebuild_index(path, docs())


def _hold_writer(path, ready):
    """Worker: write uncommitted documents and stall while holding the lock."""
    writer = search_index._writer(path)
    for i in range(200):
        writer.add_document(**search_index._fields({"id": f"ghost-{i}", "question": "幽霊の質問",
                                              "answer": "未確定" * 50},
                                             search_index.schema_kinds(writer.schema)))
    ready.set()
    time.sleep(60)


def _rebuild_loop(path, rounds):
    """Worker: rebuild the index again and again."""
    for _ in range(rounds):
        search.rebuild_index(path, DOCS)


def _run(target, *args):
    """Start a spawned process."""
    proc = SPAWN.Process(target=target, args=args)
    proc.start()
    return proc


def test_concurrent_upserts_from_processes_lose_nothing(tmp_path):
    path = str(tmp_path / "mp-index")  # no index yet: creation races too
    procs = [_run(_upsert_many, path, f"p{n}", 8) for n in range(4)]
    for proc in procs:
        proc.join(60)
        assert proc.exitcode == 0
    assert search.document_ids(path) == {f"p{n}-{i}" for n in range(4) for i in range(8)}


def test_killed_writer_leaves_usable_index(ix):
    ready = SPAWN.Event()
    proc = _run(_hold_writer, ix, ready)
    assert ready.wait(30)
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(10)
    assert ids(search.search(ix, "クレカ"))[:1] == ["card"]
    started = time.monotonic()
    search.upsert_document(ix, {"id": "after", "question": "障害後の質問", "answer": "回答"})
    assert time.monotonic() - started < 5  # the flock died with the process
    assert search.document_ids(ix) == {d["id"] for d in DOCS} | {"after"}
    assert search.search(ix, "幽霊") == []


def test_killed_rebuild_leaves_old_index(ix):
    ready = SPAWN.Event()
    proc = _run(_slow_rebuild, ix, ready)
    assert ready.wait(30)
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(10)
    assert search.document_ids(ix) == {d["id"] for d in DOCS}
    assert ids(search.search(ix, "ダークウェブ"))[:1] == ["dark"]
    search.rebuild_index(ix, DOCS[:1])  # the next rebuild still works
    assert search.document_ids(ix) == {"card"}


def test_reader_sees_other_process_write_at_once(ix):
    assert search.search(ix, "脆弱性診断") == []  # caches a searcher here
    proc = _run(_upsert_many, ix, "脆弱性診断", 1)
    proc.join(60)
    assert proc.exitcode == 0
    # staleness bound is zero: the very next call sees the committed write
    assert ids(search.search(ix, "脆弱性診断")) == ["脆弱性診断-0"]
    proc = _run(_upsert_many, ix, "脆弱性診断", 1)  # same id, same text: replaced
    proc.join(60)
    assert ids(search.search(ix, "脆弱性診断")) == ["脆弱性診断-0"]
    search.remove_document(ix, "脆弱性診断-0")
    assert search.search(ix, "脆弱性診断") == []


def test_searches_during_rebuilds_never_see_half_an_index(ix):
    proc = _run(_rebuild_loop, ix, 15)
    seen = 0
    while proc.is_alive():
        assert ids(search.search(ix, "ダークウェブ"))[:1] == ["dark"]
        seen += 1
    proc.join()
    assert proc.exitcode == 0 and seen > 10
    assert ids(search.search(ix, "ダークウェブ"))[:1] == ["dark"]


def test_threads_search_concurrently(ix):
    """Sudachi tokenizers and searchers are per thread: no shared-state errors."""
    from concurrent.futures import ThreadPoolExecutor

    queries = [f"{w}{i}" for i in range(30) for w in ("ｸﾚｶの番号", "ぱすわーど変更", "ダークウェブ")]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda q: ids(search.search(ix, q))[:1], queries))
    assert results.count(["card"]) == 30 and results.count(["dark"]) == 30


def test_synonym_groups_match_words_that_share_no_character(tmp_path):
    directory = str(tmp_path / "syn")
    search.rebuild_index(directory, [
        {"id": "spam", "question": "スパムが届くようになりました", "answer": "フィルターをご利用ください。"},
        {"id": "card", "question": "クレジットカードを止めたい", "answer": "カード会社へご連絡ください。"},
        {"id": "other", "question": "退会したい", "answer": "手続きをご案内します。"}])
    assert ids(search.search(directory, "迷惑メール"))[:1] == ["spam"]
    assert ids(search.search(directory, "クレカ"))[:1] == ["card"]


def test_filler_words_of_asking_are_not_search_terms():
    terms = {t for t, _, _ in tokens.tokens("件数を教えてください。どうなるのか知りたい", "synonym")}
    assert "件数" in terms and not terms & {"教える", "下さる", "どう", "成る"}
    assert {t for t, _, _ in tokens.tokens("補償", "reading")} == {"ホショウ"}
    assert {t for t, _, _ in tokens.tokens("保障", "reading")} == {"ホショウ"}
