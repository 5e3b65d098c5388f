"""`charter serve`: the web application and its JSON API, on the database of a data directory."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from charter.cli.admin_cmd import DataDirOpt
from charter.cli.render import err


def serve_command(
    host: Annotated[str, typer.Option("--host", help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="The port to listen on.")] = 8000,
    data_dir: DataDirOpt = None,
) -> None:
    """Serve Charter over HTTP: the JSON API under /api/v1, its OpenAPI at /openapi.json.

    The database comes from --data-dir, else CHARTER_DATABASE_URL, else CHARTER_DATA_DIR, else
    ./.charter-data; create it first with `charter db upgrade`. Put HTTPS in front of it
    (a reverse proxy): session cookies are sent over HTTPS only unless CHARTER_COOKIE_SECURE=false.

    Example: `charter serve --port 8080 --data-dir /srv/charter`
    """
    import uvicorn  # only the server pays for the web stack

    from charter.web import Settings, create_app

    overrides: dict[str, Any] = {}
    if data_dir is not None:
        overrides = {"data_dir": Path(data_dir), "database_url": None}
    app = create_app(Settings(**overrides))
    err.print(f"Charter is serving on http://{host}:{port} (API: /api/v1, OpenAPI: /openapi.json)")
    uvicorn.run(app, host=host, port=port, log_level="info")
