"""`charter serve`: the web application and its JSON API, on the database of a data directory."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from charter.cli.admin_cmd import DatabaseUrlOpt, DataDirOpt
from charter.cli.render import err
from charter.errors import CharterError

if TYPE_CHECKING:
    from charter.web import Settings

HostOpt = Annotated[str, typer.Option("--host", help="The address to listen on.")]
PortOpt = Annotated[int, typer.Option("--port", min=1, max=65535, help="The port to listen on.")]


def serve_command(
    host: HostOpt = "127.0.0.1",
    port: PortOpt = 8000,
    data_dir: DataDirOpt = None,
    database_url: DatabaseUrlOpt = None,
) -> None:
    """Serve Charter over HTTP: the JSON API under /api/v1, its OpenAPI at /openapi.json.

    The database comes from --data-dir or --database-url, else CHARTER_DATABASE_URL, else
    CHARTER_DATA_DIR, else ./.charter-data; create it first with `charter db upgrade`. Put HTTPS
    in front of it (a reverse proxy): session cookies are sent over HTTPS only unless
    CHARTER_COOKIE_SECURE=false. Trash older than 30 days is purged at start-up and daily.

    Example: `charter serve --port 8080 --data-dir /srv/charter`
    """
    from charter.web import Settings

    overrides: dict[str, Any] = {}
    if data_dir is not None and database_url:
        raise CharterError("--data-dir and --database-url both name a database", fix="give only one of them")
    if data_dir is not None:
        overrides = {"data_dir": Path(data_dir), "database_url": None}
    elif database_url:
        overrides = {"database_url": database_url}
    serve(Settings(**overrides), host, port)


def serve(settings: Settings, host: str, port: int) -> None:
    """Run the server in this process until it is stopped (Ctrl+C, SIGTERM)."""
    import uvicorn  # only the server pays for the web stack

    from charter.web import create_app

    app = create_app(settings)
    err.print(f"Charter is serving on http://{host}:{port} (API: /api/v1, OpenAPI: /openapi.json)")
    uvicorn.run(app, host=host, port=port, log_level="info")
