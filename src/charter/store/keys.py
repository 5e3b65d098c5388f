"""Project keys: short, URL-safe, unique names for projects (``/api/v1/projects/{key}``)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

from charter.errors import InvalidChangeError, Location

MAX_LENGTH = 64
PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def check_project_key(key: str) -> str:
    if not PATTERN.match(key):
        raise InvalidChangeError(
            f"'{key}' is not a valid project key",
            where=Location(path="key"),
            fix="use 1-64 lowercase letters, digits, '-' or '_', starting with a letter or digit",
        )
    return key


def slug(name: str) -> str:
    """``"Nordwerk S/4HANA ERP roll-out"`` → ``"nordwerk-s-4hana-erp-roll-out"``."""
    ascii_name = unicodedata.normalize("NFKD", name.casefold()).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")
    return text[: MAX_LENGTH - 4].rstrip("-") or "project"


def first_free(base: str, taken: Collection[str]) -> str:
    """``base``, or ``base-2``, ``base-3`` … whichever is not ``taken``."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


TASK_KEY = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,199}$")
"""The plan file's key pattern (``charter schema``), bounded in length."""


def check_task_key(key: str) -> str:
    if not TASK_KEY.match(key):
        raise InvalidChangeError(
            f"'{key}' is not a valid task key",
            where=Location(path="key"),
            fix="use lowercase letters, digits, '.', '-' or '_', starting with a letter or digit",
        )
    return key
