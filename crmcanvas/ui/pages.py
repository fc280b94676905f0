"""Every page of the dashboard, declared once: its file, its name, its icon and where it appears.

The sidebar, the wall's rotation, the sponsor view and the tests all read this
list; adding a page is one entry here plus its file in ``pages/``. A page's
title is the catalogue entry ``ui.pages.<key>``. Streamlit serves each file of
``pages/`` at ``/<file name>``, so a deep link keeps working on a fresh server.

Fields after ``icon`` have defaults, so an entry stays one line:

- ``sponsor``: part of the read-only sponsor view (``?vue=sponsor``);
- ``wall``: may be projected and rotated on the wall (``?mode=projection``);
- ``sponsor_if``: a condition, by name, for the sponsor to see the page
  (``"snapshots"``: at least one weekly snapshot exists, so the trend has
  something to show — :func:`crmcanvas.ui.state.has_snapshots`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    key: str  # catalogue key (ui.pages.<key>) and stable name
    path: str  # the script, relative to the project root
    icon: str
    sponsor: bool = False  # part of the read-only sponsor view (?vue=sponsor)
    wall: bool = True  # may be projected and rotated on the wall (?mode=projection)
    sponsor_if: str | None = None  # named condition for the sponsor view to list it (see module docstring)

    @property
    def url_path(self) -> str:
        """The page's URL path as Streamlit serves it ("" for the entry point)."""
        return "" if self.path == "app.py" else self.path.rsplit("/", 1)[-1].removesuffix(".py")


PAGES: tuple[Page, ...] = (
    Page("overview", "app.py", ":material/dashboard:", sponsor=True),
    Page("stakes", "pages/stakes.py", ":material/flag:", sponsor=True),
    Page("needs", "pages/needs.py", ":material/checklist:"),
    Page("data", "pages/data.py", ":material/menu_book:"),
    Page("applications", "pages/applications.py", ":material/apps:"),
    Page("stakeholders", "pages/stakeholders.py", ":material/groups:"),
    Page("coverage", "pages/coverage.py", ":material/account_tree:", sponsor=True),
    Page("quality", "pages/quality.py", ":material/health_and_safety:"),
    Page("tabs", "pages/tabs.py", ":material/table_view:"),
    Page("health", "pages/health.py", ":material/monitor_heart:", sponsor=True),
    Page("checklist", "pages/checklist.py", ":material/fact_check:", sponsor=True),
    Page("vendors", "pages/vendors.py", ":material/compare_arrows:", sponsor=True),
    Page("roadmap", "pages/roadmap.py", ":material/route:", sponsor=True),
    Page("history", "pages/history.py", ":material/timeline:", sponsor=True, sponsor_if="snapshots"),
    Page("capture", "pages/capture.py", ":material/edit_note:", wall=False),
    Page("connection", "pages/connection.py", ":material/cable:", wall=False),
)


def page(key: str) -> Page:
    return next(p for p in PAGES if p.key == key)


def page_keys() -> list[str]:
    return [p.key for p in PAGES]


__all__ = ["PAGES", "Page", "page", "page_keys"]
