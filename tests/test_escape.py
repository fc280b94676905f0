"""Sheet text drawn as Markdown is escaped: what the reader sees is what the sheet says, never a link."""

from __future__ import annotations

import re
import string

import pytest

from crmcanvas.ui.escape import md
from tests.pages import shown

ATTEMPTS = [
    "[se connecter](https://evil.example/login)",
    "[ici](javascript:alert(1))",
    "![pixel](https://evil.example/p.png)",
    "<a href='https://evil.example'>ici</a>",
    "https://evil.example/login",
    "contact@evil.example",
    ":red[alerte] :material/warning: :smile:",
    "$x^2$ **gras** _italique_ `code` ~~barré~~",
    "# Titre",
    "1. liste",
    "&lt;b&gt;",
]


@pytest.mark.parametrize("text", ATTEMPTS)
def test_every_markup_character_is_escaped(text):
    escaped = md(text)
    assert not any(ch in string.punctuation and escaped[i - 1:i] != "\\" for i, ch in enumerate(escaped) if ch != "\\"), escaped
    assert shown(escaped) == text  # the backslashes do not show: the reader sees the cell as typed


def test_link_syntax_cannot_survive():
    escaped = md("[se connecter](https://evil.example/login)")
    assert escaped == "\\[se connecter\\]\\(https\\:\u2060\\/\\/evil\\.example\\/login\\)"
    assert "](" not in escaped  # no inline link


def test_bare_autolinks_are_broken_after_escapes_are_resolved():
    """GitHub autolinks are found in the text once escapes are gone: the word joiner must still be there."""
    for text in ("https://evil.example/login", "voir www.evil.example", "contact@evil.example"):
        rendered_text = shown(md(text).replace("\u2060", "|"))  # the text node the renderer scans
        assert not re.search(r"https?://|www\.|\w@\w", rendered_text), rendered_text
        assert shown(md(text)) == text


def test_line_breaks_cannot_start_a_heading_or_a_list():
    assert md("Besoin\n# Titre\r\n- item") == r"Besoin \# Titre  \- item"


def test_plain_text_and_accents_are_unchanged():
    assert md("Fidéliser les donateurs") == "Fidéliser les donateurs"
    assert md(None) == "" and md(12) == "12"
