"""Running pages with AppTest and reading what they show, shared by the page tests."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from streamlit.testing.v1 import AppTest

from crmcanvas.ui.pages import PAGES as DECLARED_PAGES

ROOT = Path(__file__).resolve().parents[1]
PAGES = [p.path for p in DECLARED_PAGES]  # every declared page is rendered by the page tests

_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# Proto fields that carry no text a reader sees (ids, chart specs, icons, table data read separately).
_NOT_TEXT = {"id", "spec", "config", "icon", "page_script_hash", "form_id", "url", "deferred_file_id",
             "arrow_data", "columns", "element_type", "tag", "format"}
# Selectbox and multiselect options are drawn as plain text (their labels are Markdown, radio options too).
_PLAIN_OPTIONS = {"selectbox", "multiselect"}


WALL = {"mode": "projection"}
SPONSOR = {"vue": "sponsor"}


def run(page: str, timeout: float = 60, params: dict[str, str] | None = None, secrets: dict | None = None) -> AppTest:
    """Open ``page`` by its link (with the URL's query ``params``: a mode), as a bookmark or a link from the
    menu does: one run of that page (Streamlit finds a ``pages/`` file by its name before any run)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    for key, value in (secrets or {}).items():
        at.secrets[key] = value
    if page != "app.py":
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def run_until(at: AppTest, done: Callable[[AppTest], bool], timeout: float = 20) -> AppTest:
    """Run the page again once a second, as the live banner looks at the feed, until ``done(at)`` or ``timeout``
    seconds: a read runs beside the page, and on a loaded machine it lands a moment after the source answered."""
    deadline = time.monotonic() + timeout
    while not done(at.run()) and time.monotonic() < deadline:
        time.sleep(1)
    return at


def page_links(at: AppTest) -> list[str]:
    """The pages the sidebar links to, by URL path ("" for the overview), with their query strings."""
    return [f"{link.proto.page}?{link.proto.query_string}".rstrip("?") for link in at.sidebar.get("page_link")]


def css(at: AppTest) -> str:
    """The style sheets the frame injected (``st.html`` blocks)."""
    return "\n".join(node.proto.body for node in at.get("html"))


def shown(markdown: str) -> str:
    """What a reader sees of Markdown text we escaped: CommonMark drops the backslash of ``\\[``, ``\\:``…,
    and the word joiner that breaks autolinks has no width."""
    return _ESCAPE.sub(r"\1", markdown).replace("\u2060", "")


def _nodes(node) -> Iterator:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _nodes(child)


def _strings(message, skip: frozenset[str] = frozenset()) -> Iterator[str]:
    for field, value in message.ListFields():
        if field.name in _NOT_TEXT or field.name in skip:
            continue
        repeated = not isinstance(value, str | bytes | bool | int | float) and not hasattr(value, "ListFields")
        for item in value if repeated else [value]:
            if isinstance(item, str):
                yield item
            elif hasattr(item, "ListFields"):
                yield from _strings(item)


def markdown_texts(at: AppTest) -> list[str]:
    """Every piece of text the page draws as Markdown: bodies, captions, alerts, labels, options, table cells."""
    texts: list[str] = []
    for node in _nodes(at._tree):
        kind = getattr(node, "type", None)
        if kind in ("plotly_chart", "dataframe"):
            continue  # no Markdown there (charts escape their own labels)
        if kind == "table":
            frame = node.value
            texts += [str(v) for v in frame.to_numpy().ravel()] + [str(c) for c in frame.columns]
            texts += [str(i) for i in frame.index]
            continue
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            texts += list(_strings(proto, frozenset({"options", "default"}) if kind in _PLAIN_OPTIONS else frozenset()))
    return texts


def dataframe_columns(at: AppTest) -> list[str]:
    return [str(c) for frame in at.dataframe for c in frame.value.columns]


def clear_caches() -> None:
    """Forget the shared feeds and analyses, so a source set by one test never serves another."""
    import streamlit as st

    st.cache_resource.clear()


def capture_downloads(monkeypatch) -> Callable[[object], bytes]:
    """Keep the in-memory file store of the next AppTest runs; returns a reader of a download button's bytes."""
    import streamlit.testing.v1.app_test as app_test
    from streamlit.runtime.media_file_storage import MediaFileStorageError
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    stores: list[MemoryMediaFileStorage] = []

    class Recording(MemoryMediaFileStorage):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            stores.append(self)

    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", Recording)

    def read(button) -> bytes:
        name = button.proto.url.rsplit("/", 1)[-1]
        for store in reversed(stores):
            try:
                return store.get_file(name).content
            except MediaFileStorageError:
                continue
        raise AssertionError(f"no file behind {button.proto.url!r}")

    return read
