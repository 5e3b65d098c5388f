"""`charter db upgrade`, `charter user add` and `charter token create`."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from charter.cli.app import main
from charter.services import Actor, Services
from charter.store import database_url, open_store

PASSWORD = "correct horse battery"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def data(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("CHARTER_DATABASE_URL", raising=False)
    monkeypatch.delenv("CHARTER_DATA_DIR", raising=False)
    directory = tmp_path / "data"
    assert run(capsys, "db", "upgrade", "--data-dir", str(directory))[0] == 0
    return directory


def add_user(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    return run(capsys, "user", "add", *args, "--password-stdin")


def test_user_add_and_token_create(
    data: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = add_user(capsys, monkeypatch, "alice", "--admin", "--data-dir", str(data))
    assert code == 0 and "added user 'alice' (administrator)" in err
    code, out, err = run(
        capsys,
        "token",
        "create",
        "ci",
        "--user",
        "alice",
        "--scope",
        "write",
        "--expires",
        "30d",
        "--data-dir",
        str(data),
    )
    assert code == 0 and "shown only this once" in err
    secret = out.strip()
    with open_store(database_url(data)) as store:
        services = Services(store)
        assert services.accounts.authenticate("alice", PASSWORD) == Actor("alice", is_admin=True)
        assert services.tokens.verify(secret) == Actor("alice", is_admin=True, scope="write")


def test_the_environment_names_the_data_directory(
    data: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHARTER_DATA_DIR", str(data))
    assert add_user(capsys, monkeypatch, "bob")[0] == 0
    monkeypatch.delenv("CHARTER_DATA_DIR")
    monkeypatch.setenv("CHARTER_DATABASE_URL", database_url(data))
    code, out, _ = run(capsys, "token", "create", "ci", "--user", "bob")
    assert code == 0 and out.startswith("chr_")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["user", "add", "carol"], "password must come on standard input"),
        (["token", "create", "ci", "--user", "nobody"], "there is no user 'nobody'"),
        (["token", "create", "ci", "--user", "alice", "--scope", "admin"], "not a scope"),
        (["token", "create", "ci", "--user", "alice", "--expires", "soon"], "not a lifetime"),
    ],
)
def test_mistakes_are_clear_errors(
    data: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    add_user(capsys, monkeypatch, "alice", "--data-dir", str(data))
    code, out, err = run(capsys, *args, "--data-dir", str(data))
    assert code == 2 and message in err and out == "" and "Traceback" not in err


def test_a_duplicate_user_and_a_short_password(
    data: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    add_user(capsys, monkeypatch, "alice", "--data-dir", str(data))
    code, _, err = add_user(capsys, monkeypatch, "alice", "--data-dir", str(data))
    assert code == 2 and "already taken" in err
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    code, _, err = run(capsys, "user", "add", "dave", "--password-stdin", "--data-dir", str(data))
    assert code == 2 and "too short" in err


def test_a_missing_or_unmigrated_data_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = add_user(capsys, monkeypatch, "alice", "--data-dir", str(tmp_path / "nowhere"))
    assert code == 2 and "no data directory" in err
    code, _, err = add_user(capsys, monkeypatch, "alice", "--data-dir", str(tmp_path))
    assert code == 2 and "charter db upgrade" in err
