"""CanvasFeed: the live canvas shared by every viewer of one server.

The facilitator's wall screen, the sponsor's laptop and the project lead all
look at one feed. Its rules, each one the answer to something seen in a
workshop:

* **One read in flight per source, for the whole server.** The first viewer to
  find the canvas older than ``max_age`` starts a read in a background thread;
  everyone else keeps the canvas they have. Twenty viewers cost one read.
* **Nobody waits longer than the deadline.** A viewer waits for the read in
  flight at most until ``read started + deadline``; after that the read is
  *overdue* and every viewer gets the last canvas at once, marked stale (or, on
  a first load, a notice that the source is still being read).
* **Backoff after a failure, canvas or not.** After ``k`` failed reads in a row
  the next one waits ``min(BACKOFF_CAP, refresh_seconds · 2^(k-1))`` seconds
  (15, 30, 60, 120, 120… s by default), so N viewers of a broken source cause
  one read per step instead of N reads with retries each (a Google quota is 60
  reads per minute).
* **Time is told honestly.** :class:`FeedState` carries ``synced_at`` (last
  successful read), ``changed_at`` (when the version last changed) and
  ``stale_since`` (the last good read, when the canvas shown is no longer
  current): a frozen wall shows how old its data really is.

An unchanged version token skips the rebuild; a source that can tell its
version cheaply (a local workbook: one ``stat``) is not even read.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from crmcanvas.build.pipeline import canvas_from_raw
from crmcanvas.core.canvas import Canvas
from crmcanvas.core.config import Settings
from crmcanvas.i18n import msg
from crmcanvas.sources.base import Source, SourceError

log = logging.getLogger(__name__)

BACKOFF_CAP = 120.0  # seconds: a source back from an outage is seen again within two minutes


def backoff_delay(failures: int, base: float, cap: float = BACKOFF_CAP) -> float:
    """Seconds to wait before the next read after ``failures`` failed reads in a row (0 when none)."""
    if failures <= 0:
        return 0.0
    return min(cap, base * 2 ** (failures - 1))


def read_deadline(source: object, settings: Settings) -> float:
    """The longest a viewer waits for a read: the source's own whole-read deadline when it
    declares one (``deadline``, seconds: the Google source does), else the timeout of one request."""
    declared = getattr(source, "deadline", None)
    return float(declared) if isinstance(declared, int | float) and declared > 0 else float(settings.request_timeout)


@dataclass(frozen=True)
class FeedState:
    """What a page needs to draw the canvas and tell the truth about its age.

    ``canvas`` is None before the first good read (the *initial* state): then
    ``reading_since`` says a read is under way, or ``error`` why it failed.
    """

    source: str  # the source's description: may hold a file name or a sheet title (escape before drawing)
    canvas: Canvas | None
    synced_at: datetime | None  # last successful read (wall clock)
    changed_at: datetime | None  # when the shown version replaced another one; None: unchanged since first_synced_at
    first_synced_at: datetime | None  # the first successful read of this server
    error: SourceError | None  # why the last read failed; None after a good read
    reading_since: datetime | None  # a read is in flight since then
    overdue: bool  # the read in flight has outlived the deadline
    retry_at: datetime | None  # after a failure, no read before this time

    @property
    def initial(self) -> bool:
        return self.canvas is None

    @property
    def stale_since(self) -> datetime | None:
        """The last good read, when the canvas shown is no longer known to be current (failed or overdue read)."""
        if self.canvas is None or (self.error is None and not self.overdue):
            return None
        return self.synced_at


def _wall_now() -> float:
    return time.time()


def _start_thread(target: Callable[[], None]) -> None:
    threading.Thread(target=target, name="crmcanvas-read", daemon=True).start()


class CanvasFeed:
    """The shared live canvas of one source (see module docstring).

    ``clock`` measures intervals (monotonic), ``wall`` stamps times shown to
    people; ``start`` runs a read (a daemon thread; tests pass a function that
    runs it inline); ``deadline`` defaults to :func:`read_deadline`.
    """

    def __init__(self, source: Source, settings: Settings, *, clock: Callable[[], float] = time.monotonic,
                 wall: Callable[[], float] = _wall_now, deadline: float | None = None,
                 start: Callable[[Callable[[], None]], None] = _start_thread):
        self.source = source
        self.settings = settings
        self.deadline = read_deadline(source, settings) if deadline is None else deadline
        self._clock = clock
        self._wall = wall
        self._start = start
        self._lock = threading.Lock()  # guards the fields below; never held during a read
        self._canvas: Canvas | None = None
        self._previous: Canvas | None = None
        self._synced: float | None = None  # clock() of the last successful read
        self._synced_wall: float | None = None
        self._first_synced_wall: float | None = None
        self._changed_wall: float | None = None
        self._error: SourceError | None = None
        self._failures = 0
        self._retry_at: float | None = None  # clock()
        self._retry_at_wall: float | None = None
        self._done: threading.Event | None = None  # set when the read in flight ends
        self._reading_since: float | None = None  # clock()
        self._reading_since_wall: float | None = None
        self.reads = 0  # how many times the source was actually read
        self.last_read_requests: int | None = None  # HTTP requests of the last canvas read (Google), for the Connexion page
        self.rebuilds = 0  # how many times a new canvas was computed

    # ------------------------------------------------------------------ what viewers call

    def get(self, max_age: float | None = None, *, wait: float | None = None) -> FeedState:
        """The current state, starting a read when the canvas is older than ``max_age`` seconds.

        Waits for the read in flight at most ``wait`` seconds and never past
        ``read start + deadline``; then returns whatever the feed has.
        """
        max_age = self.settings.refresh_seconds if max_age is None else max_age
        with self._lock:
            claimed = self._due(max_age) and self._claim_locked()
        if claimed:
            self._launch()
        with self._lock:
            done, since = self._done, self._reading_since
        if done is not None and since is not None:
            patience = since + self.deadline - self._clock()
            if wait is not None:
                patience = min(patience, wait)
            if patience > 0:
                done.wait(patience)
        return self.state()

    def refresh(self) -> Canvas:
        """Read the source now (or join the read in flight) and wait for it, without deadline.

        For one-shot callers and tests. Raises SourceError only when there is
        no good canvas to fall back on.
        """
        with self._lock:
            claimed = self._done is None and self._claim_locked()
            done = self._done
        if claimed:
            self._launch()
        if done is not None:
            done.wait()
        state = self.state()
        if state.canvas is None:
            raise state.error or SourceError(msg("ui.feed.still_reading_plain"))
        return state.canvas

    def state(self) -> FeedState:
        with self._lock:
            overdue = self._reading_since is not None and self._clock() - self._reading_since >= self.deadline
            canvas = self._canvas
            stale = canvas is not None and (self._error is not None or overdue)
            if canvas is not None and stale and canvas.stale_since is None:
                canvas = dataclasses.replace(canvas, stale_since=self._stamp(self._synced_wall))
            return FeedState(
                source=self.source_description(),
                canvas=canvas,
                synced_at=self._stamp(self._synced_wall),
                changed_at=self._stamp(self._changed_wall),
                first_synced_at=self._stamp(self._first_synced_wall),
                error=self._error,
                reading_since=self._stamp(self._reading_since_wall),
                overdue=overdue,
                retry_at=self._stamp(self._retry_at_wall) if self._error is not None else None,
            )

    @property
    def previous(self) -> Canvas | None:
        """The canvas before the last change (for "what just changed")."""
        return self._previous

    @property
    def last_error(self) -> SourceError | None:
        return self._error

    def source_description(self) -> str:
        try:
            return str(self.source.description)
        except Exception:  # a description must never break a page
            return type(self.source).__name__

    # ------------------------------------------------------------------ scheduling (under the lock)

    def _due(self, max_age: float) -> bool:
        if self._done is not None:
            return False  # single flight: the read in flight serves everyone
        now = self._clock()
        if self._retry_at is not None and now < self._retry_at:
            return False  # backing off after a failure, with or without a canvas
        if self._failures == 0 and self._synced is not None and now - self._synced < max_age:
            return False
        return True

    def _claim_locked(self) -> bool:
        """Mark a read as in flight; the caller then launches it, outside the lock."""
        self._done = threading.Event()
        self._reading_since = self._clock()
        self._reading_since_wall = self._wall()
        return True

    def _launch(self) -> None:
        try:
            self._start(self._read)
        except Exception:  # no thread could be started: release the claim so a later viewer tries again
            with self._lock:
                done, self._done = self._done, None
                self._reading_since = self._reading_since_wall = None
            if done is not None:
                done.set()
            raise

    def _stamp(self, seconds: float | None) -> datetime | None:
        return None if seconds is None else datetime.fromtimestamp(seconds, UTC)

    # ------------------------------------------------------------------ the read (in its own thread)

    def _read(self) -> None:
        try:
            canvas = self._fetch()
        except SourceError as exc:
            self._failed(exc)
        except Exception as exc:  # a bug must not leave the feed "reading" forever
            log.exception("lecture de la source : erreur inattendue")
            self._failed(SourceError(msg("ui.feed.unexpected", error=type(exc).__name__), retryable=True))
        else:
            self._succeeded(canvas)
        finally:
            with self._lock:
                done, self._done = self._done, None
                self._reading_since = self._reading_since_wall = None
            if done is not None:
                done.set()

    def _fetch(self) -> Canvas | None:
        """A new canvas, or None when the version did not change."""
        with self._lock:
            current = self._canvas if self._error is None else None
        if current is not None and self._unchanged(current):
            return None
        self.reads += 1
        raw = self.source.read(self.settings.tabs)
        # Counted here, not read from the source later: other reads (the history tab) share the source.
        self.last_read_requests = getattr(self.source, "last_read_requests", None)
        if current is None:
            with self._lock:
                current = self._canvas
        if current is not None and raw.version == current.version:
            return None
        canvas = canvas_from_raw(raw, self.settings)
        self.rebuilds += 1
        return canvas

    def _unchanged(self, current: Canvas) -> bool:
        """Ask a source that can tell its version cheaply (a local file: one stat) before reading it."""
        peek = getattr(self.source, "version", None)
        if not callable(peek):
            return False
        try:
            return peek() == current.version
        except SourceError:
            return False

    def _succeeded(self, canvas: Canvas | None) -> None:
        with self._lock:
            now, wall = self._clock(), self._wall()
            if canvas is not None:
                if self._canvas is not None:
                    self._changed_wall = wall
                self._previous, self._canvas = self._canvas, canvas
            self._synced, self._synced_wall = now, wall
            if self._first_synced_wall is None:
                self._first_synced_wall = wall
            self._error, self._failures = None, 0
            self._retry_at = self._retry_at_wall = None

    def _failed(self, exc: SourceError) -> None:
        log.warning("lecture de la source impossible : %s", exc.message)
        with self._lock:
            self._error = exc
            self._failures += 1
            delay = backoff_delay(self._failures, self.settings.refresh_seconds)
            self._retry_at = self._clock() + delay
            self._retry_at_wall = self._wall() + delay
