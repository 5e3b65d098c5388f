"""Microsoft Project XML (MSPDI): read a Project file into a Charter plan, and write one back."""

from charter.formats.mspdi.reader import load_mspdi, parse_mspdi
from charter.formats.mspdi.writer import MspdiDocument, dump_mspdi, save_mspdi

__all__ = ["MspdiDocument", "dump_mspdi", "load_mspdi", "parse_mspdi", "save_mspdi"]
