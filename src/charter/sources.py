"""Open a plan from wherever it lives, by the file's kind."""

from __future__ import annotations

from pathlib import Path

from charter.domain import Plan
from charter.errors import CharterError
from charter.formats.planfile import load_plan

PLAN_SUFFIXES = (".yaml", ".yml")
MSPDI_SUFFIXES = (".xml",)


def open_plan(path: str | Path) -> Plan:
    """A validated plan from a plan file (``.yaml``/``.yml``) or Microsoft Project XML (``.xml``)."""
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix in PLAN_SUFFIXES:
        return load_plan(file)
    if suffix in MSPDI_SUFFIXES:
        from charter.formats.mspdi import load_mspdi  # only XML input pays for the XML parser

        return load_mspdi(file)
    raise CharterError(
        f"{file}: Charter cannot read '{suffix or 'extensionless'}' files",
        fix="give a plan file ending in .yaml or .yml, or Microsoft Project XML ending in .xml",
    )
