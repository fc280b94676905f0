"""Sheet text is data, never markup: the one escaping rule for text drawn as Markdown.

Streamlit renders Markdown in ``st.markdown``, ``st.caption``, alerts, spinners,
``st.table`` cells and the labels of metrics, expanders and widgets, with
extras of its own (``:red[…]`` directives, ``:material/…:`` icons, emoji
shortcodes, ``$…$`` maths, bare ``https://`` autolinks). A cell
``[se connecter](https://evil.example/login)`` would become a live link, a
file named ``[ici](javascript:…)`` would read « ici ».

:func:`md` puts a backslash before every ASCII punctuation character.
CommonMark allows that escape for all of them and the backslash does not show,
so the reader sees the text exactly as typed; the escapes also break
Streamlit's own patterns (``\\:smile\\:`` is no emoji, ``\\:material\\/…`` no
icon, ``\\:red\\[…`` no colour). GitHub's bare autolinks (``https://…``,
``www.…``, ``name@host``) are found in the text *after* escapes are resolved,
so escaping cannot stop them: an invisible word joiner (U+2060) goes after
``:`` in ``://``, after ``www`` and before ``@``, which breaks those patterns
without changing what the reader sees. Line breaks become spaces, so a cell
can never start a heading, a list or a code block. HTML is not rendered by our
calls (no ``unsafe_allow_html``) and ``<`` is escaped anyway.

Widgets that draw plain text (``st.dataframe``, ``st.text``, selectbox
options) need no escaping and are preferred where they fit.
"""

from __future__ import annotations

import re
import string

JOINER = "\u2060"  # WORD JOINER: invisible, no width, no line break
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?=@)", re.IGNORECASE)
_TABLE = {ord(ch): "\\" + ch for ch in string.punctuation}
_TABLE.update({ord("\r"): " ", ord("\n"): " ", 0x2028: " ", 0x2029: " "})


def md(value: object) -> str:
    """``value`` as literal text inside Markdown: what the sheet says, shown, never interpreted."""
    if value is None:
        return ""
    return _AUTOLINK.sub(JOINER, str(value)).translate(_TABLE)
