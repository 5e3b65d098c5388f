"""Open a plan from wherever it lives, by the file's kind."""

from __future__ import annotations

from pathlib import Path

from charter.domain import Plan
from charter.errors import CharterError
from charter.formats.planfile import load_plan

PLAN_SUFFIXES = (".yaml", ".yml")
MSPDI_SUFFIXES = (".xml",)
# Read through MPXJ (the optional ``charter[mpp]`` extra); see charter.formats.mpxj_import.
MPXJ_SUFFIXES = (
    ".mpp",
    ".mpt",
    ".mpx",
    ".mpd",
    ".xer",
    ".pmxml",
    ".planner",
    ".gan",
    ".pod",
    ".pp",
    ".pep",
    ".fts",
    ".cdpx",
    ".ppx",
    ".sdef",
    ".gnt",
)


def open_plan(path: str | Path) -> Plan:
    """A validated plan from a plan file (``.yaml``/``.yml``), Microsoft Project XML (``.xml``),
    or a native Project file or another tool's plan (``.mpp``, ``.mpx``, ``.xer`` …, through MPXJ)."""
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix in PLAN_SUFFIXES:
        return load_plan(file)
    if suffix in MSPDI_SUFFIXES:
        from charter.formats.mspdi import load_mspdi  # only XML input pays for the XML parser

        return load_mspdi(file)
    if suffix in MPXJ_SUFFIXES:
        from charter.formats.mpxj_import import load_with_mpxj  # only these pay for MPXJ and Java

        return load_with_mpxj(file)
    raise CharterError(
        f"{file}: Charter cannot read '{suffix or 'extensionless'}' files",
        fix="give a plan file ending in .yaml or .yml, Microsoft Project XML ending in .xml, "
        "or a native Project file or another tool's plan (.mpp, .mpx, .xer, .planner … with charter[mpp])",
    )
