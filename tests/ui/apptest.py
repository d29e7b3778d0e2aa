"""Helpers for driving the app with streamlit.testing.v1.AppTest (in-process, no browser)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from core.config import PROJECT_ROOT

APP = PROJECT_ROOT / "ui" / "app.py"
BUNDLED_ID = "social-media-and-electronic-communications-policy"
RIVERSIDE_ID = "riverside-acceptable-use-policy"
TIMEOUT = 90


def new_app(policy_id: str | None = BUNDLED_ID) -> AppTest:
    """The whole app (entry point and navigation), opened on `policy_id` via `?policy=`."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    if policy_id is not None:
        at.query_params["policy"] = policy_id
    return at


def open_page(page: str, policy_id: str | None = BUNDLED_ID, **query: str) -> AppTest:
    """Run the app once, then switch to `views/<page>.py` (with extra query parameters) and run it."""
    at = new_app(policy_id).run()
    assert not at.exception, [e.value for e in at.exception]
    for name, value in query.items():
        at.query_params[name] = value
    return at.switch_page(f"views/{page}.py").run()


def markdown_text(at: AppTest) -> str:
    return "\n".join(str(element.value) for element in at.markdown)


def html_text(at: AppTest) -> str:
    return "\n".join(str(element.value) for element in at.get("html"))


def no_exceptions(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
