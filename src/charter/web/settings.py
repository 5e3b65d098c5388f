"""The server's settings: one pydantic-settings class, read from ``CHARTER_*`` variables.

Built inside :func:`charter.web.create_app` (never at import time). The server keeps no signing
secret: a session is a random id whose hash the database keeps, and a token likewise, so there
is no default secret to refuse.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from charter.errors import CharterError
from charter.store import database_url

DEFAULT_DATA_DIR = Path(".charter-data")
SESSION_COOKIE = "charter_session"


class Settings(BaseSettings):
    """Where the database is, and how sessions behave.

    ``database_url`` (``CHARTER_DATABASE_URL``, e.g. PostgreSQL) wins over ``data_dir``
    (``CHARTER_DATA_DIR``, a directory holding the SQLite database).
    """

    model_config = SettingsConfigDict(env_prefix="CHARTER_", extra="ignore", frozen=True)

    data_dir: Path = DEFAULT_DATA_DIR
    database_url: str | None = None
    session_lifetime: dt.timedelta = Field(default=dt.timedelta(hours=12), gt=dt.timedelta(0))
    cookie_secure: bool = True
    """Send the session cookie over HTTPS only; turn off only for plain HTTP on localhost."""
    max_upload_bytes: int = Field(default=32 * 1024 * 1024, gt=0)

    def url(self) -> str:
        """The database URL; the data directory must exist (``charter db upgrade`` makes it)."""
        if self.database_url:
            return self.database_url
        if not self.data_dir.is_dir():
            raise CharterError(
                f"there is no data directory '{self.data_dir}'",
                fix="run `charter db upgrade` first, or point --data-dir / CHARTER_DATA_DIR at it",
            )
        return database_url(self.data_dir)
