"""The bundled demo canvas as a read-only source: what a new user sees before configuring a sheet."""

from __future__ import annotations

from collections.abc import Mapping

from crmcanvas import __version__
from crmcanvas.core.shape import match_titles
from crmcanvas.sources.base import RawCanvas


class DemoSource:
    """The bundled demo canvas, read-only: what a new user sees before configuring a sheet."""

    description = "Canevas de démonstration (Association Les Jardins Solidaires, fictive)"

    def read(self, wanted: Mapping[str, str]) -> RawCanvas:
        from crmcanvas.demo import DEMO_TITLES, demo_grids

        grids = demo_grids()
        by_title = {DEMO_TITLES[k]: grids[k] for k in grids}
        found, missing = match_titles(wanted, list(by_title))
        return RawCanvas(
            grids={k: by_title[t] for k, t in found.items()},
            titles=found,
            version="demo-" + __version__,
            source=self.description,
            missing=missing,
            available=list(by_title),
        )
