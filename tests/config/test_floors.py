"""The floors, enforced: a lower app never imports a higher one, pure rules never import Django.

projects (ground floor) ← ballots ← tracking (top floor); config wires them together. The rules
packages are plain Python; the vote's rules also install on their own, so they import each other
only relatively. Production code never imports a package that only the tests install.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("projects", "ballots", "tracking")
FORBIDDEN = {  # importer prefix → module prefixes it may not import
    "projects": ("ballots", "tracking"),
    "ballots": ("tracking",),
}
PURE = ("projects/rules", "ballots/rules", "tracking/rules")
STANDALONE = "ballots/rules"  # installed as minsheng_audit: no absolute import of the product
TEST_ONLY = ("pytest", "hypothesis", "playwright", "polib", "websockets")
NOT_PRODUCTION = ("ballots/bench",)  # the benchmark and its server helper: tests and bench only


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, root: Path) -> list[tuple[str, bool]]:
    """Every module this file imports, and whether relatively (resolved against its package)."""
    package = _module_name(path, root).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: list[tuple[str, bool]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((alias.name, False) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                found.append((".".join([*base, node.module] if node.module else base), True))
            elif node.module:
                found.append((node.module, False))
    return found


def _under(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def violations(root: Path) -> list[str]:
    """Each broken rule as 'file: imports module (why)'."""
    problems: list[str] = []
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            where = path.relative_to(root).as_posix()
            if "/migrations/" in where:
                continue
            for module, relative in imports_of(path, root):
                for banned in FORBIDDEN.get(app, ()):
                    if _under(module, banned):
                        problems.append(f"{where}: imports {module} (a higher floor)")
                if where.startswith(PURE) and _under(module, "django"):
                    problems.append(f"{where}: imports {module} (rules are framework-free)")
                product = any(_under(module, a) for a in APPS)
                if where.startswith(STANDALONE) and product and not relative:
                    problems.append(f"{where}: imports {module} (must stand alone)")
                production = not where.startswith(NOT_PRODUCTION)
                if production and any(_under(module, t) for t in TEST_ONLY):
                    problems.append(f"{where}: imports {module} (a test-only package)")
    return problems


def test_the_tree_keeps_its_floors() -> None:
    assert violations(ROOT) == []


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_the_ground_floor_importing_the_vote_is_caught(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"projects/views.py": "from ballots.models import Round\n"})
    assert violations(root) == ["projects/views.py: imports ballots.models (a higher floor)"]


def test_the_vote_importing_tracking_is_caught(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"ballots/services/x.py": "import tracking.models\n"})
    assert violations(root) == ["ballots/services/x.py: imports tracking.models (a higher floor)"]


def test_django_in_the_rules_is_caught(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"ballots/rules/tally.py": "from django.conf import settings\n"})
    assert violations(root) == [
        "ballots/rules/tally.py: imports django.conf (rules are framework-free)"
    ]


def test_an_absolute_import_in_the_standalone_verifier_is_caught(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "ballots/rules/__init__.py": "",
            "ballots/rules/verify.py": (
                "from ballots.rules.tally import tally\nfrom .terms import Kind\n"
            ),
        },
    )
    assert violations(root) == [
        "ballots/rules/verify.py: imports ballots.rules.tally (must stand alone)"
    ]


def test_a_test_only_package_in_production_code_is_caught(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {"ballots/live.py": "import websockets\n", "ballots/bench/run.py": "import websockets\n"},
    )
    assert violations(root) == ["ballots/live.py: imports websockets (a test-only package)"]


def test_relative_imports_are_resolved_against_their_package(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"projects/rules/x.py": "from ...ballots import tally\n"})
    assert imports_of(root / "projects/rules/x.py", root) == [("ballots", True)]
