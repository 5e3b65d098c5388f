"""YAML as a tree of nodes that remember where they came from (line and column).

The plan reader walks these nodes instead of plain Python values so that every error can
point at the exact spot in the file.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from charter.errors import DuplicateKeyError, Location, PlanFileError

# The reader interprets every scalar itself (durations, dates, percentages …), so YAML's own
# type guessing is skipped: the base loader tags every scalar as text. The C parser is much
# faster on big plans; fall back when PyYAML was built without it.
_Base: type[yaml.BaseLoader] = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


_TAGS = {yaml.ScalarNode: "tag:yaml.org,2002:str", yaml.SequenceNode: "tag:yaml.org,2002:seq"}


class _Loader(_Base):  # type: ignore[valid-type,misc]
    def resolve(self, kind: type[yaml.Node], value: object, implicit: object) -> str:
        """Every node is plain text, a list or a mapping; nothing is guessed."""
        return _TAGS.get(kind, "tag:yaml.org,2002:map")


NULL_WORDS = frozenset({"", "~", "null", "Null", "NULL"})


@dataclass(frozen=True, slots=True)
class Source:
    """A file name (for messages) and its text."""

    name: str
    text: str

    def at(self, node: yaml.Node, path: str | None = None) -> Location:
        mark = node.start_mark
        return Location(file=self.name, line=mark.line + 1, column=mark.column + 1, path=path)


def compose(source: Source) -> yaml.Node | None:
    """Parse ``source`` into a node tree; report syntax errors and duplicate keys with positions."""
    try:
        root: yaml.Node | None = yaml.compose(source.text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = (
            Location(file=source.name, line=mark.line + 1, column=mark.column + 1)
            if mark
            else Location(file=source.name)
        )
        problem = exc.problem or exc.context or "invalid YAML"
        raise PlanFileError(
            f"this is not valid YAML: {problem}",
            where=where,
            fix="check indentation (spaces, not tabs), colons after keys, and quotes around "
            "values that contain ': ' or start with a special character",
        ) from exc
    except yaml.YAMLError as exc:
        raise PlanFileError(f"this is not valid YAML: {exc}", where=Location(file=source.name)) from exc
    if root is not None:
        _check_duplicates(root, source)
    return root


def _check_duplicates(root: yaml.Node, source: Source) -> None:
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, yaml.Node] = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        first = seen[key.value].start_mark.line + 1
                        raise DuplicateKeyError(
                            f"'{key.value}' appears twice in the same mapping (first on line {first})",
                            where=source.at(key),
                            fix="remove or merge one of them; the second would silently replace the first",
                        )
                    seen[key.value] = key
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def has_comments(text: str) -> bool:
    """True when the YAML text holds at least one comment (which a rewrite would drop)."""
    for line in text.splitlines():
        in_single = in_double = False
        for i, ch in enumerate(line):
            if ch == "'" and not in_double:
                in_single = not in_single
            elif ch == '"' and not in_single:
                in_double = not in_double
            elif ch == "#" and not in_single and not in_double and (i == 0 or line[i - 1] in " \t"):
                return True
    return False
