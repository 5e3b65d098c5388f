"""`charter demo` (what `make run` starts): example projects, a demo user, the same password twice."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher

from charter.cli.app import main
from charter.errors import AuthenticationError
from charter.services import Actor, Services
from charter.sources import open_plan
from charter.store import database_url, open_store
from tests.conftest import EXAMPLES, ROOT
from tests.store.conftest import SMALL


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def password_in(out: str) -> str:
    (line,) = [line for line in out.splitlines() if "password:" in line]
    return line.split("password:")[1].strip()


def check_login(data: Path, password: str) -> Actor:
    with open_store(database_url(data)) as store:
        return Services(store, hasher=PasswordHasher()).accounts.authenticate("demo", password)


@pytest.fixture
def demo_args(tmp_path: Path) -> list[str]:
    return [
        "demo",
        "--setup-only",
        "--data-dir",
        str(tmp_path / "demo"),
        "--examples",
        str(ROOT / "examples"),
    ]


def test_the_demo_directory_is_made_once_and_reused(
    tmp_path: Path, demo_args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "demo"
    code, out, err = run(capsys, *demo_args)
    assert code == 0
    password = password_in(out)
    assert len(password) >= 16 and "user: demo" in out
    assert err.count("loaded the example project") == len(EXAMPLES)
    saved = data / "demo-password"
    assert saved.read_text().strip() == password
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert check_login(data, password) == Actor("demo")
    with open_store(database_url(data)) as store:
        names = sorted(p.name for p in store.list_projects())
        assert names == sorted(open_plan(path).project.name for path in EXAMPLES)
        assert store.members.roles_of("demo") == {p.key: "owner" for p in store.list_projects()}

    code, out, err = run(capsys, *demo_args)
    assert code == 0 and password_in(out) == password and "loaded" not in err
    with open_store(database_url(data)) as store:
        assert len(store.list_projects()) == len(EXAMPLES)


def test_a_lost_password_file_gets_a_new_password(
    tmp_path: Path, demo_args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "demo"
    first = password_in(run(capsys, *demo_args)[1])
    (data / "demo-password").unlink()
    second = password_in(run(capsys, *demo_args)[1])
    assert second != first
    assert check_login(data, second) == Actor("demo")
    with pytest.raises(AuthenticationError):
        check_login(data, first)


def test_without_example_plans_the_demo_says_where_it_looked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "nothing"
    empty.mkdir()
    code, _, err = run(
        capsys, "demo", "--setup-only", "--data-dir", str(tmp_path / "d"), "--examples", str(empty)
    )
    assert code == 2
    assert f"there are no example plans (*.yaml) in '{empty}'" in err and "--examples" in err


@pytest.mark.parametrize(("host", "secure"), [("127.0.0.1", False), ("localhost", False), ("0.0.0.0", True)])
def test_the_demo_serves_plain_http_cookies_on_loopback_only(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    host: str,
    secure: bool,
) -> None:
    served: list[tuple[Any, str, int]] = []
    monkeypatch.setattr("charter.cli.demo_cmd.serve", lambda *args: served.append(args))
    monkeypatch.setenv("CHARTER_DATABASE_URL", "postgresql://elsewhere/charter")  # the demo ignores it
    data, examples = tmp_path / "demo", tmp_path / "examples"
    examples.mkdir()
    (examples / "small.yaml").write_text(SMALL)
    args = ["demo", "--data-dir", str(data), "--examples", str(examples), "--host", host]
    code, _, _ = run(capsys, *args, "--port", "8123")
    assert code == 0
    ((settings, served_host, port),) = served
    assert (served_host, port, settings.cookie_secure) == (host, 8123, secure)
    assert settings.url() == database_url(data)
