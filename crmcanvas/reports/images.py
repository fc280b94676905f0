"""Plotly figures as PNG images, through Kaleido and the machine's own Chromium.

Kaleido 1.x drives a Chromium through ``choreographer``, which looks for one on
``PATH`` (``chromium``, ``chromium-browser``…) or at ``BROWSER_PATH``. We point
``BROWSER_PATH`` at Debian's ``/usr/bin/chromium`` when it exists and nothing
else was chosen, so a server whose ``PATH`` is short still finds it, and we
never call Kaleido's ``get_chrome`` (which downloads a browser). MathJax is
turned off: Kaleido would otherwise fetch it from a CDN, and our charts hold
no LaTeX. One browser renders every figure of a report, one report at a time.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

DEBIAN_CHROMIUM = "/usr/bin/chromium"
BROWSER_ENV = "BROWSER_PATH"  # read by choreographer, which Kaleido uses to start Chromium
_LOCK = threading.Lock()


class ExportError(RuntimeError):
    """No image could be made (no Chromium on this machine, or it failed)."""


@dataclass(frozen=True)
class Image:
    png: bytes
    width: int  # pixels, before ``scale``
    height: int


def chromium_path() -> str | None:
    """The Chromium Kaleido will use: ``BROWSER_PATH``, else Debian's, else one on ``PATH``."""
    chosen = os.environ.get(BROWSER_ENV)
    if chosen:
        return chosen
    if os.access(DEBIAN_CHROMIUM, os.X_OK):
        return DEBIAN_CHROMIUM
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _figure_size(fig: go.Figure, width: int) -> tuple[int, int]:
    height = fig.layout.height or 450
    return width, int(height)


async def _render(figures: Sequence[go.Figure], width: int, scale: float, timeout: float) -> list[Image]:
    import kaleido

    out: list[Image] = []
    async with kaleido.Kaleido(n=1, timeout=timeout, mathjax=False) as engine:
        for fig in figures:
            w, h = _figure_size(fig, width)
            png = await engine.calc_fig(fig, opts={"format": "png", "width": w, "height": h, "scale": scale})
            out.append(Image(png=bytes(png), width=w, height=h))
    return out


# Kaleido 1.5 may run its first figure in the blank page's JavaScript context instead of its own page's, when
# Chromium creates the two contexts in the other order (seen on a loaded 2-core machine, about once in 40 reports):
# « ReferenceError: kaleido_scopes is not defined ». A fresh browser draws the report.
_STARTUP_RACE = "kaleido_scopes is not defined"


def to_png(figures: Sequence[go.Figure], *, width: int = 1400, scale: float = 1.5, timeout: float = 60) -> list[Image]:
    """Each figure as a PNG ``width`` pixels wide and as tall as its own layout says (so nothing is cut).
    Kaleido's start-up race (:data:`_STARTUP_RACE`) is tried once more in a fresh browser; any other failure is not."""
    path = chromium_path()
    if path is None:
        raise ExportError("Chromium")
    os.environ.setdefault(BROWSER_ENV, path)
    with _LOCK:
        for _try in range(2):  # the start-up race once more, nothing else
            try:
                return asyncio.run(_render(list(figures), width, scale, timeout))
            except Exception as exc:  # Kaleido's and choreographer's errors: one kind for the caller
                failure = exc
                if _STARTUP_RACE not in str(exc):
                    break
    raise ExportError(f"{type(failure).__name__}: {failure}") from failure
