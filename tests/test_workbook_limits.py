"""What a workbook may cost: pathological files are refused or cut, never allowed to exhaust memory.

Every case that could blow up runs in a separate process under a memory limit
(``run_limited``), so a regression fails the test instead of taking the
machine down; the peak memory of that process is checked too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from crmcanvas.cli import main
from crmcanvas.sources.base import CellChange, SourceError, WriteConflict
from crmcanvas.sources.workbook import (
    CELL_CUT,
    EXCEL_MAX_CHARS,
    MAX_CELLS,
    MAX_FILE_BYTES,
    MAX_TEXT_CHARS,
    MAX_UNPACKED_BYTES,
    WorkbookSource,
)
from tests.fixtures_workbook import (
    CLI,
    MAIN_NS,
    WANTED,
    huge_cell_workbook,
    raw_workbook,
    run_limited,
    sheet_xml,
)

ROOT = Path(__file__).resolve().parents[1]
BOUNDED_MB = 500  # the most memory a read of any file may take, refused or not
READ_CELL = """
import sys
from crmcanvas.sources.workbook import WorkbookSource
grid = WorkbookSource(sys.argv[1]).read({"besoins": "besoins"}).grids["besoins"]
print(len(grid[1][0]))
"""
READ = """
import sys
from crmcanvas.sources.base import SourceError
from crmcanvas.sources.workbook import WorkbookSource
try:
    WorkbookSource(sys.argv[1]).read({"besoins": "besoins"})
except SourceError as exc:
    print(exc.message)
"""


def refused_by_check(path: Path) -> str:
    """``crmcanvas check --format json`` on ``path``, under the memory limit: its French reason on stderr."""
    done = run_limited(CLI, "check", str(path), "--format", "json")
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stdout == "" and "Traceback" not in done.stderr
    assert done.stderr.startswith("crmcanvas : ")
    assert done.peak_mb < BOUNDED_MB
    return done.stderr


# --------------------------------------------------------------------------- the two files of the issue


def test_a_1_gib_cell_in_a_1_mb_file_is_refused_by_check_with_exit_2(tmp_path: Path) -> None:
    path = huge_cell_workbook(tmp_path / "bombe.xlsx", 1 << 30, inline=False)
    assert path.stat().st_size < 1_200_000
    reason = refused_by_check(path)
    assert "Le classeur « bombe.xlsx » est refusé : une fois décompressé, son contenu ferait 1074 Mo" in reason
    assert f"au-delà de la limite de {MAX_UNPACKED_BYTES // 10**6} Mo" in reason
    assert "→ Ouvrez-le dans Excel" in reason


def test_a_128_mib_inline_cell_in_a_small_file_is_refused_by_check_with_exit_2(tmp_path: Path) -> None:
    path = huge_cell_workbook(tmp_path / "bombe.xlsx", 128 << 20, inline=True)
    assert path.stat().st_size < 160_000
    assert "ferait 135 Mo" in refused_by_check(path)


def test_a_write_refuses_the_same_file_before_parsing_it(tmp_path: Path) -> None:
    path = huge_cell_workbook(tmp_path / "bombe.xlsx", 128 << 20, inline=False)
    done = run_limited(
        """
        import sys
        from crmcanvas.sources.base import SourceError
        from crmcanvas.sources.workbook import WorkbookSource
        try:
            WorkbookSource(sys.argv[1]).append_row("besoins", {"ID": "B1"})
        except SourceError as exc:
            print(exc.message)
        """,
        str(path),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "est refusé : une fois décompressé" in done.stdout
    assert done.peak_mb < BOUNDED_MB


# --------------------------------------------------------------------------- long cells are cut, in bounded memory


def test_a_cell_of_60_mb_within_the_caps_is_cut_and_read_in_bounded_memory(tmp_path: Path) -> None:
    path = huge_cell_workbook(tmp_path / "long.xlsx", 60_000_000, inline=False)
    done = run_limited(READ_CELL, str(path))
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout) == CELL_CUT == EXCEL_MAX_CHARS + 1  # one more than Excel allows: the loader sees the cut
    assert done.peak_mb < BOUNDED_MB


def test_check_reads_a_60_mb_inline_cell_in_bounded_memory(tmp_path: Path) -> None:
    path = huge_cell_workbook(tmp_path / "long.xlsx", 60_000_000, inline=True)
    done = run_limited(CLI, "check", str(path), "--format", "json")
    assert done.returncode in (0, 1), done.stderr[-2000:]
    assert json.loads(done.stdout)["counts"]["besoins"] == 1
    assert done.peak_mb < BOUNDED_MB


def test_a_cell_longer_than_excel_allows_reads_and_writes_as_the_same_cut_text(tmp_path: Path) -> None:
    path = huge_cell_workbook(tmp_path / "long.xlsx", 50_000, inline=False)  # openpyxl itself cannot write one
    source = WorkbookSource(path)
    shown = source.read({"besoins": "besoins"}).grids["besoins"][1][0]
    assert shown == "a" * CELL_CUT
    with pytest.raises(WriteConflict):
        source.update_cells("besoins", id_column="ID", row_id=shown, changes=[CellChange("ID", "a" * 50_000, "B1")])
    source.update_cells("besoins", id_column="ID", row_id=shown, changes=[CellChange("ID", shown, "B1")])
    assert source.read({"besoins": "besoins"}).grids["besoins"] == [["ID"], ["B1"]]


# --------------------------------------------------------------------------- a few cells that multiply


def test_one_long_string_shown_in_thousands_of_cells_is_refused(tmp_path: Path) -> None:
    cells = MAX_TEXT_CHARS // 30_000 + 1
    shared = f'<sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>{"b" * 30_000}</t></si></sst>'.encode()
    rows = (f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>' for r in range(1, cells + 1))
    path = raw_workbook(tmp_path / "recopie.xlsx", sheet=sheet_xml(rows), shared=shared)
    assert path.stat().st_size < 200_000
    done = run_limited(READ, str(path))
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith(
        f"Le classeur « recopie.xlsx » est refusé : les onglets du canevas contiennent plus de "
        f"{MAX_TEXT_CHARS // 10**6} millions de caractères (onglet « besoins »)"
    )
    assert done.peak_mb < BOUNDED_MB


def test_a_value_in_the_last_column_of_every_row_is_refused(tmp_path: Path) -> None:
    rows = MAX_CELLS // 16_384 + 1
    cells = (
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>B{r}</t></is></c><c r="XFD{r}"><v>1</v></c></row>'
        for r in range(1, rows + 1)
    )
    path = raw_workbook(tmp_path / "large.xlsx", sheet=sheet_xml(cells))
    done = run_limited(READ, str(path))
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"comptent plus de {MAX_CELLS // 10**6} millions de cellules" in done.stdout
    assert done.peak_mb < BOUNDED_MB


def test_entities_that_expand_a_billion_times_are_an_unreadable_file(tmp_path: Path) -> None:
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    shared = (
        f'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY l0 "lol">{entities}]>'
        f'<sst xmlns="{MAIN_NS}"><si><t>&l9;</t></si></sst>'
    ).encode()
    path = raw_workbook(tmp_path / "rire.xlsx", sheet=b"".join(sheet_xml([])), shared=shared)
    done = run_limited(READ, str(path))
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("Le classeur « rire.xlsx » n'a pas pu être lu : son contenu est invalide")
    assert done.peak_mb < BOUNDED_MB


# --------------------------------------------------------------------------- the file on disk


def test_a_file_past_the_size_cap_is_refused_without_being_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "enorme.xlsx"
    with open(path, "wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing is written, and a read would find only zeros
    source = WorkbookSource(path)
    for call in (lambda: source.read(WANTED), source.version, lambda: source.append_row("besoins", {"ID": "B1"})):
        with pytest.raises(SourceError) as caught:
            call()
        assert caught.value.message == "Le classeur « enorme.xlsx » est refusé : il fait 51 Mo, au-delà de la limite de 50 Mo que crmcanvas lit."
    assert main(["check", str(path)]) == 2
    assert "il fait 51 Mo" in capsys.readouterr().err


def test_limit_messages_have_an_english_version(tmp_path: Path) -> None:
    path = huge_cell_workbook(tmp_path / "bombe.xlsx", MAX_UNPACKED_BYTES + 1, inline=False)
    with pytest.raises(SourceError) as caught:
        WorkbookSource(path).read(WANTED)
    message, hint = caught.value.render("en", context="cli")
    assert message.startswith("The workbook “bombe.xlsx” is refused: once unpacked, its content would be 101 MB")
    assert hint and hint.startswith("Open it in Excel")


def test_the_readme_states_the_caps_the_code_applies() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if "refusé : trop gros" in line)
    numbers = [int(n.replace(" ", "")) for n in re.findall(r"\d[\d ]*\d|\d", row)]
    assert numbers[:4] == [MAX_FILE_BYTES // 10**6, MAX_UNPACKED_BYTES // 10**6, MAX_CELLS // 10**6, MAX_TEXT_CHARS // 10**6]
    assert f"{EXCEL_MAX_CHARS:,}".replace(",", " ") in row
