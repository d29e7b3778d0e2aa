"""The README and docs stay true to the code: every command and setting they name exists, and every
setting in core/config.py is documented in the README."""

from __future__ import annotations

import re
from pathlib import Path

from typer.main import get_command

from cli.main import app
from core.config import Settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = "\n".join(path.read_text(encoding="utf-8") for path in sorted((ROOT / "docs").glob("*.md")))


def _commands() -> set[str]:
    return set(get_command(app).commands)  # type: ignore[attr-defined]


def test_every_policyqa_command_named_in_the_readme_and_docs_exists() -> None:
    named = set(re.findall(r"\bpolicyqa ([a-z]+)\b", README + DOCS))
    assert named, "the README names no command"
    assert named <= _commands(), named - _commands()


def test_every_option_named_with_a_command_in_the_readme_exists() -> None:
    command = get_command(app)
    for line in re.findall(r"policyqa [^\n`]*", README):
        name = line.split()[1]
        if name not in command.commands:  # type: ignore[attr-defined]
            continue
        options = {opt for param in command.commands[name].params for opt in getattr(param, "opts", [])}  # type: ignore[attr-defined]
        for option in re.findall(r"(--[a-z][a-z-]*)", line):
            assert option in options, (name, option)


def test_every_setting_is_documented_and_every_documented_setting_exists() -> None:
    fields = {f"POLICYQA_{name.upper()}" for name in Settings.model_fields}
    named = set(re.findall(r"POLICYQA_[A-Z_]+[A-Z]", README))
    assert fields <= named, fields - named
    assert named <= fields, named - fields


def test_the_two_setup_commands_are_the_makefile_targets_and_ci_runs_the_test_one() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "make run" in README and "make test" in README
    assert re.search(r"^run:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert len(README.splitlines()) <= 200
