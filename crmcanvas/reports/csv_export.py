"""CSV files that open cleanly in French Excel and cannot run a formula.

Every CSV crmcanvas writes goes through :func:`csv_bytes` (downloads) or
:func:`write_csv` (files):

* UTF-8 with a byte-order mark, so Excel reads accents right;
* ``;`` between cells, the list separator of a French Windows;
* formula injection neutralised (OWASP, "CSV Injection"): sheet text is typed
  by many people, and a cell such as ``=HYPERLINK("https://evil.example", "ici")``
  or ``@SUM(…)`` would be run by Excel, LibreOffice or Google Sheets when the
  file is opened. A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return gets a leading apostrophe, which those programs show as text.
  A cell already starting with an apostrophe gets one more, so :func:`restore`
  is an exact inverse and a file read back (:func:`read_csv`) holds the
  sheet's text unchanged. Numbers are written as numbers (``-3`` is no formula).
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

SEPARATOR = ";"
ENCODING = "utf-8-sig"  # UTF-8 with BOM
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_GUARD = "'"


def neutralise(value: object) -> object:
    """A text cell spreadsheet programs will read as text, never as a formula."""
    if isinstance(value, str) and value and (value[0] in FORMULA_STARTS or value[0] == _GUARD):
        return _GUARD + value
    return value


def restore(value: object) -> object:
    """The text :func:`neutralise` was given."""
    if isinstance(value, str) and value.startswith(_GUARD):
        return value[1:]
    return value


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.rename(columns=neutralise).map(neutralise)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as a CSV file (see module docstring), index left out."""
    return _safe(frame).to_csv(index=False, sep=SEPARATOR, lineterminator="\r\n").encode(ENCODING)


def write_csv(frame: pd.DataFrame, path: Path | str) -> Path:
    path = Path(path)
    path.write_bytes(csv_bytes(frame))
    return path


def read_csv(data: bytes | Path | str) -> pd.DataFrame:
    """A CSV written by :func:`csv_bytes` or :func:`write_csv`, every cell as the text it was."""
    raw = Path(data).read_bytes() if isinstance(data, Path | str) else data
    frame = pd.read_csv(io.BytesIO(raw), sep=SEPARATOR, encoding=ENCODING, dtype=str, keep_default_na=False)
    return frame.rename(columns=restore).map(restore)
