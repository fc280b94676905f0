"""Visitors opening the dashboard together right after the server starts each get their page.

Streamlit runs every visitor's page in a thread of its own; the first imports of crmcanvas then race. Seen in the
browser pass: four tabs opened at once on a fresh server, one showed « ImportError: cannot import name 'Analysis'
from partially initialized module ». Every page imports crmcanvas.ui.boot first, which imports the whole package
once, in one thread.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap

from tests.pages import PAGES, ROOT

ENTRY_SCRIPTS = ["app.py", *PAGES]
VISITORS_PER_PAGE = 3  # a workshop: several people on each page


def _imports(script: str) -> list[str]:
    """The top-level import statements of a page, as written."""
    tree = ast.parse((ROOT / script).read_text(encoding="utf-8"))
    return [ast.unparse(node) for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]


def test_every_page_imports_the_boot_module_before_any_other_crmcanvas_module():
    for script in ENTRY_SCRIPTS:
        ours = [line for line in _imports(script) if "crmcanvas" in line.split(" import ")[0]]
        assert ours and ours[0] == "import crmcanvas.ui.boot", (script, ours[:2])


def test_all_pages_opened_at_the_same_moment_in_a_fresh_server_import_cleanly():
    """A fresh interpreter that has Streamlit loaded, as the server has; three threads per page run that page's
    imports, all released at the same instant. Without the boot module this failed one run in three here (a
    race); the test above fails every time a page forgets it."""
    program = textwrap.dedent("""
        import sys, threading
        pages = %r
        for lines in pages:  # what the server has imported already: Streamlit and the libraries
            for line in lines:
                if "crmcanvas" not in line:
                    exec(line, {})
        barrier, errors = threading.Barrier(len(pages)), []
        def visit(lines):
            barrier.wait()
            try:
                for line in lines:
                    exec(line, {})
            except Exception as exc:
                errors.append(repr(exc))
        threads = [threading.Thread(target=visit, args=(lines,)) for lines in pages]
        for t in threads: t.start()
        for t in threads: t.join()
        print(len(errors), errors[:1])
    """) % ([_imports(script) for script in ENTRY_SCRIPTS] * VISITORS_PER_PAGE,)
    done = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0 []", done.stdout
