"""Native Microsoft Project files and other tools' formats, read through MPXJ (``charter[mpp]``).

MPXJ's ``UniversalProjectReader`` recognises the file by its content (``.mpp``, ``.mpt``,
``.mpx``, Primavera ``.xer``/PMXML, Planner, GanttProject, Asta, ProjectLibre …); MPXJ's
``MSPDIWriter`` writes it as Microsoft Project XML into memory, and Charter's own MSPDI reader
parses that — so one mapping (and one set of import notes and date checks) serves every format.

This module is imported only when such a file is opened; it needs the optional extra
(``mpxj`` and ``JPype1``) and a Java 11+ runtime, and says so when either is missing.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from charter.domain import Plan
from charter.errors import CharterError, ImportFileError
from charter.formats.jvm import JvmUnavailableError, start_jvm
from charter.formats.mspdi import parse_mspdi

__all__ = ["FORMAT_NAMES", "load_with_mpxj", "read_as_mspdi"]

# What each suffix of charter.sources.MPXJ_SUFFIXES is, for messages; UniversalProjectReader
# itself goes by the content.
FORMAT_NAMES: dict[str, str] = {
    ".mpp": "Microsoft Project",
    ".mpt": "Microsoft Project template",
    ".mpx": "MPX",
    ".mpd": "Microsoft Project database",
    ".xer": "Primavera P6 XER",
    ".pmxml": "Primavera P6 PMXML",
    ".planner": "GNOME Planner",
    ".gan": "GanttProject",
    ".pod": "ProjectLibre",
    ".pp": "Asta Powerproject",
    ".pep": "TurboProject",
    ".fts": "FastTrack Schedule",
    ".cdpx": "ConceptDraw PROJECT",
    ".ppx": "Phoenix Project Manager",
    ".sdef": "SDEF",
    ".gnt": "GanttDesigner",
}

_INSTALL_EXTRA = "install charter[mpp] (pip install 'charter[mpp]'), which adds mpxj and JPype1"
_INSTALL_JAVA = (
    "install a Java 11+ runtime, e.g. apt-get install openjdk-17-jre-headless "
    "(or set JAVA_HOME to an installed one)"
)


def _kind(file: Path) -> str:
    return FORMAT_NAMES.get(file.suffix.lower(), "project")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _jvm(file: Path) -> Any:
    try:
        return start_jvm()
    except JvmUnavailableError as exc:
        what = f"{file}: reading {_kind(file)} files needs MPXJ, and {exc.reason}"
        raise CharterError(what, fix=_INSTALL_EXTRA if exc.kind == "extra" else _INSTALL_JAVA) from None


def read_as_mspdi(path: str | Path) -> bytes:
    """The file at ``path``, read by MPXJ and written as Microsoft Project XML (UTF-8 bytes)."""
    file = Path(path)
    if not file.is_file():
        raise CharterError(f"no such file: {file}", fix="check the path")
    jpype = _jvm(file)
    kind = _kind(file)
    cannot = "open it in its own tool and save it again, or export Microsoft Project XML (.xml) from there"
    started = dt.datetime.now()
    try:
        reader = jpype.JClass("org.mpxj.reader.UniversalProjectReader")()
        project = reader.read(str(file))
        if project is None:
            raise ImportFileError(
                f"{file}: MPXJ does not recognise this as a {kind} file or any format it reads",
                fix=f"check that the file is not damaged or truncated; {cannot}",
            )
        stream = jpype.JClass("java.io.ByteArrayOutputStream")()
        writer = jpype.JClass("org.mpxj.mspdi.MSPDIWriter")()
        writer.setWriteTimephasedData(True)  # the work Project stored, which carries task splits
        writer.setGenerateMissingTimephasedData(False)
        writer.write(project, stream)
        data = bytes(stream.toByteArray())
        if _defaulted(project.getProjectProperties().getCurrentDate(), started, dt.datetime.now()):
            data = _CURRENT_DATE.sub(b"", data, count=1)
        return data
    except jpype.JException as exc:
        raise ImportFileError(
            f"{file}: MPXJ cannot read this {kind} file: {_first_line(exc)}",
            fix=f"check that the file is not damaged, truncated or password-protected; {cannot}",
        ) from None


_CURRENT_DATE = re.compile(rb"<CurrentDate>[^<]*</CurrentDate>")


def _defaulted(current: Any, started: dt.datetime, finished: dt.datetime) -> bool:
    """Whether MPXJ filled in the current date itself (with the time of reading, between
    ``started`` and ``finished``), the file storing none: keeping it would make each import of
    the same file differ."""
    if current is None:
        return False
    try:
        value = dt.datetime.fromisoformat(str(current.toString())[:19])
    except ValueError:
        return False
    second = dt.timedelta(seconds=1)
    return started.replace(microsecond=0) - second <= value <= finished + second


def load_with_mpxj(path: str | Path) -> Plan:
    """Read a native Project file (or another tool's plan) into a Charter plan, through MSPDI."""
    return parse_mspdi(read_as_mspdi(path), str(path))
