"""Terminal output helpers: consoles, errors, and the units people read."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from typing import Any

from rich.console import Console
from rich.markup import escape

from charter.domain.values import format_days
from charter.errors import CharterError


def _width() -> int | None:
    """Full width in a terminal; a roomy fixed width when piped, so tables are not squeezed."""
    if os.environ.get("COLUMNS") or sys.stdout.isatty():
        return None
    return 160


out = Console(highlight=False, soft_wrap=False, width=_width())
err = Console(stderr=True, highlight=False, soft_wrap=True)


def print_error(exc: CharterError) -> None:
    where = f"{exc.where}: " if exc.where and str(exc.where) else ""
    # The message is plain text (it may quote "[brackets]", e.g. charter[mpp]), never markup.
    err.print(f"[bold red]error:[/] {escape(where + exc.what)}", markup=True, highlight=False)
    if exc.fix:
        err.print(f"  [cyan]fix:[/] {escape(exc.fix)}")


def print_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


days = format_days


def when(value: dt.datetime) -> str:
    return value.strftime("%a %Y-%m-%d %H:%M")
