"""The dashboard's modules, imported once, by one thread, before any page uses them.

Streamlit runs each visitor's page in a thread of its own. Right after the server
starts, a workshop opening the link together makes several threads import
crmcanvas at the same moment, and Python's per-module import locks let one of
them see a half-imported module of a package whose modules import one another
(the analysis registry): that visitor got « ImportError: cannot import name
'Analysis' from partially initialized module » instead of the page. Every page
imports this module first; its body runs in one thread while the others wait for
it, so every later import finds finished modules.
"""

from __future__ import annotations

import importlib
import pkgutil

import crmcanvas

# What the pages and the feed use; the CLI, the Sheets stand-in and ``python -m`` are not the dashboard's.
_NOT_THE_DASHBOARD = ("crmcanvas.cli", "crmcanvas.standin", "crmcanvas.__main__", __name__)


def _import_all(package=crmcanvas) -> int:
    """Import every module of ``package`` and its subpackages, but those that are not the dashboard's."""
    count = 0
    for module in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        if module.name in _NOT_THE_DASHBOARD:
            continue
        imported = importlib.import_module(module.name)
        count += 1 + (_import_all(imported) if module.ispkg else 0)
    return count


MODULES = _import_all()  # how many were imported
