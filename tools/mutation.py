"""Mutation testing of the trust-rule modules: how many deliberate small breaks the suite catches.

    .venv/bin/python tools/mutation.py            # run (resumes where a stopped run left off), then report
    .venv/bin/python tools/mutation.py --report   # report the last run only
    .venv/bin/python tools/mutation.py NAME...    # run only these mutants again (after a new test)

The modules are listed under [tool.mutmut] in pyproject.toml. mutmut copies the project
into mutants/, changes one thing at a time (a condition flipped, a value replaced, a call
dropped) and runs the tests that reach the changed function, on SQLite. A mutant is killed
when a test fails. Not part of the suite: a full run takes the better part of an hour on
two cores. docs/testing.md holds the last figures and why each survivor is harmless.
"""

import os
import re
import subprocess
import sys
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv" / "bin"
KILLED = {"killed", "timeout"}  # a mutant that makes the tests hang is caught too
# Functions that run only while their module is imported, before mutmut switches any mutant
# on: their mutants can never be active, so they are counted apart (docs/testing.md says
# which tests check what they build).
AT_IMPORT = {
    "hotline.answers.placeholders.x__entries": "the placeholder table",
    "hotline.web.security.x_public": "the decorator marking public views",
    "hotline.web.security.x_large_upload": "the decorator raising one view's upload limit",
}


def ensure_mutmut() -> None:
    """Install the pinned mutmut into the project's environment when it is missing."""
    if (VENV / "mutmut").exists():
        return
    spec = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["mutation"]
    subprocess.run([str(VENV / "pip"), "install", *spec], check=True)


def run(names: list[str]) -> int:
    """Run mutmut on SQLite with one migrated template for all its short test sessions."""
    template = ROOT / "mutants" / "template.sqlite3"
    newest = max(path.stat().st_mtime for path in (ROOT / "migrations" / "versions").glob("*.py"))
    if template.exists() and (not names or template.stat().st_mtime < newest):
        template.unlink()  # migrations may have changed since the last run
    template.parent.mkdir(exist_ok=True)
    env = {**os.environ, "HOTLINE_TEST_DB": "sqlite", "HOTLINE_TEST_SQLITE_TEMPLATE": str(template)}
    env.pop("CI", None)
    return subprocess.run([str(VENV / "mutmut"), "run", *names], cwd=ROOT, env=env).returncode


def results() -> tuple[dict[str, Counter], Counter]:
    """Status counts per module from mutmut's stored results, and those of AT_IMPORT functions apart."""
    out = subprocess.run([str(VENV / "mutmut"), "results", "--all", "true"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    per_module: dict[str, Counter] = defaultdict(Counter)
    at_import = Counter()
    for line in out.splitlines():
        found = re.match(r"\s*(([\w.]+)\.x\w*?)__mutmut_\d+: (.+)$", line)
        if not found:
            continue
        function, module, status = found.group(1), found.group(2), found.group(3).strip()
        if function in AT_IMPORT:
            at_import[status] += 1
        else:
            per_module[module][status] += 1
    return per_module, at_import


def report() -> bool:
    """Print killed/total per module and overall; True when at least 90 % are killed."""
    per_module, at_import = results()
    total = Counter()
    print(f"{'module':34} {'mutants':>7} {'killed':>7} {'share':>6}  not killed")
    for module in sorted(per_module):
        counts = per_module[module]
        total.update(counts)
        n, killed = sum(counts.values()), sum(counts[s] for s in KILLED)
        others = ", ".join(f"{s} {c}" for s, c in counts.items() if s not in KILLED)
        print(f"{module.removeprefix('hotline.'):34} {n:7} {killed:7} {killed / n:6.1%}  {others}")
    n, killed = sum(total.values()), sum(total[s] for s in KILLED)
    if not n:
        print("no results yet")
        return False
    print(f"{'all':34} {n:7} {killed:7} {killed / n:6.1%}")
    print(f"run only at import (never active, not counted above): {sum(at_import.values())} mutants in "
          + ", ".join(AT_IMPORT.values()))
    return killed / n >= 0.9


def main() -> None:
    args = sys.argv[1:]
    ensure_mutmut()
    if args != ["--report"]:
        run(args)
    sys.exit(0 if report() else 1)


if __name__ == "__main__":
    main()
