"""One real-browser test: `streamlit run ui/app.py` as a subprocess, driven by Chromium through Playwright."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from assistant.compose import VERDICT_LABELS
from assistant.guide import example_questions
from core.config import PROJECT_ROOT, Settings
from ingest.pipeline import parse_file
from tests.conftest import BUNDLED_POLICY
from tests.ui.apptest import BUNDLED_ID

if TYPE_CHECKING:
    from playwright.sync_api import Locator

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
QUESTION = "Can I add a parent as a friend on Facebook?"
START_TIMEOUT_S = 120

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}: `apt-get install chromium`"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_serving(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"streamlit exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"streamlit did not serve {url} within {START_TIMEOUT_S} s:\n{log.read_text(errors='replace')}")


def wait_until_still(locator: Locator, timeout_s: float = 5.0) -> None:
    """Until the element's box stops changing (animations done), so a screenshot shows its final state."""
    deadline = time.monotonic() + timeout_s
    last = None
    while time.monotonic() < deadline:
        box = locator.bounding_box()
        if box is not None and box == last:
            return
        last = box
        time.sleep(0.2)


@pytest.fixture
def running_app(app_home: Path, tmp_path: Path) -> Iterator[str]:
    """The app on a free port with POLICYQA_HOME = a copy of the real index; always stopped afterwards."""
    port = free_port()
    log = tmp_path / "streamlit.log"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "ui/app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
    ]
    env = {**os.environ, "POLICYQA_HOME": str(app_home), "HF_HUB_OFFLINE": "1"}
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        url = f"http://localhost:{port}"
        wait_until_serving(url, process, log)
        yield url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def test_ask_in_a_real_browser(running_app: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    screenshot = tmp_path / "policyqa-ask.png"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.goto(f"{running_app}/?policy={BUNDLED_ID}")
            chat_input = page.get_by_test_id("stChatInputTextArea")
            expect(chat_input).to_be_visible(timeout=90_000)
            first_example = example_questions(parse_file(BUNDLED_POLICY, Settings()))[0]  # from the policy's rules
            expect(page.get_by_role("button", name=first_example, exact=True)).to_be_visible()
            chat_input.fill(QUESTION)
            submitted = time.perf_counter()
            chat_input.press("Enter")
            badge = page.locator(".pq-verdict")
            expect(badge).to_be_visible(timeout=60_000)
            seconds = time.perf_counter() - submitted
            assert badge.inner_text().split(" ", 1)[1] in VERDICT_LABELS.values()
            citation = page.get_by_test_id("stExpander").first
            expect(citation).to_be_visible()
            label = citation.locator("summary").inner_text()
            assert re.match(r"^\S*\s*\[[\w.() -]+\] ", label.strip().splitlines()[-1]), label
            paragraph_id = label.split("[", 1)[1].split("]", 1)[0]
            citation.locator("summary").click()
            expect(citation.locator("mark").first).to_be_visible()
            expect(citation.get_by_text(f"Open {paragraph_id} in the whole policy")).to_be_visible()
            wait_until_still(citation)  # the expander opens with an animation
            page.screenshot(path=str(screenshot))
        finally:
            browser.close()
    assert screenshot.stat().st_size > 10_000
    print(f"\nscreenshot: {screenshot}\ntime from submit to answer visible: {seconds:.2f} s")
