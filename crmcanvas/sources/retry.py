"""Bounded retries under a true deadline, for calls to Google.

Why not gspread's ``BackOffHTTPClient``: it waits up to 128 s between tries and
never gives up, which would freeze the facilitator's wall screen. Here a whole
operation (a refresh: metadata + ``batchGet`` + their retries; a write: every
request it makes) runs under one :class:`Deadline`:

* every HTTP request gets ``min(request_timeout, time left)`` as its timeout,
  connect and read together (a urllib3 ``Timeout(total=…)``), token requests
  included (:func:`http_timeout`, used by the session and the HTTP client);
* no retry starts when its pause would end past the deadline;
* so the operation ends by the deadline, whatever Google does (a server that
  accepts the connection and never answers is the usual way to hang).

The number of tries is bounded too (``settings.max_retries``). Once either is
spent the caller gets :class:`RetryExhausted` with the last error, and the
live feed keeps showing the last good canvas, marked stale.

Full jitter (sleep a random time between 0 and the exponential cap) spreads the
retries of several dashboards hitting the same quota, instead of having them
all come back at the same instant. A ``Retry-After`` hint from the server is
honoured as sent when it fits before the deadline; when it does not, we stop at
once rather than hammer a quota Google asked us to leave alone.

The deadline travels with the calling thread (a context variable), so the
HTTP layers below gspread need no extra argument and two threads sharing one
source (a refresh and a write) each keep their own.

The function retried is called afresh on every attempt, so it must build its
request arguments inside (gspread mutates some dicts it is given).
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

import requests
from urllib3.util import Timeout

T = TypeVar("T")
log = logging.getLogger(__name__)

MIN_ATTEMPT = 0.05  # seconds: an attempt with less time than this left is not started


class DeadlineExceeded(requests.Timeout):
    """No time left for this request: the operation's deadline has passed."""


@dataclass(frozen=True)
class Deadline:
    """The instant (on ``clock``) by which an operation must be over."""

    at: float
    clock: Callable[[], float] = time.monotonic
    seconds: float = 0.0  # the length it was given, for messages

    @classmethod
    def after(cls, seconds: float, clock: Callable[[], float] = time.monotonic) -> Deadline:
        return cls(clock() + seconds, clock, seconds)

    def remaining(self) -> float:
        return self.at - self.clock()

    def expired(self) -> bool:
        return self.remaining() <= MIN_ATTEMPT


_current: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar("crmcanvas_google_deadline", default=None)


def current_deadline() -> Deadline | None:
    return _current.get()


@contextlib.contextmanager
def within(deadline: Deadline) -> Iterator[Deadline]:
    """Run the block under ``deadline`` (or under the enclosing one, if it ends sooner)."""
    outer = _current.get()
    effective = outer if outer is not None and outer.remaining() < deadline.remaining() else deadline
    token = _current.set(effective)
    try:
        yield effective
    finally:
        _current.reset(token)


def _seconds(value: object, default: float) -> float:
    """The longest single wait a ``timeout`` argument allows (float, (connect, read) or urllib3 Timeout)."""
    if value is None:
        return default
    if isinstance(value, Timeout):
        parts = [v for v in (value.total, value.connect_timeout, value.read_timeout) if isinstance(v, int | float)]
        return min(parts) if parts else default
    if isinstance(value, tuple):
        return max(float(v) for v in value if v is not None) if any(v is not None for v in value) else default
    return float(value)  # type: ignore[arg-type]


def http_timeout(given: object, cap: float) -> Timeout:
    """The timeout for one HTTP request: what was asked (at most ``cap``, the request timeout), cut to the
    time left before the current deadline.

    ``total`` bounds connect + waiting for the answer together (two separate
    timeouts could add up to twice the time left). Raises
    :class:`DeadlineExceeded` when no time is left at all.
    """
    seconds = min(_seconds(given, cap), cap)
    deadline = _current.get()
    if deadline is not None:
        left = deadline.remaining()
        if left <= MIN_ATTEMPT:
            raise DeadlineExceeded("deadline passed before the request was sent")
        seconds = min(seconds, left)
    return Timeout(total=seconds, connect=seconds, read=seconds)


class RetryExhausted(Exception):
    """Every attempt allowed (by count or by deadline) failed with a retryable error; ``last`` is the final one."""

    def __init__(self, last: BaseException, attempts: int, waited: float, *, out_of_time: bool = False,
                 asked_wait: float | None = None):
        super().__init__(f"{attempts} attempt(s), {waited:.1f} s of pauses")
        self.last = last
        self.attempts = attempts
        self.waited = waited
        self.out_of_time = out_of_time  # stopped by the deadline rather than by the count
        self.asked_wait = asked_wait  # a Retry-After that did not fit before the deadline


@dataclass
class RetryPolicy:
    max_retries: int = 4  # retries after the first attempt
    base: float = 0.5  # first backoff cap, seconds
    max_delay: float = 8.0  # cap of one jittered pause (a Retry-After may ask for more)
    sleep: Callable[[float], None] = time.sleep
    rng: Callable[[], float] = field(default=random.random)

    def delay(self, attempt: int, hint: float | None = None) -> float:
        """Pause before retry number ``attempt`` (1-based): uniform in [0, min(max_delay, base·2^(attempt-1))],
        or the server's ``Retry-After`` when it asks for longer."""
        cap = min(self.max_delay, self.base * (2 ** (attempt - 1)))
        wait = cap * self.rng()
        if hint is not None:
            wait = max(wait, hint)
        return wait

    def call(
        self,
        fn: Callable[[], T],
        retryable: Callable[[BaseException], bool],
        *,
        hint: Callable[[BaseException], float | None] = lambda exc: None,
        what: str = "request",
    ) -> T:
        """Run ``fn``; on a retryable error pause and run it again, within the count and the current deadline."""
        deadline = current_deadline()
        waited = 0.0
        attempt = 0
        last: BaseException | None = None
        while True:
            if deadline is not None and deadline.expired():
                raise RetryExhausted(last or DeadlineExceeded(what), max(attempt, 1), waited, out_of_time=True)
            try:
                return fn()
            except Exception as exc:
                if not retryable(exc):
                    raise
                last = exc
                attempt += 1
                asked = hint(exc)
                wait = self.delay(attempt, asked)
                if attempt > self.max_retries:
                    raise RetryExhausted(exc, attempt, waited) from None
                if deadline is not None and wait + MIN_ATTEMPT >= deadline.remaining():
                    too_long = asked if asked is not None and asked >= deadline.remaining() else None
                    raise RetryExhausted(exc, attempt, waited, out_of_time=True, asked_wait=too_long) from None
                log.warning("Google Sheets: %s during %s; retry %d/%d in %.1f s", short(exc), what, attempt, self.max_retries, wait)
                self.sleep(wait)
                waited += wait


def short(exc: BaseException) -> str:
    """A short, secret-free technical name of a failure, for logs (``HTTP 429``, ``ReadTimeout``)."""
    status = getattr(getattr(exc, "response", None), "status_code", None)
    if isinstance(status, int):
        return f"HTTP {status}"
    return type(exc).__name__


__all__ = ["Deadline", "DeadlineExceeded", "RetryExhausted", "RetryPolicy", "current_deadline", "http_timeout", "short",
           "within"]
