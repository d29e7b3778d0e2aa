"""The `policyqa` command: its subcommands live one module each; heavy imports (torch, chroma) happen inside
commands, so `--help` stays fast."""

from __future__ import annotations

import logging
import sys

import typer

from cli.ask_command import ask
from cli.bench_command import bench
from cli.eval_command import evaluate_command
from cli.index_commands import bank, ingest, policies
from cli.output import print_error
from cli.parse_command import parse
from core.errors import PolicyQAError

app = typer.Typer(
    help="PolicyQA: answers to staff questions about a policy, citing its numbered paragraphs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command()(parse)
app.command()(ingest)
app.command()(bank)
app.command()(policies)
app.command()(ask)
app.command("eval")(evaluate_command)
app.command("bench")(bench)


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    try:
        app()
    except PolicyQAError as exc:  # last line of defence: a user error never becomes a traceback
        print_error(str(exc))
        sys.exit(2)


if __name__ == "__main__":
    main()
