"""`python -m eval.bench.app_probe POLICY QUESTION`: open the Streamlit app (ui/app.py) with AppTest, ask one
question in its chat box and print one line when the answer is rendered.

AppTest runs the same script, caches and session state as `streamlit run`, without the server, websocket
and browser, so it starts the same way every time; the real-browser test (tests/ui/test_browser.py)
covers the server path.
"""

from __future__ import annotations

import sys

from core.config import PROJECT_ROOT

APP = PROJECT_ROOT / "ui" / "app.py"
TIMEOUT_S = 300


def main(argv: list[str]) -> None:
    from streamlit.testing.v1 import AppTest

    policy, question = argv
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.query_params["policy"] = policy
    at.run()
    if at.exception:
        raise SystemExit(f"the app failed to open: {at.exception[0].value}")
    at.chat_input[0].set_value(question).run()
    replies = [message for message in at.chat_message if message.name == "assistant"]
    if at.exception or not replies:
        raise SystemExit(f"the app gave no answer: {[e.value for e in at.exception]}")
    sys.stdout.write(f"answered: {replies[-1].markdown[0].value[:80]}\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
