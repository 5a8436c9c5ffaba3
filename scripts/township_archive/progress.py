"""Progress bars for long work, shown only when a person is watching a terminal."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn


def terminal_progress(label: str, stream: TextIO) -> Callable[[int], Callable[[int], object]] | None:
    """A factory for `run_pipeline`-style progress: `factory(total)` starts a bar and returns `advance(n)`.

    None when `stream` is not a terminal (CI logs, tests), so nothing is printed there."""
    if not stream.isatty():
        return None

    def start(total: int) -> Callable[[int], object]:
        progress = Progress(
            TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
            console=Console(file=stream), transient=True,
        )
        progress.start()
        task = progress.add_task(label, total=total)

        def advance(step: int) -> None:
            progress.advance(task, step)
            if progress.finished:
                progress.stop()

        return advance

    return start
