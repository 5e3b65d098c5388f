"""Slowing down password guessing: failed sign-ins counted per user name and per client address.

Each key (a user name, or a client address) keeps the times of its most recent failed attempts.
Once a key has ``limit`` failures inside the sliding ``window``, further attempts on it are
refused *before the password is looked at* — so the refusal is the same whether the user exists
and whether the password would have been right, and it gives a guesser nothing to learn.

The counters live in this process's memory, bounded to ``max_keys`` keys (the least recently
failing key is forgotten first). With several server processes each counts on its own, so an
address may try up to ``limit`` times per process; the counters are also lost on restart. That
is the price of needing no shared store for a check that must stay cheap, and the limits still
turn an online guessing attack from thousands of attempts a minute into a handful.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from charter.errors import CharterError

MAX_KEY = 128
"""Longer user names and addresses are cut to this many characters for counting (none real is this long)."""


@dataclass(frozen=True, slots=True)
class LoginLimits:
    """How many failed sign-ins are allowed inside ``window_seconds``, per user name and per address."""

    per_user: int = 5
    per_address: int = 20
    window_seconds: float = 15 * 60
    max_keys: int = 20_000
    """How many user names and addresses are tracked at most (about 5 MB, 13 MB at worst).

    Pushing a name out of the table takes this many other failing keys inside the window; as
    each address may fail only ``per_address`` times, that needs about a thousand addresses.
    """

    def __post_init__(self) -> None:
        for name in ("per_user", "per_address", "max_keys"):
            if getattr(self, name) < 1:
                raise ValueError(f"LoginLimits.{name} must be at least 1, not {getattr(self, name)}")
        if not self.window_seconds > 0:
            raise ValueError(f"LoginLimits.window_seconds must be positive, not {self.window_seconds}")


class LoginThrottledError(CharterError):
    """Too many failed sign-ins for this user name or from this address; try again later."""

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(
            "too many failed sign-in attempts; signing in is paused for a while",
            fix=f"wait {minutes} minute{'s' if minutes != 1 else ''} and try again",
        )
        self.retry_after = retry_after
        """Seconds until the next attempt may be made (the HTTP ``Retry-After``)."""


@dataclass(frozen=True, slots=True)
class Attempt:
    """A sign-in in progress: it counts as a failure until :meth:`LoginThrottle.succeeded` says not."""

    user_key: str
    address_key: str | None
    at: float


class LoginThrottle:
    """Thread-safe sliding-window counters of failed sign-ins.

    ``clock`` gives seconds on a monotonic scale (tests pass a fake one). Use it as::

        attempt = throttle.begin(name, address)   # LoginThrottledError when over a limit
        ...check the password...
        throttle.succeeded(attempt)               # only when it was right

    An attempt is counted as a failure the moment it begins, so that many concurrent guesses
    cannot all slip through before the first of them is found wrong.
    """

    def __init__(self, limits: LoginLimits | None = None, *, clock: Callable[[], float] = time.monotonic):
        self.limits = limits or LoginLimits()
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: OrderedDict[str, list[float]] = OrderedDict()

    def begin(self, user: str, address: str | None) -> Attempt:
        """Refuse the attempt if the user name or the address is over its limit, else count it."""
        user_key = _user_key(user)
        address_key = None if address is None else _address_key(address)
        with self._lock:
            now = self._clock()
            waits = [self._wait(user_key, self.limits.per_user, now)]
            if address_key is not None:
                waits.append(self._wait(address_key, self.limits.per_address, now))
            wait = max(waits)
            if wait > 0:
                raise LoginThrottledError(max(1, math.ceil(wait)))
            self._record(user_key, self.limits.per_user, now)
            if address_key is not None:
                self._record(address_key, self.limits.per_address, now)
        return Attempt(user_key, address_key, now)

    def succeeded(self, attempt: Attempt) -> None:
        """The password was right: forget the user name's failures and this attempt's count."""
        with self._lock:
            self._failures.pop(attempt.user_key, None)
            if attempt.address_key is not None:
                stamps = self._failures.get(attempt.address_key)
                if stamps is not None and attempt.at in stamps:
                    stamps.remove(attempt.at)

    def failures(self, user: str | None = None, address: str | None = None) -> int:
        """How many failures count now against the user name (or the address)."""
        if (user is None) == (address is None):
            raise ValueError("name either a user or an address")
        key = _user_key(user) if user is not None else _address_key(address or "")
        with self._lock:
            cutoff = self._clock() - self.limits.window_seconds
            return sum(1 for at in self._failures.get(key, ()) if at > cutoff)

    def __len__(self) -> int:
        return len(self._failures)

    def _wait(self, key: str, limit: int, now: float) -> float:
        """Seconds until ``key`` may try again; 0 or less when it may now."""
        stamps = self._failures.get(key)
        if stamps is None or len(stamps) < limit:
            return 0.0
        # The list holds the last ``limit`` failures: all inside the window means over the limit.
        return stamps[0] + self.limits.window_seconds - now

    def _record(self, key: str, limit: int, now: float) -> None:
        stamps = self._failures.get(key)
        if stamps is None:
            self._failures[key] = [now]
        else:
            self._failures.move_to_end(key)
            stamps.append(now)
            if len(stamps) > limit:
                del stamps[0]
        while len(self._failures) > self.limits.max_keys:
            self._failures.popitem(last=False)


def _user_key(user: str) -> str:
    return "user:" + user[:MAX_KEY].casefold()


def _address_key(address: str) -> str:
    return "address:" + address[:MAX_KEY]
