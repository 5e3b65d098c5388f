"""What a test does when something outside Python (Java, a PostgreSQL server) is missing."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def skip_here_fail_in_ci(what: str, reason: str) -> NoReturn:
    """Skip locally with ``reason``; under CI (``CI=true``) fail, since CI must run ``what``."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} must run in CI: {reason}")
    pytest.skip(reason)
