"""Fixtures for the Streamlit app's tests: each test gets its own copy of the real index as POLICYQA_HOME."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture
def app_home(real_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the session's real index (feedback and uploads must not leak between tests)."""
    home = tmp_path / "app-home"
    shutil.copytree(real_home, home, ignore=shutil.ignore_patterns("feedback.sqlite3", "ui", "eval", "gold-review"))
    monkeypatch.setenv("POLICYQA_HOME", str(home))
    return home
