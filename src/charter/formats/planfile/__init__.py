"""The plan file: Charter's YAML plan-as-code format (version 1)."""

from charter.formats.planfile.reader import load_plan, parse_plan
from charter.formats.planfile.writer import dump_plan, save_plan

__all__ = ["dump_plan", "load_plan", "parse_plan", "save_plan"]
