"""What the CLI prints: the consoles, one-sentence errors, progress bars and an answer. Policy text is
always printed as text, never as Rich markup."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, NoReturn

import typer
from rich.console import Console

if TYPE_CHECKING:
    from core.config import Settings

console = Console()
errors = Console(stderr=True, soft_wrap=True)


def load_settings() -> Settings:
    from core.config import Settings

    return Settings()


def print_error(message: str) -> None:
    from rich.markup import escape

    errors.print(f"[bold red]Error:[/] {escape(message)}", highlight=False)


def fail(message: str, code: int = 2) -> NoReturn:
    print_error(message)
    raise typer.Exit(code)


class null_status:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: object) -> None:
        return None


_VERDICT_STYLE = {
    "allowed": "bold green",
    "conditional": "bold yellow",
    "discouraged": "bold dark_orange",
    "prohibited": "bold red",
    "required": "bold blue",
    "not_covered": "bold magenta",
}


def print_answer(answer) -> None:
    from rich.markup import escape
    from rich.panel import Panel

    from assistant.compose import VERDICT_LABELS

    # everything that comes from a policy is text, never Rich markup ("[/b]" or "[link=...]" in a sentence)
    style = _VERDICT_STYLE.get(answer.verdict, "bold")
    body = escape(answer.answer)
    if answer.note:
        body += f"\n\n[dim]{escape(answer.note)}[/]"
    console.print(Panel(body, title=f"[{style}]{VERDICT_LABELS[answer.verdict]}[/]", title_align="left"))
    for citation in answer.citations:
        console.print(f"  [bold cyan]{escape('[' + citation.paragraph + ']')}[/] {escape(citation.heading)}")
    if answer.contacts:
        who = "; ".join(c.role + (f" ({c.detail})" if c.detail else "") for c in answer.contacts)
        console.print(f"  [bold]Who to contact:[/] {escape(who)}")
    console.print(f"  [dim]confidence {answer.confidence:.2f} · {answer.timings_ms.get('total', 0):.0f} ms[/]")


@contextmanager
def labelled_progress(verb: str) -> Iterator[Callable[[str, int, int], None]]:
    """One bar per label (a system, a policy), shown on stderr while the work runs."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=errors, transient=True
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(label: str, done: int, total: int) -> None:
            if label not in tasks:
                tasks[label] = bar.add_task(f"{verb} {label}", total=total)
            bar.update(tasks[label], completed=done)

        yield progress
