"""The sign-in rate limit: sliding windows per user name and per address, bounded, thread-safe."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import pytest

from charter.services.throttle import LoginLimits, LoginThrottle, LoginThrottledError

LIMITS = LoginLimits(per_user=3, per_address=5, window_seconds=600)


@dataclass
class Seconds:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


def fail(throttle: LoginThrottle, user: str, address: str | None = "10.0.0.1", times: int = 1) -> None:
    for _ in range(times):
        throttle.begin(user, address)  # begun and never succeeded: a failure


def refusal(throttle: LoginThrottle, user: str, address: str | None = "10.0.0.1") -> LoginThrottledError:
    with pytest.raises(LoginThrottledError) as caught:
        throttle.begin(user, address)
    return caught.value


def test_a_user_name_is_refused_after_its_limit_until_the_oldest_failure_leaves_the_window() -> None:
    clock = Seconds()
    throttle = LoginThrottle(LIMITS, clock=clock)
    fail(throttle, "alice")
    clock.now += 100
    fail(throttle, "alice", times=2)
    assert throttle.failures(user="alice") == 3
    assert refusal(throttle, "alice").retry_after == 500  # the first failure leaves at 1000 + 600
    assert throttle.failures(user="alice") == 3  # a refused attempt is not counted
    clock.now += 499.5
    assert refusal(throttle, "alice").retry_after == 1  # rounded up, never 0
    clock.now += 0.5
    fail(throttle, "alice")  # the window slid past the first failure: one more try
    assert refusal(throttle, "alice").retry_after == 100  # now the two at 1100 are the oldest
    throttle.begin("bob", "10.0.0.1")  # other names are not affected


def test_names_are_counted_without_regard_to_case() -> None:
    throttle = LoginThrottle(LIMITS, clock=Seconds())
    fail(throttle, "Alice")
    fail(throttle, "ALICE")
    fail(throttle, "alice", address="10.0.0.9")
    refusal(throttle, "aLiCe", address="10.0.0.7")


def test_an_address_is_refused_after_its_limit_whatever_the_name() -> None:
    clock = Seconds()
    throttle = LoginThrottle(LIMITS, clock=clock)
    for name in ("a", "b", "c", "d", "e"):
        fail(throttle, name)
    error = refusal(throttle, "f")
    assert error.retry_after == 600
    assert "too many failed sign-in attempts" in error.what and error.fix == "wait 10 minutes and try again"
    throttle.begin("f", "10.0.0.2")  # another address may try that name
    throttle.begin("g", None)  # no address known: only the name counts


def test_success_clears_the_name_but_not_the_address() -> None:
    throttle = LoginThrottle(LIMITS, clock=Seconds())
    fail(throttle, "alice", times=2)
    fail(throttle, "eve", times=2)
    throttle.succeeded(throttle.begin("alice", "10.0.0.1"))
    assert throttle.failures(user="alice") == 0
    assert throttle.failures(address="10.0.0.1") == 4  # the success itself is not a failure
    fail(throttle, "alice", times=1)
    refusal(throttle, "bob")  # the address has its 5 failures


def test_a_refusal_is_the_same_for_every_name_over_the_limit() -> None:
    throttle = LoginThrottle(LIMITS, clock=Seconds())
    fail(throttle, "alice", times=3)
    fail(throttle, "nobody-at-all", address="10.0.0.2", times=3)
    first, second = refusal(throttle, "alice"), refusal(throttle, "nobody-at-all", address="10.0.0.2")
    assert (first.what, first.fix, first.retry_after) == (second.what, second.fix, second.retry_after)


def test_the_table_is_bounded_and_forgets_the_least_recent_failure_first() -> None:
    throttle = LoginThrottle(LoginLimits(per_user=2, per_address=1000, max_keys=50), clock=Seconds())
    fail(throttle, "victim", times=2, address=None)
    for number in range(49):
        fail(throttle, f"user{number}", address=None)
    refusal(throttle, "victim", address=None)  # 50 keys: all still there
    fail(throttle, "one-more", address=None)
    assert len(throttle) == 50
    assert throttle.failures(user="victim") == 0  # the oldest key went first
    assert throttle.failures(user="user0") == 1


def test_concurrent_attempts_cannot_exceed_the_limit() -> None:
    throttle = LoginThrottle(LoginLimits(per_user=7, per_address=1000), clock=Seconds())
    admitted: list[int] = []
    start = threading.Barrier(16)

    def guess() -> None:
        start.wait()
        for _ in range(20):
            try:
                throttle.begin("alice", "10.0.0.1")
            except LoginThrottledError:
                continue
            admitted.append(1)

    threads = [threading.Thread(target=guess) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(admitted) == 7


@pytest.mark.parametrize(
    ("field", "value"), [("per_user", 0), ("per_address", -1), ("max_keys", 0), ("window_seconds", 0)]
)
def test_limits_must_be_positive(field: str, value: float) -> None:
    bad: dict[str, Any] = {field: value}
    with pytest.raises(ValueError, match=f"LoginLimits.{field} must be"):
        LoginLimits(**bad)


def test_failures_names_a_user_or_an_address() -> None:
    throttle = LoginThrottle()
    with pytest.raises(ValueError, match="either a user or an address"):
        throttle.failures()
    with pytest.raises(ValueError, match="either a user or an address"):
        throttle.failures(user="a", address="b")
