"""Urgent detection on our own evaluation file: recall and false alarms, old word list against
the phrase rules, per split (dev was used for tuning; held was read only once, at the end).

    .venv/bin/python tests/bench/bench_urgent.py [--split dev|held|all] [--show]
"""
import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from hotline.inquiries import urgent as urgency  # noqa: E402
from hotline.search.textnorm import normalize  # noqa: E402

DATA = ROOT / "tests" / "data" / "urgent_eval.jsonl"
OLD_WORDS = (
    "不正利用", "不正に使", "身に覚えのない", "覚えのない請求", "勝手に使", "引き落とされ", "請求が来",
    "請求がき", "詐欺", "フィッシング", "なりすまし", "偽のメール", "偽メール", "不審なメール", "不審な電話",
    "不審なsms", "怪しいメール", "怪しい電話", "怪しいsms", "電話がかかってき", "お金を要求", "振り込",
    "被害に遭", "被害にあ",
)


def old_list(text: str) -> bool:
    """The substring list the intake used before the phrase rules."""
    folded = normalize(text)
    return any(normalize(word) in folded for word in OLD_WORDS)


def rows(split: str) -> list[dict]:
    """The evaluation rows of one split (or all)."""
    items = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in items if split == "all" or r["split"] == split]


def score(items, detect) -> dict:
    """Recall over reports of damage, false alarms over the rest, and the misses."""
    urgent = [r for r in items if r["urgent"]]
    calm = [r for r in items if not r["urgent"]]
    missed = [r["text"] for r in urgent if not detect(r["text"])]
    alarms = [r["text"] for r in calm if detect(r["text"])]
    return {"reports": len(urgent), "caught": len(urgent) - len(missed), "ordinary": len(calm),
            "false_alarms": len(alarms), "missed": missed, "alarms": alarms}


def main() -> None:
    """Print the table (and, with --show, every miss and false alarm)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="dev", choices=["dev", "held", "all"])
    parser.add_argument("--show", action="store_true")
    args = parser.parse_args()
    items = rows(args.split)
    print(f"split={args.split}  {len(items)} phrasings")
    print("| detector | reports caught | recall | false alarms | ms per message |")
    print("|---|---|---|---|---|")
    for name, detect in (("word list (before)", old_list), ("phrase rules", lambda t: bool(urgency.reason(t)))):
        detect(items[0]["text"])  # warm up Sudachi
        start = time.perf_counter()
        result = score(items, detect)
        elapsed = (time.perf_counter() - start) * 1000 / len(items)
        print(f"| {name} | {result['caught']}/{result['reports']} | {result['caught'] / result['reports']:.0%} "
              f"| {result['false_alarms']}/{result['ordinary']} | {elapsed:.2f} |")
        if args.show:
            for text in result["missed"]:
                print(f"    missed: {text}")
            for text in result["alarms"]:
                print(f"    alarm:  {text}  {urgency.findings(text)}")


if __name__ == "__main__":
    main()
