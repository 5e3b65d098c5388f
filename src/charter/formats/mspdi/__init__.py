"""Microsoft Project XML (MSPDI): read a Project file into a Charter plan."""

from charter.formats.mspdi.reader import load_mspdi, parse_mspdi

__all__ = ["load_mspdi", "parse_mspdi"]
