"""Dependencies point one way: data -> ingest -> assistant -> (ui, eval, cli). Nothing imports ui."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = {
    "core": {"core"},
    "ingest": {"core", "ingest"},
    "assistant": {"core", "ingest", "assistant"},
    "eval": {"core", "ingest", "assistant", "eval"},
    "ui": {"core", "assistant", "ui"},  # the app reaches ingest through assistant.library, eval as a process
    "cli": {"core", "ingest", "assistant", "eval", "cli"},
    # offline training: the opt-in embedding model, and the verdict model from the assistant's own readings;
    # nothing imports it
    "training": {"core", "ingest", "assistant", "training"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_packages_only_import_downstream() -> None:
    violations = []
    for package, allowed in ALLOWED.items():
        for path in (ROOT / package).rglob("*.py"):
            for imported in _imports(path) & set(ALLOWED):
                if imported not in allowed:
                    violations.append(f"{path.relative_to(ROOT)} imports {imported}")
    assert violations == []


def test_importing_the_assistant_is_cheap() -> None:
    import subprocess
    import sys

    code = (
        "import sys, assistant.assistant; "
        "print(sorted(m for m in ('torch', 'sentence_transformers') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
