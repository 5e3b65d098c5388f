"""Users, passwords, API tokens and login sessions."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from charter.errors import AuthenticationError, ConflictError, ForbiddenError, InvalidChangeError
from charter.services import SYSTEM, Actor, Services
from charter.store import Store
from tests.services.conftest import FAST, PASSWORD, Clock


class CountingHasher(PasswordHasher):
    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
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
    with pytest.raises(ForbiddenError, match="read-only token"):
        services.tokens.create(actor, "member", "more", "write", None)


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
