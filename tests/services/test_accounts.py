"""Users, passwords, API tokens and login sessions."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from charter.errors import AuthenticationError, ConflictError, ForbiddenError, InvalidChangeError
from charter.services import ANONYMOUS, SYSTEM, Actor, Services
from charter.services.throttle import LoginLimits, LoginThrottle, LoginThrottledError
from charter.store import Store
from tests.services.conftest import FAST, PASSWORD, Clock


class CountingHasher(PasswordHasher):
    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        self.verified += 1
        return super().verify(hash, password)


def test_add_user_needs_an_admin_a_fresh_name_and_a_real_password(services: Services) -> None:
    with pytest.raises(ForbiddenError, match="administrator"):
        services.accounts.add_user(Actor("owner"), "eve", PASSWORD)
    with pytest.raises(ConflictError, match="already taken"):
        services.accounts.add_user(SYSTEM, "owner", PASSWORD)
    with pytest.raises(InvalidChangeError, match="too short"):
        services.accounts.add_user(SYSTEM, "eve", "short")
    with pytest.raises(InvalidChangeError, match="not a valid user name"):
        services.accounts.add_user(SYSTEM, "eve smith", PASSWORD)
    assert services.accounts.add_user(Actor("admin", is_admin=True), "eve", PASSWORD).name == "eve"


def test_only_a_hash_of_the_password_is_stored(store: Store) -> None:
    stored = store.accounts.password_hash("owner")
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored


def test_unknown_user_and_wrong_password_get_the_same_answer_and_work(store: Store) -> None:
    hasher = CountingHasher()
    services = Services(store, hasher=hasher)
    assert services.accounts.authenticate("admin", PASSWORD) == Actor("admin", is_admin=True)
    answers = []
    for name, password in (("owner", "wrong password"), ("nobody", "wrong password"), ("nobody", PASSWORD)):
        with pytest.raises(AuthenticationError) as caught:
            services.accounts.authenticate(name, password)
        answers.append(str(caught.value))
    assert len(set(answers)) == 1 and "wrong user name or password" in answers[0]
    assert hasher.verified == 4  # an unknown user is checked against a dummy hash, too


def test_a_token_works_until_it_expires(services: Services, store: Store, clock: Clock) -> None:
    token = services.tokens.create(SYSTEM, "member", "ci", "write", dt.timedelta(hours=1))
    assert token.secret.startswith("chr_")
    assert services.tokens.verify(token.secret) == Actor("member", scope="write")
    assert services.tokens.of_user(Actor("member"), "member")[0].last_used_at == clock.now
    clock.advance(hours=2)
    with pytest.raises(AuthenticationError, match="expired"):
        services.tokens.verify(token.secret)


def test_only_the_hash_of_a_token_secret_is_stored(services: Services, store: Store) -> None:
    token = services.tokens.create(SYSTEM, "member", "ci", "read", None)
    with store.engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT * FROM api_tokens")).all()
    assert rows and all(token.secret not in str(value) for row in rows for value in row)


def test_revoked_unknown_and_duplicate_tokens(services: Services) -> None:
    token = services.tokens.create(Actor("member"), "member", "ci", "read", None)
    with pytest.raises(ConflictError, match="already has a token named 'ci'"):
        services.tokens.create(Actor("member"), "member", "ci", "read", None)
    with pytest.raises(ForbiddenError, match="other users' tokens"):
        services.tokens.revoke(Actor("viewer"), "member", "ci")
    services.tokens.revoke(Actor("member"), "member", "ci")
    for secret in (token.secret, "chr_made-up"):
        with pytest.raises(AuthenticationError, match="not valid"):
            services.tokens.verify(secret)


def test_a_read_token_cannot_write(services: Services) -> None:
    token = services.tokens.create(SYSTEM, "member", "ci", "read", None)
    actor = services.tokens.verify(token.secret)
    assert actor.scope == "read"
    services.tasks.get(actor, "own-private", "build")
    with pytest.raises(ForbiddenError, match="read-only token"):
        services.tasks.patch(actor, "own-private", "build", {"name": "X"}, 1)
    with pytest.raises(ForbiddenError, match="a read token may not create a write token"):
        services.tokens.create(actor, "member", "more", "write", None)
    with pytest.raises(ForbiddenError, match="read-only token may not create tokens"):
        services.tokens.create(actor, "member", "more", "read", None)
    with pytest.raises(ForbiddenError, match="read-only token may not revoke"):
        services.tokens.revoke(actor, "member", "ci")
    assert [t.name for t in services.tokens.of_user(actor, "member")] == ["ci"]


def test_sessions_start_verify_end_and_expire(services: Services, clock: Clock) -> None:
    first = services.sessions.start("viewer", PASSWORD)
    second = services.sessions.start("viewer", PASSWORD)
    assert first.session_id != second.session_id  # a new id at every login
    assert services.sessions.verify(first.session_id) == Actor("viewer")
    services.sessions.end(first.session_id)
    services.sessions.end(first.session_id)  # harmless twice
    with pytest.raises(AuthenticationError, match="ended"):
        services.sessions.verify(first.session_id)
    clock.advance(hours=13)
    with pytest.raises(AuthenticationError, match="ended"):
        services.sessions.verify(second.session_id)
    with pytest.raises(AuthenticationError, match="wrong user name or password"):
        services.sessions.start("viewer", "not the password")


def test_a_weak_old_hash_is_upgraded_at_login(store: Store) -> None:
    Services(store, hasher=FAST).accounts.add_user(SYSTEM, "old", PASSWORD)
    strong = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    Services(store, hasher=strong).accounts.authenticate("old", PASSWORD)
    stored = store.accounts.password_hash("old")
    assert stored is not None and not strong.check_needs_rehash(stored)


def test_sign_in_is_refused_over_the_limit_before_any_password_is_checked(store: Store) -> None:
    hasher = CountingHasher()
    throttle = LoginThrottle(LoginLimits(per_user=2, per_address=100), clock=lambda: 0.0)
    services = Services(store, hasher=hasher)
    services.accounts.throttle = throttle
    for name in ("owner", "nobody"):
        for _ in range(2):
            with pytest.raises(AuthenticationError, match="wrong user name or password"):
                services.sessions.start(name, "wrong password", address="10.1.1.1")
    assert hasher.verified == 4
    answers = set()
    for name, password in (("owner", "wrong password"), ("owner", PASSWORD), ("nobody", PASSWORD)):
        with pytest.raises(LoginThrottledError) as caught:
            services.sessions.start(name, password, address="10.1.1.1")
        answers.add((str(caught.value), caught.value.retry_after))
    assert len(answers) == 1 and hasher.verified == 4  # one answer, and no oracle behind it
    assert services.sessions.start("viewer", PASSWORD, address="10.1.1.1").info.user == "viewer"
    assert throttle.failures(address="10.1.1.1") == 4


def test_a_successful_sign_in_clears_the_names_failures(services: Services) -> None:
    for _ in range(4):
        with pytest.raises(AuthenticationError):
            services.accounts.authenticate("member", "wrong password")
    services.accounts.authenticate("member", PASSWORD)
    assert services.accounts.throttle.failures(user="member") == 0
    for _ in range(5):  # the default limit, counted afresh
        with pytest.raises(AuthenticationError):
            services.accounts.authenticate("member", "wrong password")
    with pytest.raises(LoginThrottledError):
        services.accounts.authenticate("member", PASSWORD)


def test_change_password_needs_the_current_one_and_ends_the_other_sessions(
    services: Services, clock: Clock
) -> None:
    here = services.sessions.start("member", PASSWORD)
    elsewhere = services.sessions.start("member", PASSWORD)
    other_user = services.sessions.start("viewer", PASSWORD)
    token = services.tokens.create(SYSTEM, "member", "ci", "write", None)
    member = Actor("member")
    with pytest.raises(InvalidChangeError, match="current password is not right") as wrong:
        services.sessions.change_password(member, "not my password", "new secret words", keep=here.session_id)
    assert wrong.value.where is not None and wrong.value.where.path == "current_password"
    with pytest.raises(InvalidChangeError, match="too short") as short:
        services.sessions.change_password(member, PASSWORD, "short", keep=here.session_id)
    assert short.value.where is not None and short.value.where.path == "new_password"
    with pytest.raises(InvalidChangeError, match="same as the current one"):
        services.sessions.change_password(member, PASSWORD, PASSWORD, keep=here.session_id)
    services.sessions.verify(elsewhere.session_id)  # nothing changed so far

    ended = services.sessions.change_password(member, PASSWORD, "new secret words", keep=here.session_id)
    assert ended == 1
    assert services.sessions.verify(here.session_id) == member
    with pytest.raises(AuthenticationError, match="ended"):
        services.sessions.verify(elsewhere.session_id)
    assert services.sessions.verify(other_user.session_id) == Actor("viewer")
    assert services.tokens.verify(token.secret).name == "member"  # tokens are revoked one by one
    with pytest.raises(AuthenticationError):
        services.accounts.authenticate("member", PASSWORD)
    services.accounts.authenticate("member", "new secret words")

    assert services.sessions.change_password(member, "new secret words", "third password") == 1


def test_wrong_current_passwords_count_as_failed_sign_ins(services: Services) -> None:
    for _ in range(5):
        with pytest.raises(InvalidChangeError):
            services.accounts.change_password(Actor("member"), "guess guess", "new secret words")
    with pytest.raises(LoginThrottledError):
        services.accounts.change_password(Actor("member"), PASSWORD, "new secret words")
    with pytest.raises(LoginThrottledError):
        services.accounts.authenticate("member", PASSWORD)


def test_only_a_signed_in_writer_changes_a_password(services: Services) -> None:
    with pytest.raises(ForbiddenError, match="read-only token"):
        services.accounts.change_password(Actor("member", scope="read"), PASSWORD, "new secret words")
    for nobody in (ANONYMOUS, SYSTEM):
        with pytest.raises(ForbiddenError, match="signed-in user"):
            services.accounts.change_password(nobody, PASSWORD, "new secret words")
    services.accounts.change_password(Actor("member", scope="write"), PASSWORD, "new secret words")


def test_token_names_are_checked(services: Services) -> None:
    for name in ("", "has space", "-dash-first", "x" * 65, "slash/y"):
        with pytest.raises(InvalidChangeError, match="not a valid token name"):
            services.tokens.create(SYSTEM, "member", name, "read", None)
    assert services.tokens.create(SYSTEM, "member", "ci.build_2-x", "read", None).info.name == "ci.build_2-x"
