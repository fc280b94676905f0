"""CanvasFeed: the live canvas shared by every viewer of one server.

The facilitator's wall screen, the sponsor's laptop and the project lead all
look at one feed: it reads the source at most once per ``max_age`` (a lock
keeps concurrent sessions from reading together), skips the recompute when the
version token did not change, and when the source fails it keeps serving the
last good canvas marked stale with the time it went stale.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from crmcanvas.build.pipeline import canvas_from_raw
from crmcanvas.core.canvas import Canvas
from crmcanvas.core.config import Settings
from crmcanvas.sources.base import Source, SourceError

log = logging.getLogger(__name__)


class CanvasFeed:
    def __init__(self, source: Source, settings: Settings, *, clock: Callable[[], float] = time.monotonic):
        self.source = source
        self.settings = settings
        self._clock = clock
        self._lock = threading.Lock()
        self._canvas: Canvas | None = None
        self._previous: Canvas | None = None
        self._read_at: float | None = None
        self.last_error: SourceError | None = None
        self.reads = 0  # how many times the source was actually read
        self.rebuilds = 0  # how many times a new canvas was computed

    @property
    def previous(self) -> Canvas | None:
        """The canvas before the last change (for "what just changed")."""
        return self._previous

    def get(self, max_age: float | None = None) -> Canvas:
        """The current canvas, re-reading the source if it is older than max_age seconds."""
        max_age = self.settings.refresh_seconds if max_age is None else max_age
        with self._lock:
            fresh = self._read_at is not None and self._clock() - self._read_at < max_age
            if self._canvas is not None and fresh:
                return self._canvas
            return self._refresh_locked()

    def refresh(self) -> Canvas:
        """Read the source now. Raises SourceError only when there is no good canvas to fall back on."""
        with self._lock:
            return self._refresh_locked()

    def _unchanged(self) -> bool:
        """Ask a source that can tell its version cheaply (a local file: one stat) before reading it."""
        peek = getattr(self.source, "version", None)
        if self._canvas is None or self._canvas.stale_since is not None or not callable(peek):
            return False
        try:
            return peek() == self._canvas.version
        except SourceError:
            return False

    def _refresh_locked(self) -> Canvas:
        if self._unchanged():
            self._read_at = self._clock()
            return self._canvas
        self.reads += 1
        try:
            raw = self.source.read(self.settings.tabs)
        except SourceError as exc:
            self.last_error = exc
            self._read_at = self._clock()
            log.warning("lecture de la source impossible : %s", exc.message)
            if self._canvas is None:
                raise
            if self._canvas.stale_since is None:
                self._canvas = dataclasses.replace(self._canvas, stale_since=datetime.now(UTC))
            return self._canvas
        self.last_error = None
        self._read_at = self._clock()
        if self._canvas is not None and raw.version == self._canvas.version:
            if self._canvas.stale_since is not None:
                self._canvas = dataclasses.replace(self._canvas, stale_since=None)
            return self._canvas
        canvas = canvas_from_raw(raw, self.settings)
        self.rebuilds += 1
        self._previous, self._canvas = self._canvas, canvas
        return canvas
