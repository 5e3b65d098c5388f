"""Time entries: who may log and change whose time, the CSV import, filters and sums."""

from __future__ import annotations

import datetime as dt

import pytest

from charter.errors import (
    ForbiddenError,
    ImportFileError,
    InvalidChangeError,
    NotFoundError,
    StaleVersionError,
)
from charter.formats.timesheet_csv import minutes_of
from charter.services import Actor, Services
from charter.services.time_entries import TimeToLog
from charter.store import Store, TimeEntry, TimeEntryQuery

KEY = "own-private"
DAY = dt.date(2027, 2, 1)


def test_a_member_logs_their_own_time_and_the_entry_is_numbered_in_the_project(services: Services) -> None:
    entry = services.time_entries.log(Actor("member"), KEY, task="arch", date=DAY, hours=1.25, note="ERD")
    assert (entry.id, entry.person, entry.task, entry.minutes, entry.author, entry.version) == (
        3, "member", "arch", 75, "member", 1,
    )  # fmt: skip
    assert services.time_entries.get(Actor("viewer"), KEY, 3) == entry


@pytest.mark.parametrize(("actor", "allowed"), [("member", False), ("manager", True), ("owner", True)])
def test_logging_someone_elses_time_takes_a_manager(services: Services, actor: str, allowed: bool) -> None:
    def log() -> TimeEntry:
        return services.time_entries.log(Actor(actor), KEY, task="build", date=DAY, hours=2, person="alice")

    if allowed:
        assert log().person == "alice"  # a resource key of the plan
    else:
        with pytest.raises(ForbiddenError, match="manage time entries"):
            log()


@pytest.mark.parametrize("actor", ["viewer", "stakeholder"])
def test_readers_do_not_log_time(services: Services, actor: str) -> None:
    with pytest.raises(ForbiddenError, match="log time"):
        services.time_entries.log(Actor(actor), KEY, task="build", date=DAY, hours=1)


def test_a_member_changes_their_own_entries_only_and_cannot_hand_one_over(services: Services) -> None:
    member = Actor("member")
    own = services.time_entries.log(member, KEY, task="build", date=DAY, hours=1)
    changed = services.time_entries.patch(member, KEY, own.id, {"hours": 2, "note": "longer"}, 1)
    assert (changed.minutes, changed.note, changed.version) == (120, "longer", 2)
    with pytest.raises(ForbiddenError, match="manage time entries"):
        services.time_entries.patch(member, KEY, own.id, {"person": "viewer"}, 2)
    with pytest.raises(ForbiddenError, match="manage time entries"):
        services.time_entries.patch(member, KEY, 1, {"hours": 3}, 1)  # the owner's entry
    with pytest.raises(ForbiddenError):
        services.time_entries.delete(member, KEY, 1, 1)
    manager = services.time_entries.patch(Actor("manager"), KEY, 1, {"person": "member", "task": "arch"}, 1)
    assert (manager.person, manager.task, manager.version) == ("member", "arch", 2)
    services.time_entries.delete(member, KEY, 1, 2)  # now it is the member's
    with pytest.raises(NotFoundError):
        services.time_entries.get(member, KEY, 1)


def test_a_stale_version_changes_nothing(services: Services) -> None:
    services.time_entries.patch(Actor("owner"), KEY, 1, {"hours": 3}, 1)
    with pytest.raises(StaleVersionError, match="version 2, you had version 1"):
        services.time_entries.patch(Actor("manager"), KEY, 1, {"hours": 5}, 1)
    assert services.time_entries.get(Actor("owner"), KEY, 1).minutes == 180


def test_delete_and_restore_go_through_the_trash_and_the_audit_log(services: Services, store: Store) -> None:
    owner = Actor("owner")
    services.time_entries.delete(owner, KEY, 1, 1)
    assert [e.id for e in services.time_entries.trash(owner, KEY)] == [1, 2]
    restored = services.time_entries.restore(owner, KEY, 1)
    assert (restored.version, restored.deleted_at) == (3, None)
    log = [e for e in store.audit_log(KEY) if e.entity == "time_entry"]
    assert [(e.entity_key, e.action) for e in log[-2:]] == [("1", "delete"), ("1", "restore")]
    deleted, back = log[-2:]
    assert deleted.before is not None and deleted.after is not None and back.before and back.after
    assert (deleted.before["version"], deleted.after["version"]) == (1, 2)
    assert deleted.after["deleted_at"] == back.before["deleted_at"] is not None
    assert (back.after["version"], back.after["minutes"]) == (3, deleted.before["minutes"])
    with pytest.raises(NotFoundError, match="not in the trash"):
        services.time_entries.restore(owner, KEY, 1)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"task": "nope"}, "has no task 'nope'"),
        ({"task": "notes"}, "has no task 'notes'"),  # in the trash
        ({"person": "nobody"}, "neither a user nor a resource"),
        ({"hours": 0}, "not more than 0 and at most 24"),
        ({"hours": 24.5}, "not more than 0 and at most 24"),
        ({"minutes": 5}, "'minutes' is not a field"),
        ({"note": None}, "cannot be null"),
    ],
)
def test_bad_changes_are_refused_with_the_field(
    services: Services, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidChangeError, match=message) as caught:
        services.time_entries.patch(Actor("owner"), KEY, 1, changes, 1)
    assert caught.value.where is not None and caught.value.where.path in {*changes, "hours"}
    assert services.time_entries.get(Actor("owner"), KEY, 1).version == 1


def test_hours_are_kept_to_the_minute() -> None:
    assert [minutes_of(h) for h in (0.25, "1.5", 1 / 3, 24)] == [15, 90, 20, 1440]
    for bad in ("abc", "nan", "-1", "0.001", "inf"):
        with pytest.raises(ValueError):
            minutes_of(bad)


def test_filters_sorting_paging_and_the_sum(services: Services) -> None:
    owner = Actor("owner")
    services.time_entries.log_many(
        owner,
        KEY,
        [
            TimeToLog("arch", dt.date(2027, 1, 11), 3, person="alice"),
            TimeToLog("arch", dt.date(2027, 1, 12), 4, person="member"),
            TimeToLog("build", dt.date(2027, 1, 13), 0.5),
        ],
    )
    page = services.time_entries.page(owner, KEY, TimeEntryQuery(task="arch", sort="-date"))
    assert [(e.id, e.person) for e in page.items] == [(4, "member"), (3, "alice")]
    assert (page.total, page.minutes) == (2, 420)
    window = TimeEntryQuery(date_from=dt.date(2027, 1, 5), date_to=dt.date(2027, 1, 12), limit=1, offset=1)
    page = services.time_entries.page(owner, KEY, window)
    assert ([e.id for e in page.items], page.total, page.minutes) == ([3], 3, 120 + 180 + 240)
    assert services.time_entries.page(owner, KEY, TimeEntryQuery(person="owner", sort="hours")).total == 2
    with pytest.raises(InvalidChangeError, match="sorted by 'name'"):
        services.time_entries.page(owner, KEY, TimeEntryQuery(sort="name"))
    with pytest.raises(InvalidChangeError, match="is empty"):
        services.time_entries.page(owner, KEY, TimeEntryQuery(date_from=DAY, date_to=dt.date(2027, 1, 1)))


CSV = b"""person,task,date,hours,note
member,build,2027-02-01,1.5,"Pairing, with alice"
member,arch,2027-02-02,8,
"""


def test_a_csv_import_logs_every_line(services: Services) -> None:
    logged = services.time_entries.import_csv(Actor("member"), KEY, CSV)
    assert [(e.id, e.task, e.minutes, e.note) for e in logged] == [
        (3, "build", 90, "Pairing, with alice"),
        (4, "arch", 480, ""),
    ]


def test_a_csv_without_person_is_the_importers_time(services: Services) -> None:
    logged = services.time_entries.import_csv(
        Actor("member"), KEY, b"\xef\xbb\xbfTask,Date,Hours\nbuild,2027-02-01,2\n"
    )
    assert [(e.person, e.minutes) for e in logged] == [("member", 120)]


@pytest.mark.parametrize(
    ("body", "line", "column", "message"),
    [
        (b"person,task,date,hours\nmember,build,2027-02-30,1\n", 2, 3, "'2027-02-30' is not a date"),
        (b"person,task,date,hours\nmember,build,2027-02-01,1\nmember,build,2027-02-01,25\n", 3, 4, "hours"),
        (
            b"person,task,date,hours\nmember,build,2027-02-01,1\nmember,ghost,2027-02-01,1\n",
            3,
            2,
            "no task 'ghost'",
        ),
        (b"person,task,date,hours\nnobody,build,2027-02-01,1\n", 2, 1, "neither a user nor a resource"),
        (b"person,task,date,hours\nmember,build,2027-02-01\n", 2, None, "has 3 values"),
        (b"person,task,day,hours\n", 1, 3, "a time entry has no such field"),
        (b"person,task,date,hours\n\nmember,,2027-02-01,1\n", 3, 2, "no task is given"),
    ],
)
def test_csv_errors_name_line_and_column_and_nothing_is_imported(
    services: Services, body: bytes, line: int, column: int | None, message: str
) -> None:
    with pytest.raises((ImportFileError, InvalidChangeError), match=message) as caught:
        services.time_entries.import_csv(Actor("manager"), KEY, body)
    where = caught.value.where
    assert where is not None and (where.line, where.column) == (line, column)
    assert services.time_entries.page(Actor("owner"), KEY, TimeEntryQuery()).total == 1


def test_a_csv_error_says_how_many_more_lines_are_wrong(services: Services) -> None:
    body = b"task,date,hours\nbuild,tomorrow,1\nbuild,2027-02-01,x\nbuild,2027-02-01,y\n"
    with pytest.raises(ImportFileError, match=r"line 2, column 2 \(date\).*and 2 more lines"):
        services.time_entries.import_csv(Actor("member"), KEY, body)


def test_a_member_cannot_import_others_time(services: Services) -> None:
    body = b"person,task,date,hours\nmember,build,2027-02-01,1\nviewer,build,2027-02-01,1\n"
    with pytest.raises(ForbiddenError, match="line 3") as caught:
        services.time_entries.import_csv(Actor("member"), KEY, body)
    assert caught.value.where is not None and (caught.value.where.line, caught.value.where.column) == (3, 1)
    assert len(services.time_entries.import_csv(Actor("manager"), KEY, body)) == 2
