"""Native Project files and other tools' formats, read through MPXJ (the ``charter[mpp]`` extra).

The MPX file is written by MPXJ itself inside the test, so no outside file enters the repository.
Without mpxj/JPype1/Java the MPXJ tests are skipped with the reason (CI fails instead); the
messages for a missing extra or a missing Java are checked everywhere, with the lack simulated.
"""

from __future__ import annotations

import datetime as dt
import importlib
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from charter.cli.app import main
from charter.engine.cpm import schedule
from charter.errors import CharterError, ImportFileError
from charter.formats import jvm
from charter.formats.mpxj_import import FORMAT_NAMES, _defaulted, load_with_mpxj
from charter.formats.mspdi import load_mspdi
from charter.sources import MPXJ_SUFFIXES, open_plan
from charter.views.schedule import schedule_document
from tests.unavailable import skip_here_fail_in_ci


@pytest.fixture(scope="module")
def jpype_module() -> Any:
    try:
        return jvm.start_jvm()
    except jvm.JvmUnavailableError as exc:
        skip_here_fail_in_ci("the MPXJ import tests", f"MPXJ is not usable here: {exc.reason}")


def write_mpx(jpype: Any, target: Path) -> Path:
    """A small project built with MPXJ and written by MPXJ's MPXWriter.

    Build (1) > Design (2) 3d, Code (3) 5d after Design FS+1d, Docs (4) 2d after Design SS;
    Go-live (5), a milestone after Code and Docs.
    """
    j = jpype.JClass
    duration, unit = j("org.mpxj.Duration"), j("org.mpxj.TimeUnit")
    relation, kind = j("org.mpxj.Relation$Builder"), j("org.mpxj.RelationType")
    project = j("org.mpxj.ProjectFile")()
    project.setDefaultCalendar(project.addDefaultBaseCalendar())
    project.getProjectProperties().setStartDate(j("java.time.LocalDateTime").of(2027, 1, 4, 8, 0))
    project.getProjectProperties().setName("MPXJ sample")

    def task(parent: Any, name: str, days: int) -> Any:
        made = parent.addTask()
        made.setName(name)
        made.setDuration(duration.getInstance(days, unit.DAYS))
        return made

    build = project.addTask()
    build.setName("Build")
    design = task(build, "Design", 3)
    code = task(build, "Code", 5)
    docs = task(build, "Docs", 2)
    golive = task(project, "Go-live", 0)
    golive.setMilestone(True)
    one_day = duration.getInstance(1, unit.DAYS)
    code.addPredecessor(relation().predecessorTask(design).type(kind.FINISH_START).lag(one_day))
    docs.addPredecessor(relation().predecessorTask(design).type(kind.START_START))
    golive.addPredecessor(relation().predecessorTask(code).type(kind.FINISH_START))
    golive.addPredecessor(relation().predecessorTask(docs).type(kind.FINISH_START))
    j("org.mpxj.mpx.MPXWriter")().write(project, str(target))
    return target


@pytest.mark.mpxj
def test_an_mpx_file_written_by_mpxj_reads_and_schedules(jpype_module: Any, tmp_path: Path) -> None:
    plan = open_plan(write_mpx(jpype_module, tmp_path / "project.mpx"))
    tasks = {t.key: t for t in plan.walk()}
    assert {key: t.name for key, t in tasks.items()} == {
        "1": "Build",
        "2": "Design",
        "3": "Code",
        "4": "Docs",
        "5": "Go-live",
    }
    assert [t.key for t in tasks["1"].tasks] == ["2", "3", "4"]
    links = {key: [(lk.predecessor, lk.type.value) for lk in t.links] for key, t in tasks.items()}
    assert links == {
        "1": [],
        "2": [],
        "3": [("2", "FS")],
        "4": [("2", "SS")],
        "5": [("3", "FS"), ("4", "FS")],
    }
    assert tasks["3"].links[0].lag.amount is not None
    rows = {row["key"]: row for row in schedule_document(schedule(plan))["tasks"]}
    assert (rows["2"]["start"], rows["2"]["finish"]) == ("2027-01-04T08:00", "2027-01-06T17:00")
    assert (rows["3"]["start"], rows["3"]["finish"]) == ("2027-01-08T08:00", "2027-01-14T17:00")
    assert (rows["4"]["start"], rows["4"]["finish"]) == ("2027-01-04T08:00", "2027-01-05T17:00")
    assert rows["4"]["total_slack"] == 7 * 480
    assert (rows["5"]["start"], rows["5"]["finish"]) == ("2027-01-14T17:00", "2027-01-14T17:00")
    assert [key for key, row in rows.items() if row["critical"]] == ["1", "2", "3", "5"]


@pytest.mark.mpxj
def test_cli_schedules_and_imports_an_mpx_file(
    jpype_module: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_mpx(jpype_module, tmp_path / "project.mpx")
    assert main(["schedule", str(source), "--json"]) == 0
    assert '"2027-01-14T17:00"' in capsys.readouterr().out
    target = tmp_path / "plan.yaml"
    assert main(["import", str(source), "-o", str(target), "--report"]) == 0
    out = capsys.readouterr().out
    assert "5 tasks" in out and "4 links" in out
    assert {t.key for t in open_plan(target).walk()} == {"1", "2", "3", "4", "5"}


@pytest.mark.mpxj
def test_a_file_mpxj_cannot_read_is_a_clear_error(jpype_module: Any, tmp_path: Path) -> None:
    source = tmp_path / "broken.mpp"
    source.write_bytes(b"\xd0\xcf\x11\xe0 not really a compound document" * 10)
    with pytest.raises(ImportFileError) as caught:
        load_with_mpxj(source)
    assert caught.value.exit_code == 2
    assert "broken.mpp" in caught.value.what and "Microsoft Project" in caught.value.what
    assert caught.value.fix and "Microsoft Project XML" in caught.value.fix


def test_every_mpxj_suffix_has_a_format_name() -> None:
    assert set(MPXJ_SUFFIXES) == set(FORMAT_NAMES)


def test_a_missing_file_is_reported_before_java_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jvm, "start_jvm", lambda: pytest.fail("the JVM must not start"))
    with pytest.raises(CharterError, match="no such file"):
        open_plan("nothing.mpp")


@pytest.fixture
def fresh_jvm_state(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget (for this test) that the JVM started or failed, so start_jvm tries again."""
    monkeypatch.setattr(jvm, "_jpype", None)
    monkeypatch.setattr(jvm, "_failure", None)


@pytest.mark.usefixtures("fresh_jvm_state")
@pytest.mark.parametrize("module", ["mpxj", "jpype"])
def test_a_missing_extra_says_install_charter_mpp(
    module: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # `import module` now raises ImportError
    source = tmp_path / "project.mpp"
    source.write_bytes(b"whatever")
    with pytest.raises(CharterError) as caught:
        open_plan(source)
    assert caught.value.exit_code == 2
    assert "needs MPXJ" in caught.value.what and "not installed" in caught.value.what
    assert caught.value.fix is not None and "install charter[mpp]" in caught.value.fix
    assert main(["schedule", str(source)]) == 2
    assert "install charter[mpp]" in capsys.readouterr().err


class _NoJavaJpype:
    """A stand-in for jpype on a machine without Java: the JVM is not running and none is found."""

    class JVMNotFoundException(ValueError):  # noqa: N818 - JPype's name
        pass

    def isJVMStarted(self) -> bool:  # noqa: N802 - JPype's name
        return False

    def getDefaultJVMPath(self) -> str:  # noqa: N802 - JPype's name
        raise self.JVMNotFoundException("No JVM shared library file (libjvm.so) found.")

    def startJVM(self, *args: Any, **kwargs: Any) -> None:  # noqa: N802 - JPype's name
        pytest.fail("no JVM to start")


@pytest.mark.usefixtures("fresh_jvm_state")
def test_missing_java_says_install_a_java_runtime(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real_import = importlib.import_module

    def fake_import(name: str, package: str | None = None) -> Any:
        if name == "jpype":
            return _NoJavaJpype()
        if name == "mpxj":
            return object()
        return real_import(name, package)

    monkeypatch.setattr(importlib, "import_module", fake_import)
    source = tmp_path / "plan.xer"
    source.write_bytes(b"ERMHDR")
    with pytest.raises(CharterError) as caught:
        open_plan(source)
    assert caught.value.exit_code == 2
    assert "Primavera P6 XER" in caught.value.what and "no usable Java runtime" in caught.value.what
    assert caught.value.fix is not None
    assert "install a Java 11+ runtime, e.g. apt-get install openjdk-17-jre-headless" in caught.value.fix
    # The failure is remembered: the next file does not try again.
    assert jvm._failure is not None and jvm._failure.kind == "java"
    assert main(["import", str(source), "-o", str(tmp_path / "p.yaml")]) == 2
    assert "openjdk-17-jre-headless" in capsys.readouterr().err


def test_charter_does_not_import_mpxj_or_jpype_until_such_a_file_is_opened() -> None:
    code = (
        "import sys, charter, charter.cli.app, charter.sources, charter.formats.mspdi\n"
        "loaded = [m for m in ('jpype', 'mpxj', 'charter.formats.mpxj_import') if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_same_file_imports_the_same_twice(jpype_module: Any) -> None:
    source = Path(__file__).parents[1] / "data" / "mspdi" / "levelling-splits.xml"  # stores no CurrentDate
    first = load_with_mpxj(source)
    assert "CurrentDate" not in first.project.extensions["mspdi"]  # not MPXJ's "now" in its place
    time.sleep(1.1)
    assert load_with_mpxj(source) == first


def test_split_tasks_come_through_mpxj(jpype_module: Any) -> None:
    source = Path(__file__).parents[1] / "data" / "mspdi" / "levelling-splits.xml"
    direct = {t.key: t.splits for t in load_mspdi(source).walk()}
    assert any(direct.values())
    assert {t.key: t.splits for t in load_with_mpxj(source).walk()} == direct


class _JavaDate:
    def __init__(self, text: str) -> None:
        self.text = text

    def toString(self) -> str:  # noqa: N802 - the Java method MPXJ's dates have
        return self.text


def test_only_the_current_date_mpxj_fills_in_while_reading_is_dropped() -> None:
    started = dt.datetime(2026, 11, 26, 18, 0, 0)
    finished = started + dt.timedelta(seconds=2)
    assert _defaulted(_JavaDate("2026-11-26T18:00:01.523"), started, finished)
    assert not _defaulted(_JavaDate("2030-06-01T08:00"), started, finished)  # stored, in the future
    assert not _defaulted(_JavaDate("2020-01-01T08:00"), started, finished)
    assert not _defaulted(None, started, finished)
