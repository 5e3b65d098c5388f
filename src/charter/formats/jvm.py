"""One Java virtual machine per process, with MPXJ on its class path (the optional ``mpp`` extra).

MPXJ (PyPI ``mpxj``) is a Java library driven through ``JPype1``. JPype can start a JVM only
once per process and never restart it, so every user of MPXJ in Charter (the native-file
importer, the differential tests) starts it here. Nothing is imported at module import time:
``jpype`` and ``mpxj`` are looked up through :mod:`importlib` on first use, so this module loads
(and type-checks) where the extra is not installed.
"""

from __future__ import annotations

import importlib
import threading
from types import ModuleType
from typing import Literal

__all__ = ["JvmUnavailableError", "start_jvm"]

# A class every supported MPXJ release has; loading it proves the jars and the runtime fit.
_PROBE_CLASS = "org.mpxj.reader.UniversalProjectReader"

_JVM_OPTIONS = (
    "-Djava.awt.headless=true",
    # MPXJ ships log4j's API without a back end: choose log4j's simple logger and silence it,
    # instead of "ERROR Log4j API could not find a logging provider" on stderr. Failures reach
    # the caller as exceptions.
    "-Dlog4j2.loggerContextFactory=org.apache.logging.log4j.simple.SimpleLoggerContextFactory",
    "-Dorg.apache.logging.log4j.simplelog.level=OFF",
)


class JvmUnavailableError(RuntimeError):
    """MPXJ cannot be used: ``kind`` says whether the Python extra or the Java runtime is missing."""

    def __init__(self, reason: str, kind: Literal["extra", "java"]) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind: Literal["extra", "java"] = kind


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


_lock = threading.Lock()
_jpype: ModuleType | None = None
_failure: JvmUnavailableError | None = None


def start_jvm() -> ModuleType:
    """The ``jpype`` module, with a running JVM that has MPXJ on its class path.

    Starts the JVM on the first call (about 0.2–0.5 s) and reuses it afterwards. Raises
    :class:`JvmUnavailableError` when ``mpxj``/``JPype1`` are not installed or no usable Java
    runtime (11 or later) is found; the failure is remembered for the life of the process.
    """
    global _jpype, _failure
    with _lock:
        if _jpype is not None:
            return _jpype
        if _failure is not None:
            raise _failure
        try:
            _jpype = _launch()
        except JvmUnavailableError as exc:
            _failure = exc
            raise
        return _jpype


def _launch() -> ModuleType:
    try:
        jpype = importlib.import_module("jpype")
    except ImportError as exc:
        raise JvmUnavailableError(f"JPype1 is not installed ({_first_line(exc)})", "extra") from exc
    try:
        # Importing the mpxj package adds its jars to JPype's class path.
        importlib.import_module("mpxj")
    except ImportError as exc:
        raise JvmUnavailableError(f"mpxj is not installed ({_first_line(exc)})", "extra") from exc
    try:
        if not jpype.isJVMStarted():
            jvm_path = jpype.getDefaultJVMPath()
            jpype.startJVM(jvm_path, *_JVM_OPTIONS, convertStrings=False)
    except Exception as exc:  # JVMNotFoundException, OSError (a broken libjvm) ...
        raise JvmUnavailableError(f"no usable Java runtime: {_first_line(exc)}", "java") from exc
    try:
        jpype.JClass(_PROBE_CLASS)
    except Exception as exc:  # too old a Java (UnsupportedClassVersionError), jars missing ...
        reason = _first_line(exc)
        if "ClassVersion" in reason or "class file version" in reason:
            raise JvmUnavailableError(f"the Java runtime is too old for MPXJ: {reason}", "java") from exc
        raise JvmUnavailableError(f"the mpxj package is incomplete: {reason}", "extra") from exc
    return jpype
