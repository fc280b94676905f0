"""The bundled demo canvas as a read-only source: what a new user sees before configuring a sheet."""

from __future__ import annotations

from collections.abc import Mapping

from crmcanvas import __version__
from crmcanvas.core.shape import match_titles
from crmcanvas.i18n import DEFAULT_LANG, t
from crmcanvas.sources.base import RawCanvas

VERSION_PREFIX = "demo-"  # the demo's version token: how a page tells it is showing the demo


def is_demo_version(version: str) -> bool:
    return version.startswith(VERSION_PREFIX)


class DemoSource:
    """The bundled demo canvas, read-only: what a new user sees before configuring a sheet."""

    def __init__(self, lang: str = DEFAULT_LANG):
        self.description = t("common.demo_source", lang)

    def read(self, wanted: Mapping[str, str]) -> RawCanvas:
        from crmcanvas.demo import DEMO_TITLES, demo_grids

        grids = demo_grids()
        by_title = {DEMO_TITLES[k]: grids[k] for k in grids}
        found, missing = match_titles(wanted, list(by_title))
        return RawCanvas(
            grids={k: by_title[t] for k, t in found.items()},
            titles=found,
            version=VERSION_PREFIX + __version__,
            source=self.description,
            missing=missing,
            available=list(by_title),
        )
