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
from charter.services.throttle import LoginLimits
from charter.store import database_url

DEFAULT_DATA_DIR = Path(".charter-data")
SESSION_COOKIE = "charter_session"
CSRF_COOKIE = "charter_csrf"
"""Set next to the session cookie, readable by Charter's pages: they send it back as CSRF_HEADER."""
CSRF_HEADER = "X-CSRF-Token"


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
    request_threads: int = Field(default=8, ge=1, le=256)
    """Requests handled at once (``CHARTER_REQUEST_THREADS``); the rest wait their turn. Python
    runs one thread at a time, so a few threads answer a crowd faster than many."""
    schedule_processes: int = Field(default=1, ge=0, le=64)
    """Worker processes that compute schedules (``CHARTER_SCHEDULE_PROCESSES``), so that a large
    project's schedule never stalls the server's other requests; 0 computes in the server."""
    attachments_dir: Path | None = None
    """Where attachment files are kept (``CHARTER_ATTACHMENTS_DIR``); ``<data_dir>/attachments``
    when unset. Needed with PostgreSQL too: the database holds only the files' checksums."""
    login_failures_per_user: int = Field(default=5, ge=1)
    """Failed sign-ins allowed per user name inside ``login_failure_window``; then 429."""
    login_failures_per_address: int = Field(default=20, ge=1)
    """Failed sign-ins allowed per client address inside ``login_failure_window``; then 429."""
    login_failure_window: dt.timedelta = Field(default=dt.timedelta(minutes=15), gt=dt.timedelta(0))

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

    def attachments_path(self) -> Path:
        """The directory of attachment files (made on the first upload)."""
        return self.attachments_dir if self.attachments_dir is not None else self.data_dir / "attachments"

    def login_limits(self) -> LoginLimits:
        """The sign-in rate limits, for :class:`~charter.services.throttle.LoginThrottle`."""
        return LoginLimits(
            per_user=self.login_failures_per_user,
            per_address=self.login_failures_per_address,
            window_seconds=self.login_failure_window.total_seconds(),
        )
