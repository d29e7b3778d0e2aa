"""The admin password: compared in constant time, and never written to a log or a settings dump."""

from __future__ import annotations

import logging

import pytest

from core.config import Settings
from ui import auth

SECRET = "corr3ct-h0rse-batt€ry"


@pytest.mark.parametrize(
    ("typed", "matches"),
    [
        (SECRET, True),
        (SECRET + " ", False),
        (SECRET[:-1], False),
        ("", False),
        ("x" * 10_000, False),
        ("\ud800", False),
    ],
)
def test_only_the_exact_password_unlocks(typed: str, matches: bool) -> None:
    assert auth.password_matches(Settings(admin_password=SECRET), typed) is matches


def test_no_password_set_never_unlocks() -> None:
    assert not auth.password_matches(Settings(), "")
    assert not auth.password_matches(Settings(), "anything")


def test_the_comparison_is_constant_time_over_equal_lengths(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[bytes, bytes]] = []

    def spy(a: bytes, b: bytes) -> bool:
        seen.append((a, b))
        return a == b

    monkeypatch.setattr(auth.hmac, "compare_digest", spy)
    auth.password_matches(Settings(admin_password=SECRET), "short")
    assert len(seen) == 1 and len(seen[0][0]) == len(seen[0][1]), "compared with hmac.compare_digest, equal lengths"
    assert SECRET.encode() not in seen[0], "digests are compared, not the password itself"


def test_the_password_is_never_logged_or_dumped(caplog: pytest.LogCaptureFixture, monkeypatch) -> None:
    monkeypatch.setenv("POLICYQA_ADMIN_PASSWORD", SECRET)
    caplog.set_level(logging.DEBUG)
    settings = Settings()
    auth.password_matches(settings, SECRET)
    auth.password_matches(settings, "wrong guess")
    logging.getLogger("policyqa.test").info("settings: %s %r", settings, settings)
    assert SECRET not in caplog.text and "wrong guess" not in caplog.text
    assert SECRET not in settings.model_dump_json() and SECRET not in str(settings.model_dump())
