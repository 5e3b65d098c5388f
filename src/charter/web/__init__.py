"""The web application: a FastAPI app made by :func:`create_app` (JSON API under ``/api/v1``)."""

from charter.web.app import create_app
from charter.web.settings import Settings

__all__ = ["Settings", "create_app"]
