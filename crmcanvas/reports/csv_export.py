"""CSV files that open cleanly in French Excel and cannot run a formula.

Every CSV crmcanvas writes goes through :func:`csv_bytes` (downloads, snapshot
files) or :func:`write_csv`, in the :class:`CsvFormat` the settings ask for
(:func:`csv_format`: ``csv_separator``, ``csv_bom``):

* UTF-8 with a byte-order mark by default, so Excel reads accents right;
* ``;`` between cells by default, the list separator of a French Windows;
  numbers we format ourselves then take a decimal comma (:func:`number_text`);
* formula injection neutralised (OWASP, "CSV Injection"): sheet text is typed
  by many people, and a cell such as ``=HYPERLINK("https://evil.example", "ici")``
  or ``@SUM(…)`` would be run by Excel, LibreOffice or Google Sheets when the
  file is opened. A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return gets a leading apostrophe, which those programs show as text.
  A cell already starting with an apostrophe gets one more, so :func:`restore`
  is an exact inverse and a file read back (:func:`read_csv`) holds the
  sheet's text unchanged. Numbers are written as numbers (``-3`` is no formula);
* a file whose first cell starts with ``ID`` has that cell quoted: Excel takes
  a file starting with the two letters ``ID`` for a SYLK file and refuses it.
"""

from __future__ import annotations

import io
import numbers
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from crmcanvas.core.config import Settings

SEPARATOR = ";"
ENCODING = "utf-8-sig"  # UTF-8 with BOM
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_GUARD = "'"
_GUARDED = (*FORMULA_STARTS, _GUARD)
SEPARATORS = {";": ";", ",": ",", "tab": "\t"}  # the setting's words -> the character


@dataclass(frozen=True)
class CsvFormat:
    """How a CSV file is laid out: its separator and whether it starts with a UTF-8 byte-order mark."""

    separator: str = SEPARATOR
    bom: bool = True

    @property
    def decimal(self) -> str:
        """A decimal comma where ``;`` separates cells (French Excel), a point elsewhere."""
        return "," if self.separator == ";" else "."

    @property
    def encoding(self) -> str:
        return ENCODING if self.bom else "utf-8"


DEFAULT_FORMAT = CsvFormat()


def csv_format(settings: Settings | None = None) -> CsvFormat:
    """The format the settings ask for (``csv_separator``, ``csv_bom``)."""
    if settings is None:
        return DEFAULT_FORMAT
    return CsvFormat(separator=SEPARATORS[settings.csv_separator], bom=settings.csv_bom)


def neutralise(value: object) -> object:
    """A text cell spreadsheet programs will read as text, never as a formula."""
    if isinstance(value, str) and value and value[0] in _GUARDED:
        return _GUARD + value
    return value


def restore(value: object) -> object:
    """The text :func:`neutralise` was given."""
    if isinstance(value, str) and value.startswith(_GUARD):
        return value[1:]
    return value


def _safe_column(column: pd.Series) -> pd.Series:
    """The column with every text cell neutralised. A plain loop over the values: pandas' string operations
    cost ~0.5 ms a column whatever its length, and most columns are short and need nothing (60,000 cells: 6 ms)."""
    if not isinstance(column.dtype, pd.StringDtype) and column.dtype != object:
        return column  # numbers, booleans: no formula
    values = column.tolist()
    if not any(isinstance(v, str) and v[:1] in _GUARDED for v in values):  # a tuple: "" is not in it
        return column
    return pd.Series([neutralise(v) for v in values], index=column.index, dtype=column.dtype, name=column.name)


def _restored_column(column: pd.Series) -> pd.Series:
    values = column.tolist()  # a plain loop, as in _safe_column
    if not any(isinstance(v, str) and v.startswith(_GUARD) for v in values):
        return column
    return pd.Series([restore(v) for v in values], index=column.index, dtype=column.dtype, name=column.name)


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    safe = pd.DataFrame({i: _safe_column(frame.iloc[:, i]) for i in range(frame.shape[1])}, index=frame.index)
    safe.columns = [neutralise(c) for c in frame.columns]
    return safe


def _no_sylk(text: str, separator: str) -> str:
    """Quote a first cell starting with ``ID`` (unquoted, so it holds no separator, quote or line break)."""
    if not text.startswith("ID"):
        return text
    ends = [i for i in (text.find(separator), text.find("\r\n")) if i >= 0]
    end = min(ends) if ends else len(text)
    return f'"{text[:end]}"{text[end:]}'


def csv_bytes(frame: pd.DataFrame, fmt: CsvFormat | None = None) -> bytes:
    """The frame as a CSV file (see module docstring), index left out."""
    fmt = fmt or DEFAULT_FORMAT
    text = _safe(frame).to_csv(index=False, sep=fmt.separator, lineterminator="\r\n", decimal=fmt.decimal)
    return _no_sylk(text, fmt.separator).encode(fmt.encoding)


def write_csv(frame: pd.DataFrame, path: Path | str, fmt: CsvFormat | None = None) -> Path:
    path = Path(path)
    path.write_bytes(csv_bytes(frame, fmt))
    return path


def sniff_separator(raw: bytes) -> str:
    """The separator of a file we wrote, from its header line: the first of ``;``, tab, ``,`` found there."""
    head = raw[: raw.find(b"\n")] if b"\n" in raw else raw
    return next((sep for sep in (";", "\t", ",") if sep.encode() in head), SEPARATOR)


def read_csv(data: bytes | Path | str, fmt: CsvFormat | None = None) -> pd.DataFrame:
    """A CSV written by :func:`csv_bytes` or :func:`write_csv`, every cell as the text it was.

    The byte-order mark is optional; without ``fmt`` the separator is read from the header line.
    """
    raw = Path(data).read_bytes() if isinstance(data, Path | str) else data
    separator = fmt.separator if fmt else sniff_separator(raw)
    frame = pd.read_csv(io.BytesIO(raw), sep=separator, encoding=ENCODING, dtype=str, keep_default_na=False)
    restored = pd.DataFrame({i: _restored_column(frame.iloc[:, i]) for i in range(frame.shape[1])}, index=frame.index)
    restored.columns = [restore(c) for c in frame.columns]
    return restored


def number_text(value: object, fmt: CsvFormat | None = None) -> str:
    """A number as a spreadsheet in the file's locale reads it (``62,5`` next to ``;``); None as an empty cell."""
    if value is None or (isinstance(value, numbers.Real) and value != value):
        return ""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return str(value)
    text = str(int(value)) if isinstance(value, numbers.Integral) else repr(float(value))
    return text.replace(".", (fmt or DEFAULT_FORMAT).decimal)


def parse_number(text: str) -> int | float | None:
    """The inverse of :func:`number_text` (either decimal mark); None for an empty or non-numeric cell."""
    cleaned = text.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if not cleaned:
        return None
    try:
        return int(cleaned)
    except ValueError:
        pass
    try:
        return float(cleaned.replace(",", "."))
    except ValueError:
        return None


__all__ = ["DEFAULT_FORMAT", "FORMULA_STARTS", "SEPARATOR", "CsvFormat", "csv_bytes", "csv_format", "neutralise", "number_text",
           "parse_number", "read_csv", "restore", "sniff_separator", "write_csv"]
