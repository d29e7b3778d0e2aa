"""Run in a fresh process under tests/offline/sitecustomize.py: ingest, ask and eval through the CLI, then
the Streamlit app through AppTest, on a tiny policy with the real packaged model. Exits non-zero on failure."""

from __future__ import annotations

import sys
from pathlib import Path

from typer.testing import CliRunner


def main() -> None:
    policy, gold = Path(sys.argv[1]), Path(sys.argv[2])
    from cli.main import app

    runner = CliRunner()
    for args in (
        ["ingest", str(policy)],
        ["ask", "Can I use my personal phone in lessons?", "--json"],
        ["eval", "--gold", str(gold), "--policy", "tiny", "--json"],
    ):
        result = runner.invoke(app, args)
        print(f"policyqa {args[0]}: exit {result.exit_code}", file=sys.stderr)
        assert result.exit_code == 0, (args, result.output, result.exception)

    import streamlit.config
    from streamlit.testing.v1 import AppTest

    assert streamlit.config.get_option("browser.gatherUsageStats") is False, "Streamlit usage stats are on"
    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "ui" / "app.py"), default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    at.chat_input[0].set_value("Can I use my personal phone in lessons?").run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.chat_message) == 2, "the app did not answer"
    print("offline run complete", file=sys.stderr)


if __name__ == "__main__":
    main()
