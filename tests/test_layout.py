"""The layout of hotline/ (docs/architecture.md): imports run one way and never in a circle.

Imports are read with `ast`, not by importing, so a rule is checked even for code that
no test runs. Each unit is a top-level package or loose module of hotline/, with a layer:

    base (models, config, extensions, audit, throttle, cleaning, textdiff)
      ← domain (notices, faq, answers, inquiries, mail, staff, search)
      ← demo ← web (web, public, agent, admin) ← app

A unit may import its own layer or a lower one; the audience packages (public, agent,
admin) import only the shared `web` package, never each other; no two units import each
other, directly or through others; no two modules do either.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "hotline"
LAYERS = {
    "models": 0, "config": 0, "extensions": 0, "audit": 0, "throttle": 0, "cleaning": 0, "textdiff": 0,
    "notices": 1, "faq": 1, "answers": 1, "inquiries": 1, "mail": 1, "staff": 1, "search": 1, "affected": 1, "callbacks": 1,
    "subscribers": 1,
    "demo": 2,
    "web": 3, "public": 3, "agent": 3, "admin": 3,
    "app": 4,
}
AUDIENCES = {"public", "agent", "admin"}
WEB_ONLY_LIBRARIES = ("wtforms", "flask_wtf")
WEB_ONLY_FLASK_NAMES = {"request", "render_template", "redirect", "session", "url_for", "flash", "abort"}
MAX_LINES = 300
MAX_LOOSE_MODULES = 8


def module_names(package: Path) -> dict[str, Path]:
    """Dotted module name → file, for every module of the package."""
    out = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def imports_of(name: str, path: Path, known: set[str]) -> list[tuple[str, ast.AST]]:
    """Project modules that module `name` imports, resolved to modules where they are."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    root = name.split(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node) for alias in node.names if alias.name.split(".")[0] == root]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if source.split(".")[0] != root:
                continue
            for alias in node.names:
                target = f"{source}.{alias.name}"
                found.append((target if target in known else source, node))
    return found


def unit_of(module: str) -> str:
    """The top-level package or loose module a module belongs to ('' for the root)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of the graph as a list of nodes, or [] when there is none."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = "done"
        return []

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return []


def layout_problems(package: Path) -> list[str]:
    """Every broken layout rule, in words."""
    modules = module_names(package)
    known = set(modules)
    problems = []
    module_graph: dict[str, set[str]] = {m: set() for m in modules}
    unit_graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        unit = unit_of(name)
        if unit and unit not in LAYERS:
            problems.append(f"{name}: '{unit}' has no layer; add it to docs/architecture.md and this test")
            continue
        for target, _node in imports_of(name, path, known):
            if target == package.name or target == name:
                continue  # the root package re-exports create_app; self-references are harmless
            module_graph[name].add(target)
            other = unit_of(target)
            if not unit or not other or other == unit:
                continue
            unit_graph.setdefault(unit, set()).add(other)
            if LAYERS.get(other, 99) > LAYERS[unit]:
                problems.append(f"{name} imports {target}: layer {other} is above {unit}")
            if unit in AUDIENCES and other in AUDIENCES:
                problems.append(f"{name} imports {target}: audience packages never import each other")
        if unit and unit != "extensions" and LAYERS.get(unit, 99) < LAYERS["web"]:
            problems += web_only_uses(name, path)  # extensions binds CSRF and reads the request method
    for graph, what in ((unit_graph, "packages"), (module_graph, "modules")):
        cycle = find_cycle(graph)
        if cycle:
            problems.append(f"{what} import each other in a circle: {' → '.join(cycle)}")
    return problems


def web_only_uses(name: str, path: Path) -> list[str]:
    """Forms and request handling below the web layer."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] in WEB_ONLY_LIBRARIES:
                out.append(f"{name} imports {node.module}: forms belong to the web packages")
            if node.module == "flask":
                used = {a.name for a in node.names} & WEB_ONLY_FLASK_NAMES
                if used:
                    out.append(f"{name} uses flask.{', flask.'.join(sorted(used))}: requests belong to the web packages")
    return out


def test_the_project_follows_its_layout():
    assert layout_problems(PACKAGE) == []


def test_only_the_search_package_imports_whoosh():
    users = [name for name, path in module_names(PACKAGE).items()
             if "whoosh" in {n.split(".")[0] for n in _imported_libraries(path)}]
    assert users and all(name.startswith("hotline.search.") for name in users), users


def _imported_libraries(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module)
    return names


def test_no_module_is_over_the_size_limit():
    long = {str(p.relative_to(ROOT)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_the_listing_shows_the_domains():
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(loose) <= MAX_LOOSE_MODULES, loose
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert packages == {u for u in LAYERS if (PACKAGE / u).is_dir()}, packages


# ---------------------------------------------------------------- the checker itself


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    package = tmp_path / "hotline"
    for rel, text in {"__init__.py": "", **files}.items():
        path = package / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return package


@pytest.mark.parametrize("files, expected", [
    ({"notices/__init__.py": "", "notices/workflow.py": "from ..public import views\n",
      "public/__init__.py": "", "public/views.py": "from .. import notices\n"},
     "layer public is above notices"),
    ({"faq/__init__.py": "from .. import answers\n", "answers/__init__.py": "from ..faq import entries\n",
      "faq/entries.py": ""},
     "packages import each other in a circle"),
    ({"notices/__init__.py": "", "notices/a.py": "from . import b\n", "notices/b.py": "from .a import x\n"},
     "modules import each other in a circle"),
    ({"agent/__init__.py": "", "agent/views.py": "from ..admin import display\n",
      "admin/__init__.py": "", "admin/display.py": ""},
     "audience packages never import each other"),
    ({"mail/__init__.py": "", "mail/forms.py": "from wtforms import StringField\n"},
     "forms belong to the web packages"),
    ({"inquiries/__init__.py": "", "inquiries/intake.py": "from flask import request\n"},
     "requests belong to the web packages"),
    ({"misc/__init__.py": ""}, "has no layer"),
])
def test_the_checker_finds_each_broken_rule(tmp_path, files, expected):
    problems = layout_problems(_tree(tmp_path, files))
    assert any(expected in p for p in problems), problems


def test_the_checker_accepts_imports_that_run_one_way(tmp_path):
    package = _tree(tmp_path, {
        "models/__init__.py": "", "audit.py": "from .models import AuditEvent\n",
        "notices/__init__.py": "from .workflow import publish\n",
        "notices/workflow.py": "from .. import audit\nfrom ..models import Report\n",
        "answers/__init__.py": "from .. import notices\n",
        "web/__init__.py": "", "web/auth.py": "from flask import request\n",
        "public/__init__.py": "", "public/views.py": "from .. import answers, notices\nfrom ..web import auth\n",
    })
    assert layout_problems(package) == []
