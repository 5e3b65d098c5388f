"""Parse Microsoft Project XML safely and read its elements without namespace noise.

The parser is defusedxml with DTDs forbidden outright: an MSPDI file never needs one, and a
DTD is how entity bombs ("billion laughs") and external entities get in. Every problem is an
:class:`~charter.errors.ImportFileError` naming the file and what is wrong.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import defusedxml
import defusedxml.ElementTree as SafeET

from charter.errors import CharterError, ImportFileError, Location

NAMESPACE = "http://schemas.microsoft.com/project"
_PREFIX = "{" + NAMESPACE + "}"


def local_name(tag: str) -> str:
    """``{http://schemas.microsoft.com/project}Task`` → ``Task``."""
    return tag[len(_PREFIX) :] if tag.startswith(_PREFIX) else tag.rsplit("}", 1)[-1]


def parse_xml(data: bytes, name: str) -> ET.Element:
    """The root ``<Project>`` element of MSPDI bytes; hostile or broken XML is refused clearly."""
    where = Location(file=name)
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DTDForbidden as exc:
        raise ImportFileError(
            "the XML file declares a document type (DTD), which Charter refuses to read: "
            "DTDs are how entity bombs and external-entity attacks get in",
            where=where,
            fix=f"remove the <!DOCTYPE …> declaration ({exc.name or 'unnamed'}); Microsoft Project "
            "never writes one",
        ) from None
    except defusedxml.EntitiesForbidden as exc:
        raise ImportFileError(
            f"the XML file declares the entity '{exc.name}', which Charter refuses to expand",
            where=where,
            fix="remove the entity declarations; Microsoft Project never writes them",
        ) from None
    except defusedxml.ExternalReferenceForbidden:
        raise ImportFileError(
            "the XML file refers to an external resource, which Charter refuses to fetch",
            where=where,
            fix="remove the external reference; Microsoft Project never writes one",
        ) from None
    except ET.ParseError as exc:
        line, column = exc.position
        raise ImportFileError(
            f"this is not well-formed XML: {_parse_problem(exc)}",
            where=Location(file=name, line=line, column=column + 1),
            fix="the file is damaged or not XML; export it again from Microsoft Project "
            "(File > Save As > XML Format)",
        ) from None
    if local_name(root.tag) != "Project":
        raise ImportFileError(
            f"this is not Microsoft Project XML: the root element is <{local_name(root.tag)}>, not <Project>",
            where=where,
            fix="save the plan from Microsoft Project as 'XML Format (*.xml)'",
        )
    return root


def _parse_problem(exc: ET.ParseError) -> str:
    text = str(exc)
    return text.split(":", 1)[0] if ": line" in text else text


def read_xml_file(path: str | Path) -> tuple[bytes, str]:
    file = Path(path)
    try:
        return file.read_bytes(), str(file)
    except FileNotFoundError:
        raise CharterError(f"no such file: {file}", fix="check the path") from None
    except OSError as exc:
        raise CharterError(f"cannot read {file}: {exc.strerror}") from None


class Node:
    """An element with namespace-free access to its children (first match, all matches, text)."""

    __slots__ = ("_children", "element")

    def __init__(self, element: ET.Element) -> None:
        self.element = element
        children: dict[str, list[ET.Element]] = {}
        for child in element:
            if isinstance(child.tag, str):
                children.setdefault(local_name(child.tag), []).append(child)
        self._children = children

    def text(self, name: str) -> str | None:
        """The stripped text of child ``name``; None when it is missing or empty."""
        found = self._children.get(name)
        if not found:
            return None
        value = (found[0].text or "").strip()
        return value or None

    def child(self, name: str) -> Node | None:
        found = self._children.get(name)
        return Node(found[0]) if found else None

    def children(self, name: str) -> list[Node]:
        return [Node(e) for e in self._children.get(name, [])]

    def all(self, path: str) -> list[Node]:
        """Grandchildren by a two-step path like ``Tasks/Task``."""
        outer, inner = path.split("/")
        return [n for parent in self.children(outer) for n in parent.children(inner)]

    def names(self) -> list[str]:
        return list(self._children)

    def simple_fields(self, skip: frozenset[str]) -> dict[str, str]:
        """Child elements holding plain text (no children of their own), except ``skip``."""
        out: dict[str, str] = {}
        for name, elements in self._children.items():
            if name in skip or len(elements) != 1 or len(elements[0]):
                continue
            out[name] = (elements[0].text or "").strip()
        return out


INSTRUCTION = "charter"
"""Target of the processing instruction in which Charter keeps what MSPDI has no element for."""


def read_instruction(data: bytes) -> str | None:
    """The text of the ``<?charter …?>`` processing instruction before the root element, if any.

    Call it after :func:`parse_xml` accepted ``data`` (that is where DTDs are refused); only the
    prolog is read, up to the root element's start tag.
    """
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("pi", "start"))
    step = 1 << 16
    for offset in range(0, len(data), step):
        parser.feed(data[offset : offset + step])
        for event in parser.read_events():
            name, element = event[0], event[-1]
            if name == "start":
                return None
            if name == "pi" and isinstance(element, ET.Element):
                target, _, text = (element.text or "").partition(" ")
                if target == INSTRUCTION:
                    return text
    return None
