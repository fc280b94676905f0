"""Bounded retries with exponential backoff and full jitter, for calls to Google.

Why not gspread's ``BackOffHTTPClient``: it waits up to 128 s between tries and
never gives up, which would freeze the facilitator's wall screen. Here both the
number of tries (``settings.max_retries``) and the total time spent waiting
(``budget``, ~20 s) are bounded; once either is spent the caller gets the last
error and the live feed keeps showing the last good canvas, marked stale.

Full jitter (sleep a random time between 0 and the exponential cap) spreads the
retries of several dashboards hitting the same quota, instead of having them
all come back at the same instant. A ``Retry-After`` hint from the server is
honoured when it fits the budget.

The function retried is called afresh on every attempt, so it must build its
request arguments inside (gspread mutates some dicts it is given).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)


class RetryExhausted(Exception):
    """Every allowed attempt failed with a retryable error; ``last`` is the final one."""

    def __init__(self, last: BaseException, attempts: int, waited: float):
        super().__init__(f"{attempts} tentative(s), {waited:.1f} s d'attente")
        self.last = last
        self.attempts = attempts
        self.waited = waited


@dataclass
class RetryPolicy:
    max_retries: int = 4  # retries after the first attempt
    base: float = 0.5  # first backoff cap, seconds
    max_delay: float = 8.0  # cap of one wait
    budget: float = 20.0  # cap of all waits together
    sleep: Callable[[float], None] = time.sleep
    rng: Callable[[], float] = field(default=random.random)

    def delay(self, attempt: int, hint: float | None = None) -> float:
        """Wait before retry number ``attempt`` (1-based): uniform in [0, min(max_delay, base·2^(attempt-1))]."""
        cap = min(self.max_delay, self.base * (2 ** (attempt - 1)))
        wait = cap * self.rng()
        if hint is not None:
            wait = max(wait, min(hint, self.max_delay))
        return wait

    def call(
        self,
        fn: Callable[[], T],
        retryable: Callable[[BaseException], bool],
        *,
        hint: Callable[[BaseException], float | None] = lambda exc: None,
        what: str = "requête",
    ) -> T:
        """Run ``fn``; on a retryable error wait and run it again, within the count and time budget."""
        waited = 0.0
        attempt = 0
        while True:
            try:
                return fn()
            except Exception as exc:
                if not retryable(exc):
                    raise
                attempt += 1
                wait = self.delay(attempt, hint(exc))
                if attempt > self.max_retries or waited + wait > self.budget:
                    raise RetryExhausted(exc, attempt, waited) from None
                log.warning("Google Sheets : %s, nouvelle tentative %d/%d dans %.1f s", describe(exc), attempt, self.max_retries, wait)
                self.sleep(wait)
                waited += wait


def describe(exc: BaseException) -> str:
    """A short, secret-free name for a transient failure (for logs and messages)."""
    status = getattr(getattr(exc, "response", None), "status_code", None)
    if status == 429:
        return "quota de requêtes dépassé (429)"
    if isinstance(status, int):
        return f"erreur {status} côté Google"
    name = type(exc).__name__
    if "Timeout" in name:
        return "pas de réponse dans le délai"
    if "Connection" in name:
        return "connexion impossible"
    return name
