"""FAQ search benchmark: Whoosh (hotline.search) against SQLite FTS5 trigram.

Run by hand (pytest does not collect it):

    .venv/bin/python tests/bench/bench_search.py               # chosen analyzer vs FTS5
    .venv/bin/python tests/bench/bench_search.py --candidates  # every analyzer's quality
    .venv/bin/python tests/bench/bench_search.py --no-variants # without the dictionary

Quality (top-1/top-3, also_ok counts) is measured on the 300-entry dev index so
that generated near-duplicates do not compete with the expected answers; build
time and latency are measured on a 1,000-entry corpus (the 300 entries plus
generated variations). Prints ratios against FTS5; asserts no absolute times.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from hotline import search  # noqa: E402
from hotline.search import query as search_query  # noqa: E402
from hotline.search import textnorm, tokens

DEV = ROOT.parent / "shared" / "eval" / "search-dev"
CORPUS_SIZE = 1000
REPEATS = 5

# Extra queries written for this benchmark (not from the dev set), with the
# dev entry that answers each: a second check against tuning to the 40 queries.
OWN_QUERIES = [
    ("ｾｷｭﾘﾃｨｺｰﾄﾞ 漏れた？", "faq-018"), ("でびっとかーど使ってたけど", "faq-025"),
    ("ログインのりれき見たい", "faq-036"), ("二段階にんしょうできる？", "faq-035"),
    ("メルマガ止まってる？", "faq-091"), ("ハッシュ化ってなに", "faq-037"),
    ("ダイレクトメールが急に増えた", "faq-044"), ("注文キャンセルしたい", "faq-054"),
    ("問合せ窓口の電話番号", "faq-055"), ("受付って何時まで？", "faq-056"),
    ("英語で問い合わせできますか", "faq-060"), ("引越しした 住所変えたい", "faq-065"),
    ("子供のアカウント", "faq-073"), ("ランサムウェアだったの？", "faq-083"),
    ("スパムが増えた", "faq-043"), ("クオカードいらない", "faq-097"),
    ("ポイントもらってない", "faq-051"), ("パスワードの条件", "faq-104"),
    ("ＳＭＳの認証コードこない", "faq-105"), ("店頭で相談できる？", "faq-107"),
    ("ダークウエブに売られてる？", "faq-045"), ("なりすましで契約されたらこわい", "faq-046"),
    ("身に覚えのないポイント利用", "faq-086"), ("アカウントロックされた", "faq-087"),
    ("パスワード覚えられない", "faq-120"), ("開示請求したい", "faq-063"),
    ("クレカの明細いつまで見ればいい", "faq-022"), ("海外で使われてる", "faq-125"),
    ("犯人訴える？", "faq-095"), ("耳がきこえないので電話できない", "faq-059"),
]

_SWAPS = [("漏えい", "流出"), ("流出", "漏洩"), ("クレジットカード", "クレカ"),
          ("パスワード", "PW"), ("サンプルマート", "サンプル商店"), ("お客様", "会員様"),
          ("確認", "ご確認"), ("ください", "下さい"), ("メールアドレス", "メアド")]
_PREFIXES = ["", "念のため伺いますが、", "【再掲】", "家族に聞かれたのですが、", "至急："]
_SUFFIXES = ["", "（第二報で更新）", "詳しくはお知らせページをご覧ください。",
             "ご不明な点は専用窓口までお問い合わせください。"]


def load_dev():
    """Dev FAQ entries as search documents, and the dev queries."""
    docs = [{"id": d["id"], "question": d["question"], "answer": d["answer"],
             "category": d["category"], "alternatives": [], "keywords": []}
            for d in map(json.loads, (DEV / "faq.jsonl").open(encoding="utf-8"))]
    queries = [(q["query"], {q["expected"], *q["also_ok"]})
               for q in map(json.loads, (DEV / "queries.jsonl").open(encoding="utf-8"))]
    return docs, queries


def variations(docs, total, seed=7):
    """The dev docs plus generated variations, `total` documents in all."""
    rnd = random.Random(seed)
    out = list(docs)
    while len(out) < total:
        base = rnd.choice(docs)
        q, a = base["question"], base["answer"]
        for old, new in rnd.sample(_SWAPS, 3):
            q, a = q.replace(old, new), a.replace(old, new)
        out.append(dict(base, id=f"gen-{len(out):04d}", question=rnd.choice(_PREFIXES) + q,
                        answer=a + rnd.choice(_SUFFIXES)))
    return out


# ---------------------------------------------------------------- FTS5


def _trigrams(text):
    """Distinct trigrams of each run of the normalized query (FTS5 needs >= 3 chars)."""
    grams = []
    for run in textnorm.normalize(text).split():
        grams += [run[i:i + 3] for i in range(len(run) - 2)]
    return list(dict.fromkeys(g for g in grams if '"' not in g))


class Fts5:
    """SQLite FTS5 trigram index over normalized text (same variant map)."""

    def __init__(self, path, docs):
        self.db = sqlite3.connect(path)
        self.db.execute("CREATE VIRTUAL TABLE faq USING fts5(id UNINDEXED, question, answer,"
                        " tokenize='trigram')")
        with self.db:
            self.db.executemany("INSERT INTO faq VALUES (?, ?, ?)", [
                (d["id"], textnorm.normalize(d["question"]), textnorm.normalize(d["answer"]))
                for d in docs])

    def search(self, query, limit=10):
        """Ids of the best matches (OR of trigrams, question weighted 3x)."""
        grams = _trigrams(query)
        if not grams:
            return []
        match = " OR ".join(f'"{g}"' for g in grams)
        rows = self.db.execute(
            "SELECT id, snippet(faq, 2, '<mark>', '</mark>', '…', 16) FROM faq"
            " WHERE faq MATCH ? ORDER BY bm25(faq, 0.0, 3.0, 1.0) LIMIT ?", (match, limit))
        return [r[0] for r in rows]


# ---------------------------------------------------------------- measuring


def quality(run, queries):
    """(top-1, top-3) counts for a function query -> ranked ids."""
    top1 = top3 = 0
    for query, ok in queries:
        got = run(query)
        top1 += bool(got[:1]) and got[0] in ok
        top3 += bool(ok & set(got[:3]))
    return top1, top3


def latency(run, queries):
    """(p50, p99) in milliseconds over REPEATS passes of the queries."""
    times = []
    for _ in range(REPEATS):
        for query, _ in queries:
            start = time.perf_counter()
            run(query)
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


def whoosh_runner(path):
    """Ranked ids from hotline.search (hits include highlighting, as in the app).

    Latency in the table is measured with the result cache off (every query
    analyzed, scored and highlighted); the cached figure is printed below it.
    """
    return lambda q: [h.id for h in search.search(path, q, limit=10)]


def measure_whoosh(tmp, analyzer, dev_docs, corpus, queries):
    """Build, latency and quality figures for one Whoosh analyzer."""
    small, big = os.path.join(tmp, f"dev-{analyzer}"), os.path.join(tmp, f"big-{analyzer}")
    search.rebuild_index(small, dev_docs, analyzer=analyzer)
    search.search(small, "ウォームアップ")  # loads Sudachi: not part of the build time
    tokens._cached_tokens.cache_clear()  # no help from the dev build's tokens
    start = time.perf_counter()
    search.rebuild_index(big, corpus, analyzer=analyzer)
    build = time.perf_counter() - start
    cache_size, search_query.RESULT_CACHE_SIZE = search_query.RESULT_CACHE_SIZE, 0
    try:
        p50, p99 = latency(whoosh_runner(big), queries)
    finally:
        search_query.RESULT_CACHE_SIZE = cache_size
    cached = latency(whoosh_runner(big), queries)[0]
    return {"build": build, "p50": p50, "p99": p99, "cached": cached,
            "dev": quality(whoosh_runner(small), queries),
            "own": quality(whoosh_runner(small), [(q, {e}) for q, e in OWN_QUERIES])}


def measure_fts5(tmp, dev_docs, corpus, queries):
    """Build, latency and quality figures for FTS5 trigram."""
    small = Fts5(os.path.join(tmp, "dev.sqlite"), dev_docs)
    start = time.perf_counter()
    big = Fts5(os.path.join(tmp, "big.sqlite"), corpus)
    build = time.perf_counter() - start
    p50, p99 = latency(big.search, queries)
    return {"build": build, "p50": p50, "p99": p99, "dev": quality(small.search, queries),
            "own": quality(small.search, [(q, {e}) for q, e in OWN_QUERIES])}


def print_table(rows, n_dev):
    """Print the comparison table with ratios against the FTS5 row."""
    base = rows["FTS5 trigram + variants"]
    print(f"\ncorpus {CORPUS_SIZE} docs; latency over {REPEATS}x{n_dev} queries, limit 10;"
          f" quality on the 300-entry dev index ({n_dev} dev + {len(OWN_QUERIES)} own queries)")
    print("| engine | build s | p50 ms | p99 ms | dev top-1 | dev top-3 | own top-1 |"
          " own top-3 | build ×FTS5 | p50 ×FTS5 | p99 ×FTS5 |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, r in rows.items():
        print(f"| {name} | {r['build']:.2f} | {r['p50']:.2f} | {r['p99']:.2f} |"
              f" {r['dev'][0]}/{n_dev} | {r['dev'][1]}/{n_dev} |"
              f" {r['own'][0]}/{len(OWN_QUERIES)} | {r['own'][1]}/{len(OWN_QUERIES)} |"
              f" {r['build'] / base['build']:.1f} | {r['p50'] / base['p50']:.1f} |"
              f" {r['p99'] / base['p99']:.1f} |")


def main(argv=None):
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", action="store_true", help="every Whoosh analyzer")
    parser.add_argument("--no-variants", action="store_true", help="empty variant dictionary")
    args = parser.parse_args(argv)
    if args.no_variants:
        textnorm.set_variants(textnorm.VariantMap())
    dev_docs, queries = load_dev()
    corpus = variations(dev_docs, CORPUS_SIZE)
    analyzers = list(search.ANALYZERS) if args.candidates else [search.DEFAULT_ANALYZER]
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        rows["FTS5 trigram + variants"] = measure_fts5(tmp, dev_docs, corpus, queries)
        for analyzer in analyzers:
            label = f"Whoosh {analyzer}" + (" (chosen)" if analyzer ==
                                            search.DEFAULT_ANALYZER else "")
            rows[label] = measure_whoosh(tmp, analyzer, dev_docs, corpus, queries)
    print_table(rows, len(queries))
    for name, r in rows.items():
        if "cached" in r:
            print(f"{name}: p50 {r['cached']:.3f} ms for a repeated query (result cache hit)")
    print(f"\npeak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB"
          f"; variants: {'off' if args.no_variants else textnorm.VARIANTS_PATH}")


if __name__ == "__main__":
    main()
