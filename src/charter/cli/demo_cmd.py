"""`charter demo`: a server with example projects and a demo user, ready to try on localhost.

The demo data directory is made once (migrated, the example plans loaded as projects owned by
the user ``demo``, whose random password is kept in ``demo-password`` beside the database) and
reused afterwards: a second run prints the same password and serves the same data.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from argon2 import PasswordHasher

import charter
from charter.cli.render import err
from charter.cli.serve_cmd import HostOpt, PortOpt, serve
from charter.errors import CharterError
from charter.services import SYSTEM, Actor, Services
from charter.sources import open_plan
from charter.store import database_url, open_store, upgrade

DEMO_DIR = Path(".charter-demo")
DEMO_USER = "demo"
PASSWORD_FILE = "demo-password"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True, slots=True)
class Demo:
    password: str
    projects: tuple[str, ...]
    """Keys of the projects loaded by this run (none when the directory was ready)."""


def demo_command(
    data_dir: Annotated[
        Path, typer.Option("--data-dir", metavar="DIR", help="The demo's data directory.")
    ] = DEMO_DIR,
    host: HostOpt = "127.0.0.1",
    port: PortOpt = 8000,
    examples: Annotated[
        Path | None,
        typer.Option(
            "--examples",
            metavar="DIR",
            help="The plan files to load. Default: ./examples, else the examples beside Charter's source.",
            show_default=False,
        ),
    ] = None,
    setup_only: Annotated[
        bool,
        typer.Option("--setup-only", help="Prepare the data directory and print the password; do not serve."),
    ] = False,
) -> None:
    """Serve a demo: example projects and a user 'demo' whose password is printed.

    Session cookies are allowed over plain HTTP on a loopback address (127.0.0.1, localhost),
    since the demo runs without HTTPS.

    Example: `charter demo --port 8000` (what `make run` does)
    """
    demo = prepare(data_dir, examples_dir(examples))
    for key in demo.projects:
        err.print(f"loaded the example project '{key}'")
    err.print(f"Charter demo on http://{host}:{port}/docs, data in {data_dir}; sign in as:")
    typer.echo(f"  user: {DEMO_USER}\n  password: {demo.password}")
    if setup_only:
        return
    from charter.web import Settings

    local = host in LOOPBACK
    if not local:
        err.print(f"{host} is not a loopback address: session cookies need HTTPS (put a proxy in front)")
    serve(Settings(data_dir=data_dir, database_url=None, cookie_secure=not local), host, port)


def prepare(data_dir: Path, examples: Path) -> Demo:
    """Make (or finish making) the demo data directory; safe to run again at any point."""
    data_dir.mkdir(parents=True, exist_ok=True)
    url = database_url(data_dir)
    upgrade(url)
    password_file = data_dir / PASSWORD_FILE
    password = password_file.read_text(encoding="utf-8").strip() if password_file.is_file() else ""
    loaded: list[str] = []
    with open_store(url) as store:
        services = Services(store)
        exists = store.accounts.password_hash(DEMO_USER) is not None
        if not password:
            password = secrets.token_urlsafe(12)
            _write_secret(password_file, password)
            if exists:
                hashed = PasswordHasher().hash(password)
                store.accounts.set_password_hash(DEMO_USER, hashed, actor=SYSTEM.audit_name)
        if not exists:
            services.accounts.add_user(SYSTEM, DEMO_USER, password)
        names = {project.name for project in store.list_projects()}
        for path in sorted(examples.glob("*.yaml")):
            plan = open_plan(path)
            if plan.project.name not in names:
                loaded.append(services.projects.create(Actor(DEMO_USER), plan))
                names.add(plan.project.name)
    return Demo(password, tuple(loaded))


def examples_dir(given: Path | None) -> Path:
    """The example plans: ``given``, else ``./examples``, else the ones beside Charter's source."""
    candidates = (
        [given]
        if given is not None
        else [
            Path("examples"),
            Path(charter.__file__).resolve().parents[2] / "examples",
        ]
    )
    for candidate in candidates:
        if candidate.is_dir() and any(candidate.glob("*.yaml")):
            return candidate
    places = " or ".join(f"'{c}'" for c in candidates)
    raise CharterError(
        f"there are no example plans (*.yaml) in {places}",
        fix="run from Charter's source directory, or name a directory of plan files with --examples",
    )


def _write_secret(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by its owner only."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text + "\n")
        file.flush()
        os.fsync(file.fileno())
