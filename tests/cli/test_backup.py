"""`charter backup` and `charter restore`: consistent while writes go on, exact, portable, all or nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import zipfile
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from charter.cli.app import main
from charter.formats.planfile import parse_plan
from charter.services import SYSTEM, Actor, Services
from charter.store import make_engine, open_store, upgrade
from charter.store.backup import backup
from charter.store.migrate import head_revision
from charter.store.restore import restore
from tests.backends import Backend, SQLiteBackend
from tests.services.conftest import FAST, build_world
from tests.store.conftest import SMALL

Contents = dict[str, list[tuple[Any, ...]]]


def contents(url: str) -> Contents:
    """Every row of every table, ordered by primary key; instants as aware UTC on any backend."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            metadata = sa.MetaData()
            metadata.reflect(connection)
            found: Contents = {}
            for table in metadata.sorted_tables:
                rows = connection.execute(sa.select(table).order_by(*table.primary_key.columns))
                found[table.name] = [tuple(_utc(value) for value in row) for row in rows]
            return found
    finally:
        engine.dispose()


def _utc(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    return value


def target_args(backend: Backend, url: str, data_dir: Path) -> list[str]:
    """The CLI options naming a database: the data directory on SQLite, else the URL."""
    if backend.name == "sqlite":
        return ["--data-dir", str(data_dir)]
    return ["--database-url", url, "--attachments-dir", str(data_dir / "attachments")]


@pytest.fixture
def source(backend: Backend, tmp_path: Path) -> Any:
    """A database with users, tokens, members, projects, trash and audit entries, plus attachments."""
    directory = tmp_path / "source"
    url = backend.create(directory)
    upgrade(url)
    with open_store(url) as store:
        services = Services(store, hasher=FAST)
        build_world(services)
        services.tokens.create(SYSTEM, "owner", "ci", "write", dt.timedelta(days=30))
        services.tasks.patch(Actor("owner"), "own-private", "build", {"name": "Build it"}, 1)
    files = directory / "attachments"
    (files / "ab").mkdir(parents=True)
    (files / "ab" / ("ab" + "0" * 62)).write_bytes(b"the minutes of the kick-off\n")
    (files / "tmp").mkdir()
    (files / "tmp" / "half-written").write_bytes(b"not yet")
    yield url, directory
    backend.drop(url)


def test_backup_and_restore_give_back_every_row_and_file(
    backend: Backend, source: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, directory = source
    archive = tmp_path / "charter.zip"
    assert main(["backup", str(archive), *target_args(backend, url, directory)]) == 0
    assert "to " + str(archive) in capsys.readouterr().err

    target_dir = tmp_path / "target"
    target = backend.create(target_dir)
    try:
        upgrade(target)  # an empty, migrated database is not "non-empty"
        assert main(["restore", str(archive), *target_args(backend, target, target_dir)]) == 0
        assert "restored" in capsys.readouterr().err
        assert contents(target) == contents(url)
        copied = target_dir / "attachments" / "ab" / ("ab" + "0" * 62)
        assert copied.read_bytes() == b"the minutes of the kick-off\n"
        assert not (target_dir / "attachments" / "tmp").exists()
        with open_store(url) as before, open_store(target) as after:
            assert after.export_plan("own-private") == before.export_plan("own-private")
            assert [t.task.key for t in after.trash("own-private")] == ["notes"]
            services = Services(after, hasher=FAST)
            assert services.accounts.authenticate("owner", "correct horse battery") == Actor("owner")
            # new rows get fresh ids after the restored ones (PostgreSQL's sequences moved on)
            key = services.projects.create(Actor("owner"), parse_plan(SMALL), "new")
            assert after.get_task(key, "build").version == 1
    finally:
        backend.drop(target)


@pytest.mark.backends("postgres")
def test_an_archive_moves_from_sqlite_to_postgresql_and_back(
    backend: Backend, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sqlite = SQLiteBackend()
    first = sqlite.create(tmp_path / "first")
    upgrade(first)
    with open_store(first) as store:
        build_world(Services(store, hasher=FAST))
    postgres = backend.create(tmp_path)
    last = sqlite.create(tmp_path / "last")
    try:
        backup(first, tmp_path / "a.zip")
        restore(postgres, tmp_path / "a.zip")
        backup(postgres, tmp_path / "b.zip")
        restore(last, tmp_path / "b.zip")
        assert contents(postgres) == contents(first)
        assert contents(last) == contents(first)
    finally:
        backend.drop(postgres)


def test_a_backup_is_one_snapshot_while_writes_go_on(backend: Backend, source: Any, tmp_path: Path) -> None:
    """A project imported after the projects table was read must not show up by its tasks alone."""
    url, _ = source
    writes: list[str] = []

    class WriteBetweenTables:
        def start(self, label: str, total: int | None) -> None:
            if label == "backing up tasks":
                thread = threading.Thread(target=write)
                thread.start()
                thread.join()

        def advance(self, amount: int) -> None:
            pass

    def write() -> None:
        with open_store(url) as store:
            writes.append(store.import_plan(parse_plan(SMALL), "late"))

    manifest = backup(url, tmp_path / "b.zip", progress=WriteBetweenTables())
    assert writes == ["late"]
    target = backend.create(tmp_path / "target")
    try:
        restore(target, tmp_path / "b.zip")
        with open_store(target) as restored, open_store(url) as live:
            assert "late" not in {p.key for p in restored.list_projects()}
            assert "late" in {p.key for p in live.list_projects()}
        tables = {t.name: t.rows for t in manifest.tables}
        assert tables["tasks"] == len(contents(target)["tasks"]) == len(contents(url)["tasks"]) - 6
    finally:
        backend.drop(target)


def test_restore_refuses_a_database_that_holds_data_unless_forced(
    backend: Backend, source: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, directory = source
    archive = tmp_path / "b.zip"
    backup(url, archive, attachments=directory / "attachments")
    target_dir = tmp_path / "target"
    target = backend.create(target_dir)
    try:
        upgrade(target)
        with open_store(target) as store:
            store.import_plan(parse_plan(SMALL), "mine")
        assert main(["restore", str(archive), *target_args(backend, target, target_dir)]) == 2
        err = capsys.readouterr().err
        assert "is not empty (table 'projects' has rows)" in err and "--force" in err
        with open_store(target) as store:
            assert [p.key for p in store.list_projects()] == ["mine"]

        assert main(["restore", str(archive), "--force", *target_args(backend, target, target_dir)]) == 0
        assert contents(target) == contents(url)
    finally:
        backend.drop(target)


def rewrite(archive: Path, change: dict[str, bytes], manifest_change: dict[str, Any] | None = None) -> None:
    """Replace members of ``archive`` and record their new checksums, as a forger would."""
    with zipfile.ZipFile(archive) as old:
        members = {name: old.read(name) for name in old.namelist()}
    manifest = json.loads(members.pop("manifest.json"))
    manifest.pop("checksum")
    for name, data in change.items():
        members[name] = data
        for table in manifest["tables"]:
            if f"tables/{table['name']}.jsonl" == name:
                table.update(sha256=hashlib.sha256(data).hexdigest(), bytes=len(data))
    manifest.update(manifest_change or {})
    canonical = json.dumps(manifest, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    manifest["checksum"] = hashlib.sha256(canonical.encode()).hexdigest()
    with zipfile.ZipFile(archive, "w") as new:
        for name, data in members.items():
            new.writestr(name, data)
        new.writestr("manifest.json", json.dumps(manifest))


def test_a_failing_restore_leaves_the_database_and_files_as_they_were(
    backend: Backend, source: Any, tmp_path: Path
) -> None:
    url, directory = source
    archive = tmp_path / "b.zip"
    backup(url, archive, attachments=directory / "attachments")
    with zipfile.ZipFile(archive) as opened:
        lines = opened.read("tables/tasks.jsonl").decode().splitlines()
        manifest = json.loads(opened.read("manifest.json"))
    columns = next(t["columns"] for t in manifest["tables"] if t["name"] == "tasks")
    last = json.loads(lines[-1])
    last[columns.index("project_id")] = 999_999  # a task of a project that is not there
    lines[-1] = json.dumps(last)
    rewrite(archive, {"tables/tasks.jsonl": ("\n".join(lines) + "\n").encode()})

    target_dir = tmp_path / "target"
    target = backend.create(target_dir)
    try:
        upgrade(target)
        with open_store(target) as store:
            store.import_plan(parse_plan(SMALL), "mine")
        (target_dir / "attachments").mkdir(parents=True)
        (target_dir / "attachments" / "keep.txt").write_text("mine")
        before = contents(target)
        with pytest.raises(Exception, match="cannot be restored") as caught:
            restore(target, archive, attachments=target_dir / "attachments", force=True)
        assert "refer" in str(caught.value) or "foreign key" in str(caught.value).lower()
        assert contents(target) == before
        assert [p.name for p in (target_dir / "attachments").iterdir()] == ["keep.txt"]
        assert [p.name for p in target_dir.iterdir() if "restoring" in p.name] == []
    finally:
        backend.drop(target)


@pytest.mark.backends("sqlite")
def test_damaged_foreign_and_newer_archives_are_refused(
    backend: Backend, source: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, _ = source
    good = tmp_path / "good.zip"
    backup(url, good)
    target = tmp_path / "target"

    def refused(archive: Path) -> str:
        assert main(["restore", str(archive), "--data-dir", str(target)]) == 2
        return capsys.readouterr().err

    flipped = tmp_path / "flipped.zip"
    with zipfile.ZipFile(good) as opened:
        members = {name: opened.read(name) for name in opened.namelist()}
    data = bytearray(members["tables/projects.jsonl"])
    data[10] ^= 1
    members["tables/projects.jsonl"] = bytes(data)
    with zipfile.ZipFile(flipped, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    assert "'tables/projects.jsonl' does not match its checksum" in refused(flipped)

    newer = tmp_path / "newer.zip"
    newer.write_bytes(good.read_bytes())
    rewrite(newer, {}, {"schema_revision": "9999", "charter_version": "9.0.0"})
    err = refused(newer)
    assert "comes from a newer Charter (schema revision 9999" in err and "upgrade Charter to 9.0.0" in err

    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(good) as opened:
        members = {name: opened.read(name) for name in opened.namelist()}
    manifest = json.loads(members["manifest.json"])
    manifest["tables"][0]["rows"] += 1  # the checksum is left as it was
    members["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(forged, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    assert "its manifest does not match its checksum" in refused(forged)

    text = tmp_path / "notes.txt"
    text.write_text("hello")
    assert "is not a Charter backup" in refused(text)
    assert "there is no backup file" in refused(tmp_path / "missing.zip")
    assert not (target / "charter.db").exists()


@pytest.mark.backends("sqlite")
def test_an_archive_from_an_older_schema_is_upgraded(backend: Backend, tmp_path: Path) -> None:
    old = backend.create(tmp_path / "old")
    upgrade(old, "0001")
    engine = make_engine(old)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO projects (id, key, name, visibility, plan_data, version, created_at, updated_at)"
                " VALUES (1, 'p', 'P', 'private', :data, 1, '2027-01-04 09:00:00.000000', '2027-01-04 09:00:00.000000')"
            ),
            {"data": json.dumps({"charter": 1, "project": {"name": "P", "start": "2027-01-04"}})},
        )
    engine.dispose()
    manifest = backup(old, tmp_path / "old.zip")
    assert manifest.revision == "0001" and {t.name for t in manifest.tables} == {
        "projects",
        "tasks",
        "audit_log",
    }

    target = backend.create(tmp_path / "new")
    result = restore(target, tmp_path / "old.zip")
    assert result.revision == head_revision()
    with open_store(target) as store:
        assert [(p.key, p.name) for p in store.list_projects()] == [("p", "P")]
        assert store.members.roles_of("nobody") == {}
